from __future__ import annotations

import pytest

from extractors import extract
from tests.conftest import FIXTURES, PLANS, gold

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'


@pytest.fixture(scope="module", params=PLANS)
def case(request):
    key = request.param
    return extract(FIXTURES / f"{key}.pdf"), gold(key)["doc"]


def test_document_facts_match_gold(case):
    ex, doc = case
    f = ex.facts
    assert f.province == doc["province"]
    assert f.agency == doc["agency"]
    assert f.plan_year == doc["plan_year"]
    assert f.title == doc["title"]
    assert f.number == doc["number"]
    assert f.signer == doc["signer"]
    assert f.signer_title == doc["signer_title"]
    assert f.doc_type == doc["doc_type"]


def test_rows_keep_page_provenance(case):
    ex, _ = case
    table_pages = {t.page for p in ex.raw.pages for t in p.tables}
    for row in ex.rows:
        assert row.pages <= table_pages
        for logical in row.cells.values():
            for frag in logical.fragments:
                assert frag.page in table_pages
                x0, top, x1, bottom = frag.bbox
                assert x0 < x1 and top < bottom
