from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractors.celltext import join_lines


def test_lines_join_with_single_spaces():
    assert join_lines(["Ban hành Kế hoạch cải cách hành chính năm", "2023."]) == (
        "Ban hành Kế hoạch cải cách hành chính năm 2023."
    )


def test_bullets_start_new_lines():
    lines = ["- Kế hoạch;", "- Báo cáo kết quả thực", "hiện.", "+ Phụ lục"]
    assert join_lines(lines) == "- Kế hoạch;\n- Báo cáo kết quả thực hiện.\n+ Phụ lục"


def test_word_broken_after_hyphen_joins_without_space():
    assert join_lines(["Phòng TT-BC-", "XB, Phòng", "CNTT-BCVT"]) == "Phòng TT-BC-XB, Phòng CNTT-BCVT"
    assert join_lines(["Nghị quyết số 08-", "NQ/TU"]) == "Nghị quyết số 08-NQ/TU"


def test_spaced_dash_at_line_end_keeps_the_space():
    assert join_lines(["Phòng Thông tin -", "Báo chí"]) == "Phòng Thông tin - Báo chí"
    assert join_lines(["Công nghệ thông tin", "– Viễn thông"]) == "Công nghệ thông tin – Viễn thông"


def test_wrapped_number_range_is_not_a_bullet():
    assert join_lines(["giai đoạn 2021", "- 2025"]) == "giai đoạn 2021 - 2025"
    assert join_lines(["chậm nhất ngày 10/01/2023", "- Báo cáo quý"]) == "chậm nhất ngày 10/01/2023\n- Báo cáo quý"


def test_text_is_nfc_and_spaces_collapse():
    decomposed = "Ho\u0300a   Bi\u0300nh"
    assert join_lines([decomposed]) == "Hòa Bình"


@given(st.lists(st.text()))
def test_join_is_total_and_nfc(lines):
    import unicodedata

    out = join_lines(lines)
    assert unicodedata.is_normalized("NFC", out)
    assert "  " not in out
