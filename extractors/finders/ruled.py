"""Ruled tables: pdfplumber's lines algorithm (merge, intersect, cells, tables) on a page's edges.

The edges come from the source: PDFium's or pdfminer's vector paths, or the rules found in a
scanned page's image, so one algorithm serves text and scanned pages.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence

from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges

from extractors.finders import ReadState
from extractors.model import BBox, GridCell, PageContent, PageTable
from extractors.settings import ExtractSettings


def cluster(values: Iterable[float], tolerance: float) -> list[float]:
    """Sorted representatives of values that lie within ``tolerance`` of each other."""
    edges: list[float] = []
    for v in sorted(values):
        if edges and v - edges[-1] <= tolerance:
            continue
        edges.append(v)
    return edges


def nearest(edges: Sequence[float], value: float) -> int:
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def build_grid(page_no: int, cell_boxes: list[BBox], snap: float) -> PageTable:
    """Turn drawn cell rectangles into a grid of rows x columns with spans."""
    cols = cluster([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes], snap)
    rows = cluster([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes], snap)
    cells = []
    for box in cell_boxes:
        c0, c1 = nearest(cols, box[0]), nearest(cols, box[2])
        r0, r1 = nearest(rows, box[1]), nearest(rows, box[3])
        if c1 > c0 and r1 > r0:
            cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, box, []))
    bbox = (cols[0], rows[0], cols[-1], rows[-1])
    return PageTable(page_no, bbox, cols, rows, cells)


def _close_open_ends(edges: list[dict], snap: float) -> tuple[list[dict], list[dict]]:
    """A table cut by a page break may leave its last (or first) row open: the column rules run on
    past the lowest (above the highest) horizontal rule, with no rule to close them (browsers print
    a row split across pages so). Two or more column rules ending together past the horizontal
    rules get a closing rule at their end, so the cut row becomes a row of cells and is not lost.
    Returns the edges with the closing rules, and the rules that bridge a gap in the outermost rule
    (they mark open cells: a whole row left open is only a cut, the gap is a merge carrying on)."""
    from extractors.sources.pdfium import edge

    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if not hs or len(vs) < 2:
        return edges, []
    lowest, highest = max(e["top"] for e in hs), min(e["top"] for e in hs)
    extra = []
    for below in (True, False):
        ends = [(e["bottom"] if below else e["top"], e) for e in vs]
        loose = [(y, e) for y, e in ends if (y > lowest + snap if below else y < highest - snap)]
        for group in _runs(sorted(loose, key=lambda t: t[0]), snap):
            if len(group) >= 2:
                y = max(g[0] for g in group) if below else min(g[0] for g in group)
                x0, x1 = min(g[1]["x0"] for g in group), max(g[1]["x1"] for g in group)
                extra.append(edge("h", x0, x1, y, y))
    bridges = _bridge_gaps(hs, vs, lowest, snap, below=True) + _bridge_gaps(hs, vs, highest, snap, below=False)
    return edges + extra + bridges, bridges


def _mark_open(table: PageTable, closing: list[dict], snap: float) -> None:
    """Cells whose top or bottom is a closing rule kehoach drew are open there: cut by the page
    break, they carry on from the page before or onto the next (the assembler joins them)."""
    for cell in table.cells:
        mid = (cell.bbox[0] + cell.bbox[2]) / 2
        for rule in closing:
            if rule["x0"] - snap <= mid <= rule["x1"] + snap:
                cell.open_below |= abs(rule["top"] - cell.bbox[3]) <= snap
                cell.open_above |= abs(rule["top"] - cell.bbox[1]) <= snap


def _bridge_gaps(hs: list[dict], vs: list[dict], y: float, snap: float, below: bool) -> list[dict]:
    """The table's outermost rule at ``y`` with a gap between two column rules that both end there:
    a merged cell that carries on over the page break is printed open (no rule under it at the page
    bottom, none over it at the top). The gap is closed, or the cell is no cell and its text is lost."""
    from extractors.sources.pdfium import edge

    at_y = [h for h in hs if abs(h["top"] - y) <= snap]
    ends = sorted(v["x0"] for v in vs if abs((v["bottom"] if below else v["top"]) - y) <= snap)
    xs = [g[0][0] for g in _runs([(x, {}) for x in ends], snap)]
    gaps = []
    for xa, xb in itertools.pairwise(xs):
        mid = (xa + xb) / 2
        if xb - xa > 2 * snap and not any(h["x0"] <= mid <= h["x1"] for h in at_y):
            gaps.append(edge("h", xa, xb, y, y))
    return gaps if len(gaps) < len(xs) - 1 else []  # a rule with no segment at all is not this table's edge


def _runs(items: list[tuple[float, dict]], tolerance: float) -> list[list[tuple[float, dict]]]:
    """Items sorted by value, grouped where consecutive values lie within ``tolerance``."""
    out: list[list[tuple[float, dict]]] = []
    for item in items:
        if out and item[0] - out[-1][-1][0] <= tolerance:
            out[-1].append(item)
        else:
            out.append([item])
    return out


def page_tables(page_no: int, edges: list[dict], settings: ExtractSettings) -> list[PageTable]:
    """pdfplumber's lines strategy on a page's ruling edges: merge, intersect, cells, tables."""
    ts = TableSettings.resolve(settings.table_settings)
    edges = [e for e in edges if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= 1]
    edges = merge_edges(edges, ts.snap_x_tolerance, ts.snap_y_tolerance, ts.join_x_tolerance, ts.join_y_tolerance)
    edges, closing = _close_open_ends(edges, settings.snap)
    edges = filter_edges(edges, min_length=ts.edge_min_length)
    points = edges_to_intersections(edges, ts.intersection_x_tolerance, ts.intersection_y_tolerance)
    tables = []
    for group in cells_to_tables(intersections_to_cells(points)):
        if len(group) >= settings.min_table_cells:
            tables.append(table := build_grid(page_no, list(group), settings.snap))
            _mark_open(table, closing, settings.snap)
    return sorted(tables, key=lambda t: t.bbox[1])


class RuledFinder:
    name = "ruled"

    def find(self, page: PageContent, state: ReadState) -> list[PageTable]:
        return page_tables(page.number, page.edges, state.settings)
