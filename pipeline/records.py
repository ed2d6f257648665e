"""Turn an extraction (or a failure) into the typed records of the output tables (:mod:`pipeline.tables`).

Every row builder takes one :class:`DocContext` (the document's record, its extraction, its
task records and body text) and returns a list of records; :func:`table_rows` runs them all.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors import EXTRACTOR_VERSION
from extractors.celltext import join_lines
from extractors.model import FIELDS, TaskRow
from normalizers.admin import province_after_2025
from normalizers.deadlines import parse_deadlines
from normalizers.legal_refs import find_legal_refs
from normalizers.targets import find_targets, target_sections
from normalizers.text import nfc, slug
from normalizers.units import Unit, dictionary_version, normalize_units, unit_context
from pipeline import quality
from pipeline.files import shown
from pipeline.tables import (
    RECORDS,
    BodyBlock,
    BodyLine,
    Correction,
    DeadlineKind,
    DocSignature,
    DocTable,
    DocTableCell,
    Document,
    ExtractedTask,
    LegalRef,
    ProseTask,
    ReportSchedule,
    Role,
    Status,
    Target,
    Task,
    TaskCell,
    TaskDeadline,
    TaskUnit,
    UnitKind,
)

if TYPE_CHECKING:
    from extractors.document import Extraction

#: contract column of each extracted field
COLUMN_OF = {
    "tt": "tt",
    "objective": "objective",
    "task": "task",
    "activity": "activity",
    "output": "output",
    "lead": "lead_text",
    "partner": "partner_text",
    "deadline": "deadline_text",
    "budget": "budget_text",
}

#: text columns of ``tasks`` searched for citations and units (the row number is not text)
TEXT_COLUMNS = tuple(c for c in COLUMN_OF.values() if c != "tt")


@dataclass(slots=True)
class TableRows:
    """The rows one document contributes to each table but ``documents``; field names are table names."""

    tasks: list[Task] = field(default_factory=list)
    tasks_extracted: list[ExtractedTask] = field(default_factory=list)
    task_cells: list[TaskCell] = field(default_factory=list)
    legal_refs: list[LegalRef] = field(default_factory=list)
    task_units: list[TaskUnit] = field(default_factory=list)
    task_deadlines: list[TaskDeadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    doc_tables: list[DocTable] = field(default_factory=list)
    doc_table_cells: list[DocTableCell] = field(default_factory=list)
    body_blocks: list[BodyBlock] = field(default_factory=list)
    report_schedule: list[ReportSchedule] = field(default_factory=list)
    body_tasks: list[ProseTask] = field(default_factory=list)
    body_lines: list[BodyLine] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    doc_signatures: list[DocSignature] = field(default_factory=list)

    def items(self) -> Iterator[tuple[type[Any], Sequence[Any]]]:
        """``(record class, records)`` of each table, in table order."""
        for f in dataclasses.fields(self):
            yield RECORDS[f.name], getattr(self, f.name)


@dataclass(slots=True)
class DocResult:
    """Everything one document contributes to the output; built without raising."""

    source_path: str
    sha256: str
    document: Document
    rows: TableRows = field(default_factory=TableRows)

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def status(self) -> Status:
        return self.document.status

    @property
    def partition(self) -> str:
        return self.document.province_slug or "unknown"

    def release_rows(self) -> None:
        """Drop the table rows (once committed): a long batch keeps only the document records."""
        self.rows = TableRows()


@dataclass(frozen=True, slots=True)
class DocContext:
    """What every row builder reads: one document's record, its extraction, its tasks and body text.

    ``extraction`` is None when the context is rebuilt from stored tables (``pipeline.corrections``):
    the normalizers need only the document, the tasks and the body lines.
    """

    document: Document
    extraction: Extraction | None
    tasks: list[Task]
    body_lines: list[str]  # the plan's lines outside tables, in reading order, page numbers left out
    body_text: str  # those lines joined as in cells

    @property
    def doc_id(self) -> str:
        return self.document.doc_id


def doc_context(document: Document, ex: Extraction) -> DocContext:
    lines = body_lines(ex)
    return DocContext(document, ex, _tasks(document.doc_id, ex), lines, join_lines(lines))


def stored_context(document: Document, tasks: list[Task], lines: Sequence[str]) -> DocContext:
    """A context rebuilt from stored rows (no extraction): enough for :func:`normalized_rows`."""
    return DocContext(document, None, tasks, list(lines), join_lines(list(lines)))


def table_rows(ctx: DocContext) -> TableRows:
    """Every table's rows for one document (``corrections`` empty: :mod:`pipeline.corrections` fills it)."""
    return TableRows(
        tasks=ctx.tasks,
        tasks_extracted=[ExtractedTask.of(t) for t in ctx.tasks],
        task_cells=cell_rows(ctx),
        doc_tables=doc_table_rows(ctx),
        doc_table_cells=doc_table_cell_rows(ctx),
        body_blocks=body_block_rows(ctx),
        report_schedule=report_rows(ctx),
        body_tasks=prose_task_rows(ctx),
        body_lines=body_line_rows(ctx),
        **normalized_rows(ctx),
        doc_signatures=signature_rows(ctx),
    )


