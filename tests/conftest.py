from __future__ import annotations

import ast
import difflib
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PLANS = ["sonla-stttt-cchc-2023", "backan-stttt-cchc-2023"]
SHARED_SCORE = ROOT.parent / "shared" / "eval" / "score.py"


GOLDEN = ROOT / "tests" / "golden"

# Property tests draw the same examples on every run, so a test run (CI's included) is reproducible;
# KEHOACH_HYPOTHESIS=explore draws new ones (a bug found so becomes an @example in its test).
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile("explore" if os.environ.get("KEHOACH_HYPOTHESIS") == "explore" else "repeatable")


#: session fixtures that ingest documents: a test using one is slow whatever its module says
INGESTING_FIXTURES = {"ingested", "ingested_camelot"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if INGESTING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ files from the current output")


@pytest.fixture
def golden(request):
    """Compare text with a reviewed file under tests/golden/ (``--update-golden`` rewrites it)."""

    def check(relpath: str, text: str) -> None:
        path = GOLDEN / relpath
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"{path} missing: run pytest --update-golden and review the diff"
        want = path.read_text(encoding="utf-8")
        if text != want:
            diff = "\n".join(
                difflib.unified_diff(want.splitlines(), text.splitlines(), str(path), "now", lineterm="", n=1)
            )
            pytest.fail(f"output differs from {relpath} (review, then --update-golden):\n{diff[:6000]}")

    return check


def golden_units(key: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(role, cell text) -> [(canonical name, kind)], read from the reviewed tests/golden/units file.

    Tests use it as the independent truth for canonical names (the file is reviewed by hand).
    """
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    current = None
    for line in (GOLDEN / "units" / f"{key}.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(lead|partner) rows [\d,]+: (.*)$", line)
        if m:
            current = (m.group(1), ast.literal_eval(m.group(2)))
            out[current] = []
        elif line.startswith("    ") and current:
            canon, kind = re.match(r"^    .* => (.*) \[(\w+)\]", line).groups()
            out[current].append((canon, kind))
    return out


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
