"""The output tables, one typed record each: the Parquet schemas and the DuckDB DDL are derived from these.

Each table is a frozen, slotted, keyword-only dataclass: building a record with a misspelled
or missing column raises ``TypeError`` (a plain dict would silently become a NULL column).
:func:`schema_of` maps the annotations to pyarrow types (``str`` → string, ``int`` → int32,
``float`` → float64, ``bool`` → bool, ``date`` → date32, ``datetime`` → timestamp[us, UTC],
``list[T]`` → list<T>, ``dict[str, str]`` → map<string, string>, a :class:`~enum.StrEnum` →
string, stored as its value); ``Annotated[float, pa.float32()]`` overrides the width. Every
column is nullable, as in the contract (``shared/CONTRACT.md``). Field order is column order.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Union

import pyarrow as pa

Float32 = Annotated[float, pa.float32()]  # bounding-box coordinates: PDF points need no more


class Status(StrEnum):
    """``documents.status``: how far a document got."""

    OK = "ok"  # parsed, task table found, no damage
    PARTIAL = "partial"  # parsed, but no task table or a damaged file (rows may be missing)
    FAILED = "failed"  # nothing could be read: ``error`` says why and what to do


class Role(StrEnum):
    """``task_units.role``: the cell a unit is named in."""

    LEAD = "lead"  # chủ trì
    PARTNER = "partner"  # phối hợp


class UnitKind(StrEnum):
    """``task_units.unit_kind`` (``normalizers.units.KINDS``)."""

    ISSUER = "issuer"
    INTERNAL = "internal"
    PROVINCIAL = "provincial"
    LOCAL = "local"
    CENTRAL = "central"
    ENTERPRISE = "enterprise"
    GROUP = "group"
    OTHER = "other"


class CorrectionState(StrEnum):
    """``corrections.state``: what became of a correction at the last extraction (``pipeline.corrections``)."""

    APPLIED = "applied"  # the row still held the value it replaced: the corrected value is in ``tasks``
    SUPERSEDED = "superseded"  # the extractor now gives the corrected value itself
    CONFLICT = "conflict"  # the extractor now gives a third value (or the row is gone): a person must look
    OVERRIDDEN = "overridden"  # a later correction of the same cell (or fact) took its place


class CorrectionAction(StrEnum):
    """``corrections.action``: what a correction does."""

    SET = "set"  # a cell of ``tasks`` gets ``new_value``
    NOT_A_TASK = "not_a_task"  # the row is not a task: left out of ``tasks`` (kept in ``tasks_extracted``)
    VERIFIED = "verified"  # a person checked the row as extracted: it leaves the review queue
    FACT = "fact"  # a document fact (``documents`` column) gets ``new_value``


class DeadlineKind(StrEnum):
    """``task_deadlines.kind`` (``normalizers.deadlines.KINDS``)."""

    CONTINUOUS = "continuous"
    RECURRING = "recurring"
    DUE = "due"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    PERIOD = "period"
    ON_EVENT = "on_event"
    RELATIVE = "relative"
    UNPARSED = "unparsed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """``documents``: one row per input file, whatever happened to it."""

    table: ClassVar[str] = "documents"
    key: ClassVar[tuple[str, ...]] = ("doc_id",)

    doc_id: str  # first 16 hex digits of sha256
    sha256: str  # of the file's bytes
    source_path: str  # absolute path of the file (NFC; bytes that are not UTF-8 shown as \xNN)
    file_name: str  # the file's name, without its folder
    pages: int | None = None  # page count (null: the file could not be opened)
    province: str | None = None  # issuing province, as printed
    province_slug: str | None = "unknown"  # partition key
    agency: str | None = None  # issuing agency
    plan_year: int | None = None  # the year the plan is for: 2023
    title: str | None = None  # the plan's title (trích yếu) as printed, lines joined
    doc_type: str | None = None  # "Kế hoạch", …
    number: str | None = None  # the plan's own number, "125/KH-STP"
    place_date: str | None = None  # "Sơn La, ngày … tháng … năm …"
    signer: str | None = None  # who signed: "Nguyễn Văn A"
    signer_title: str | None = None  # the signer's position: "GIÁM ĐỐC", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"
    issuer_lines: list[str] = dataclasses.field(default_factory=list)  # the letterhead's left lines, as printed
    parent_agency: str | None = None  # the letterhead line above the issuer, as printed: "UBND TỈNH SƠN LA"
    date: date | None = None  # date of issue, when printed (or stamped by the e-signature) in full
    place: str | None = None  # place of issue: "Quảng Ngãi"
    signed_at: datetime | None = None  # signing time of the signer's digital signature (else the earliest)
    province_raw: str | None = None  # the province as printed where it was read: "THANH HOÁ"
    status: Status = Status.FAILED
    error: str | None = None  # what went wrong and what to do; null when ok
    engine: str | None = None  # table engine: pdfplumber, camelot, docx…
    extractor_version: str | None = None  # kehoach's extractor version that produced the rows
    extracted_at: datetime | None = None  # UTC
    seconds: float | None = None  # extraction time
    n_tasks: int | None = 0  # rows in tasks
    table_pages: list[int] = dataclasses.field(default_factory=list)  # pages the task table is printed on
    cross_checked_pages: list[int] = dataclasses.field(default_factory=list)  # re-read with camelot
    columns: list[str] = dataclasses.field(default_factory=list)  # the task table's header labels
    unit_dictionary_version: str | None = None  # version of the unit dictionary task_units was matched with
    province_2025: str | None = None  # the province it belongs to since the 1/7/2025 merger
    text_encoding: str | None = None  # unicode, or the legacy encoding converted (tcvn3, vni)
    ocr_pages: list[int] = dataclasses.field(default_factory=list)  # pages read from their image with Tesseract
    ocr_confidence: float | None = None  # mean word confidence of those pages (0-100)
    # per OCR page, in the order of ocr_pages: why it was OCR'd ("no text layer", "text drawn as vector
    # paths", "text layer not plausible Vietnamese (…)", …), the turn undone (0/90/180/270, degrees
    # counter-clockwise), the skew undone (degrees) and the mean word confidence (0-100)
    ocr_reasons: list[str] = dataclasses.field(default_factory=list)
    # per OCR page: the turn undone (0/90/180/270, degrees counter-clockwise)
    ocr_rotations: list[int] = dataclasses.field(default_factory=list)
    ocr_skews: list[float] = dataclasses.field(default_factory=list)  # per OCR page: the skew undone (degrees)
    # per OCR page: the mean word confidence (0-100)
    ocr_page_confidences: list[float | None] = dataclasses.field(default_factory=list)
    quality: dict[str, float] | None = None  # flag code -> rows flagged; flagged_rows, flagged_share (0-1)
    source_paths: list[str] = dataclasses.field(default_factory=list)  # every path with these bytes (absolute)


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """``tasks``: one row per task row of the plan's table; text columns are null when the table has none."""

    table: ClassVar[str] = "tasks"
    key: ClassVar[tuple[str, ...]] = ("doc_id", "row_no")

    doc_id: str  # -> documents.doc_id
    row_no: int  # from 1, in reading order
    section_code: str | None = None  # "I", "II"…
    section_title: str | None = None  # the section row's title: "CẢI CÁCH THỂ CHẾ"
    group_title: str | None = None  # a sub-heading row inside the section, else null
    tt: str | None = None  # the row's number as printed
    objective: str | None = None  # mục tiêu; null when the layout has no such column
    task: str | None = None  # nhiệm vụ / nội dung
    activity: str | None = None  # hoạt động; null when no such column
    output: str | None = None  # sản phẩm
    lead_text: str | None = None  # chủ trì, as printed
    partner_text: str | None = None  # phối hợp, as printed
    deadline_text: str | None = None  # thời hạn, as printed (parsed in task_deadlines)
    budget_text: str | None = None  # kinh phí; null when no such column
    page_start: int | None = None  # first page the row is printed on, from 1
    page_end: int | None = None  # last page (> page_start: the row continues over a page break)
    extra: dict[str, str] | None = None  # columns the contract has no name for: header label -> text
    ocr_confidence: float | None = None  # OCR pages: mean word confidence of the row's cells
    flags: list[str] = dataclasses.field(default_factory=list)  # quality codes (pipeline.quality.CODES)
    source: str = "appendix"  # "appendix": a row of a task table; "body": a task written in the prose

    def text(self, column: str) -> str | None:
        """The value of a text column by its contract name (``lead_text``, ``objective``…)."""
        value = getattr(self, column)
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedTask(Task):
    """``tasks_extracted``: the rows of ``tasks`` as the extractor gave them, before any correction."""

    table: ClassVar[str] = "tasks_extracted"

    @classmethod
    def of(cls, task: Task) -> ExtractedTask:
        return cls(**{f.name: getattr(task, f.name) for f in dataclasses.fields(Task)})

    def as_task(self) -> Task:
        return Task(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Task)})


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCell:
    """``task_cells``: where each value of ``tasks`` was printed (a split or merged cell has several fragments)."""

    table: ClassVar[str] = "task_cells"
    key: ClassVar[tuple[str, ...]] = ("doc_id", "row_no", "field", "fragment")

    doc_id: str  # -> documents.doc_id
    row_no: int  # -> tasks.row_no
    field: str  # tasks column, or "extra:<label>"
    fragment: int  # from 0, one per page the cell is printed on
    page: int  # page of the fragment, from 1
    x0: Float32  # left edge, PDF points from the page's left
    top: Float32  # top edge, points from the page's top
    x1: Float32  # right edge
    bottom: Float32  # bottom edge
    text: str  # the fragment's text


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalRef:
    """``legal_refs``: one row per legal document cited."""

    table: ClassVar[str] = "legal_refs"
    key: ClassVar[tuple[str, ...]] = ()  # no natural key: a cell may cite (or state) the same thing twice

    doc_id: str  # -> documents.doc_id
    row_no: int | None  # null: cited in the body, outside the task table
    field: str | None  # tasks column the citation is in; null for the body
    doc_type: str | None  # "Nghị định", "Quyết định", "Kế hoạch"…
    number: str | None  # as printed without inner spaces: "107/2020/NĐ-CP"
    code: str | None  # the number's kind and issuer code: "NĐ-CP"
    issuer: str | None  # who issued it: "Chính phủ", "UBND tỉnh"
    year: int | None  # year of issue
    issued_date: date | None  # date of issue, when printed
    raw: str  # as printed


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskUnit:
    """``task_units``: one row per agency named in a lead or partner cell."""

    table: ClassVar[str] = "task_units"
    key: ClassVar[tuple[str, ...]] = ("doc_id", "row_no", "role", "position")

    doc_id: str  # -> documents.doc_id
    row_no: int  # -> tasks.row_no
    role: Role
    position: int  # order of the unit in its cell, from 1
    unit_raw: str  # exactly as printed: a slice of the cell ("CNTT& TT" stays), role phrase cut off
    unit_written: str  # as written with a shared head distributed ("UBND cấp xã" from "UBND cấp huyện, cấp xã")
    unit_name: str  # canonical: official name from the dictionary, abbreviations expanded
    unit_kind: UnitKind
    unit_note: str | None  # what the cell says the unit does ("tổng hợp xây dựng báo cáo")
    matched: str  # how the name was found: alias, abbreviation, document, head, none
    province: str | None  # issuing province: "Văn phòng Sở" of two provinces never merges
    unit_key: str  # ASCII key for joins, scoped by province (and agency for its own units)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskDeadline:
    """``task_deadlines``: one row per deadline expression of a task's deadline cell."""

    table: ClassVar[str] = "task_deadlines"
    key: ClassVar[tuple[str, ...]] = ("doc_id", "row_no", "position")

    doc_id: str  # -> documents.doc_id
    row_no: int  # -> tasks.row_no
    position: int  # order in the cell, from 1
    kind: DeadlineKind
    start_date: date | None  # first day of the period meant (null: none stated)
    end_date: date | None  # last day: the due date
    recurrence: str | None  # "quarterly,yearly", "2/year", "periodic"
    text: str  # the clause, as printed
    phrase: str | None  # the words that fix the time
    label: str | None  # what is due ("Ban hành kế hoạch")
    event: str | None  # on_event/relative: what it waits for


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """``targets``: one row per percentage target stated in the body or an objective cell."""

    table: ClassVar[str] = "targets"
    key: ClassVar[tuple[str, ...]] = ()  # no natural key: a cell may cite (or state) the same thing twice

    doc_id: str  # -> documents.doc_id
    row_no: int | None  # null: stated in the body's "Chỉ tiêu"/"Mục tiêu" parts
    field: str | None  # tasks column it is stated in; null for the body
    percent: float | None  # the percentage: 100.0
    comparator: str | None  # = >= > <= <
    subject: str | None  # what the percentage is of, as printed
    subject_head: str | None  # the subject's head words, for grouping
    scope: str | None  # "Cấp tỉnh", "cấp xã"
    section: str | None  # body: the headings above it; cells: the task's section title
    raw: str  # as printed


