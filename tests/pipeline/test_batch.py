"""Batch runs: incremental skips, changed files, re-extraction, timeouts, parallel == serial, Dask, SIGKILL."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from benchmarks.corpus import make_copies
from extractors import ExtractSettings
from pipeline import ingest as ingest_mod
from pipeline.ingest import extract_plan, ingest, reextract
from tests.conftest import FIXTURES, PLANS, ROOT, run_cli

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'

SONLA, BACKAN = (FIXTURES / f"{k}.pdf" for k in PLANS)
TASKS = {"sonla": 43, "backan": 57}
COMPARE = {
    "documents": "doc_id, sha256, province, agency, plan_year, title, status, n_tasks",
    "tasks": "*",
    "task_units": "*",
    "task_deadlines": "*",
    "legal_refs": "*",
    "targets": "*",
}


def snapshot(out: Path) -> dict[str, list]:
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"select {c} from {t}").fetchall())) for t, c in COMPARE.items()}
    finally:
        con.close()


def test_unchanged_files_are_skipped_and_force_redoes(tmp_path):
    first = ingest([SONLA], tmp_path)
    assert len(first.results) == 1 and not first.skipped
    before = snapshot(tmp_path)
    again = ingest([SONLA], tmp_path)
    assert again.results == [] and [s.doc_id for s in again.skipped] == [first.results[0].doc_id]
    assert snapshot(tmp_path) == before
    forced = ingest([SONLA], tmp_path, force=True)
    assert len(forced.results) == 1 and snapshot(tmp_path) == before


def test_new_extractor_version_redoes_everything(tmp_path, monkeypatch):
    ingest([SONLA], tmp_path)
    monkeypatch.setattr(ingest_mod, "EXTRACTOR_VERSION", "99.0.0")
    assert len(ingest([SONLA], tmp_path).results) == 1


def test_changed_file_replaces_its_old_rows(tmp_path):
    plan = tmp_path / "in" / "plan.pdf"
    plan.parent.mkdir()
    shutil.copy(SONLA, plan)
    out = tmp_path / "out"
    old = ingest([plan], out).results[0].doc_id
    copy = make_copies([SONLA], tmp_path / "copies", 1)[0]
    shutil.copy(copy, plan)  # same path, new bytes
    summary = ingest([plan], out)
    assert summary.superseded == [old]
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    assert con.execute("select count(*), count(distinct doc_id) from tasks").fetchone() == (43, 1)
    assert con.execute("select doc_id from documents").fetchall() == [(summary.results[0].doc_id,)]


def test_reextract_selections(tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(SONLA, data / "good.pdf")
    (data / "empty.pdf").write_bytes(b"")
    out = tmp_path / "out"
    ingest([data], out)
    failed = reextract(out, "failed")
    assert [Path(r.source_path).name for r in failed.results] == ["empty.pdf"]
    older = reextract(out, "before", "0.0.1")
    assert older.results == []
    everything = reextract(out, "all")
    assert sorted(Path(r.source_path).name for r in everything.results) == ["empty.pdf", "good.pdf"]
    (data / "good.pdf").unlink()
    gone = reextract(out, "all")
    assert [s.reason for s in gone.skipped] == ["source file not found: kept the stored rows"]
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    assert con.execute("select count(*) from tasks").fetchone() == (43,)


def test_reextract_cli_needs_one_selection(tmp_path):
    assert run_cli("reextract", "--out", str(tmp_path)).exit_code == 2
    assert run_cli("reextract", "--out", str(tmp_path), "--all", "--failed").exit_code == 2


def test_timeout_is_recorded_against_the_file():
    result = extract_plan(BACKAN, ExtractSettings(), timeout=0.05)
    assert result.status == "failed"
    assert "longer than 0.05 s" in result.document.error


def _swallowing_extract(*args, **kwargs):
    """An extraction inside code that swallows the timer's exception once (as Python does when the
    signal lands in a ``__del__`` or a gc callback), then goes on working."""
    import contextlib
    import time

    from pipeline import ingest as ingest_module

    with contextlib.suppress(BaseException):
        time.sleep(2)
    time.sleep(2)
    return ingest_module.DocResult("x", "", ingest_module.base_document(BACKAN, str(BACKAN), "0" * 64, "auto"))


def test_timeout_holds_when_the_first_alarm_is_swallowed(monkeypatch):
    from pipeline import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "_extract", _swallowing_extract)
    result = extract_plan(BACKAN, ExtractSettings(), timeout=0.05)
    assert result.status == "failed"
    assert "longer than 0.05 s" in result.document.error
    assert result.document.seconds < 1.5  # the repeat stopped it, not the end of the work


def test_parallel_equals_serial_and_report(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    ingest([SONLA, BACKAN], serial, jobs=1)
    report = tmp_path / "run.json"
    result = run_cli(
        "ingest", str(SONLA), str(BACKAN), "--out", str(parallel), "-j", "2", "--report", str(report), "-q"
    )
    assert result.exit_code == 0, result.output
    assert snapshot(serial) == snapshot(parallel)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["processed"], data["ok"], data["executor"], data["jobs"]) == (2, 2, "processes", 2)
    assert {d["tasks"] for d in data["documents"]} == {43, 57}


def test_dask_cluster_equals_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    local, remote = tmp_path / "local", tmp_path / "dask"
    ingest([SONLA, BACKAN], local, jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = ingest([SONLA, BACKAN], remote, executor="dask", scheduler=cluster.scheduler_address)
    assert summary.executor == "dask" and len(summary.results) == 2
    assert snapshot(local) == snapshot(remote)


def test_sigkill_then_rerun_loses_and_duplicates_nothing(tmp_path):
    corpus = make_copies([SONLA, BACKAN], tmp_path / "corpus", 8)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(tmp_path / "corpus"), "--out", str(out), "-j", "2", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(random.Random(os.getpid()).uniform(2.0, 6.0))
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, at a random moment
    proc.wait()
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    docs = dict(con.execute("select file_name, n_tasks from documents").fetchall())
    assert sorted(docs) == sorted(p.name for p in corpus)
    assert all(n == TASKS[name.split("-")[0]] for name, n in docs.items())
    total, distinct = con.execute("select count(*), count(distinct (doc_id, row_no)) from tasks").fetchone()
    assert total == distinct == sum(TASKS[p.name.split("-")[0]] for p in corpus)
    orphans = con.execute("select count(*) from task_units where doc_id not in (select doc_id from documents)")
    assert orphans.fetchone() == (0,)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> tuple[Path, dict[str, list]]:
    """Three byte-distinct plans and the snapshot of a clean, uninterrupted run over them."""
    base = tmp_path_factory.mktemp("kill-points")
    make_copies([SONLA, BACKAN], base / "corpus", 3)
    ingest([base / "corpus"], base / "clean")
    return base / "corpus", snapshot(base / "clean")


def _files(out: Path, table: str) -> int:
    return len(list((out / "parquet" / table).glob("province=*/*.parquet")))


@pytest.mark.parametrize(
    ("fault", "documents_files", "tasks_files"),
    [
        ("after-tables:2", 1, 2),  # the 2nd document's table files are written, its documents row is not
        ("after-document:2", 2, 2),  # the 2nd document is committed, the 3rd not started
        ("before-duckdb-commit:1", 3, 3),  # every document committed; DuckDB filled but not committed
    ],
)
def test_kill_at_a_fixed_point_then_rerun_equals_a_clean_run(
    tmp_path, small_corpus, fault, documents_files, tasks_files
):
    corpus, clean = small_corpus
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(corpus), "--out", str(out), "-j", "1", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(cmd, cwd=ROOT, env={**env, "KEHOACH_FAULT": fault}, capture_output=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (_files(out, "documents"), _files(out, "tasks")) == (documents_files, tasks_files)
    assert not (out / ".kehoach-duckdb-state").exists()
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(out) == clean


def test_an_unknown_fault_point_is_refused(monkeypatch):
    from pipeline import faults

    monkeypatch.setenv(faults.ENV, "after-lunch:1")
    with pytest.raises(ValueError, match="after-tables"):
        faults.checkpoint("after-tables")
