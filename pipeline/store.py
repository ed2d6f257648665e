"""Storage: Hive-partitioned Parquet (the source of truth) and a DuckDB database built from it.

Layout under the output folder::

    parquet/<table>/province=<slug>/<doc_id>.parquet
    kehoach.duckdb

Each document owns one file per table, so re-ingesting a document replaces exactly
its rows. Files are written to a temporary name and renamed into place; the DuckDB
tables are rebuilt from Parquet inside one transaction, so an interrupted run leaves
the previous state readable and complete.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import DocResult
from pipeline.schema import TABLES, ddl

log = logging.getLogger(__name__)

DB_NAME = "kehoach.duckdb"


class StoreError(Exception):
    """The output folder cannot be used (the run itself cannot happen)."""


def prepare(out: Path) -> None:
    try:
        for table in TABLES:
            (out / "parquet" / table).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise StoreError(f"cannot write to output folder {out}: {exc.strerror or exc}") from exc


def _atomic_write(table: pa.Table, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}-", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def existing_files(out: Path, doc_id: str) -> list[Path]:
    return list((out / "parquet").glob(f"*/province=*/{doc_id}.parquet"))


def write_document(out: Path, result: DocResult) -> None:
    """Replace every file of this document; ``documents`` last, so it only points at complete data."""
    keep = set()
    for name, schema in TABLES.items():
        if name == "documents":
            continue
        rows = result.tables.get(name, [])
        dest = out / "parquet" / name / f"province={result.partition}" / f"{result.doc_id}.parquet"
        _atomic_write(pa.Table.from_pylist(rows, schema=schema), dest)
        keep.add(dest)
    dest = out / "parquet" / "documents" / f"province={result.partition}" / f"{result.doc_id}.parquet"
    _atomic_write(pa.Table.from_pylist([result.document], schema=TABLES["documents"]), dest)
    keep.add(dest)
    for stale in existing_files(out, result.doc_id):
        if stale not in keep:  # the document moved partition (e.g. its province is now known)
            stale.unlink(missing_ok=True)


def parquet_glob(out: Path, table: str) -> str:
    return str((out / "parquet" / table).resolve() / "**" / "*.parquet")


def sync_duckdb(out: Path, tables: Iterable[str] = TABLES) -> Path:
    """Rebuild the DuckDB tables from Parquet in one transaction."""
    path = out / DB_NAME
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        for name in tables:
            schema = TABLES[name]
            con.execute(f'DROP TABLE IF EXISTS "{name}"')  # the schema may have grown since the last run
            con.execute(ddl(name, schema))
            files = list((out / "parquet" / name).glob("province=*/*.parquet"))
            if files:
                cols = ", ".join(f'"{f.name}"' for f in schema)
                con.execute(
                    f'INSERT INTO "{name}" SELECT {cols} FROM read_parquet(?, hive_partitioning=false, '
                    "union_by_name=true)",
                    [parquet_glob(out, name)],
                )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return path