@dataclass(frozen=True, slots=True, kw_only=True)
class DocTable:
    """``doc_tables``: every table printed in the document that is not the task table (a list of
    procedures, a budget, a letterhead drawn as a table), stitched across pages."""

    table: ClassVar[str] = "doc_tables"

    doc_id: str  # -> documents.doc_id
    table_no: int  # from 1, in reading order
    pages: list[int]  # pages it is printed on
    labels: list[str]  # its first row's texts (the header, when it has one)
    n_rows: int  # rows of the grid
    n_cols: int  # columns of the grid


@dataclass(frozen=True, slots=True, kw_only=True)
class DocTableCell:
    """``doc_table_cells``: one row per cell of a ``doc_tables`` table, with where it is printed."""

    table: ClassVar[str] = "doc_table_cells"

    doc_id: str  # -> documents.doc_id
    table_no: int  # -> doc_tables.table_no
    row_no: int  # from 0 (the first row, usually the header), counted across pages
    col_no: int  # from 0
    rowspan: int  # rows the cell spans (merged cells)
    colspan: int  # columns the cell spans
    text: str  # as printed, lines joined as in task cells
    page: int  # page, from 1
    x0: Float32  # left edge, PDF points from the page's left
    top: Float32  # top edge, points from the page's top
    x1: Float32  # right edge
    bottom: Float32  # bottom edge


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyBlock:
    """``body_blocks``: the plan's body as headings, paragraphs, bullets and numbered items."""

    table: ClassVar[str] = "body_blocks"

    doc_id: str  # -> documents.doc_id
    block_no: int  # from 1, in reading order
    kind: str  # heading | paragraph | bullet | item
    level: int  # headings: 1 roman ("II."), 2 arabic ("2."), 3 "2.1."/"a)"; others: the heading's + 1
    marker: str | None  # "II", "2", "2.1", "a", "-", "+"
    heading_path: list[str]  # the headings above it, outermost first
    text: str  # lines joined as in cells
    page_start: int  # first page, from 1
    page_end: int  # last page


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportSchedule:
    """``report_schedule``: the reports the plan's "chế độ báo cáo" part asks for."""

    table: ClassVar[str] = "report_schedule"

    doc_id: str  # -> documents.doc_id
    report_no: int  # from 1
    report: str  # "Báo cáo Quý I/2023"
    period_start: date | None  # the data period ("thời gian chốt số liệu từ ngày … đến ngày …")
    period_end: date | None  # the data period's last day
    due_date: date | None  # "trước ngày …" when a date is printed
    recipient: str | None  # who receives it ("Văn phòng")
    raw: str  # as printed


