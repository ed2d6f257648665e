"""Document facts on small PDFs of our own, one per letterhead style (Nghị định 30/2020 layout).

Each document is drawn with reportlab (DejaVu fonts, as tests/fixtures/synthetic/render.py):
the letterhead's left lines, the motto right, "Số: …" and the place/date, the document type,
its trích yếu, and a signature block beside "Nơi nhận". Every fact read is asserted.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors.facts import find_facts
from extractors.reader import read_pdf
from extractors.settings import ExtractSettings
from tests.fixtures.synthetic.render import _fonts

W, H = 595.0, 842.0
LEFT, RIGHT = 160.0, 420.0  # centres of the letterhead's two columns
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def _draw(path: Path, issuer: list[str], number: str | None, place_date: str | None, body: list[tuple], sign: tuple):
    """``body``: (text, bold, centred) lines under the header; ``sign``: (title lines, name)."""
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    c = canvas.Canvas(str(path), pagesize=(W, H))
    y = H - 60
    for i in range(max(len(issuer), 2)):
        if i < len(issuer):
            c.setFont(bold if i else regular, 10.5)
            c.drawCentredString(LEFT, y, issuer[i])
        if i < 2:
            c.setFont(bold, 10.5)
            c.drawCentredString(RIGHT, y, MOTTO[i])
        y -= 15
    y -= 12
    c.setFont(regular, 13)
    if number is not None:
        c.drawCentredString(LEFT, y, number)
    if place_date is not None:
        c.drawCentredString(RIGHT, y, place_date)
    y -= 34
    for text, is_bold, centred in body:
        c.setFont(bold if is_bold else regular, 13)
        if centred:
            c.drawCentredString(W / 2 + 8, y, text)
        else:
            c.drawString(85, y, text)
        y -= 17
    y -= 20
    c.setFont(bold, 12)
    c.drawString(85, y, "Nơi nhận:")
    titles, name = sign
    for t in titles:
        c.drawCentredString(RIGHT + 30, y, t)
        y -= 15
    c.setFont(regular, 11)
    c.drawString(85, y, "- Như trên;")
    c.drawString(85, y - 13, "- Lưu: VT.")
    c.setFont(bold, 13)
    c.drawCentredString(RIGHT + 30, y - 70, name)
    c.save()


def _facts(path: Path):
    return find_facts(read_pdf(str(path), ExtractSettings(ocr="off", cross_check=False)))


CASES = {
    "department": dict(
        draw=(
            ["UBND TỈNH SƠN LA", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
            "Số: 125/KH-STTTT",
            "Sơn La, ngày 12 tháng 01 năm 2023",
            [
                ("KẾ HOẠCH", True, True),
                ("Chuyển đổi số năm 2023", True, True),
                ("Căn cứ Quyết định số 10/QĐ-UBND của UBND tỉnh Lai Châu;", False, False),
            ],
            (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Lò Văn Mừng"),
        ),
        facts=dict(
            issuer_lines=["UBND TỈNH SƠN LA", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"],
            parent_agency="UBND TỈNH SƠN LA",
            agency="Sở Thông tin và Truyền thông",
            province="Sơn La",
            province_raw="SƠN LA",
            number="125/KH-STTTT",
            date=date(2023, 1, 12),
            place="Sơn La",
            doc_type="Kế hoạch",
            title="Chuyển đổi số năm 2023",
            plan_year=2023,
            signer="Lò Văn Mừng",
            signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        ),
    ),
    "province_old_tones": dict(
        draw=(
            ["UỶ BAN NHÂN DÂN", "TỈNH THANH HOÁ"],
            "Số: 45/QĐ-UBND",
            "Thanh Hoá, ngày 3 tháng 4 năm 2024",
            [
                ("QUYẾT ĐỊNH", True, True),
                ("Về việc ban hành Kế hoạch cải cách hành chính", True, True),
                ("năm 2024 của tỉnh", True, True),
                ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA", True, True),
            ],
            (["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Đầu Thanh Tùng"),
        ),
        facts=dict(
            issuer_lines=["UỶ BAN NHÂN DÂN", "TỈNH THANH HOÁ"],
            parent_agency=None,
            agency="Ủy ban nhân dân tỉnh Thanh Hóa",
            province="Thanh Hóa",
            province_raw="THANH HOÁ",
            number="45/QĐ-UBND",
            date=date(2024, 4, 3),
            place="Thanh Hoá",
            doc_type="Quyết định",
            title="Về việc ban hành Kế hoạch cải cách hành chính năm 2024 của tỉnh",
            plan_year=2024,
            signer="Đầu Thanh Tùng",
            signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        ),
    ),
    "district": dict(
        draw=(
            ["UBND TỈNH QUẢNG NGÃI", "UBND HUYỆN SƠN TỊNH"],
            "Số: 210/KH-UBND",
            "Sơn Tịnh, ngày 20 tháng 02 năm 2024",
            [
                ("KẾ HOẠCH", True, True),
                ("Thực hiện công tác cải cách hành chính năm 2024", True, True),
                ("Thực hiện Kế hoạch của UBND tỉnh Bình Định về cải cách hành chính;", False, False),
            ],
            (["CHỦ TỊCH"], "Trần Văn An"),
        ),
        facts=dict(
            issuer_lines=["UBND TỈNH QUẢNG NGÃI", "UBND HUYỆN SƠN TỊNH"],
            parent_agency="UBND TỈNH QUẢNG NGÃI",
            agency="Ủy ban nhân dân huyện Sơn Tịnh",
            province="Quảng Ngãi",
            province_raw="QUẢNG NGÃI",
            number="210/KH-UBND",
            date=date(2024, 2, 20),
            place="Sơn Tịnh",
            doc_type="Kế hoạch",
            title="Thực hiện công tác cải cách hành chính năm 2024",
            plan_year=2024,
            signer="Trần Văn An",
            signer_title="CHỦ TỊCH",
        ),
    ),
    "commune": dict(
        draw=(
            ["UBND HUYỆN CHÂU ĐỨC", "UBND XÃ BÌNH BA"],
            "Số: 17/TB-UBND",
            "Bình Ba, ngày 5 tháng 8 năm 2023",
            [
                ("THÔNG BÁO", True, True),
                ("V/v lịch tiếp công dân tháng 8 năm 2023", True, True),
                ("Căn cứ Quyết định số 5/QĐ-UBND của UBND tỉnh Bà Rịa - Vũng Tàu;", False, False),
            ],
            (["CHỦ TỊCH"], "Lê Thị Hoa"),
        ),
        facts=dict(
            issuer_lines=["UBND HUYỆN CHÂU ĐỨC", "UBND XÃ BÌNH BA"],
            parent_agency="UBND HUYỆN CHÂU ĐỨC",
            agency="Ủy ban nhân dân xã Bình Ba",
            province="Bà Rịa - Vũng Tàu",  # the letterhead names none: the body does
            number="17/TB-UBND",
            date=date(2023, 8, 5),
            place="Bình Ba",
            doc_type="Thông báo",
            title="V/v lịch tiếp công dân tháng 8 năm 2023",
            plan_year=2023,
            signer="Lê Thị Hoa",
            signer_title="CHỦ TỊCH",
        ),
    ),
    "ministry": dict(
        draw=(
            ["BỘ Y TẾ"],
            "Số: 2093/QĐ-BYT",
            "Hà Nội, ngày 24 tháng 6 năm 2025",
            [
                ("QUYẾT ĐỊNH", True, True),
                ("Về việc công bố thủ tục hành chính lĩnh vực phòng bệnh", True, True),
                ("BỘ TRƯỞNG BỘ Y TẾ", True, True),
                ("Căn cứ Nghị định của Chính phủ; đề nghị của Sở Y tế tỉnh Lào Cai;", False, False),
            ],
            (["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], "Nguyễn Thị Liên Hương"),
        ),
        facts=dict(
            issuer_lines=["BỘ Y TẾ"],
            parent_agency=None,
            agency="Bộ Y tế",
            province=None,  # a central body: no province, whatever the body or the place say
            province_raw=None,
            number="2093/QĐ-BYT",
            date=date(2025, 6, 24),
            place="Hà Nội",
            doc_type="Quyết định",
            title="Về việc công bố thủ tục hành chính lĩnh vực phòng bệnh",
            signer="Nguyễn Thị Liên Hương",
            signer_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
        ),
    ),
    "council": dict(
        draw=(
            ["HỘI ĐỒNG NHÂN DÂN", "TỈNH CAO BẰNG"],
            "Số: 33/2022/NQ-HĐND",
            "Cao Bằng, ngày 15 tháng 7 năm 2022",
            [
                ("NGHỊ QUYẾT", True, True),
                ("QUY ĐỊNH MỨC THU LỆ PHÍ CẤP GIẤY PHÉP LAO ĐỘNG", False, True),
                ("HỘI ĐỒNG NHÂN DÂN TỈNH CAO BẰNG", True, True),
                ("Căn cứ Luật Tổ chức chính quyền địa phương;", False, False),
            ],
            (["CHỦ TỊCH"], "Triệu Đình Lê"),
        ),
        facts=dict(
            issuer_lines=["HỘI ĐỒNG NHÂN DÂN", "TỈNH CAO BẰNG"],
            parent_agency=None,
            agency="Hội đồng nhân dân tỉnh Cao Bằng",
            province="Cao Bằng",
            number="33/2022/NQ-HĐND",
            date=date(2022, 7, 15),
            place="Cao Bằng",
            doc_type="Nghị quyết",
            title="QUY ĐỊNH MỨC THU LỆ PHÍ CẤP GIẤY PHÉP LAO ĐỘNG",
            signer="Triệu Đình Lê",
            signer_title="CHỦ TỊCH",
        ),
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(CASES))
def test_letterhead_style(style, tmp_path):
    case = CASES[style]
    path = tmp_path / f"{style}.pdf"
    _draw(path, *case["draw"])
    f = _facts(path)
    for name, want in case["facts"].items():
        assert getattr(f, name) == want, (style, name)
    assert f.signatures == [] and f.signed_at is None


@pytest.mark.slow
def test_appendix_without_letterhead(tmp_path):
    """An appendix names its parent document: number, date and issuer come from that clause."""
    path = tmp_path / "appendix.pdf"
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(bold, 13)
    c.drawCentredString(W / 2, H - 60, "PHỤ LỤC")
    c.drawCentredString(W / 2, H - 77, "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025")
    c.setFont(regular, 12)
    c.drawCentredString(W / 2, H - 95, "(Kèm theo Quyết định số 310/QĐ-UBND ngày 14/3/2025 của UBND tỉnh Lạng Sơn)")
    c.drawString(85, H - 130, "1. Rà soát thủ tục hành chính của tỉnh Cao Bằng.")
    c.save()
    f = _facts(path)
    assert f.issuer_lines == [] and f.parent_agency is None
    assert f.doc_type == "Phụ lục"
    assert f.title == "DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025"
    assert f.number == "310/QĐ-UBND"
    assert f.date == date(2025, 3, 14)
    assert f.agency == "Ủy ban nhân dân tỉnh Lạng Sơn"
    assert f.province == "Lạng Sơn"
    assert f.plan_year == 2025
    assert f.signer is None and f.signer_title is None


@pytest.mark.slow
def test_number_and_day_stamped_as_widget_annotations(tmp_path):
    """The e-signature fills "Số: …" and the day in form widgets: read from their appearance streams."""
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    path = tmp_path / "stamped.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont(bold, 10.5)
    c.drawCentredString(LEFT, H - 60, "ỦY BAN NHÂN DÂN")
    c.drawCentredString(LEFT, H - 75, "TỈNH QUẢNG NGÃI")
    c.drawCentredString(RIGHT, H - 60, MOTTO[0])
    c.drawCentredString(RIGHT, H - 75, MOTTO[1])
    c.setFont(regular, 13)
    c.drawString(110, H - 110, "Số:")
    c.drawString(160, H - 110, "/TB-UBND")
    day_x = 300 + c.stringWidth("Quảng Ngãi, ngày ", regular, 13)
    c.drawString(300, H - 110, "Quảng Ngãi, ngày")
    c.drawString(day_x + 24, H - 110, "tháng 11 năm 2024")
    form = c.acroForm
    form.textfield(name="so", value="565", x=133, y=H - 113, width=26, height=16, borderWidth=0, fontSize=12)
    form.textfield(name="ngay", value="15", x=day_x, y=H - 113, width=22, height=16, borderWidth=0, fontSize=12)
    c.setFont(bold, 13)
    c.drawCentredString(W / 2 + 8, H - 150, "THÔNG BÁO")
    c.drawCentredString(W / 2 + 8, H - 167, "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp")
    c.save()
    raw = read_pdf(str(path), ExtractSettings(ocr="off", cross_check=False))
    assert "565" not in " ".join(ln.text for ln in raw.pages[0].lines)  # the page text leaves them out
    assert all(ln.annotation for ln in raw.pages[0].annotation_lines)
    f = find_facts(raw)
    assert f.number == "565/TB-UBND"
    assert f.date == date(2024, 11, 15)
    assert f.place == "Quảng Ngãi"
    assert f.agency == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert f.province == "Quảng Ngãi"
    assert f.doc_type == "Thông báo"
    assert f.title == "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp"
