"""Bullet marks: one definition for cell text, unit lists, deadline clauses and target paragraphs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from normalizers.bullets import BULLET_MARKS, opens_bullet, starts_bullet, strip_bullet


def test_what_starts_a_bullet():
    assert [starts_bullet(m + " Báo cáo") for m in BULLET_MARKS] == [True, True, True]
    assert starts_bullet("  - Báo cáo")
    assert not starts_bullet("-Báo cáo")
    assert not starts_bullet("* Báo cáo")
    assert not starts_bullet("– Viễn thông")  # an en dash continues a name
    assert not starts_bullet("Báo cáo - quý")


def test_a_wrapped_number_range_is_not_a_bullet():
    assert not opens_bullet("- 2025", "giai đoạn 2021")
    assert opens_bullet("- 2025", "giai đoạn")
    assert opens_bullet("- Báo cáo quý", "chậm nhất ngày 10/01/2023")


def test_strip_bullet():
    assert strip_bullet("- Sở Nội vụ") == "Sở Nội vụ"
    assert strip_bullet("  •  Sở Nội vụ") == "Sở Nội vụ"
    assert strip_bullet("-Quý II/2023") == "-Quý II/2023"
    assert strip_bullet("-Quý II/2023", glued=True) == "Quý II/2023"
    assert strip_bullet("* Sở Nội vụ") == "* Sở Nội vụ"
    assert strip_bullet("* Sở Nội vụ", extra="*") == "Sở Nội vụ"
    assert strip_bullet("Sở - Ban") == "Sở - Ban"


@given(st.text())
def test_strip_bullet_is_a_suffix(text):
    for kwargs in ({}, {"glued": True}, {"extra": "*"}):
        out = strip_bullet(text, **kwargs)
        assert text.endswith(out)
        assert (out == text) or starts_bullet(text) or kwargs
