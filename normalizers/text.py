"""Vietnamese text keys: NFC for storage, folded keys for matching.

Stored text is always what the document says, in NFC. Matching uses keys that fold
away what varies between documents but not in meaning: case, diacritics (for the
accent-insensitive key), the two tone-mark placements (``hoà``/``hòa``), the look-alike
``Ð`` (U+00D0) and dash variants.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")
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


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


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
