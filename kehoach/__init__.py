"""kehoach's Python API: the same work as the command line, from a script or a notebook.

    import kehoach

    summary = kehoach.ingest(["data/raw"], "data/processed")   # all cores, like `kehoach ingest`
    con = kehoach.connect("data/processed")                    # read-only DuckDB connection
    con.sql("select province, count(*) from v_tasks group by 1").show()
    ex = kehoach.extract("data/raw/sonla-stttt-cchc-2023.pdf") # one file, in memory

A plain script needs no ``if __name__ == "__main__":`` guard: the worker processes run kehoach's
own functions and never import the calling script (``pipeline.executors.workers_skip_main``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractors.document import Extraction
    from extractors.settings import ExtractSettings
    from pipeline.ingest import RunSummary

__all__ = ["connect", "extract", "ingest"]


def ingest(
    paths: Sequence[str | Path] | str | Path = ("data/raw",),
    out: str | Path = "data/processed",
    *,
    jobs: int | None = None,
    settings: ExtractSettings | None = None,
    **options: Any,
) -> RunSummary:
    """Ingest PDF/Word files or folders into ``out`` (Parquet + DuckDB); ``jobs`` defaults to the
    machine's cores, as on the command line. ``options``: those of :func:`pipeline.ingest.ingest`
    (``timeout``, ``force``, ``executor``, ``scheduler``, ``wait``)."""
    from pipeline.executors import default_jobs
    from pipeline.ingest import ingest as run

    if isinstance(paths, (str, Path)):
        paths = [paths]
    return run(list(paths), out, settings, jobs=jobs or default_jobs(), **options)


def extract(path: str | Path, settings: ExtractSettings | None = None) -> Extraction:
    """One file read into the typed document model (rows, facts, pages), nothing stored."""
    from extractors import extract as run

    return run(path, settings)


def connect(out: str | Path = "data/processed") -> Any:
    """A read-only DuckDB connection to ``out/kehoach.duckdb`` (tables, views and macros of the README)."""
    from pipeline.query import connect as run

    return run(Path(out), sandbox=False)
