"""The borderless layout set (tests/fixtures/layouts/borderless/): every document ingested once and scored.

The set is made by ``make fixtures-borderless`` (tests/fixtures/layouts/borderless/make.py): the layout
generator's plans printed without ruling lines, merged cells top-aligned (seeds 21, 41, 51) or vertically
centred (seeds 22, 42, 52), by LibreOffice and Chromium. Every table is read by the borderless finder.
"""

from __future__ import annotations

import json
import shutil

import duckdb
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
# 0.8018, the misses left nearly all top-aligned one-line merges that leave no trace; 0.9502, R 0.9985 / P 1.0,
# worst 0.8018; then, with rows running together beside a floating centred merge, merges centred level with
# a row top, centred tasks over all the rows they centre on, merged tasks' numbers and objectives over page
# breaks, a page holding only a cell's end and centred merges over all the empty rows they centre on: exact
# 0.9595, R 1.0 / P 1.0, worst 0.8018; then, with the merges a tagged PDF's structure tree records (Chromium's
# prints: all seven now 1.0): exact 0.9739, R 1.0 / P 1.0, worst 0.8429, p21-001-lo. Then the set grew from 28 to
# 60 documents with four seeds the finder had not been tuned on (41, 42, 51, 52: on them it measured exact 0.936 and
# 0.878 before the fixes they showed, 0.963 and 0.975 after): exact 0.9719, R 0.9992 / P 0.9985, worst 0.8429;
# then, with activities under merged tasks and tasks merged over page breaks: exact 0.9731, worst 0.8429):
# raise them, never lower them (except when the set grows, saying so here).
FLOOR_ROW_RECALL = 0.998
FLOOR_OVERALL = 0.972
FLOOR_PER_DOC = 0.84


#: the opt-in fill-down for plans known to print a merged cell once at its top (the generator's plans do, except
#: partner and budget, which it leaves empty under a filled one as often as it merges them)
FILL_DOWN = "task,activity,output,lead,deadline"
#: the set's exact cells with ``--fill-down FILL_DOWN`` (measured 0.9840, R 1.0 / P 1.0, worst 0.9286; with the
#: structure tags' merges 0.9895, worst 0.9357; the 60-document set 0.9879, worst 0.9091): a floor, raise it
FLOOR_OVERALL_FILLED = 0.987


def _ingest_and_score(out, *options: str) -> dict[str, dict]:
    result = run_cli("ingest", *(str(SET / name) for name in INDEX), "--out", str(out), "--quiet", *options)
    assert result.exit_code == 0, result.output
    return {name: score(SET / meta["gold"], SET / name, out) for name, meta in INDEX.items()}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    return _ingest_and_score(tmp_path_factory.mktemp("borderless"))


@pytest.fixture(scope="module")
def reports_filled(tmp_path_factory) -> dict[str, dict]:
    return _ingest_and_score(tmp_path_factory.mktemp("borderless-filled"), "--fill-down", FILL_DOWN)


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
def test_borderless_set_with_fill_down(reports, reports_filled, capsys):
    """The opt-in ``--fill-down``: on plans that print merges once at their top it repeats the values the
    layout leaves no trace of (the default leaves them empty, flagged ``merge_possible``)."""
    _, s = summary(reports)
    _, f = summary(reports_filled)
    with capsys.disabled():
        print(
            f"\nFILL-DOWN {len(reports_filled)} borderless documents, --fill-down {FILL_DOWN}: "
            f"rows R {f['recall']:.4f} P {f['precision']:.4f}, exact cells {f['exact']:.4f}, "
            f"worst document {f['worst']:.4f} "
            f"(default, no fill-down: exact {s['exact']:.4f}, worst {s['worst']:.4f})"
        )
    assert f["recall"] >= FLOOR_ROW_RECALL
    assert f["exact"] >= FLOOR_OVERALL_FILLED


