"""The ingest job: files in, Parquet and DuckDB out. The CLI is a thin layer over :func:`ingest`.

A batch is planned first (which files are new or changed, which are unchanged and
skipped), then each document goes through :func:`extract_plan` (never raises) on the
chosen executor, and each result is committed (Parquet files, then one journal line) as soon
as it arrives. DuckDB is brought up to date once, at the end, by this process only; the
output folder is locked for the run (:class:`pipeline.store.Writer`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from extractors import EXTRACTOR_VERSION, ExtractSettings
from extractors.settings import Limits
from pipeline import corrections, store
from pipeline.executors import default_jobs, make_executor
from pipeline.faults import checkpoint
from pipeline.files import file_sha256, shown
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
    given: str  # the exact absolute path (the key of the document's source paths)
    sha: str | None


_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def _refusal(path: Path) -> str | None:
    """Why ``path`` is not a regular file (it would block or never end when read), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # unreadable: extract_plan records why
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return f"refused: {kind}, not a regular file (copy the document to a file and ingest that)"


def discover_all(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """Files to ingest as ``(absolute path, absolute path as text)``, and the paths refused (not regular
    files: FIFOs, devices, sockets). Folders are searched recursively for PDF and Word files."""
    found: list[tuple[Path, str]] = []
    refused: list[Skipped] = []

    def add(p: Path) -> None:
        why = _refusal(p)
        if why is not None:
            refused.append(Skipped(shown(p), "", why))
        else:
            found.append((p, str(p)))

    for given in paths:
        p = Path(os.path.abspath(given))
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.suffix.lower() in SUFFIXES and not child.is_dir():
                    add(child)
        elif os.path.lexists(p):
            add(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {shown(given)}")
    return found, refused


def discover(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files to ingest as ``(path, path as text)``; folders are searched recursively for PDF and Word files."""
    return discover_all(paths)[0]


class _Timeout(BaseException):  # not an Exception: no handler on the way may swallow it
    pass


_REPEAT = 0.2  # seconds between repeats of the alarm until the extraction stops


class _Alarm:
    """The timer signal's handler. Python may swallow an exception raised in a handler (when the
    signal arrives inside a ``__del__`` or a gc callback, it is "unraisable"), so the timer repeats
    every ``_REPEAT`` s after the deadline until one raise gets through, and ``fired`` remembers
    that the deadline passed: an extraction that returns after it is still a timeout."""

    def __init__(self) -> None:
        self.fired = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:  # pragma: no cover - signal handler
        self.fired = True
        raise _Timeout


def _disarm(alarm: _Alarm, previous: Any) -> None:
    """Stop the repeating timer and restore the previous handler; a repeat that arrives while this
    runs only marks the timeout."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            return
        except _Timeout:
            alarm.fired = True


def unreadable_id(path: str) -> str:
    """The doc_id of a file that cannot be read: from its path (each such file gets its own)."""
    return doc_id_for(hashlib.sha256(b"unreadable\0" + os.fsencode(path)).hexdigest())


def _page_count(path: Path) -> int | None:
    """Pages of a PDF, cheaply (no page is loaded); None for other files or when it does not open."""
    try:
        import pypdfium2 as pdfium

        with path.open("rb") as fh:
            if not fh.read(1024).lstrip().startswith(b"%PDF"):
                return None
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:  # the extraction itself says what is wrong with the file
        return None


def extract_plan(
    path: Path,
    settings: ExtractSettings,
    source_path: str | None = None,
    timeout: float | None = None,
    sha: str | None = None,
) -> DocResult:
    """Extract one document into table rows. Never raises for a bad document: it records why.

    ``timeout`` (seconds; ``None``: the settings' limit, ``timeout_base + timeout_per_page`` ×
    pages; ``0``: none) is enforced with a timer signal where this runs on a process's main
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
        unread = dataclasses.replace(unread, doc_id=unreadable_id(source_path), error=error)
        return DocResult(shown(source_path), "", unread)
    base = base_document(path, source_path, sha, settings.engine)
    limits = settings.limits
    armed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    seconds = 0.0
    alarm = _Alarm()
    previous = signal.signal(signal.SIGALRM, alarm) if armed else None
    result: DocResult | None = None
    try:
        if armed and timeout is None and limits.timeout(None):
            signal.setitimer(signal.ITIMER_REAL, limits.timeout(None), _REPEAT)  # counting pages is bounded too
            seconds = limits.timeout(_page_count(path))
        elif timeout:
            seconds = timeout
        if armed and seconds > 0:
            signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
        result = _extract(path, settings, source_path, sha, base)
    except _Timeout:
        alarm.fired = True
    finally:
        if armed:
            _disarm(alarm, previous)
    if alarm.fired or result is None:
        how = (
            "ingest it alone with a larger --timeout"
            if timeout
            else f"{Limits.hint('timeout_per_page', limits.timeout_per_page)} (or --timeout S)"
        )
        error = (
            f"Extraction took longer than {seconds:g} s and was stopped: the file may be very long or "
            f"malformed; {how}, or split it."
        )
        result = DocResult(shown(source_path), sha, dataclasses.replace(base, error=error))
    result.document = dataclasses.replace(result.document, seconds=round(time.perf_counter() - started, 3))
    return result


def _extract(path: Path, settings: ExtractSettings, source_path: str, sha: str, base: Document) -> DocResult:
    """The one error policy: a bad file (``InputError``) keeps its message; anything else is our bug."""
    from extractors import InputError, extract
    from extractors.inputs import check_limits
    from pipeline.records import doc_context, document_row, table_rows

    shown_path = shown(source_path)
    try:
        with _plain_name(path) as readable:
            check_limits(readable, settings.limits)
            ex = extract(readable, settings)
        doc = document_row(base, ex)
        return DocResult(shown_path, sha, doc, table_rows(doc_context(doc, ex)))
    except _Timeout:
        raise
    except MemoryError:
        error = out_of_memory_error(settings.limits)
    except InputError as exc:
        error = out_of_memory_error(settings.limits) if isinstance(exc.__cause__, MemoryError) else str(exc)
    except Exception as exc:  # a bug must not sink the batch: record it against the file, log the traceback
        log.exception("internal error on %s", shown_path)
        error = internal_error(exc)
    return DocResult(shown_path, sha, dataclasses.replace(base, status=Status.FAILED, error=error))


@contextmanager
def _plain_name(path: Path) -> Iterator[Path]:
    """``path``, or — when its name is not valid UTF-8, which PDF libraries cannot take — a symbolic
    link to it with a plain name, for the time of the extraction."""
    if shown(path) == str(path):
        yield path
        return
    suffix = path.suffix if shown(path.suffix) == path.suffix else ""
    with tempfile.TemporaryDirectory(prefix="kehoach-name-") as tmp:
        link = Path(tmp) / f"document{suffix}"
        link.symlink_to(path.absolute())
        yield link


def internal_error(exc: BaseException) -> str:
    """The ``documents.error`` of a file that met a bug in kehoach (not a problem of the file)."""
    return (
        f"Internal error in kehoach {EXTRACTOR_VERSION}: {type(exc).__name__}: {exc} — please report it "
        "(with this file, if you can share it)."
    )


def out_of_memory_error(limits: Limits | None = None) -> str:
    cap = (limits or Limits()).max_memory_mb
    where = f"the per-worker limit of {cap} MB ({Limits.hint('max_memory_mb', cap)})" if cap else "the memory available"
    return (
        f"kehoach ran out of memory while reading this file (the file is not necessarily damaged): it needs "
        f"more than {where}; ingest it alone with --jobs 1, or on a machine with more memory."
    )


def worker_died_error(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        how = f" (killed by {signal.Signals(-exitcode).name})"
    else:
        how = "" if exitcode is None else f" (exit status {exitcode})"
    return (
        f"The worker died while reading this file (out of memory?){how}; the other files were not affected. "
        "Ingest it alone, on a machine with more memory, or lower --limit max_memory_mb so that it fails cleanly."
    )


def run_job(
    path: str, given: str, settings: dict[str, Any], timeout: float | None, sha: str | None = None
) -> DocResult:
    """The unit of work sent to an executor: plain arguments, so it pickles to any worker."""
    checkpoint("worker-start", key=Path(path).name)
    return extract_plan(Path(path), ExtractSettings(**settings), given, timeout, sha)


def died(job: tuple, exitcode: int | None) -> DocResult:
    """The record of a document whose worker died (``ProcessExecutor``'s ``on_death``)."""
    path, given, settings, _, sha = job
    base = base_document(Path(path), given, sha or "0" * 64, settings.get("engine", "pdfplumber"))
    if not sha:
        base = dataclasses.replace(base, doc_id=unreadable_id(given))
    return DocResult(shown(given), sha or "", dataclasses.replace(base, error=worker_died_error(exitcode)))


def unchanged(entry: store.Entry, sha: str, settings: ExtractSettings) -> bool:
    """True when extracting the file again would give what is stored: the same bytes, extractor
    version and settings (engine, tolerances, OCR mode…); a document that is not ok is also redone
    when the limits changed (a raised limit may let it through). An entry from before settings were
    kept counts as extracted with the defaults."""
    default = ExtractSettings()
    return (
        entry.sha256 == sha
        and entry.extractor_version == EXTRACTOR_VERSION
        and (entry.settings or default.fingerprint()) == settings.fingerprint()
        and (
            entry.status == Status.OK or (entry.limits or default.limits_fingerprint()) == settings.limits_fingerprint()
        )
    )


def plan(
    files: Sequence[tuple[Path, str]],
    state: store.State,
    force: bool = False,
    settings: ExtractSettings | None = None,
) -> tuple[list[Job], list[Skipped], list[tuple[str, str]]]:
    """Split files into jobs and skips; ``claims``: ``(doc_id, path)`` of files whose bytes are already
    stored (or extracted earlier in this batch) under another path: the path is added to that document.
    A stored file is skipped when :func:`unchanged` (unless ``force``)."""
    settings = settings or ExtractSettings()
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    claims: list[tuple[str, str]] = []
    queued: dict[str, str] = {}  # doc_id -> the path its job reads
    for path, given in files:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            owner = state.owner(given)
            if owner is not None and not force:
                reason = f"cannot be read now ({exc.strerror}): kept the stored rows"
                skipped.append(Skipped(shown(given), owner, reason))
            else:
                jobs.append(Job(path, given, None))  # extract_plan records why it cannot be read
            continue
        doc_id = doc_id_for(sha)
        if doc_id in queued:
            claims.append((doc_id, given))
            skipped.append(Skipped(shown(given), doc_id, f"same bytes as {shown(queued[doc_id])}: one document"))
            continue
        row = state.docs.get(doc_id)
        if not force and row and unchanged(row, sha, settings):
            if state.owner(given) != doc_id:
                claims.append((doc_id, given))
            skipped.append(Skipped(shown(given), doc_id, f"unchanged since extractor {EXTRACTOR_VERSION}"))
            continue
        queued[doc_id] = given
        jobs.append(Job(path, given, sha))
    return jobs, skipped, claims


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
    wait: bool = False,
) -> RunSummary:
    """Ingest every file under ``paths`` into ``out``; returns the per-document results.

    Unchanged files (same bytes, extractor version and settings: :func:`unchanged`) are skipped unless
    ``force``.
    ``on_plan(n_jobs, n_skipped)`` is called once the batch is planned, ``on_result`` per document.
    The output folder is locked for the run: another writer raises :class:`~pipeline.store.StoreError`
    ("another kehoach is writing to DIR (pid N)"), or is waited for with ``wait``.
    """
    t0 = time.perf_counter()
    settings = settings or ExtractSettings()
    out = Path(out)
    with store.Writer(out, wait=wait) as writer:
        files, refused = discover_all(paths)
        todo, skipped, claims = plan(files, writer.state, force, settings)
        n_jobs = jobs or default_jobs()
        runner = make_executor(executor, min(n_jobs, max(1, len(todo))), scheduler, settings.limits.max_memory_mb)
        summary = RunSummary(out=out, database=None, skipped=refused + skipped, executor=runner.name, jobs=n_jobs)
        if on_plan is not None:
            on_plan(len(todo), len(summary.skipped))
        later = {doc_id: [] for doc_id, _ in claims}  # type: dict[str, list[str]]
        for doc_id, given in claims:
            if doc_id in writer.state.docs:
                summary.superseded += writer.claim(doc_id, given)
            else:  # extracted in this batch: claimed once its job commits
                later[doc_id].append(given)
        args = ((str(j.path), j.given, asdict(settings), timeout, j.sha) for j in todo)
        for job, result in runner.map_unordered(run_job, args, on_death=died):
            corrections.apply_to_result(out, result)  # the log's corrections of this document, re-evaluated
            summary.superseded += writer.put(result, job[1], settings)
            for given in later.get(result.doc_id, []):
                summary.superseded += writer.claim(result.doc_id, given)
            result.release_rows()  # committed: keep only the document record, so a long batch's memory stays flat
            summary.results.append(result)
            if on_result is not None:
                on_result(result)
        writer.collect()
        if not store.duckdb_is_current(out, writer.state):
            store.sync_duckdb(out, writer.state)
        summary.database = out / store.DB_NAME
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def rebuild(out: str | Path, wait: bool = False) -> Path:
    """Build ``kehoach.duckdb`` again from every committed document (``kehoach rebuild``)."""
    with store.Writer(Path(out), wait=wait) as writer:
        return store.sync_duckdb(Path(out), writer.state, rebuild=True)


def reextract(
    out: str | Path,
    which: str = "all",
    before_version: str | None = None,
    **kwargs: Any,
) -> RunSummary:
    """Redo stored documents from their source files: ``all``, ``failed`` (not ok) or ``before`` a version."""
    out = Path(out)
    state = store.load_state(out)
    entries = list(state.docs.values())
    if which == "failed":
        entries = [e for e in entries if e.status != Status.OK]
    elif which == "before":
        if not before_version:
            raise ValueError("--before-version needs a version, e.g. 0.2.0")
        entries = [e for e in entries if _version_key(e.extractor_version) < _version_key(before_version)]
    elif which != "all":
        raise ValueError(f"unknown selection {which!r}")
    present: list[str] = []
    missing: list[Skipped] = []
    for e in entries:
        here = [p for p in e.paths if os.path.lexists(p)]
        if here:
            present.append(here[0])  # one path per document: its others are claimed as the same bytes
            present.extend(p for p in here[1:])
        else:
            where = ", ".join(shown(p) for p in e.paths) or "(no path)"
            missing.append(Skipped(where, e.doc_id, "source file not found: kept the stored rows"))
    summary = ingest(present, out, force=True, **kwargs) if present else _empty(out, kwargs.get("wait", False))
    summary.skipped.extend(missing)
    return summary


def _empty(out: Path, wait: bool = False) -> RunSummary:
    with store.Writer(out, wait=wait) as writer:
        if not store.duckdb_is_current(out, writer.state):
            store.sync_duckdb(out, writer.state)
    return RunSummary(out=out, database=out / store.DB_NAME)


def _version_key(v: str | None) -> tuple[int, ...]:
    parts = []
    for p in (v or "0").split("."):
        parts.append(int(p) if p.isdigit() else 0)
    return tuple(parts)
