"""Typed records: the Parquet schemas and DuckDB DDL derived from them, and what a record refuses."""

from __future__ import annotations

from pipeline.schema import TABLES, ddl


def render_tables() -> str:
    """Every output table as stored: arrow type, nullability and DuckDB DDL of each column, in order."""
    parts = []
    for name, schema in TABLES.items():
        parts.append(f"## {name}")
        parts.extend(f"{f.name}: {f.type}{'' if f.nullable else ' not null'}" for f in schema)
        parts.append(ddl(name, schema))
        parts.append("")
    return "\n".join(parts)


def test_output_tables_are_unchanged_column_for_column(golden):
    """tests/golden/schema/tables.txt was written from the hand-written schemas before they were derived."""
    golden("schema/tables.txt", render_tables())
