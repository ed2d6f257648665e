"""The tables a tagged PDF records in its structure tree: rows, columns and merged cells as the author made them.

A tagged PDF (``/MarkInfo /Marked true``, a ``/StructTreeRoot``: Chromium's "Skia/PDF", Word's and
Excel's "Save as PDF") says which printed text belongs to which table cell: a ``Table`` element holds
``TR`` rows (directly or in ``THead``/``TBody``/``TFoot``), each holding ``TD``/``TH`` cells whose
``RowSpan``/``ColSpan`` attributes are the merges, and whose content is the marked-content sequences
(MCIDs) of the page's text. Without ruling lines, a merged cell printed once at its top leaves no trace
in the geometry; the tags still record it.

:func:`page_tables` reads one page's part of the tree with pikepdf (qpdf): the page's entry of the
``/ParentTree`` names the element owning each MCID printed on the page (MCIDs are numbered per page, and
an element may hold content on several pages — Chromium's repeated header, a cell cut by a page break —
so an element's own MCIDs cannot be taken without their page); from each owner up to its ``TD``/``TH``,
``TR`` and ``Table``. The table's cells are placed like an HTML table: a cell's row is its ``TR``'s
position among the table's rows — counted over the whole table, rows printed on other pages included, so
a row index is the same on every page — and its column the first slot left free by the cells spanning
down from above (empty cells counted: they are in the tree, only without content). Each cell's box is
that of the page's characters carrying its MCIDs on this page (``char["mcid"]``). Only the page's own
entry and the tables it reaches are read, so the cost does not grow with the document. An untagged page,
an element of another shape or a broken tree gives fewer tables or none, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf

from extractors.model import BBox

log = logging.getLogger(__name__)

#: deeper than any table a plan prints: a cyclic or absurd tree stops here
MAX_DEPTH = 64
_ROW_GROUPS = {"THead", "TBody", "TFoot"}
#: Table element key (object number, generation) -> its cells placed, by cell element key
Layouts = dict[tuple[int, int], dict[tuple[int, int], "TaggedCell"]]
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
    """A ``Table`` element's cells (all of them, placed; those with text on this page have a ``bbox``);
    ``rows``: the table's row indices with a cell's text on this page."""

    cells: list[TaggedCell] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def placed(self) -> list[TaggedCell]:
        """The cells with text on this page."""
        return [c for c in self.cells if c.bbox is not None]


def _name(obj: Any, key: str, roles: dict[str, str]) -> str:
    """The element's structure type (``/S``), role-mapped to a standard one (``/RoleMap``)."""
    value = obj.get(key) if isinstance(obj, pikepdf.Dictionary) else None
    name = str(value)[1:] if isinstance(value, pikepdf.Name) else ""
    for _ in range(8):  # a role map may chain (and, broken, loop)
        if name not in roles or roles[name] == name:
            break
        name = roles[name]
    return name


def _kids(obj: Any) -> list[Any]:
    kids = obj.get("/K") if isinstance(obj, pikepdf.Dictionary) else None
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(obj: Any) -> list[Any]:
    """The element's child elements (MCIDs and object references left out)."""
    return [k for k in _kids(obj) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _spans(cell: Any) -> tuple[int, int]:
    """``RowSpan`` and ``ColSpan`` from the cell's attribute dictionaries (``/A``: one, or an array)."""
    attributes = cell.get("/A")
    found: dict[str, int] = {}
    for a in list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]:
        if not isinstance(a, pikepdf.Dictionary):
            continue  # a revision number
        for key in ("/RowSpan", "/ColSpan"):
            value: Any = a.get(key)
            try:
                n = int(value)  # pikepdf gives an int (or a Decimal for a real)
            except (TypeError, ValueError):
                continue
            if 1 <= n <= 1000:
                found.setdefault(key, n)
    return found.get("/RowSpan", 1), found.get("/ColSpan", 1)


def _key(obj: Any) -> tuple[int, int]:
    return obj.objgen if obj.is_indirect else (-1, id(obj))


def _rows(table: Any, roles: dict[str, str]) -> list[Any]:
    """The table's rows in order (``TR`` children, also inside ``THead``/``TBody``/``TFoot``)."""
    out: list[Any] = []
    for child in _elements(table):
        kind = _name(child, "/S", roles)
        if kind in _ROW_GROUPS:
            out.extend(c for c in _elements(child) if _name(c, "/S", roles) == "TR")
        elif kind == "TR":
            out.append(child)
    return out


