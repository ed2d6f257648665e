from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.legal_refs import find_legal_refs


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "theo Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ",
            ("Nghị định", "107/2020/NĐ-CP", "NĐ-CP", "Chính phủ", 2020, date(2020, 9, 14)),
        ),
        (
            "Kế hoạch số 866/KH-UBND ngày 23/12/2022",
            ("Kế hoạch", "866/KH-UBND", "KH-UBND", "Ủy ban nhân dân", 2022, date(2022, 12, 23)),
        ),
        (
            "Văn bản số 1180/STTTT-CNTT ngày 02/8/2021",
            ("Văn bản", "1180/STTTT-CNTT", "STTTT-CNTT", "Sở Thông tin và Truyền thông", 2021, date(2021, 8, 2)),
        ),
        ("Nghị quyết số 03-NQ/TU của Ban Chấp hành", ("Nghị quyết", "03-NQ/TU", "NQ/TU", "Tỉnh ủy", None, None)),
        (
            "Nghị định số130/2005/NĐ-CP ngày 17/10/2005",
            ("Nghị định", "130/2005/NĐ-CP", "NĐ-CP", "Chính phủ", 2005, date(2005, 10, 17)),
        ),
        ("theo 12/2020/NÐ–CP", ("Nghị định", "12/2020/NĐ-CP", "NĐ-CP", "Chính phủ", 2020, None)),
        (
            "Nghị quyết số 131/NQ- CP ngày 06/10/2022",
            ("Nghị quyết", "131/NQ-CP", "NQ-CP", "Chính phủ", 2022, date(2022, 10, 6)),
        ),
        ("Nghị định 130/2005 của Chính phủ", ("Nghị định", "130/2005", None, None, 2005, None)),
        (
            "Pháp lệnh số 34/2007/PL-UBTVQH11",
            ("Pháp lệnh", "34/2007/PL-UBTVQH11", "PL-UBTVQH11", "Ủy ban Thường vụ Quốc hội", 2007, None),
        ),
        (
            "Quyết định số 766/QĐ-TTg ngày 23/6/2022",
            ("Quyết định", "766/QĐ-TTg", "QĐ-TTg", "Thủ tướng Chính phủ", 2022, date(2022, 6, 23)),
        ),
        ("Luật Ngân sách nhà nước năm 2015;", ("Luật", None, None, "Quốc hội", 2015, None)),
    ],
)
def test_citation_grammars(text, want):
    refs = find_legal_refs(text)
    assert len(refs) == 1
    r = refs[0]
    assert (r.doc_type, r.number, r.code, r.issuer, r.year, r.issued_date) == want


@pytest.mark.parametrize(
    "text", ["Tháng 01/2023", "trước 30/01/2023", "mạng 4G/5G", "TTHC/ danh mục", "Quý III - IV/2023"]
)
def test_dates_and_slashes_are_not_citations(text):
    assert find_legal_refs(text) == []


@given(st.text())
def test_total_on_any_text(text):
    for ref in find_legal_refs(text):
        assert ref.number is None or " " not in ref.number
