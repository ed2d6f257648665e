"""Every kind of bad input is recorded against its file; the rest of the run goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pikepdf
import pypdfium2 as pdfium
import pytest

from tests.conftest import FIXTURES, run_cli

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'

GOOD = FIXTURES / "sonla-stttt-cchc-2023.pdf"


def _render_page(path: Path, index: int = 0):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[index].render(scale=1.5).to_pil()
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    data = GOOD.read_bytes()
    (raw / "empty.pdf").write_bytes(b"")
    _render_page(GOOD).save(raw / "image.png", format="PNG")
    (raw / "image.png").rename(raw / "png-named.pdf")
    (raw / "page.pdf").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>", encoding="utf-8")
    (raw / "truncated.pdf").write_bytes(data[: len(data) * 6 // 10])
    damaged = bytearray(data)
    mid = len(damaged) // 2
    damaged[mid : mid + 2000] = bytes((i * 37 + 11) % 256 for i in range(2000))
    (raw / "damaged.pdf").write_bytes(bytes(damaged))
    with pikepdf.open(GOOD) as pdf:
        pdf.save(raw / "locked.pdf", encryption=pikepdf.Encryption(user="secret", owner="owner", R=6))
    images = [_render_page(GOOD, i).convert("RGB") for i in (0, 8)]
    images[0].save(raw / "scan.pdf", save_all=True, append_images=images[1:])
    with pikepdf.open(GOOD) as pdf:  # the first page: purposes and requirements, no task in table or prose
        del pdf.pages[1:]
        pdf.save(raw / "no-table.pdf")
    odd = raw / "Kế hoạch số #1 Sơn La.pdf"
    shutil.copy(GOOD, odd)
    out = tmp_path_factory.mktemp("out")
    result = run_cli("ingest", str(raw), "--out", str(out), "--quiet")
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    docs = {
        name: (status, error, n)
        for name, status, error, n in con.execute("select file_name, status, error, n_tasks from documents").fetchall()
    }
    con.close()
    return result, docs, out


def test_run_exits_zero_and_lists_failures(bad_run):
    result, docs, _ = bad_run
    assert result.exit_code == 0, result.output
    assert len(docs) == 9
    assert "need attention" in result.output
    for name, (status, _, _) in docs.items():
        if status != "ok":
            assert name[:20] in result.output


@pytest.mark.parametrize(
    ("name", "status", "words"),
    [
        ("empty.pdf", "failed", "empty (0 bytes)"),
        ("png-named.pdf", "failed", "PNG image"),
        ("page.pdf", "failed", "HTML"),
        ("truncated.pdf", "failed", "truncated"),
        ("locked.pdf", "failed", "password-protected"),
        ("no-table.pdf", "partial", "No task table"),
    ],
)
def test_each_bad_input_gets_an_actionable_error(bad_run, name, status, words):
    _, docs, _ = bad_run
    got_status, error, n_tasks = docs[name]
    assert got_status == status
    assert words in error
    assert n_tasks == 0


def test_scan_without_text_layer_is_read_by_ocr_or_reported(bad_run):
    from extractors.sources.ocr import ocr_available

    _, docs, _ = bad_run
    status, error, n_tasks = docs["scan.pdf"]
    if ocr_available():
        assert status == "ok" and n_tasks > 0, error  # page 9 of Sơn La's appendix, read from its image
    else:
        assert status == "failed" and "no text layer" in error and "tesseract" in error


def test_damaged_pdf_is_never_ok(bad_run):
    _, docs, _ = bad_run
    status, error, _ = docs["damaged.pdf"]
    assert status in ("failed", "partial")
    assert "damaged" in error and "intact copy" in error


def test_file_name_with_vietnamese_spaces_and_hash_is_ingested(bad_run):
    _, docs, out = bad_run
    status, error, n = docs["Kế hoạch số #1 Sơn La.pdf"]
    assert (status, error, n) == ("ok", None, 43)


def test_missing_path_is_a_usage_error(tmp_path):
    result = run_cli("ingest", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2


def test_unwritable_output_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("ingest", str(GOOD), "--out", str(blocker / "out"), "--quiet")
    assert result.exit_code == 2
