"""Corrections as data: an append-only log kept apart from what a re-extraction rewrites.

``DIR/corrections/<correction_id>.json`` holds one correction per file, written to a temporary
name, fsynced and renamed (a reader or a killed writer sees the whole entry or none; files are
never rewritten or deleted by kehoach). Each entry records the document's sha256, row_no and tt,
the field, the extracted value it replaces, the new value, author, time and note.

At every extraction of a document (ingest, ``reextract``) and after every new correction, the
document's entries are evaluated against what the extractor gives now (:func:`evaluate`):

- ``applied``: the row still holds the value the correction replaced: ``tasks`` gets the new
  value (``tasks_extracted`` keeps the extractor's), and the normalized tables (``task_units``,
  ``task_deadlines``, ``targets``, ``legal_refs``) are computed from the corrected text;
- ``superseded``: the extractor now gives the corrected value itself;
- ``conflict``: it gives a third value (or the row is gone): listed by ``kehoach status`` and the
  review page with both values, never dropped;
- ``overridden``: a later correction of the same cell or fact took its place.

An entry belongs to the document it was made on (by doc_id) and to whatever file is later
ingested from the same path (a re-issued plan): its rows are checked the same way.
The ``corrections`` table holds every entry with its state, under the document it was evaluated
against (``doc_id``; ``sha256`` stays the file it was made on).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from normalizers.admin import province_after_2025
from normalizers.text import nfc, slug
from pipeline.faults import checkpoint
from pipeline.files import atomic_write
from pipeline.records import NORMALIZED_TABLES, DocResult, TableRows, normalized_rows, stored_context
from pipeline.tables import (
    RECORDS,
    BodyLine,
    Correction,
    CorrectionAction,
    CorrectionState,
    Document,
    ExtractedTask,
    Task,
    from_table,
)

log = logging.getLogger(__name__)

LOG_DIR = "corrections"

#: ``tasks`` columns a correction may set
TASK_FIELDS = (
    "section_code",
    "section_title",
    "group_title",
    "tt",
    "objective",
    "task",
    "activity",
    "output",
    "lead_text",
    "partner_text",
    "deadline_text",
    "budget_text",
)
#: ``documents`` columns a fact correction may set
FACT_FIELDS = (
    "province",
    "agency",
    "plan_year",
    "title",
    "doc_type",
    "number",
    "place_date",
    "signer",
    "signer_title",
)
#: short names accepted on the command line
FIELD_ALIASES = {"lead": "lead_text", "partner": "partner_text", "deadline": "deadline_text", "budget": "budget_text"}

_DOC_ID = re.compile(r"^[0-9a-f]{16}$")


class CorrectionError(ValueError):
    """A correction that cannot be made as asked (unknown document, row or field): a message for the user."""


# ---------------------------------------------------------------- the log


def log_dir(out: Path) -> Path:
    return Path(out) / LOG_DIR


def new_id() -> str:
    """Time-ordered and unique: ``<UTC nanoseconds>-<random>``, the log file's name."""
    return f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"


_LOG_FIELDS = [
    f.name for f in dataclasses.fields(Correction) if f.name not in ("state", "current_value")
]  # what a log entry holds; the state is recomputed at each evaluation


