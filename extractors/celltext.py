"""Cell text as CONTRACT.md defines it.

A cell's printed lines are joined with single spaces, except that a line starting a
bullet (``- ``, ``+ ``, ``• ``, see :mod:`normalizers.bullets`) starts a new line, and a word
broken after a hyphen at a line end is joined without a space (``CNTT-`` + ``BCVT`` -> ``CNTT-BCVT``).
Each line is cleaned first (:func:`normalizers.text.clean_line`: NFC, single spaces).
"""

from __future__ import annotations

import re

from normalizers.bullets import opens_bullet
from normalizers.text import clean_line

__all__ = ["clean_line", "join_lines"]

# A hyphen glued to the word before it ("CNTT-", "08-") breaks a word, "Thông tin -" does not.
_WORD_HYPHEN = re.compile(r"\S[-–]$")


def join_lines(lines: list[str]) -> str:
    """Join a cell's printed lines into its contract text.

    Linear in the text's length: each decision looks at the last two characters joined so far only
    (the bullet and hyphen rules read nothing further back), and the pieces are joined once.
    """
    parts: list[str] = []
    tail = ""  # the last two characters of the text joined so far
    for raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if not parts:
            sep = ""
        elif opens_bullet(line, tail):
            sep = "\n"
        elif _WORD_HYPHEN.search(tail):
            sep = ""
        else:
            sep = " "
        parts += (sep, line)
        tail = (tail + sep + line)[-2:] if len(line) < 2 else line[-2:]
    return "".join(parts)
