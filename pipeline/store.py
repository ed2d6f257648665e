"""Storage: Hive-partitioned Parquet (the source of truth), a journal of committed documents, and a
DuckDB database built from them.

Layout under the output folder::

    parquet/<table>/province=<slug>/<doc_id>-<version>.parquet
    journal.jsonl          committed documents: which files and which source paths each one has
    kehoach.duckdb         built from the journal's files, replaced atomically
    .kehoach.lock          held by the one process writing to the folder

A document is written as new version files (one per table, never over an old file), then
committed by appending one line to ``journal.jsonl`` (one ``write`` + ``fsync``): the line
names the document's files and its source paths, and in the same line any document that loses
its last path to it (a changed file) is dropped. Old and new versions are therefore never both
committed, whatever the kill point; files no line names (a run killed before its commit, or
after it but before deleting the old version) are removed by the next writer. A torn last line
(killed mid-write) is not a commit and is cut off by the next writer.

Identical bytes under several paths are one document listing every path (``source_paths``);
a path's new bytes take only that path from the old document, which stays while it has others.

DuckDB is never written in place: the new state is built in a temporary file (a copy of the
current database updated for the documents that changed since it was built, in one
transaction; or a full build when the schema changed or on ``kehoach rebuild``) and renamed
over ``kehoach.duckdb``, so readers — who may keep the old file open — never see a missing
table or a half-applied change and are never blocked.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extractors.settings import ExtractSettings
from normalizers.text import nfc
from pipeline import views
from pipeline.faults import checkpoint
from pipeline.files import atomic_write, atomic_write_text, shown
from pipeline.records import DocResult
from pipeline.schema import TABLES, ddl, schema_version
from pipeline.tables import Document, to_table

log = logging.getLogger(__name__)

DB_NAME = "kehoach.duckdb"
JOURNAL = "journal.jsonl"
LOCK_NAME = ".kehoach.lock"
STATE_NAME = ".kehoach-duckdb-state"


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


def path_key(path: str) -> str:
    """How paths are compared: NFC of the exact string (a name typed in NFC finds a file stored in NFD)."""
    try:
        return unicodedata.normalize("NFC", path)
    except UnicodeError:  # pragma: no cover - lone surrogates normalise fine; defensive
        return path


# --- the journal -------------------------------------------------------------------------------


@dataclass
class Entry:
    """A committed document: its files (table -> path relative to the output folder) and source paths."""

    doc_id: str
    files: dict[str, str]
    paths: list[str]  # exact absolute paths (undecodable bytes kept as surrogate escapes)
    sha256: str
    status: str
    extractor_version: str
    seq: int = 0  # the journal line that last changed it
    settings: str | None = None  # ExtractSettings.fingerprint() of the extraction (None: before it was kept)
    limits: str | None = None  # ExtractSettings.limits_fingerprint()

    def record(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "seq"}


@dataclass
class State:
    """The committed state: replayed from the journal."""

    docs: dict[str, Entry] = field(default_factory=dict)
    seq: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # doc_id -> the line that dropped it
    by_path: dict[str, str] = field(default_factory=dict)  # path_key -> doc_id

    def owner(self, path: str) -> str | None:
        return self.by_path.get(path_key(path))

    def changed_since(self, seq: int) -> set[str]:
        """doc_ids added, replaced, re-pathed or dropped after journal line ``seq``."""
        return {d for d, e in self.docs.items() if e.seq > seq} | {d for d, s in self.dropped.items() if s > seq}

    def apply(self, line: dict[str, Any]) -> None:
        seq = int(line["seq"])
        for d in line.get("drop", []):
            gone = self.docs.pop(d, None)
            if gone is not None:
                self._unindex(gone)
            self.dropped[d] = seq
        for rec in line.get("put", []):
            entry = Entry(**rec, seq=seq)
            if entry.doc_id in self.docs:
                self._unindex(self.docs[entry.doc_id])
            self.docs[entry.doc_id] = entry
            for p in entry.paths:
                self.by_path[path_key(p)] = entry.doc_id
            self.dropped.pop(entry.doc_id, None)
        self.seq = seq

    def _unindex(self, entry: Entry) -> None:
        for p in entry.paths:
            if self.by_path.get(path_key(p)) == entry.doc_id:
                del self.by_path[path_key(p)]


def _lines(out: Path) -> Iterator[dict[str, Any]]:
    path = out / JOURNAL
    if not path.exists():
        return
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                return  # a torn last line: never committed
            try:
                yield json.loads(raw)
            except ValueError:
                log.warning("%s: skipping a damaged line", path)


def load_state(out: Path) -> State:
    state = State()
    for line in _lines(Path(out)):
        state.apply(line)
    return state


#: columns of ``documents`` the batch needs to decide what to skip
INDEX_COLUMNS = ["doc_id", "sha256", "source_path", "status", "extractor_version", "province_slug"]


def load_index(out: Path) -> dict[str, dict]:
    """doc_id -> the committed document's index columns (from the journal)."""
    return {
        d: {
            "doc_id": d,
            "sha256": e.sha256,
            "source_path": e.paths[0] if e.paths else None,
            "source_paths": list(e.paths),
            "status": e.status,
            "extractor_version": e.extractor_version,
        }
        for d, e in load_state(Path(out)).docs.items()
    }


