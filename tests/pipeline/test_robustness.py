"""Issue 12: no file stops a corpus, one writer, free readers, an atomic store, a sandboxed query.

Real files (bad names, FIFOs, devices, dangling links), real worker processes, real kills
(``KEHOACH_FAULT`` kill points, SIGKILL of the parent), real concurrent processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pikepdf
import pytest

from extractors.settings import ExtractSettings, Limits
from pipeline import store
from pipeline.ingest import ingest, rebuild, reextract
from tests.conftest import FIXTURES, ROOT, run_cli

GOOD = FIXTURES / "sonla-stttt-cchc-2023.pdf"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def page_pdf(dest: Path, *pages: int) -> Path:
    """A small real plan: some pages of the Sơn La fixture (page 9 holds part of its task table)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.open(GOOD) as src, pikepdf.new() as pdf:
        for i in pages:
            pdf.pages.append(src.pages[i])
        pdf.save(dest)
    return dest


def cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=kw.pop("cwd", ROOT),
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=900,
        **kw,
    )


def rows(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(out: Path) -> dict[str, list]:
    return {
        "documents": sorted(rows(out, "select doc_id, status, n_tasks, source_paths from documents")),
        "tasks": sorted(rows(out, "select doc_id, row_no, task from tasks")),
        "units": rows(out, "select count(*) from task_units")[0],
    }


# --- isolation ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_hostile_inputs_each_fail_alone(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    page_pdf(raw / "plan.pdf", 8)
    bad = os.fsdecode(bytes(raw) + b"/k\xe9 ho\xff.pdf")  # Latin-1 bytes: not UTF-8
    shutil.copy(raw / "plan.pdf", bad)
    page_pdf(raw / "doomed.pdf", 0)
    os.mkfifo(raw / "pipe.pdf")
    (raw / "zero.pdf").symlink_to("/dev/zero")
    (raw / "gone-1.pdf").symlink_to(tmp_path / "nowhere-1")
    (raw / "gone-2.pdf").symlink_to(tmp_path / "nowhere-2")
    monkeypatch.setenv("KEHOACH_FAULT", "worker-start:doomed")  # SIGKILLs the worker reading it
    out = tmp_path / "out"
    summary = ingest([raw, "/dev/zero"], out, jobs=2, executor="processes")
    refused = {Path(s.source_path).name: s.reason for s in summary.skipped if s.reason.startswith("refused")}
    assert set(refused) == {"pipe.pdf", "zero.pdf", "zero"}
    assert "named pipe" in refused["pipe.pdf"] and "character device" in refused["zero"]
    docs = {r[0]: r[1:] for r in rows(out, "select file_name, doc_id, status, error, n_tasks from documents")}
    twin = "plan.pdf" if "plan.pdf" in docs else "k\\xe9 ho\\xff.pdf"  # identical bytes: one document
    assert set(docs) == {twin, "doomed.pdf", "gone-1.pdf", "gone-2.pdf"}
    assert docs["doomed.pdf"][1] == "failed" and "worker died" in docs["doomed.pdf"][2]
    assert "SIGKILL" in docs["doomed.pdf"][2]
    assert docs["gone-1.pdf"][0] != docs["gone-2.pdf"][0]  # a distinct id for each unreadable file
    assert "0" * 16 not in {d[0] for d in docs.values()}
    (paths,) = rows(out, f"select source_paths from documents where doc_id = '{docs[twin][0]}'")[0]
    assert sorted(Path(p).name for p in paths) == ["k\\xe9 ho\\xff.pdf", "plan.pdf"]  # shown escaped
    assert all(os.path.isabs(p) for p in paths)
    assert docs[twin][1] == "ok" and docs[twin][3] > 0


@pytest.mark.slow
def test_parents_death_takes_its_workers(tmp_path):
    raw = tmp_path / "raw"
    for i in range(4):
        page_pdf(raw / f"p{i}.pdf", 8, i)
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", str(raw), "--out", str(tmp_path / "out"), "-j", "2", "-q"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 120
    while len(children) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        children = _descendants(proc.pid)
    assert children, "no workers started"
    proc.send_signal(signal.SIGKILL)  # the parent only, not its process group
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.2)
    alive = [c for c in children if _alive(c)]
    for c in alive:
        os.kill(c, signal.SIGKILL)
    assert not alive, f"workers outlived their parent: {alive}"


