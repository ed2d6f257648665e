"""Table schemas, declared once: Parquet files are written with them and DuckDB DDL is derived from them."""

from __future__ import annotations

import pyarrow as pa

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sha256", pa.string()),
        ("source_path", pa.string()),
        ("file_name", pa.string()),
        ("pages", pa.int32()),
        ("province", pa.string()),
        ("province_slug", pa.string()),
        ("agency", pa.string()),
        ("plan_year", pa.int32()),
        ("title", pa.string()),
        ("doc_type", pa.string()),
        ("number", pa.string()),
        ("place_date", pa.string()),
        ("signer", pa.string()),
        ("signer_title", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("engine", pa.string()),
        ("extractor_version", pa.string()),
        ("extracted_at", pa.timestamp("us", tz="UTC")),
        ("seconds", pa.float64()),
        ("n_tasks", pa.int32()),
        ("table_pages", pa.list_(pa.int32())),
        ("cross_checked_pages", pa.list_(pa.int32())),
        ("columns", pa.list_(pa.string())),
    ]
)

TASKS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),
        ("section_code", pa.string()),
        ("section_title", pa.string()),
        ("group_title", pa.string()),
        ("tt", pa.string()),
        ("objective", pa.string()),
        ("task", pa.string()),
        ("activity", pa.string()),
        ("output", pa.string()),
        ("lead_text", pa.string()),
        ("partner_text", pa.string()),
        ("deadline_text", pa.string()),
        ("budget_text", pa.string()),
        ("page_start", pa.int32()),
        ("page_end", pa.int32()),
        ("extra", pa.map_(pa.string(), pa.string())),
    ]
)

#: Provenance: where each value of ``tasks`` was printed (a split or merged cell has several fragments).
TASK_CELLS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),
        ("field", pa.string()),
        ("fragment", pa.int32()),
        ("page", pa.int32()),
        ("x0", pa.float32()),
        ("top", pa.float32()),
        ("x1", pa.float32()),
        ("bottom", pa.float32()),
        ("text", pa.string()),
    ]
)

LEGAL_REFS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),  # null: cited in the body, outside the task table
        ("field", pa.string()),  # tasks column the citation is in; null for the body
        ("doc_type", pa.string()),
        ("number", pa.string()),
        ("code", pa.string()),
        ("issuer", pa.string()),
        ("year", pa.int32()),
        ("issued_date", pa.date32()),
        ("raw", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "tasks": TASKS,
    "task_cells": TASK_CELLS,
    "legal_refs": LEGAL_REFS,
}

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


def ddl(name: str, schema: pa.Schema) -> str:
    cols = ",\n  ".join(f'"{f.name}" {duck_type(f.type)}' for f in schema)
    return f'CREATE TABLE IF NOT EXISTS "{name}" (\n  {cols}\n)'
