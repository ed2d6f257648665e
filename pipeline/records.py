"""Turn an extraction (or a failure) into the rows of the output tables."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from extractors import EXTRACTOR_VERSION
from extractors.celltext import join_lines
from extractors.model import FIELDS, TaskRow
from normalizers.admin import province_after_2025
from normalizers.deadlines import parse_deadlines
from normalizers.legal_refs import find_legal_refs
from normalizers.targets import find_targets, target_sections
from normalizers.text import nfc, slug
from normalizers.units import dictionary_version, normalize_units, unit_context

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


@dataclass
class DocResult:
    """Everything one document contributes to the output; built without raising."""

    source_path: str
    sha256: str
    document: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.document["doc_id"]

    @property
    def status(self) -> str:
        return self.document["status"]

    @property
    def partition(self) -> str:
        return self.document["province_slug"] or "unknown"


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def doc_id_for(sha: str) -> str:
    return sha[:16]


def base_document(path: Path, source_path: str, sha: str, engine: str) -> dict:
    return {
        "doc_id": doc_id_for(sha),
        "sha256": sha,
        "source_path": nfc(source_path),
        "file_name": nfc(path.name),
        "pages": None,
        "province": None,
        "province_slug": "unknown",
        "agency": None,
        "plan_year": None,
        "title": None,
        "doc_type": None,
        "number": None,
        "place_date": None,
        "signer": None,
        "signer_title": None,
        "status": "failed",
        "error": None,
        "engine": engine,
        "extractor_version": EXTRACTOR_VERSION,
        "extracted_at": datetime.now(UTC),
        "seconds": None,
        "n_tasks": 0,
        "table_pages": [],
        "cross_checked_pages": [],
        "columns": [],
        "unit_dictionary_version": dictionary_version(),
        "province_2025": None,
        "text_encoding": None,
        "ocr_pages": [],
        "ocr_confidence": None,
    }


def document_row(base: dict, ex: Extraction) -> dict:
    f = ex.facts
    doc = dict(base)
    doc.update(
        pages=ex.pages,
        province=f.province,
        province_slug=slug(f.province) if f.province else "unknown",
        province_2025=province_after_2025(f.province),
        text_encoding=ex.raw.text_encoding,
        ocr_pages=[p.number for p in ex.raw.pages if p.ocr],
        ocr_confidence=_mean([p.ocr_confidence for p in ex.raw.pages if p.ocr]),
        agency=f.agency,
        plan_year=f.plan_year,
        title=f.title,
        doc_type=f.doc_type,
        number=f.number,
        place_date=f.place_date,
        signer=f.signer,
        signer_title=f.signer_title,
        engine=ex.engine,
        n_tasks=len(ex.rows),
        table_pages=sorted({p for row in ex.rows for p in row.pages}),
        cross_checked_pages=ex.cross_checked,
        columns=[label for layout in ex.layouts[:1] for label in layout.labels],
    )
    if ex.problems:
        doc["status"] = "partial"
        doc["error"] = (
            f"The PDF is damaged ({'; '.join(ex.problems[:2])}); {len(ex.rows)} task rows were read but "
            "text or rows may be missing: get an intact copy of the file and ingest it again."
        )
    elif not ex.rows:
        doc["status"] = "partial"
        doc["error"] = (
            "No task table was found: the file parsed, but no table with a recognisable header "
            "(TT, Nhiệm vụ/Nội dung, Chủ trì, Phối hợp, Thời gian…) was printed in it. If the plan has "
            "an appendix table, check that it is ruled and not an image; otherwise nothing is missing."
        )
    else:
        doc["status"] = "ok"
    return doc


def task_rows(doc_id: str, ex: Extraction) -> tuple[list[dict], list[dict]]:
    """Rows of ``tasks`` and of ``task_cells`` (provenance) for one document."""
    present = {name for layout in ex.layouts for name in layout.fields if name}
    tasks, cells = [], []
    for row_no, row in enumerate(ex.rows, start=1):
        tasks.append(_task(doc_id, row_no, row, present))
        for name, logical in list(row.cells.items()) + [(f"extra:{k}", v) for k, v in row.extra.items()]:
            for i, frag in enumerate(logical.fragments):
                x0, top, x1, bottom = frag.bbox
                cells.append(
                    {
                        "doc_id": doc_id,
                        "row_no": row_no,
                        "field": COLUMN_OF.get(name, name),
                        "fragment": i,
                        "page": frag.page,
                        "x0": x0,
                        "top": top,
                        "x1": x1,
                        "bottom": bottom,
                        "text": join_lines(frag.lines),
                    }
                )
    return tasks, cells


def _task(doc_id: str, row_no: int, row: TaskRow, present: set[str]) -> dict:
    out = {
        "doc_id": doc_id,
        "row_no": row_no,
        "section_code": row.section_code,
        "section_title": row.section_title,
        "group_title": row.group_title,
        "page_start": min(row.pages),
        "page_end": max(row.pages),
        "extra": [(k, join_lines(v.lines)) for k, v in row.extra.items()] or None,
        "ocr_confidence": _mean([f.confidence for c in row.cells.values() for f in c.fragments]),
    }
    for name in FIELDS:
        logical = row.cells.get(name)
        if name not in present:
            value = None
        else:
            value = join_lines(logical.lines) if logical is not None else ""
        out[COLUMN_OF[name]] = value
    return out


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return round(sum(got) / len(got), 1) if got else None


def body_lines(ex: Extraction) -> list[str]:
    """The plan's lines outside tables, in reading order, page numbers left out."""
    return [ln.text for page in ex.raw.pages for ln in page.lines if not ln.text.strip().isdigit()]


