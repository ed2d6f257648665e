"""Corrections as data: the log, what `tasks`/`tasks_extracted`/normalized tables show, and the lifecycle
across `kehoach reextract --all` (applied, superseded, conflict) on real ingests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import corrections
from pipeline.tables import Correction, CorrectionAction, CorrectionState, Document, ExtractedTask
from tests.conftest import FIXTURES, run_cli

BACKAN = "backan-stttt-cchc-2023.pdf"


def rows(out: Path, sql: str, *args):
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(args)).fetchall()
    finally:
        con.close()


def doc_id(out: Path, file_name: str) -> str:
    return rows(out, "select doc_id from documents where file_name = ?", file_name)[0][0]


@pytest.fixture
def store(ingested, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(ingested, out)
    return out


def test_evaluate_states_without_a_store():
    doc = Document(doc_id="a" * 16, sha256="a" * 64, source_path="p.pdf", file_name="p.pdf", province="Bắc Kạn")
    tasks = [ExtractedTask(doc_id=doc.doc_id, row_no=i, tt=str(i), task=f"t{i}", lead_text="A") for i in (1, 2, 3)]

    def entry(n: int, action=CorrectionAction.SET, **kw) -> Correction:
        base = dict(doc_id=doc.doc_id, sha256=doc.sha256, file_name="p.pdf", source_path="p.pdf", action=action)
        base.update(row_no=None, tt=None, field=None, old_value=None, new_value=None, author="me", note=None)
        base.update(kw)
        return Correction(correction_id=f"{n:03d}", created_at=None, **base)

    ev = corrections.evaluate(
        doc,
        tasks,
        [
            entry(1, row_no=1, field="lead_text", old_value="A", new_value="B"),  # applied
            entry(2, row_no=2, field="lead_text", old_value="X", new_value="A"),  # extractor gives it: superseded
            entry(3, row_no=3, field="lead_text", old_value="X", new_value="Y"),  # third value: conflict
            entry(4, row_no=1, field="task", old_value="t1", new_value="first"),
            entry(5, row_no=1, field="task", old_value="t1", new_value="second"),  # overrides 4
            entry(6, CorrectionAction.NOT_A_TASK, row_no=3, old_value="t3"),
            entry(7, CorrectionAction.FACT, field="province", old_value="Bắc Kạn", new_value="Lào Cai"),
            entry(8, row_no=9, field="task", old_value="x", new_value="y"),  # no such row: conflict
        ],
    )
    states = [c.state for c in ev.corrections]
    S = CorrectionState
    assert states == [S.APPLIED, S.SUPERSEDED, S.CONFLICT, S.OVERRIDDEN, S.APPLIED, S.APPLIED, S.APPLIED, S.CONFLICT]
    assert ev.corrections[2].current_value == "A"
    assert [(t.row_no, t.lead_text, t.task) for t in ev.tasks] == [(1, "B", "second"), (2, "A", "t2")]
    assert ev.document.province == "Lào Cai" and ev.document.province_slug == "lao-cai"
    assert all(type(t).__name__ == "Task" for t in ev.tasks)


@pytest.mark.slow
def test_correct_cli_updates_tasks_and_normalized_tables_and_survives_reextract(store):
    did = doc_id(store, BACKAN)
    row = rows(store, "select row_no, lead_text, deadline_text from tasks where doc_id = ? and row_no = 13", did)[0]
    assert row[1]  # a lead unit is printed there
    r = run_cli("correct", BACKAN, "13", "lead", "Sở Tài chính", "--out", str(store), "--author", "tester")
    assert r.exit_code == 0, r.output
    r = run_cli("correct", did, "13", "deadline_text", "Quý III/2023", "--out", str(store), "--note", "từ bản in")
    assert r.exit_code == 0, r.output
    assert run_cli("correct", BACKAN, "14", "--verified", "--out", str(store)).exit_code == 0
    assert run_cli("correct", BACKAN, "57", "--not-a-task", "--out", str(store)).exit_code == 0
    assert run_cli("correct", BACKAN, "--fact", "agency", "Sở TT&TT Bắc Kạn", "--out", str(store)).exit_code == 0

    def check():
        assert rows(store, "select lead_text, deadline_text from tasks where doc_id = ? and row_no = 13", did) == [
            ("Sở Tài chính", "Quý III/2023")
        ]
        assert rows(store, "select lead_text from tasks_extracted where doc_id = ? and row_no = 13", did) == [(row[1],)]
        assert rows(store, "select unit_name from task_units where doc_id = ? and row_no = 13 and role = 'lead'", did)[
            0
        ][0].startswith("Sở Tài chính")
        got = rows(store, "select kind, end_date from task_deadlines where doc_id = ? and row_no = 13", did)
        assert [(k, str(e)) for k, e in got] == [("quarter", "2023-09-30")]
        assert rows(store, "select count(*) from tasks where doc_id = ? and row_no = 57", did) == [(0,)]
        assert rows(store, "select count(*) from tasks_extracted where doc_id = ?", did) == [(57,)]
        assert rows(store, "select agency from documents where doc_id = ?", did) == [("Sở TT&TT Bắc Kạn",)]
        states = rows(store, "select action, field, state, author from corrections where doc_id = ? order by 1, 2", did)
        assert {s for _, _, s, _ in states} == {"applied"} and len(states) == 5
        assert ("set", "lead_text", "applied", "tester") in states
        assert not any(r[0] == 14 for r in rows(store, "select row_no from v_review_queue where doc_id = ?", did))

    check()
    log = sorted((store / "corrections").glob("*.json"))
    assert len(log) == 5
    entry = json.loads(log[1].read_text(encoding="utf-8"))
    assert entry["old_value"] == row[2] and entry["new_value"] == "Quý III/2023" and entry["note"] == "từ bản in"
    assert entry["sha256"].startswith(did) and entry["tt"] and entry["row_no"] == 13
    before = [p.read_bytes() for p in log]

    r = run_cli("reextract", "--all", "--out", str(store), "--quiet")
    assert r.exit_code == 0, r.output
    check()
    assert [p.read_bytes() for p in sorted((store / "corrections").glob("*.json"))] == before  # never rewritten


def test_correct_cli_refuses_what_it_cannot_do(store):
    for args, says in (
        (["nosuch.pdf", "1", "task", "x"], "no stored document"),
        ([BACKAN, "999", "task", "x"], "has no row 999"),
        ([BACKAN, "1", "colour", "x"], "unknown field"),
        ([BACKAN, "--fact", "colour", "x"], "unknown document fact"),
        ([BACKAN, "--fact", "plan_year", "twenty"], "must be a year"),
        ([BACKAN, "1"], "give DOC ROW FIELD VALUE"),
    ):
        r = run_cli("correct", *args, "--out", str(store))
        assert r.exit_code == 2 and says in r.output, (args, r.output)
    assert not (store / "corrections").exists() or not list((store / "corrections").glob("*.json"))


def _set_cell(docx_path: Path, old: str, new: str) -> None:
    """Edit a copy of a Word plan: the table cell whose text is ``old`` gets ``new`` (a re-issued plan)."""
    from docx import Document as Docx

    d = Docx(str(docx_path))
    cells = [c for t in d.tables for r in t.rows for c in r.cells if c.text.strip() == old]
    assert cells, old
    cell = cells[0]
    for p in cell.paragraphs[1:]:
        p._element.getparent().remove(p._element)
    para = cell.paragraphs[0]
    for run in para.runs[1:]:
        run._element.getparent().remove(run._element)
    para.runs[0].text = new
    d.save(str(docx_path))


@pytest.mark.slow
def test_lifecycle_applied_superseded_conflict_across_a_changed_file(tmp_path):
    """Correct three cells of a Word plan, then the plan is re-issued at the same path with two of them
    changed: one now says the corrected value (superseded), one a third value (conflict)."""
    plan = tmp_path / "plan.docx"
    shutil.copy(FIXTURES / "synthetic" / "laocai-stp-cchc-2024.docx", plan)
    out = tmp_path / "out"
    assert run_cli("ingest", str(plan), "--out", str(out), "--quiet").exit_code == 0
    old_id = doc_id(out, "plan.docx")
    t = dict(rows(out, "select row_no, task from tasks where doc_id = ? and row_no in (1, 2, 3)", old_id))
    for n, value in ((1, "Nhiệm vụ một (đã sửa)"), (2, "Nhiệm vụ hai (đã sửa)"), (3, "Nhiệm vụ ba (đã sửa)")):
        assert run_cli("correct", "plan.docx", str(n), "task", value, "--out", str(out)).exit_code == 0
    _set_cell(plan, t[2], "Nhiệm vụ hai (đã sửa)")  # the new issue prints the corrected text
    _set_cell(plan, t[3], "Nhiệm vụ ba, viết lại")  # and a third text
    r = run_cli("reextract", "--all", "--out", str(out), "--quiet")
    assert r.exit_code == 0, r.output
    new_id = doc_id(out, "plan.docx")
    assert new_id != old_id
    got = rows(out, "select row_no, state, current_value, doc_id from corrections order by row_no")
    assert got == [
        (1, "applied", t[1], new_id),
        (2, "superseded", "Nhiệm vụ hai (đã sửa)", new_id),
        (3, "conflict", "Nhiệm vụ ba, viết lại", new_id),
    ]
    assert rows(out, "select row_no, task from tasks where row_no in (1, 2, 3) order by 1") == [
        (1, "Nhiệm vụ một (đã sửa)"),
        (2, "Nhiệm vụ hai (đã sửa)"),
        (3, "Nhiệm vụ ba, viết lại"),  # a conflict leaves the extractor's value until a person decides
    ]
    r = run_cli("status", "--out", str(out))
    assert "conflict" in r.output and "Nhiệm vụ ba, viết lại" in r.output and "Nhiệm vụ ba (đã sửa)" in r.output
    # the person decides: a new correction on the new text applies
    assert run_cli("correct", "plan.docx", "3", "task", "Nhiệm vụ ba (đã sửa)", "--out", str(out)).exit_code == 0
    got = rows(out, "select state from corrections where row_no = 3 order by correction_id")
    assert got == [("overridden",), ("applied",)]


def test_log_entries_are_whole_files_and_temporaries_are_ignored(tmp_path):
    c = Correction(
        correction_id=corrections.new_id(),
        doc_id="b" * 16,
        sha256="b" * 64,
        file_name="x.pdf",
        source_path="x.pdf",
        action=CorrectionAction.SET,
        row_no=1,
        tt="1",
        field="task",
        old_value="cũ",
        new_value="mới",
        author="me",
        created_at=None,
        note=None,
    )
    corrections.append(tmp_path, c)
    (tmp_path / "corrections" / ".half-written.json-x.tmp").write_text('{"action": "se', encoding="utf-8")
    (got,) = corrections.read_log(tmp_path)
    assert got.new_value == "mới" and got.state is CorrectionState.CONFLICT  # state is computed, not logged