@dataclass(frozen=True, slots=True, kw_only=True)
class ProseTask:
    """``body_tasks``: every task written in the body's prose, whether or not the plan has a task table."""

    table: ClassVar[str] = "body_tasks"

    doc_id: str  # -> documents.doc_id
    task_no: int  # from 1, in reading order
    row_no: int | None  # -> tasks.row_no when it is also a row of ``tasks`` (a plan without a task table)
    section_code: str | None  # the top heading's roman numeral
    section_title: str | None  # the area heading ("Cải cách thể chế"), else the top heading
    group_title: str | None  # the sub-heading it sits under ("Nhiệm vụ"), if any
    tt: str | None  # its own number as printed ("2.1"); null for a bullet
    task: str  # the item's text
    activity: str | None  # "Giải pháp thực hiện: …", as printed
    output: str | None  # "Kết quả/Sản phẩm: …", as printed
    lead_text: str | None  # "Đơn vị thực hiện/chủ trì: …" or "Giao X chủ trì", as printed
    partner_text: str | None  # "Đơn vị phối hợp: …" or "phối hợp với Y", as printed
    deadline_text: str | None  # "Thời gian thực hiện/hoàn thành: …" or "trước ngày …", as printed
    page_start: int  # first page, from 1
    page_end: int  # last page


