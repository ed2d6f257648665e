"""Read-only access to ``kehoach.duckdb``: run SQL, export results, report the store's status.

Every connection is sandboxed (:data:`SANDBOX`): read-only, no file or network access (no ``COPY …
TO``, ``read_csv('/etc/…')``, ``ATTACH``), no extension install or autoload, settings locked. A query
is one statement, stopped after a timeout (``con.interrupt()`` from a timer), and its rows are
streamed in batches, never fetched all at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.files import atomic_write
from pipeline.store import DB_NAME


class QueryError(Exception):
    """The query cannot run (no database yet, SQL error, write attempted): a message for the user."""


#: the sandbox of every connection: read-only, no files, no network, no extensions, settings locked
SANDBOX: dict[str, Any] = {
    "enable_external_access": False,  # no COPY … TO, read_csv('/etc/…'), ATTACH, httpfs
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": "2GB",
    "lock_configuration": True,  # SET cannot undo any of the above
}

DEFAULT_TIMEOUT = 60.0
_BATCH = 2048


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def connect(out: Path, tries: int = 20, sandbox: bool = True) -> Any:
    """A read-only, sandboxed connection. The database is replaced atomically by each ingest, never
    written in place, so opening it can only fail when another program holds it for writing: retried
    for a few seconds, then a one-line :class:`QueryError`."""
    import duckdb

    path = out / DB_NAME
    for attempt in range(tries):
        if not path.exists():
            raise QueryError(f"no database at {path}: run `kehoach ingest` first (or pass --out)")
        try:
            return duckdb.connect(str(path), read_only=True, config=SANDBOX if sandbox else {})
        except duckdb.Error as exc:
            if attempt == tries - 1:
                raise QueryError(f"cannot open {path}: {_one_line(exc)}") from exc
            time.sleep(0.25)
    raise AssertionError("unreachable")  # pragma: no cover


def _single(sql: str) -> None:
    import duckdb

    try:
        n = len(duckdb.extract_statements(sql))
    except duckdb.Error as exc:
        raise QueryError(_one_line(exc)) from exc
    if n != 1:
        raise QueryError(f"one SQL statement at a time, please (got {n})")


class Result:
    """A running query: its columns, and its rows fetched in batches (never all at once)."""

    def __init__(self, cur: Any, timeout: float):
        self.cur = cur
        self.timeout = timeout
        self.columns = [d[0] for d in cur.description] if cur is not None and cur.description else []

    def batches(self, limit: int | None = None) -> Iterator[list[tuple]]:
        import duckdb

        left = limit
        while left is None or left > 0:
            try:
                rows = self.cur.fetchmany(_BATCH if left is None else min(_BATCH, left))
            except duckdb.InterruptException as exc:
                raise QueryError(_timeout_message(self.timeout)) from exc
            except duckdb.Error as exc:
                raise QueryError(_one_line(exc)) from exc
            if not rows:
                return
            if left is not None:
                left -= len(rows)
            yield rows

    def rows(self, limit: int | None = None) -> Iterator[tuple]:
        for batch in self.batches(limit):
            yield from batch


def _timeout_message(timeout: float) -> str:
    return f"the query took longer than {timeout:g} s and was stopped: add a filter or LIMIT, or pass --timeout S"


@contextmanager
def open_query(out: Path, sql: str, timeout: float | None = DEFAULT_TIMEOUT, arrow: bool = False) -> Iterator[Result]:
    """Run one statement in the sandbox; the timer interrupts it after ``timeout`` seconds (0: never)."""
    import duckdb

    _single(sql)
    con = connect(out)
    seconds = timeout or 0.0
    timer = threading.Timer(seconds, con.interrupt) if seconds > 0 else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        try:
            cur = con.sql(sql) if arrow else con.execute(sql)  # a relation streams Arrow batches without a copy
        except duckdb.InterruptException as exc:
            raise QueryError(_timeout_message(seconds)) from exc
        except duckdb.Error as exc:
            raise QueryError(_one_line(exc)) from exc
        yield Result(cur, seconds)
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def run(
    out: Path, sql: str, timeout: float | None = DEFAULT_TIMEOUT, limit: int | None = None
) -> tuple[list[str], list[tuple]]:
    """Columns and rows (at most ``limit``) of ``sql`` on a sandboxed read-only connection."""
    with open_query(out, sql, timeout) as result:
        return result.columns, list(result.rows(limit))


def to_parquet(
    out: Path, sql: str, dest: Path, timeout: float | None = DEFAULT_TIMEOUT, limit: int | None = None
) -> int:
    """Write the result of ``sql`` to a Parquet file, batch by batch (temporary name, then rename)."""
    import duckdb
    import pyarrow.parquet as pq

    def write(tmp: Path) -> int:
        with open_query(out, sql, timeout, arrow=True) as result:
            if result.cur is None:
                raise QueryError("the statement returns no rows to write")
            try:
                reader = result.cur.to_arrow_reader(_BATCH)
                n = 0
                with pq.ParquetWriter(tmp, reader.schema) as w:
                    for batch in reader:
                        if limit is not None and n + batch.num_rows > limit:
                            batch = batch.slice(0, limit - n)
                        w.write_batch(batch)
                        n += batch.num_rows
                        if limit is not None and n >= limit:
                            break
                return n
            except duckdb.InterruptException as exc:
                raise QueryError(_timeout_message(result.timeout)) from exc
            except duckdb.Error as exc:
                raise QueryError(_one_line(exc)) from exc

    written: list[int] = []
    atomic_write(dest, lambda tmp: written.append(write(tmp)))
    return written[0]


#: the columns of ``status(out)["provinces"]``: one row per province as printed (and its 2025 province)
PROVINCE_COLUMNS = ("province", "province_2025", "documents", "tasks", "ok", "partial", "failed")


def status(out: Path) -> dict[str, Any]:
    """Documents, tasks, failures and extractor versions of an output folder."""
    con = connect(out)
    try:
        one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
        by_status = dict(con.execute("select status, count(*) from documents group by 1").fetchall())
        versions = dict(
            con.execute("select extractor_version, count(*) from documents group by 1 order by 1").fetchall()
        )
        provinces = con.execute(
            "select province, province_2025, count(*), sum(n_tasks), count(*) filter (status = 'ok'), "
            "count(*) filter (status = 'partial'), count(*) filter (status = 'failed') "
            "from documents group by 1, 2 order by 1, 2"
        ).fetchall()
        failures = con.execute(
            "select source_path, status, error from documents where status <> 'ok' order by source_path"
        ).fetchall()
        last = one("select cast(max(extracted_at) as varchar) from documents")[0]
        return {
            "database": str(out / DB_NAME),
            "documents": sum(by_status.values()),
            "by_status": by_status,
            "tasks": one("select count(*) from tasks")[0],
            "task_units": one("select count(*) from task_units")[0],
            "task_deadlines": one("select count(*) from task_deadlines")[0],
            "legal_refs": one("select count(*) from legal_refs")[0],
            "targets": one("select count(*) from targets")[0],
            "extractor_versions": versions,
            "provinces": [dict(zip(PROVINCE_COLUMNS, row, strict=True)) for row in provinces],
            "failures": [{"source_path": s, "status": st, "error": e} for s, st, e in failures],
            "last_extracted_at": str(last) if last else None,
        }
    finally:
        con.close()
