"""Legacy encodings: known samples, round trips, no false alarms on Unicode text, totality."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.legacy_text import decode_legacy
from normalizers.legacy import (
    VNI_SINGLE,
    compose_vni,
    font_encoding,
    from_tcvn3,
    from_vni,
    guess_encoding,
    to_tcvn3,
    to_unicode,
    to_vni,
)
from tests.conftest import PLANS, gold

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam"
VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


def test_known_samples():
    assert from_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert from_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == MOTTO
    assert from_tcvn3("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"
    assert from_tcvn3("uû ban nh©n d©n", upper=True) == "UỶ BAN NHÂN DÂN"


@pytest.mark.parametrize(
    ("font", "encoding"),
    [(".VnTime", "tcvn3"), ("ABCDEF+.VnTimeH", "tcvn3"), ("VNI-Times", "vni"), ("TimesNewRomanPSMT", None)],
)
def test_font_names(font, encoding):
    assert font_encoding(font) == encoding


def test_unicode_text_is_left_alone():
    for key in PLANS:
        body = " ".join(b["text"] for b in gold(key)["body"])
        assert guess_encoding(body) is None
        assert to_unicode(body) == body


def test_guesses_each_encoding():
    text = " ".join(b["text"] for b in gold(PLANS[0])["body"][:8])
    assert guess_encoding(to_tcvn3(text.lower())) == "tcvn3"
    assert guess_encoding(to_vni(text)) == "vni"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=VI_LETTERS + VI_LETTERS.upper() + " ,.-", max_size=60))
def test_vni_round_trip(text):
    assert from_vni(to_vni(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=VI_LETTERS + " ,.-0123456789", max_size=60))
def test_tcvn3_round_trip(text):
    assert from_tcvn3(to_tcvn3(text)) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_total(text):
    guess_encoding(text)
    from_vni(text)
    from_tcvn3(text)
    to_unicode(text)


def test_compose_vni():
    assert compose_vni("a", "ù") == "á"
    assert compose_vni("ơ", "ù") == compose_vni("ô", "ù") == "ớ"  # a bare ô is VNI's ơ
    assert compose_vni("A", "Ù") == "Á"
    assert compose_vni("a", "b") is None
    assert compose_vni("b", "ù") is None
    assert compose_vni("", "ù") is None
    assert VNI_SINGLE["ñ"] == "đ"


def _glyphs(text: str) -> list[dict]:
    return [
        {"text": ch, "fontname": "VNI-Times", "x0": float(i), "x1": i + 1.0, "width": 1.0} for i, ch in enumerate(text)
    ]


@given(st.text(alphabet=VI_LETTERS + VI_LETTERS.upper() + " ,.", max_size=60))
@settings(max_examples=200)
def test_glyph_decoding_reads_as_the_text_decoder(text):
    """decode_legacy (one glyph per code point, marks merged into the letter before) agrees with from_vni."""
    chars, encoding = decode_legacy(_glyphs(to_vni(text)))
    assert "".join(c["text"] for c in chars) == from_vni(to_vni(text))
    assert encoding == ("vni" if text else None)
    assert all(c["width"] == c["x1"] - c["x0"] for c in chars)