def _entry_json(c: Correction) -> str:
    data: dict[str, Any] = {}
    for name in _LOG_FIELDS:
        value = getattr(c, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else getattr(value, "value", value)
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def _entry_of(data: dict[str, Any]) -> Correction:
    values: dict[str, Any] = {k: data.get(k) for k in _LOG_FIELDS}
    values["action"] = CorrectionAction(values["action"])
    if values.get("created_at"):
        values["created_at"] = datetime.fromisoformat(values["created_at"])
    return Correction(**values)


def append(out: Path, correction: Correction) -> Path:
    """Add one entry to the log: temporary file, fsync, rename, fsync of the folder."""
    folder = log_dir(out)
    folder.mkdir(parents=True, exist_ok=True)
    text = _entry_json(correction).encode("utf-8")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        checkpoint("correction-before-rename")

    dest = atomic_write(folder / f"{correction.correction_id}.json", write)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return dest


def read_log(out: Path) -> list[Correction]:
    """Every entry of the log, oldest first; temporary files of an interrupted write are not entries."""
    entries = []
    for path in sorted(log_dir(out).glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            entries.append(_entry_of(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, TypeError, KeyError) as exc:  # never deleted: a person can repair it
            log.error("unreadable correction %s (kept, not applied): %s", path, exc)
    return entries


def entries_for(entries: Sequence[Correction], document: Document) -> list[Correction]:
    """The entries that belong to a document: made on it, or on an earlier file at the same path."""
    return [
        c
        for c in entries
        if c.doc_id == document.doc_id or (c.source_path is not None and c.source_path == document.source_path)
    ]


# ---------------------------------------------------------------- evaluation


def _key(c: Correction) -> tuple[Any, ...]:
    if c.action in (CorrectionAction.SET, CorrectionAction.FACT):
        return (c.action, c.row_no, c.field)
    return (c.action, c.row_no)


def _same(a: str | None, b: str | None) -> bool:
    """Equal text (NFC); an empty cell and a column the layout lacks count as the same (no text)."""
    return nfc(a or "") == nfc(b or "")


def _fact_text(document: Document, name: str) -> str | None:
    value = getattr(document, name)
    return None if value is None else str(value)


def _set_fact(document: Document, name: str, value: str | None) -> Document:
    if name == "plan_year":
        return dataclasses.replace(document, plan_year=int(value) if value else None)
    if name == "province":
        return dataclasses.replace(
            document,
            province=value,
            province_slug=slug(value) if value else "unknown",
            province_2025=province_after_2025(value),
        )
    changes: dict[str, Any] = {name: value}
    return dataclasses.replace(document, **changes)


@dataclass
class Evaluated:
    document: Document
    tasks: list[Task]
    corrections: list[Correction]


def evaluate(document: Document, extracted: Sequence[Task], entries: Sequence[Correction]) -> Evaluated:
    """Apply a document's entries to the extractor's rows and facts; every entry gets a state."""
    rows = {t.row_no: t for t in extracted}
    latest: dict[tuple[Any, ...], Correction] = {}
    for c in sorted(entries, key=lambda c: c.correction_id):
        latest[_key(c)] = c
    doc = document
    changes: dict[int, dict[str, Any]] = {}
    dropped: set[int] = set()
    out: list[Correction] = []
    for c in sorted(entries, key=lambda c: c.correction_id):
        current: str | None = None
        if latest[_key(c)] is not c:
            state = CorrectionState.OVERRIDDEN
        elif c.action is CorrectionAction.FACT:
            current = _fact_text(document, c.field or "")
            state = _state(c, current)
            if state is CorrectionState.APPLIED:
                doc = _set_fact(doc, c.field or "", c.new_value)
        else:
            row = rows.get(c.row_no or 0)
            if row is None:
                state = CorrectionState.CONFLICT
            elif c.action is CorrectionAction.SET:
                current = getattr(row, c.field or "")
                state = _state(c, current)
                if state is CorrectionState.APPLIED:
                    changes.setdefault(row.row_no, {})[c.field or ""] = c.new_value
            else:  # verified / not a task: valid while the row holds the task text it was made on
                current = row.task
                state = CorrectionState.APPLIED if _same(current, c.old_value) else CorrectionState.CONFLICT
                if state is CorrectionState.APPLIED and c.action is CorrectionAction.NOT_A_TASK:
                    dropped.add(row.row_no)
        out.append(dataclasses.replace(c, doc_id=document.doc_id, state=state, current_value=current))
    tasks = [dataclasses.replace(_task(t), **changes.get(t.row_no, {})) for t in extracted if t.row_no not in dropped]
    return Evaluated(doc, tasks, out)


def _task(t: Task) -> Task:
    return t.as_task() if isinstance(t, ExtractedTask) else t


def _state(c: Correction, current: str | None) -> CorrectionState:
    if _same(current, c.old_value):
        return CorrectionState.APPLIED
    if _same(current, c.new_value):
        return CorrectionState.SUPERSEDED
    return CorrectionState.CONFLICT


def apply_to_result(out: Path, result: DocResult, entries: Sequence[Correction] | None = None) -> DocResult:
    """Evaluate the log's entries for this document into ``result`` (before it is written).

    Without entries the result is left as extracted. Otherwise ``tasks`` and the document get the
    applied values, the normalized tables are recomputed from them, and ``corrections`` lists
    every entry with its state.
    """
    mine = entries_for(read_log(out) if entries is None else entries, result.document)
    rows = result.rows
    if not mine:
        rows.corrections = []
        return result
    ev = evaluate(result.document, rows.tasks_extracted, mine)
    result.document = ev.document
    rows.tasks = ev.tasks
    rows.corrections = ev.corrections
    ctx = stored_context(ev.document, ev.tasks, [b.text for b in rows.body_lines])
    for name, records in normalized_rows(ctx).items():
        setattr(rows, name, records)
    return result


# ---------------------------------------------------------------- stored documents


def _read(out: Path, table: str, doc_id: str) -> list[Any]:
    """A committed document's rows of one table (the journal says which file holds them)."""
    from pipeline import store

    entry = store.load_state(Path(out)).docs.get(doc_id)
    if entry is None or table not in entry.files:
        return []
    return list(from_table(RECORDS[table], pq.read_table(Path(out) / entry.files[table])))


def stored_documents(out: Path) -> list[Document]:
    from pipeline import store

    entries = sorted(store.load_state(Path(out)).docs.values(), key=lambda e: e.doc_id)
    return [
        d
        for e in entries
        if "documents" in e.files
        for d in from_table(Document, pq.read_table(Path(out) / e.files["documents"]))
    ]


def resolve(out: Path, ref: str) -> Document:
    """The stored document named by ``ref``: its doc_id, file name or source path."""
    ref = nfc(ref.strip())
    docs = stored_documents(out)
    if not docs:
        raise CorrectionError(f"no documents in {out}: run `kehoach ingest` first (or pass --out)")
    for match in (
        [d for d in docs if d.doc_id == ref.lower()],
        [d for d in docs if d.file_name == ref or d.source_path == ref],
        [d for d in docs if d.file_name == Path(ref).name],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            ids = ", ".join(d.doc_id for d in match)
            raise CorrectionError(f"{ref!r} names several documents ({ids}): give the doc_id")
    raise CorrectionError(f"no stored document {ref!r}: give a doc_id or file name shown by `kehoach status`")


def load_stored(out: Path, doc_id: str) -> DocResult:
    """A stored document as extracted (corrections undone), ready for :func:`apply_to_result`."""
    if not _DOC_ID.match(doc_id):
        raise CorrectionError(f"not a doc_id: {doc_id!r}")
    docs = _read(out, "documents", doc_id)
    if not docs:
        raise CorrectionError(f"no stored document {doc_id}")
    document: Document = docs[0]
    for c in _read(out, "corrections", doc_id):  # undo applied facts: their old value is the extracted one
        if c.action is CorrectionAction.FACT and c.state is CorrectionState.APPLIED and c.field:
            document = _set_fact(document, c.field, c.old_value)
    rows = TableRows()
    derived = {*NORMALIZED_TABLES, "tasks", "corrections"}
    for f in dataclasses.fields(TableRows):  # every stored table but those recomputed below: kept as stored
        if f.name not in derived:
            setattr(rows, f.name, _read(out, f.name, doc_id))
    extracted: list[ExtractedTask] = sorted(rows.tasks_extracted, key=lambda t: t.row_no)
    body: list[BodyLine] = sorted(rows.body_lines, key=lambda b: b.line_no)
    rows.tasks_extracted, rows.body_lines = extracted, body
    rows.tasks = [t.as_task() for t in extracted]
    ctx = stored_context(document, rows.tasks, [b.text for b in body])
    for name, records in normalized_rows(ctx).items():
        setattr(rows, name, records)
    return DocResult(document.source_path, document.sha256, document, rows)


def refresh(out: Path, doc_id: str, sync: bool = True) -> DocResult:
    """Re-evaluate a stored document's corrections, rewrite its files and (by default) DuckDB."""
    from pipeline import store

    with store.Writer(out) as writer:
        result = apply_to_result(out, load_stored(out, doc_id))
        writer.put(result, result.source_path)
        if sync:
            store.sync_duckdb(out, writer.state)
    return result


# ---------------------------------------------------------------- making a correction


def default_author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def field_name(name: str) -> str:
    name = FIELD_ALIASES.get(name, name)
    if name not in TASK_FIELDS:
        raise CorrectionError(f"unknown field {name!r}: one of {', '.join(TASK_FIELDS)}")
    return name


def make(
    out: Path,
    doc_ref: str,
    action: CorrectionAction,
    *,
    row_no: int | None = None,
    field: str | None = None,
    value: str | None = None,
    author: str | None = None,
    note: str | None = None,
    sync: bool = True,
) -> Correction:
    """Check a correction against the stored document, append it to the log, refresh the document's tables."""
    out = Path(out)
    document = resolve(out, doc_ref)
    stored = load_stored(out, document.doc_id)
    base = stored.document
    tt: str | None = None
    if action is CorrectionAction.FACT:
        if field not in FACT_FIELDS:
            raise CorrectionError(f"unknown document fact {field!r}: one of {', '.join(FACT_FIELDS)}")
        if field == "plan_year" and value and not value.strip().isdigit():
            raise CorrectionError(f"plan_year must be a year, not {value!r}")
        old = _fact_text(base, field)
        row_no = None
    else:
        rows = {t.row_no: t for t in stored.rows.tasks_extracted}
        if row_no not in rows:
            raise CorrectionError(f"{document.file_name} has no row {row_no} (rows 1-{len(rows)})")
        row = rows[row_no]
        tt = row.tt
        if action is CorrectionAction.SET:
            field = field_name(field or "")
            old = getattr(row, field)
        else:
            field, value, old = None, None, row.task
    entry = Correction(
        correction_id=new_id(),
        doc_id=document.doc_id,
        sha256=document.sha256,
        file_name=document.file_name,
        source_path=document.source_path,
        action=action,
        row_no=row_no,
        tt=tt,
        field=field,
        old_value=old,
        new_value=nfc(value) if value is not None else None,
        author=author or default_author(),
        created_at=datetime.now(UTC),
        note=nfc(note) if note else None,
    )
    append(out, entry)
    refresh(out, document.doc_id, sync=sync)
    return entry


def unattached(out: Path) -> list[Correction]:
    """Log entries no stored document takes (its file removed from the store): kept, reported by status."""
    docs = stored_documents(out)
    return [c for c in read_log(out) if not any(entries_for([c], d) for d in docs)]


def summary(out: Path) -> dict[str, Any]:
    """Corrections by state and the conflicts, from DuckDB; plus the log entries no document takes."""
    from pipeline.query import connect

    con = connect(Path(out))
    try:
        if not con.execute("select 1 from information_schema.tables where table_name = 'corrections'").fetchall():
            return {"by_state": {}, "conflicts": [], "unattached": []}
        by_state = dict(con.execute("select state, count(*) from corrections group by 1").fetchall())
        cur = con.execute(
            "select c.*, d.file_name as stored_file from corrections c join documents d using (doc_id) "
            "where c.state = 'conflict' order by c.doc_id, c.row_no, c.correction_id"
        )
        names = [d[0] for d in cur.description]
        conflicts = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    return {"by_state": by_state, "conflicts": conflicts, "unattached": unattached(out)}
