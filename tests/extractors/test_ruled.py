"""The ruled finder on hand-drawn rules: cells cut by a page break, open or closed."""

from __future__ import annotations

from extractors.finders.ruled import page_tables
from extractors.settings import ExtractSettings
from extractors.sources.pdfium import edge

XS = (50.0, 100.0, 300.0, 500.0)  # three columns
YS = (100.0, 130.0, 160.0, 190.0)  # three rows


def _grid(*, bottom_gap: bool = False, bottom: bool = True, merged_col: int | None = None) -> list[dict]:
    """Column rules top to bottom; row rules across, except inside a merge of the last two rows in
    ``merged_col``; the bottom rule whole, with a gap under ``merged_col`` or missing."""
    edges = [edge("v", x, x, YS[0], YS[-1]) for x in XS]
    for i, y in enumerate(YS):
        if i == len(YS) - 1 and not bottom:
            continue
        for c in range(len(XS) - 1):
            inner = i == len(YS) - 2 and c == merged_col
            gap = i == len(YS) - 1 and bottom_gap and c == merged_col
            if not (inner or gap):
                edges.append(edge("h", XS[c], XS[c + 1], y, y))
    return edges


def _cells(edges: list[dict]) -> dict[tuple[int, int], tuple[int, bool, bool]]:
    (table,) = page_tables(1, edges, ExtractSettings())
    return {(c.row, c.col): (c.rowspan, c.open_below, c.open_above) for c in table.cells}


def test_a_merged_cell_left_open_at_the_page_bottom_is_a_cell_marked_open():
    cells = _cells(_grid(bottom_gap=True, merged_col=1))
    assert cells[1, 1] == (2, True, False)  # rows 2-3, open below: it carries on onto the next page
    assert cells[2, 0] == (1, False, False) and cells[2, 2] == (1, False, False)


def test_a_closed_table_has_no_open_cells():
    cells = _cells(_grid(merged_col=1))
    assert cells[1, 1] == (2, False, False)
    assert not any(below or above for _, below, above in cells.values())


def test_a_row_left_open_across_the_whole_width_is_closed_but_not_marked():
    """A whole row without its bottom rule is a row cut by the break (or a browser's open table
    bottom): its cells are kept, but nothing says a merge carries on."""
    cells = _cells(_grid(bottom=False))
    assert len([k for k in cells if k[0] == 2]) == 3
    assert not any(below or above for _, below, above in cells.values())
