"""``kehoach``: the command line, a thin layer over :mod:`pipeline.ingest` and :mod:`pipeline.scoring`."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import logging
import sys
import time
import typing
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from extractors import ExtractSettings
from extractors.settings import Limits
from pipeline.corrections import CorrectionError
from pipeline.export import ExportError, Filters, export
from pipeline.files import atomic_write, atomic_write_text
from pipeline.ingest import SUFFIXES, RunSummary, discover_all, ingest, rebuild, reextract
from pipeline.output import RowFormat, print_table, write_rows
from pipeline.query import QueryError
from pipeline.records import DocResult
from pipeline.report import write_report
from pipeline.scoring import ScoringError
from pipeline.store import StoreError
from pipeline.tables import Status

err = Console(stderr=True)
out_console = Console()


class CliError(Exception):
    """A bad combination of options: its message is printed and the exit status is 2."""


#: errors that mean "this run cannot happen as asked", not a bug: one line on stderr, exit status 2.
#: ValueError/RuntimeError: bad option values and missing optional extras raised by the library.
USER_ERRORS: tuple[type[Exception], ...] = (
    CliError,
    StoreError,
    QueryError,
    ScoringError,
    CorrectionError,
    ExportError,
    FileNotFoundError,
    ValueError,
    RuntimeError,
)


app = typer.Typer(
    help=(
        "kehoach turns Vietnamese provincial plan PDFs into queryable data.\n\n"
        "Typical use: put plan PDFs in data/raw/, run `kehoach ingest`, then query "
        "data/processed/kehoach.duckdb with DuckDB (or read data/processed/parquet/)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

_F = TypeVar("_F", bound=Callable[..., Any])


EXIT_STATUS = (
    "Exit status: 0 done; 1 an internal error in kehoach (a traceback: please report it); 2 a usage "
    "error or a run that cannot happen as asked (a bad option or value, a missing or empty input, no "
    "database, another kehoach writing): one line on stderr says why; 130 interrupted (Ctrl-C)."
)
#: what a command's exit status 0 means besides "done", where it needs saying
EXIT_NOTES = {
    "ingest": "Documents that cannot be read do not change the exit status: each is recorded as failed or "
    "partial in `documents`, with an error saying what to do, and listed (`kehoach status`).",
    "reextract": "Documents that cannot be read do not change the exit status: each is recorded as failed or "
    "partial in `documents` and listed.",
    "eval": "The scores do not change the exit status.",
}

VerboseOpt = Annotated[
    int,
    typer.Option("--verbose", "-v", count=True, help="Log what kehoach does on stderr (-v: steps, -vv: details)."),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No progress bar and no notes on stderr: only results, warnings, errors."),
]

_quiet = False
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def note(message: str) -> None:
    """An informational line on stderr (not a result, warning or error): left out under --quiet."""
    if not _quiet:
        err.print(message, soft_wrap=True, highlight=False)


def _logging(verbose: int, quiet: bool) -> logging.Handler | None:
    """Set the log level for -v/-q; returns a handler added for this command when no handler writes
    to stderr yet (the caller removes it), else None."""
    if not verbose and not quiet:
        return None
    root = logging.getLogger()
    root.setLevel(logging.ERROR if quiet else (logging.INFO if verbose == 1 else logging.DEBUG))
    if verbose > 1:
        for noisy in ("pdfminer", "camelot", "pypdf"):
            logging.getLogger(noisy).setLevel(logging.INFO)
    to_stderr = [h for h in root.handlers if getattr(h, "stream", None) in (sys.stderr, sys.__stderr__)]
    if to_stderr:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    return handler


def command(name: str) -> Callable[[_F], _F]:
    """``@app.command(name)`` run under the one error handler (a user error is one line and exit status
    2), with ``--verbose/-v`` and ``--quiet/-q`` added to every command and the exit statuses appended
    to its help."""

    def register(fn: _F) -> _F:
        signature = inspect.signature(fn, eval_str=True)
        takes_quiet = "quiet" in signature.parameters

        @functools.wraps(fn)
        def run(*args: Any, verbose: int = 0, **kwargs: Any) -> Any:
            global _quiet
            quiet = kwargs.get("quiet", False) if takes_quiet else kwargs.pop("quiet", False)
            _quiet = quiet
            level = logging.getLogger().level
            handler = _logging(verbose, quiet)
            try:
                return fn(*args, **kwargs)
            except USER_ERRORS as exc:
                err.print(f"[red]error:[/red] {exc}", soft_wrap=True)
                raise typer.Exit(2) from exc
            finally:
                _quiet = False
                logging.getLogger().setLevel(level)
                if handler is not None:
                    logging.getLogger().removeHandler(handler)

        params = list(signature.parameters.values())
        extra = [inspect.Parameter("verbose", inspect.Parameter.KEYWORD_ONLY, default=0, annotation=VerboseOpt)]
        if not takes_quiet:
            extra.append(inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=QuietOpt))
        run.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params] + extra
        )
        run.__annotations__ = {**typing.get_type_hints(fn, include_extras=True), "verbose": VerboseOpt}
        if not takes_quiet:
            run.__annotations__["quiet"] = QuietOpt
        doc = inspect.cleandoc(fn.__doc__ or "")
        exit_help = " ".join(x for x in (EXIT_STATUS, EXIT_NOTES.get(name)) if x)
        app.command(name, help=f"{doc}\n\n{exit_help}")(run)
        return fn

    return register


class Engine(str, Enum):
    pdfplumber = "pdfplumber"
    camelot = "camelot"


Format = RowFormat  # every command that prints rows: table, csv, json, jsonl (pipeline.output)


SUMMARY_COLUMNS = ["file", "province", "pages", "tasks", "status", "seconds", "error"]


def _summary_rows(summary: RunSummary) -> list[dict[str, Any]]:
    return [
        {
            "file": r.document.file_name,
            "province": r.document.province,
            "pages": r.document.pages,
            "tasks": r.document.n_tasks,
            "status": r.status.value,
            "seconds": r.document.seconds,
            "error": r.document.error,
        }
        for r in summary.results
    ]


def _print_summary(summary: RunSummary, fmt: Format) -> None:
    """The run's documents: json, the whole summary as one object; csv and jsonl, one row per document
    (notes on stderr); table, a table and the notes."""
    rows = _summary_rows(summary)
    if fmt is Format.json:
        payload = {
            "database": str(summary.database),
            "documents": rows,
            "skipped": [s.__dict__ for s in summary.skipped],
        }
        out_console.print_json(json.dumps(payload, ensure_ascii=False, default=str))
        return
    if fmt is not Format.table:
        write_rows(SUMMARY_COLUMNS, ([r[c] for c in SUMMARY_COLUMNS] for r in rows), fmt)
        _print_notes(summary, rows, err)
        return
    if rows:
        columns = SUMMARY_COLUMNS[:-1]
        print_table(
            columns,
            [[r[c] if c != "seconds" else f"{r[c]:.2f}" for c in columns] for r in rows],
            title="kehoach ingest",
            right=("pages", "tasks", "seconds"),
            row_styles=[{Status.OK: None, Status.PARTIAL: "yellow"}.get(r["status"], "red") for r in rows],
        )
    _print_notes(summary, rows, out_console)


def _print_notes(summary: RunSummary, rows: list[dict[str, Any]], out_console: Console) -> None:
    """Skipped files, files that need attention and the database, under the summary."""
    unchanged = [s for s in summary.skipped if s.reason.startswith("unchanged")]
    twins = [s for s in summary.skipped if s.reason.startswith("same bytes")]
    missing = [s for s in summary.skipped if s.reason.startswith("source file not found")]
    if unchanged:
        out_console.print(
            f"{len(unchanged)} file(s) skipped (unchanged: same bytes, extractor and settings; --force to redo)."
        )
    if twins:
        out_console.print(
            f"{len(twins)} file(s) with the same bytes as another: stored once, every path in documents.source_paths:",
            soft_wrap=True,
        )
        for s in twins:
            out_console.print(f"  {s.source_path}: {s.reason}", soft_wrap=True, highlight=False)
    if missing:
        out_console.print(
            f"[yellow]{len(missing)} file(s) not found[/yellow] (their stored rows are kept): "
            + "; ".join(s.source_path for s in missing),
            soft_wrap=True,
            highlight=False,
        )
    for s in summary.skipped:
        if s not in unchanged and s not in twins and s not in missing:
            out_console.print(f"  [yellow]skipped[/yellow] {s.source_path}: {s.reason}", soft_wrap=True)
    failures = [r for r in rows if r["status"] != Status.OK]
    if failures:
        out_console.print(f"[bold]{len(failures)} file(s) need attention:[/bold]")
        for r in failures:
            out_console.print(f"  [red]{r['status']}[/red] {r['file']}: {r['error']}", soft_wrap=True)
    out_console.print(f"DuckDB database: {summary.database}")


class Executor(str, Enum):
    local = "local"
    dask = "dask"


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
        transient=True,
    )


def _run(quiet: bool, fmt: Format, report: Path | None, call: Callable[..., RunSummary]) -> None:
    """Run an ingest-like call with a progress bar; print the summary; write the report."""
    progress = _progress(quiet)
    with progress:
        bar = progress.add_task("planning", total=None, rate="")
        started = time.monotonic()

        def planned(n_jobs: int, n_skipped: int) -> None:
            label = f"extracting ({n_skipped} unchanged, skipped)" if n_skipped else "extracting"
            progress.update(bar, total=n_jobs, description=label)

        def done(result: DocResult) -> None:
            progress.advance(bar)
            n = progress.tasks[0].completed
            progress.update(bar, rate=f"{n / max(time.monotonic() - started, 1e-9):.2f} doc/s")

        summary = call(on_plan=planned, on_result=done)
    if report:
        write_report(summary, report)
    _print_summary(summary, fmt)


EngineOpt = Annotated[
    Engine,
    typer.Option(
        help="Table engine: pdfplumber (default) or camelot (lattice, vector rules). A stored file "
        "extracted with other settings is extracted again."
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Worker processes (local executor). Default: the machine's cores."),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        min=0,
        help="Stop a document after this many seconds and record it as failed (0: never). "
        "Default: 300 s + 120 s per page (--limit timeout_base=…, timeout_per_page=…).",
    ),
]
LimitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        help="Change a resource limit, NAME=VALUE (0: none), repeatable: "
        + ", ".join(f.name for f in dataclasses.fields(Limits))
        + " (see the README).",
    ),
]
FillDownOpt = Annotated[
    str | None,
    typer.Option(
        "--fill-down",
        metavar="FIELDS",
        help="Comma-separated value fields (task, activity, output, lead, partner, deadline, budget) whose empty "
        "cell in a table printed without ruling lines takes the value above it, for plans known to print a merged "
        "cell once at its top. Off by default (an empty cell stays empty, flagged merge_possible); filled rows are "
        "flagged merge_inferred. A stored file extracted with other settings is extracted again.",
    ),
]
WaitOpt = Annotated[
    bool,
    typer.Option("--wait", help="If another kehoach is writing to --out, wait for it (default: exit 2 at once)."),
]


def _executor(kind: Executor) -> str:
    """From the command line, the local executor always runs documents in worker processes, so a
    document that kills its worker (out of memory, a crash in a PDF library) fails alone."""
    return "processes" if kind is Executor.local else kind.value


ExecutorOpt = Annotated[
    Executor, typer.Option(help="local (processes on this machine) or dask (a running Dask cluster).")
]
SchedulerOpt = Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")]
ReportOpt = Annotated[Path | None, typer.Option(help="Write a JSON run report (every document, failures).")]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="table (record by record when wider than the terminal), csv, json or jsonl."),
]
OutOpt = Annotated[Path, typer.Option("--out", "-d", help="The store folder: Parquet + kehoach.duckdb.")]


@command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="PDF files or folders (searched recursively for *.pdf). Default: data/raw."),
    ] = None,
    out: OutOpt = Path("data/processed"),
    engine: EngineOpt = Engine.pdfplumber,
    jobs: JobsOpt = None,
    timeout: TimeoutOpt = None,
    executor: ExecutorOpt = Executor.local,
    scheduler: SchedulerOpt = None,
    force: Annotated[
        bool, typer.Option(help="Extract again even files whose bytes, extractor and settings are unchanged.")
    ] = False,
    report: ReportOpt = None,
    fmt: FormatOpt = Format.table,
    quiet: QuietOpt = False,
    limit: LimitOpt = None,
    fill_down: FillDownOpt = None,
    wait: WaitOpt = False,
) -> None:
    """Extract every task row of each plan's appendix into Parquet and DuckDB.

    Each input gets one row in `documents` with status ok, partial (parsed, but no task
    table or a damaged file) or failed (with an error saying what to do). Files whose
    bytes, extractor version and settings are unchanged since the last run are skipped; a file
    whose bytes changed replaces its old rows. Each document is committed as soon as it
    is done, so an interrupted run loses at most the documents in flight: run it again.

    Examples:

      kehoach ingest                                  # data/raw -> data/processed

      kehoach ingest plans/ --out /tmp/out --jobs 8 --report run.json

      kehoach ingest plans/ --executor dask --scheduler tcp://10.0.0.5:8786

      kehoach ingest plan.pdf --engine camelot --force

      kehoach ingest unruled/ --fill-down lead,deadline,output
    """
    settings = ExtractSettings(
        engine=engine.value, limits=Limits.parse(limit or []), fill_down=ExtractSettings.parse_fill_down(fill_down)
    )
    paths = paths or [Path("data/raw")]
    _check_inputs(paths)  # a missing or empty input is reported before the progress bar starts
    _run(
        quiet,
        fmt,
        report,
        lambda **cb: ingest(
            paths,
            out,
            settings,
            jobs=jobs,
            timeout=timeout,
            executor=_executor(executor),
            scheduler=scheduler,
            force=force,
            wait=wait,
            **cb,
        ),
    )


def _check_inputs(paths: list[Path]) -> None:
    """A CliError (exit 2) when there is nothing at all to ingest; else a warning on stderr for each
    folder without a document."""
    kinds = ", ".join(SUFFIXES)
    empty = []
    for p in paths:
        found, refused = discover_all([p])
        if not found and not refused:
            empty.append(p)
    if len(empty) == len(paths):
        raise CliError(f"nothing to ingest: no {kinds} file in {', '.join(map(str, paths))} (searched recursively)")
    for p in empty:
        err.print(f"[yellow]warning:[/yellow] no {kinds} file in {p} (searched recursively)", soft_wrap=True)


@command("reextract")
def reextract_cmd(
    out: OutOpt = Path("data/processed"),
    all_: Annotated[bool, typer.Option("--all", help="Every stored document.")] = False,
    failed: Annotated[bool, typer.Option("--failed", help="Documents whose status is not ok.")] = False,
    before_version: Annotated[
        str | None, typer.Option(help="Documents extracted by an extractor older than this version.")
    ] = None,
    jobs: JobsOpt = None,
    timeout: TimeoutOpt = None,
    executor: ExecutorOpt = Executor.local,
    scheduler: SchedulerOpt = None,
    report: ReportOpt = None,
    fmt: FormatOpt = Format.table,
    quiet: QuietOpt = False,
    limit: LimitOpt = None,
    wait: WaitOpt = False,
    engine: EngineOpt = Engine.pdfplumber,
    fill_down: FillDownOpt = None,
    force: Annotated[
        bool,
        typer.Option(help="Accepted as for ingest: reextract always extracts the chosen documents again."),
    ] = False,
) -> None:
    """Extract stored documents again from their source files (after an extractor change).

    Choose exactly one of --all, --failed, --before-version V. Every chosen document is
    extracted again, unchanged or not (as `ingest --force` does). Documents whose source file
    is gone keep their rows and are listed: "N file(s) not found: …".

    Examples:

      kehoach reextract --failed

      kehoach reextract --before-version 0.2.0 --jobs 4 --report redo.json
    """
    chosen = [name for name, on in (("all", all_), ("failed", failed), ("before", before_version)) if on]
    if len(chosen) != 1:
        raise CliError("choose exactly one of --all, --failed, --before-version V")
    _run(
        quiet,
        fmt,
        report,
        lambda **cb: reextract(
            out,
            chosen[0],
            before_version,
            settings=ExtractSettings(
                engine=engine.value,
                limits=Limits.parse(limit or []),
                fill_down=ExtractSettings.parse_fill_down(fill_down),
            ),
            jobs=jobs,
            timeout=timeout,
            executor=_executor(executor),
            scheduler=scheduler,
            wait=wait,
            **cb,
        ),
    )


@command("rebuild")
def rebuild_cmd(out: OutOpt = Path("data/processed"), wait: WaitOpt = False) -> None:
    """Build kehoach.duckdb again from every committed document (normally it is updated document by
    document; a schema change rebuilds it by itself).

    Example: kehoach rebuild --out data/processed
    """
    path = rebuild(out, wait=wait)
    note(f"DuckDB database rebuilt: {path}")


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    parquet = "parquet"
    xlsx = "xlsx"


BomOpt = Annotated[
    bool | None,
    typer.Option(
        "--bom/--no-bom",
        help="CSV: begin with a UTF-8 byte-order mark, which Excel needs to read Vietnamese "
        "(default: with --output, yes; on stdout, no).",
    ),
]


@command("query")
def query_cmd(
    sql: Annotated[str, typer.Argument(help="One SQL statement to run on kehoach.duckdb (read-only, sandboxed).")],
    out: OutOpt = Path("data/processed"),
    fmt: Annotated[
        QueryFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, json, jsonl, or (with --output) parquet, xlsx. Default: from --output's "
            "suffix, else table.",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the result to this file.")] = None,
    limit: Annotated[
        int | None,
        typer.Option(min=0, help="At most this many rows (table format: 50 unless given; other formats: all)."),
    ] = None,
    timeout: Annotated[float, typer.Option(min=0, help="Stop the query after this many seconds (0: never).")] = 60.0,
    bom: BomOpt = None,
) -> None:
    """Run SQL on the database, read-only and sandboxed (tables, views and macros of the README).

    One statement; no file or network access, no extensions, settings locked; stopped after
    --timeout seconds; rows are streamed, so a huge result does not fill memory. CSV writes lists
    as JSON text. A table wider than the terminal is shown as one record per block.

    Examples:

      kehoach query "select province, reform_area, tasks from v_section_mix order by 1, 3 desc"

      kehoach query "select * from v_unit_load" -o unit_load.csv

      kehoach query "select * from v_tasks" -o tasks.xlsx

      kehoach query "select * from province_tasks('Bắc Kạn')" --format parquet --output backan.parquet
    """
    from pipeline import query
    from pipeline.export import write_sheets

    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt = QueryFormat(suffix) if suffix in QueryFormat.__members__ and suffix != "table" else None
        if fmt is None:
            if output:
                raise CliError(f"cannot tell the format of {output}: pass --format csv|json|jsonl|parquet|xlsx")
            fmt = QueryFormat.table
    if fmt in (QueryFormat.parquet, QueryFormat.xlsx) and not output:
        raise CliError(f"--format {fmt.value} needs --output FILE.{fmt.value}")
    if fmt is QueryFormat.table and output:
        raise CliError("--format table prints to the terminal: choose csv, json, jsonl, parquet or xlsx for --output")
    if fmt is QueryFormat.parquet:
        assert output is not None
        n = query.to_parquet(out, sql, output, timeout, limit)
        note(f"{n} rows written to {output}")
        return
    if fmt is QueryFormat.xlsx:
        assert output is not None
        columns, rows = query.run(out, sql, timeout, limit)
        write_sheets(output, {"query": (columns, rows)}, "xlsx")
        note(f"{len(rows)} rows written to {output}")
        return
    if fmt is QueryFormat.table:
        shown = 50 if limit is None else limit
        with query.open_query(out, sql, timeout) as result:
            rows = list(result.rows(shown + 1))
            columns = result.columns
        print_table(columns, rows[:shown])
        if len(rows) > shown:
            note(f"(more rows; showing {shown}: use --limit N or --format csv)")
        return
    row_fmt = RowFormat(fmt.value)
    with query.open_query(out, sql, timeout) as result:
        if output:
            written: list[int] = []

            def write(tmp: Path) -> None:
                with tmp.open("w", encoding="utf-8", newline="") as fh:
                    written.append(write_rows(result.columns, result.rows(limit), row_fmt, fh, bom=bom is not False))

            atomic_write(output, write)
            note(f"{written[0]} rows written to {output}")
        else:
            write_rows(result.columns, result.rows(limit), row_fmt, bom=bool(bom))


@command("status")
def status_cmd(
    out: OutOpt = Path("data/processed"),
    fmt: FormatOpt = Format.table,
) -> None:
    """What the output folder holds: documents by status, tasks, failures, extractor versions.

    --format json prints all of it as one object; csv and jsonl print one row per province
    (province, province_2025, documents, tasks, ok, partial, failed).

    Example: kehoach status --out data/processed
    """
    from pipeline import query

    info = query.status(out)
    if fmt is Format.json:
        out_console.print_json(json.dumps(info, ensure_ascii=False, default=str))
        return
    if fmt is not Format.table:
        write_rows(query.PROVINCE_COLUMNS, ([p[c] for c in query.PROVINCE_COLUMNS] for p in info["provinces"]), fmt)
        return
    out_console.print(f"[bold]{info['database']}[/bold]")
    by_status = ", ".join(f"{k} {v}" for k, v in sorted(info["by_status"].items()))
    out_console.print(f"documents: {info['documents']} ({by_status})")
    counts = ", ".join(f"{k} {info[k]}" for k in ("task_units", "task_deadlines", "legal_refs", "targets"))
    out_console.print(f"tasks: {info['tasks']}; {counts}")
    versions = ", ".join(f"{v}: {n}" for v, n in info["extractor_versions"].items())
    out_console.print(f"extractor versions: {versions}; last extraction {info['last_extracted_at']}")
    print_table(
        ("province", "province_2025", "documents", "tasks"),
        [[p["province"] or "(unknown)", p["province_2025"], p["documents"], p["tasks"]] for p in info["provinces"]],
        right=("documents", "tasks"),
    )
    for f in info["failures"]:
        out_console.print(f"  [red]{f['status']}[/red] {f['source_path']}: {f['error']}", soft_wrap=True)
    _print_corrections(out)


def _print_corrections(out: Path) -> None:
    """Corrections by state, and every conflict with both values (never silently dropped)."""
    from pipeline import corrections

    summary = corrections.summary(out)
    if not summary["by_state"] and not summary["unattached"]:
        return
    states = ", ".join(f"{k} {v}" for k, v in sorted(summary["by_state"].items()))
    out_console.print(f"corrections: {states or 'none stored'}")
    for c in summary["conflicts"]:
        where = f"row {c['row_no']} (tt {c['tt']!r}) {c['field'] or c['action']}" if c["row_no"] else c["field"]
        out_console.print(
            f"  [yellow]conflict[/yellow] {c['file_name']} {where}: extracted now {c['current_value']!r}, "
            f"corrected {c['new_value']!r} (was {c['old_value']!r} when corrected by {c['author']})",
            soft_wrap=True,
        )
    for c in summary["unattached"]:
        out_console.print(
            f"  [yellow]unattached[/yellow] {c.correction_id}: {c.file_name} is no longer stored", soft_wrap=True
        )


@command("correct")
def correct_cmd(
    doc: Annotated[str, typer.Argument(help="The document: its doc_id or file name.")],
    row: Annotated[int | None, typer.Argument(help="Row number (tasks.row_no).")] = None,
    field: Annotated[
        str | None, typer.Argument(help="tasks column: task, lead_text (or lead), deadline_text, tt…")
    ] = None,
    value: Annotated[str | None, typer.Argument(help="The corrected value ('' for an empty cell).")] = None,
    out: OutOpt = Path("data/processed"),
    not_a_task: Annotated[bool, typer.Option("--not-a-task", help="The row is not a task: leave it out.")] = False,
    verified: Annotated[bool, typer.Option("--verified", help="The row is right as extracted.")] = False,
    fact: Annotated[
        tuple[str, str] | None,
        typer.Option("--fact", help="Correct a document fact: --fact province 'Lào Cai'.", metavar="FIELD VALUE"),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Who corrects (default: the OS user).")] = None,
    note: Annotated[str | None, typer.Option(help="Why, or the source of the correct value.")] = None,
) -> None:
    """Correct a cell, a row or a document fact; the correction is kept across re-extractions.

    The correction is appended to DIR/corrections/ (never rewritten by an extraction), the
    document's tables are recomputed from the corrected text and DuckDB is refreshed. After a
    re-extraction each correction is applied again, superseded (the extractor now gives the value)
    or a conflict (listed by `kehoach status`).

    Examples:

      kehoach correct backan-stttt-cchc-2023.pdf 13 lead_text "Văn phòng Sở"

      kehoach correct 3f2a9c0d1e2b4a5c 7 --not-a-task --note "heading row"

      kehoach correct plan.pdf 4 --verified

      kehoach correct plan.pdf --fact province "Lào Cai"
    """
    from pipeline import corrections
    from pipeline.tables import CorrectionAction

    chosen = [n for n, on in (("--not-a-task", not_a_task), ("--verified", verified), ("--fact", fact)) if on]
    if len(chosen) > 1:
        raise CliError(f"choose one of {', '.join(chosen)}")
    if fact:
        if row is not None:
            raise CliError("--fact corrects the document: give no ROW")
        entry = corrections.make(
            out, doc, CorrectionAction.FACT, field=fact[0], value=fact[1], author=author, note=note
        )
    elif not_a_task or verified:
        if row is None or field is not None:
            raise CliError(f"{chosen[0]} needs DOC ROW and nothing more")
        action = CorrectionAction.NOT_A_TASK if not_a_task else CorrectionAction.VERIFIED
        entry = corrections.make(out, doc, action, row_no=row, author=author, note=note)
    else:
        if row is None or field is None or value is None:
            raise CliError("give DOC ROW FIELD VALUE (or --not-a-task, --verified, --fact FIELD VALUE)")
        entry = corrections.make(
            out, doc, CorrectionAction.SET, row_no=row, field=field, value=value, author=author, note=note
        )
    where = f"row {entry.row_no} " if entry.row_no is not None else ""
    out_console.print(
        f"{entry.file_name}: {where}{entry.field or entry.action.value}: {entry.old_value!r} -> "
        f"{entry.new_value!r} ({entry.correction_id})",
        soft_wrap=True,
    )


@command("review")
def review_cmd(
    out: OutOpt = Path("data/processed"),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to bind; other than 127.0.0.1 exposes the app.")] = "127.0.0.1",
    read_only: Annotated[bool, typer.Option("--read-only", help="Look only: no correction can be saved.")] = False,
    browser: Annotated[bool, typer.Option("--browser/--no-browser", help="Open the browser at the app.")] = True,
) -> None:
    """A local web app: every row beside its page, flagged rows highlighted, cells corrected in place.

    Corrections made there are the same as `kehoach correct`'s (DIR/corrections/). Stop it with Ctrl-C.

    Example: kehoach review --out data/processed
    """
    import threading
    import webbrowser

    import uvicorn

    from pipeline.query import connect
    from pipeline.review.app import create_app

    connect(out).close()  # no database: say so now, not in the browser
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"[yellow]warning:[/yellow] listening on {host}: anyone who can reach this address can read "
            "the documents" + ("" if read_only else " and save corrections (consider --read-only)"),
            soft_wrap=True,
        )
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    err.print(f"kehoach review: {url} (Ctrl-C to stop)")
    if browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    uvicorn.run(create_app(out, read_only=read_only), host=host, port=port, log_level="warning")


MISS_COLUMNS = ["row_no", "field", "differs_at", "want", "got"]


@command("eval")
def eval_cmd(
    gold: Annotated[Path, typer.Option(help="Gold transcription (JSON, see GOLD_FORMAT.md).", exists=True)],
    pdf: Annotated[
        Path | None, typer.Option(help="The ingested input file. Default: the PDF beside the gold file.")
    ] = None,
    out: OutOpt = Path("data/processed"),
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the full report here.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Score an ingest against a gold transcription: rows, exact/lenient cells, legal references.

    table: the scores, then the first differing cells, each cut around its first difference
    (differs_at: the position of the first differing character). json: the whole report as one
    object. csv, jsonl: one row per differing cell, texts whole (row_no, field, differs_at, want,
    got); the scores go to stderr.

    Example: kehoach eval --gold tests/fixtures/sonla-stttt-cchc-2023.json --out data/processed
    """
    from pipeline.scoring import excerpt, score

    pdf = pdf or gold.with_suffix(".pdf")
    if not pdf.exists():
        raise CliError(f"{pdf} not found: pass --pdf with the file that was ingested")
    report = score(gold, pdf, out, details=True)
    if json_out:
        atomic_write_text(json_out, json.dumps(report, ensure_ascii=False, indent=2))
    if fmt is Format.json:
        out_console.print_json(json.dumps(report, ensure_ascii=False))
        return
    line = (
        f"{report['pdf']}: rows {report['rows_matched']}/{report['rows_gold']} matched "
        f"(precision {report['row_precision']:.3f}, recall {report['row_recall']:.3f}), "
        f"cells {report['cell_accuracy']:.4f} exact, {report['cell_accuracy_lenient']:.4f} lenient, "
        f"refs F1 {report['refs_f1']:.3f}"
    )
    if fmt is not Format.table:
        write_rows(MISS_COLUMNS, ([m[c] for c in MISS_COLUMNS] for m in report["misses"]), fmt)
        note(line)
        return
    out_console.print(line, soft_wrap=True, highlight=False)
    for miss in report["misses"][:10]:
        at = miss["differs_at"]
        out_console.print(
            f"  row {miss['row_no']} {miss['field']} (differs at character {at}):\n"
            f"    want {excerpt(miss['want'], at)!r}\n    got  {excerpt(miss['got'], at)!r}",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
    if len(report["misses"]) > 10:
        out_console.print(f"  … {len(report['misses']) - 10} more differing cells: --format csv lists them all")


@command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write: .xlsx, .csv or .parquet.")],
    out: OutOpt = Path("data/processed"),
    table: Annotated[
        list[str] | None,
        typer.Option("--table", "-t", help="A table or view to export (repeat it; default: documents and tasks)."),
    ] = None,
    sql: Annotated[str | None, typer.Option(help="Export the result of this query instead of tables.")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="xlsx, csv or parquet (default: from --output's suffix).")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Only this province (name or slug: 'Sơn La', son-la).")] = None,
    year: Annotated[int | None, typer.Option(help="Only plans of this year.")] = None,
    status: Annotated[str | None, typer.Option(help="Only documents with this status (ok, partial, failed).")] = None,
    vietnamese: Annotated[bool, typer.Option("--vietnamese", help="Vietnamese column titles.")] = False,
    bom: Annotated[bool, typer.Option("--bom/--no-bom", help="CSV: a UTF-8 byte-order mark (Excel needs it).")] = True,
) -> None:
    """Export tables (or a query) to a spreadsheet, CSV or Parquet file.

    .xlsx: one sheet per table, the header frozen and filterable; the tasks sheet holds each task
    with its plan's province, agency and year, its canonical lead and partner units and its first
    due date. .csv and .parquet hold one table. Lists are written as JSON text.

        kehoach export -o tasks.xlsx --province son-la --vietnamese
        kehoach export -o units.csv -t v_unit_load
    """
    counts = export(
        out,
        output,
        fmt=fmt,
        tables=tuple(table) if table else ("documents", "tasks"),
        sql=sql,
        filters=Filters(province, year, status),
        vietnamese=vietnamese,
        bom=bom,
    )
    parts = ", ".join(f"{name} {n} rows" for name, n in counts.items())
    note(f"wrote {output} ({parts})")


class SchemaFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


@command("schema")
def schema_cmd(
    fmt: Annotated[
        SchemaFormat,
        typer.Option("--format", "-f", help="table, csv, json, jsonl, or markdown (the data dictionary)."),
    ] = SchemaFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write it to this file.")] = None,
) -> None:
    """Every output table and column: its DuckDB type and meaning (the data dictionary).

    Generated from pipeline/tables.py; docs/data-dictionary.md is its Markdown.

    Examples:

      kehoach schema -f markdown -o docs/data-dictionary.md

      kehoach schema -f csv | grep '^tasks,'
    """
    from pipeline import dictionary

    if fmt is SchemaFormat.markdown:
        text = dictionary.markdown()
        if output:
            atomic_write_text(output, text)
            note(f"wrote {output}")
        else:
            sys.stdout.write(text)
        return
    row_fmt = RowFormat(fmt.value)
    if output:
        if row_fmt is RowFormat.table:
            raise CliError("--format table prints to the terminal: choose csv, json, jsonl or markdown for --output")

        def write(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                write_rows(dictionary.COLUMNS, dictionary.rows(), row_fmt, fh)

        atomic_write(output, write)
        note(f"wrote {output}")
        return
    write_rows(dictionary.COLUMNS, dictionary.rows(), row_fmt)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        from extractors import EXTRACTOR_VERSION

        try:
            package = version("kehoach")
        except PackageNotFoundError:  # run from a checkout without installing
            package = "unknown"
        typer.echo(f"kehoach {package} (extractor {EXTRACTOR_VERSION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """kehoach: Vietnamese provincial plans into queryable data."""


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    for noisy in ("pdfminer", "camelot", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    app()


if __name__ == "__main__":
    main()
