"""Document facts from letterheads as OCR reads scans, on small PDFs of our own.

Each page's text layer is drawn as Tesseract returns a scanned letterhead (see ../shared/real, 08–27):
the issuer's first line and the national motto beside it read as one line, a received stamp ("ĐẾN",
"CÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ") under the number, diacritics lost ("UY BAN NHAN DAN", "QUYET ĐỊNH"),
"Số:" misread ("Sé:"), handwritten digits read as junk, seal letters beside the signer's title.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors.facts import find_facts
from extractors.model import RawDocument, TextLine
from extractors.reader import read_pdf
from extractors.settings import ExtractSettings
from tests.extractors.letterhead import draw_lines, raw_document

pytestmark = pytest.mark.slow  # renders and reads PDFs


def _facts(path: Path):
    return find_facts(read_pdf(str(path), ExtractSettings(ocr="off", cross_check=False)))


def test_central_issuer_read_on_the_mottos_line_has_no_province(tmp_path):
    """A decision of the Prime Minister: no province (the place "Hà Nội" is not one), no stamp as issuer."""
    path = tmp_path / "ttg.pdf"
    draw_lines(
        path,
        [
            (76, 64, "THỦ TƯỚNG CHÍNH PHÙ CỘNG HOÁ XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
            (301, 80, "Độc lập - Tự do - Hạnh phúc", True),
            (107, 108, "Sé: 1360/QĐ-TTg", False),
            (292, 108, "Hà Nội, ngày 26 tháng 6 năm 2025", False),
            (51, 144, "_CÔNGTHÔNGTINĐIỆN TƯ CHÍNH PHÙ", True),
            (260, 156, "QUYET ĐỊNH", True),
            (52, 170, "ĐẾN?", True),
            (210, 176, "Về việc công nhận tỉnh Đông Tháp", True),
            (90, 260, "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;", False),
        ],
    )
    f = _facts(path)
    assert f.issuer_lines == ["THỦ TƯỚNG CHÍNH PHÙ"]
    assert f.agency == "Thủ tướng Chính phủ"
    assert f.province is None and f.province_raw is None
    assert f.place == "Hà Nội" and f.date == date(2025, 6, 26)
    assert f.number == "1360/QĐ-TTg"
    assert f.doc_type == "Quyết định"


def test_provincial_letterhead_without_diacritics(tmp_path):
    """OCR drops marks and misreads "Số:", the month's "1" and the doc type: read, spelt canonically."""
    path = tmp_path / "qn.pdf"
    draw_lines(
        path,
        [
            (96, 48, "UY BAN NHANDAN CỘNG HỌA XÃ HỌI CHỦ NGHIA VIỆT NAM", True),
            (309, 64, "Độc lập - Tự do - Hạnh phúc", True),
            (96, 65, "TINH QUANG NGÀI", True),
            (112, 95, "Sé: 23 /BC-UBND", False),
            (287, 97, "Quảng Ngãi, ngày3| tháng I2 năm 2024", False),
            (275, 136, "THOÔNG BAO", True),
            (160, 153, "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc", True),
            (90, 240, "Ngày 24/12/2024, tại trụ sở UBND huyện Bình Sơn, Chủ tịch UBND tỉnh chủ trì.", False),
            (60, 400, "Nơi nhận:", True),
            (360, 400, "CHU TỊCH", True),
            (380, 420, "JAIL", True),
            (370, 436, "M2", True),
            (60, 416, "- Như trên;", False),
            (360, 480, "Đặng Văn Minh", True),
        ],
    )
    f = _facts(path)
    assert f.issuer_lines == ["UY BAN NHANDAN", "TINH QUANG NGÀI"]
    assert f.agency == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (f.province, f.province_raw) == ("Quảng Ngãi", "QUANG NGÀI")
    assert f.number == "23/BC-UBND"
    assert f.date == date(2024, 12, 31)
    assert f.doc_type == "Thông báo"
    assert f.signer == "Đặng Văn Minh"
    assert f.signer_title == "CHU TỊCH"  # the seal's letters are no part of it


