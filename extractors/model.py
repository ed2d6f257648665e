"""The typed document model every backend produces and every later stage consumes.

Geometry follows pdfplumber: ``(x0, top, x1, bottom)`` in PDF points, origin at the
page's top-left corner. Pages are 1-based.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractors.signatures import Signature

BBox = tuple[float, float, float, float]

#: Contract fields of a task row, in table order. ``tt`` is the printed row number.
FIELDS: tuple[str, ...] = (
    "tt",
    "objective",
    "task",
    "activity",
    "output",
    "lead",
    "partner",
    "deadline",
    "budget",
)


@dataclass
class TextLine:
    """One printed line of text (outside or inside a table cell)."""

    text: str
    bbox: BBox
    page: int
    bold: bool = False
    annotation: bool = False  # printed by an annotation's appearance (an e-signature's stamped number)
    #: OCR: the lowest word confidence (0-100) of the words holding a digit (a handwritten number
    #: reads low); None for a text layer or a line without digits
    digits_confidence: float | None = None


@dataclass
class GridCell:
    """One drawn cell of a table on one page: it may span several grid rows/columns."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox
    lines: list[str]
    confidence: float | None = None  # OCR: mean word confidence (0-100); None for a text layer
    open_below: bool = False  # no rule under it at the page bottom: it carries on onto the next page
    open_above: bool = False  # no rule over it at the page top: it carries on from the page before

    @property
    def empty(self) -> bool:
        return not any(line.strip() for line in self.lines)


@dataclass
class PageTable:
    """A table as drawn on one page: a grid of ``n_rows`` x ``n_cols`` slots covered by cells."""

    page: int
    bbox: BBox
    col_edges: list[float]
    row_edges: list[float]
    cells: list[GridCell]
    kind: str = "ruled"  # "borderless": rebuilt from text geometry, cells already hold their lines
    #: grid rows the finder read as the table's header (a borderless finder knows: 0 = none on this page);
    #: None when the finder does not say and the assembler looks for one
    header_rows: int | None = None
    #: a borderless grid whose merges were read from the PDF's structure tags (:mod:`extractors.tagged`):
    #: its cells' ``open_below``/``open_above`` at a page break are known, as on a ruled page printed open
    tagged: bool = False
    _slots: dict[tuple[int, int], GridCell] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for cell in self.cells:
            self.cover(cell)

    def cover(self, cell: GridCell) -> None:
        """Make ``cell`` the one covering the slots of its rows and columns (after its span changed)."""
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                self._slots[r, c] = cell

    def col_at(self, x: float) -> int | None:
        """The column holding ``x``; None outside the grid's outer edges."""
        return _slot_index(self.col_edges, x)

    def row_at(self, y: float) -> int | None:
        """The row holding ``y``; None outside the grid's outer edges."""
        return _slot_index(self.row_edges, y)

    @property
    def n_rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1

    def cell_at(self, row: int, col: int) -> GridCell | None:
        return self._slots.get((row, col))

    def row_cells(self, row: int) -> list[GridCell]:
        """Distinct cells covering grid row ``row``, left to right."""
        seen: list[GridCell] = []
        for c in range(self.n_cols):
            cell = self._slots.get((row, c))
            if cell is not None and (not seen or seen[-1] is not cell):
                seen.append(cell)
        return seen


def _slot_index(edges: list[float], v: float) -> int | None:
    if len(edges) < 2 or not edges[0] <= v <= edges[-1]:
        return None
    return min(bisect.bisect_right(edges, v) - 1, len(edges) - 2)


@dataclass
class OcrInfo:
    """Why and how a page was read from its image."""

    reason: str  # what was wrong with the text layer: "no text layer", "unmapped glyphs", ...
    skew: float = 0.0  # degrees the image was turned back to level
    rotation: int = 0  # 0, 90, 180 or 270: degrees the page image was turned counter-clockwise to be upright
    confidence: float | None = None  # mean Tesseract word confidence (0-100)


@dataclass
class PageContent:
    """What a text source read from one page, before any table is found.

    ``chars`` and ``edges`` are dictionaries shaped like pdfplumber's own objects (``x0``,
    ``top``, ``x1``, ``bottom``, ``text``, ``fontname``; edges ``orientation`` ``h``/``v``), so
    every table finder runs on any source (a text layer's characters carry their ``mcid``, the
    marked-content id a tagged PDF's ``structure`` refers to). ``retry_cell`` (OCR) reads one cell's box again (its
    text and confidence); ``to_page`` (OCR of a turned or skewed page) maps a box of the upright
    image these coordinates are in back to the page's own coordinates.
    """

    number: int
    width: float
    height: float
    chars: list[dict]
    edges: list[dict]
    source: str  # "pdfium", "pdfminer", "ocr"
    encoding: str | None = None  # legacy encoding converted (tcvn3, vni), None for Unicode
    ocr: OcrInfo | None = None
    retry_cell: Callable[[BBox], tuple[str, float]] | None = None
    to_page: Callable[[BBox], BBox] | None = None
    #: OCR: the upright page image (RGB, colour ink kept) of a box (points), for a second reading of
    #: handwriting (the number written into "Số: ……/UBND"); its pixels per point are ``dpi / 72``
    crop_colour: Callable[[BBox], Any] | None = None
    dpi: int = 72
    #: a text layer: the tables a tagged PDF's structure tree records on this page
    #: (:func:`extractors.sources.tags.page_tables`), read only when called and only while the page is open
    structure: Callable[[], list[Any]] | None = None