@dataclass(frozen=True, slots=True, kw_only=True)
class BodyLine:
    """``body_lines``: the plan's lines outside tables, in reading order (what the body's normalizers read)."""

    table: ClassVar[str] = "body_lines"

    doc_id: str  # -> documents.doc_id
    line_no: int  # from 1
    page: int  # page, from 1
    text: str  # the line's text


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """``corrections``: the append-only log of ``DIR/corrections/`` with what became of each entry.

    The log (one JSON file per correction) is the truth; this table is rebuilt from it at every
    extraction of the document and by ``kehoach correct``.
    """

    table: ClassVar[str] = "corrections"

    correction_id: str  # time-ordered unique id, also the log file's name
    doc_id: str  # the document it was made on
    sha256: str  # that document's file
    file_name: str | None  # the document's file name when the correction was made
    source_path: str | None  # its path then
    action: CorrectionAction
    row_no: int | None  # null for a document fact
    tt: str | None  # the row's number as printed when the correction was made
    field: str | None  # tasks column (set) or documents column (fact); null for not_a_task / verified
    old_value: str | None  # the extracted value it replaces (verified / not_a_task: the row's task text)
    new_value: str | None  # the corrected value (set, fact); null for not_a_task / verified
    author: str | None  # who corrected (default: the OS user)
    created_at: datetime | None  # UTC
    note: str | None  # why, or the source of the correct value
    state: CorrectionState = CorrectionState.CONFLICT
    current_value: str | None = None  # the extractor's value at the last extraction (differs in a conflict)


