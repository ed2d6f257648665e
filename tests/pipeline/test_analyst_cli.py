"""The analyst's frictions of issue 13, each run through the command line as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PLANS, ROOT, run_cli

LAOCAI = FIXTURES / "synthetic" / "laocai-stp-cchc-2024.pdf"


def kehoach(*args: str, cwd: Path | None = None, umask: int | None = None, env: dict | None = None):
    """``kehoach ARGS`` in a fresh process (``python -m pipeline``), as from a shell."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


@pytest.mark.slow
def test_every_file_written_to_the_store_respects_the_umask(tmp_path):
    out = tmp_path / "store"
    done = kehoach("ingest", str(LAOCAI), "-d", str(out), "-q", "-j", "1", umask=0o027)
    assert done.returncode == 0, done.stderr
    fixed = kehoach("correct", LAOCAI.name, "--fact", "plan_year", "2024", "-d", str(out), umask=0o027)
    assert fixed.returncode == 0, fixed.stderr
    xlsx = tmp_path / "tasks.xlsx"
    assert kehoach("export", "-d", str(out), "-o", str(xlsx), umask=0o027).returncode == 0
    files = [p for p in out.rglob("*") if p.is_file()] + [xlsx]
    assert any(p.suffix == ".parquet" for p in files) and any(p.parent.name == "corrections" for p in files)
    modes = {p.relative_to(tmp_path).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert set(modes.values()) == {"0o640"}, modes
    # and under the usual umask, a colleague can read them
    shared = tmp_path / "shared"
    assert kehoach("ingest", str(LAOCAI), "-d", str(shared), "-q", "-j", "1", umask=0o022).returncode == 0
    parquet = next(shared.rglob("*.parquet"))
    assert stat.S_IMODE(parquet.stat().st_mode) == 0o644


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow
def test_every_command_that_prints_rows_prints_csv_and_jsonl(ingested, tmp_path):
    status = run_cli("status", "-d", str(ingested), "-f", "csv")
    assert status.exit_code == 0, status.output
    rows = _csv(status.stdout)
    assert [(r["province"], r["province_2025"], r["documents"]) for r in rows] == [
        ("Bắc Kạn", "Thái Nguyên", "1"),
        ("Sơn La", "Sơn La", "1"),
    ]
    lines = run_cli("status", "-d", str(ingested), "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["tasks"] for line in lines] == [57, 43]
    assert json.loads(run_cli("status", "-d", str(ingested), "-f", "json").stdout)["documents"] == 2  # one object
    gold = FIXTURES / "sonla-stttt-cchc-2023.json"
    score = run_cli("eval", "--gold", str(gold), "-d", str(ingested), "-f", "csv")
    assert score.exit_code == 0 and score.stdout.splitlines() == ["row_no,field,differs_at,want,got"]  # 1.0: none
    assert "cells 1.0000 exact" in score.stderr
    again = run_cli("ingest", *(str(FIXTURES / f"{k}.pdf") for k in PLANS), "-d", str(ingested), "-q", "-f", "csv")
    assert again.stdout.splitlines() == ["file,province,pages,tasks,status,seconds,error"]
    assert "2 file(s) skipped (unchanged" in again.stderr


@pytest.mark.slow
def test_query_writes_every_format_through_one_writer(ingested, tmp_path):
    from openpyxl import load_workbook

    sql = "select file_name, columns from documents order by file_name"
    jsonl = run_cli("query", sql, "-d", str(ingested), "-f", "jsonl").stdout.splitlines()
    assert isinstance(json.loads(jsonl[0])["columns"], list) and len(jsonl) == 2
    printed = _csv(run_cli("query", sql, "-d", str(ingested), "-f", "csv").stdout)
    assert isinstance(json.loads(printed[0]["columns"]), list)  # JSON, not a Python repr
    dest = tmp_path / "docs.csv"  # the format from the suffix; a file gets the BOM Excel needs
    assert run_cli("query", sql, "-d", str(ingested), "-o", str(dest)).exit_code == 0
    assert dest.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _csv(dest.read_text(encoding="utf-8-sig")) == printed
    book = tmp_path / "docs.xlsx"
    assert run_cli("query", sql, "-d", str(ingested), "-o", str(book)).exit_code == 0
    ws = load_workbook(book)["query"]
    assert [c.value for c in ws[1]] == ["file_name", "columns"] and ws.cell(2, 2).value == printed[0]["columns"]
    as_json = tmp_path / "docs.json"
    assert run_cli("query", sql, "-d", str(ingested), "-o", str(as_json)).exit_code == 0
    assert [r["file_name"] for r in json.loads(as_json.read_text(encoding="utf-8"))] == [
        r["file_name"] for r in printed
    ]
    no_file = run_cli("query", sql, "-d", str(ingested), "-f", "xlsx")
    assert no_file.exit_code == 2 and "--output" in no_file.stderr


@pytest.mark.slow
def test_eval_shows_long_cells_whole_and_where_they_differ(ingested, tmp_path):
    key = "sonla-stttt-cchc-2023"
    gold = json.loads((FIXTURES / f"{key}.json").read_text(encoding="utf-8"))
    row = max(gold["appendix"]["rows"], key=lambda r: len(r["task"] or ""))
    text = row["task"]
    assert len(text) > 250
    at = next(i for i in range(200, len(text)) if text[i].isalpha())  # past the judge's 160-character cut
    row["task"] = text[:at] + ("x" if text[at] != "x" else "y") + text[at + 1 :]
    changed = tmp_path / "gold.json"
    changed.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    pdf = str(FIXTURES / f"{key}.pdf")
    (miss,) = _csv(run_cli("eval", "--gold", str(changed), "--pdf", pdf, "-d", str(ingested), "-f", "csv").stdout)
    assert miss["field"] == "task" and int(miss["row_no"]) == row["row_no"]
    assert miss["want"] == " ".join(row["task"].split()) and len(miss["got"]) == len(miss["want"])  # whole
    assert miss["want"][: int(miss["differs_at"])] == miss["got"][: int(miss["differs_at"])]
    assert miss["want"][int(miss["differs_at"])] != miss["got"][int(miss["differs_at"])]
    table = run_cli("eval", "--gold", str(changed), "--pdf", pdf, "-d", str(ingested)).stdout
    want = next(line for line in table.splitlines() if line.strip().startswith("want "))
    got = next(line for line in table.splitlines() if line.strip().startswith("got "))
    assert want.split(None, 1)[1] != got.split(None, 1)[1]  # two different cells never look the same
    assert f"differs at character {miss['differs_at']}" in table


def test_an_empty_folder_is_an_error_and_an_empty_one_among_others_a_warning(tmp_path):
    empty = tmp_path / "plans"
    (empty / "notes").mkdir(parents=True)
    (empty / "notes" / "readme.txt").write_text("not a plan", encoding="utf-8")
    store = tmp_path / "store"
    result = run_cli("ingest", str(empty), "-d", str(store), "-q")
    assert result.exit_code == 2 and result.stdout == ""
    assert (
        result.stderr.strip()
        == f"error: nothing to ingest: no .pdf, .docx, .doc file in {empty} (searched recursively)"
    )
    assert not store.exists()  # no empty store was made


@pytest.mark.slow
def test_an_empty_folder_beside_a_plan_is_warned_about(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("ingest", str(empty), str(LAOCAI), "-d", str(tmp_path / "store"), "-q", "-j", "1")
    assert result.exit_code == 0, result.output
    assert f"warning: no .pdf, .docx, .doc file in {empty}" in result.stderr
    assert "laocai-stp-cchc-2024.pdf" in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("ingest", "plan.pdf", "--timeout", "-5"), "'--timeout'"),
        (("ingest", "plan.pdf", "--jobs", "0"), "'--jobs'"),
        (("reextract", "--all", "-j", "-2"), "'--jobs'"),
        (("reextract", "--all", "--timeout", "-1"), "'--timeout'"),
        (("ingest", "plan.pdf", "--limit", "max_pages=-3"), "max_pages=-3"),
        (("ingest", "plan.pdf", "--limit", "max_pages=many"), "max_pages=many"),
        (("query", "select 1", "--limit", "-1"), "'--limit'"),
        (("query", "select 1", "--timeout", "-5"), "'--timeout'"),
        (("review", "--port", "0"), "'--port'"),
    ],
)
def test_a_bad_number_is_a_usage_error_not_a_traceback(tmp_path, args, option):
    result = run_cli(*args, "-d", str(tmp_path))
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1 and option in errors[0], result.stderr
    assert "Traceback" not in result.output