def test_department_of_health_read_glued_is_still_its_own_body():
    """OCR glues "SỞ Y TẾ" into "SƠY TẾ": the department is the issuer, not a tail of its parent's line."""
    lines = [
        TextLine("ỦY BAN NHÂN DÂN", (80, 50, 220, 62), 1, True),
        TextLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (300, 50, 560, 62), 1, True),
        TextLine("THÀNH PHỐ HỒ CHÍ MINH", (70, 64, 230, 76), 1, True),
        TextLine("Độc lập - Tự do - Hạnh phúc", (350, 64, 510, 76), 1, True),
        TextLine("SƠY TẾ", (120, 78, 180, 90), 1, True),
        TextLine("Thành phố Hồ Chí Minh, ngày 15 tháng 01 năm 2021", (300, 100, 560, 112), 1),
        TextLine("KẾ HOẠCH", (260, 140, 340, 152), 1, True),
    ]
    f = find_facts(raw_document(lines), [])
    assert f.issuer_lines[-1] == "SỞ Y TẾ"
    assert f.agency == "Sở Y tế" and f.parent_agency == "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"
    assert f.province == "Hồ Chí Minh"


def test_a_signer_title_a_seal_garbled_is_the_known_title_and_the_name_is_read_after_marks():
    """OCR of a signature block under a seal: "KT. GLÁM )C" / "PHÓ GIÁ ĐC" are "KT. GIÁM ĐỐC" / "PHÓ GIÁM
    ĐỐC"; marks read before the name ("Trần_——") are left out; a title that only lost marks stays as printed."""

    def doc(*block: str) -> RawDocument:
        lines = [TextLine("Nơi nhận:", (60, 400, 120, 412), 2, True)]
        lines += [TextLine(t, (340, 404 + 18 * i, 500, 416 + 18 * i), 2, True) for i, t in enumerate(block)]
        lines.append(TextLine("- Như trên;", (60, 416, 120, 428), 2))
        return raw_document([TextLine("BÁO CÁO", (260, 140, 340, 152), 1, True)], lines)

    f = find_facts(doc("._.. KT. GLÁM )C", "PHÓ GIÁ ĐC", "| Ífệ", "Trần_—— Nguyễn Minh Thành"), [])
    assert f.signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert f.signer == "Nguyễn Minh Thành"
    f = find_facts(doc("KT. CHU TỊCH", "PHÓ CHU TỊCH", "Đặng Văn Minh"), [])
    assert f.signer_title == "KT. CHU TỊCH\nPHÓ CHU TỊCH" and f.signer == "Đặng Văn Minh"
    f = find_facts(doc(";HỦ TỊCH", "JAIL", "Trần Văn Nam"), [])  # a seal's mark took the C (27)
    assert f.signer_title == "CHỦ TỊCH" and f.signer == "Trần Văn Nam"


def test_a_date_before_the_laws_it_cites_is_a_misreading_and_dropped():
    """A degraded 1999 copy read "năm 1990", yet it cites a law of 24/7/1993: no date rather than a wrong one;
    a date after its bases is kept."""

    def doc(year: str) -> RawDocument:
        lines = [
            TextLine("ỦY BAN NHÂN DÂN", (100, 55, 200, 67), 1, True),
            TextLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (280, 55, 460, 67), 1, True),
            TextLine("TỈNH CAO BẰNG", (106, 71, 196, 83), 1, True),
            TextLine(f"Cao Bằng, ngày 22 tháng 2 năm {year}", (257, 98, 425, 109), 1),
            TextLine("Số: 157/QĐ-UB", (105, 100, 197, 110), 1),
            TextLine("QUYẾT ĐỊNH", (240, 147, 330, 162), 1, True),
            TextLine("Về việc giao quyền sử dụng đất ở dân cư", (171, 164, 383, 176), 1, True),
            TextLine("- Căn cứ Luật đất đai công bố ngày 24 /7/ 1993 và các", (110, 230, 463, 241), 1),
        ]
        return raw_document(lines)

    misread = find_facts(doc("1990"), [])
    assert misread.date is None and misread.plan_year is None
    assert misread.number == "157/QĐ-UB" and misread.province == "Cao Bằng"
    assert find_facts(doc("1999"), []).date == date(1999, 2, 22)


