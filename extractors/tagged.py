"""Merged cells of a borderless grid from the PDF's structure tags (:mod:`extractors.sources.tags`).

Without ruling lines, a merged cell printed once at its top (top-aligned, one line) leaves no trace in
the geometry: the rows below it look empty in that column. A tagged PDF records the merge: the ``TD``
holding the text has ``RowSpan`` k. :func:`apply_tags` gives the grid cell holding that text the rows
of the borderless grid covering those k tagged rows, as a drawn merge spans its rows on a ruled page
(one ``GridCell`` with ``rowspan`` > 1; the assembler shares one logical cell over them):

- a grid row belongs to the tagged row whose text starts at or above its top (the last such row);
- a cell is only ever extended over empty slots of its own column (never over a heading or another
  cell's text); a span the grid cannot take whole is left as the finder made it;
- a span running past the page's last tagged row carries on over the page break: the cell is marked
  ``open_below``, and on the next page the empty cells of that column in the rows the span still
  covers become one cell marked ``open_above`` (the assembler joins it to the cell above the break).

A merge the geometry made over more rows than its tagged cell covers is cut back to the tagged rows
(where every row it spans is a tagged one): a number centred beside rows run together is no merge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from extractors.finders import ReadState
from extractors.model import GridCell, PageTable
from extractors.sources.tags import TaggedCell, TaggedTable

log = logging.getLogger(__name__)

#: a tagged row starts at a grid row when its text's top is at most this far (points) below the row's top
ROW_TOLERANCE = 3.0
_OPEN = "tags.open"  # ReadState.cache: spans cut by the last page's bottom


@dataclass
class _OpenSpan:
    """A tagged merge cut by a page break: its column's centre and the last tagged row it covers."""

    x: float
    last_row: int
    page: int


def _table_for(grid: PageTable, tagged: list[TaggedTable]) -> TaggedTable | None:
    """The tagged table whose text lies in the grid (the most cells inside its box)."""

    def inside(cell: TaggedCell) -> bool:
        assert cell.bbox is not None
        x, y = (cell.bbox[0] + cell.bbox[2]) / 2, (cell.bbox[1] + cell.bbox[3]) / 2
        return grid.bbox[0] <= x <= grid.bbox[2] and grid.bbox[1] <= y <= grid.bbox[3]

    scored = [(sum(inside(c) for c in t.placed), n) for n, t in enumerate(tagged)]
    best = max(scored, default=(0, -1))
    return tagged[best[1]] if best[0] >= 2 else None


def _tops(cells: list[TaggedCell]) -> dict[int, float]:
    """Tagged row -> the top of the highest text of its cells (those printed on this page)."""
    tops: dict[int, float] = {}
    for cell in cells:
        assert cell.bbox is not None
        tops[cell.row] = min(tops.get(cell.row, cell.bbox[1]), cell.bbox[1])
    return tops


def _tagged_rows(grid: PageTable, table: TaggedTable, body: range) -> dict[int, int]:
    """Grid row -> the tagged row it belongs to (the last tagged row whose text starts at or above it)."""
    order = sorted(_tops(table.placed).items())
    out: dict[int, int] = {}
    for r in body:
        y = grid.row_edges[r]
        own = [j for j, top in order if top <= y + 1 + ROW_TOLERANCE]
        if own:
            out[r] = own[-1]
    return out


def row_starts(grid: PageTable, tagged: list[TaggedTable]) -> list[float]:
    """Where the tagged table's rows start on this page (the top of the highest text of each ``TR``'s own
    cells), for the tagged table whose text lies in ``grid``; empty when none does. A merged cell counts
    for its first row only: a vertically centred one starts below its row's other cells."""
    table = _table_for(grid, tagged)
    if table is None:
        return []
    # not the header's rows, nor a heading across the table (the finder finds those)
    body = [c for c in table.placed if not c.header and c.colspan == 1]
    # a row holding only merged cells starts with them (top-aligned; a centred one would start it too low)
    merged = _tops([c for c in body if c.rowspan > 1])
    return sorted((merged | _tops([c for c in body if c.rowspan == 1])).values())


def _free(grid: PageTable, r: int, c: int, owner: GridCell | None) -> bool:
    """Can slot (r, c) join a merge: it is the merge's own cell, or an empty cell of that one column."""
    cell = grid.cell_at(r, c)
    return cell is not None and (cell is owner or (cell.empty and cell.colspan == 1))