@dataclass(frozen=True, slots=True, kw_only=True)
class DocSignature:
    """``doc_signatures``: one row per digital signature (``/Sig`` field) of a PDF."""

    table: ClassVar[str] = "doc_signatures"

    doc_id: str  # -> documents.doc_id
    sig_no: int  # from 1, in file order
    field: str | None  # the signature field's name
    signer: str | None  # certificate subject's common name: a person or a body
    organisation: str | None  # certificate subject's organisation
    signed_at: datetime | None  # the signing time the signature states
    intact: bool  # the signed bytes are unchanged and the signature verifies (offline, no trust chain)
    covers_file: bool  # false: revisions were appended after this signature (later signatures, edits)


Record = (
    Document
    | Task
    | TaskCell
    | LegalRef
    | TaskUnit
    | TaskDeadline
    | Target
    | DocTable
    | DocTableCell
    | BodyBlock
    | ReportSchedule
    | BodyLine
    | Correction
    | DocSignature
)

#: table name -> its record, in the order the tables are listed everywhere
RECORDS: dict[str, type[Any]] = {
    cls.table: cls
    for cls in (
        Document,
        Task,
        ExtractedTask,
        TaskCell,
        LegalRef,
        TaskUnit,
        TaskDeadline,
        Target,
        DocTable,
        DocTableCell,
        BodyBlock,
        ReportSchedule,
        ProseTask,
        BodyLine,
        Correction,
        DocSignature,
    )
}

_SCALARS: dict[type, pa.DataType] = {
    str: pa.string(),
    int: pa.int32(),
    float: pa.float64(),
    bool: pa.bool_(),
    date: pa.date32(),
    datetime: pa.timestamp("us", tz="UTC"),
}


def arrow_type(hint: Any) -> pa.DataType:
    """The pyarrow type of a field annotation (see the module doc)."""
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, *extras = typing.get_args(hint)
        for extra in extras:
            if isinstance(extra, pa.DataType):
                return extra
        return arrow_type(base)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"no arrow type for a union of several types: {hint}")
        return arrow_type(args[0])
    if origin is list:
        (item,) = typing.get_args(hint)
        return pa.list_(arrow_type(item))
    if origin is dict:
        key, value = typing.get_args(hint)
        return pa.map_(arrow_type(key), arrow_type(value))
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        return pa.string()
    if isinstance(hint, type) and hint in _SCALARS:
        return _SCALARS[hint]
    raise TypeError(f"no arrow type for {hint!r}")


_SCHEMAS: dict[type[Any], pa.Schema] = {}


def schema_of(cls: type[Any]) -> pa.Schema:
    """The Parquet schema of a record class: one nullable column per field, in field order."""
    if cls not in _SCHEMAS:
        hints = typing.get_type_hints(cls, include_extras=True)
        _SCHEMAS[cls] = pa.schema([pa.field(f.name, arrow_type(hints[f.name])) for f in dataclasses.fields(cls)])
    return _SCHEMAS[cls]


def columns_of(cls: type[Any]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def to_table(cls: type[Any], records: Sequence[Any]) -> pa.Table:
    """Records of one class as a pyarrow table of its schema (enums stored as their values)."""
    names = columns_of(cls)
    for r in records:
        if type(r) is not cls:
            raise TypeError(f"a {type(r).__name__} record is not a row of {cls.table}")
    data = {name: [_plain(getattr(r, name)) for r in records] for name in names}
    return pa.Table.from_pydict(data, schema=schema_of(cls))


def from_table(cls: type[Any], table: pa.Table) -> list[Any]:
    """The inverse of :func:`to_table`: stored rows back into records (maps to dicts, enums to their class)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    schema = schema_of(cls)
    fix: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        base = [a for a in typing.get_args(hint) if a is not type(None)] if typing.get_origin(hint) else [hint]
        if pa.types.is_map(schema.field(f.name).type):
            fix[f.name] = lambda v: dict(v) if v is not None else None
        elif len(base) == 1 and isinstance(base[0], type) and issubclass(base[0], enum.StrEnum):
            fix[f.name] = lambda v, e=base[0]: e(v) if v is not None else None
    names = set(columns_of(cls))
    out = []
    for row in table.to_pylist():
        values = {k: (fix[k](v) if k in fix else v) for k, v in row.items() if k in names}
        out.append(cls(**values))
    return out


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
