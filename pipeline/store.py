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
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import views
from pipeline.faults import checkpoint
from pipeline.files import atomic_write, atomic_write_text, lines_sha256
from pipeline.records import DocResult
from pipeline.schema import TABLES, ddl
from pipeline.tables import Document, to_table

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


def write_parquet(table: pa.Table, dest: Path) -> None:
    """One table file, written under a temporary name and renamed into place."""
    atomic_write(dest, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def existing_files(out: Path, doc_id: str) -> list[Path]:
    return list((out / "parquet").glob(f"*/province=*/{doc_id}.parquet"))


def write_document(out: Path, result: DocResult) -> None:
    """Replace every file of this document; ``documents`` last, so it only points at complete data."""
    keep = set()
    for cls, records in result.rows.items():
        keep.add(_write_records(out, result, cls, records))
    checkpoint("after-tables")
    keep.add(_write_records(out, result, Document, [result.document]))
    checkpoint("after-document")
    for stale in existing_files(out, result.doc_id):
        if stale not in keep:  # the document moved partition (e.g. its province is now known)
            stale.unlink(missing_ok=True)


def _write_records(out: Path, result: DocResult, cls: type[Any], records: Sequence[Any]) -> Path:
    dest = out / "parquet" / cls.table / f"province={result.partition}" / f"{result.doc_id}.parquet"
    write_parquet(to_table(cls, records), dest)
    return dest


#: columns of ``documents`` the batch needs to decide what to skip
INDEX_COLUMNS = ["doc_id", "sha256", "source_path", "status", "extractor_version", "province_slug"]


def load_index(out: Path) -> dict[str, dict]:
    """doc_id -> the stored document's index columns, read from its Parquet file (the truth)."""
    index: dict[str, dict] = {}
    for path in (out / "parquet" / "documents").glob("province=*/*.parquet"):
        try:
            rows = pq.ParquetFile(path).read(columns=INDEX_COLUMNS).to_pylist()  # no dataset layer: fast start
        except Exception as exc:  # an unreadable file means "not done": the document is redone
            log.warning("ignoring unreadable %s: %s", path, exc)
            continue
        for row in rows:
            index[row["doc_id"]] = row
    return index


def remove_document(out: Path, doc_id: str) -> None:
    """Delete every file of a document (e.g. the file it came from has changed)."""
    for path in existing_files(out, doc_id):
        path.unlink(missing_ok=True)


def parquet_glob(out: Path, table: str) -> str:
    return str((out / "parquet" / table).resolve() / "**" / "*.parquet")


def parquet_state(out: Path) -> str:
    """A fingerprint of the Parquet files (names, sizes, times): DuckDB is current when it matches."""
    paths = sorted((out / "parquet").glob("*/province=*/*.parquet"))
    return lines_sha256(f"{p.relative_to(out)}\0{(st := p.stat()).st_size}\0{st.st_mtime_ns}" for p in paths)


STATE_NAME = ".kehoach-duckdb-state"


def duckdb_is_current(out: Path) -> bool:
    """True when the DuckDB file was last built from exactly the Parquet files now present.

    Read from a small file written after each build (so a run with nothing to do does not
    even load DuckDB); the same fingerprint is kept inside the database in ``kehoach_meta``.
    """
    state = out / STATE_NAME
    if not (out / DB_NAME).exists() or not state.exists():
        return False
    return state.read_text(encoding="ascii").strip() == parquet_state(out)


def sync_duckdb(out: Path, tables: Iterable[str] = TABLES) -> Path:
    """Rebuild the DuckDB tables from Parquet in one transaction.

    Rows of a document whose ``documents`` file is missing (a run killed between its files)
    are left out, so the database only ever shows complete documents.
    """
    import duckdb  # here, not at module level: a run with nothing to do never needs it

    path = out / DB_NAME
    state = parquet_state(out)
    con = duckdb.connect(str(path))
    try:
        con.execute("BEGIN TRANSACTION")
        views.drop(con)  # views read the tables rebuilt below
        for name in tables:
            schema = TABLES[name]
            con.execute(f'DROP TABLE IF EXISTS "{name}"')  # the schema may have grown since the last run
            con.execute(ddl(name))
            files = list((out / "parquet" / name).glob("province=*/*.parquet"))
            if files:
                cols = ", ".join(f'"{f.name}"' for f in schema)
                complete = "" if name == "documents" else " WHERE doc_id IN (SELECT doc_id FROM documents)"
                con.execute(
                    f'INSERT INTO "{name}" SELECT {cols} FROM read_parquet(?, hive_partitioning=false, '
                    f"union_by_name=true){complete}",
                    [parquet_glob(out, name)],
                )
        views.create(con)
        con.execute("CREATE OR REPLACE TABLE kehoach_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO kehoach_meta VALUES ('parquet_state', ?)", [state])
        checkpoint("before-duckdb-commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    atomic_write_text(out / STATE_NAME, state, encoding="ascii")
    return path
