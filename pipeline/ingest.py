"""The ingest job: files in, Parquet and DuckDB out. The CLI is a thin layer over :func:`ingest`.

A batch is planned first (which files are new or changed, which are unchanged and
skipped), then each document goes through :func:`extract_plan` (never raises) on the
chosen executor, and each result is committed to Parquet as soon as it arrives. DuckDB
is rebuilt from Parquet once, at the end, by this process only.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from extractors import EXTRACTOR_VERSION, ExtractSettings
from normalizers.text import nfc
from pipeline import corrections, store
from pipeline.executors import default_jobs, make_executor
from pipeline.files import file_sha256
from pipeline.records import DocResult, base_document, doc_id_for
from pipeline.tables import Document, Status

log = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".docx", ".doc")


@dataclass
class Skipped:
    source_path: str
    doc_id: str
    reason: str


@dataclass
class RunSummary:
    out: Path
    database: Path | None
    results: list[DocResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # doc_ids whose file changed and were replaced
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0
    executor: str = "serial"
    jobs: int = 1


@dataclass
class Job:
    path: Path
    given: str
    sha: str | None


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to ingest as ``(path, path as given)``; folders are searched recursively for PDF and Word files."""
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


class _Timeout(BaseException):  # not an Exception: no handler on the way may swallow it
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:  # pragma: no cover - runs in the signal handler
    raise _Timeout


def extract_plan(
    path: Path,
    settings: ExtractSettings,
    source_path: str | None = None,
    timeout: float | None = None,
    sha: str | None = None,
) -> DocResult:
    """Extract one document into table rows. Never raises for a bad document: it records why.

    ``timeout`` (seconds) is enforced with a timer signal where this runs on a process's main
    thread (the local executors); elsewhere (Dask threads) the document runs to the end.
    ``sha``: the file's SHA-256 when the caller has already hashed it (the batch plan has).
    """
    started = time.perf_counter()
    source_path = source_path or str(path)
    try:
        sha = sha or file_sha256(path)
    except OSError as exc:
        unread = base_document(path, source_path, "0" * 64, settings.engine)
        error = f"The file cannot be read ({exc.strerror}): check that it exists and is readable."
        return DocResult(source_path, "", dataclasses.replace(unread, error=error))
    base = base_document(path, source_path, sha, settings.engine)
    seconds = timeout or 0.0
    armed = seconds > 0 and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, _alarm) if armed else None
    try:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        result = _extract(path, settings, source_path, sha, base)
    except _Timeout:
        error = (
            f"Extraction took longer than {seconds:g} s and was stopped: the file may be very long or "
            "malformed; ingest it alone with a larger --timeout, or split it."
        )
        result = DocResult(source_path, sha, dataclasses.replace(base, error=error))
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    result.document = dataclasses.replace(result.document, seconds=round(time.perf_counter() - started, 3))
    return result


def _extract(path: Path, settings: ExtractSettings, source_path: str, sha: str, base: Document) -> DocResult:
    """The one error policy: a bad file (``InputError``) keeps its message; anything else is our bug."""
    from extractors import InputError, extract
    from pipeline.records import doc_context, document_row, table_rows

    try:
        ex = extract(path, settings)
        doc = document_row(base, ex)
        return DocResult(source_path, sha, doc, table_rows(doc_context(doc, ex)))
    except _Timeout:
        raise
    except MemoryError:
        error = out_of_memory_error()
    except InputError as exc:
        error = out_of_memory_error() if isinstance(exc.__cause__, MemoryError) else str(exc)
    except Exception as exc:  # a bug must not sink the batch: record it against the file, log the traceback
        log.exception("internal error on %s", path)
        error = internal_error(exc)
    return DocResult(source_path, sha, dataclasses.replace(base, status=Status.FAILED, error=error))


def internal_error(exc: BaseException) -> str:
    """The ``documents.error`` of a file that met a bug in kehoach (not a problem of the file)."""
    return (
        f"Internal error in kehoach {EXTRACTOR_VERSION}: {type(exc).__name__}: {exc} — please report it "
        "(with this file, if you can share it)."
    )


def out_of_memory_error() -> str:
    return (
        "kehoach ran out of memory while reading this file (the file is not necessarily damaged): ingest it "
        "alone with --jobs 1, or on a machine with more memory."
    )


def run_job(
    path: str, given: str, settings: dict[str, Any], timeout: float | None, sha: str | None = None
) -> DocResult:
    """The unit of work sent to an executor: plain arguments, so it pickles to any worker."""
    return extract_plan(Path(path), ExtractSettings(**settings), given, timeout, sha)


