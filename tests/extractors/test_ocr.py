"""OCR's pieces: which pages need OCR (syllable grammar, diacritics, vector text), page geometry, image cleaning,
the in-process engine. Small images only: the scans themselves are scored in tests/pipeline/test_scans.py."""

from __future__ import annotations

import numpy as np
import pytest

from extractors.sources import scanimage
from extractors.sources.textcheck import implausible, is_syllable, vietnamese_plausibility
from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "real"


@pytest.mark.parametrize("word", ["Cộng", "HÒA", "xã", "nghĩa", "khuyến", "người", "Quý", "tỉnh", "giữa", "thuyền"])
def test_vietnamese_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["Hcok", "xA", "HQI", "CHiJ", "VIPT", "tvtrNu", "hoàá", "UBND"])
def test_not_vietnamese_syllables(word):
    assert not is_syllable(word)


def test_scanner_garbage_layer_is_not_plausible_and_real_text_is():
    good = (
        "Thực hiện Quyết định số 2697/QĐ-UBND ngày 23/12/2022 của Ủy ban nhân dân tỉnh về việc ban hành "
        "Kế hoạch cải cách hành chính nhà nước tỉnh Sơn La năm 2023, Sở Thông tin và Truyền thông xây dựng"
    )
    bad = (
        "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM SO GIAO DVC vA DA TAO Dc 1p - Ty do - "
        "Hph phtic V/v bao dam Tiep nhan hQ so thu tuc hanh chinh trén dja ban thanh ph6"
    )
    assert implausible(good) is None and implausible(good, hidden=True) is None
    assert "not plausible Vietnamese" in (implausible(bad) or "")
    assert implausible("Trang 3") is None  # too short to judge
    p = vietnamese_plausibility(good)
    assert p.syllables > 0.85 and p.diacritics > 0.5


def test_frame_maps_boxes_back_to_the_page():
    """A box of the upright image of a page turned 90°/180°/270° lands where it is printed on the page."""
    page_w, page_h, dpi = 200.0, 300.0, 72
    page = np.full((300, 200), 255, np.uint8)
    page[10:20, 150:190] = 0  # a mark near the top right corner of the page
    for rotation in (0, 90, 180, 270):
        upright = scanimage.rotate(page, rotation)
        ys, xs = np.nonzero(upright < 128)
        box = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
        frame = scanimage.Frame(page_w, page_h, dpi, rotation)
        assert frame.to_page(box) == pytest.approx((150, 10, 190, 20)), rotation


def test_skew_is_found_and_undone():
    from PIL import Image, ImageDraw

    img = Image.new("L", (1200, 900), 255)
    d = ImageDraw.Draw(img)
    for y in range(100, 800, 60):
        d.line((80, y, 1120, y), fill=0, width=3)
    for angle in (-3.0, 1.2, 4.0):
        binary = scanimage.binarise(np.asarray(img.rotate(angle, fillcolor=255)), 150)
        found = scanimage.skew_angle(binary)
        assert found == pytest.approx(-angle, abs=0.15)


def test_red_seal_and_blue_ink_are_removed_black_text_kept():
    rgb = np.full((50, 50, 3), 255, np.uint8)
    rgb[5:10, 5:40] = (200, 30, 40)  # seal
    rgb[20:25, 5:40] = (30, 40, 170)  # signature
    rgb[35:40, 5:40] = (20, 20, 20)  # text
    rgb[5:10, 20:22] = (25, 4, 5)  # a rule under the seal (black multiplied by its red)
    gray = scanimage.remove_colour_ink(rgb)
    assert gray[7, 10] >= 250 and gray[22, 20] >= 250 and gray[37, 20] < 50
    assert gray[7, 21] < 50  # what the seal covers is kept


def test_text_image_takes_out_a_pen_crossing_a_seal_and_stroke_edges_keeps_text_under_one_ink():
    """Multiplied inks as a scanner sees them: a blue pen over a red seal blocks all light (dark purple),
    a stroke's JPEG edge is weakly saturated; black text under the seal stays."""
    rgb = np.full((60, 60, 3), 230, np.uint8)
    rgb[5:25, 5:55] = (205, 40, 50)  # the seal's ink
    rgb[12:16, 20:35] = (0, 0, 0)  # text under the seal
    rgb[30:34, 5:55] = (20, 40, 170)  # the pen on paper...
    rgb[18:22, 40:55] = (16, 6, 33)  # ...and across the seal
    rgb[34:36, 5:55] = (200, 205, 235)  # the pen stroke's edge
    rgb[45:50, 5:55] = (20, 20, 20)  # text on paper
    gray = scanimage.remove_colour_ink_for_text(rgb, 200)
    assert gray[14, 25] < 60 and gray[47, 20] < 60  # text kept
    assert gray[20, 45] >= 200  # the crossing
    assert gray[8, 10] >= 220 and gray[32, 20] >= 220 and gray[35, 20] >= 220  # the inks and the edge


