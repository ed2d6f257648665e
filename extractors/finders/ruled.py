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


def page_tables(page_no: int, edges: list[dict], settings: ExtractSettings) -> list[PageTable]:
    """pdfplumber's lines strategy on a page's ruling edges: merge, intersect, cells, tables."""
    ts = TableSettings.resolve(settings.table_settings)
    edges = [e for e in edges if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= 1]
    edges = merge_edges(edges, ts.snap_x_tolerance, ts.snap_y_tolerance, ts.join_x_tolerance, ts.join_y_tolerance)
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