@dataclass
class RawPage:
    """One page as read: the text outside tables and the tables."""

    number: int
    width: float
    height: float
    lines: list[TextLine]
    tables: list[PageTable]
    n_chars: int = 0
    n_rules: int = 0  # ruling lines and rectangles drawn on the page
    source: str = "pdfium"
    ocr_info: OcrInfo | None = None
    #: lines that annotations (e-signature widgets, free text) print, with the page's own text of
    #: those lines: read by the facts stage only (:mod:`extractors.sources.annotations`)
    annotation_lines: list[TextLine] = field(default_factory=list)

    @property
    def ocr(self) -> bool:
        """The text was read from the page image."""
        return self.ocr_info is not None

    @property
    def ocr_confidence(self) -> float | None:
        return self.ocr_info.confidence if self.ocr_info else None


@dataclass
class RawDocument:
    """A reader's reading of a whole file."""

    path: str
    engine: str
    pages: list[RawPage]
    metadata: dict[str, str] = field(default_factory=dict)
    text_encoding: str = "unicode"  # "unicode", or the legacy encodings converted ("tcvn3", "tcvn3/vni")
    limited: list[str] = field(default_factory=list)  # pages the reader left unread, each with why (a limit)


@dataclass
class Fragment:
    """Part of a cell's text as printed on one page (a row split at a page break has two)."""

    page: int
    bbox: BBox
    lines: list[str]
    confidence: float | None = None  # OCR word confidence of the cell it was read from


@dataclass
class LogicalCell:
    """One cell of the logical table; a vertically merged cell is shared by the rows it covers."""

    fragments: list[Fragment] = field(default_factory=list)
    n_rows: int = 0
    open_below: bool = False  # its last drawn part was open at a page bottom

    @property
    def lines(self) -> list[str]:
        return [line for frag in self.fragments for line in frag.lines]


@dataclass
class TaskRow:
    """One data row of the plan's task table, stitched across pages.

    ``inferred`` names what the assembly inferred rather than read: ``mapped_by_position`` (a page
    without a header, its columns matched by geometry), ``merge_inferred`` (an empty cell at a page
    top taken as the continuation of the merged cell above, with no span to show it).
    """

    section_code: str | None
    section_title: str | None
    group_title: str | None
    cells: dict[str, LogicalCell]
    pages: set[int]
    extra: dict[str, LogicalCell] = field(default_factory=dict)
    inferred: set[str] = field(default_factory=set)
    source: str = "appendix"  # "body": a task written in the plan's prose (extractors/body.py)


@dataclass
class TableCell:
    """One cell of a table that is not the task table, as printed (row/column in the stitched table)."""

    row: int  # 0-based row in the table, counted across pages
    col: int
    rowspan: int
    colspan: int
    text: str
    page: int
    bbox: BBox


@dataclass
class OtherTable:
    """A table that is not the task table (a list of procedures, a budget, a letterhead drawn as a
    table), kept cell by cell so nothing printed in a table is lost; continued across pages when the
    next page's table has the same columns."""

    number: int  # 1-based order among the document's other tables
    labels: list[str]  # its first row's texts (the header, when it has one)
    col_edges: list[float]
    pages: list[int] = field(default_factory=list)
    cells: list[TableCell] = field(default_factory=list)
    n_rows: int = 0

    @property
    def n_cols(self) -> int:
        return len(self.col_edges) - 1


@dataclass
class DocumentFacts:
    """What the letterhead, header block and signature block say (:mod:`extractors.facts`)."""

    province: str | None = None  # canonical spelling ("Thanh Hóa"); None for central bodies
    agency: str | None = None  # the issuing body in normal case
    plan_year: int | None = None
    title: str | None = None
    number: str | None = None
    place_date: str | None = None  # as printed
    signer: str | None = None
    signer_title: str | None = None
    doc_type: str | None = None
    issuer_lines: list[str] = field(default_factory=list)  # the letterhead's left lines, as printed
    parent_agency: str | None = None  # the line(s) above the issuing body, as printed
    date: date | None = None  # the date of issue, when printed (or stamped) in full
    place: str | None = None  # the place of issue
    province_raw: str | None = None  # the province as printed where it was read
    signed_at: datetime | None = None  # the earliest digital signature's signing time
    signatures: list[Signature] = field(default_factory=list)


@dataclass
class TableLayout:
    """How a task table's columns map onto contract fields."""

    fields: list[str | None]
    labels: list[str]
