"""Ruled tables: pdfplumber's lines algorithm (merge, intersect, cells, tables) on a page's edges.

The edges come from the source: PDFium's or pdfminer's vector paths, or the rules found in a
scanned page's image, so one algorithm serves text and scanned pages.
"""

from __future__ import annotations

import bisect
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


def _close_open_ends(edges: list[dict], snap: float) -> list[dict]:
    """A table cut by a page break may leave its last (or first) row open: the column rules run on
    past the lowest (above the highest) horizontal rule, with no rule to close them (browsers print
    a row split across pages so). Two or more column rules ending together past the horizontal
    rules get a closing rule at their end, so the cut row becomes a row of cells and is not lost."""
    from extractors.sources.pdfium import edge

    hs = [e for e in edges if e["orientation"] == "h"]
    vs = [e for e in edges if e["orientation"] == "v"]
    if not hs or len(vs) < 2:
        return edges
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
    return edges + extra


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
    edges = _close_open_ends(edges, settings.snap)
    edges = filter_edges(edges, min_length=ts.edge_min_length)
    points = edges_to_intersections(edges, ts.intersection_x_tolerance, ts.intersection_y_tolerance)
    tables = []
    for group in cells_to_tables(intersections_to_cells(points)):
        if len(group) >= settings.min_table_cells:
            tables.append(build_grid(page_no, list(group), settings.snap))
    return sorted(tables, key=lambda t: t.bbox[1])


class RuledFinder:
    name = "ruled"

    def find(self, page: PageContent, state: ReadState) -> list[PageTable]:
        return page_tables(page.number, page.edges, state.settings)
