"""The analyst's frictions of issue 13, each run through the command line as a user runs it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

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
