"""The review app through Starlette's test client, on a real ingest of the fixtures (copied: it is written to)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest
from starlette.testclient import TestClient

from pipeline.review.app import create_app

BACKAN = "backan-stttt-cchc-2023.pdf"


@pytest.fixture
def out(ingested, tmp_path) -> Path:
    dest = tmp_path / "out"
    shutil.copytree(ingested, dest)
    return dest


def one(out: Path, sql: str, *args):
    con = duckdb.connect(str(out / "kehoach.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(args)).fetchone()
    finally:
        con.close()


def token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.mark.slow
def test_documents_list_filters_and_links(out):
    client = TestClient(create_app(out))
    r = client.get("/")
    assert r.status_code == 200
    assert BACKAN in r.text and "sonla-stttt-cchc-2023.pdf" in r.text
    r = client.get("/", params={"province": "Bắc Kạn"})
    assert BACKAN in r.text and "sonla-stttt-cchc-2023.pdf" not in r.text
    r = client.get("/", params={"status": "failed"})
    assert BACKAN not in r.text and "0 documents" in r.text
    assert client.get("/", params={"year": "2023", "page": "x"}).status_code == 200  # bad page: first page


@pytest.mark.slow
def test_document_page_image_and_a_correction(out):
    client = TestClient(create_app(out))
    doc_id = one(out, "select doc_id from documents where file_name = ?", BACKAN)[0]
    r = client.get(f"/doc/{doc_id}")
    assert r.status_code == 200
    assert 'id="row-13"' in r.text and 'class="flag"' in r.text and "flagged" in r.text  # rows, flags
    assert '"boxes"' in r.text and '"sizes"' in r.text  # task_cells boxes for the overlay
    img = client.get(f"/doc/{doc_id}/page/3.png")
    assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "review-cache" / doc_id / "3.png").exists()  # cached
    assert client.get(f"/doc/{doc_id}/page/999.png").status_code == 404

    csrf = token(r.text)
    body = {"action": "set", "row_no": 13, "field": "lead_text", "value": "Sở Nội vụ <b>x</b>"}
    assert client.post(f"/doc/{doc_id}/correct", json=body).status_code == 403  # no CSRF token
    assert client.post(f"/doc/{doc_id}/correct", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    r = client.post(f"/doc/{doc_id}/correct", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    assert r.json()["new_value"] == "Sở Nội vụ <b>x</b>"
    assert one(out, "select lead_text from tasks where doc_id = ? and row_no = 13", doc_id) == ("Sở Nội vụ <b>x</b>",)
    page = client.get(f"/doc/{doc_id}").text
    assert "Sở Nội vụ &lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page  # escaped
    bad = client.post(
        f"/doc/{doc_id}/correct",
        json={"action": "set", "row_no": 999, "field": "task", "value": "x"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 400 and "no row 999" in bad.json()["error"]
    fact = client.post(
        f"/doc/{doc_id}/correct",
        json={"action": "fact", "field": "plan_year", "value": "2024"},
        headers={"X-CSRF-Token": csrf},
    )
    assert fact.status_code == 200
    assert one(out, "select plan_year from documents where doc_id = ?", doc_id) == (2024,)


def test_ids_are_validated_and_read_only_refuses_writes(out):
    client = TestClient(create_app(out, read_only=True))
    assert client.get("/doc/..%2F..%2Fetc").status_code in (400, 404)
    assert client.get("/doc/not-hex-at-all!").status_code == 400
    assert client.get("/doc/0123456789abcdef").status_code == 404
    assert client.get("/doc/0123456789abcdef/page/x.png").status_code == 404  # not an int: no route
    doc_id = one(out, "select doc_id from documents where file_name = ?", BACKAN)[0]
    page = client.get(f"/doc/{doc_id}").text
    assert "read-only" in page and 'button class="verify"' not in page
    r = client.post(
        f"/doc/{doc_id}/correct", json={"action": "verified", "row_no": 1}, headers={"X-CSRF-Token": token(page)}
    )
    assert r.status_code == 403
    assert not (out / "corrections").exists()
