"""The ingest job: files in, Parquet and DuckDB out. The CLI is a thin layer over :func:`ingest`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractors import ExtractSettings, InputError, extract
from pipeline import store
from pipeline.records import (
    DocResult,
    base_document,
    deadline_rows,
    document_row,
    file_sha256,
    legal_ref_rows,
    target_rows,
    task_rows,
    unit_rows,
)

log = logging.getLogger(__name__)

SUFFIXES = (".pdf",)


@dataclass
class RunSummary:
    out: Path
    database: Path | None
    results: list[DocResult] = field(default_factory=list)

    @property
    def failures(self) -> list[DocResult]:
        return [r for r in self.results if r.status != "ok"]


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to ingest as ``(path, path as given)``; folders are searched recursively for PDFs."""
    found: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES:
                    found.append((child, str(child)))
        elif p.exists():
            found.append((p, str(given)))
        else:
            raise FileNotFoundError(f"no such file or folder: {given}")
    return found


def extract_plan(path: Path, settings: ExtractSettings, source_path: str | None = None) -> DocResult:
    """Extract one document into table rows. Never raises for a bad document: it records why."""
    started = time.perf_counter()
    source_path = source_path or str(path)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        sha = ""
        base = base_document(path, source_path, "0" * 64, settings.engine)
        base["error"] = f"The file cannot be read ({exc.strerror}): check that it exists and is readable."
        return DocResult(source_path, sha, base)
    base = base_document(path, source_path, sha, settings.engine)
    try:
        ex = extract(path, settings)
        doc = document_row(base, ex)
        tasks, cells = task_rows(doc["doc_id"], ex)
        tables = {
            "tasks": tasks,
            "task_cells": cells,
            "legal_refs": legal_ref_rows(doc["doc_id"], ex, tasks),
            "task_units": unit_rows(doc, ex, tasks),
            "task_deadlines": deadline_rows(doc, tasks),
            "targets": target_rows(doc["doc_id"], ex, tasks),
        }
        result = DocResult(source_path, sha, doc, tables)
    except InputError as exc:
        base["error"] = str(exc)
        result = DocResult(source_path, sha, base)
    except Exception as exc:  # a bug must not sink the batch: record it against the file
        log.exception("unexpected error on %s", path)
        base["error"] = f"Internal error ({type(exc).__name__}: {exc}); please report it with this file."
        result = DocResult(source_path, sha, base)
    result.document["seconds"] = round(time.perf_counter() - started, 3)
    return result


def ingest(
    paths: Sequence[str | Path],
    out: str | Path = "data/processed",
    settings: ExtractSettings | None = None,
    on_result: Callable[[DocResult], None] | None = None,
) -> RunSummary:
    """Ingest every file under ``paths`` into ``out``; returns the per-document results."""
    settings = settings or ExtractSettings()
    out = Path(out)
    store.prepare(out)
    summary = RunSummary(out=out, database=None)
    for path, given in discover(paths):
        result = extract_plan(path, settings, given)
        store.write_document(out, result)
        summary.results.append(result)
        if on_result is not None:
            on_result(result)
    summary.database = store.sync_duckdb(out)
    return summary
