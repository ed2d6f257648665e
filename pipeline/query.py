"""Read-only access to ``kehoach.duckdb``: run SQL, export results, report the store's status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pipeline.files import atomic_write
from pipeline.store import DB_NAME


class QueryError(Exception):
    """The query cannot run (no database yet, SQL error, write attempted): a message for the user."""


def connect(out: Path):
    import duckdb

    path = out / DB_NAME
    if not path.exists():
        raise QueryError(f"no database at {path}: run `kehoach ingest` first (or pass --out)")
    return duckdb.connect(str(path), read_only=True)


def run(out: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Columns and rows of ``sql`` on a read-only connection."""
    import duckdb

    con = connect(out)
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()


def to_csv(columns: list[str], rows: list[tuple]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()


def to_json(columns: list[str], rows: list[tuple]) -> str:
    return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, default=str, indent=1)


def to_parquet(out: Path, sql: str, dest: Path) -> int:
    """Write the result of ``sql`` to a Parquet file (temporary name, then rename); returns its rows."""
    import duckdb
    import pyarrow.parquet as pq

    con = connect(out)
    try:
        table = con.sql(sql).to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()
    atomic_write(dest, lambda tmp: pq.write_table(table, tmp))
    return table.num_rows


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
            "select province, count(*), sum(n_tasks) from documents group by 1 order by 1"
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
            "provinces": [{"province": p, "documents": n, "tasks": t} for p, n, t in provinces],
            "failures": [{"source_path": s, "status": st, "error": e} for s, st, e in failures],
            "last_extracted_at": str(last) if last else None,
        }
    finally:
        con.close()