#: the tables computed from the tasks' text (and the body): recomputed when a task is corrected
NORMALIZED_TABLES = ("legal_refs", "task_units", "task_deadlines", "targets")


def normalized_rows(ctx: DocContext) -> dict[str, Any]:
    """The tables computed from the tasks' text (and the body): recomputed when a task is corrected."""
    return {
        "legal_refs": legal_ref_rows(ctx),
        "task_units": unit_rows(ctx),
        "task_deadlines": deadline_rows(ctx),
        "targets": target_rows(ctx),
    }


def body_block_rows(ctx: DocContext) -> list[BodyBlock]:
    blocks = ctx.extraction.body if ctx.extraction else []
    return [
        BodyBlock(
            doc_id=ctx.doc_id,
            block_no=b.block_no,
            kind=b.kind,
            level=b.level,
            marker=b.marker,
            heading_path=b.heading_path,
            text=b.text,
            page_start=b.page_start,
            page_end=b.page_end,
        )
        for b in blocks
    ]


def prose_task_rows(ctx: DocContext) -> list[ProseTask]:
    """Rows of ``body_tasks``: :attr:`Extraction.body_tasks`, each tied to its ``tasks`` row when it is one."""
    if ctx.extraction is None:
        return []
    ex = ctx.extraction
    # a plan without a task table: its rows are its body tasks, in the same order
    in_tasks = (
        bool(ex.body_tasks) and all(row.source == "body" for row in ex.rows) and len(ex.rows) == len(ex.body_tasks)
    )
    return [
        ProseTask(
            doc_id=ctx.doc_id,
            task_no=i,
            row_no=i if in_tasks else None,
            section_code=t.section_code,
            section_title=t.section_title,
            group_title=t.group_title,
            tt=t.tt or None,
            task=t.task,
            activity=t.fields.get("activity"),
            output=t.fields.get("output"),
            lead_text=t.fields.get("lead"),
            partner_text=t.fields.get("partner"),
            deadline_text=t.fields.get("deadline"),
            page_start=min(t.pages),
            page_end=max(t.pages),
        )
        for i, t in enumerate(ex.body_tasks, start=1)
    ]


def report_rows(ctx: DocContext) -> list[ReportSchedule]:
    reports = ctx.extraction.reports if ctx.extraction else []
    return [
        ReportSchedule(
            doc_id=ctx.doc_id,
            report_no=i,
            report=r.report,
            period_start=r.period_start,
            period_end=r.period_end,
            due_date=r.due_date,
            recipient=r.recipient,
            raw=r.raw,
        )
        for i, r in enumerate(reports, start=1)
    ]


def doc_table_rows(ctx: DocContext) -> list[DocTable]:
    """The document's other tables (not the task table), one record each."""
    return [
        DocTable(doc_id=ctx.doc_id, table_no=t.number, pages=t.pages, labels=t.labels, n_rows=t.n_rows, n_cols=t.n_cols)
        for t in (ctx.extraction.others if ctx.extraction else [])
    ]