def _merge(grid: PageTable, c: int, lo: int, hi: int, owner: GridCell | None) -> GridCell | None:
    """Slots lo..hi of column c as one cell (``owner``, or the first empty one); None when one is not free."""
    if not all(_free(grid, r, c, owner) for r in range(lo, hi + 1)):
        return None
    parts = {id(cell): cell for r in range(lo, hi + 1) if (cell := grid.cell_at(r, c)) is not None}
    if any(p.row < lo or p.row + p.rowspan - 1 > hi for p in parts.values()):
        return None  # an empty cell reaching out of the range: leave it
    keep = owner or grid.cell_at(lo, c)
    assert keep is not None
    grid.cells[:] = [cell for cell in grid.cells if cell is keep or id(cell) not in parts]
    keep.row, keep.rowspan = lo, hi - lo + 1
    keep.bbox = (keep.bbox[0], grid.row_edges[lo], keep.bbox[2], grid.row_edges[hi + 1])
    grid.cover(keep)
    return keep


def _shrink(grid: PageTable, owner: GridCell, covered: list[int], rows: dict[int, int]) -> bool:
    """A merge the geometry made over more rows than its tagged cell covers (a centred number beside
    rows that run together; a centred cell reaching up into the rest of a row cut by the page break)
    cut back to those rows (``covered``: the grid rows of its tagged rows), the slots it leaves empty
    cells; only where every slot it spans belongs to a tagged row."""
    span = range(owner.row, owner.row + owner.rowspan)
    lo, hi = max(owner.row, covered[0]), min(span[-1], covered[-1])
    if not all(k in rows for k in span) or (lo, hi) == (span[0], span[-1]) or lo > hi:
        return False
    x0, x1 = owner.bbox[0], owner.bbox[2]
    for k in span:
        if not lo <= k <= hi:
            grid.cells.append(GridCell(k, owner.col, 1, 1, (x0, grid.row_edges[k], x1, grid.row_edges[k + 1]), []))
            grid.cover(grid.cells[-1])
    owner.row, owner.rowspan = lo, hi - lo + 1
    owner.bbox = (x0, grid.row_edges[lo], x1, grid.row_edges[hi + 1])
    grid.cover(owner)
    return True


def apply_tags(grid: PageTable, tagged: list[TaggedTable], state: ReadState) -> int:
    """Extends the borderless ``grid``'s cells over the rows their tagged ``RowSpan`` covers (in place);
    returns how many cells it changed. Spans cut by the page bottom are kept for the next page."""
    pending: list[_OpenSpan] = state.cache.pop(_OPEN, [])
    table = _table_for(grid, tagged)
    start = grid.header_rows or 0
    body = range(start, grid.n_rows)
    if table is None or not body:
        return 0
    rows = _tagged_rows(grid, table, body)
    if not rows:
        return 0
    grid.tagged = True
    first_tagged, last_tagged = min(rows.values()), max(table.rows)
    changed = 0
    carried: list[_OpenSpan] = []
    for span in pending:  # a merge from the page before, still covering rows at the top of this one
        if span.page != grid.page - 1 or first_tagged == 0 or first_tagged > span.last_row:
            continue
        c = grid.col_at(span.x)
        covered = [r for r in body if r in rows and rows[r] <= span.last_row]
        if c is None or not covered or covered[0] != start:
            continue
        cell = _merge(grid, c, covered[0], covered[-1], None)
        if cell is not None and cell.empty:
            cell.open_above = True
            changed += 1
            if covered[-1] == grid.n_rows - 1 and span.last_row > last_tagged:
                cell.open_below = True
                carried.append(_OpenSpan(span.x, span.last_row, grid.page))
    for tag in table.placed:
        if tag.colspan > 1 or tag.header:
            continue
        assert tag.bbox is not None
        x = (tag.bbox[0] + tag.bbox[2]) / 2
        c, r = grid.col_at(x), grid.row_at(tag.bbox[1] + 1)
        if c is None or r is None or r < start:
            continue
        owner = grid.cell_at(r, c)
        if owner is None or owner.empty or owner.colspan > 1:
            continue
        end = tag.row + tag.rowspan - 1
        covered = [k for k in body if tag.row <= rows.get(k, -1) <= end]
        if not covered:
            continue
        if owner.rowspan > 1 and _shrink(grid, owner, covered, rows):
            changed += 1
        if tag.rowspan < 2:
            continue
        lo, hi = min(covered[0], owner.row), max(covered[-1], owner.row + owner.rowspan - 1)
        if (lo, hi) == (owner.row, owner.row + owner.rowspan - 1) and end <= last_tagged:
            continue
        if _merge(grid, c, lo, hi, owner) is None:
            log.debug("page %d: tagged merge at row %d col %d not taken (slots not free)", grid.page, r, c)
            continue
        changed += 1
        if end > last_tagged and hi == grid.n_rows - 1:
            owner.open_below = True
            carried.append(_OpenSpan(x, end, grid.page))
    if carried:
        state.cache[_OPEN] = carried
    return changed
