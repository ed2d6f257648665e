"""The borderless layout set (tests/fixtures/layouts/borderless/): every document ingested once and scored.

The set is made by ``make fixtures-borderless`` (tests/fixtures/layouts/borderless/make.py): the layout
generator's plans printed without ruling lines, merged cells top-aligned (seed 21) or vertically centred
(seed 22), by LibreOffice and Chromium. Every table is read by the borderless finder.
"""

from __future__ import annotations

import json

import pytest

from pipeline.scoring import score
from tests.conftest import ROOT, run_cli

SET = ROOT / "tests" / "fixtures" / "layouts" / "borderless"
INDEX = json.loads((SET / "index.json").read_text(encoding="utf-8"))

TARGET_ROW_RECALL, TARGET_OVERALL, TARGET_PER_DOC = 0.99, 0.97, 0.93  # the bar, not met yet
# Floors just below what the finder measures on the committed set (before the rewrite: exact 0.1448, R 0.3047,
# worst 0.0; then exact 0.7880, R 0.8744 / P 0.9407, worst 0.2593; now: exact 0.9541, R 0.9923 / P 0.9730,
# worst 0.7733 with output/lead/deadline filled down by default; without that default fill, as issue 15 asks:
# exact 0.9295 (objective still filled), R 0.9908 / P 0.9715, worst 0.72; then, with centred number columns,
# rows without padding, merged row numbers and unruled page breaks: exact 0.9455, R 0.9969 / P 0.9985, worst
# 0.8018, the misses left nearly all top-aligned one-line merges that leave no trace): raise them, never lower them.
FLOOR_ROW_RECALL = 0.996
FLOOR_OVERALL = 0.944
FLOOR_PER_DOC = 0.80


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("borderless")
    result = run_cli("ingest", *(str(SET / name) for name in INDEX), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return {name: score(SET / meta["gold"], SET / name, out) for name, meta in INDEX.items()}


def summary(reports: dict[str, dict]) -> tuple[list[str], dict[str, float]]:
    totals = {"gold": 0, "got": 0, "matched": 0, "cells": 0, "exact": 0.0}
    lines = []
    for name, r in reports.items():
        meta = INDEX[name]
        cells = r["rows_gold"] * len(r["field_accuracy"])
        totals["gold"] += r["rows_gold"]
        totals["got"] += r["rows_got"]
        totals["matched"] += r["rows_matched"]
        totals["cells"] += cells
        totals["exact"] += r["cell_accuracy"] * cells
        lines.append(
            f"{name:22} {meta['renderer']:8} {meta['params']['valign']:6} "
            f"rows {r['rows_matched']:>2}/{r['rows_gold']:>2} "
            f"got {r['rows_got']:>2} R {r['row_recall']:.3f} P {r['row_precision']:.3f} exact {r['cell_accuracy']:.4f}"
        )
    return lines, {
        "recall": totals["matched"] / totals["gold"],
        "precision": totals["matched"] / totals["got"] if totals["got"] else 0.0,
        "exact": totals["exact"] / totals["cells"],
        "worst": min(r["cell_accuracy"] for r in reports.values()),
    }


@pytest.mark.slow
def test_borderless_set_scores(reports, capsys):
    lines, s = summary(reports)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        print(
            f"OVERALL {len(reports)} borderless documents: rows R {s['recall']:.4f} P {s['precision']:.4f}, "
            f"exact cells {s['exact']:.4f}, worst document {s['worst']:.4f} "
            f"(target R {TARGET_ROW_RECALL}, exact {TARGET_OVERALL}, worst {TARGET_PER_DOC})"
        )
    assert s["recall"] >= FLOOR_ROW_RECALL
    assert s["exact"] >= FLOOR_OVERALL
    assert s["worst"] >= FLOOR_PER_DOC, {
        n: r["first_misses"][:3] for n, r in reports.items() if r["cell_accuracy"] < 0.97
    }


@pytest.mark.slow
def test_every_borderless_document_is_read(reports):
    assert {name: r["status"] for name, r in reports.items() if r["status"] != "ok"} == {}


def test_index_lists_every_file_and_its_gold():
    files = {p.name for p in SET.iterdir() if p.suffix == ".pdf"}
    assert set(INDEX) == files
    assert len(files) >= 20
    assert {meta["params"]["valign"] for meta in INDEX.values()} == {"top", "center"}
    assert not any(meta["params"]["borders"] for meta in INDEX.values())
    for name, meta in INDEX.items():
        assert (SET / meta["gold"]).exists(), name
