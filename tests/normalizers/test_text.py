"""Text keys: NFC storage, folded keys that are idempotent."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from normalizers.text import fold, fold_chars, match_key, nfc, normalize_tone_marks, slug


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
