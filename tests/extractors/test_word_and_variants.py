"""Beyond the two real fixtures: a Word file and a PDF from another renderer with renamed,
reordered, two-row headers, both made from one synthetic plan with its gold file
(tests/fixtures/synthetic/plan.py), scored with the project's scorer."""

from __future__ import annotations

import json
import zipfile

import pytest

from pipeline.scoring import score
from tests.conftest import ROOT, run_cli
from tests.fixtures.synthetic import plan

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'

SYN = ROOT / "tests" / "fixtures" / "synthetic"
GOLD = SYN / f"{plan.KEY}.json"


@pytest.fixture(scope="module")
def synthetic_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    result = run_cli("ingest", str(SYN / f"{plan.KEY}.docx"), str(SYN / f"{plan.KEY}.pdf"), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    return out


def test_gold_file_is_what_the_generator_writes():
    assert json.loads(GOLD.read_text(encoding="utf-8")) == json.loads(json.dumps(plan.gold(), ensure_ascii=False))


def test_docx_meets_the_bar(synthetic_out):
    report = score(GOLD, SYN / f"{plan.KEY}.docx", synthetic_out)
    assert report["row_recall"] == report["row_precision"] == 1.0
    assert report["cell_accuracy"] >= 0.995, report["first_misses"]
    assert report["refs_f1"] >= 0.98


def test_renamed_two_row_headers_meet_the_bar(synthetic_out):
    report = score(GOLD, SYN / f"{plan.KEY}.pdf", synthetic_out)
    assert report["row_recall"] == report["row_precision"] == 1.0
    assert report["cell_accuracy"] >= 0.99, report["first_misses"]


def test_facts_and_unknown_column_of_both_renderings(synthetic_out):
    import duckdb

    con = duckdb.connect(str(synthetic_out / "kehoach.duckdb"), read_only=True)
    facts = con.execute(
        "select engine, province, agency, plan_year, title, number, signer, signer_title from documents order by engine"
    ).fetchall()
    want = tuple(plan.DOC[k] for k in ("province", "agency", "plan_year", "title", "number", "signer", "signer_title"))
    assert [f[1:] for f in facts] == [want, want]
    assert [f[0] for f in facts] == ["docx", "pdfplumber"]
    notes = con.execute("select extra['Ghi chú'] from tasks where row_no = 2").fetchall()
    assert notes == [("Trong thời hạn 10 ngày làm việc",), ("Trong thời hạn 10 ngày làm việc",)]


def test_docx_vertical_and_horizontal_merges():
    from extractors.settings import ExtractSettings
    from extractors.sources.docx import DocxReader

    raw = DocxReader().read(str(SYN / f"{plan.KEY}.docx"), ExtractSettings())
    [table] = [t for p in raw.pages for t in p.tables]
    group = [c for c in table.cells if c.lines == ["Cơ quan thực hiện"]]
    assert [(c.colspan, c.rowspan) for c in group] == [(2, 1)]
    objective = [c for c in table.cells if c.lines == [plan.O1]]
    assert [c.rowspan for c in objective] == [3]


def test_legacy_doc_without_libreoffice_is_reported(tmp_path, monkeypatch):
    import shutil as sh

    monkeypatch.setattr(sh, "which", lambda name: None)
    doc = tmp_path / "ke-hoach.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    from extractors import ExtractSettings
    from pipeline.ingest import extract_plan

    result = extract_plan(doc, ExtractSettings())
    assert result.status == "failed" and ".docx" in result.document.error


def test_damaged_docx_is_reported(tmp_path):
    bad = tmp_path / "hong.docx"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("word/document.xml", "<not-xml")
    from extractors import ExtractSettings
    from pipeline.ingest import extract_plan

    result = extract_plan(bad, ExtractSettings())
    assert result.status == "failed" and "Word file could not be read" in result.document.error


def test_borderless_table_meets_the_bar(tmp_path):
    pdf = SYN / f"{plan.KEY}-borderless.pdf"
    result = run_cli("ingest", str(pdf), "--out", str(tmp_path), "-q")
    assert result.exit_code == 0, result.output
    report = score(GOLD, pdf, tmp_path)
    assert report["row_recall"] == report["row_precision"] == 1.0
    assert report["cell_accuracy"] >= 0.97, report["first_misses"]


def test_borderless_header_group_and_river_columns():
    import pypdfium2 as pdfium

    from extractors.finders.borderless import _find_header, _lines, borderless_table
    from extractors.settings import ExtractSettings
    from extractors.sources.pdfium import page_chars

    pdf = pdfium.PdfDocument(SYN / f"{plan.KEY}-borderless.pdf")
    page = pdf[1]
    left, _, _, top = page.get_mediabox()
    chars = page_chars(page, (left, top))
    header = _find_header(_lines(chars, ExtractSettings()))
    assert [c[2] for c in header.columns] == [label for label, _ in plan.COLUMNS]
    assert [g[2] for g in header.groups] == ["Cơ quan thực hiện"]
    table, layout = borderless_table(chars, 2, ExtractSettings(), None)
    assert table.kind == "borderless" and layout.fields[:3] == ["tt", "task", "objective"]
    pdf.close()


def test_ruled_fixtures_never_take_the_borderless_path():
    from extractors import ExtractSettings, extract

    for key in ("sonla-stttt-cchc-2023", "backan-stttt-cchc-2023"):
        ex = extract(ROOT / "tests" / "fixtures" / f"{key}.pdf", ExtractSettings(cross_check=False))
        kinds = {t.kind for p in ex.raw.pages for t in p.tables}
        assert kinds == {"ruled"}, key


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_encoded_pdf_comes_out_as_unicode(encoding, tmp_path):
    """Fonts embedded under other names: recognised from the characters, converted to Unicode."""
    import duckdb

    from tests.fixtures.synthetic import legacy

    pdf = SYN / f"legacy-{encoding}.pdf"
    assert run_cli("ingest", str(pdf), "--out", str(tmp_path), "-q").exit_code == 0
    con = duckdb.connect(str(tmp_path / "kehoach.duckdb"), read_only=True)
    rows = con.execute("select tt, task, lead_text, partner_text, deadline_text from tasks order by row_no").fetchall()
    assert [list(r) for r in rows] == legacy.ROWS
    assert con.execute("select text_encoding from documents").fetchone() == (encoding,)
    refs = con.execute("select number from legal_refs").fetchall()
    assert refs == [("107/2020/NĐ-CP",)]


def test_unicode_fixtures_are_not_converted(tmp_path):
    from extractors import extract

    for key in ("sonla-stttt-cchc-2023", "backan-stttt-cchc-2023"):
        assert extract(ROOT / "tests" / "fixtures" / f"{key}.pdf").raw.text_encoding == "unicode"


def _ocr_or_skip():
    import os

    from extractors.sources.ocr import ocr_available

    if not ocr_available():
        if os.environ.get("KEHOACH_REQUIRE_OCR"):
            pytest.fail("tesseract with Vietnamese data is required here (apt-get install tesseract-ocr-vie)")
        pytest.skip("tesseract-ocr-vie not installed")


def test_scanned_plan_meets_the_ocr_bar(tmp_path):
    """Image-only PDF, rotated 0.7°: deskew, grid from the image, Tesseract; confidences recorded."""
    import duckdb

    _ocr_or_skip()
    pdf = SYN / f"{plan.KEY}-scan.pdf"
    assert run_cli("ingest", str(pdf), "--out", str(tmp_path), "-q").exit_code == 0
    report = score(GOLD, pdf, tmp_path)
    assert report["row_recall"] >= 0.9
    assert report["cell_accuracy_lenient"] >= 0.85, report["first_misses"]
    con = duckdb.connect(str(tmp_path / "kehoach.duckdb"), read_only=True)
    pages, conf = con.execute("select ocr_pages, ocr_confidence from documents").fetchone()
    assert pages == [1, 2, 3] and 50 < conf <= 100
    row_conf = con.execute("select min(ocr_confidence), max(ocr_confidence) from tasks").fetchone()
    assert row_conf[0] is not None and 0 < row_conf[0] <= row_conf[1] <= 100


def test_text_pdfs_are_not_ocred():
    from extractors import extract

    ex = extract(SYN / f"{plan.KEY}.pdf")
    assert not any(p.ocr for p in ex.raw.pages)


def test_docx_runs_in_legacy_fonts_are_converted(tmp_path):
    from docx import Document

    from extractors.settings import ExtractSettings
    from extractors.sources.docx import DocxReader
    from normalizers.legacy import to_tcvn3, to_vni

    d = Document()
    p = d.add_paragraph()
    run = p.add_run(to_tcvn3("cộng hòa xã hội chủ nghĩa việt nam"))
    run.font.name = ".VnTime"
    p = d.add_paragraph()
    run = p.add_run(to_vni("Độc lập - Tự do - Hạnh phúc"))
    run.font.name = "VNI-Times"
    path = tmp_path / "legacy.docx"
    d.save(path)
    raw = DocxReader().read(str(path), ExtractSettings())
    assert [ln.text for ln in raw.pages[0].lines] == [
        "cộng hòa xã hội chủ nghĩa việt nam",
        "Độc lập - Tự do - Hạnh phúc",
    ]


@pytest.mark.parametrize(
    ("texts", "want"),
    [
        ([], True),
        (["\ufffd"] * 8 + ["a"] * 2, True),
        (["\ue012"] * 6 + ["b"] * 4, True),
        (["(cid:12)"] * 5 + ["c"] * 5, True),
        (list("Kế hoạch cải cách hành chính"), False),
    ],
)
def test_garbage_text_layers_go_to_ocr(texts, want):
    from extractors.sources.ocr import needs_ocr

    assert needs_ocr([{"text": t} for t in texts]) is want


def test_docx_with_newer_schema_alignment_is_read(tmp_path):
    """LibreOffice writes w:jc="start"/"end" (the newer schema), which python-docx's enum rejects:
    every .doc converted by LibreOffice used to fail as "probably damaged"."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from extractors.settings import ExtractSettings
    from extractors.sources.docx import DocxReader

    d = Document()
    for text, value in (("UBND TỈNH LÀO CAI", "start"), ("KẾ HOẠCH", "center"), ("GIÁM ĐỐC", "end")):
        para = d.add_paragraph(text)
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), value)
        para._p.get_or_add_pPr().append(jc)
    path = tmp_path / "jc.docx"
    d.save(path)
    lines = DocxReader().read(str(path), ExtractSettings()).pages[0].lines
    assert [ln.text for ln in lines] == ["UBND TỈNH LÀO CAI", "KẾ HOẠCH", "GIÁM ĐỐC"]
    left, centre, right = (ln.bbox[0] for ln in lines)
    assert left < centre < right