def _tasks(out) -> list[dict]:
    with duckdb.connect(str(out / "kehoach.duckdb"), read_only=True) as con:
        cur = con.execute(
            "select row_no, lead_text as lead, deadline_text as deadline, output, flags from tasks order by row_no"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.mark.slow
def test_fill_down_is_opt_in_flagged_and_reextracts(tmp_path):
    """Default: an unruled merge printed once leaves its rows empty and flagged ``merge_possible``; with
    ``--fill-down`` the same store is extracted again (the settings changed) and those rows repeat the
    value above, flagged ``merge_inferred`` (``merge_possible`` stays only for the columns not filled); no
    printed value changes."""
    fields = ("lead", "deadline", "output")

    def gold_of(name: str) -> list[dict]:
        return json.loads((SET / INDEX[name]["gold"]).read_text(encoding="utf-8"))["appendix"]["rows"]

    def repeats(rows: list[dict]) -> int:
        return sum(1 for a, b in zip(rows, rows[1:], strict=False) for f in fields if a.get(f) and b.get(f) == a.get(f))

    # a top-aligned plan whose gold repeats merged values the most, printed untagged (LibreOffice: a Chromium
    # print's structure tags record its merges, extractors/tagged.py)
    top = (n for n, m in INDEX.items() if m["params"]["valign"] == "top" and m["renderer"] == "lo")
    name = max(top, key=lambda n: repeats(gold_of(n)))
    gold = gold_of(name)
    out = tmp_path / "out"
    assert run_cli("ingest", str(SET / name), "--out", str(out), "--quiet").exit_code == 0
    before = _tasks(out)
    empty = [(i, f) for i, row in enumerate(before) if i for f in fields if not row[f] and before[i - 1][f]]
    assert empty, "the plan has merges printed once at their top"
    assert all("merge_possible" in before[i]["flags"] for i, _ in empty)
    assert not any("merge_inferred" in before[i]["flags"] for i, _ in empty)

    again = run_cli("ingest", str(SET / name), "--out", str(out), "--fill-down", "lead, deadline,output")
    assert again.exit_code == 0, again.output
    assert "skipped (unchanged" not in again.output
    after = _tasks(out)
    assert len(after) == len(before)
    for i, f in empty:
        assert after[i][f] == after[i - 1][f], (i, f)
        assert "merge_inferred" in after[i]["flags"]
    for i, row in enumerate(before):
        for f in fields:
            if row[f]:
                assert after[i][f] == row[f]
    # the filled values are the gold's wherever the gold repeats the value above
    repeated = [(i, f) for i, f in empty if i < len(gold) and gold[i].get(f) == gold[i - 1].get(f)]
    assert sum(after[i][f] == gold[i][f] for i, f in repeated) >= 0.9 * len(repeated)

    bad = run_cli("ingest", str(SET / name), "--out", str(out), "--fill-down", "tt")
    assert bad.exit_code == 2 and "cannot be filled down" in bad.output


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


#: the seed plans (tests/fixtures/*.json, real appendices) printed without ruling lines, in two typographies
#: (tests/fixtures/layouts/from_gold.py): measured exact 0.9880, R 0.9983, worst 0.9351 (Bắc Kạn, LibreOffice,
#: centred, DejaVu 10 pt on Letter) when this test was written; before that session's fixes, in one typography,
#: 0.9333, worst 0.9000 (Bắc Kạn's LibreOffice prints 0.92 / 0.90; at 10 pt 0.89 / 0.88, its deadline column
#: lost under a header of numbered labels); then, with a centred number kept off a page's first row when that
#: row carries a sentence on: 0.9908, worst 0.9579. Floors: raise them, never lower them.
FLOOR_SEED_OVERALL, FLOOR_SEED_PER_DOC = 0.988, 0.95


@pytest.mark.slow
def test_seed_plans_printed_without_rules(tmp_path, capsys):
    """Real plans' long cells, numbered objectives/tasks/activities and merged tasks, printed borderless by
    LibreOffice and Chromium (top-aligned and centred merges): what the generator's own plans do not show."""
    from tests.fixtures.layouts.from_gold import render_seed_plans

    if shutil.which("soffice") is None or shutil.which("chromium") is None:
        pytest.skip("LibreOffice and Chromium are needed to print the seed plans")
    docs = render_seed_plans(tmp_path / "plans", ROOT / "tests" / "fixtures")
    result = run_cli("ingest", *map(str, docs), "--out", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    reports = {pdf.name: score(gold, pdf, tmp_path / "out") for pdf, gold in docs.items()}
    cells = {name: r["rows_gold"] * len(r["field_accuracy"]) for name, r in reports.items()}
    exact = sum(r["cell_accuracy"] * cells[name] for name, r in reports.items()) / sum(cells.values())
    recall = sum(r["rows_matched"] for r in reports.values()) / sum(r["rows_gold"] for r in reports.values())
    with capsys.disabled():
        for name, r in reports.items():
            print(f"\n{name:52} rows {r['rows_matched']:>2}/{r['rows_gold']:>2} exact {r['cell_accuracy']:.4f}", end="")
        print(f"\nSEED PLANS borderless, {len(reports)} prints: rows R {recall:.4f}, exact cells {exact:.4f}")
    assert exact >= FLOOR_SEED_OVERALL
    worst = min(reports, key=lambda n: reports[n]["cell_accuracy"])
    assert reports[worst]["cell_accuracy"] >= FLOOR_SEED_PER_DOC, (worst, reports[worst]["first_misses"][:3])