def doc_table_cell_rows(ctx: DocContext) -> list[DocTableCell]:
    out = []
    for t in ctx.extraction.others if ctx.extraction else []:
        for c in t.cells:
            x0, top, x1, bottom = c.bbox
            out.append(
                DocTableCell(
                    doc_id=ctx.doc_id,
                    table_no=t.number,
                    row_no=c.row,
                    col_no=c.col,
                    rowspan=c.rowspan,
                    colspan=c.colspan,
                    text=c.text,
                    page=c.page,
                    x0=x0,
                    top=top,
                    x1=x1,
                    bottom=bottom,
                )
            )
    return out


def doc_id_for(sha: str) -> str:
    return sha[:16]


def base_document(path: Path, source_path: str, sha: str, engine: str) -> Document:
    """The ``documents`` record of a file before (or instead of) its extraction: status failed."""
    return Document(
        doc_id=doc_id_for(sha),
        sha256=sha,
        source_path=nfc(shown(source_path)),
        file_name=nfc(shown(path.name)),
        source_paths=[nfc(shown(source_path))],
        status=Status.FAILED,
        engine=engine,
        extractor_version=EXTRACTOR_VERSION,
        extracted_at=datetime.now(UTC),
        unit_dictionary_version=dictionary_version(),
    )


def document_row(base: Document, ex: Extraction) -> Document:
    f = ex.facts
    if ex.problems:
        status = Status.PARTIAL
        error: str | None = (
            f"The PDF is damaged ({'; '.join(ex.problems[:2])}); {len(ex.rows)} task rows were read but "
            "text or rows may be missing: get an intact copy of the file and ingest it again."
        )
    elif not ex.rows:
        status = Status.PARTIAL
        kept = f" Its {len(ex.others)} other table(s) are kept in doc_tables/doc_table_cells." if ex.others else ""
        error = (
            "No task table was found: the file parsed, but no table with a recognisable header "
            "(TT, Nhiệm vụ/Nội dung, Chủ trì, Phối hợp, Thời gian…) was printed in it. If the plan has "
            "an appendix table, check that it is ruled and not an image; otherwise nothing is missing." + kept
        )
    else:
        status, error = Status.OK, None
    if ex.limited:  # pages beyond a limit: recorded, the rest read
        status = Status.PARTIAL
        error = " ".join([*ex.limited, *([error] if error else [])])
    return dataclasses.replace(
        base,
        pages=ex.pages,
        province=f.province,
        province_slug=slug(f.province) if f.province else "unknown",
        province_2025=province_after_2025(f.province),
        text_encoding=ex.raw.text_encoding,
        ocr_pages=[p.number for p in ex.raw.pages if p.ocr],
        ocr_confidence=_mean([p.ocr_confidence for p in ex.raw.pages if p.ocr]),
        ocr_reasons=[p.ocr_info.reason for p in ex.raw.pages if p.ocr_info],
        ocr_rotations=[p.ocr_info.rotation for p in ex.raw.pages if p.ocr_info],
        ocr_skews=[p.ocr_info.skew for p in ex.raw.pages if p.ocr_info],
        ocr_page_confidences=[p.ocr_info.confidence for p in ex.raw.pages if p.ocr_info],
        agency=f.agency,
        plan_year=f.plan_year,
        title=f.title,
        doc_type=f.doc_type,
        number=f.number,
        place_date=f.place_date,
        signer=f.signer,
        signer_title=f.signer_title,
        issuer_lines=list(f.issuer_lines),
        parent_agency=f.parent_agency,
        date=f.date,
        place=f.place,
        signed_at=f.signed_at,
        province_raw=f.province_raw,
        engine=ex.engine,
        n_tasks=len(ex.rows),
        table_pages=sorted({p for row in ex.rows if row.source == "appendix" for p in row.pages}),
        cross_checked_pages=ex.cross_checked,
        columns=[label for layout in ex.layouts[:1] for label in layout.labels],
        quality=quality.quality(quality.row_flags(ex)) if ex.rows else None,
        status=status,
        error=error,
    )


def _tasks(doc_id: str, ex: Extraction) -> list[Task]:
    present = {name for layout in ex.layouts for name in layout.fields if name}
    flags = quality.row_flags(ex)
    return [
        _task(doc_id, row_no, row, present, row_flags)
        for row_no, (row, row_flags) in enumerate(zip(ex.rows, flags, strict=True), start=1)
    ]


