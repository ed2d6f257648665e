"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC, fonts ".VnTime", ".VnArial") and VNI ("VNI-Times").

Files typed in these fonts store Vietnamese letters as Latin-1 code points, so the text
layer reads "Céng hoµ x· héi chñ nghÜa ViÖt Nam" (TCVN3) or "Coäng hoøa xaõ hoäi chuû nghóa
Vieät Nam" (VNI). TCVN3 is one code point per letter; VNI puts the diacritics in a second
code point after the base letter. An encoding is recognised by the font name, or, when the
font names say nothing (embedded subsets), by character statistics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

# TCVN3: code point -> Unicode letter (lowercase; the ".VnTimeH"-style fonts print them as capitals)
_TCVN3 = dict(
    zip(
        "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊËÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\xadõö÷øùúûüýþ®¡¢£¤¥¦§",
        "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđĂÂÊÔƠƯĐ",
        strict=True,
    )
)
_TCVN3_SIGNATURE = set("µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊËÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞß«¬®¡¢£¤¥¦§")

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# VNI: the second code point of a letter -> its combining marks (lower and upper case forms)
_VNI_MARKS = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "ê": _BREVE,
    "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}  # fmt: skip
_VNI_MARKS.update({k.upper(): v for k, v in list(_VNI_MARKS.items())})
# VNI letters that are one code point
_VNI_SINGLE_TABLE = {
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ", "ñ": "đ", "ô": "ơ", "ö": "ư",
    "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị", "Î": "Ỵ", "Ñ": "Đ", "Ô": "Ơ", "Ö": "Ư",
}  # fmt: skip
#: VNI letters that are one code point -> Unicode ("ñ" -> "đ", "ô" -> "ơ"); anything else reads as itself
VNI_SINGLE: Mapping[str, str] = MappingProxyType(_VNI_SINGLE_TABLE)
# Letters a VNI diacritic code point after them combines with: the VNI bases, raw ("ô") or decoded ("ơ")
_TAKES_VNI_MARK = frozenset("aeiouyAEIOUY") | {"ô", "ö", "Ô", "Ö"} | frozenset("ơưƠƯ")
_VNI_PAIR = re.compile("[aeouyAEOUYôöÔÖ][ùøûõïâêáàåãäéèúüëÙØÛÕÏÂÊÁÀÅÃÄÉÈÚÜË]")
# Letters only Unicode Vietnamese has (outside Latin-1): their presence means the text is fine
_UNICODE_VI = re.compile("[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")


def font_encoding(fontname: str | None) -> str | None:
    """``tcvn3`` for ".VnTime"/".VnArialH"-style fonts, ``vni`` for "VNI-Times"-style ones."""
    name = (fontname or "").split("+")[-1].lower()
    if name.startswith(".vn") or name.startswith("vn") and not name.startswith("vni"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def uppercase_font(fontname: str | None) -> bool:
    """TCVN3 capitals come from a second font whose name ends in H (".VnTimeH")."""
    name = (fontname or "").split("+")[-1].split(",")[0]
    return name.lower().startswith(".vn") and name.rstrip("-Bold").rstrip("Italic").endswith("H")


def guess_encoding(text: str) -> str | None:
    """Which legacy encoding ``text`` is in, from its characters, or None when it reads as Unicode."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 20 or len(_UNICODE_VI.findall(text)) * 20 > letters:
        return None
    tcvn3 = sum(ch in _TCVN3_SIGNATURE for ch in text)
    vni = len(_VNI_PAIR.findall(text))
    if tcvn3 >= 5 and tcvn3 * 50 >= letters and tcvn3 >= vni:
        return "tcvn3"
    if vni >= 5 and vni * 50 >= letters:
        return "vni"
    return None


def from_tcvn3(text: str, upper: bool = False) -> str:
    out = "".join(_TCVN3.get(ch, ch) for ch in text)
    return out.upper() if upper else out


def _compose(letter: str, mark: str) -> str | None:
    """Unicode ``letter`` + the VNI diacritic code point ``mark``, or None when they do not combine."""
    marks = _VNI_MARKS.get(mark)
    if not marks or letter[-1:] not in _TAKES_VNI_MARK:
        return None
    return unicodedata.normalize("NFC", letter + marks)


def from_vni(text: str) -> str:
    """VNI text -> Unicode (NFC): each letter with the diacritic code point after it becomes one letter."""
    out: list[str] = []
    for ch in text:
        composed = _compose(out[-1], ch) if out else None
        if composed is not None:
            out[-1] = composed
        else:
            out.append(VNI_SINGLE.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def compose_vni(letter: str, mark: str) -> str | None:
    """``letter`` as a VNI font prints it, followed by ``mark``, in Unicode; None when ``mark`` does not combine.

    For text split into glyphs: ``mark`` is the glyph after ``letter`` and is one of VNI's diacritic
    code points. ``letter`` may already be decoded (it reads the same, except that a bare ``ô``/``ö``
    is VNI's ``ơ``/``ư``): ``("a", "ù")`` -> ``"á"``, ``("ơ", "ù")`` -> ``"ớ"``, ``("a", "b")`` -> None.
    """
    if letter[-1:] not in _TAKES_VNI_MARK or mark not in _VNI_MARKS:
        return None
    return _compose(from_vni(letter), mark)


def to_unicode(text: str, encoding: str | None = None) -> str:
    """Convert ``text`` from ``encoding`` (guessed when None); Unicode text comes back unchanged."""
    encoding = encoding or guess_encoding(text)
    if encoding == "tcvn3":
        return from_tcvn3(text)
    if encoding == "vni":
        return from_vni(text)
    return text


# For test documents: Unicode -> legacy (the inverse tables)
_TO_TCVN3 = {v: k for k, v in _TCVN3.items()}


def to_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (lower-case letters; capitals with diacritics need the H font and are lowered)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TO_TCVN3:
            out.append(_TO_TCVN3[ch])
        elif ch.lower() in _TO_TCVN3 and ch.lower() != ch:
            out.append(_TO_TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


_FROM_SINGLE = {v: k for k, v in _VNI_SINGLE_TABLE.items() if k not in "íìÍÌ"}
_MARKS_TO_VNI = {v: k for k, v in _VNI_MARKS.items() if k.islower()}
_MARKS_TO_VNI_UPPER = {v: k for k, v in _VNI_MARKS.items() if k.isupper()}


def to_vni(text: str) -> str:
    """Unicode -> VNI (for making test documents)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _FROM_SINGLE:
            out.append(_FROM_SINGLE[ch])
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if not marks or base.lower() not in "aeiouy":
            out.append(ch)
            continue
        if _HORN in marks:  # ơ, ư + tone
            base = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}[base]
            marks = marks.replace(_HORN, "")
        if base.lower() == "i" and len(marks) == 1:
            out.append(ch if ch in "íìÍÌ" else _FROM_SINGLE.get(ch, ch))
            continue
        if base.lower() == "y" and marks == _DOT:
            out.append("î" if base.islower() else "Î")
            continue
        order = (_CIRC, _BREVE, _ACUTE, _GRAVE, _HOOK, _TILDE, _DOT)
        marks = "".join(sorted(marks, key=order.index))
        table = _MARKS_TO_VNI if base.islower() else _MARKS_TO_VNI_UPPER
        out.append(base + table.get(marks, marks) if marks else base)
    return "".join(out)
