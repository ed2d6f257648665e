"""Section and group headings of a task table: one classification for every table finder.

A section row carries a roman numeral ("I. CẢI CÁCH THỂ CHẾ", "II CẢI CÁCH…", or "I" alone
in the TT column beside a merged title); a group row is a sub-heading inside a section
("1. Tham mưu UBND tỉnh") printed across the row.
"""

from __future__ import annotations

import re

#: "I. TITLE", "II - TITLE", "III TITLE": a roman numeral and the section's title
ROMAN_TITLE = re.compile(r"^(?P<code>[IVXL]{1,6})(?:\s*[.):\-–]\s*|\s+)(?P<title>\S.*)$", re.DOTALL)
#: "I", "IV.": a roman numeral alone (in the TT column)
ROMAN_ONLY = re.compile(r"^[IVXL]{1,6}\.?$")
#: "PHẦN I. …", "Phần II - …", "MỤC III …": a part word before the numeral
_PART = re.compile(r"^(?:PHẦN|Phần|MỤC|Mục|CHƯƠNG|Chương)\s+(?=[IVXL]{1,6}\b)")
#: an item's own number before its text: "1. ", "1.2. ", "3) ", "a) " (a list item; a cell that numbers itself)
ITEM_NUMBER = re.compile(r"^(\d{1,3}(\.\d{1,3})*[.)]|[a-zđ]\))\s")
#: a group's number in the TT column: "1", "1.", "1.1", "a)", "b."
GROUP_NUMBER = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?|[a-zđ][).])$")


def is_roman(text: str) -> bool:
    return bool(ROMAN_ONLY.match(_PART.sub("", text.strip())))


def roman_code(text: str) -> str:
    """``"IV."`` or ``"PHẦN IV"`` -> ``"IV"``."""
    return _PART.sub("", text.strip()).rstrip(".")


_ROMAN_VALUES = (("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))


def roman_value(code: str) -> int | None:
    """``"XIV"`` -> 14; None for what is not a roman numeral."""
    if not code or not ROMAN_ONLY.match(code):
        return None
    total, rest = 0, code.rstrip(".")
    for letters, value in _ROMAN_VALUES:
        while rest.startswith(letters):
            total, rest = total + value, rest[len(letters) :]
    return total if not rest else None


def to_roman(n: int) -> str:
    out = ""
    for letters, value in _ROMAN_VALUES:
        while n >= value:
            out, n = out + letters, n - value
    return out


def next_section(code: str | None) -> str:
    """The numeral after ``code`` ("I" when none): sections follow each other in order."""
    return to_roman((roman_value(code) or 0) + 1 if code else 1)


def section_heading(text: str) -> tuple[str | None, str]:
    """A heading row's text as ``(section code, title)``; the code is None for a group heading."""
    m = ROMAN_TITLE.match(_PART.sub("", text))
    return (m.group("code"), m.group("title").strip()) if m else (None, text)