def _descendants(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for c in task.read_text().split():
            out.add(int(c))
            out |= _descendants(int(c))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# --- a consistent store ------------------------------------------------------------------------


@pytest.mark.slow
def test_twins_are_one_document_and_editing_one_keeps_the_other(tmp_path):
    a, b = tmp_path / "in" / "a.pdf", tmp_path / "in" / "b.pdf"
    page_pdf(a, 8)
    shutil.copy(a, b)
    out = tmp_path / "out"
    ingest([a, b], out)
    (doc_id, paths, n) = rows(out, "select doc_id, source_paths, n_tasks from documents")[0]
    assert sorted(paths) == [str(a), str(b)] and n > 0
    page_pdf(a, 9)  # a's bytes change, b's do not
    summary = ingest([a, b], out)
    assert summary.superseded == []  # b still holds the old document
    docs = dict(rows(out, "select doc_id, source_paths from documents"))
    assert docs[doc_id] == [str(b)] and len(docs) == 2
    assert rows(out, f"select count(*) from tasks where doc_id = '{doc_id}'")[0][0] == n
    shutil.copy(a, b)  # now b has a's new bytes: the old document has no path left
    summary = ingest([a, b], out)
    assert summary.superseded == [doc_id]
    assert [sorted(p) for (p,) in rows(out, "select source_paths from documents")] == [[str(a), str(b)]]


def test_duckdb_has_primary_keys(ingested, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(ingested / "kehoach.duckdb", db)
    con = duckdb.connect(str(db))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into documents select * from documents limit 1")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into tasks select * from tasks limit 1")
    con.close()


@pytest.fixture(scope="module")
def replace_case(tmp_path_factory):
    """Two plans, and the new bytes one of them will get."""
    base = tmp_path_factory.mktemp("replace")
    page_pdf(base / "raw" / "a.pdf", 8)
    page_pdf(base / "raw" / "b.pdf", 9)
    return base / "raw", page_pdf(base / "a-new.pdf", 8, 9)


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    ["after-tables:1", "after-document:1", "after-commit:1", "before-duckdb-commit:1", "before-duckdb-replace:1"],
)
def test_a_kill_at_each_step_of_a_replace_then_rerun_equals_a_clean_run(tmp_path, replace_case, fault):
    raw0, new = replace_case
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw0, raw)
    assert cli("ingest", str(raw), "--out", str(out), "-q").returncode == 0
    shutil.copy(new, raw / "a.pdf")  # a.pdf changes
    before = snapshot(out)
    killed = cli("ingest", str(raw), "--out", str(out), "-q", env={**ENV, "KEHOACH_FAULT": fault})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert snapshot(out) == before  # DuckDB is replaced only once complete: readers still see the old state
    rerun = cli("ingest", str(raw), "--out", str(out), "-q")
    assert rerun.returncode == 0, rerun.stderr
    want = tmp_path / "want"
    assert cli("ingest", str(raw), "--out", str(want), "-q").returncode == 0
    assert snapshot(out) == snapshot(want)
    files = sorted(p.name for p in (out / "parquet" / "tasks").glob("*/*.parquet"))
    assert len(files) == 2  # the superseded and uncommitted versions are gone


# --- one writer, free readers, incremental DuckDB -----------------------------------------------


@pytest.mark.slow
def test_second_writer_exits_2_naming_the_first(tmp_path):
    page_pdf(tmp_path / "raw" / "a.pdf", 8)
    (tmp_path / "out").mkdir()
    lock = store.WriterLock(tmp_path / "out")
    try:
        r = cli("ingest", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "-q")
        assert r.returncode == 2
        assert f"another kehoach is writing to {tmp_path / 'out'} (pid {os.getpid()})" in r.stderr
        assert "Traceback" not in r.stderr
    finally:
        lock.release()


@pytest.mark.slow
def test_concurrent_ingests_with_wait_equal_one_run(tmp_path):
    raw = tmp_path / "raw"
    page_pdf(raw / "a.pdf", 8)
    page_pdf(raw / "b.pdf", 9)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(raw), "--out", str(out), "-q", "--wait"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=900) == 0, p.stderr.read() if p.stderr else ""
    assert rows(out, "select count(*), count(distinct doc_id) from documents")[0] == (2, 2)
    assert rows(out, "select count(*) = count(distinct (doc_id, row_no)) from tasks")[0] == (True,)


@pytest.mark.slow
def test_a_reader_holding_the_database_never_blocks_or_sees_half(tmp_path):
    raw = tmp_path / "raw"
    page_pdf(raw / "a.pdf", 8)
    out = tmp_path / "out"
    ingest([raw], out)
    reader = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    n_before = reader.execute("select count(*) from tasks").fetchone()[0]
    page_pdf(raw / "b.pdf", 9)
    r = cli("ingest", str(raw), "--out", str(out), "-q")  # another process, while the reader holds the file
    assert r.returncode == 0, r.stderr
    assert reader.execute("select count(*) from documents").fetchone()[0] == 1  # its snapshot, intact
    assert reader.execute("select count(*) from tasks").fetchone()[0] == n_before
    reader.close()
    assert rows(out, "select count(*) from documents")[0][0] == 2
    assert rows(out, "select value from kehoach_meta where key = 'documents_changed'") == [("1",)]  # incremental
    q = run_cli("query", "select count(*) from documents", "--out", str(out), "-f", "csv")
    assert q.exit_code == 0 and q.stdout.splitlines()[-1] == "2"
    rebuild(out)
    assert rows(out, "select value from kehoach_meta where key = 'documents_changed'") == [("2",)]