def _task(doc_id: str, row_no: int, row: TaskRow, present: set[str], flags: list[str]) -> Task:
    texts: dict[str, str | None] = {}
    for name in FIELDS:
        logical = row.cells.get(name)
        if name not in present and row.source == "appendix":
            texts[COLUMN_OF[name]] = None
        elif row.source == "body" and logical is None:
            texts[COLUMN_OF[name]] = None  # the prose does not state it
        else:
            texts[COLUMN_OF[name]] = join_lines(logical.lines) if logical is not None else ""
    return Task(
        doc_id=doc_id,
        row_no=row_no,
        section_code=row.section_code,
        section_title=row.section_title,
        group_title=row.group_title,
        page_start=min(row.pages),
        page_end=max(row.pages),
        extra={k: join_lines(v.lines) for k, v in row.extra.items()} or None,
        ocr_confidence=_mean([f.confidence for c in row.cells.values() for f in c.fragments]),
        flags=flags,
        source=row.source,
        **texts,
    )


def cell_rows(ctx: DocContext) -> list[TaskCell]:
    """Rows of ``task_cells`` (provenance): one per fragment of each cell, row numbers as in ``tasks``."""
    if ctx.extraction is None:
        raise ValueError("task_cells need the extraction (they are kept as stored when a task is corrected)")
    out: list[TaskCell] = []
    for row_no, row in enumerate(ctx.extraction.rows, start=1):
        for name, logical in list(row.cells.items()) + [(f"extra:{k}", v) for k, v in row.extra.items()]:
            for i, frag in enumerate(logical.fragments):
                x0, top, x1, bottom = frag.bbox
                out.append(
                    TaskCell(
                        doc_id=ctx.doc_id,
                        row_no=row_no,
                        field=COLUMN_OF.get(name, name),
                        fragment=i,
                        page=frag.page,
                        x0=x0,
                        top=top,
                        x1=x1,
                        bottom=bottom,
                        text=join_lines(frag.lines),
                    )
                )
    return out


