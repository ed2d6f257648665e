"""The ingest issue's bar: both fixtures through the CLI, scored against their gold."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.scoring import score
from tests.conftest import FIXTURES, PLANS, SHARED_SCORE

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'


@pytest.mark.parametrize("key", PLANS)
def test_default_engine_meets_the_bar(ingested, key):
    report = score(FIXTURES / f"{key}.json", FIXTURES / f"{key}.pdf", ingested)
    print(json.dumps({k: report[k] for k in ("pdf", "row_recall", "row_precision", "cell_accuracy")}))
    assert report["status"] == "ok"
    assert report["row_recall"] == 1.0
    assert report["row_precision"] == 1.0
    assert report["cell_accuracy"] >= 0.99, report["first_misses"]


@pytest.mark.parametrize("key", PLANS)
def test_legal_references_meet_the_bar(ingested, key):
    report = score(FIXTURES / f"{key}.json", FIXTURES / f"{key}.pdf", ingested)
    assert report["refs_precision"] >= 0.98, report["refs_extra"]
    assert report["refs_recall"] >= 0.98, report["refs_missed"]


@pytest.mark.parametrize("key", PLANS)
def test_camelot_engine_scores_are_reported(ingested_camelot, key, capsys):
    report = score(FIXTURES / f"{key}.json", FIXTURES / f"{key}.pdf", ingested_camelot)
    with capsys.disabled():
        print(
            f"\n[camelot] {key}: rows {report['row_recall']:.3f}/{report['row_precision']:.3f} "
            f"exact {report['cell_accuracy']:.4f} lenient {report['cell_accuracy_lenient']:.4f}"
        )
    assert report["row_recall"] >= 0.95
    assert report["cell_accuracy"] >= 0.95


@pytest.mark.skipif(not SHARED_SCORE.exists(), reason="reference judge ../shared/eval/score.py not present")
@pytest.mark.parametrize("key", PLANS)
def test_project_scorer_agrees_with_reference_judge(ingested, key, tmp_path):
    report_path = tmp_path / "ref.json"
    pdf, gold = FIXTURES / f"{key}.pdf", FIXTURES / f"{key}.json"
    subprocess.run(
        [
            sys.executable,
            str(SHARED_SCORE),
            "--gold",
            str(gold),
            "--pdf",
            str(pdf),
            "--out",
            str(ingested),
            "--json",
            str(report_path),
        ],
        check=True,
        capture_output=True,
    )
    reference = json.loads(report_path.read_text(encoding="utf-8"))
    assert score(gold, pdf, ingested) == reference


def test_eval_command_prints_scores(ingested):
    from tests.conftest import run_cli

    result = run_cli("eval", "--gold", str(FIXTURES / "sonla-stttt-cchc-2023.json"), "--out", str(ingested))
    assert result.exit_code == 0
    assert "rows 43/43 matched" in result.output
