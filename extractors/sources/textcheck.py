"""Is a page's text layer worth reading, or must its image be OCR'd? (per page, with the reason)

- :func:`vietnamese_plausibility`: the share of a page's words that are Vietnamese syllables
  (a rule-based syllable grammar: initial consonant, vowel nucleus with at most one tone
  mark, final consonant; one letter case per word) and the share that carry a Vietnamese
  diacritic. A scanner's OCR layer ("CONG Hcok xA HQI CHiJ NGHiA") fails both.
- :func:`page_objects`: what the page is drawn with (images covering it, invisible text,
  path segments), for "text hidden under a page image" and "text drawn as vector paths".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook above, dot below
_INITIAL = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
# vowel nuclei (with their glide) of Vietnamese rimes, tone marks removed
_NUCLEUS = (
    "uyê|uya|uây|uôi|ươi|ươu|oai|oay|oeo|uôi|iêu|yêu|uyu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_FINAL = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(rf"^(?:{_INITIAL})?(?:{_NUCLEUS})(?:{_FINAL})?$")
_VIET_MARKED = set("ăâđêôơư")
_WORD = re.compile(r"[^\W\d_]+")


def _strip_tone(word: str) -> tuple[str, int]:
    """The word without tone marks (vowel shapes kept) and how many tone marks it had."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = sum(1 for ch in decomposed if ch in _TONES)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES)), tones


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: one letter case (lower, Capitalised or UPPER), one tone at most."""
    if not (word.islower() or word.isupper() or word[:1].isupper() and word[1:].islower()):
        return False
    base, tones = _strip_tone(word.lower())
    return tones <= 1 and _SYLLABLE.match(base) is not None


def has_diacritic(word: str) -> bool:
    base, tones = _strip_tone(word.lower())
    return tones > 0 or any(ch in _VIET_MARKED for ch in base)


@dataclass(frozen=True)
class Plausibility:
    words: int  # alphabetic words on the page
    syllables: float  # share that are Vietnamese syllables
    diacritics: float  # share with a Vietnamese diacritic (tone mark, ă â đ ê ô ơ ư)


def vietnamese_plausibility(text: str) -> Plausibility:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    if not words:
        return Plausibility(0, 0.0, 0.0)
    n = len(words)
    return Plausibility(n, sum(is_syllable(w) for w in words) / n, sum(has_diacritic(w) for w in words) / n)


MIN_WORDS = 15  # fewer words: too little to judge (a page number, a signature)
MIN_SYLLABLES = 0.6  # real text pages: 0.9-1.0, but a table of codes and names may fall to ~0.55
MIN_DIACRITICS = 0.2  # real text pages: 0.78-0.9; scanner layers: 0.0-0.3


def implausible(text: str, hidden: bool = False) -> str | None:
    """Why the text is not plausibly Vietnamese (None when it is, or too short to judge). A layer
    hidden under a page image (a scanner's OCR) must be clearly good to be kept."""
    p = vietnamese_plausibility(text)
    if p.words < MIN_WORDS:
        return None
    if hidden:  # must be clearly good
        bad = p.syllables < 0.85 or p.diacritics < 0.35
    else:  # a visible layer must be clearly bad: no diacritics, or neither syllables nor diacritics
        bad = p.diacritics < MIN_DIACRITICS or (p.syllables < MIN_SYLLABLES and p.diacritics < 0.4)
    if bad:
        return (
            f"text layer not plausible Vietnamese ({p.syllables:.0%} syllables, {p.diacritics:.0%} with diacritics"
            f"{', hidden under a page image' if hidden else ''})"
        )
    return None


@dataclass(frozen=True)
class PageObjects:
    image_cover: float  # share of the page area covered by its largest image
    image_dpi: float | None  # that image's resolution (pixels per inch of the page)
    text_objects: int
    invisible_text: int  # text objects drawn with render mode 3 (invisible): a scanner's OCR layer
    path_segments: int
    curve_segments: int  # Bézier segments: glyph outlines drawn as paths have many


def page_objects(page: Any, max_objects: int = 20000) -> PageObjects:
    """Walk the page's objects (top level and forms, to depth 3) once; ``page`` is a pypdfium2 page."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    area = max(width * height, 1.0)
    best_cover, best_dpi = 0.0, None
    texts = invisible = segs = curves = 0
    for i, obj in enumerate(page.get_objects(max_depth=3)):
        if i >= max_objects:
            break
        kind = obj.type
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            cover = max(0.0, min(right, width) - max(left, 0)) * max(0.0, min(top, height) - max(bottom, 0)) / area
            if cover > best_cover:
                best_cover = cover
                try:
                    px_w, px_h = obj.get_px_size()
                    best_dpi = max(px_w / max(right - left, 1e-6), px_h / max(top - bottom, 1e-6)) * 72
                except Exception:  # noqa: BLE001 - pdfium refuses some inline images; the size is optional
                    best_dpi = None
        elif kind == raw.FPDF_PAGEOBJ_TEXT:
            texts += 1
            if raw.FPDFTextObj_GetTextRenderMode(obj) == raw.FPDF_TEXTRENDERMODE_INVISIBLE:
                invisible += 1
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            n = raw.FPDFPath_CountSegments(obj)
            segs += max(n, 0)
            if n > 8 and curves < 2 * MIN_CURVES:  # glyph-like paths only, and only until it is clear
                for k in range(n):
                    if raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(obj, k)) == raw.FPDF_SEGMENT_BEZIERTO:
                        curves += 1
    return PageObjects(min(best_cover, 1.0), best_dpi, texts, invisible, segs, curves)


MIN_CURVES = 1500  # Bézier segments on a page without characters: text drawn as outlines


def vector_text(objects: PageObjects) -> bool:
    return objects.curve_segments >= MIN_CURVES
