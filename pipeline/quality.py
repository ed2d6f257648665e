"""Quality flags: which extracted rows deserve a person's look, and why.

Computed from the extraction only (:class:`extractors.document.Extraction`: its ``TaskRow``s,
layouts, ``RawPage``s and cross-checked pages), never from the document's text by rule of a
known plan. Each code says what to look at:

``tt_sequence``
    The printed number (TT) breaks the sequence of its section: a gap ("3" after "1"), a repeat
    or a step back. Look for a row split in two, two rows merged into one, or a row lost at a
    page break just above.
``empty_required``
    The task or lead cell is empty although the table has that column. Look whether the text
    went to the neighbouring column, or to the row above/below (a merge read wrongly).
``ocr_low_confidence``
    The row was read from a page image and one of its cells has a mean Tesseract word confidence
    below :data:`OCR_CONFIDENCE_MIN`. Compare every cell with the page image, diacritics first.
``engines_disagree``
    Both table engines read the page (pdfplumber's ruled grid, then camelot's lattice as a second
    opinion) and camelot's grid gave more rows, so its reading was kept. Check the row's cell
    borders against the page: one of the two engines saw a line the other did not.
``mapped_by_position``
    The page has no header of its own; its columns were matched to the last header by their
    position. Check that each value sits in the right column (a column added or dropped shifts them).
``merge_inferred``
    A vertically merged cell's value was carried onto this row by inference (e.g. across a page
    break where it is not printed again, or an empty cell of an unruled table filled from above by
    the opt-in ``ExtractSettings.fill_down``). Check that the merged value really covers this row.
``text_outside_cells``
    Printed text lies inside the task table's box but in no cell: a value may be missing from the
    row (a cell border not drawn, text overflowing its cell). Look at the row's box on the page.
``merge_possible``
    In a table printed without ruling lines, a value cell of this row is empty under a filled one
    in the same column: a merged cell printed once at its top looks exactly so. Check whether the
    value above covers this row too (kehoach never fills an empty cell by guess).
``long_cell``
    A cell is far longer than its column's median (:data:`LONG_CELL_FACTOR` times, and over
    :data:`LONG_CELL_MIN_CHARS` characters): often two cells or rows read as one. Check where the
    cell should end.

``mapped_by_position`` and ``merge_inferred`` come from assembly: an optional ``TaskRow.inferred``
(a set of these codes, optionally ``"<code>:<field>"``) is read when the assembler provides it;
``merge_inferred`` is also set where the data shows it (a cell shared by several rows, none of its
fragments printed on this row's pages).

:data:`WEIGHTS` orders the review queue (``v_review_queue``): the higher a row's summed weight,
the earlier it is shown.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from extractors.celltext import join_lines
from extractors.model import FIELDS, LogicalCell, TaskRow
from extractors.settings import FILL_DOWN_FIELDS

if TYPE_CHECKING:
    from extractors.document import Extraction

#: the flag codes, each with its weight in the review queue (how doubtful the row is)
WEIGHTS: dict[str, int] = {
    "text_outside_cells": 5,
    "engines_disagree": 4,
    "ocr_low_confidence": 4,
    "tt_sequence": 3,
    "empty_required": 3,
    "long_cell": 2,
    "merge_inferred": 2,
    "merge_possible": 2,
    "mapped_by_position": 1,
}
CODES: tuple[str, ...] = tuple(WEIGHTS)

OCR_CONFIDENCE_MIN = 70.0
LONG_CELL_FACTOR = 4.0
LONG_CELL_MIN_CHARS = 160
GAP_SHARE_MAX = 0.1
REQUIRED = ("task", "lead")
#: fields whose length is compared with their column's median (tt and budget are short by nature)
LONG_FIELDS = ("objective", "task", "activity", "output", "lead", "partner", "deadline")

_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)\.?\s*$")


def row_flags(ex: Extraction) -> list[list[str]]:
    """The flag codes of each extracted row, in row order (codes in :data:`CODES` order)."""
    rows = ex.rows
    flags: list[set[str]] = [set() for _ in rows]
    present = {name for layout in ex.layouts for name in layout.fields if name}
    for i in tt_sequence_breaks(rows):
        flags[i].add("tt_sequence")
    for i, row in enumerate(rows):
        for name in REQUIRED:
            cell = row.cells.get(name)
            if name in present and (cell is None or not join_lines(cell.lines).strip()):
                flags[i].add("empty_required")
        confidences = [f.confidence for c in row.cells.values() for f in c.fragments if f.confidence is not None]
        by_cell = [_cell_confidence(c) for c in row.cells.values()]
        if confidences and min(v for v in by_cell if v is not None) < OCR_CONFIDENCE_MIN:
            flags[i].add("ocr_low_confidence")
        if row.pages & set(ex.cross_checked):
            flags[i].add("engines_disagree")
        for item in getattr(row, "inferred", None) or ():
            code = str(item).split(":", 1)[0]
            if code in WEIGHTS:
                flags[i].add(code)
    for i in merges_inferred(rows):
        flags[i].add("merge_inferred")
    for i in rows_with_text_outside_cells(ex):
        flags[i].add("text_outside_cells")
    for i in long_cells(rows):
        flags[i].add("long_cell")
    for i in possible_merges(ex):
        flags[i].add("merge_possible")
    return [[code for code in CODES if code in f] for f in flags]


def quality(flags: Sequence[Sequence[str]]) -> dict[str, float]:
    """``documents.quality``: rows flagged per code, ``flagged_rows`` and ``flagged_share`` (0-1)."""
    counts = Counter(code for f in flags for code in f)
    out: dict[str, float] = {code: float(counts.get(code, 0)) for code in CODES}
    flagged = sum(1 for f in flags if f)
    out["flagged_rows"] = float(flagged)
    out["flagged_share"] = round(flagged / len(flags), 4) if flags else 0.0
    return out


def _cell_confidence(cell: LogicalCell) -> float | None:
    got = [f.confidence for f in cell.fragments if f.confidence is not None]
    return sum(got) / len(got) if got else None


def _number(tt: str) -> tuple[int, ...] | None:
    m = _NUMBER.match(tt or "")
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


def _follows(prev: tuple[int, ...], cur: tuple[int, ...]) -> bool:
    """True when ``cur`` is a next number after ``prev``: sibling (+1), first child (.1) or back up a level."""
    if len(cur) == len(prev):
        return cur[:-1] == prev[:-1] and cur[-1] == prev[-1] + 1
    if len(cur) == len(prev) + 1:
        return cur[:-1] == prev and cur[-1] == 1
    if len(cur) < len(prev):
        return cur[:-1] == prev[: len(cur) - 1] and cur[-1] == prev[len(cur) - 1] + 1
    return False


def tt_sequence_breaks(rows: Sequence[TaskRow]) -> list[int]:
    """Rows whose printed number does not follow the previous numbered row of their section.

    The first numbered row of a section may restart the count (``1``, ``1.1``) or go on from the
    previous section (plans number either way); rows without a number are skipped. A repeat or a
    step back is always flagged; a gap only when gaps are rare in the document (at most
    :data:`GAP_SHARE_MAX` of its numbered rows): a plan whose numbering skips everywhere (numbers
    kept from a longer list) prints it that way, and flagging every row would hide the real doubts.
    """
    breaks: list[tuple[int, bool]] = []  # (row index, is a gap)
    last: tuple[int, ...] | None = None
    section: object = object()
    numbered = 0
    for i, row in enumerate(rows):
        cell = row.cells.get("tt")
        number = _number(join_lines(cell.lines)) if cell is not None else None
        if number is None:
            continue
        numbered += 1
        ok = last is None or _follows(last, number)
        if row.section_code != section:
            section = row.section_code
            ok = ok or all(p == 1 for p in number)
        if not ok and last is not None:
            breaks.append((i, number > last))
        last = number
    gaps = sum(1 for _, gap in breaks if gap)
    keep_gaps = numbered and gaps <= GAP_SHARE_MAX * numbered
    return [i for i, gap in breaks if keep_gaps or not gap]


def merges_inferred(rows: Sequence[TaskRow]) -> list[int]:
    """Rows holding a merged cell (shared with other rows) none of whose fragments is printed on the row's pages."""
    users: Counter[int] = Counter(id(c) for row in rows for c in {id(c): c for c in row.cells.values()}.values())
    out = []
    for i, row in enumerate(rows):
        for name, cell in row.cells.items():
            if name == "tt" or users[id(cell)] < 2 or not cell.fragments:
                continue
            if not {f.page for f in cell.fragments} & row.pages:
                out.append(i)
                break
    return out