def test_junk_symbols_dropped_from_ocr_words_bullets_kept():
    from extractors.ocr_text import clean_ocr_text, clean_ocr_word

    assert clean_ocr_word("Ngân^", 80) == "Ngân"
    assert clean_ocr_word("ˆ", 95) == "" and clean_ocr_word("—", 33) == "" and clean_ocr_word("+", 48) == ""
    assert clean_ocr_word("-", 93) == "-" and clean_ocr_word("+", 92) == "+"  # a bullet, a dash
    assert clean_ocr_word("II⁄2024", 70) == "II/2024"
    assert clean_ocr_text("Quý IV/2024 „`", 50) == "Quý IV/2024"


def test_misread_words_and_the_better_of_two_readings():
    from extractors.ocr_text import misread_words, prefer_retry

    assert misread_words("Văn phòng UBND tỉnh") == 0
    assert misread_words("về qu định") == 1 and misread_words("Văn pbèsúp UBND") == 1
    assert misread_words("thành 3hô Hải Phòng") == 1 and misread_words("Quý IV/2024, điểm 2a") == 0
    assert prefer_retry("tổ chức về qu định", 80, "tổ chức về quy định", 70)  # fewer misread words
    assert not prefer_retry("tổ chức về quy định", 50, "tổ chức vé qu định", 90)
    assert not prefer_retry("Tiếp nhận, xử lý phản ánh của cá nhân về qu định", 50, "Tiếp nhận, xử lý", 90)
    assert not prefer_retry("Quý III/2022", 50, "Quý II/2022", 90)  # strokes are merged, not made
    assert prefer_retry("Quý II/2022", 90, "Quý III/2022", 50)
    assert prefer_retry("Văn phòng", 40, "Văn phòng Sở", 80)  # else the more confident...
    assert not prefer_retry("Đại uý, chồng qu", 80, "Đại uy, chông qu", 90)  # ...when the page's was not
    assert prefer_retry("", None, "12", 30) and not prefer_retry("12", 20, "", -1)


