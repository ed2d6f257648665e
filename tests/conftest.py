from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PLANS = ["sonla-stttt-cchc-2023", "backan-stttt-cchc-2023"]
SHARED_SCORE = ROOT.parent / "shared" / "eval" / "score.py"


def gold(key: str) -> dict:
    return json.loads((FIXTURES / f"{key}.json").read_text(encoding="utf-8"))


def run_cli(*args: str):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


@pytest.fixture(scope="session")
def ingested(tmp_path_factory) -> Path:
    """Both fixtures ingested through the CLI with the default engine."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("ingest", *(str(FIXTURES / f"{k}.pdf") for k in PLANS), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def ingested_camelot(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out-camelot")
    result = run_cli(
        "ingest", *(str(FIXTURES / f"{k}.pdf") for k in PLANS), "--out", str(out), "--quiet", "--engine", "camelot"
    )
    assert result.exit_code == 0, result.output
    return out