@pytest.mark.slow
def test_source_paths_are_absolute_and_reextract_works_from_anywhere(tmp_path):
    page_pdf(tmp_path / "in" / "a.pdf", 8)
    out = tmp_path / "out"
    assert cli("ingest", "in/a.pdf", "--out", "out", "-q", cwd=tmp_path).returncode == 0
    assert rows(out, "select source_path from documents") == [(str(tmp_path / "in" / "a.pdf"),)]
    again = reextract(out, "all")
    assert len(again.results) == 1 and not again.skipped
    (tmp_path / "in" / "a.pdf").unlink()
    gone = reextract(out, "all")
    assert [s.reason for s in gone.skipped] == ["source file not found: kept the stored rows"]


# --- the query sandbox -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("copy tasks to '/tmp/kehoach-escape.csv'", "disabled"),
        ("select * from read_csv('/etc/passwd')", "disabled"),
        ("attach '/tmp/kehoach-x.duckdb' as x (read_write)", "disabled"),
        ("install httpfs", "disabled"),
        ("load httpfs", "disabled"),
        ("set enable_external_access = true", "locked"),
        ("select 1; select 2", "one SQL statement"),
        ("delete from tasks", "read-only"),
    ],
)
def test_query_refusals_are_one_line(ingested, sql, words):
    r = run_cli("query", sql, "--out", str(ingested))
    assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert not Path("/tmp/kehoach-escape.csv").exists()


def test_query_timeout_and_streaming(ingested):
    slow = run_cli("query", "select count(*) from range(1000000000000) a", "--out", str(ingested), "--timeout", "0.5")
    assert slow.exit_code == 2 and "longer than 0.5 s" in slow.output
    big = run_cli("query", "select range from range(20000000)", "--out", str(ingested), "-f", "csv", "--limit", "3")
    assert big.exit_code == 0 and big.stdout.split() == ["range", "0", "1", "2"]
    table = run_cli("query", "select range from range(20000000)", "--out", str(ingested))
    assert table.exit_code == 0 and "more rows" in table.output


# --- limits --------------------------------------------------------------------------------------