def _blank_scan(path: Path) -> Path:
    """A one-page PDF holding a white A4 image at 200 dpi: a scan with nothing to read."""
    from PIL import Image

    Image.new("L", (1654, 2339), 255).save(path, format="PDF", resolution=200)
    return path


def _error(out: Path, name: str) -> str:
    import duckdb

    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return con.execute("select error from documents where file_name = ?", [name]).fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_a_blank_scan_says_ocr_read_nothing_not_that_tesseract_is_missing(tmp_path):
    from extractors.sources.ocr import ocr_available

    if not ocr_available():
        pytest.skip("tesseract-ocr-vie not installed")
    scan = _blank_scan(tmp_path / "blank-scan.pdf")
    result = run_cli("ingest", str(scan), "-d", str(tmp_path / "out"), "-q", "-j", "1")
    assert result.exit_code == 0, result.output
    error = _error(tmp_path / "out", scan.name)
    assert "OCR (Tesseract) read no text on its 1 page(s)" in error
    assert "not installed" not in error and "not installed" not in result.output


@pytest.mark.slow
def test_without_tesseract_the_message_names_the_missing_program_and_how_to_install_it(tmp_path):
    hide = tmp_path / "hide"  # a machine without tesserocr and without the tesseract program
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['tesserocr'] = None\n", encoding="utf-8")
    scan = _blank_scan(tmp_path / "blank-scan.pdf")
    done = kehoach(
        "ingest",
        str(scan),
        "-d",
        str(tmp_path / "out"),
        "-q",
        "-j",
        "1",
        env={"PYTHONPATH": f"{hide}{os.pathsep}{ROOT}", "PATH": str(hide)},
    )
    assert done.returncode == 0, done.stderr
    error = _error(tmp_path / "out", scan.name)
    assert "the tesseract program is not installed (not found on PATH)" in error
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in error