# --- the writer --------------------------------------------------------------------------------


class WriterLock:
    """``fcntl.flock`` on ``DIR/.kehoach.lock``: one writer per output folder.

    A second writer fails at once with "another kehoach is writing to DIR (pid N)" (a
    :class:`StoreError`: exit status 2), or waits for the first when ``wait``.
    """

    def __init__(self, out: Path, wait: bool = False):
        self.out = out
        self.path = out / LOCK_NAME
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            if wait:
                if not self._try():
                    log.warning("another kehoach (pid %s) is writing to %s: waiting", self._holder(), out)
                    fcntl.flock(self.fd, fcntl.LOCK_EX)
            elif not self._try():
                raise StoreError(
                    f"another kehoach is writing to {out} (pid {self._holder()}): wait for it to finish, "
                    "or use another --out folder"
                )
        except BaseException:
            os.close(self.fd)
            raise
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)

    def _try(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return False
            raise

    def _holder(self) -> str:
        try:
            return os.pread(self.fd, 32, 0).decode().strip() or "?"
        except OSError:  # pragma: no cover
            return "?"

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = -1


class Writer:
    """The single writer of an output folder: holds the lock, commits documents to the journal."""

    def __init__(self, out: Path, wait: bool = False):
        self.out = Path(out)
        prepare(self.out)
        self.lock = WriterLock(self.out, wait)
        try:
            self._repair()
            self.state = load_state(self.out)
            if not self.state.docs and not (self.out / JOURNAL).exists():
                self._import_legacy()
            self.collect()
        except BaseException:
            self.lock.release()
            raise

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.lock.release()

    # journal

    def _repair(self) -> None:
        """Cut a torn last line off the journal, so the next commit starts on a line of its own."""
        path = self.out / JOURNAL
        if not path.exists():
            return
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            log.warning("%s: removing an uncommitted last line (a run was killed while committing)", path)
            with path.open("r+b") as fh:
                fh.truncate(keep)
                os.fsync(fh.fileno())

    def _append(self, put: Sequence[Entry], drop: Sequence[str]) -> None:
        seq = self.state.seq + 1
        line = {"seq": seq, "put": [e.record() for e in put], "drop": list(drop)}
        data = (json.dumps(line, ensure_ascii=True, sort_keys=True) + "\n").encode("ascii")
        fd = os.open(self.out / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, data)  # the commit point
            os.fsync(fd)
        finally:
            os.close(fd)
        self.state.apply(line)

    # documents

    def put(self, result: DocResult, path: str, settings: ExtractSettings | None = None) -> list[str]:
        """Commit one extracted document found at ``path``; returns the doc_ids it superseded.
        ``settings``: those of its extraction (kept to tell a settings change); None keeps the old ones."""
        old = self.state.docs.get(result.doc_id)
        paths = _union(old.paths if old else [], [path])
        token = _token()
        files: dict[str, str] = {}
        for cls, records in result.rows.items():
            files[cls.table] = self._write(cls.table, result.partition, result.doc_id, token, to_table(cls, records))
        checkpoint("after-tables")
        listed = [nfc(shown(p)) for p in paths]
        doc = dataclasses.replace(result.document, source_path=listed[0], source_paths=listed)
        files[Document.table] = self._write(
            "documents", result.partition, result.doc_id, token, to_table(Document, [doc])
        )
        checkpoint("after-document")
        entry = Entry(result.doc_id, files, paths, result.document.sha256, str(doc.status), str(doc.extractor_version))
        if settings is not None:
            entry.settings, entry.limits = settings.fingerprint(), settings.limits_fingerprint()
        elif old is not None:
            entry.settings, entry.limits = old.settings, old.limits
        return self._commit(entry, path, old)

    def claim(self, doc_id: str, path: str) -> list[str]:
        """Add ``path`` to a committed document with the same bytes (no extraction); returns superseded ids."""
        old = self.state.docs[doc_id]
        if any(path_key(p) == path_key(path) for p in old.paths):
            return []
        entry = self._repath(old, _union(old.paths, [path]))
        return self._commit(entry, path, old)

    def _commit(self, entry: Entry, path: str, old: Entry | None) -> list[str]:
        put, drop = [entry], []
        owner = self.state.owner(path)
        if owner is not None and owner != entry.doc_id:  # the path's previous bytes lose it
            prev = self.state.docs[owner]
            rest = [p for p in prev.paths if path_key(p) != path_key(path)]
            if rest:
                put.append(self._repath(prev, rest))
            else:
                drop.append(owner)
        superseded_files = [old] if old else []
        superseded_files += [self.state.docs[d] for d in drop]
        superseded_files += [self.state.docs[e.doc_id] for e in put[1:]]
        self._append(put, drop)
        checkpoint("after-commit")
        live = {f for e in put for f in e.files.values()}
        for e in superseded_files:
            for rel in e.files.values():
                if rel not in live:
                    (self.out / rel).unlink(missing_ok=True)
        return drop

    def _repath(self, entry: Entry, paths: list[str]) -> Entry:
        """The same document with other source paths: a new version of its ``documents`` file."""
        table = pq.read_table(self.out / entry.files["documents"])
        shown_paths = [nfc(shown(p)) for p in paths]
        table = _set_column(table, "source_path", pa.array([shown_paths[0]] * table.num_rows, pa.string()))
        lists = pa.array([shown_paths] * table.num_rows, pa.list_(pa.string()))
        table = _set_column(table, "source_paths", lists)
        partition = Path(entry.files["documents"]).parent.name.removeprefix("province=")
        files = dict(entry.files)
        files["documents"] = self._write("documents", partition, entry.doc_id, _token(), table)
        return dataclasses.replace(entry, files=files, paths=paths)

    def _write(self, table: str, partition: str, doc_id: str, token: str, data: pa.Table) -> str:
        rel = f"parquet/{table}/province={partition}/{doc_id}-{token}.parquet"
        write_parquet(data, self.out / rel)
        return rel

    def collect(self) -> int:
        """Remove files no committed document names (uncommitted or superseded versions); returns how many."""
        live = {rel for e in self.state.docs.values() for rel in e.files.values()}
        n = 0
        for p in (self.out / "parquet").glob("*/province=*/*"):
            rel = p.relative_to(self.out).as_posix()
            if rel not in live and (p.suffix in (".parquet", ".tmp")):
                p.unlink(missing_ok=True)
                n += 1
        for p in self.out.glob(f".{DB_NAME}.*.tmp*"):
            p.unlink(missing_ok=True)
        if n:
            log.info("removed %d uncommitted or superseded file(s) from %s", n, self.out)
        return n

    def _import_legacy(self) -> None:
        """Adopt a store written before the journal (``<doc_id>.parquet`` files): one line per document."""
        put = []
        for doc_file in sorted((self.out / "parquet" / "documents").glob("province=*/*.parquet")):
            try:
                rows = pq.read_table(doc_file).to_pylist()
            except Exception as exc:
                log.warning("ignoring unreadable %s: %s", doc_file, exc)
                continue
            for row in rows:
                doc_id, partition = row["doc_id"], doc_file.parent.name
                files = {"documents": doc_file.relative_to(self.out).as_posix()}
                for table in TABLES:
                    f = self.out / "parquet" / table / partition / f"{doc_id}.parquet"
                    if table != "documents" and f.exists():
                        files[table] = f.relative_to(self.out).as_posix()
                src = os.path.abspath(row["source_path"])
                entry = Entry(doc_id, files, [src], row["sha256"], row["status"], row["extractor_version"])
                put.append(self._repath(entry, [src]))  # the documents file gains source_paths
        if put:
            log.warning("%s: adopting %d documents written before the journal", self.out, len(put))
            self._append(put, [])


def _union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in [*a, *b]:
        if all(path_key(p) != path_key(q) for q in out):
            out.append(p)
    return out


def _token() -> str:
    return f"{time.time_ns():x}{os.getpid() % 0x10000:04x}"


def _set_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(name)
    return table.set_column(i, name, values) if i >= 0 else table.append_column(name, values)


# --- DuckDB ------------------------------------------------------------------------------------


def parquet_glob(out: Path, table: str) -> str:
    return str((out / "parquet" / table).resolve() / "**" / "*.parquet")


def _state_line(state: State) -> str:
    return f"{schema_version()} {state.seq}"


def duckdb_is_current(out: Path, state: State | None = None) -> bool:
    """True when ``kehoach.duckdb`` was built from the journal as it is now (read from a small file,
    so a run with nothing to do never loads DuckDB)."""
    marker = out / STATE_NAME
    if not (out / DB_NAME).exists() or not marker.exists():
        return False
    state = state if state is not None else load_state(out)
    return marker.read_text(encoding="ascii").strip() == _state_line(state)


def sync_duckdb(out: Path, state: State | None = None, rebuild: bool = False) -> Path:
    """Bring ``kehoach.duckdb`` up to the journal: the documents changed since it was built are deleted
    and inserted again in one transaction, on a copy renamed over the database; a full build when
    there is no database, its schema differs, or ``rebuild``. Call it holding the writer lock."""
    import duckdb  # here, not at module level: a run with nothing to do never needs it

    out = Path(out)
    state = state if state is not None else load_state(out)
    path = out / DB_NAME
    tmp = out / f".{DB_NAME}.{os.getpid()}.tmp"
    for stale in (tmp, Path(f"{tmp}.wal")):
        stale.unlink(missing_ok=True)
    base = None if rebuild or not path.exists() else _meta(path)
    full = base is None or base[0] != schema_version() or base[1] > state.seq
    if not full:
        shutil.copyfile(path, tmp)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("BEGIN TRANSACTION")
        views.drop(con)  # views read the tables rebuilt below
        if full:
            for name in TABLES:
                con.execute(f'DROP TABLE IF EXISTS "{name}"')
                con.execute(ddl(name))
            changed = set(state.docs)
        else:
            assert base is not None
            changed = state.changed_since(base[1])
            _delete(con, changed)
        _insert(con, out, [state.docs[d] for d in sorted(changed) if d in state.docs])
        views.create(con)
        con.execute("CREATE OR REPLACE TABLE kehoach_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute(
            "INSERT INTO kehoach_meta VALUES ('schema_version', ?), ('journal_seq', ?), ('documents_changed', ?)",
            [schema_version(), str(state.seq), str(len(changed))],
        )
        checkpoint("before-duckdb-commit")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    checkpoint("before-duckdb-replace")
    Path(f"{path}.wal").unlink(missing_ok=True)  # never written by this design; a stale one would be replayed
    os.replace(tmp, path)
    atomic_write_text(out / STATE_NAME, _state_line(state), encoding="ascii")
    log.info("DuckDB %s: %s, %d document(s) written", path, "rebuilt" if full else "updated", len(changed))
    return path


def _meta(path: Path) -> tuple[str, int] | None:
    """(schema version, journal line) the database was built from; None when it cannot be read."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        log.warning("rebuilding %s: cannot open it (%s)", path, str(exc).splitlines()[0])
        return None
    try:
        meta = dict(con.execute("SELECT key, value FROM kehoach_meta").fetchall())
        return meta["schema_version"], int(meta["journal_seq"])
    except (duckdb.Error, KeyError, ValueError):
        return None
    finally:
        con.close()


def _delete(con: Any, doc_ids: set[str]) -> None:
    if not doc_ids:
        return
    con.execute("CREATE TEMP TABLE _changed (doc_id VARCHAR)")
    con.executemany("INSERT INTO _changed VALUES (?)", [[d] for d in sorted(doc_ids)])
    for name in TABLES:
        con.execute(f'DELETE FROM "{name}" WHERE doc_id IN (SELECT doc_id FROM _changed)')
    con.execute("DROP TABLE _changed")


def _insert(con: Any, out: Path, entries: Sequence[Entry]) -> None:
    for name, schema in TABLES.items():
        files = [str(out / e.files[name]) for e in entries if name in e.files]
        missing = [f for f in files if not os.path.exists(f)]
        if missing:
            raise StoreError(
                f"{len(missing)} committed file(s) are missing, e.g. {missing[0]}: "
                "ingest those documents again with --force"
            )
        if not files:
            continue
        cols = ", ".join(f'"{f.name}"' for f in schema)
        con.execute(
            f'INSERT INTO "{name}" SELECT {cols} FROM read_parquet(?, hive_partitioning=false, union_by_name=true)',
            [files],
        )
