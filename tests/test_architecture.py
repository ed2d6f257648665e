"""Rules of the code base that a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGES = ("extractors", "normalizers", "pipeline")


def _modules():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_no_module_imports_another_modules_private_name():
    offences = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offences.append(f"{path.relative_to(ROOT)}: from {node.module} import {alias.name}")
    assert not offences, "\n".join(offences)


def test_sources_and_finders_are_registered_in_one_place():
    from extractors.finders import ENGINES, FINDERS
    from extractors.sources import TEXT_SOURCES

    modules = {p.stem for p in (ROOT / "extractors" / "finders").glob("*.py")} - {"__init__"}
    assert set(FINDERS) == modules, "every finder module is registered in extractors.finders.FINDERS"
    assert all(name in FINDERS for names in ENGINES.values() for name in names)
    assert {"pdfium", "pdfminer"} <= set(TEXT_SOURCES)
