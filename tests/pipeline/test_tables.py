"""Typed records: the Parquet schemas and DuckDB DDL derived from them, and what a record refuses."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
import pytest

from normalizers import deadlines, units
from pipeline.records import TableRows
from pipeline.schema import TABLES, ddl, duck_type
from pipeline.tables import (
    RECORDS,
    DeadlineKind,
    Document,
    LegalRef,
    Role,
    Status,
    Target,
    Task,
    TaskUnit,
    UnitKind,
    arrow_type,
    schema_of,
    to_table,
)


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


def test_schemas_are_derived_from_the_records():
    assert list(TABLES) == list(RECORDS)
    for name, cls in RECORDS.items():
        assert TABLES[name] == schema_of(cls)
        assert TABLES[name].names == [f.name for f in dataclasses.fields(cls)]
    assert TABLES["task_cells"].field("x0").type == pa.float32()  # Annotated width
    assert TABLES["tasks"].field("extra").type == pa.map_(pa.string(), pa.string())
    assert TABLES["documents"].field("status").type == pa.string()  # an enum, stored as its value


def test_table_rows_are_named_after_the_tables():
    assert [f.name for f in dataclasses.fields(TableRows)] == [t for t in RECORDS if t != "documents"]
    assert [cls for cls, _ in TableRows().items()] == [c for c in RECORDS.values() if c is not Document]


def test_a_misspelled_or_missing_column_fails():
    with pytest.raises(TypeError):
        Task(doc_id="d", row_no=1, lead_txt="Sở Tư pháp")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        LegalRef(doc_id="d", row_no=None, field=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Task("d", 1)  # type: ignore[misc]  # keyword-only: no column can be passed in the wrong place
    task = Task(doc_id="d", row_no=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.row_no = 2  # type: ignore[misc]


def test_a_record_of_the_wrong_table_is_refused():
    with pytest.raises(TypeError, match="not a row of tasks"):
        to_table(Task, [Target(doc_id="d", row_no=None, field=None, percent=None, comparator=None, subject=None,
                               subject_head=None, scope=None, section=None, raw="")])  # fmt: skip


def test_enums_are_stored_as_their_values():
    unit = TaskUnit(
        doc_id="d",
        row_no=1,
        role=Role.LEAD,
        position=1,
        unit_raw="Sở TP",
        unit_written="Sở TP",
        unit_name="Sở Tư pháp",
        unit_kind=UnitKind.PROVINCIAL,
        unit_note=None,
        matched="abbreviation",
        province="Sơn La",
        unit_key="son-la/so-tu-phap",
    )
    table = to_table(TaskUnit, [unit])
    assert table.schema == TABLES["task_units"]
    row = table.to_pylist()[0]
    assert (row["role"], row["unit_kind"]) == ("lead", "provincial")
    assert type(row["role"]) is str
    doc = to_table(Document, [Document(doc_id="d", sha256="0" * 64, source_path="a.pdf", file_name="a.pdf")])
    assert doc.to_pylist()[0]["status"] == "failed"


def test_enums_cover_what_the_normalizers_produce():
    """The normalizers' kinds are converted at the record boundary: a new kind must be added here too."""
    assert {k.value for k in UnitKind} == set(units.KINDS)
    assert {k.value for k in DeadlineKind} == set(deadlines.KINDS)
    assert [s.value for s in Status] == ["ok", "partial", "failed"]


def test_arrow_type_refuses_what_it_cannot_store():
    with pytest.raises(TypeError):
        arrow_type(int | str)
    with pytest.raises(TypeError):
        arrow_type(tuple[int, int])


def test_written_parquet_and_duckdb_have_the_derived_columns(ingested):
    import duckdb
    import pyarrow.parquet as pq

    con = duckdb.connect(str(ingested / "kehoach.duckdb"), read_only=True)
    try:
        for name, schema in TABLES.items():
            files = sorted((ingested / "parquet" / name).glob("province=*/*.parquet"))
            assert files, name
            assert all(pq.read_schema(f).remove_metadata() == schema for f in files), name
            described = [(c, t) for c, t, *_ in con.execute(f'describe "{name}"').fetchall()]
            declared = [(f.name, duck_type(f.type).replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE")) for f in schema]
            assert described == declared, name
    finally:
        con.close()


def test_architecture_doc_lists_every_column_in_order():
    import re

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name, schema in TABLES.items():
        m = re.search(rf"^- `{name}`: (.*?)(?=\n  \(|\n- |\n\n)", text, re.S | re.M)
        assert m, name
        listed = re.sub(r"\([^)]*\)", "", m.group(1))
        assert [c.strip() for c in listed.split(",")] == schema.names, name
