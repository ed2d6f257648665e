"""The README's five-minute tour runs as written, and the data dictionary is the generated one."""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

DICTIONARY = ROOT / "docs" / "data-dictionary.md"


def tour_commands() -> list[str]:
    """The lines of the README's ```bash tour block."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("```bash tour") + 1
    end = lines.index("```", start)
    return [line for line in lines[start:end] if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_five_minute_tour_runs_as_written(tmp_path):
    """Each command of the tour, in a copy of the checkout's data/raw and notebooks/ (so that its
    default paths, data/raw -> data/processed, are the copy's). The last, `kehoach review`, is a
    server: it is started on a free port without a browser, asked for its page, then stopped."""
    commands = tour_commands()
    assert [shlex.split(c, comments=True)[:2] for c in commands[:4]] == [
        ["kehoach", "ingest"],
        ["kehoach", "status"],
        ["kehoach", "query"],
        ["kehoach", "export"],
    ]
    assert "jupyter execute" in commands[4] and shlex.split(commands[-1], comments=True) == ["kehoach", "review"]
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("figures"))
    bin_dir = Path(sys.executable).parent  # the environment's kehoach and jupyter
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    env.pop("KEHOACH_DB", None)
    for command in commands[:-1]:
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        if shlex.split(command, comments=True)[:2] == ["kehoach", "query"]:
            assert done.stdout.splitlines()[0] == "province,province_2025,reform_area,tasks"
            assert "Bắc Kạn,Thái Nguyên," in done.stdout
    assert (tmp_path / "data" / "processed" / "kehoach.duckdb").exists()
    assert (tmp_path / "tasks.xlsx").exists() and list((tmp_path / "notebooks" / "figures").glob("*.png"))
    port = _free_port()
    review = shlex.split(commands[-1], comments=True) + ["--port", str(port), "--no-browser"]
    server = subprocess.Popen(review, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[1].decode()
                assert time.monotonic() < deadline, "kehoach review did not answer"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_data_dictionary_is_the_generated_one():
    result = run_cli("schema", "--format", "markdown")
    assert result.exit_code == 0
    assert DICTIONARY.read_text(encoding="utf-8") == result.stdout, (
        "docs/data-dictionary.md is stale: run kehoach schema --format markdown -o docs/data-dictionary.md"
    )
    assert "](docs/data-dictionary.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_column_of_every_table_is_in_the_dictionary_with_a_meaning():
    import csv
    import io

    from pipeline.schema import TABLES

    rows = list(csv.DictReader(io.StringIO(run_cli("schema", "-f", "csv").stdout)))
    assert {(r["table"], r["column"]) for r in rows} == {(t, f.name) for t, s in TABLES.items() for f in s}
    assert [r["column"] for r in rows if not r["meaning"]] == []  # a new column needs its comment in tables.py
    text = DICTIONARY.read_text(encoding="utf-8")
    assert all(f"\n## {table}\n" in text for table in TABLES)