def _layout(table: Any, roles: dict[str, str]) -> dict[tuple[int, int], TaggedCell]:
    """Every cell of the table (element key -> cell, without MCIDs), placed like an HTML table."""
    out: dict[tuple[int, int], TaggedCell] = {}
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(_rows(table, roles)):
        c = 0
        for child in _elements(row):
            kind = _name(child, "/S", roles)
            if kind not in _CELLS:
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = _spans(child)
            out[_key(child)] = TaggedCell(r, c, rowspan, colspan, frozenset(), kind == "TH")
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return out


def _owners(pdf: pikepdf.Pdf, index: int) -> tuple[dict[int, Any], dict[str, str]]:
    """MCID printed on page ``index`` -> the structure element owning it; and the role map."""
    root = pdf.Root.get("/StructTreeRoot")
    page = pdf.pages[index].obj
    parents = page.get("/StructParents")
    if not isinstance(root, pikepdf.Dictionary) or parents is None or "/ParentTree" not in root:
        return {}, {}
    roles = {}
    role_map = root.get("/RoleMap")
    if isinstance(role_map, pikepdf.Dictionary):
        roles = {str(k)[1:]: str(v)[1:] for k, v in role_map.items() if isinstance(v, pikepdf.Name)}
    try:
        entry = pikepdf.NumberTree(root.ParentTree).get(int(parents))
    except (KeyError, TypeError, ValueError):
        return {}, roles
    if not isinstance(entry, pikepdf.Array):
        return {}, roles
    return {m: e for m, e in enumerate(entry) if isinstance(e, pikepdf.Dictionary)}, roles


def _cell_of(element: Any, roles: dict[str, str]) -> tuple[Any, Any] | None:
    """The ``TD``/``TH`` holding the element (itself or an ancestor) and its ``Table``; None outside tables."""
    cell = None
    for _ in range(MAX_DEPTH):
        if not isinstance(element, pikepdf.Dictionary):
            return None
        kind = _name(element, "/S", roles)
        if kind in _CELLS and cell is None:
            cell = element
        elif kind == "Table" and cell is not None:
            return cell, element
        element = element.get("/P")
    return None


def page_tables(
    pdf: pikepdf.Pdf | Callable[[], pikepdf.Pdf | None] | None,
    index: int,
    chars: list[dict],
    layouts: Layouts | None = None,
) -> list[TaggedTable]:
    """The tagged tables with text on page ``index`` (0-based) of ``pdf`` (opened with pikepdf, or a function
    opening it, called only when a character has an MCID; ``chars``: the page's characters, each with its
    ``mcid`` or None). [] for an untagged page. ``layouts``: the tables already placed, kept by the caller
    for the document's next pages (a table over many pages is placed once)."""
    by_mcid: dict[int, list[dict]] = {}
    for ch in chars:
        if ch.get("mcid") is not None:
            by_mcid.setdefault(ch["mcid"], []).append(ch)
    if not by_mcid:
        return []  # no marked content: untagged (and the file is not opened for its tree)
    if callable(pdf):
        pdf = pdf()
    if pdf is None:
        return []
    try:
        return _page_tables(pdf, index, by_mcid, {} if layouts is None else layouts)
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        log.debug("page %d: structure tree not read (%s)", index + 1, exc)
        return []


def _page_tables(
    pdf: pikepdf.Pdf,
    index: int,
    by_mcid: dict[int, list[dict]],
    layouts: Layouts,
) -> list[TaggedTable]:
    owners, roles = _owners(pdf, index)
    tables: dict[tuple[int, int], Any] = {}  # table key -> Table element
    mcids: dict[tuple[int, int], dict[tuple[int, int], set[int]]] = {}  # table key -> cell key -> MCIDs here
    for m in by_mcid:
        found = _cell_of(owners[m], roles) if m in owners else None
        if found is None:
            continue
        cell, table = found
        tables.setdefault(_key(table), table)
        mcids.setdefault(_key(table), {}).setdefault(_key(cell), set()).add(m)
    out = []
    for key, table in tables.items():
        if key not in layouts:
            layouts[key] = _layout(table, roles)
        layout = {k: replace(c) for k, c in layouts[key].items()}  # copies: the boxes are this page's
        result = TaggedTable()
        for cell_key, own in mcids[key].items():
            placed = layout.get(cell_key)
            if placed is None:
                continue  # a cell outside the table's rows (a shape we do not read)
            printed = [ch for m in sorted(own) for ch in by_mcid[m]]
            placed.mcids = frozenset(own)
            placed.bbox = (
                min(ch["x0"] for ch in printed),
                min(ch["top"] for ch in printed),
                max(ch["x1"] for ch in printed),
                max(ch["bottom"] for ch in printed),
            )
            placed.text = "".join(ch["text"] for ch in printed)
        result.cells = sorted(layout.values(), key=lambda c: (c.row, c.col))
        result.rows = sorted({c.row for c in result.placed})
        if result.placed:
            out.append(result)
    return out
