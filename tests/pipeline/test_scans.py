"""Scans of layout plans as users bring them (tests/fixtures/scans, made by ``make.py`` there): ingested once,
scored with the project scorer, and the per-page OCR record checked.

Issue 17's bar: row recall >= 0.98, lenient cells >= 0.95 on clean 200-dpi scans, >= 0.90 on hard ones.
Where the extractor is below it, FLOORS hold what it measures today (raise them, never lower them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.scoring import score
from tests.conftest import ROOT, run_cli

SCANS = ROOT / "tests" / "fixtures" / "scans"
NAMES = sorted(p.stem for p in SCANS.glob("*.pdf"))
# (row recall, lenient cells) floors per document: the bar, or below it what the extractor measures today
FLOORS = {
    "clean200-p01-001": (0.98, 0.99),  # measured 1.0 (bar 0.95)
    "clean200-p01-004": (0.98, 0.99),  # 1.0 (bar 0.95); 0.9432 before section numerals by sequence
    "hard150-p01-018": (0.98, 0.96),  # 0.9744 (bar 0.90); 0.9231 before the text image lost the pen and seal
    # remnants; 0.7179 before letter stems stopped making rules
    "hard150-p01-030": (0.98, 0.95),  # 0.9697 (bar 0.90); 0.8889 before the pen crossing the seal was taken out
    # and misread words re-read; 0.8081 before rules under seals and pens were kept
    "skew300-p01-001": (0.98, 0.98),  # 1.0; 0.8485 before the grayscale page was deskewed, TT by sequence
    "badlayer-p01-018": (0.98, 0.99),  # 1.0
    "vector-p01-001": (0.98, 0.99),  # 1.0; 0.9697 before the retry kept the numeral with more strokes
}


def _ocr_or_skip() -> None:
    from extractors.sources.ocr import ocr_available

    if not ocr_available():
        if os.environ.get("KEHOACH_REQUIRE_OCR"):
            pytest.fail("tesseract with Vietnamese data is required here (apt-get install tesseract-ocr-vie)")
        pytest.skip("tesseract-ocr-vie not installed")


@pytest.fixture(scope="module")
def scans_out(tmp_path_factory) -> Path:
    _ocr_or_skip()
    out = tmp_path_factory.mktemp("scans")
    result = run_cli("ingest", *(str(SCANS / f"{n}.pdf") for n in NAMES), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


def test_every_scan_has_a_gold_and_a_floor():
    assert set(NAMES) == set(FLOORS)
    for name in NAMES:
        assert (SCANS / f"{name}.json").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_scan_scores(scans_out, name, capsys):
    r = score(SCANS / f"{name}.json", SCANS / f"{name}.pdf", scans_out)
    with capsys.disabled():
        print(
            f"\n{name:20} R {r['row_recall']:.3f} P {r['row_precision']:.3f} exact {r['cell_accuracy']:.3f} "
            f"lenient {r['cell_accuracy_lenient']:.3f}"
        )
    recall, lenient = FLOORS[name]
    assert r["row_recall"] >= recall, r["first_misses"][:5]
    assert r["cell_accuracy_lenient"] >= lenient, r["first_misses"][:5]


@pytest.mark.slow
def test_documents_record_why_and_how_each_page_was_ocred(scans_out):
    import duckdb

    con = duckdb.connect(str(scans_out / "kehoach.duckdb"), read_only=True)
    rows = con.execute(
        "select file_name, ocr_pages, ocr_reasons, ocr_rotations, ocr_skews, ocr_page_confidences from documents"
    ).fetchall()
    docs = {r[0].removesuffix(".pdf"): r[1:] for r in rows}
    for name, (pages, reasons, rotations, skews, confs) in docs.items():
        assert len(pages) == len(reasons) == len(rotations) == len(skews) == len(confs) == 3, name
        assert all(c is not None and 50 < c <= 100 for c in confs), (name, confs)
    assert set(docs["clean200-p01-004"][1]) == {"no text layer"}
    assert all("not plausible Vietnamese" in r for r in docs["badlayer-p01-018"][1])
    assert set(docs["vector-p01-001"][1]) == {"text drawn as vector paths"}
    # landscape appendix pages printed on portrait sheets: turned back; the skew found within ±1.5°
    assert docs["hard150-p01-030"][2][0] == 0 and set(docs["hard150-p01-030"][2][1:]) <= {90, 270}
    assert all(abs(s) <= 1.6 for s in docs["hard150-p01-030"][3]) and any(
        abs(s) > 0.2 for s in docs["hard150-p01-030"][3]
    )
    assert 180 in docs["skew300-p01-001"][2]  # one page scanned upside down
    # stored boxes are in the page's own coordinates: on a turned page, cells lie inside the portrait page
    boxes = con.execute(
        "select max(x1), max(bottom) from task_cells c join documents d using (doc_id) "
        "where d.file_name = 'hard150-p01-030.pdf' and c.page = 2"
    ).fetchone()
    assert boxes[0] <= 596 and boxes[1] <= 842
