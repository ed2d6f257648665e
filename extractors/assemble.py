"""Stitch per-page table grids into the plan's logical task table.

Backend-independent: works on :class:`PageTable` grids whatever drew them. Handles the
header (one or two rows, repeated on every page), section and group rows, rows split
at a page break, and vertically merged cells, including merges that continue onto the
next page whether or not the value is printed again there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractors.celltext import join_lines
from extractors.headers import field_for, header_key, is_column_number_row, looks_like_header, resolve_duplicates
from extractors.headings import GROUP_NUMBER, ITEM_NUMBER, is_roman, next_section, roman_code, section_heading
from extractors.model import (
    Fragment,
    GridCell,
    LogicalCell,
    OtherTable,
    PageTable,
    RawDocument,
    RawPage,
    TableCell,
    TableLayout,
    TaskRow,
)
from extractors.ocr_text import fuzzy_label, section_numeral

log = logging.getLogger(__name__)

#: a word a number follows ("năm 2021", "ngày 15", "Quyết định số 12"): cut before the number, it carries on
_NUMBER_WORD = re.compile(r"\b(năm|ngày|tháng|quý|số|giai đoạn|đến|từ)$", re.IGNORECASE)
_LONG_TEXT = frozenset({"objective", "task", "activity", "output"})
#: fields a data row always fills: an empty one at a page top under a filled one continues a merged cell
_USUALLY_FILLED = frozenset({"objective", "task", "lead"})
_TERMINAL = (".", ";", ":", "!", "?")
#: the fields rows hang under (a task over its activities, an objective over its tasks): merged over rows
_PARENTS = frozenset({"objective", "task"})
_MAX_HEADER_ROWS = 3


@dataclass
class _Columns:
    """Per page table: which contract field (or extra label) each grid column feeds."""

    fields: list[str | None]
    labels: list[str]
    spans: list[tuple[float, float]]


def _cell_text(cell: GridCell | None) -> str:
    return join_lines(cell.lines) if cell is not None else ""


def _row_labels(table: PageTable, row: int) -> list[str]:
    return [_cell_text(table.cell_at(row, c)) for c in range(table.n_cols)]


def _signature(labels: list[str]) -> list[str]:
    return [header_key(x) for x in labels]


@dataclass
class _Header:
    start: int
    depth: int
    columns: _Columns
    signature: list[list[str]]


def find_header(table: PageTable) -> _Header | None:
    """The header rows near the top of a table, if the table has them (none when its finder says so)."""
    if table.header_rows == 0:
        return None
    for start in range(min(_MAX_HEADER_ROWS, table.n_rows)):
        depth = 1
        for cell in table.row_cells(start):
            if cell.row == start:
                depth = max(depth, min(cell.rowspan, _MAX_HEADER_ROWS))
        leaf = _leaf_labels(table, start, depth)
        if not looks_like_header(leaf):
            continue
        # A group cell ("Cơ quan thực hiện") over drawn-but-unmerged sub-cells: take the next row too.
        while start + depth < table.n_rows and _is_subheader(table, start, depth):
            depth += 1
            leaf = _leaf_labels(table, start, depth)
        fields = [field_for(x) for x in leaf]
        fields = resolve_duplicates(leaf, [f if f != "note" else None for f in fields])
        spans = [(table.col_edges[c], table.col_edges[c + 1]) for c in range(table.n_cols)]
        sig = [_signature(_row_labels(table, r)) for r in range(start, start + depth)]
        return _Header(start, depth, _Columns(fields, leaf, spans), sig)
    return None


def _leaf_labels(table: PageTable, start: int, depth: int) -> list[str]:
    """Per grid column, the header text read top to bottom; the lowest label decides."""
    labels = []
    for c in range(table.n_cols):
        parts: list[str] = []
        for r in range(start, start + depth):
            cell = table.cell_at(r, c)
            text = _cell_text(cell)
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        lowest = parts[-1] if parts else ""
        labels.append(lowest if field_for(lowest) else " ".join(parts))
    return labels


def _is_subheader(table: PageTable, start: int, depth: int) -> bool:
    below = start + depth
    group_cols: set[int] = set()
    for r in range(start, below):
        for cell in table.row_cells(r):
            if cell.row == r and cell.colspan > 1 and r + cell.rowspan == below:
                group_cols.update(range(cell.col, cell.col + cell.colspan))
    if not group_cols:
        return False
    subs = [_cell_text(table.cell_at(below, c)) for c in sorted(group_cols)]
    return all(subs) and all(field_for(s) for s in subs)


def _map_by_position(table: PageTable, layout: _Columns) -> _Columns | None:
    """Columns of a page without a header, matched to the header's columns by x-overlap."""
    fields: list[str | None] = []
    labels: list[str] = []
    for c in range(table.n_cols):
        x0, x1 = table.col_edges[c], table.col_edges[c + 1]
        best, best_overlap = None, 0.0
        for i, (a, b) in enumerate(layout.spans):
            overlap = min(x1, b) - max(x0, a)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is None or best_overlap < 0.5 * (x1 - x0):
            return None
        fields.append(layout.fields[best])
        labels.append(layout.labels[best])
    return _Columns(fields, labels, [(table.col_edges[c], table.col_edges[c + 1]) for c in range(table.n_cols)])


