"""Scanned pages: render, clean, turn upright, find the ruled grid in the image, OCR with Tesseract.

    page --render (colour)--> seals removed --> binarised --> orientation (0/90/180/270) --> deskew (±5°)
         --> rules -> pdfplumber edges; rules erased --> one Tesseract pass (words + boxes + confidences)

The image's table lines become pdfplumber-style edges (so the same table-finding code
builds the grid) and Tesseract's words become character-like dictionaries (so the same
cell assignment and assembly run), all in the upright image's frame; ``PageContent.to_page``
maps a box back to the page's own coordinates (stored provenance boxes). A cell that
comes out empty or with a low confidence is read again from its own crop
(``retry_cell``). Word confidences are kept: each cell carries the mean confidence of its
words, each task row the mean of its cells.

Tesseract runs in-process (:mod:`extractors.sources.tess`: ``tesserocr``, one API object per
worker process) or, without the binding, as the ``tesseract`` binary. Needs Vietnamese data
(Debian ``tesseract-ocr-vie``; ``tesseract-ocr-osd`` for upside-down/turned pages) and OpenCV.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from typing import Any

import numpy as np

from extractors.model import OcrInfo, PageContent
from extractors.ocr_text import clean_ocr_text, clean_ocr_word
from extractors.sources import scanimage
from extractors.sources.pdfium import edge, page_box
from extractors.sources.tess import Word, engine

log = logging.getLogger(__name__)

DPI = 300  # pages without an image (text drawn as paths): rendered at this resolution
MIN_DPI, MAX_DPI = 200, 300  # scans are read at their own resolution, within these bounds
LOW_CONFIDENCE = 60.0  # a cell whose words average less is read again from its own crop
_PUA = range(0xE000, 0xF900)


INSTALL_HINT = (
    "install tesseract-ocr and tesseract-ocr-vie (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-vie)"
)


@functools.lru_cache(maxsize=4)
def ocr_missing(lang: str = "vie") -> str | None:
    """What is missing to OCR ``lang`` on this machine, as a message with how to install it; None
    when Tesseract can run (the ``tesserocr`` binding with the language's data, or the ``tesseract``
    program that lists the language)."""
    if engine(lang).backend == "tesserocr":
        return None
    exe = shutil.which("tesseract")
    if not exe:
        return f"the tesseract program is not installed (not found on PATH): {INSTALL_HINT}"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{exe} does not run ({exc}): reinstall it; {INSTALL_HINT}"
    if lang not in langs.split():
        return (
            f"Tesseract ({exe}) is installed but has no {lang!r} language data ({lang}.traineddata): install "
            f"tesseract-ocr-{lang}, or point TESSDATA_PREFIX at a folder holding {lang}.traineddata"
        )
    return None


def ocr_available(lang: str = "vie") -> bool:
    return ocr_missing(lang) is None


def unusable_text(chars: list[dict]) -> str | None:
    """Why a page's text layer cannot be used (None: it can): none at all, or garbage —
    unmapped glyphs (U+FFFD, "(cid:12)") or private-use code points. Whether the text is
    plausible Vietnamese is :func:`extractors.sources.textcheck.implausible`."""
    if not chars:
        return "no text layer"
    bad = sum(1 for c in chars if c["text"] == "\ufffd" or (c["text"] and ord(c["text"][0]) in _PUA))
    cid = sum(1 for c in chars if c["text"].startswith("(cid:"))
    if (bad + cid) > 0.3 * len(chars):
        return "unmapped glyphs in the text layer"
    return None


def needs_ocr(chars: list[dict]) -> bool:
    return unusable_text(chars) is not None


def render(page: Any, dpi: int = DPI, colour: bool = False) -> np.ndarray:
    """The page as a grayscale (or RGB) image (PDFium rendering)."""
    pil = page.render(scale=dpi / 72, grayscale=not colour).to_pil()
    return np.asarray(pil.convert("RGB" if colour else "L"))


#: from this resolution the rules are found on a half-size copy (a rule stays several pixels wide)
HALF_SIZE_RULES_DPI = 250


def image_edges(binary: np.ndarray, dpi: int = DPI) -> tuple[list[dict], np.ndarray]:
    """:func:`find_rules` on the image, or from :data:`HALF_SIZE_RULES_DPI` on a half-size copy (a
    quarter of the pixels to open and label; a block of four pixels with a quarter of it inked is ink,
    so a thin rule stays whole), the rules' mask brought back to the image's size and kept to its ink."""
    import cv2

    if dpi < HALF_SIZE_RULES_DPI:
        return find_rules(binary, dpi)
    h, w = binary.shape
    small = cv2.resize(binary, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    small = np.where(small < 192, 0, 255).astype(np.uint8)
    edges, mask = find_rules(small, dpi / 2, grow=False)
    # the half-size copy joins a bold line's serifs into a stroke along a rule: what is erased is the
    # image's own ink in straight runs of a rule's direction under the found rules
    ink = 255 - binary
    run = max(9, int(dpi / 15))
    straight = cv2.bitwise_or(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1))),
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run))),
    )
    mask = cv2.bitwise_and(cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST), straight)
    return edges, cv2.dilate(mask, np.ones((3, 3), np.uint8))


def find_rules(binary: np.ndarray, dpi: float = DPI, grow: bool = True) -> tuple[list[dict], np.ndarray]:
    """Ruling lines of a binarised image (black ink on white) as pdfplumber edges (points, top-left
    origin), and their pixel mask.

    A straight stroke is a rule when it is long or when one of its ends meets a rule of the other
    direction. A short stroke alone in a cell is a letter's (the stem of a bold capital "T" or "H"
    in a title is as tall as a one-line row at 150 dpi): taken for a rule it splits the cell, even
    in line with a column's rule (a title row's letter under the column rule that stops above it).
    A rule is straight: a stroke whose box is much wider than the stroke is slanted, a signature's."""
    import cv2

    ink = 255 - binary
    h, w = ink.shape
    scale = 72 / dpi
    masks = {
        orientation: cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        for orientation, kernel in (("h", (max(w // 40, 20), 1)), ("v", (1, max(h // 60, 20))))
    }
    edges = []
    lines_mask = np.zeros_like(ink)
    reach = max(2, int(dpi // 100))  # pixels between a stroke's end and the crossing rule it meets
    for orientation, mask in masks.items():
        other = cv2.dilate(masks["v" if orientation == "h" else "h"], np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
        long_px = (48 if orientation == "h" else 24) * dpi / 72
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
        strokes = []
        for label, (x, y, bw, bh, area) in enumerate(stats[1:n], start=1):
            if orientation == "h" and bw > 4 * bh:
                length, across, ends = bw, bh, (other[y : y + bh, x], other[y : y + bh, x + bw - 1])
                at = y + bh / 2
            elif orientation == "v" and bh > 4 * bw:
                length, across, ends = bh, bw, (other[y, x : x + bw], other[y + bh - 1, x : x + bw])
                at = x + bw / 2
            else:
                continue
            if across - area / length > 2 * dpi / 200 + 0.003 * length:
                continue  # slanted (its box much wider than the stroke): a pen's stroke, a signature's
            strokes.append((label, x, y, bw, bh, at, length >= long_px or any(e.any() for e in ends)))
        keep = np.zeros(n, np.uint8)
        for label, x, y, bw, bh, at, sure in strokes:
            if not sure:
                continue  # a letter's stroke
            keep[label] = 255
            if orientation == "h":
                edges.append(edge("h", x * scale, (x + bw) * scale, at * scale, at * scale))
            else:
                edges.append(edge("v", at * scale, at * scale, y * scale, (y + bh) * scale))
        lines_mask = np.maximum(lines_mask, keep[labels])
    return bridge_breaks(edges), cv2.dilate(lines_mask, np.ones((3, 3), np.uint8)) if grow else lines_mask


def bridge_breaks(edges: list[dict], snap: float = 3.0, max_gap: float = 80.0) -> list[dict]:
    """Rules with a break that is no cell's edge joined across it. A table leaves a rule out only
    between two crossing rules (a merged cell), so a gap in a rule that begins or ends where no rule
    crosses is a break in the scan (a pen stroke or a seal over it, a faint line): left, it opens a
    title row's cell into its neighbours'."""
    from extractors.sources.pdfium import edge as make

    near = 2 * snap  # a rule's end this close to a crossing rule ends there (a scan's rules stop short)
    out = []
    for o, (lo, hi, at) in (("h", ("x0", "x1", "top")), ("v", ("top", "bottom", "x0"))):
        rules = sorted((e for e in edges if e["orientation"] == o), key=lambda e: (round(e[at]), e[lo]))
        crossing = [e for e in edges if e["orientation"] != o]
        merged: list[dict] = []
        for e in rules:
            last = merged[-1] if merged else None
            if (
                last is not None
                and abs(last[at] - e[at]) <= 1.5
                and 0 < e[lo] - last[hi] <= max_gap
                and not (_crossed(crossing, o, last[hi], last[at], near) and _crossed(crossing, o, e[lo], e[at], near))
            ):
                a, b = min(last[lo], e[lo]), max(last[hi], e[hi])
                merged[-1] = make("h", a, b, last[at], last[at]) if o == "h" else make("v", last[at], last[at], a, b)
                continue
            merged.append(e)
        out += merged
    return out


def _crossed(crossing: list[dict], orientation: str, pos: float, line: float, snap: float) -> bool:
    """Does a rule of the other direction cross (or end on) the rule at ``line`` at ``pos``?"""
    lo, hi, at = ("top", "bottom", "x0") if orientation == "h" else ("x0", "x1", "top")
    return any(abs(c[at] - pos) <= snap and c[lo] - snap <= line <= c[hi] + snap for c in crossing)


def erase(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The image with the table's rules painted white: Tesseract's page layout analysis loses the
    words of ruled cells (header labels above all) when the lines are left in."""
    clean = img.copy()
    clean[mask > 0] = 255
    return clean


def word_dicts(words: list[Word], dpi: int) -> list[dict]:
    """Tesseract's words as character-like dictionaries (points), each with its confidence; one box
    height per Tesseract line, so a lone "-" or "," sorts into its line, not below it."""
    scale = 72 / dpi
    spans: dict[tuple[int, ...], tuple[float, float]] = {}
    for w in words:
        lo, hi = spans.get(w.line, (w.top, w.top + w.height))
        spans[w.line] = (min(lo, w.top), max(hi, w.top + w.height))
    out = []
    for w in words:
        text = clean_ocr_word(w.text, w.conf)
        if not text:
            continue
        top, bottom = spans[w.line]
        x0, t, height = w.left * scale, top * scale, (bottom - top) * scale
        out.append(
            {
                "text": text,
                "x0": x0,
                "x1": x0 + w.width * scale,
                "top": t,
                "bottom": t + height,
                "doctop": t,
                "width": w.width * scale,
                "height": height,
                "upright": True,
                "fontname": "OCR",
                "size": height,
                "object_type": "char",
                "conf": w.conf,
            }
        )
    return out


def ocr_words(img: np.ndarray, dpi: int = DPI, lang: str = "vie") -> list[dict]:
    """Tesseract's words (``--psm 11``; best on an :func:`erase`-d image) as character-like dictionaries."""
    return word_dicts(engine(lang).words(img, dpi, psm=11), dpi)


#: a cell this narrow (points) holds a row number ("1", "12", "IV", "a)"), never a sentence
NARROW_CELL = 45.0
ROW_NUMBER_CHARS = "0123456789IVXL.)abcdđe"


def ocr_cell(
    img: np.ndarray, bbox: tuple[float, float, float, float], dpi: int = DPI, lang: str = "vie"
) -> tuple[str, float]:
    """One cell read as a single line (``--psm 7``) from its own crop: short texts page-level OCR
    tends to drop ("1", "12"). Its text and confidence (-1: nothing printed there)."""
    import cv2

    k = dpi / 72
    x0, top, x1, bottom = (int(round(v * k)) for v in bbox)
    crop = img[max(top + 3, 0) : max(bottom - 3, 0), max(x0 + 3, 0) : max(x1 - 3, 0)]
    if crop.size == 0 or (crop < 128).mean() < 0.002:
        return "", -1.0
    crop = cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255)
    psm = 7 if crop.shape[0] < 3.5 * 0.17 * k * 72 else 6  # several printed lines: a block
    text, conf = engine(lang).line(crop, dpi, psm=psm)
    text = clean_ocr_text(text, conf)
    if text or x1 - x0 > NARROW_CELL * k:
        return text, conf
    # A narrow column is the row number's: a lone "1" or "IV" that line reading drops is read as
    # one word, then one character, from the characters a row number is made of.
    for single in (8, 10):
        text, conf = engine(lang).line(crop, dpi, psm=single, whitelist=ROW_NUMBER_CHARS)
        if text:
            return text, conf
    return "", -1.0


def upright_crop(rgb: np.ndarray, frame: scanimage.Frame, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """A box (points, in the upright frame the page's words are in) of the colour page image, turned
    and deskewed as the words were: handwriting in coloured ink, which the OCR pass paints white."""
    import cv2

    img = rgb
    if frame.matrix is not None:
        h, w = rgb.shape[:2]
        img = cv2.warpAffine(rgb, frame.matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if frame.rotation:
        img = scanimage.rotate(img, frame.rotation)
    k = frame.dpi / 72
    x0, top, x1, bottom = (int(round(v * k)) for v in bbox)
    return np.ascontiguousarray(img[max(top, 0) : max(bottom, 0), max(x0, 0) : max(x1, 0)])


def page_dpi(image_dpi: float | None) -> int:
    if image_dpi is None:
        return DPI
    return int(min(max(round(image_dpi), MIN_DPI), MAX_DPI))


class OcrSource:
    """A page read from its image: seals removed, binarised, upright, grid from the rules, Tesseract's words."""

    name = "ocr"

    def __init__(self, dpi: int | None = None, lang: str = "vie"):
        self.dpi, self.lang = dpi, lang

    def read(self, page: Any, reason: str = "forced", image_dpi: float | None = None) -> PageContent:
        _, (width, height) = page_box(page.pdfium)
        dpi = self.dpi or page_dpi(image_dpi)
        rgb = render(page.pdfium, dpi, colour=True)
        gray = scanimage.remove_colour_ink(rgb)
        # the words are read from an image with the coloured ink taken out more thoroughly (a pen's
        # edges, a pen crossing a seal); the rules are found on ``gray``, which keeps the faint rules under it
        text_gray = scanimage.remove_colour_ink_for_text(rgb, dpi)
        binary = scanimage.binarise(gray, dpi)
        frame = scanimage.Frame(width, height, dpi)
        angle = scanimage.skew_angle(binary)  # table rules run both ways: turned pages deskew the same
        if abs(angle) >= 0.05:
            # the grayscale page turned, then binarised: a binarised thin rule turned and thresholded
            # again breaks into dashes too short to be found as a rule
            gray, frame.matrix = scanimage.deskew(gray, angle)
            text_gray, _ = scanimage.deskew(text_gray, angle)
            binary = scanimage.binarise(gray, dpi)
            frame.skew = angle
        text_binary = binary if text_gray is gray else scanimage.binarise(text_gray, dpi)
        edges, lines_mask = image_edges(binary, dpi)
        rotation = self._orientation(binary, lines_mask, dpi)
        if rotation:
            binary = scanimage.rotate(binary, rotation)
            text_binary = scanimage.rotate(text_binary, rotation)
            frame.rotation = rotation
            edges, lines_mask = image_edges(binary, dpi)
        clean = erase(text_binary, lines_mask)  # rules erased once: page words and cell retries both read it
        asked = False  # OSD asked about 180°: a page it finds upright is not asked again
        if not rotation and scanimage.looks_upside_down(clean, dpi):  # turned before it is read: one read
            asked = True
            if self._osd_says_180(clean, dpi):
                rotation, frame.rotation = 180, 180
                clean = scanimage.rotate(clean, 180)
                edges, _ = image_edges(scanimage.rotate(binary, 180), dpi)
        words = ocr_words(clean, dpi, self.lang)
        if not rotation and not asked and self._upside_down(words, clean, dpi):
            rotation, frame.rotation = 180, 180
            clean = scanimage.rotate(clean, 180)
            edges, _ = image_edges(scanimage.rotate(binary, 180), dpi)
            words = ocr_words(clean, dpi, self.lang)
        confs = [w["conf"] for w in words if w["conf"] >= 0]
        info = OcrInfo(reason, round(frame.skew, 2), rotation, round(sum(confs) / len(confs), 1) if confs else None)
        log.info(
            "page %d read by OCR at %d dpi (%s; turned %d°, deskewed %.2f°, %d words)",
            page.number,
            dpi,
            reason,
            rotation,
            frame.skew,
            len(words),
        )

        def retry(bbox: tuple[float, float, float, float]) -> tuple[str, float]:
            return ocr_cell(clean, bbox, dpi, self.lang)

        fw, fh = frame.size
        return PageContent(
            page.number,
            fw,
            fh,
            words,
            edges,
            self.name,
            ocr=info,
            retry_cell=retry,
            to_page=frame.to_page,
            crop_colour=functools.partial(upright_crop, rgb, frame),
            dpi=dpi,
        )

    def _orientation(self, binary: np.ndarray, rules: np.ndarray, dpi: int) -> int:
        """0, or the turn (counter-clockwise degrees) that makes upright a page whose text lines run
        vertically: Tesseract OSD, or without a confident answer the best-read strip of each turn."""
        if not scanimage.lines_are_vertical(erase(binary, rules)):  # the table's rules run both ways
            return 0
        found = engine(self.lang).orientation(np.ascontiguousarray(binary[::2, ::2]), dpi // 2)
        if found is not None and found[1] >= 1.5:
            return found[0]
        return max((0, 90, 270), key=lambda r: _strip_conf(binary, r, dpi, self.lang))

    def _upside_down(self, words: list[dict], clean: np.ndarray, dpi: int) -> bool:
        """A page read upright gives confident words; a poor reading may be a page turned 180°."""
        confs = [w["conf"] for w in words if w["conf"] >= 0]
        if len(confs) >= 20 and sum(confs) / len(confs) >= 55:
            return False
        return self._osd_says_180(clean, dpi)

    def _osd_says_180(self, clean: np.ndarray, dpi: int) -> bool:
        found = engine(self.lang).orientation(np.ascontiguousarray(clean[::2, ::2]), dpi // 2)
        return found is not None and found[0] == 180 and found[1] >= 2.0

    def close(self) -> None:
        pass


def _strip_conf(binary: np.ndarray, rotation: int, dpi: int, lang: str) -> float:
    img = scanimage.rotate(binary, rotation)
    h = img.shape[0]
    strip = img[h // 4 : h // 4 + max(h // 6, 50)]
    words = engine(lang).words(strip, dpi, psm=6)
    confs = [w.conf for w in words if w.conf >= 0]
    return sum(confs) / len(confs) if confs else 0.0
