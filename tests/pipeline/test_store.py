"""Storage: Parquet and DuckDB agree, re-runs are idempotent, writes are atomic."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline import store
from pipeline.schema import TABLES, ddl
from tests.conftest import FIXTURES, PLANS, ROOT, gold, run_cli

GOOD = FIXTURES / "sonla-stttt-cchc-2023.pdf"


def counts(out):
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def parquet_counts(out):
    con = duckdb.connect()
    return {
        t: con.execute(
            "select count(*) from read_parquet(?, hive_partitioning=true, union_by_name=true)",
            [store.parquet_glob(out, t)],
        ).fetchone()[0]
        for t in TABLES
    }


def test_layout_is_hive_partitioned_by_province_slug(ingested):
    parts = sorted(p.name for p in (ingested / "parquet" / "tasks").iterdir())
    assert parts == ["province=bac-kan", "province=son-la"]
    con = duckdb.connect(str(ingested / "kehoach.duckdb"), read_only=True)
    provinces = con.execute("select province, province_slug from documents order by 1").fetchall()
    assert provinces == [("Bắc Kạn", "bac-kan"), ("Sơn La", "son-la")]


def test_duckdb_equals_parquet(ingested):
    assert counts(ingested) == parquet_counts(ingested)
    assert counts(ingested)["tasks"] == 43 + 57


def test_reingest_is_idempotent(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(GOOD, raw / "a.pdf")
    out = tmp_path / "out"
    assert run_cli("ingest", str(raw), "--out", str(out), "--quiet").exit_code == 0
    first = counts(out)
    shutil.copy(GOOD, raw / "same-bytes-other-name.pdf")
    assert run_cli("ingest", str(raw), "--out", str(out), "--quiet").exit_code == 0
    assert counts(out) == first == {**first, "documents": 1, "tasks": 43}


def readme_sql() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.findall(r"```sql\n(.*?)```", text, re.DOTALL)[0]  # the others: tests/pipeline/test_normalized_tables.py
    return [stmt.strip() for stmt in first.split(";") if stmt.strip()]


def test_readme_sql_runs_and_answers(ingested):
    con = duckdb.connect(str(ingested / "kehoach.duckdb"), read_only=True)
    statements = readme_sql()
    assert len(statements) >= 2
    per_section = con.execute(statements[0]).fetchall()
    expected = Counter(
        (gold(k)["doc"]["province"], r["section_code"], r["section_title"])
        for k in PLANS
        for r in gold(k)["appendix"]["rows"]
    )
    assert sorted(per_section) == sorted((*key, n) for key, n in expected.items())
    for stmt in statements[1:]:
        assert con.execute(stmt).fetchall()


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    dest = tmp_path / "t.parquet"
    import pyarrow as pa

    good = pa.table({"a": [1]})
    store.write_parquet(good, dest)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", boom)
    with pytest.raises(OSError):
        store.write_parquet(pa.table({"a": [2]}), dest)
    assert pq.read_table(dest).to_pylist() == [{"a": 1}]
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_ddl_is_derived_from_the_schema():
    text = ddl("tasks", TABLES["tasks"])
    assert '"extra" MAP(VARCHAR, VARCHAR)' in text
    assert '"page_start" INTEGER' in text
