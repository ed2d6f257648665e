"""Cell text as CONTRACT.md defines it.

A cell's printed lines are joined with single spaces, except that a line starting a
bullet (``- ``, ``+ ``, ``• ``) starts a new line, and a word broken after a hyphen at a
line end is joined without a space (``CNTT-`` + ``BCVT`` -> ``CNTT-BCVT``).
"""

from __future__ import annotations

import re
import unicodedata

_BULLET = re.compile(r"^[-+•]\s")
# "2019" / "- 2023" is a number range wrapped before its dash, not a bullet.
_RANGE_TAIL = re.compile(r"^[-–]\s*\d")
_ENDS_DIGIT = re.compile(r"\d$")
# A hyphen glued to the word before it ("CNTT-", "08-") breaks a word, "Thông tin -" does not.
_WORD_HYPHEN = re.compile(r"\S[-–]$")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")


def clean_line(text: str) -> str:
    """NFC, one space between words, no control characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()


def is_bullet(line: str, previous: str) -> bool:
    if not _BULLET.match(line):
        return False
    return not (_RANGE_TAIL.match(line) and _ENDS_DIGIT.search(previous))


def join_lines(lines: list[str]) -> str:
    """Join a cell's printed lines into its contract text."""
    out = ""
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if not out:
            out = line
        elif is_bullet(line, out):
            out += "\n" + line
        elif _WORD_HYPHEN.search(out):
            out += line
        else:
            out += " " + line
    return out
