from __future__ import annotations

import pytest

from extractors.headers import field_for, is_column_number_row, looks_like_header


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("TT", "tt"),
        ("STT", "tt"),
        ("1 - Mục tiêu", "objective"),
        ("2 - Nhiệm vụ", "task"),
        ("Danh mục các hoạt động, nhiệm vụ", "task"),
        ("Nội dung nhiệm vụ/công việc", "task"),
        ("3 - Hoạt động", "activity"),
        ("4 - Kết quả/\nSản phẩm", "output"),
        ("Sản phẩm đầu ra", "output"),
        ("Đơn vị chủ trì\ntham mưu", "lead"),
        ("5 - Cơ quan chủ trì", "lead"),
        ("Chủ trì", "lead"),
        ("(6) Cơ quan phối hợp", "partner"),
        ("7 - Thời gian thực hiện", "deadline"),
        ("Thời hạn hoàn thành", "deadline"),
        ("8 - Dự kiến kinh phí (Nếu có)", "budget"),
        ("THỜI GIAN HOÀN THÀNH", "deadline"),
        ("thoi gian hoan thanh", "deadline"),
        ("Ghi chú", "note"),
        ("Xyz", None),
    ],
)
def test_header_synonyms(label, field):
    assert field_for(label) == field


def test_header_row_detection():
    assert looks_like_header(["TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"])
    assert not looks_like_header(["1", "Ban hành kế hoạch", "Văn phòng", "", "Quý I/2023"])


def test_column_number_row():
    assert is_column_number_row(["(1)", "(2)", "(3)", "(4)", "(5)"])
    assert is_column_number_row(["1", "2", "3", "4", "5", "6"])
    assert not is_column_number_row(["1", "Ban hành", "", "", ""])


def test_column_number_row_misread_by_ocr():
    from extractors.headers import is_column_number_row

    assert is_column_number_row(["q)", "(2)", "@)", "4)", "®)", "(6)", "Œ7)", "(8)"])
    assert not is_column_number_row(["1", "Rà soát văn bản", "Quý IV/2024", "Văn phòng"])
    assert is_column_number_row(["q)", "(2)", "@)", "(4", "G)"])  # a parenthesis lost
    assert not is_column_number_row(["q)", "(2)", "Rà soát", "(4", "G)"])


@pytest.mark.parametrize("label", ["STT", "TT", "SIL", "S1T", "SITT", "ITT"])
def test_the_row_number_label_as_ocr_reads_its_strokes(label):
    assert field_for(label) == "tt"


@pytest.mark.parametrize("label", ["Sĩ", "Tiết", "Số", "I"])
def test_short_words_are_not_the_row_number_label(label):
    assert field_for(label) is None
