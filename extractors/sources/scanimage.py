"""A scanned page's image made fit for Tesseract: seals removed, orientation and skew undone, binarised.

Every step keeps the geometry to map a box of the upright image back to the page
(:class:`Frame`), so what is stored stays in the page's own coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def remove_colour_ink(rgb: np.ndarray, min_saturation: int = 70) -> np.ndarray:
    """Grayscale image with coloured ink (red/blue seals, blue signatures) taken out: plan text is black,
    so a strongly saturated pixel is a stamp or a pen over the page. Such ink lets its own colour's
    light through (a red seal the red channel, a blue pen the blue): that channel shows the page under
    it, so the text and the table's rules a seal covers are kept (painted white, a rule under a seal
    broke and its table lost its cells). Each channel is scaled so that its ink over bare paper reads
    as paper."""
    import cv2

    r, g, b = (np.ascontiguousarray(rgb[..., i]) for i in range(3))
    sat = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    coloured = sat >= min_saturation
    if not coloured.any():
        return gray
    unsat = gray[~coloured]
    paper = float(np.percentile(unsat[:: max(1, unsat.size // 200_000)], 90)) if unsat.size else 255.0
    inked = rgb[coloured]  # the coloured pixels only (n x 3): a small share of the page
    # most of a seal's ink lies on bare paper: its light end is that ink over paper
    gray[coloured] = _through_own_channel(inked, gray[coloured], paper, lambda _, light: np.percentile(light, 90))
    return gray


def _through_own_channel(
    inked: np.ndarray,
    out: np.ndarray,
    paper: float,
    over_paper: Callable[[int, np.ndarray], float],
    to_paper: float | None = None,
) -> np.ndarray:
    """Coloured pixels (``inked``, n x 3; ``out`` their grey values) read through their own ink's channel
    (a red seal's red, a blue pen's blue), scaled so that the ink over bare paper (``over_paper`` of the
    channel and its values) reads as ``paper``; with ``to_paper``, a pixel that light relative to it is paper."""
    dominant = inked.argmax(axis=1)
    for channel in range(3):
        at = dominant == channel
        if not at.any():
            continue
        light = inked[at, channel].astype(np.float32)
        level = max(float(over_paper(channel, light)), 1.0)
        value = np.clip(light * (paper / level), 0, 255)
        if to_paper is not None:
            value[light >= to_paper * level] = paper
        out[at] = value.astype(np.uint8)
    return out


def remove_colour_ink_for_text(rgb: np.ndarray, dpi: int, min_saturation: int = 70, weak: int = 20) -> np.ndarray:
    """Grayscale image for reading the words (the table's rules are found on :func:`remove_colour_ink`'s):
    coloured ink taken out more thoroughly, at the cost of the faint rules under it.

    - Next to strongly saturated ink, weakly saturated pixels are its edges (JPEG spreads a stroke's
      colour thin): taken as ink too, or a pen's stroke is left as its outline.
    - A pixel's ink channel is scaled against the median of that ink's pixels (most of a stroke lies
      on paper), and one nearly as light as that is paper: a stroke's own body is no text.
    - Where two inks cross (a blue signature over a red seal) no channel lets light through: such a
      pixel is dark but purple, red and blue well above green (black text under one ink is not: under
      red, green and blue stay together; under blue, red is the darkest): painted as paper.

    Black text under one ink stays: its ink channel is far darker than that ink's over paper. Only the
    boxes round the coloured ink are worked on (a seal, a signature: a small share of the page)."""
    import cv2

    r, g, b = (np.ascontiguousarray(rgb[..., i]) for i in range(3))
    sat = cv2.subtract(cv2.max(cv2.max(r, g), b), cv2.min(cv2.min(r, g), b))
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    strict = (sat >= min_saturation).astype(np.uint8)
    if not strict.any():
        return gray
    plain = gray[::4, ::4][sat[::4, ::4] < weak]
    paper = float(np.percentile(plain, 90)) if plain.size else 255.0
    rad = max(2, dpi // 50)  # a stroke's smeared edge (pixels)
    # the coloured regions' boxes, found on an eighth-size copy, a margin round each
    h, w = gray.shape
    small = cv2.dilate(
        cv2.resize(strict, (max(w // 8, 1), max(h // 8, 1)), interpolation=cv2.INTER_AREA), np.ones((3, 3), np.uint8)
    )
    n, _, stats, _ = cv2.connectedComponentsWithStats((small > 0).astype(np.uint8))
    for x, y, bw, bh, _ in stats[1:n]:
        x0, y0 = max(8 * x - 8, 0), max(8 * y - 8, 0)
        x1, y1 = min(8 * (x + bw) + 8, w), min(8 * (y + bh) + 8, h)
        box = (slice(y0, y1), slice(x0, x1))
        gray[box] = _take_out_ink(rgb[box], gray[box], sat[box], strict[box] > 0, paper, rad, weak)
    return gray


def _take_out_ink(
    rgb: np.ndarray, gray: np.ndarray, sat: np.ndarray, strict: np.ndarray, paper: float, rad: int, weak: int
) -> np.ndarray:
    """:func:`remove_colour_ink_for_text` on one box round coloured ink."""
    import cv2

    gray = gray.copy()
    r, g, b = (rgb[..., i] for i in range(3))
    zone = cv2.dilate(strict.astype(np.uint8), np.ones((2 * rad + 1, 2 * rad + 1), np.uint8)) > 0
    coloured = strict | (zone & (sat >= weak))
    sure = rgb[strict]
    sure_dominant = sure.argmax(axis=1)

    def median_of_sure(channel: int, light: np.ndarray) -> float:
        ref = sure[sure_dominant == channel, channel]
        return float(np.median(ref if ref.size else light))

    gray[coloured] = _through_own_channel(rgb[coloured], gray[coloured], paper, median_of_sure, to_paper=0.8)
    ri, gi, bi = (c.astype(np.int16) for c in (r, g, b))
    top = np.maximum(np.maximum(ri, gi), bi)
    purple = (zone & (top < 0.6 * paper) & (bi >= 2.5 * gi + 4) & (ri >= 1.5 * gi + 4)).astype(np.uint8)
    crossed = cv2.morphologyEx(purple, cv2.MORPH_CLOSE, np.ones((rad + 1, rad + 1), np.uint8)) > 0
    # JPEG keeps colour at half resolution: a thin pen stroke over a seal's broad ink loses its own
    # hue, and reads as a dark stroke under red. A dark mark inside red ink that runs into blue ink
    # is the pen's stroke carried on across the seal.
    grow = np.ones((2 * rad + 1, 2 * rad + 1), np.uint8)
    blue = cv2.dilate(((bi > ri + 60) & strict).astype(np.uint8), grow) > 0
    if blue.any():
        red = zone & (cv2.dilate(((ri > gi + 60) & (ri > bi + 40) & strict).astype(np.uint8), grow) > 0)
        dark = (gray < 0.75 * paper) & ~crossed
        n, labels = cv2.connectedComponents((dark & red).astype(np.uint8), connectivity=8)
        if n > 1:
            touching = np.unique(labels[blue & (labels > 0)])
            touching = touching[touching > 0]
            if touching.size:
                gray[np.isin(labels, touching)] = int(paper)
    gray[crossed] = int(paper)
    return gray


def binarise(gray: np.ndarray, dpi: int) -> np.ndarray:
    """Black text on white (0/255): the background (uneven light, paper tone) estimated by a large
    closing and divided out, then Otsu's threshold."""
    import cv2

    k = max(15, int(dpi / 8)) | 1  # wider than any stroke, narrower than the light's gradient
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k // 4 | 1, k // 4 | 1)))
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    norm = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return cv2.threshold(norm, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def lines_are_vertical(binary: np.ndarray) -> bool:
    """Do the page's text lines run top to bottom (a page turned 90°)? Projection profiles of a
    small copy: text lines make the profile across them jagged, the one along them smooth."""
    import cv2

    small = cv2.resize(255 - binary, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA).astype(np.float32)
    # long rules would dominate both profiles: drop rows/columns that are mostly ink
    rows, cols = small.mean(axis=1), small.mean(axis=0)
    rows = np.where(rows > 0.5 * 255, 0, rows)
    cols = np.where(cols > 0.5 * 255, 0, cols)

    def jag(profile: np.ndarray) -> float:
        return float(np.abs(np.diff(profile)).sum() / (profile.sum() + 1e-6))

    return jag(cols) > 1.3 * jag(rows)


def looks_upside_down(binary: np.ndarray, dpi: int, min_lines: int = 8) -> bool:
    """Do the page's text lines look turned 180° (worth asking OSD before reading the page)? Latin and
    Vietnamese letters put more ink above their x-height (ascenders, capitals, the tone and vowel
    marks) than below their baseline (descenders, the dot of nặng): per text line of the projection
    profile, the ink above its core and below it; upside down, more lies below. A page of few lines
    (a signature page) says nothing."""
    import cv2

    half = dpi / 2
    ink = cv2.resize((binary < 128).astype(np.float32), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    profile = ink.sum(axis=1)
    rows = np.flatnonzero(profile > 0.002 * ink.shape[1])
    if rows.size == 0:
        return False
    gap = max(1, int(half * 0.03))  # a mark's gap above its letter is no line break
    breaks = np.flatnonzero(np.diff(rows) > gap + 1)
    starts = np.concatenate([[rows[0]], rows[breaks + 1]])
    ends = np.concatenate([rows[breaks], [rows[-1]]]) + 1
    above = below = 0.0
    lines = 0
    for a, b in zip(starts, ends, strict=True):
        if not half * 0.06 <= b - a <= half * 0.4:  # a text line's height (0.06–0.4 inch)
            continue
        band = profile[a:b]
        core = np.flatnonzero(band >= 0.5 * band.max())
        above += float(band[: core[0]].sum())
        below += float(band[core[-1] + 1 :].sum())
        lines += 1
    return lines >= min_lines and below > 2 * above


def skew_angle(binary: np.ndarray, max_angle: float = 5.0) -> float:
    """Skew in degrees (positive: the page must turn counter-clockwise) from the long horizontal
    strokes (table rules, text baselines), within ±``max_angle``: a Hough transform over that range
    of angles only, on a half-size copy."""
    import cv2

    ink = cv2.resize(255 - binary, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(ink, 64, 255, cv2.THRESH_BINARY)[1]
    width = ink.shape[1]
    step = np.pi / 3600  # 0.05°
    lo, hi = np.radians(90 - max_angle), np.radians(90 + max_angle)
    lines = cv2.HoughLines(ink, 1, step, threshold=max(width // 4, 50), min_theta=lo, max_theta=hi)
    if lines is None:
        return 0.0
    thetas = np.asarray(lines).reshape(-1, 2)[:25, 1]  # the strongest first
    return float(np.degrees(np.median(thetas)) - 90)


@dataclass
class Frame:
    """How the upright image relates to the page: first ``skew`` (degrees counter-clockwise about the
    centre of the rendered page, matrix ``matrix``), then ``rotation`` (degrees counter-clockwise, a
    multiple of 90)."""

    page_w: float  # page size in points
    page_h: float
    dpi: int
    rotation: int = 0
    skew: float = 0.0
    matrix: np.ndarray | None = None  # 2x3 deskew matrix (pixels of the rendered page)

    @property
    def size(self) -> tuple[float, float]:
        """The upright image's size in points."""
        return (self.page_h, self.page_w) if self.rotation % 180 else (self.page_w, self.page_h)

    def to_page(self, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box of the upright image (points) as a box of the page (points, top-left origin)."""
        import cv2

        x0, top, x1, bottom = bbox
        pts = np.array([[x0, top], [x1, top], [x0, bottom], [x1, bottom]], dtype=np.float64)
        pw, ph = self.page_w, self.page_h
        # np.rot90 by r maps a page point (x, y) to: 90: (y, W - x); 180: (W - x, H - y); 270: (H - y, x)
        if self.rotation == 90:
            pts = np.stack([pw - pts[:, 1], pts[:, 0]], axis=1)
        elif self.rotation == 180:
            pts = np.stack([pw - pts[:, 0], ph - pts[:, 1]], axis=1)
        elif self.rotation == 270:
            pts = np.stack([pts[:, 1], ph - pts[:, 0]], axis=1)
        if self.matrix is not None:
            k = self.dpi / 72
            inv = cv2.invertAffineTransform(self.matrix)
            pts = ((pts * k) @ inv[:, :2].T + inv[:, 2]) / k
        xs, ys = pts[:, 0], pts[:, 1]
        return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def rotate(img: np.ndarray, rotation: int) -> np.ndarray:
    """``img`` turned counter-clockwise by ``rotation`` degrees (a multiple of 90)."""
    return np.ascontiguousarray(np.rot90(img, (rotation // 90) % 4))


def deskew(img: np.ndarray, angle: float, border: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """``img`` turned by ``angle`` degrees about its centre, and the 2x3 matrix that did it."""
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border), m
