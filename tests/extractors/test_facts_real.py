# ruff: noqa: E501  (the expected facts read best one file a line)
"""Document facts on the real documents in ../shared/real (text-layer files; scans need OCR and are left out).

Prints per file what was read; asserts what a reading of each first page (and signature
block) shows. Skipped when the folder is absent (a user's clone has no ../shared).
"""

from __future__ import annotations

import pickle
from datetime import date

import pypdfium2 as pdfium
import pytest

from extractors.facts import find_facts
from extractors.reader import read_pdf
from extractors.settings import ExtractSettings
from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "real"

#: file prefix -> (province, agency, number, date, doc_type, title start, signer), as printed on the page
EXPECTED: dict[str, tuple] = {
    "02": (None, "Bộ Y tế", "2093/QĐ-BYT", date(2025, 6, 24), "Quyết định", "Về việc công bố thủ tục hành chính mới", "Nguyễn Thị Liên Hương"),
    "03": (None, "Bộ Tư pháp", "1043/BTP-QLXLVPHC&TDTHPL", date(2021, 4, 9), "Danh mục", "VĂN BẢN QUY PHẠM PHÁP LUẬT", None),
    "04": ("Gia Lai", "Ủy ban nhân dân tỉnh Gia Lai", "2061/QĐ-UBND", date(2026, 5, 13), "Danh mục", "SẢN PHẨM/ CÔNG VIỆC CHUNG", None),
    "05": ("Hà Nội", "Ủy ban nhân dân thành phố Hà Nội", "2858/QĐ-UBND", date(2025, 6, 10), "Quyết định", "Về việc phê duyệt đồ án Điều chỉnh cục bộ", "Dương Đức Tuấn"),
    "06": ("Cao Bằng", "Hội đồng nhân dân tỉnh Cao Bằng", "33/2022/NQ-HĐND", date(2022, 7, 15), "Nghị quyết", "QUY ĐỊNH MỨC THU, CHẾ ĐỘ THU", "Triệu Đình Lê"),
    "07": ("Thanh Hóa", "Ủy ban nhân dân thị xã Bỉm Sơn", "3070/KH-UBND", date(2024, 9, 9), "Kế hoạch", "Khắc phục những tồn tại, hạn chế", "Trịnh Tuấn Thành"),
    "13": ("Bà Rịa - Vũng Tàu", "Ủy ban nhân dân thị trấn Ngãi Giao", "142/QĐ-UBND", date(2024, 3, 29), "Quyết định", "V/v phân công nhiệm vụ", "Nguyễn Xuân Quang"),
    "21": ("Quảng Ngãi", "Ủy ban nhân dân tỉnh Quảng Ngãi", "565/TB-UBND", date(2024, 11, 15), "Thông báo", "Kết luận của Phó Chủ tịch UBND tỉnh Võ Phiên", "Phùng Tô Long"),
    "22": ("Quảng Ngãi", "Ủy ban nhân dân tỉnh Quảng Ngãi", "11/TB-UBND", date(2025, 1, 8), "Thông báo", "Kết luận của Phó Chủ tịch UBND tỉnh Võ Phiên", "Nguyễn Phước Bình"),
    "24": (None, "Quốc hội", "54/2014/QH13", None, "Luật", "HẢI QUAN", None),
}  # fmt: skip


def _file(prefix: str):
    found = sorted(REAL.glob(f"{prefix}_*.pdf"))
    if not found:
        pytest.skip(f"{REAL} has no {prefix}_*.pdf")
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_real_document_facts(prefix):
    path = _file(prefix)
    n = len(pdfium.PdfDocument(str(path)))
    pages = sorted({1, 2, max(n - 1, 1), n})  # the header block and the signature block
    f = find_facts(read_pdf(str(path), ExtractSettings(ocr="off", cross_check=False), pages=pages))
    print(
        f"\n{path.name}: province={f.province!r} agency={f.agency!r} number={f.number!r} date={f.date} "
        f"title={(f.title or '')[:50]!r} signer={f.signer!r} signed_at={f.signed_at} signatures={len(f.signatures)}"
    )
    province, agency, number, when, doc_type, title, signer = EXPECTED[prefix]
    assert (f.province, f.agency, f.number, f.date, f.doc_type) == (province, agency, number, when, doc_type)
    assert (f.title or "").startswith(title)
    assert f.signer == signer
    assert f.signer is None or not any(ch.isdigit() for ch in f.signer)


@pytest.mark.slow
def test_real_signatures_are_read_offline():
    path = _file("21")
    from extractors.signatures import read_signatures

    sigs = read_signatures(str(path))
    assert pickle.loads(pickle.dumps(sigs)) == sigs  # plain values: extractions cross process boundaries
    assert [s.signer for s in sigs][:1] == ["Phùng Tô Long"]
    assert all(s.intact for s in sigs)
    assert [s.covers_file for s in sigs] == [False] * (len(sigs) - 1) + [True]  # later ones appended revisions
