"""Table backends: each reads a file into the same :class:`RawDocument`.

``pdfplumber`` (default) finds ruled tables from the PDF's vector lines and assigns
every character to the cell that contains it, reading each page's objects once.
``camelot`` (lattice, vector engine) is the second opinion behind the same interface.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import cluster_objects, extract_text, filter_edges

from extractors.borderless import borderless_table
from extractors.legacy_text import decode_legacy
from extractors.model import BBox, GridCell, PageTable, RawDocument, RawPage, TextLine
from extractors.ocr import deskew, erase, image_edges, needs_ocr, ocr_available, ocr_cell, ocr_words, render
from extractors.pdfium_reader import page_chars, page_edges
from extractors.settings import ExtractSettings

log = logging.getLogger(__name__)


class Backend(Protocol):
    name: str

    def read(self, path: str, settings: ExtractSettings) -> RawDocument: ...


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


def _center(obj: dict) -> tuple[float, float]:
    return (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2


def _locate(table: PageTable, x: float, y: float) -> GridCell | None:
    x0, top, x1, bottom = table.bbox
    if not (x0 <= x <= x1 and top <= y <= bottom):
        return None
    c = bisect.bisect_right(table.col_edges, x) - 1
    r = bisect.bisect_right(table.row_edges, y) - 1
    return table.cell_at(min(r, table.n_rows - 1), min(c, table.n_cols - 1))


def _chars_to_lines(chars: list[dict], settings: ExtractSettings) -> list[str]:
    if not chars:
        return []
    text = extract_text(chars, x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance)
    return text.split("\n")


def _segments(group: list[dict], gap: float) -> list[list[dict]]:
    """Split one printed line where a wide gap separates columns (letterhead left/right)."""
    group = sorted(group, key=lambda c: c["x0"])
    out = [[group[0]]]
    for ch in group[1:]:
        if ch["x0"] - out[-1][-1]["x1"] > gap:
            out.append([])
        out[-1].append(ch)
    return out


def _page_lines(chars: list[dict], page_no: int, settings: ExtractSettings) -> list[TextLine]:
    """Group loose characters (outside tables) into printed lines with their boxes."""
    out = []
    for group in cluster_objects(chars, lambda c: round(c["top"]), settings.y_tolerance):
        for seg in _segments(group, settings.column_gap):
            text = extract_text(seg, x_tolerance=settings.x_tolerance, y_tolerance=99)
            if not text.strip():
                continue
            box = (
                min(c["x0"] for c in seg),
                min(c["top"] for c in seg),
                max(c["x1"] for c in seg),
                max(c["bottom"] for c in seg),
            )
            bold = sum("bold" in c.get("fontname", "").lower() for c in seg) > len(seg) / 2
            out.append(TextLine(text.replace("\n", " ").strip(), box, page_no, bold))
    out.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))
    return out


def _page_tables(page_no: int, edges: list[dict], settings: ExtractSettings) -> list[PageTable]:
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


def build_page(
    page_no: int,
    size: tuple[float, float],
    chars: list[dict],
    tables: list[PageTable],
    n_rules: int,
    settings: ExtractSettings,
) -> RawPage:
    """Assign each character to the table cell that contains its centre; the rest are page lines."""
    per_cell: dict[int, list[dict]] = {}
    loose = []
    for ch in chars:
        x, y = _center(ch)
        cell = next((c for t in tables if (c := _locate(t, x, y)) is not None), None)
        if cell is None:
            loose.append(ch)
        else:
            per_cell.setdefault(id(cell), []).append(ch)
    for table in tables:
        if table.kind == "borderless":
            continue  # its cells were filled from the words, spans included
        for cell in table.cells:
            mine = per_cell.get(id(cell), [])
            cell.lines = _chars_to_lines(mine, settings)
            confs = [c["conf"] for c in mine if c.get("conf", -1) >= 0]
            cell.confidence = round(sum(confs) / len(confs), 1) if confs else None
    return RawPage(
        number=page_no,
        width=float(size[0]),
        height=float(size[1]),
        lines=_page_lines(loose, page_no, settings),
        tables=tables,
        n_chars=len(chars),
        n_rules=n_rules,
    )


class PdfplumberBackend:
    """pdfplumber's table finding on the page's ruling lines; characters from PDFium or pdfminer."""

    name = "pdfplumber"

    def read(self, path: str, settings: ExtractSettings) -> RawDocument:
        if settings.text_layer == "pdfminer":
            return self._read_pdfminer(path, settings)
        if settings.text_layer != "pdfium":
            raise ValueError(f"unknown text layer {settings.text_layer!r}; choose pdfium or pdfminer")
        pdf = pdfium.PdfDocument(path)
        try:
            meta = {k: str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
            self._carry = None
            self._encodings: set[str | None] = set()
            pages = [self._read_pdfium_page(pdf, i, settings) for i in range(len(pdf))]
        finally:
            pdf.close()
        meta["text_encoding"] = "/".join(sorted(e for e in self._encodings if e)) or "unicode"
        return RawDocument(path=path, engine=self.name, pages=pages, metadata=meta)

    def _read_pdfium_page(self, pdf: pdfium.PdfDocument, index: int, settings: ExtractSettings) -> RawPage:
        page = pdf[index]
        try:
            left, bottom, right, top = page.get_mediabox()
            chars, encoding = decode_legacy(page_chars(page, (left, top)))
            if settings.ocr == "force" or (settings.ocr == "auto" and needs_ocr(chars) and ocr_available()):
                return self._ocr_page(page, index, (right - left, top - bottom), settings)
            self._encodings.add(encoding)
            edges = page_edges(page, (left, top))
            tables = self._with_borderless(index + 1, _page_tables(index + 1, edges, settings), chars, settings)
            return build_page(index + 1, (right - left, top - bottom), chars, tables, len(edges), settings)
        finally:
            page.close()  # frees the page: memory stays flat on long files

    def _ocr_page(self, page: Any, index: int, size: tuple[float, float], settings: ExtractSettings) -> RawPage:
        """A page read from its image: deskewed, grid from the image's rules, words from Tesseract."""
        gray, angle = deskew(render(page))
        edges, lines_mask = image_edges(gray)
        clean = erase(gray, lines_mask)
        words = ocr_words(clean)
        tables = self._with_borderless(index + 1, _page_tables(index + 1, edges, settings), words, settings)
        raw = build_page(index + 1, size, words, tables, len(edges), settings)
        for table in raw.tables:
            for cell in table.cells:
                if not cell.lines and (text := ocr_cell(clean, cell.bbox)):
                    cell.lines = [text]
        confs = [w["conf"] for w in words if w["conf"] >= 0]
        raw.ocr = True
        raw.ocr_confidence = round(sum(confs) / len(confs), 1) if confs else None
        log.info("page %d read by OCR (deskewed %.2f°, %d words)", index + 1, angle, len(words))
        return raw

    def _with_borderless(
        self, page_no: int, tables: list[PageTable], chars: list[dict], settings: ExtractSettings
    ) -> list[PageTable]:
        """No ruled table on the page: look for one drawn without lines (layout carried across pages)."""
        if tables or not settings.borderless or not chars:
            self._carry = None
            return tables
        table, self._carry = borderless_table(chars, page_no, settings, getattr(self, "_carry", None))
        return [table] if table is not None else []

    def _read_pdfminer(self, path: str, settings: ExtractSettings) -> RawDocument:
        self._carry = None
        with pdfplumber.open(path) as pdf:
            meta = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, int))}
            pages = []
            for page in pdf.pages:
                try:
                    pages.append(self.read_page(page, settings))
                finally:
                    page.close()
        return RawDocument(path=path, engine=self.name, pages=pages, metadata=meta)

    def read_page(self, page: Any, settings: ExtractSettings) -> RawPage:
        tables = [
            build_grid(page.page_number, list(found.cells), settings.snap)
            for found in page.find_tables(settings.table_settings)
            if len(found.cells) >= settings.min_table_cells
        ]
        n_rules = len(page.lines) + len(page.rects)
        chars, _ = decode_legacy([dict(c) for c in page.chars])
        tables = self._with_borderless(page.page_number, tables, chars, settings)
        return build_page(page.page_number, (page.width, page.height), chars, tables, n_rules, settings)