def _ocr_numeral(tt: str, rest: list[GridCell], n_cols: int, previous: str | None) -> str:
    """An OCR'd TT cell: a section's numeral when the rest of the row is a capitalised title reaching
    the last column (strokes read as digits: "1" is "I" there; strokes OCR cannot read, "H" or "Hìi",
    are the numeral after ``previous``, the section before), else its OCR noise folded."""
    last = rest[-1] if rest else None
    title = _cell_text(last) if last is not None else ""
    if last is not None and last.col + last.colspan == n_cols and title.isupper() and len(title) > 3:
        return section_numeral(tt) or next_section(previous)
    return fuzzy_label(tt)


def _fields(columns: _Columns) -> list[str]:
    """The fields a header maps to, in order: two headers with the same are one table's."""
    return [f for f in columns.fields if f]


def _continues_other(last: OtherTable, table: PageTable, tolerance: float = 6.0) -> bool:
    """The next page's table carries on ``last``: the page right after, the same column edges."""
    if not last.pages or table.page != last.pages[-1] + 1 or table.n_cols != last.n_cols:
        return False
    return all(abs(a - b) <= tolerance for a, b in zip(table.col_edges, last.col_edges, strict=True))


def _starts_lower(text: str) -> bool:
    first = text.lstrip("-+• (\"'“")[:1]
    return first.isalpha() and first.islower()


def _unfinished(before: str) -> bool:
    """The text before a page break stops mid-phrase (a hyphen, comma, slash or open bracket)."""
    return before.endswith(("-", "–", ",", "(", "/"))