@pytest.mark.slow
def test_a_table_wider_than_the_terminal_is_shown_record_by_record(ingested):
    from typer.testing import CliRunner

    from pipeline.cli import app

    sql = "select tt, task, lead_text from tasks join documents using (doc_id) where province = 'Sơn La' "
    sql += "order by row_no"
    args = ["query", sql, "-d", str(ingested), "--limit", "3"]
    narrow = CliRunner(env={"COLUMNS": "60"}).invoke(app, args, catch_exceptions=False)
    assert narrow.exit_code == 0, narrow.output
    lines = narrow.stdout.splitlines()
    assert [line for line in lines if line.startswith("-[ RECORD ")] == [
        f"-[ RECORD {i} ]" + "-" * (60 - len(f"-[ RECORD {i} ]")) for i in (1, 2, 3)
    ]
    assert all(len(line) <= 60 for line in lines) and lines[1].startswith("tt        | ")
    full = json.loads(run_cli("query", sql, "-d", str(ingested), "--limit", "1", "-f", "json").stdout)[0]["task"]
    first = lines[lines.index(next(x for x in lines if x.startswith("task "))) :]
    shown = []
    for line in first:
        if line.startswith("lead_text "):
            break
        shown.append(line.split(" | ", 1)[1])
    assert " ".join(shown) == " ".join(full.split())  # wrapped, never cut
    wide = CliRunner(env={"COLUMNS": "400"}).invoke(app, args, catch_exceptions=False)
    assert "RECORD" not in wide.stdout and wide.stdout.splitlines()[0].startswith("┏")
    status = CliRunner(env={"COLUMNS": "30"}).invoke(app, ["status", "-d", str(ingested)], catch_exceptions=False)
    assert "-[ RECORD 1 ]" in status.stdout and "province_2025 | Thái Nguyên" in status.stdout


def test_every_command_has_verbose_quiet_and_documents_its_exit_status():
    from pipeline.cli import app

    names = [c.name for c in app.registered_commands]
    assert {"ingest", "reextract", "rebuild", "query", "status", "correct", "review", "eval", "export"} <= set(names)
    for name in names:
        result = run_cli(name, "--help")
        text = " ".join(result.stdout.split())
        assert result.exit_code == 0 and "-v, --verbose" in text and "-q, --quiet" in text, name
        assert "Exit status: 0 done; 1 an internal error" in text and "2 a usage error" in text, name
        assert "130 interrupted (Ctrl-C)" in text, name
    assert "Documents that cannot be read do not change the exit status" in " ".join(
        run_cli("ingest", "--help").stdout.split()
    )


