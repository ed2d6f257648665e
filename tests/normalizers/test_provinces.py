"""Province names as OCR and careless typing give them, matched to the official list (with diacritics)."""

from __future__ import annotations

import pytest

from normalizers.admin import bare_province, canonical_province, province_after_2025, province_named


@pytest.mark.parametrize(
    ("text", "canonical", "after_2025"),
    [
        ("Lào Cai", "Lào Cai", "Lào Cai"),
        ("Lao Cai", "Lào Cai", "Lào Cai"),  # no diacritics
        ("LAO CAI", "Lào Cai", "Lào Cai"),
        ("Lạo Cải", "Lào Cai", "Lào Cai"),  # wrong tone marks
        ("LÀO CAl", "Lào Cai", "Lào Cai"),  # l read for I
        ("Lào Ca1", "Lào Cai", "Lào Cai"),  # 1 read for i
        ("Laocai", "Lào Cai", "Lào Cai"),  # the space lost
        ("Ðiện Biên", "Điện Biên", "Điện Biên"),  # Icelandic Ð read for Đ
        ("Bac Kan", "Bắc Kạn", "Thái Nguyên"),
        ("Bắc Cạn", "Bắc Kạn", "Thái Nguyên"),
        ("Daklak", "Đắk Lắk", "Đắk Lắk"),
        ("Hoà Bình", "Hòa Bình", "Phú Thọ"),  # old-style tone placement
        ("Ba Ria Vung Tau", "Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Thua Thien Hue", "Thừa Thiên Huế", "Huế"),
    ],
)
def test_noisy_names_get_the_official_spelling_and_the_2025_province(text, canonical, after_2025):
    assert canonical_province(text) == canonical
    assert province_after_2025(canonical) == after_2025


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Tinh Lao Cai", "Lao Cai"),
        ("TỈNH LÀO CAl", "LÀO CAl"),
        ("TlNH LÀO CAI", "LÀO CAI"),  # the marker word OCR'd too
        ("T1NH LAO CAI", "LAO CAI"),
        ("UBND TINH LAO CAI", "LAO CAI"),
        ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "LÀO CAI"),
        ("SỞ TƯ PHÁP TỈNH LẢO CAI", "LẢO CAI"),
        ("Tinh Lao Cai, ngay 5 thang 1 nam 2024", "Lao Cai"),
    ],
)
def test_an_ocr_noisy_letterhead_names_lao_cai(text, printed):
    assert province_named(text) == ("Lào Cai", printed)  # stored with diacritics, the raw text kept
    assert bare_province(text) == ("Lào Cai", printed)


@pytest.mark.parametrize("text", ["Lao", "Cai", "Tinh uy", "Thành phố", "Sở Tư pháp", ""])
def test_what_is_no_province_stays_none(text):
    assert canonical_province(text) is None
    assert province_named(f"{text} ban hành") is None
