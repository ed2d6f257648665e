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
        ("unit_dictionary_version", pa.string()),
        ("province_2025", pa.string()),  # the province it belongs to since the 1/7/2025 merger
        ("text_encoding", pa.string()),  # unicode, or the legacy encoding converted (tcvn3, vni)
        ("ocr_pages", pa.list_(pa.int32())),  # pages read from their image with Tesseract
        ("ocr_confidence", pa.float64()),  # mean word confidence of those pages (0-100)
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
        ("ocr_confidence", pa.float64()),  # OCR pages: mean word confidence of the row's cells
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

TASK_UNITS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),
        ("role", pa.string()),  # lead | partner
        ("position", pa.int32()),  # order of the unit in its cell, from 1
        ("unit_raw", pa.string()),  # as printed
        ("unit_name", pa.string()),  # canonical, abbreviations expanded
        ("unit_kind", pa.string()),  # issuer internal provincial local central enterprise group other
        ("unit_note", pa.string()),  # what the cell says the unit does ("tổng hợp xây dựng báo cáo")
        ("matched", pa.string()),  # how the name was found: alias, abbreviation, document, none
        ("province", pa.string()),  # issuing province: "Văn phòng Sở" of two provinces never merges
        ("unit_key", pa.string()),  # ASCII key for joins, scoped by province (and agency for its own units)
    ]
)

TASK_DEADLINES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),
        ("position", pa.int32()),
        ("kind", pa.string()),  # continuous recurring due month quarter year period on_event relative unparsed
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("recurrence", pa.string()),  # "quarterly,yearly", "2/year", "periodic"
        ("text", pa.string()),  # the clause, as printed
        ("phrase", pa.string()),  # the words that fix the time
        ("label", pa.string()),  # what is due ("Ban hành kế hoạch")
        ("event", pa.string()),  # on_event/relative: what it waits for
    ]
)

TARGETS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("row_no", pa.int32()),  # null: stated in the body's "Chỉ tiêu"/"Mục tiêu" parts
        ("field", pa.string()),  # tasks column it is stated in; null for the body
        ("percent", pa.float64()),
        ("comparator", pa.string()),  # = >= > <= <
        ("subject", pa.string()),
        ("subject_head", pa.string()),
        ("scope", pa.string()),  # "Cấp tỉnh", "cấp xã"
        ("section", pa.string()),  # body: the headings above it; cells: the task's section title
        ("raw", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "tasks": TASKS,
    "task_cells": TASK_CELLS,
    "legal_refs": LEGAL_REFS,
    "task_units": TASK_UNITS,
    "task_deadlines": TASK_DEADLINES,
    "targets": TARGETS,
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
