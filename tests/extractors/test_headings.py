"""Section numerals: roman values and the numeral that follows a section."""

from __future__ import annotations

import pytest

from extractors.headings import next_section, roman_value, to_roman


@pytest.mark.parametrize(("code", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("XL", 40), ("A", None)])
def test_roman_value(code, value):
    assert roman_value(code) == value


def test_to_roman_inverts_roman_value():
    assert all(roman_value(to_roman(n)) == n for n in range(1, 30))


def test_next_section():
    assert next_section(None) == "I"
    assert next_section("I") == "II"
    assert next_section("III") == "IV"
    assert next_section("IX") == "X"
