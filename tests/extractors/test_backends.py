"""Text layers: PDFium and pdfminer feed the same table finder and must give the same rows."""

from __future__ import annotations

import pytest

from extractors import ExtractSettings, extract
from extractors.celltext import join_lines
from tests.conftest import FIXTURES, PLANS

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'


def _rows(key: str, text_layer: str):
    ex = extract(FIXTURES / f"{key}.pdf", ExtractSettings(text_layer=text_layer, cross_check=False))
    rows = [
        (r.section_code, r.group_title, sorted(r.pages), {k: join_lines(v.lines) for k, v in r.cells.items()})
        for r in ex.rows
    ]
    return rows, ex.facts


@pytest.mark.parametrize("key", PLANS)
def test_pdfium_and_pdfminer_agree(key):
    fast, fast_facts = _rows(key, "pdfium")
    slow, slow_facts = _rows(key, "pdfminer")
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert a == b
    assert fast_facts == slow_facts


def test_unknown_text_layer_is_refused():
    with pytest.raises(ValueError, match="text layer"):
        extract(FIXTURES / f"{PLANS[0]}.pdf", ExtractSettings(text_layer="ocr"))