@dataclass
class Assembler:
    """Walks the pages' tables in order and accumulates task rows."""

    rows: list[TaskRow] = field(default_factory=list)
    layouts: list[TableLayout] = field(default_factory=list)
    section_code: str | None = None
    section_title: str | None = None
    group_title: str | None = None
    _columns: _Columns | None = None
    _signature: list[list[str]] = field(default_factory=list)
    _last: TaskRow | None = None  # the last data row, while nothing but page breaks followed it
    _merging: set[str] = field(default_factory=set)  # fields seen vertically merged in this table
    unmatched_pages: list[int] = field(default_factory=list)  # tables whose columns did not fit the header
    others: list[OtherTable] = field(default_factory=list)  # every table that is not the task table
    _inferred: set[str] = field(default_factory=set)  # what the current page's rows inherit (mapped_by_position)
    #: the document prints a merged cell cut by a page break open (no rule at the cut, as browsers
    #: do): there, a cell closed at the page bottom ended, whatever the next page's first row holds
    leaves_open: bool = False

    def feed(self, table: PageTable) -> None:
        """One page table: the task table's header (a new layout unless its columns map to the same
        fields), a continuation of the task table matched by column geometry, or another table."""
        header = find_header(table)
        self._inferred = set()
        if header is not None:
            if self._columns is None or _fields(header.columns) != _fields(self._columns):
                self._start_layout(header)
            columns, body_start = header.columns, header.start + header.depth
        elif self._columns is not None and (mapped := _map_by_position(table, self._columns)) is not None:
            columns, body_start = mapped, 0
            self._inferred = {"mapped_by_position"}
        else:
            if self._columns is not None:
                log.info("page %d: a table that does not fit the task table's columns", table.page)
                self.unmatched_pages.append(table.page)
            self._keep_other(table)
            return
        self._feed_body(table, columns, body_start)

    def _keep_other(self, table: PageTable) -> None:
        """A table that is not the task table: kept cell by cell, continued from the page before when
        its columns are the same."""
        last = self.others[-1] if self.others else None
        if last is None or not _continues_other(last, table):
            labels = [_cell_text(c) for c in table.row_cells(0)] if table.n_rows else []
            last = OtherTable(len(self.others) + 1, labels, list(table.col_edges))
            self.others.append(last)
        last.pages.append(table.page)
        base = last.n_rows
        start = 1 if base and [_cell_text(c) for c in table.row_cells(0)] == last.labels else 0  # header again
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            if cell.row < start:
                continue
            row = base + cell.row - start
            last.cells.append(
                TableCell(row, cell.col, cell.rowspan, cell.colspan, _cell_text(cell), table.page, cell.bbox)
            )
        last.n_rows = base + table.n_rows - start

    def _start_layout(self, header: _Header) -> None:
        if self._columns is not None:
            log.info("a second task table (header mapping to other fields)")
        self._columns = header.columns
        self._signature = header.signature
        self._last = None
        self._merging = set()
        self.layouts.append(TableLayout(header.columns.fields, header.columns.labels))

    def _feed_body(self, table: PageTable, cols: _Columns, start: int) -> None:
        merged: dict[int, LogicalCell] = {}
        at_top = True
        after_split = False  # an unruled page's first row was the rest of the last one: merges carry on past it
        for r in range(start, table.n_rows):
            labels = _row_labels(table, r)
            if not any(labels) or is_column_number_row(labels) or _signature(labels) in self._signature:
                continue
            heading = self._heading(table, r, cols)
            if heading is not None:
                self._set_heading(*heading)
                self._last = None
            elif at_top and self._last is not None and self._is_split(table, r, cols, self._last):
                self._continue_row(table, r, cols, self._last, merged)
                at_top, after_split = False, table.kind == "borderless"
                continue
            else:
                self._new_row(table, r, cols, merged, at_top or after_split)
            at_top = after_split = False

    # -- headings -------------------------------------------------------------
    def _heading(self, table: PageTable, r: int, cols: _Columns) -> tuple[str | None, str] | None:
        own = [c for c in table.row_cells(r) if c.row == r and not c.empty]
        if len(own) == 1 and own[0].colspan >= max(2, table.n_cols // 2):
            text = _cell_text(own[0])
            if own[0].confidence is not None:  # read by OCR: the numeral before the title may be misread
                first, _, rest_text = text.partition(" ")
                text = f"{fuzzy_label(first)} {rest_text}".strip() if rest_text else text
            return section_heading(text)
        tt_col = cols.fields.index("tt") if "tt" in cols.fields else None
        if tt_col is None or not own or own[0].col > tt_col or own[0].col + own[0].colspan <= tt_col:
            return None
        tt, rest = _cell_text(own[0]), own[1:]
        if own[0].confidence is not None:  # read by OCR: "II" may come out "Il", "H", "IH" or "11"
            tt = _ocr_numeral(tt, rest, table.n_cols, self.section_code)
        if is_roman(tt):  # "I │ CẢI CÁCH THỂ CHẾ", "I │ CH.VT │ VĂN THƯ, LƯU TRỮ": the title is the widest text
            title = max((_cell_text(c) for c in rest), key=len, default="")
            return roman_code(tt), title
        last = rest[-1] if rest else None
        spans_row = last is not None and last.col + last.colspan == table.n_cols and last.colspan >= 2
        if len(rest) == 1 and spans_row and GROUP_NUMBER.match(tt):  # "1. │ Tham mưu UBND tỉnh" merged
            return None, f"{tt} {_cell_text(rest[0])}"
        return None

    def _set_heading(self, code: str | None, title: str) -> None:
        if code is not None:
            self.section_code, self.section_title, self.group_title = code, title, None
        else:
            self.group_title = title

    # -- rows -----------------------------------------------------------------
    def _cells_by_field(self, table: PageTable, r: int, cols: _Columns) -> dict[str, list[GridCell]]:
        out: dict[str, list[GridCell]] = {}
        for c in range(table.n_cols):
            cell = table.cell_at(r, c)
            key = cols.fields[c] or f"extra:{cols.labels[c]}"
            if cell is not None and cell not in out.setdefault(key, []):
                out[key].append(cell)
        return out

    def _is_split(self, table: PageTable, r: int, cols: _Columns, prev: TaskRow) -> bool:
        """Is the first row on a page the rest of the previous page's last row?

        Evidence per cell: text that carries on a sentence (starts in lower case, or the part
        before the break ends in a hyphen or comma) says "split"; text that starts a new item
        (a capital, a number, a bullet) says "new row"; a cell filled before the break and empty
        now says "split" (short cells finish on the first page).
        """
        by_field = self._cells_by_field(table, r, cols)
        if any(not c.empty for c in by_field.get("tt", [])):
            return False
        cont = new = finished = 0
        for name, cells in by_field.items():
            if name == "tt":
                continue
            own = [c for c in cells if c.row == r and not c.empty]
            before = join_lines(prev.cells[name].lines) if name in prev.cells else ""
            if not own:  # filled before the break, empty now: it finished there (a merge would span rows)
                finished += bool(before) and all(c.row == r and c.rowspan == 1 for c in cells)
                continue
            text = " ".join(_cell_text(c) for c in own)
            if text == before:
                continue
            weight = 2 if name in _LONG_TEXT else 1  # the long cells are the ones a page break cuts
            if _starts_lower(text) or _unfinished(before) or (text[:1].isdigit() and _NUMBER_WORD.search(before)):
                cont += weight
            elif ITEM_NUMBER.match(text) or text[:1].isupper():
                new += weight
        return cont + finished > new or new == 0

    def _continue_row(
        self, table: PageTable, r: int, cols: _Columns, prev: TaskRow, merged: dict[int, LogicalCell]
    ) -> None:
        prev.inferred |= self._inferred
        for name, cells in self._cells_by_field(table, r, cols).items():
            target = prev.cells.get(name) or prev.extra.get(name)
            if target is None:
                continue
            for cell in cells:
                self._append(target, cell, table.page)
                merged[id(cell)] = target
        prev.pages.add(table.page)

    def _new_row(self, table: PageTable, r: int, cols: _Columns, merged: dict[int, LogicalCell], at_top: bool) -> None:
        prev = self._last if at_top else None
        row = TaskRow(self.section_code, self.section_title, self.group_title, {}, {table.page})
        row.inferred |= self._inferred
        by_field = self._cells_by_field(table, r, cols)
        unruled = table.kind == "borderless" and not table.tagged
        for name, cells in by_field.items():
            above = prev.cells.get(name) if prev else None
            if name == "task" and unruled and _no_activity(by_field):
                above = None  # a task merged over activities covers activity rows only
            logical = self._logical(
                cells,
                table.page,
                merged,
                above,
                name,
                row,
                table.kind == "borderless" and not table.tagged,
                table.tagged,
            )
            logical.n_rows += 1
            if name.startswith("extra:"):
                row.extra[name[6:]] = logical
            else:
                row.cells[name] = logical
        if table.kind == "borderless" and self._last is not None:
            _objective_goes_on(row, self._last)
            _number_with_task(row, self._last)
        self.rows.append(row)
        self._last = row

    def _logical(
        self,
        cells: list[GridCell],
        page: int,
        merged: dict[int, LogicalCell],
        above: LogicalCell | None,
        name: str,
        row: TaskRow,
        unruled: bool = False,
        cuts_known: bool = False,
    ) -> LogicalCell:
        """The logical cell ``cells`` belong to: the merged one above them, or a new one. ``unruled``: a
        table without ruling lines, where no cut is drawn open or closed: a row number spanning rows
        carries on like the other cells, and a cell closed at the page bottom proves nothing. ``cuts_known``: an
        unruled table whose merges the PDF's structure tags gave, cut ones marked open: only an open one carries on."""
        if len(cells) == 1 and id(cells[0]) in merged:
            return merged[id(cells[0])]
        if len(cells) == 1 and cells[0].rowspan > 1:
            self._merging.add(name)
        if (
            len(cells) == 1
            and above is not None
            and (name != "tt" or above.open_below or cells[0].open_above or (unruled and above.n_rows >= 2))
            and _continues_merge(
                cells[0],
                above,
                name in self._merging or name in _USUALLY_FILLED,
                cuts_known or (self.leaves_open and not unruled),
                unruled and not cuts_known and name in _PARENTS,
            )
        ):
            if cells[0].empty and cells[0].rowspan < 2 and above.n_rows < 2:
                row.inferred.add("merge_inferred")  # nothing drawn shows the merge: inferred from the column
            self._append(above, cells[0], page)
            merged[id(cells[0])] = above
            return above
        logical = LogicalCell()
        for cell in cells:
            self._append(logical, cell, page)
            merged[id(cell)] = logical
        return logical

    @staticmethod
    def _append(target: LogicalCell, cell: GridCell, page: int) -> None:
        target.open_below = cell.open_below
        if cell.empty:
            return
        text = _cell_text(cell)
        if target.fragments and text == join_lines(target.lines):
            return  # a merged value printed again on the new page
        target.fragments.append(Fragment(page, cell.bbox, list(cell.lines), cell.confidence))


def _no_activity(by_field: dict[str, list[GridCell]]) -> bool:
    """The table has an activity column and this row prints none (nor is covered by a merged one)."""
    return "activity" in by_field and all(c.empty for c in by_field["activity"])


def _objective_goes_on(row: TaskRow, above: TaskRow) -> None:
    """In an unruled table, an empty objective under the objective of the row above (same section and
    group) is that objective, as the borderless finder fills it down on one page
    (:data:`extractors.finders.borderless.MERGE_FIELDS`): here, past a page break it was printed before."""
    own, shared = row.cells.get("objective"), above.cells.get("objective")
    if own is None or shared is None or own is shared or join_lines(own.lines).strip():
        return
    if (row.section_code, row.group_title) == (above.section_code, above.group_title) and join_lines(
        shared.lines
    ).strip():
        row.cells["objective"] = shared
        shared.n_rows += 1


def _number_with_task(row: TaskRow, above: TaskRow) -> None:
    """In an unruled table, a row whose task is the merged task of the row above (carried over a page
    break) and whose TT cell is empty has that task's number: the row number of a merged task spans its
    rows, as the finder gives it on one page."""
    task, number = row.cells.get("task"), row.cells.get("tt")
    if task is None or number is None or task is not above.cells.get("task") or join_lines(number.lines).strip():
        return
    shared = above.cells.get("tt")
    if shared is not None and join_lines(shared.lines).strip() and row.section_code == above.section_code:
        row.cells["tt"] = shared
        shared.n_rows += 1


def _continues_merge(
    cell: GridCell, above: LogicalCell, merging_column: bool, leaves_open: bool = False, unruled: bool = False
) -> bool:
    """At the top of a page, does this cell carry on a vertically merged cell from the page before?

    One printed open at the cut (no rule under the cell above, or over this one) does. Otherwise,
    in a document that prints cut merges open, it does not; elsewhere an empty cell does when it
    or the cell above spans rows, or when its column is one the layout merges: a merge that ends
    exactly at the page bottom leaves no other trace. Text does when it repeats the cell above, or
    carries its sentence on in lower case where the cell above spans rows — or, ``unruled`` (no rule
    shows where a cell ends; the caller passes it for the task and objective columns only, the parents
    rows hang under), where the cell above stops mid-sentence: beside a row that starts anew, a task
    going on is a task merged over both.
    """
    if above.open_below or cell.open_above:
        return True
    if cell.empty:
        return not leaves_open and (cell.rowspan >= 2 or above.n_rows >= 2 or merging_column)
    text, before = _cell_text(cell), join_lines(above.lines)
    if text == before:
        return True
    if unruled and _starts_lower(text) and not before.rstrip().endswith(_TERMINAL):
        return True
    return above.n_rows >= 2 and (_starts_lower(text) or before.endswith(("-", "–")))


def doubtful_pages(doc: RawDocument, asm: Assembler) -> list[int]:
    """Pages where the primary engine's grid looks wrong: worth a second opinion.

    A table that did not fit the header's columns, or a page right after a task-table page
    that draws ruling lines and has text but yielded no table at all.
    """
    ocr_pages = {p.number for p in doc.pages if p.ocr}
    doubtful = set(asm.unmatched_pages) - ocr_pages
    table_pages = {p for row in asm.rows for p in row.pages}
    for page in doc.pages:
        if page.ocr:
            continue  # an image has no vector rules for camelot to read
        if page.number - 1 in table_pages and not page.tables and page.n_chars and page.n_rules >= 4:
            doubtful.add(page.number)
    return sorted(doubtful)


#: PDF producers known to print a merged cell cut by a page break open, with no rule at the cut:
#: Skia is the PDF back end of Chrome, Chromium and Edge ("Print to PDF", web portals' exports)
_OPEN_CUT_PRODUCERS = ("Skia/PDF",)


def prints_cuts_open(pages: list[RawPage], metadata: dict[str, str] | None = None) -> bool:
    """Does this document print cut merged cells open? Seen on one of its pages, or known of its producer."""
    if (metadata or {}).get("Producer", "").startswith(_OPEN_CUT_PRODUCERS):
        return True
    return any(c.open_below or c.open_above for page in pages for t in page.tables for c in t.cells)


def assemble(pages: Iterable[RawPage], metadata: dict[str, str] | None = None) -> Assembler:
    """Run the assembler over every table of every page, in reading order (``metadata``: the PDF's)."""
    pages = list(pages)
    asm = Assembler(leaves_open=prints_cuts_open(pages, metadata))
    for page in pages:
        for table in sorted(page.tables, key=lambda t: t.bbox[1]):
            asm.feed(table)
    _number_by_sequence(asm.rows)
    return asm


def fill_down(rows: list[TaskRow], pages: Iterable[RawPage], fields: Iterable[str]) -> int:
    """Opt-in (:attr:`ExtractSettings.fill_down`): in a table printed without ruling lines, an empty
    cell of one of ``fields`` under a filled one of the same section and group takes that value (the
    rows share the logical cell, as a drawn merge's rows do), and the row is flagged
    ``merge_inferred:<field>``. Returns how many cells were filled.

    Only rows read from unruled pages (every table on them borderless), the row above included: a
    ruled table draws its merges. A heading row ends every merge, as it is printed across the table."""
    names = tuple(fields)
    if not names:
        return 0
    unruled = {p.number for p in pages if p.tables and all(t.kind == "borderless" for t in p.tables)}
    n = 0
    for prev, row in zip(rows, rows[1:], strict=False):
        if (
            row.source != "appendix"
            or prev.source != "appendix"
            or (row.section_code, row.group_title) != (prev.section_code, prev.group_title)
            or not row.pages & unruled
            or not prev.pages & unruled
        ):
            continue
        for name in names:
            above, own = prev.cells.get(name), row.cells.get(name)
            if (
                above is None
                or not join_lines(above.lines).strip()
                or (own is not None and join_lines(own.lines).strip())
            ):
                continue
            row.cells[name] = above
            above.n_rows += 1
            row.inferred.add(f"merge_inferred:{name}")
            n += 1
            if name == "task":
                _number_with_task(row, prev)  # the merged task's number goes with it
    return n


_OCR_NUMBER = re.compile(r"(\d{1,3})[^\d.)\s]{1,2}")  # "6G": a number and a stray mark, not "6." or "6)"


def _number_by_sequence(rows: list[TaskRow]) -> None:
    """An OCR'd TT that is no number where the numbering says one ("h)" between "4" and "6", "6G"
    after "5"): the number the sequence gives. Only where the sequence is sure: the row before is
    numbered ``n`` and either the reading starts with ``n + 1`` (a stray mark after it) or it is a
    short reading that is no label, with the row after numbered ``n + 2`` or none after it in the
    section; a TT that may be printed so ("a)" after "4" starting a list, a numeral) is left as read."""

    def number(row: TaskRow) -> int | None:
        cell = row.cells.get("tt")
        text = " ".join(cell.lines).strip() if cell is not None else ""
        return int(text) if text.isdigit() else None

    for i in range(1, len(rows)):
        row, prev = rows[i], rows[i - 1]
        cell = row.cells.get("tt")
        if row.source != "appendix" or cell is None or not cell.fragments:
            continue
        if any(f.confidence is None for f in cell.fragments):  # a text layer's TT is what was typed
            continue
        text = " ".join(cell.lines).strip()
        before = number(prev)
        if not text or text.isdigit() or before is None or prev.section_code != row.section_code:
            continue
        expected = before + 1
        lead = _OCR_NUMBER.fullmatch(text)
        last = i + 1 == len(rows) or rows[i + 1].section_code != row.section_code
        no_label = len(text) <= 3 and not re.fullmatch(r"a[.)]?|[IVX]+\.?", text)  # "a)" may start a list
        if (lead and int(lead.group(1)) == expected) or (no_label and (last or number(rows[i + 1]) == expected + 1)):
            cell.fragments[0].lines = [str(expected)]
            for fragment in cell.fragments[1:]:
                fragment.lines = []
