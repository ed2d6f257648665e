"""Scanned pages: render, deskew, find the ruled grid in the image, OCR with Tesseract.

The image's table lines become pdfplumber-style edges (so the same table-finding code
builds the grid) and Tesseract's words become character-like dictionaries (so the same
cell assignment and assembly run). Word confidences are kept: each cell carries the mean
confidence of its words, each task row the mean of its cells.

Needs the ``tesseract`` binary with Vietnamese data (Debian: ``tesseract-ocr``,
``tesseract-ocr-vie``) and OpenCV (``opencv-python-headless``, already a camelot dependency).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from extractors.model import OcrInfo, PageContent
from extractors.sources.pdfium import edge, page_box

log = logging.getLogger(__name__)

DPI = 300
_PUA = range(0xE000, 0xF900)


@functools.lru_cache(maxsize=1)
def ocr_available(lang: str = "vie") -> bool:
    exe = shutil.which("tesseract")
    if not exe:
        return False
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return lang in langs.split()


def unusable_text(chars: list[dict]) -> str | None:
    """Why a page's text layer cannot be used (None: it can): none at all, or garbage —
    unmapped glyphs (U+FFFD, "(cid:12)") or private-use code points."""
    if not chars:
        return "no text layer"
    bad = sum(1 for c in chars if c["text"] == "\ufffd" or (c["text"] and ord(c["text"][0]) in _PUA))
    cid = sum(1 for c in chars if c["text"].startswith("(cid:"))
    if (bad + cid) > 0.3 * len(chars):
        return "unmapped glyphs in the text layer"
    return None


def needs_ocr(chars: list[dict]) -> bool:
    return unusable_text(chars) is not None


def render(page, dpi: int = DPI) -> np.ndarray:
    """The page as a grayscale image (PDFium rendering)."""
    return np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))


def skew_angle(gray: np.ndarray) -> float:
    """Skew in degrees from the long horizontal strokes (table rules, text baselines)."""
    import cv2

    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    width = gray.shape[1]
    lines = cv2.HoughLinesP(binary, 1, np.pi / 1800, threshold=200, minLineLength=width // 4, maxLineGap=20)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):  # (N, 1, 4) or (N, 4) by OpenCV version
        a = np.degrees(np.arctan2(y2 - y1, x2 - x1))
        if abs(a) < 10:
            angles.append(a)
    return float(np.median(angles)) if angles else 0.0


def deskew(gray: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2

    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)
    return rotated, angle


def image_edges(gray: np.ndarray, dpi: int = DPI) -> tuple[list[dict], np.ndarray]:
    """Ruling lines of the image as pdfplumber edges (points, top-left origin), and their pixel mask."""
    import cv2

    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    h, w = binary.shape
    scale = 72 / dpi
    edges = []
    lines_mask = np.zeros_like(binary)
    for orientation, kernel in (("h", (max(w // 40, 20), 1)), ("v", (1, max(h // 60, 20)))):
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        lines_mask = np.maximum(lines_mask, mask)
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        for x, y, bw, bh, _area in stats[1:n]:
            if orientation == "h" and bw > 4 * bh:
                top = (y + bh / 2) * scale
                edges.append(edge("h", x * scale, (x + bw) * scale, top, top))
            elif orientation == "v" and bh > 4 * bw:
                x0 = (x + bw / 2) * scale
                edges.append(edge("v", x0, x0, y * scale, (y + bh) * scale))
    return edges, cv2.dilate(lines_mask, np.ones((3, 3), np.uint8))


def erase(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The image with the table's rules painted white: Tesseract's page layout analysis loses the
    words of ruled cells (header labels above all) when the lines are left in."""
    clean = gray.copy()
    clean[mask > 0] = 255
    return clean


def ocr_words(gray: np.ndarray, dpi: int = DPI, lang: str = "vie") -> list[dict]:
    """Tesseract's words (best on an :func:`erase`-d image) as character-like dictionaries
    (points), each with its confidence."""
    import cv2

    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), gray)
        tsv = subprocess.run(
            ["tesseract", str(png), "-", "-l", lang, "--psm", "11", "tsv"],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
    scale = 72 / dpi
    rows = [p for p in (line.split("\t") for line in tsv.splitlines()[1:]) if len(p) == 12 and p[11].strip()]
    # one box height per Tesseract line: a lone "-" or "," must sort into its line, not below it
    spans: dict[tuple[str, ...], tuple[float, float]] = {}
    for p in rows:
        key, top, bottom = tuple(p[1:5]), float(p[7]), float(p[7]) + float(p[9])
        lo, hi = spans.get(key, (top, bottom))
        spans[key] = (min(lo, top), max(hi, bottom))
    words = []
    for parts in rows:
        left, _, width, _, conf = (float(v) for v in parts[6:11])
        top, bottom = spans[tuple(parts[1:5])]
        height = bottom - top
        x0, t = left * scale, top * scale
        words.append(
            {
                "text": parts[11].strip(),
                "x0": x0,
                "x1": x0 + width * scale,
                "top": t,
                "bottom": t + height * scale,
                "doctop": t,
                "width": width * scale,
                "height": height * scale,
                "upright": True,
                "fontname": "OCR",
                "size": height * scale,
                "object_type": "char",
                "conf": conf,
            }
        )
    return words


def ocr_cell(gray: np.ndarray, bbox: tuple[float, float, float, float], dpi: int = DPI, lang: str = "vie") -> str:
    """One cell read as a single line (``--psm 7``): short texts page-level OCR tends to drop ("1", "12")."""
    import cv2

    k = dpi / 72
    x0, top, x1, bottom = (int(round(v * k)) for v in bbox)
    crop = gray[max(top + 3, 0) : max(bottom - 3, 0), max(x0 + 3, 0) : max(x1 - 3, 0)]
    if crop.size == 0 or (crop < 128).mean() < 0.002:
        return ""
    crop = cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "cell.png"
        cv2.imwrite(str(png), crop)
        out = subprocess.run(
            ["tesseract", str(png), "-", "-l", lang, "--psm", "7"], capture_output=True, text=True, timeout=60
        )
    return " ".join(out.stdout.split())


class OcrSource:
    """A page read from its image: deskewed, grid from the image's rules, words from Tesseract."""

    name = "ocr"

    def __init__(self, dpi: int = DPI, lang: str = "vie"):
        self.dpi, self.lang = dpi, lang

    def read(self, page: Any, reason: str = "forced") -> PageContent:
        _, (width, height) = page_box(page.pdfium)
        gray, angle = deskew(render(page.pdfium, self.dpi))
        edges, lines_mask = image_edges(gray, self.dpi)
        clean = erase(gray, lines_mask)  # rules erased once: page words and cell retries both read it
        words = ocr_words(clean, self.dpi, self.lang)
        confs = [w["conf"] for w in words if w["conf"] >= 0]
        info = OcrInfo(reason, round(angle, 2), 0, round(sum(confs) / len(confs), 1) if confs else None)
        log.info("page %d read by OCR (%s; deskewed %.2f°, %d words)", page.number, reason, angle, len(words))

        def retry(bbox: tuple[float, float, float, float]) -> str:
            return ocr_cell(clean, bbox, self.dpi, self.lang)

        return PageContent(page.number, width, height, words, edges, self.name, ocr=info, retry_cell=retry)

    def close(self) -> None:
        pass
