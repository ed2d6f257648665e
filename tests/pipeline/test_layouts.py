"""The generated layout set (tests/fixtures/layouts/set/): every document ingested once and scored.

The set is made by ``make fixtures-layouts`` (tests/fixtures/layouts/generate.py): seeded
plans in many table layouts, printed by LibreOffice (from DOCX), by Chromium (from HTML) and
kept as DOCX, each file with its own gold. ``index.json`` holds each file's layout parameters.

Target bar (issue): row recall and precision 1.0 and exact cells >= 0.995 overall, no document
below 0.98. The assertions are floors at or just below what the current code measures (0.4.2 meets
the target on every document); raise FLOOR_* as the extractor improves, never lower them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.scoring import score
from tests.conftest import ROOT, run_cli
from tests.fixtures.layouts import check
from tests.fixtures.layouts.model import draw_plan

SET = ROOT / "tests" / "fixtures" / "layouts" / "set"
INDEX = json.loads((SET / "index.json").read_text(encoding="utf-8"))

TARGET_OVERALL, TARGET_PER_DOC = 0.995, 0.98  # the bar
# Floors just below what the extractor measures on the committed set (0.3.0: exact cells 0.8749, worst
# document 0.1667, rows R 0.9626 / P 0.8466; 0.4.0: exact 0.9967, worst 0.95 (Chromium prints whose
# merged cells lose their rules at a page break), R 1.0 / P 1.0; 0.4.2: every document 1.0, the open cut
# read as a merge carrying on): raise them, never lower them.
FLOOR_OVERALL = 0.999  # exact cells summed over all documents
FLOOR_PER_DOC = TARGET_PER_DOC  # exact cells of the worst document
FLOOR_ROW_RECALL = 1.0  # rows matched / gold rows, summed over all documents
FLOOR_ROW_PRECISION = 1.0  # rows matched / rows extracted, summed over all documents


@pytest.fixture(scope="module")
def layouts_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layouts")
    result = run_cli("ingest", *(str(SET / name) for name in INDEX), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def reports(layouts_out) -> dict[str, dict]:
    return {name: score(SET / meta["gold"], SET / name, layouts_out) for name, meta in INDEX.items()}


def _present(report: dict) -> int:
    return len(report["field_accuracy"])


@pytest.mark.slow
def test_layout_set_scores(reports, capsys):
    totals = {"gold": 0, "got": 0, "matched": 0, "cells": 0, "exact": 0.0, "lenient": 0.0}
    lines = []
    for name, r in reports.items():
        meta = INDEX[name]
        cells = r["rows_gold"] * _present(r)
        totals["gold"] += r["rows_gold"]
        totals["got"] += r["rows_got"]
        totals["matched"] += r["rows_matched"]
        totals["cells"] += cells
        totals["exact"] += r["cell_accuracy"] * cells
        totals["lenient"] += r["cell_accuracy_lenient"] * cells
        lines.append(
            f"{name:24} {meta['renderer']:8} rows {r['rows_matched']:>2}/{r['rows_gold']:>2} got {r['rows_got']:>2} "
            f"R {r['row_recall']:.3f} P {r['row_precision']:.3f} exact {r['cell_accuracy']:.4f} "
            f"lenient {r['cell_accuracy_lenient']:.4f}"
        )
    overall = totals["exact"] / totals["cells"]
    recall = totals["matched"] / totals["gold"]
    precision = totals["matched"] / totals["got"] if totals["got"] else 0.0
    worst = min(r["cell_accuracy"] for r in reports.values())
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        print(
            f"OVERALL {len(reports)} documents: rows R {recall:.4f} P {precision:.4f}, exact cells {overall:.4f}, "
            f"lenient {totals['lenient'] / totals['cells']:.4f}, worst document {worst:.4f} "
            f"(target {TARGET_OVERALL}/{TARGET_PER_DOC})"
        )
    assert recall >= FLOOR_ROW_RECALL
    assert precision >= FLOOR_ROW_PRECISION
    assert overall >= FLOOR_OVERALL
    assert worst >= FLOOR_PER_DOC, {n: r["first_misses"][:3] for n, r in reports.items() if r["cell_accuracy"] < 0.98}


@pytest.mark.slow
def test_every_layout_document_is_read(reports):
    assert {name: r["status"] for name, r in reports.items() if r["status"] != "ok"} == {}


def test_index_lists_every_file_and_its_gold():
    files = {p.name for p in SET.iterdir() if p.suffix in (".pdf", ".docx")}
    assert set(INDEX) == files
    assert len(files) >= 40
    for name, meta in INDEX.items():
        assert (SET / meta["gold"]).exists(), name


def test_generator_is_deterministic():
    """Same seed, same plan: the committed golds are what the generator draws today."""
    for name, meta in list(INDEX.items())[::5]:
        params = meta["params"]
        plan = draw_plan(params["seed"], params["renderer"])
        assert plan.gold() == draw_plan(params["seed"], params["renderer"]).gold()
        want = json.loads((SET / meta["gold"]).read_text(encoding="utf-8"))
        assert json.loads(json.dumps(plan.gold(), ensure_ascii=False)) == want, name


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in INDEX if n.endswith(".pdf")])
def test_gold_words_are_printed_in_the_pdf(name):
    """Each gold cell's words are in the rendered PDF, and the appendix prints no others (pdfplumber)."""
    gold = json.loads((SET / INDEX[name]["gold"]).read_text(encoding="utf-8"))
    assert check.pdf_problems(gold, SET / name) == []


@pytest.mark.parametrize("name", [n for n in INDEX if n.endswith(".docx")])
def test_gold_cells_are_cells_of_the_docx(name):
    gold = json.loads((SET / INDEX[name]["gold"]).read_text(encoding="utf-8"))
    assert check.docx_problems(gold, SET / name) == []


def test_render_overrides_change_no_text():
    """borders=False and valign only change how the table is drawn: the gold stays the same."""
    plain = draw_plan("1-3", "lo")
    bare = draw_plan("1-3", "lo", borders=False, valign="center")
    assert (bare.params.borders, bare.params.valign) == (False, "center")
    assert bare.gold() == plain.gold()
    with pytest.raises(TypeError):
        draw_plan("1-3", "lo", no_such_parameter=1)
