"""Text keys: NFC storage, folded keys that are idempotent."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from normalizers.text import (
    clean_line,
    fold,
    fold_chars,
    match_key,
    nfc,
    normalize_tone_marks,
    slug,
    split_outside_parens,
)


def test_tone_placements_and_lookalikes_share_a_key():
    assert match_key("Hoà Bình") == match_key("Hòa Bình")
    assert match_key("Uỷ ban") == match_key("Ủy ban")
    assert match_key("NÐ–CP") == match_key("NĐ-CP")


def test_stored_text_keeps_diacritics():
    decomposed = unicodedata.normalize("NFD", "Sơn La")
    assert nfc(decomposed) == "Sơn La"
    assert slug("Bắc Kạn") == "bac-kan"


@given(st.text())
def test_keys_are_idempotent_and_total(text):
    assert match_key(match_key(text)) == match_key(text)
    assert fold(fold(text)) == fold(text)
    assert normalize_tone_marks(normalize_tone_marks(text)) == normalize_tone_marks(text)
    assert len(fold_chars(text)) == len(text)
    assert slug(text) == slug(slug(text)) or not slug(text)


def test_clean_line():
    assert clean_line("  Sở\u00a0 Nội\u2009vụ\u200b ") == "Sở Nội vụ"
    assert clean_line("Nội\tvụ") == "Nộivụ"  # kept as it was: a tab is a control character, dropped
    assert clean_line(unicodedata.normalize("NFD", "Hòa Bình")) == "Hòa Bình"


def test_split_outside_parens():
    assert split_outside_parens("A (x; y); B", ";") == ["A (x; y)", " B"]
    assert split_outside_parens("A, B; C", ",;") == ["A", " B", " C"]
    assert split_outside_parens("A) , B", ",") == ["A) ", " B"]
    assert split_outside_parens("A (B, C", ",") == ["A (B, C"]
    assert split_outside_parens("", ";") == [""]


@given(st.text(alphabet="ab();, "))
def test_split_outside_parens_keeps_every_character(text):
    assert ";".join(split_outside_parens(text, ";")) == text
