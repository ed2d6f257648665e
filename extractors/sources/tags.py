"""The tables a tagged PDF records in its structure tree: rows, columns and merged cells as the author made them.

A tagged PDF (``/MarkInfo /Marked true``, a ``/StructTreeRoot``: Chromium's "Skia/PDF", Word's and
Excel's "Save as PDF") says which printed text belongs to which table cell: a ``Table`` element holds
``TR`` rows (directly or in ``THead``/``TBody``/``TFoot``), each holding ``TD``/``TH`` cells whose
``RowSpan``/``ColSpan`` attributes are the merges, and whose content is the marked-content sequences
(MCIDs) of the page's text. Without ruling lines, a merged cell printed once at its top leaves no trace
in the geometry; the tags still record it.

:func:`page_tables` reads one page's part of the tree with PDFium (``FPDF_StructTree_GetForPage``: only
the elements with content on that page and their ancestors are loaded, so the cost does not grow with
the document) and places the cells like an HTML table: a cell's row is its ``TR``'s position among its
table's rows — counted over the whole table, rows printed on other pages included, so a row index is the
same on every page — and its column the first slot left free by the cells spanning down from above.
Each cell's box is that of the page's characters carrying its MCIDs (``char["mcid"]``). An untagged page,
an element PDFium cannot read or a tree of another shape gives fewer tables or none, never an error.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

from extractors.model import BBox

log = logging.getLogger(__name__)

#: deeper than any table a plan prints: a cyclic or absurd tree stops here
MAX_DEPTH = 64
_ROW_GROUPS = {"THead", "TBody", "TFoot"}
_CELLS = {"TD", "TH"}


@dataclass
class TaggedCell:
    """One ``TD``/``TH`` of a tagged table. ``row``/``col``: its first slot (0-based, over the whole table);
    ``bbox``: the box of its characters on this page (None when none of them is printed here)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    mcids: frozenset[int]
    header: bool = False  # a TH
    bbox: BBox | None = None
    text: str = ""


@dataclass
class TaggedTable:
    """A ``Table`` element's cells on one page; ``rows``: the table's row indices with a ``TR`` on this page."""

    cells: list[TaggedCell] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def placed(self) -> list[TaggedCell]:
        """The cells with text on this page."""
        return [c for c in self.cells if c.bbox is not None]


def _string(getter: Any, element: Any) -> str:
    n = getter(element, None, 0)
    if n <= 2:
        return ""
    buf = ctypes.create_string_buffer(n)
    getter(element, buf, n)
    return buf.raw[: n - 2].decode("utf-16-le", "replace")


def _number_attributes(element: Any) -> dict[str, float]:
    """The element's numeric attributes (``RowSpan``, ``ColSpan``) from all its attribute dictionaries."""
    out: dict[str, float] = {}
    for i in range(max(pdfium_c.FPDF_StructElement_GetAttributeCount(element), 0)):
        attr = pdfium_c.FPDF_StructElement_GetAttributeAtIndex(element, i)
        if not attr:
            continue
        for j in range(max(pdfium_c.FPDF_StructElement_Attr_GetCount(attr), 0)):
            size = ctypes.c_ulong()
            if not pdfium_c.FPDF_StructElement_Attr_GetName(attr, j, None, 0, ctypes.byref(size)) or not size.value:
                continue
            buf = ctypes.create_string_buffer(size.value)
            if not pdfium_c.FPDF_StructElement_Attr_GetName(attr, j, buf, size.value, ctypes.byref(size)):
                continue
            name = buf.value
            if name not in (b"RowSpan", b"ColSpan"):
                continue
            value = pdfium_c.FPDF_StructElement_Attr_GetValue(attr, name)
            number = ctypes.c_float()
            if (
                value
                and pdfium_c.FPDF_StructElement_Attr_GetType(value) == pdfium_c.FPDF_OBJECT_NUMBER
                and pdfium_c.FPDF_StructElement_Attr_GetNumberValue(value, ctypes.byref(number))
            ):
                out[name.decode()] = number.value
    return out