@pytest.mark.slow
def test_verbose_logs_and_quiet_silences_the_notes(ingested, tmp_path):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(ingested, store)
    loud = run_cli("rebuild", "-d", str(store), "-v")
    assert loud.exit_code == 0 and "INFO pipeline.store: DuckDB" in loud.stderr
    assert "DuckDB database rebuilt" in loud.stderr
    silent = run_cli("rebuild", "-d", str(store), "--quiet")
    assert silent.exit_code == 0 and silent.stderr == "" and silent.stdout == ""
    dest = tmp_path / "n.csv"
    written = run_cli("query", "select count(*) as n from tasks", "-d", str(store), "-o", str(dest), "-q")
    assert written.exit_code == 0 and written.stderr == "" and dest.read_bytes() == b"\xef\xbb\xbfn\r\n100\r\n"
    told = run_cli("query", "select count(*) as n from tasks", "-d", str(store), "-o", str(dest))
    assert told.stderr.strip() == f"1 rows written to {dest}"


@pytest.mark.slow
def test_settings_changes_count_reextract_forces_and_names_the_files_not_found(tmp_path):
    import shutil

    import duckdb

    work = tmp_path / "work"
    (work / "plans").mkdir(parents=True)
    shutil.copy(LAOCAI, work / "plans" / LAOCAI.name)
    store = tmp_path / "store"
    first = kehoach("ingest", "plans", "-d", str(store), "-q", "-j", "1", cwd=work)  # a relative path
    assert first.returncode == 0, first.stderr
    same = run_cli("ingest", str(work / "plans"), "-d", str(store), "-q", "-f", "csv")
    assert same.stdout.splitlines()[1:] == [] and "1 file(s) skipped (unchanged" in same.stderr
    camelot = run_cli("ingest", str(work / "plans"), "-d", str(store), "-q", "-f", "csv", "--engine", "camelot")
    assert [r["file"] for r in _csv(camelot.stdout)] == [LAOCAI.name], camelot.output  # not skipped as unchanged

    def engine() -> str:
        con = duckdb.connect(str(store / "kehoach.duckdb"), read_only=True)
        try:
            return con.execute("select engine from documents").fetchone()[0]
        finally:
            con.close()

    assert engine() == "camelot"
    again = run_cli("ingest", str(work / "plans"), "-d", str(store), "-q", "--engine", "camelot")
    assert "1 file(s) skipped (unchanged" in again.stdout
    # from another folder: the stored absolute paths are found, and --force is accepted
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    redo = kehoach("reextract", "--all", "--force", "-d", str(store), "-q", "-j", "1", "-f", "csv", cwd=elsewhere)
    assert redo.returncode == 0, redo.stderr
    assert [r["file"] for r in _csv(redo.stdout)] == [LAOCAI.name] and engine() == "pdfplumber"
    (work / "plans").rename(work / "moved")
    gone = kehoach("reextract", "--all", "-d", str(store), "-q", cwd=elsewhere)
    assert gone.returncode == 0, gone.stderr
    assert f"1 file(s) not found (their stored rows are kept): {work / 'plans' / LAOCAI.name}" in gone.stdout
    assert "unchanged" not in gone.stdout and engine() == "pdfplumber"


@pytest.mark.slow
def test_an_ocred_plan_and_its_text_layer_twin_are_one_province_group(tmp_path):
    from extractors.sources.ocr import ocr_available

    if not ocr_available():
        pytest.skip("tesseract-ocr-vie not installed")
    scan = LAOCAI.with_name("laocai-stp-cchc-2024-scan.pdf")  # the same plan printed and scanned
    done = run_cli("ingest", str(LAOCAI), str(scan), "-d", str(tmp_path), "-q", "-f", "csv")
    assert done.exit_code == 0, done.output
    assert {r["file"]: r["status"] for r in _csv(done.stdout)} == {LAOCAI.name: "ok", scan.name: "ok"}
    groups = _csv(run_cli("status", "-d", str(tmp_path), "-f", "csv").stdout)
    assert [(g["province"], g["province_2025"], g["documents"]) for g in groups] == [("Lào Cai", "Lào Cai", "2")]
    sql = "select file_name, ocr_pages, province_raw from documents"
    docs = run_cli("query", sql, "-d", str(tmp_path), "-f", "csv")
    ocred = {r["file_name"]: r for r in _csv(docs.stdout)}
    assert json.loads(ocred[scan.name]["ocr_pages"]) == [1, 2, 3] and ocred[scan.name]["province_raw"]
