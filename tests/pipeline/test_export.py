"""Exports read back as a spreadsheet user would open them (openpyxl, csv), Vietnamese intact."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from pipeline.export import ExportError, Filters, export

pytestmark = pytest.mark.slow


def _db(out):
    return duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)


def test_xlsx_has_a_sheet_per_table_with_the_analysts_task_list(ingested, tmp_path):
    from openpyxl import load_workbook

    dest = tmp_path / "kế hoạch.xlsx"
    counts = export(ingested, dest, tables=("documents", "tasks", "task_units"))
    wb = load_workbook(dest)
    assert wb.sheetnames == ["documents", "tasks", "task_units"]
    tasks = wb["tasks"]
    header = [c.value for c in tasks[1]]
    assert {"province", "task", "lead_units", "partner_units", "due_date"} <= set(header)
    assert tasks.freeze_panes == "A2" and tasks.auto_filter.ref
    con = _db(ingested)
    n = con.execute("select count(*) from tasks").fetchone()[0]
    assert counts["tasks"] == n == tasks.max_row - 1
    first = dict(zip(header, [c.value for c in tasks[2]], strict=True))
    want = con.execute(
        "select t.task, d.province from tasks t join documents d using (doc_id) where t.doc_id = ? and t.row_no = ?",
        [first["doc_id"], first["row_no"]],
    ).fetchone()
    assert (first["task"], first["province"]) == want  # Vietnamese as stored, NFC
    units = con.execute(
        "select string_agg(unit_name, '; ' order by position) from task_units where doc_id = ? and row_no = ? "
        "and role = 'lead'",
        [first["doc_id"], first["row_no"]],
    ).fetchone()[0]
    assert first["lead_units"] == units
    documents = wb["documents"]
    cols = [c.value for c in documents[1]]
    columns_cell = documents.cell(2, cols.index("columns") + 1).value
    assert isinstance(json.loads(columns_cell), list)  # a list column is JSON text, not a Python repr


def test_vietnamese_titles_and_province_filter(ingested, tmp_path):
    from openpyxl import load_workbook

    dest = tmp_path / "son-la.xlsx"
    counts = export(ingested, dest, tables=("tasks",), filters=Filters(province="son-la"), vietnamese=True)
    ws = load_workbook(dest)["tasks"]
    header = [c.value for c in ws[1]]
    assert "Nhiệm vụ" in header and "Chủ trì" in header
    provinces = {ws.cell(r, header.index("Tỉnh/Thành phố") + 1).value for r in range(2, ws.max_row + 1)}
    assert provinces == {"Sơn La"}
    assert (
        counts["tasks"]
        == _db(ingested)
        .execute("select count(*) from tasks join documents using (doc_id) where province_slug = 'son-la'")
        .fetchone()[0]
    )


def test_csv_is_utf8_with_bom_and_lists_as_json(ingested, tmp_path):
    dest = tmp_path / "documents.csv"
    export(ingested, dest, tables=("documents",))
    raw = dest.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(dest.read_text(encoding="utf-8-sig").splitlines()))
    assert {r["province"] for r in rows} == {"Sơn La", "Bắc Kạn"}
    assert all(isinstance(json.loads(r["columns"]), list) for r in rows)


def test_parquet_and_query_export(ingested, tmp_path):
    import pyarrow.parquet as pq

    dest = tmp_path / "q.parquet"
    export(ingested, dest, sql="select province, count(*) as n from v_tasks group by province order by 1")
    table = pq.read_table(dest)
    assert table.column_names == ["province", "n"] and table.num_rows == 2


def test_refusals_are_one_line_messages(ingested, tmp_path):
    with pytest.raises(ExportError, match="one table"):
        export(ingested, tmp_path / "two.csv", tables=("documents", "tasks"))
    with pytest.raises(ExportError, match="no table named"):
        export(ingested, tmp_path / "x.xlsx", tables=("nope",))
    with pytest.raises(ExportError, match="unknown export format"):
        export(ingested, tmp_path / "x.ods")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_export_and_version_from_the_command_line(ingested, tmp_path):
    from openpyxl import load_workbook

    from tests.conftest import run_cli

    dest = tmp_path / "out.xlsx"
    result = run_cli("export", "-o", str(dest), "-d", str(ingested), "-t", "tasks", "--province", "Bắc Kạn")
    assert result.exit_code == 0, result.output
    assert load_workbook(dest).sheetnames == ["tasks"]
    bad = run_cli("export", "-o", str(tmp_path / "x.csv"), "-d", str(ingested), "-t", "documents", "-t", "tasks")
    assert bad.exit_code == 2 and "one table" in bad.output
    version = run_cli("--version")
    assert version.exit_code == 0 and version.output.startswith("kehoach ") and "extractor" in version.output