class CamelotBackend:
    """camelot-py lattice on the PDF's vector rules; page text outside tables from pdfplumber."""

    name = "camelot"

    def read(self, path: str, settings: ExtractSettings) -> RawDocument:
        text_only = ExtractSettings(**{**settings.__dict__, "min_table_cells": 10**9})
        doc = PdfplumberBackend().read(path, text_only)
        doc.engine = self.name
        found = self.tables(path, [p.number for p in doc.pages], {p.number: p.height for p in doc.pages})
        for page in doc.pages:
            page.tables = found.get(page.number, [])
            page.lines = [ln for ln in page.lines if not any(_inside(ln.bbox, t.bbox) for t in page.tables)]
        return doc

    @staticmethod
    def tables(path: str, pages: list[int], heights: dict[int, float]) -> dict[int, list[PageTable]]:
        """camelot's grids for the given 1-based pages."""
        import camelot

        if not pages:
            return {}
        spec = ",".join(str(p) for p in pages)
        by_page: dict[int, list[PageTable]] = {}
        for table in camelot.read_pdf(path, pages=spec, flavor="lattice", engine="vector"):
            grid = camelot_grid(table, heights[int(table.page)])
            by_page.setdefault(grid.page, []).append(grid)
        return {p: sorted(ts, key=lambda t: t.bbox[1]) for p, ts in by_page.items()}


def _inside(box: BBox, outer: BBox) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


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
        text = "\n".join(table.cells[r][c].text.strip("\n") for r, c in sorted(slots) if table.cells[r][c].text)
        box = (col_edges[c0], row_edges[r0], col_edges[c1], row_edges[r1])
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, box, [ln for ln in text.split("\n")]))
    bbox = (col_edges[0], row_edges[0], col_edges[-1], row_edges[-1])
    return PageTable(int(table.page), bbox, col_edges, row_edges, cells)


BACKENDS: dict[str, Callable[[], Backend]] = {
    "pdfplumber": PdfplumberBackend,
    "camelot": CamelotBackend,
}


def get_backend(name: str) -> Backend:
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(BACKENDS)}") from None
