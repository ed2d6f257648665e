"""Table schemas, derived from the typed records of :mod:`pipeline.tables`: Parquet files are written
with them and the DuckDB DDL is derived from them in turn."""

from __future__ import annotations

import pyarrow as pa

from pipeline.files import lines_sha256
from pipeline.tables import RECORDS, schema_of

TABLES: dict[str, pa.Schema] = {name: schema_of(cls) for name, cls in RECORDS.items()}

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
}


def duck_type(t: pa.DataType) -> str:
    if t in _DUCK_TYPES:
        return _DUCK_TYPES[t]
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    if pa.types.is_list(t):
        return duck_type(t.value_type) + "[]"
    if pa.types.is_map(t):
        return f"MAP({duck_type(t.key_type)}, {duck_type(t.item_type)})"
    raise TypeError(f"no DuckDB type for {t}")


def primary_key(name: str) -> tuple[str, ...]:
    """The natural key of an output table (its record's ``key``; empty: the table has none)."""
    cls = RECORDS.get(name)
    return tuple(getattr(cls, "key", ())) if cls is not None else ()


def ddl(name: str, schema: pa.Schema | None = None) -> str:
    """``CREATE TABLE`` of an output table (or of any schema given), with its primary key if it has one."""
    key = primary_key(name) if schema is None else ()
    schema = schema if schema is not None else TABLES[name]
    cols = [f'"{f.name}" {duck_type(f.type)}' for f in schema]
    if key:
        cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")")
    body = ",\n  ".join(cols)
    return f'CREATE TABLE IF NOT EXISTS "{name}" (\n  {body}\n)'


def schema_version() -> str:
    """A fingerprint of every table's DDL: DuckDB is rebuilt from Parquet when it changes."""
    return lines_sha256(ddl(name) for name in TABLES)[:16]