def test_unreadable_handwritten_digits_give_no_number_and_no_day(tmp_path):
    """A handwritten number or day that OCR turns into junk is left empty, never guessed; the code of
    a number read as a line of its own ("Số: 687" | "/STP-VB") is joined to it."""
    path = tmp_path / "hw.pdf"
    draw_lines(
        path,
        [
            (96, 50, "ỦY BAN NHÂN DÂN", True),
            (290, 50, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
            (96, 65, "TỈNH QUẢNG NGÃI", True),
            (320, 66, "Độc lập - Tự do - Hạnh phúc", True),
            (112, 95, "Số: Ö0 /BC-UBND", False),
            (287, 97, "Quảng Ngãi, ngày#0thóng 01 năm 2025", False),
            (275, 136, "BẢO CAO", True),
            (150, 153, "Về việc điều chỉnh dự toán ngân sách năm 2024", True),
        ],
    )
    f = _facts(path)
    assert f.number is None
    assert f.date is None and f.place == "Quảng Ngãi"
    assert f.doc_type == "Báo cáo"
    assert f.province == "Quảng Ngãi"

    path = tmp_path / "split.pdf"
    draw_lines(
        path,
        [
            (122, 71, "ỦY BAN NHÂN DÂN", True),
            (291, 73, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
            (102, 86, "THÀNH PHÓ HÒ CHÍ MINH", True),
            (143, 102, "SỞ TƯ PHÁP", True),
            (120, 136, "Số: 687", False),
            (197, 138, "/STP-VB", False),
            (295, 138, "Thành phố Hồ Chí Minh, ngày 25 tháng 02 năm 2021", False),
            (96, 160, "V/v Chương trình hỗ trợ pháp lý", False),
        ],
    )
    f = _facts(path)
    assert f.number == "687/STP-VB"
    assert f.issuer_lines == ["ỦY BAN NHÂN DÂN", "THÀNH PHÓ HÒ CHÍ MINH", "SỞ TƯ PHÁP"]
    assert f.agency == "Sở Tư pháp" and f.province == "Hồ Chí Minh"
    assert f.date == date(2021, 2, 25)


def _letterhead(number_line: TextLine) -> RawDocument:
    lines = [
        TextLine("ỦY BAN NHÂN DÂN", (60, 50, 200, 62), 1, True),
        TextLine("TỈNH QUẢNG NGÃI", (62, 64, 198, 76), 1, True),
        TextLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (300, 50, 560, 62), 1, True),
        TextLine("Độc lập - Tự do - Hạnh phúc", (350, 64, 510, 76), 1, True),
        number_line,
        TextLine("Quảng Ngãi, ngày 15 tháng 01 năm 2025", (330, 90, 560, 102), 1),
        TextLine("CÔNG VĂN", (250, 130, 340, 142), 1, True),
    ]
    return raw_document(lines)


def test_a_number_whose_digits_ocr_is_unsure_of_is_not_taken():
    """Handwritten digits read with a very low confidence (e.g. "892" for 299): no number rather than a wrong one."""
    from extractors.facts import NUMBER_CONFIDENCE_MIN, find_facts

    sure = TextLine("Số: 299 /UBND-TTHC", (80, 90, 220, 102), 1, digits_confidence=NUMBER_CONFIDENCE_MIN + 10)
    unsure = TextLine("Số: 892 /UBND-TTHC", (80, 90, 220, 102), 1, digits_confidence=NUMBER_CONFIDENCE_MIN - 10)
    assert find_facts(_letterhead(sure)).number == "299/UBND-TTHC"
    assert find_facts(_letterhead(unsure)).number is None
    assert find_facts(_letterhead(unsure)).province == "Quảng Ngãi"  # the rest of the letterhead still read


def test_a_leading_bar_or_bang_before_typed_digits_is_a_one():
    """OCR of a typed "1" that starts a number on a photocopy: "!57/QĐ-NĐ-UB", "l57", "I57", "|57" are
    157; a letter before a slash with no digit, or inside the digits, is left (and gives no number)."""
    from extractors.facts import find_facts, leading_one

    for seen in ("!57/QĐ-NĐ-UB", "l57/QĐ-NĐ-UB", "I57/QĐ-NĐ-UB", "|57/QĐ-NĐ-UB", " !57 /QĐ-NĐ-UB"):
        assert leading_one(seen).replace(" ", "") == "157/QĐ-NĐ-UB"
    assert leading_one("I/QĐ-UBND") == "I/QĐ-UBND" and leading_one("5!7/QĐ") == "5!7/QĐ"
    line = TextLine("Số: !57/QĐ-NĐ-UB", (80, 90, 220, 102), 1)
    assert find_facts(_letterhead(line)).number == "157/QĐ-NĐ-UB"
    assert find_facts(_letterhead(TextLine("Số: 5!7/QĐ-UBND", (80, 90, 220, 102), 1))).number is None