def body_text(ex: Extraction) -> str:
    """The plan's text outside tables, lines joined as in cells."""
    return join_lines(body_lines(ex))


def legal_ref_rows(doc_id: str, ex: Extraction, tasks: list[dict]) -> list[dict]:
    """One row per citation: the body's (row_no null), then each task cell's."""
    sources: list[tuple[int | None, str | None, str]] = [(None, None, body_text(ex))]
    for task in tasks:
        for column in COLUMN_OF.values():
            if column != "tt" and task.get(column):
                sources.append((task["row_no"], column, task[column]))
    own = re.sub(r"\s+", "", ex.facts.number or "")
    out = []
    for row_no, column, text in sources:
        for ref in find_legal_refs(text):
            if row_no is None and own and ref.number == own:
                continue  # "Số: 125/KH-STP" is the plan's own number, not a citation
            out.append(
                {
                    "doc_id": doc_id,
                    "row_no": row_no,
                    "field": column,
                    "doc_type": ref.doc_type,
                    "number": ref.number,
                    "code": ref.code,
                    "issuer": ref.issuer,
                    "year": ref.year,
                    "issued_date": ref.issued_date,
                    "raw": ref.raw,
                }
            )
    return out


def unit_rows(document: dict, ex: Extraction, tasks: list[dict]) -> list[dict]:
    """One row per agency named in a lead or partner cell."""
    cells = [t[c] for t in tasks for c in COLUMN_OF.values() if c != "tt" and t.get(c)]
    ctx = unit_context(document["agency"], document["province"], cells, body_text(ex))
    pslug = document["province_slug"] or "unknown"
    aslug = slug(document["agency"] or "") or "unknown"
    out = []
    seen: dict[str | None, list] = {}
    for task in tasks:
        for role, column in (("lead", "lead_text"), ("partner", "partner_text")):
            cell = task.get(column)
            if cell not in seen:
                seen[cell] = normalize_units(cell, ctx)
            for position, unit in enumerate(seen[cell], start=1):
                scope = f"{pslug}/{aslug}" if unit.kind in ("issuer", "internal", "group") else pslug
                out.append(
                    {
                        "doc_id": document["doc_id"],
                        "row_no": task["row_no"],
                        "role": role,
                        "position": position,
                        "unit_raw": unit.raw,
                        "unit_name": unit.name,
                        "unit_kind": unit.kind,
                        "unit_note": unit.note,
                        "matched": unit.matched,
                        "province": document["province"],
                        "unit_key": slug(unit.name) if unit.kind == "central" else f"{scope}/{slug(unit.name)}",
                    }
                )
    return out


def deadline_rows(document: dict, tasks: list[dict]) -> list[dict]:
    """One row per deadline expression; the plan year fills an omitted year."""
    out = []
    for task in tasks:
        for position, d in enumerate(parse_deadlines(task.get("deadline_text"), document["plan_year"]), start=1):
            out.append(
                {
                    "doc_id": document["doc_id"],
                    "row_no": task["row_no"],
                    "position": position,
                    "kind": d.kind,
                    "start_date": d.start_date,
                    "end_date": d.end_date,
                    "recurrence": d.recurrence,
                    "text": d.text,
                    "phrase": d.phrase,
                    "label": d.label,
                    "event": d.event,
                }
            )
    return out


def target_rows(doc_id: str, ex: Extraction, tasks: list[dict]) -> list[dict]:
    """Targets of the body's "Chỉ tiêu"/"Mục tiêu" parts, then of each distinct objective cell."""
    sources: list[tuple[int | None, str | None, str, str | None, str | None]] = [
        (None, None, text, None, heading) for heading, text in target_sections(body_lines(ex))
    ]
    seen: set[str] = set()
    for task in tasks:
        objective = task.get("objective")
        if objective and objective not in seen:  # a merged objective repeats down its rows: count it once
            seen.add(objective)
            sources.append((task["row_no"], "objective", objective, task.get("task"), task.get("section_title")))
    out = []
    for row_no, column, text, fallback, section in sources:
        for t in find_targets(text):
            out.append(
                {
                    "doc_id": doc_id,
                    "row_no": row_no,
                    "field": column,
                    "percent": t.percent,
                    "comparator": t.comparator,
                    "subject": t.subject or _strip_numbering(fallback),
                    "subject_head": t.subject_head,
                    "scope": t.scope,
                    "section": section,
                    "raw": t.raw,
                }
            )
    return out


def _strip_numbering(text: str | None) -> str | None:
    """``2.5. Nâng cao …`` -> ``Nâng cao …`` (the task a scoped target's numbers belong to)."""
    if not text:
        return None
    return re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", text).strip() or None