def plan(
    files: Sequence[tuple[Path, str]], index: dict[str, dict[str, Any]], force: bool = False
) -> tuple[list[Job], list[Skipped], dict[str, str]]:
    """Split files into jobs and skips; map changed files' new jobs to the doc_id they replace."""
    by_path = {row["source_path"]: row for row in index.values()}
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    replaces: dict[str, str] = {}
    for path, given in files:
        try:
            sha = file_sha256(path)
        except OSError:
            jobs.append(Job(path, given, None))  # extract_plan records why it cannot be read
            continue
        doc_id = doc_id_for(sha)
        row = index.get(doc_id)
        if not force and row and row["sha256"] == sha and row["extractor_version"] == EXTRACTOR_VERSION:
            skipped.append(Skipped(given, doc_id, f"unchanged since extractor {EXTRACTOR_VERSION}"))
            continue
        old = by_path.get(nfc(given))
        if old and old["doc_id"] != doc_id:
            replaces[given] = old["doc_id"]
        jobs.append(Job(path, given, sha))
    return jobs, skipped, replaces


def ingest(
    paths: Sequence[str | Path],
    out: str | Path = "data/processed",
    settings: ExtractSettings | None = None,
    on_result: Callable[[DocResult], None] | None = None,
    *,
    jobs: int | None = 1,
    timeout: float | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    on_plan: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Ingest every file under ``paths`` into ``out``; returns the per-document results.

    Unchanged files (same bytes, same extractor version) are skipped unless ``force``.
    ``on_plan(n_jobs, n_skipped)`` is called once the batch is planned, ``on_result`` per document.
    """
    t0 = time.perf_counter()
    settings = settings or ExtractSettings()
    out = Path(out)
    store.prepare(out)
    files = discover(paths)
    todo, skipped, replaces = plan(files, store.load_index(out), force)
    n_jobs = jobs or default_jobs()
    runner = make_executor(executor, min(n_jobs, max(1, len(todo))), scheduler)
    summary = RunSummary(out=out, database=None, skipped=skipped, executor=runner.name, jobs=n_jobs)
    if on_plan is not None:
        on_plan(len(todo), len(skipped))
    args = ((str(j.path), j.given, asdict(settings), timeout, j.sha) for j in todo)
    for (_, given, *_), result in runner.map_unordered(run_job, args):
        corrections.apply_to_result(out, result)  # the log's corrections of this document, re-evaluated
        store.write_document(out, result)
        result.release_rows()  # committed: keep only the document record, so a long batch's memory stays flat
        old = replaces.get(given)
        if old and old != result.doc_id:
            store.remove_document(out, old)
            summary.superseded.append(old)
        summary.results.append(result)
        if on_result is not None:
            on_result(result)
    if summary.results or summary.superseded or not store.duckdb_is_current(out):
        summary.database = store.sync_duckdb(out)
    else:
        summary.database = out / store.DB_NAME
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def reextract(
    out: str | Path,
    which: str = "all",
    before_version: str | None = None,
    **kwargs: Any,
) -> RunSummary:
    """Redo stored documents from their source files: ``all``, ``failed`` (not ok) or ``before`` a version."""
    out = Path(out)
    index = store.load_index(out)
    rows = list(index.values())
    if which == "failed":
        rows = [r for r in rows if r["status"] != Status.OK]
    elif which == "before":
        if not before_version:
            raise ValueError("--before-version needs a version, e.g. 0.2.0")
        rows = [r for r in rows if _version_key(r["extractor_version"]) < _version_key(before_version)]
    elif which != "all":
        raise ValueError(f"unknown selection {which!r}")
    missing = [r for r in rows if not Path(r["source_path"]).exists()]
    present = [r["source_path"] for r in rows if Path(r["source_path"]).exists()]
    summary = ingest(present, out, force=True, **kwargs) if present else _empty(out)
    summary.skipped.extend(
        Skipped(r["source_path"], r["doc_id"], "source file not found: kept the stored rows") for r in missing
    )
    return summary


def _empty(out: Path) -> RunSummary:
    db = store.sync_duckdb(out) if not store.duckdb_is_current(out) else out / store.DB_NAME
    return RunSummary(out=out, database=db)


def _version_key(v: str | None) -> tuple[int, ...]:
    parts = []
    for p in (v or "0").split("."):
        parts.append(int(p) if p.isdigit() else 0)
    return tuple(parts)
