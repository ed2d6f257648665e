"""Both notebooks execute on the ingested samples and produce their figures (image outputs)."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
jupytext = pytest.importorskip("jupytext")

NOTEBOOKS = ROOT / "notebooks"


@pytest.mark.parametrize("name", ["compare_provinces", "new_plan_check"])
def test_notebook_executes_with_figures(name, ingested, tmp_path, monkeypatch):
    ipynb = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(ipynb, as_version=4)
    paired = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert [c.source for c in nb.cells] == [c.source for c in paired.cells], "run: jupytext --sync notebooks/*.py"
    monkeypatch.setenv("KEHOACH_DB", str(ingested / "kehoach.duckdb"))
    monkeypatch.setenv("KEHOACH_FIGURES", str(tmp_path))
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) >= (5 if name == "compare_provinces" else 2)
    assert list(tmp_path.glob("*.png"))
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_figures_folder_is_ignored_by_git():
    """Running a notebook where it lives writes notebooks/figures/: git status must stay clean."""
    import shutil
    import subprocess

    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("notebooks/figures/section_mix.png", "figures/rows_per_page.png"):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT)
        assert done.returncode == 0, f"{name} is not ignored by .gitignore"
