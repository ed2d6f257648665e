"""Bullet marks: what starts a bullet line in a plan's cells and paragraphs, and taking one off.

A bullet is one of :data:`BULLET_MARKS` (``-``, ``+``, ``•``) followed by whitespace at the
start of a line: ``"- Báo cáo quý"``. One exception, :func:`opens_bullet`: a line ``"- 2023"``
after a line ending in a digit (``"giai đoạn 2019"``) is a number range wrapped before its
dash, not a bullet.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: the marks that open a bullet line ("- ", "+ ", "• "); CONTRACT.md's cell text keeps them on a new line
BULLET_MARKS = "-+•"
#: regex fragment matching one bullet mark, for patterns that combine it with other list markers
BULLET_MARK = "[" + re.escape(BULLET_MARKS) + "]"

_STARTS = re.compile(rf"^\s*{BULLET_MARK}\s")
# "2019" / "- 2023" is a number range wrapped before its dash, not a bullet.
_RANGE_TAIL = re.compile(r"^\s*-\s*\d")
_ENDS_DIGIT = re.compile(r"\d$")


def starts_bullet(line: str) -> bool:
    """``line`` (after any leading whitespace) opens with a bullet mark and a space: ``"- Kế hoạch"``."""
    return _STARTS.match(line) is not None


def opens_bullet(line: str, previous: str) -> bool:
    """``line`` starts a new bullet after ``previous``: :func:`starts_bullet`, less wrapped ranges.

    ``("- Báo cáo", "…10/01/2023")`` -> True; ``("- 2025", "giai đoạn 2021")`` -> False.
    """
    if not starts_bullet(line):
        return False
    return not (_RANGE_TAIL.match(line) and _ENDS_DIGIT.search(previous))


@lru_cache(maxsize=8)
def _leading_mark(extra: str, glued: bool) -> re.Pattern[str]:
    marks = "[" + re.escape(BULLET_MARKS + extra) + "]"
    return re.compile(rf"^\s*{marks}\s{'*' if glued else '+'}")


def strip_bullet(text: str, *, extra: str = "", glued: bool = False) -> str:
    """``text`` without its leading bullet mark and the whitespace around it; unchanged when it has none.

    ``extra`` adds marks for this use (unit lists also take ``"* "``); ``glued`` also takes a mark
    with no space after it (``"-Quý II"``), as deadline clauses do.
    """
    m = _leading_mark(extra, glued).match(text)
    return text[m.end() :] if m else text