#: value columns an unruled table may merge without a trace (the objective is filled down already)
MERGEABLE = FILL_DOWN_FIELDS


def possible_merges(ex: Extraction) -> list[int]:
    """Rows on pages read without ruling lines with an empty value cell in a run of empty cells under
    a filled one of the same section (the merged value printed once, at the top of its rows)."""
    unruled = {p.number for p in ex.raw.pages if p.tables and all(t.kind == "borderless" for t in p.tables)}
    out = []
    open_above: set[str] = set()  # columns whose last cell in this section was filled, or empty under one
    for i, row in enumerate(ex.rows):
        if i and row.section_code != ex.rows[i - 1].section_code:
            open_above = set()
        empty = {name for name in MERGEABLE if name in open_above and not _filled_in(row, name)}
        if empty and row.pages & unruled:
            out.append(i)
        open_above = empty | {name for name in MERGEABLE if _filled_in(row, name)}
    return out


def _filled_in(row: TaskRow, name: str) -> bool:
    cell = row.cells.get(name)
    return cell is not None and _filled(cell)


def _filled(cell: LogicalCell) -> bool:
    return bool(join_lines(cell.lines).strip())


def rows_with_text_outside_cells(ex: Extraction) -> list[int]:
    """Rows next to a page line (text no cell took) that lies inside a task table's box.

    A line belongs to the row whose fragments on that page are vertically nearest to it.
    """
    by_page: dict[int, list[tuple[int, float, float]]] = {}
    for i, row in enumerate(ex.rows):
        for cell in row.cells.values():
            for f in cell.fragments:
                by_page.setdefault(f.page, []).append((i, f.bbox[1], f.bbox[3]))
    out: set[int] = set()
    for page in ex.raw.pages:
        spans = by_page.get(page.number)
        if not spans or not page.tables:
            continue
        for line in page.lines:
            if not line.text.strip():
                continue
            x0, top, x1, bottom = line.bbox
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            if not any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in page.tables):
                continue
            row_no = min(spans, key=lambda s: 0.0 if s[1] <= cy <= s[2] else min(abs(cy - s[1]), abs(cy - s[2])))[0]
            out.add(row_no)
    return sorted(out)


def long_cells(rows: Sequence[TaskRow]) -> list[int]:
    """Rows with a cell over :data:`LONG_CELL_FACTOR` times its column's median length."""
    out: set[int] = set()
    for name in LONG_FIELDS:
        if name not in FIELDS:
            continue
        lengths = [(i, len(join_lines(row.cells[name].lines))) for i, row in enumerate(rows) if name in row.cells]
        nonempty = [n for _, n in lengths if n]
        if len(nonempty) < 5:
            continue
        limit = max(LONG_CELL_FACTOR * statistics.median(nonempty), LONG_CELL_MIN_CHARS)
        out.update(i for i, n in lengths if n > limit)
    return sorted(out)