def _children(element: Any) -> list[Any]:
    """The element's children in order; None for a child not loaded (printed on another page, or empty)."""
    n = max(pdfium_c.FPDF_StructElement_CountChildren(element), 0)
    return [pdfium_c.FPDF_StructElement_GetChildAtIndex(element, i) or None for i in range(n)]


def _mcids(element: Any, depth: int = 0) -> Iterator[int]:
    """The MCIDs of the element's content, its descendants' included."""
    if depth > MAX_DEPTH:
        return
    for i in range(max(pdfium_c.FPDF_StructElement_GetMarkedContentIdCount(element), 0)):
        mcid = pdfium_c.FPDF_StructElement_GetMarkedContentIdAtIndex(element, i)
        if mcid >= 0:
            yield mcid
    for child in _children(element):
        if child is not None:
            yield from _mcids(child, depth + 1)


def _span(attributes: dict[str, float], name: str) -> int:
    value = attributes.get(name, 1.0)
    return int(value) if 1 <= value <= 1000 else 1


def _rows(table: Any) -> list[Any]:
    """The table's rows in order (``TR`` children, also inside row groups); None for one not loaded here."""
    out: list[Any] = []
    for child in _children(table):
        kind = _string(pdfium_c.FPDF_StructElement_GetType, child) if child is not None else ""
        if kind in _ROW_GROUPS:
            out.extend(_children(child))
        else:
            out.append(child)
    return out


def _read_table(table: Any) -> TaggedTable:
    out = TaggedTable()
    taken: set[tuple[int, int]] = set()  # slots covered by cells spanning down from rows above
    for r, row in enumerate(_rows(table)):
        if row is None or _string(pdfium_c.FPDF_StructElement_GetType, row) != "TR":
            continue
        out.rows.append(r)
        c = 0
        for child in _children(row):
            while (r, c) in taken:
                c += 1
            if child is None:  # an empty cell (nothing to load) or one whose text is on another page
                c += 1
                continue
            kind = _string(pdfium_c.FPDF_StructElement_GetType, child)
            if kind not in _CELLS:
                continue
            attributes = _number_attributes(child)
            rowspan, colspan = _span(attributes, "RowSpan"), _span(attributes, "ColSpan")
            out.cells.append(TaggedCell(r, c, rowspan, colspan, frozenset(_mcids(child)), kind == "TH"))
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return out


def _tables(element: Any, depth: int = 0) -> Iterator[Any]:
    """``Table`` elements under ``element`` (a table nested in a cell is its own table)."""
    if depth > MAX_DEPTH:
        return
    for child in _children(element):
        if child is None:
            continue
        if _string(pdfium_c.FPDF_StructElement_GetType, child) == "Table":
            yield child
        yield from _tables(child, depth + 1)


def page_tables(page: Any, chars: list[dict]) -> list[TaggedTable]:
    """The tagged tables with text on a page (``page``: PDFium's open page, pypdfium2's ``PdfPage``;
    ``chars``: the page's characters, each with its ``mcid`` or None). [] for an untagged page."""
    if not any(ch.get("mcid") is not None for ch in chars):
        return []  # no marked content: untagged (and the tree is not read at all)
    tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
    if not tree:
        return []
    try:
        roots = [
            pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, i)
            for i in range(pdfium_c.FPDF_StructTree_CountChildren(tree))
        ]
        tables = []
        for root in roots:
            if not root:
                continue
            if _string(pdfium_c.FPDF_StructElement_GetType, root) == "Table":
                tables.append(_read_table(root))
            tables.extend(_read_table(t) for t in _tables(root))
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    by_mcid: dict[int, list[dict]] = {}
    for ch in chars:
        if ch.get("mcid") is not None:
            by_mcid.setdefault(ch["mcid"], []).append(ch)
    out = []
    for table in tables:
        for cell in table.cells:
            own = [ch for m in sorted(cell.mcids) for ch in by_mcid.get(m, [])]
            if own:
                cell.bbox = (
                    min(ch["x0"] for ch in own),
                    min(ch["top"] for ch in own),
                    max(ch["x1"] for ch in own),
                    max(ch["bottom"] for ch in own),
                )
                cell.text = "".join(ch["text"] for ch in own)
        if table.placed:
            out.append(table)
    return out
