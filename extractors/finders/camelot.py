"""camelot-py's lattice on the PDF's vector rules: the second opinion on a page's grid.

camelot parses the file itself, so the pages a document needs are read in one call (the
first page asked) and kept for the document. Only the grid is taken from camelot; the
reader puts the source's characters into its cells, so the text rules are the same as for
every other finder.
"""

from __future__ import annotations

from typing import Any

from extractors.finders import ReadState
from extractors.model import GridCell, PageContent, PageTable


class CamelotFinder:
    name = "camelot"

    def find(self, page: PageContent, state: ReadState) -> list[PageTable]:
        if page.source == "ocr":
            return []  # a scan has no vector rules for camelot to read
        found = state.cache.get(self.name)
        if found is None:
            found = state.cache[self.name] = camelot_tables(state.path, state.page_heights)
        return found.get(page.number, [])


def camelot_tables(path: str, heights: dict[int, float]) -> dict[int, list[PageTable]]:
    """camelot's grids for the given 1-based pages (``heights``: page -> height in points)."""
    import camelot

    if not heights:
        return {}
    spec = ",".join(str(p) for p in sorted(heights))
    by_page: dict[int, list[PageTable]] = {}
    for table in camelot.read_pdf(path, pages=spec, flavor="lattice", engine="vector"):
        grid = camelot_grid(table, heights[int(table.page)])
        by_page.setdefault(grid.page, []).append(grid)
    return {p: sorted(ts, key=lambda t: t.bbox[1]) for p, ts in by_page.items()}


def camelot_grid(table: Any, page_height: float) -> PageTable:
    """Rebuild drawn cells from camelot's slot grid: slots without a rule between them merge."""
    n_rows, n_cols = len(table.rows), len(table.cols)
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            slot = table.cells[r][c]
            if c > 0 and not slot.left:
                owner[r, c] = owner[r, c - 1]
            elif r > 0 and not slot.top:
                owner[r, c] = owner[r - 1, c]
            else:
                owner[r, c] = (r, c)
    regions: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for slot, root in owner.items():
        regions.setdefault(root, []).append(slot)
    col_edges = [table.cols[0][0]] + [right for _, right in table.cols]
    row_edges = [page_height - table.rows[0][0]] + [page_height - bottom for _, bottom in table.rows]
    cells = []
    for (r0, c0), slots in regions.items():
        r1 = max(r for r, _ in slots) + 1
        c1 = max(c for _, c in slots) + 1
        box = (col_edges[c0], row_edges[r0], col_edges[c1], row_edges[r1])
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, box, []))
    bbox = (col_edges[0], row_edges[0], col_edges[-1], row_edges[-1])
    return PageTable(int(table.page), bbox, col_edges, row_edges, cells)