def _mean(values: Sequence[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 1) if got else None


def body_lines(ex: Extraction) -> list[str]:
    """The plan's lines outside tables, in reading order, page numbers left out."""
    return [ln.text for page in ex.raw.pages for ln in page.lines if not ln.text.strip().isdigit()]


def body_line_rows(ctx: DocContext) -> list[BodyLine]:
    """Rows of ``body_lines``: :func:`body_lines` with their pages (what a rebuilt context reads)."""
    if ctx.extraction is None:
        return [BodyLine(doc_id=ctx.doc_id, line_no=i, page=0, text=t) for i, t in enumerate(ctx.body_lines, 1)]
    lines = [(page.number, ln.text) for page in ctx.extraction.raw.pages for ln in page.lines]
    kept = [(p, t) for p, t in lines if not t.strip().isdigit()]
    return [BodyLine(doc_id=ctx.doc_id, line_no=i, page=p, text=t) for i, (p, t) in enumerate(kept, start=1)]


def legal_ref_rows(ctx: DocContext) -> list[LegalRef]:
    """One row per citation: the body's (row_no null), then each task cell's."""
    sources: list[tuple[int | None, str | None, str]] = [(None, None, ctx.body_text)]
    for task in ctx.tasks:
        for column in TEXT_COLUMNS:
            cell = task.text(column)
            if cell:
                sources.append((task.row_no, column, cell))
    own = re.sub(r"\s+", "", ctx.document.number or "")
    out: list[LegalRef] = []
    for row_no, where, text in sources:
        for ref in find_legal_refs(text):
            if row_no is None and own and ref.number == own:
                continue  # "Số: 125/KH-STP" is the plan's own number, not a citation
            out.append(
                LegalRef(
                    doc_id=ctx.doc_id,
                    row_no=row_no,
                    field=where,
                    doc_type=ref.doc_type,
                    number=ref.number,
                    code=ref.code,
                    issuer=ref.issuer,
                    year=ref.year,
                    issued_date=ref.issued_date,
                    raw=ref.raw,
                )
            )
    return out


def unit_rows(ctx: DocContext) -> list[TaskUnit]:
    """One row per agency named in a lead or partner cell."""
    document = ctx.document
    cells = [text for t in ctx.tasks for c in TEXT_COLUMNS if (text := t.text(c))]
    uctx = unit_context(document.agency, document.province, cells, ctx.body_text)
    pslug = document.province_slug or "unknown"
    aslug = slug(document.agency or "") or "unknown"
    out: list[TaskUnit] = []
    seen: dict[str | None, list[Unit]] = {}
    for task in ctx.tasks:
        for role, cell in ((Role.LEAD, task.lead_text), (Role.PARTNER, task.partner_text)):
            if cell not in seen:
                seen[cell] = normalize_units(cell, uctx)
            for position, unit in enumerate(seen[cell], start=1):
                kind = UnitKind(unit.kind)
                scope = f"{pslug}/{aslug}" if kind in (UnitKind.ISSUER, UnitKind.INTERNAL, UnitKind.GROUP) else pslug
                out.append(
                    TaskUnit(
                        doc_id=document.doc_id,
                        row_no=task.row_no,
                        role=role,
                        position=position,
                        unit_raw=unit.raw,
                        unit_written=unit.written,
                        unit_name=unit.name,
                        unit_kind=kind,
                        unit_note=unit.note,
                        matched=unit.matched,
                        province=document.province,
                        unit_key=slug(unit.name) if kind is UnitKind.CENTRAL else f"{scope}/{slug(unit.name)}",
                    )
                )
    return out


def deadline_rows(ctx: DocContext) -> list[TaskDeadline]:
    """One row per deadline expression; the plan year fills an omitted year."""
    out: list[TaskDeadline] = []
    for task in ctx.tasks:
        for position, d in enumerate(parse_deadlines(task.deadline_text, ctx.document.plan_year), start=1):
            out.append(
                TaskDeadline(
                    doc_id=ctx.doc_id,
                    row_no=task.row_no,
                    position=position,
                    kind=DeadlineKind(d.kind),
                    start_date=d.start_date,
                    end_date=d.end_date,
                    recurrence=d.recurrence,
                    text=d.text,
                    phrase=d.phrase,
                    label=d.label,
                    event=d.event,
                )
            )
    return out


def target_rows(ctx: DocContext) -> list[Target]:
    """Targets of the body's "Chỉ tiêu"/"Mục tiêu" parts, then of each distinct objective cell."""
    sources: list[tuple[int | None, str | None, str, str | None, str | None]] = [
        (None, None, text, None, heading) for heading, text in target_sections(ctx.body_lines)
    ]
    seen: set[str] = set()
    for task in ctx.tasks:
        objective = task.objective
        if objective and objective not in seen:  # a merged objective repeats down its rows: count it once
            seen.add(objective)
            sources.append((task.row_no, "objective", objective, task.task, task.section_title))
    out: list[Target] = []
    for row_no, column, text, fallback, section in sources:
        for t in find_targets(text):
            out.append(
                Target(
                    doc_id=ctx.doc_id,
                    row_no=row_no,
                    field=column,
                    percent=t.percent,
                    comparator=t.comparator,
                    subject=t.subject or _strip_numbering(fallback),
                    subject_head=t.subject_head,
                    scope=t.scope,
                    section=section,
                    raw=t.raw,
                )
            )
    return out


def _strip_numbering(text: str | None) -> str | None:
    """``2.5. Nâng cao …`` -> ``Nâng cao …`` (the task a scoped target's numbers belong to)."""
    if not text:
        return None
    return re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", text).strip() or None


def signature_rows(ctx: DocContext) -> list[DocSignature]:
    """One row per digital signature of the file, in file order."""
    return [
        DocSignature(
            doc_id=ctx.doc_id,
            sig_no=i,
            field=sig.field,
            signer=sig.signer,
            organisation=sig.organisation,
            signed_at=sig.signed_at,
            intact=sig.intact,
            covers_file=sig.covers_file,
        )
        for i, sig in enumerate(ctx.extraction.facts.signatures if ctx.extraction else [], start=1)
    ]