def _huge_page_pdf(dest: Path) -> Path:
    """A few hundred bytes: one 14400 × 14400 pt page (the largest PDF allows), no text."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(14400, 14400))
        pdf.save(dest)
    return dest


def _docx_bomb(dest: Path, paragraphs: int) -> Path:
    import zipfile

    body = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * paragraphs
    xml = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml + body + b"</w:body></w:document>")
    return dest


@pytest.mark.slow
def test_limits_refuse_hostile_files_with_the_limit_named(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _huge_page_pdf(raw / "huge.pdf")
    _docx_bomb(raw / "bomb.docx", 300_000)
    out = tmp_path / "out"
    ingest([raw], out, jobs=2, executor="processes")
    docs = dict(rows(out, "select file_name, error from documents"))
    assert "max_render_pixels" in docs["huge.pdf"] and "--limit" in docs["huge.pdf"]
    assert "max_docx_paragraphs" in docs["bomb.docx"]
    tight = run_cli("ingest", str(raw / "bomb.docx"), "--out", str(tmp_path / "o2"), "-q", "--limit", "max_docx_mb=1")
    assert tight.exit_code == 0 and "max_docx_mb" in tight.output
    wrong = run_cli("ingest", str(raw), "--out", str(tmp_path / "o3"), "--limit", "max_bananas=1")
    assert wrong.exit_code == 2 and "expected NAME=VALUE" in wrong.output


@pytest.mark.slow
def test_pages_beyond_a_limit_are_recorded_and_the_rest_read(tmp_path):
    """A real plan's pages 9–10 and a 14400 × 14400 pt page: the plan's rows are read, the huge page is
    named in the error with the limit and how to raise it; ``max_pages=1`` reads page 1 only and says so."""
    raw = tmp_path / "raw"
    plan = page_pdf(raw / "plan.pdf", 8, 9)
    huge = _huge_page_pdf(tmp_path / "huge.pdf")
    with pikepdf.open(plan, allow_overwriting_input=True) as pdf, pikepdf.open(huge) as big:
        pdf.pages.append(big.pages[0])
        pdf.save(plan)
    alone = page_pdf(tmp_path / "alone" / "plan.pdf", 8, 9)
    ingest([alone], tmp_path / "o0", jobs=1)
    ((want,),) = rows(tmp_path / "o0", "select count(*) from tasks")
    assert want > 0

    ingest([raw], tmp_path / "o1", jobs=1)
    ((status, error, pages, n_tasks),) = rows(
        tmp_path / "o1", "select status, error, pages, (select count(*) from tasks) from documents"
    )
    assert (status, pages, n_tasks) == ("partial", 2, want)
    assert error.startswith("Page 3 was not read") and "max_render_pixels" in error and "--limit" in error

    ingest([raw], tmp_path / "o2", jobs=1, settings=ExtractSettings(limits=Limits(max_pages=1)))
    ((status, error, pages),) = rows(tmp_path / "o2", "select status, error, pages from documents")
    assert (status, pages) == ("partial", 1)
    assert "Pages 2–3 were not read" in error and "max_pages" in error and "--limit max_pages=N" in error


@pytest.mark.slow
def test_a_memory_cap_turns_exhaustion_into_a_recorded_failure(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _huge_page_pdf(raw / "huge.pdf")
    page_pdf(raw / "plan.pdf", 8)
    out = tmp_path / "out"
    r = run_cli(
        "ingest", str(raw), "--out", str(out), "-q", "-j", "2",
        "--limit", "max_render_pixels=0", "--limit", "max_memory_mb=1500",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    docs = dict(rows(out, "select file_name, status || ': ' || coalesce(error, '') from documents"))
    assert docs["plan.pdf"].startswith("ok")
    assert docs["huge.pdf"].startswith("failed") and ("memory" in docs["huge.pdf"] or "died" in docs["huge.pdf"])


def _dense_page_pdf(dest: Path, n_chars: int) -> Path:
    """One page whose text layer holds ``n_chars`` characters (as a page of 4 M characters would, smaller)."""
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        font = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        page = pdf.pages[0]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(b"BT /F1 1 Tf 10 400 Td (" + b"x" * n_chars + b") Tj ET")
        pdf.save(dest)
    return dest


@pytest.mark.slow
def test_a_page_over_the_character_cap_is_recorded_and_not_read(tmp_path):
    """A page with more characters than ``max_page_chars`` is counted, not read (no memory spent on it),
    named in the error with the limit; the plan's pages around it are read as alone."""
    import pypdfium2 as pdfium

    from extractors.sources.pdfium import char_count

    alone = page_pdf(tmp_path / "alone" / "plan.pdf", 8, 9)
    doc = pdfium.PdfDocument(str(alone))
    cap = max(char_count(doc[i]) for i in range(len(doc))) + 1
    doc.close()
    ingest([alone], tmp_path / "o0", jobs=1)
    ((want,),) = rows(tmp_path / "o0", "select count(*) from tasks")

    plan = page_pdf(tmp_path / "raw" / "plan.pdf", 8, 9)
    with (
        pikepdf.open(plan, allow_overwriting_input=True) as pdf,
        pikepdf.open(_dense_page_pdf(tmp_path / "d.pdf", 3 * cap)) as d,
    ):
        pdf.pages.insert(1, d.pages[0])
        pdf.save(plan)
    settings = ExtractSettings(limits=Limits(max_page_chars=cap))
    ingest([tmp_path / "raw"], tmp_path / "o1", jobs=1, settings=settings)
    ((status, error, n_tasks),) = rows(
        tmp_path / "o1", "select status, error, (select count(*) from tasks) from documents"
    )
    assert (status, n_tasks) == ("partial", want)
    assert error.startswith("Page(s) 2 not read") and "max_page_chars" in error and "--limit max_page_chars=N" in error


def _flate_bomb_pdf(dest: Path, inflated_mb: int) -> Path:
    """A plan-sized PDF with one stream of zeros compressed ~1000:1 (a compression bomb, smaller)."""
    import zlib

    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        bomb = pikepdf.Stream(pdf, b"")
        bomb.write(zlib.compress(b"\0" * (inflated_mb * 2**20), 9), filter=pikepdf.Name.FlateDecode)
        pdf.pages[0].obj.Contents = pdf.make_indirect(bomb)
        pdf.save(dest)
    return dest


@pytest.mark.slow
def test_a_compression_bomb_is_refused_without_being_unpacked(tmp_path):
    raw = tmp_path / "raw"
    page_pdf(raw / "plan.pdf", 8)
    bomb = _flate_bomb_pdf(raw / "bomb.pdf", 40)
    assert bomb.stat().st_size < 100_000
    out = tmp_path / "out"
    r = run_cli("ingest", str(raw), "--out", str(out), "-q", "-j", "1", "--limit", "max_stream_mb=8")
    assert r.exit_code == 0, r.output
    docs = dict(rows(out, "select file_name, status || ': ' || coalesce(error, '') from documents"))
    assert docs["plan.pdf"].startswith("ok")
    assert docs["bomb.pdf"].startswith("failed") and "max_stream_mb" in docs["bomb.pdf"]
    assert "--limit max_stream_mb=N" in docs["bomb.pdf"]
