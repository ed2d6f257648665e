"""`kehoach query` and `kehoach status` through the CLI runner on the ingested fixtures."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'


def test_query_formats(ingested, tmp_path):
    sql = "select province, count(*) as n from tasks join documents using (doc_id) group by 1 order by 1"
    table = run_cli("query", sql, "--out", str(ingested))
    assert table.exit_code == 0 and "Bắc Kạn" in table.output and "57" in table.output
    as_csv = run_cli("query", sql, "--out", str(ingested), "--format", "csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["province", "n"], ["Bắc Kạn", "57"], ["Sơn La", "43"]]
    as_json = run_cli("query", sql, "--out", str(ingested), "--format", "json")
    assert json.loads(as_json.stdout) == [{"province": "Bắc Kạn", "n": 57}, {"province": "Sơn La", "n": 43}]
    dest = tmp_path / "r.parquet"
    as_parquet = run_cli(
        "query",
        "select * from province_tasks('Sơn La')",
        "--out",
        str(ingested),
        "-f",
        "parquet",
        "--output",
        str(dest),
    )
    assert as_parquet.exit_code == 0 and pq.read_table(dest).num_rows == 43


def test_query_is_read_only_and_errors_are_clear(ingested, tmp_path):
    write = run_cli("query", "delete from tasks", "--out", str(ingested))
    assert write.exit_code == 2 and "read-only" in write.output.lower()
    bad = run_cli("query", "select nope from tasks", "--out", str(ingested))
    assert bad.exit_code == 2 and "nope" in bad.output
    missing = run_cli("query", "select 1", "--out", str(tmp_path))
    assert missing.exit_code == 2 and "kehoach ingest" in missing.output


def test_status(ingested):
    result = run_cli("status", "--out", str(ingested), "--format", "json")
    info = json.loads(result.stdout)
    assert info["documents"] == 2 and info["by_status"] == {"ok": 2} and info["tasks"] == 100
    assert {p["province"] for p in info["provinces"]} == {"Sơn La", "Bắc Kạn"}
    assert list(info["extractor_versions"]) == [__import__("extractors").EXTRACTOR_VERSION]
    table = run_cli("status", "--out", str(ingested))
    assert table.exit_code == 0 and "documents: 2" in table.output


def readme_queries() -> list[tuple[str, list[str]]]:
    """The README's `$ kehoach query "…"` examples with the output printed under them."""
    from tests.conftest import ROOT

    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        if lines[i].startswith("    $ kehoach query "):
            command = lines[i][len("    $ kehoach query ") :]
            i += 1
            while lines[i].startswith("                     "):
                command += " " + lines[i].strip()
                i += 1
            expected = []
            while i < len(lines) and lines[i].startswith("    ") and not lines[i].startswith("    $"):
                expected.append(lines[i][4:])
                i += 1
            out.append((command, expected))
        else:
            i += 1
    return out


def test_readme_query_examples_print_what_the_readme_shows(ingested):
    import shlex

    examples = readme_queries()
    assert len(examples) >= 3
    for command, expected in examples:
        args = shlex.split(command)
        result = run_cli("query", *args, "--out", str(ingested))
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == expected, command
