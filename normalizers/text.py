"""Vietnamese text layer: NFC for storage, folded keys for matching, the splits every normalizer shares.

Stored text is always what the document says, in NFC (:func:`nfc`, :func:`clean_line`).
Matching uses keys that fold away what varies between documents but not in meaning: case,
diacritics (for the accent-insensitive key), the two tone-mark placements (``hoà``/``hòa``),
the look-alike ``Ð`` (U+00D0) and dash variants:

- :func:`match_key`: keeps diacritics (names, units);
- :func:`fold`: accent-free (keywords: reform areas, headings); the SQL macro ``fold_vi``
  in :mod:`pipeline.views` reproduces it for keyword matching;
- :func:`fold_chars`: accent-free and the same length as its input, so spans map back.

Bullet marks are in :mod:`normalizers.bullets`, the legacy-font converters in
:mod:`normalizers.legacy`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The horizontal spaces a printed line may carry (not newlines): one space each in clean text. The line and
# paragraph separators U+2028/U+2029 (a Word soft break pasted as text) count as spaces too.
_LINE_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u2028\u2029\u202f\u3000]+")
#: the most combining marks kept on one character (UAX #15's stream-safe limit; Vietnamese needs two)
MAX_COMBINING = 30
#: the dash variants the keys fold to ``-`` (hyphens, en/em dashes, minus, small and full-width hyphen-minus)
DASH_CHARS = "".join(map(chr, range(0x2010, 0x2016))) + "\u2212\ufe58\ufe63\uff0d"
_DASHES = re.compile("[" + re.escape(DASH_CHARS) + "]")
_SPACES = re.compile(r"\s+")  # Python's \s: every character str.isspace() accepts
# Old-style tone placement on the first vowel of these pairs -> modern placement.
_TONE_PAIRS = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ỏe": "oẻ",
    "õe": "oẽ",
    "ọe": "oẹ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
_OLD_TONE = re.compile("(" + "|".join(_TONE_PAIRS) + r")(?![\wàáảãạ])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _long_mark_runs() -> re.Pattern[str]:
    """More than :data:`MAX_COMBINING` non-starters (combining class > 0) in a row."""
    marks = [c for c in range(0x300, 0x20000) if unicodedata.combining(chr(c))]
    ranges: list[tuple[int, int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    cls = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{cls}]{{{MAX_COMBINING + 1},}}")


def nfc(text: str) -> str:
    """The composed (NFC) form every stored text is in.

    A run of more than :data:`MAX_COMBINING` combining marks (never real text: a hostile file) keeps
    its first ones, as UAX #15's stream-safe format bounds them, so normalisation stays linear (its
    canonical reordering is quadratic in a run's length).
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    if len(text) > MAX_COMBINING:
        text = _long_mark_runs().sub(lambda m: m.group(0)[:MAX_COMBINING], text)
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, one space between words, no control characters (a newline stays), no outer spaces."""
    text = nfc(text)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return _LINE_SPACES.sub(" ", text).strip()


def split_outside_parens(text: str, seps: str) -> list[str]:
    """``text`` cut at every character of ``seps`` that is not inside parentheses.

    ``"A (x; y); B"`` on ``";"`` -> ``["A (x; y)", " B"]``: pieces as printed (not stripped),
    as many as separators plus one. An unmatched ``)`` is ignored; an unclosed ``(`` runs to the end.
    """
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _modern_tone(match: re.Match[str]) -> str:
    pair = match.group(0)
    new = _TONE_PAIRS[pair.lower()]
    return new.upper() if pair.isupper() else (new[0].upper() + new[1:] if pair[0].isupper() else new)


def normalize_tone_marks(text: str) -> str:
    """``hòa``/``hoà``, ``thủy``/``thuỷ`` -> one spelling, so the two placements compare equal."""
    return _OLD_TONE.sub(_modern_tone, nfc(text))


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """Case-, tone-placement-, dash- and space-insensitive key that keeps diacritics."""
    text = normalize_tone_marks(nfc(text).replace("\u00d0", "Đ").replace("\u0110", "Đ"))
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip().casefold()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent-insensitive key: no diacritics, ``đ`` -> ``d``, lower case, single spaces."""
    text = nfc(text).replace("\u00d0", "Đ")
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DASHES.sub("-", text)
    return _SPACES.sub(" ", text).strip().casefold()


def slug(text: str) -> str:
    """ASCII slug: ``Sơn La`` -> ``son-la``; stored beside, never instead of, the text."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def fold_chars(text: str) -> str:
    """Accent-free lower-case copy of the same length, so spans found in it are spans in ``text``."""
    out = []
    for ch in text:
        if ch in "đĐ\u00d0":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)
