"""``import kehoach`` from a plain script, as a user writes one: no main guard, all cores."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, PLANS, ROOT

pytestmark = pytest.mark.slow

SCRIPT = """
import sys
import kehoach

summary = kehoach.ingest(sys.argv[1:-1], sys.argv[-1], jobs=2)
con = kehoach.connect(sys.argv[-1])
print("DOCUMENTS", con.execute("select count(*) from documents").fetchone()[0], len(summary.results))
"""


def test_a_script_without_a_main_guard_ingests_with_two_workers(tmp_path):
    script = tmp_path / "plain_script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    pdfs = [str(FIXTURES / f"{k}.pdf") for k in PLANS]
    done = subprocess.run(
        [sys.executable, str(script), *pdfs, str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DOCUMENTS 2 2" in done.stdout.splitlines()


def test_extract_returns_the_document_model():
    import kehoach

    ex = kehoach.extract(FIXTURES / f"{PLANS[0]}.pdf")
    assert ex.facts.province == "Sơn La" and len(ex.rows) == 43