def _grid_image() -> np.ndarray:
    """A 200-dpi image of a two-column table: a title row across both columns, with a letter's stem
    under the column rule, a slanted pen stroke across a cell, and the top rule broken mid-cell."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (1200, 700), 255)
    d = ImageDraw.Draw(img)
    for y in (100, 200, 300, 600):
        d.line((100, y, 1100, y), fill=0, width=3)
    for x in (100, 1100):
        d.line((x, 100, x, 600), fill=0, width=3)
    d.line((600, 100, 600, 200), fill=0, width=3)  # the column rule stops at the title row
    d.line((600, 300, 600, 600), fill=0, width=3)
    d.rectangle((600, 225, 601, 255), fill=0)  # a letter's stem in the title row, in line with it
    d.line((300, 320, 330, 480), fill=0, width=6)  # a pen stroke
    d.rectangle((800, 95, 860, 105), fill=255)  # the top rule broken mid-cell (a seal over it)
    return np.asarray(img)


def test_rules_not_letters_pen_strokes_or_breaks():
    from extractors.sources.ocr import image_edges

    edges, _ = image_edges(_grid_image(), 200)
    vs = sorted((round(e["x0"]), round(e["top"]), round(e["bottom"])) for e in edges if e["orientation"] == "v")
    assert [v[0] for v in vs] == [36, 216, 216, 396]  # the stem and the pen stroke are no rules
    top = [e for e in edges if e["orientation"] == "h" and abs(e["top"] - 36) < 1]
    assert len(top) == 1 and top[0]["x0"] < 37 and top[0]["x1"] > 395  # joined across its break


def test_a_rule_left_out_between_crossing_rules_stays_open():
    from extractors.sources.ocr import bridge_breaks
    from extractors.sources.pdfium import edge

    crossing = [edge("v", x, x, 0, 100) for x in (0, 50, 100, 150)]
    merged_cell = [edge("h", 0, 50, 40, 40), edge("h", 100, 150, 40, 40)]  # no rule between 50 and 100
    assert len([e for e in bridge_breaks(crossing + merged_cell) if e["orientation"] == "h"]) == 2
    broken = [edge("h", 0, 70, 40, 40), edge("h", 80, 150, 40, 40)]  # a break mid-cell
    assert len([e for e in bridge_breaks(crossing + broken) if e["orientation"] == "h"]) == 1


def test_a_page_turned_upside_down_is_seen_before_it_is_read():
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1600, 1400), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 36)
    for k in range(12):
        d.text((60, 60 + 100 * k), "Tổ chức hội nghị triển khai nhiệm vụ cải cách hành chính", font=font, fill=0)
    page = np.asarray(img)
    assert not scanimage.looks_upside_down(page, 200)
    assert scanimage.looks_upside_down(scanimage.rotate(page, 180), 200)
    assert not scanimage.looks_upside_down(scanimage.rotate(page[:300], 180), 200)  # two lines say nothing


def test_uneven_light_binarises_to_clean_text():
    grad = np.linspace(150, 255, 400, dtype=np.float32)[None, :].repeat(300, axis=0)
    img = grad.copy()
    img[100:110, 20:380] -= 120  # one dark stroke across the light's gradient
    binary = scanimage.binarise(np.clip(img, 0, 255).astype(np.uint8), 150)
    assert (binary[100:110, 30:370] == 0).mean() > 0.95
    assert (binary[150:, :] == 255).mean() > 0.99


@pytest.mark.slow
def test_engine_reads_a_line_in_process():
    from PIL import Image, ImageDraw, ImageFont

    from extractors.sources.ocr import ocr_available
    from extractors.sources.tess import engine

    if not ocr_available():
        pytest.skip("tesseract-ocr-vie not installed")
    img = Image.new("L", (900, 120), 255)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 48)
    ImageDraw.Draw(img).text((20, 30), "Cải cách hành chính", font=font, fill=0)
    e = engine("vie")
    text, conf = e.line(np.asarray(img), 200)
    assert text == "Cải cách hành chính" and conf > 70
    words = e.words(np.asarray(img), 200)
    assert [w.text for w in words] == ["Cải", "cách", "hành", "chính"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["12_", "25_", "27_"])
def test_real_scanner_layers_are_ignored(name):
    """Real scans with a garbage OCR layer: OCR'd, and the letterhead read with its diacritics."""
    from extractors.reader import read_pdf
    from extractors.settings import ExtractSettings
    from extractors.sources.ocr import ocr_available

    files = sorted(REAL.glob(f"{name}*.pdf")) if REAL.exists() else []
    if not files or not ocr_available():
        pytest.skip("real documents or tesseract not available")
    page = read_pdf(str(files[0]), ExtractSettings(), pages=[1]).pages[0]
    assert page.ocr_info is not None and "not plausible Vietnamese" in page.ocr_info.reason
    text = " ".join(ln.text for ln in page.lines)
    assert "XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.upper()


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Quý IH/2022", "Quý III/2022"),
        ("Quý 1/2022", "Quý I/2022"),
        ("Trước quý Il/2023", "Trước quý II/2023"),
        ("Quý IV/2024", "Quý IV/2024"),
        ("Quý 5/2022", "Quý 5/2022"),  # no fifth quarter: left as read
        ("Báo cáo 1/2022", "Báo cáo 1/2022"),
        ("Số: 1629 /QĐÐ-UBND", "Số: 1629 /QĐ-UBND"),
        ("Nghị định số 30/2020/NÐ-CP", "Nghị định số 30/2020/NĐ-CP"),
    ],
)
def test_certain_ocr_misreadings_are_corrected(line, want):
    from extractors.ocr_text import fix_ocr_line

    assert fix_ocr_line(line) == want


def test_tt_header_read_as_strokes_is_still_tt():
    from extractors.headers import field_for

    assert field_for("SIL") == field_for("S1T") == field_for("STT") == "tt"
    assert field_for("Sở") is None


def test_section_numeral_from_strokes():
    from extractors.ocr_text import section_numeral

    assert section_numeral("1") == "I" and section_numeral("11") == "II" and section_numeral("IH") == "III"
    assert section_numeral("4") is None
