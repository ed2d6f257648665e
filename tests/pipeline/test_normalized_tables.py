"""The normalized tables in DuckDB: coverage on the fixtures and the README's three SQL examples.

Expected values come from the gold files (and, for canonical unit names, from the reviewed
golden files under tests/golden/units/), never from the tables under test.
"""

from __future__ import annotations

import re
from collections import defaultdict

import duckdb
import pytest

from tests.conftest import PLANS, ROOT, gold, golden_units

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'


@pytest.fixture(scope="module")
def con(ingested):
    c = duckdb.connect(str(ingested / "kehoach.duckdb"), read_only=True)
    yield c
    c.close()


def examples() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"-- example: (.+?)\n(.*?);", text, re.DOTALL)
    return {name.strip(): sql for name, sql in found}


def test_every_unit_cell_yields_a_unit(con):
    missing = con.execute(
        """
        select t.doc_id, t.row_no, r.role from tasks t
        cross join (values ('lead'), ('partner')) r(role)
        where (r.role = 'lead' and t.lead_text <> '') or (r.role = 'partner' and t.partner_text <> '')
        except select doc_id, row_no, role from task_units
        """
    ).fetchall()
    assert missing == []


def test_unit_keys_keep_provinces_apart(con):
    rows = con.execute(
        "select province, count(distinct unit_key) from task_units where unit_name = 'Văn phòng Sở' group by 1"
    ).fetchall()
    assert len(rows) == 2 and all(n == 1 for _, n in rows)
    assert (
        con.execute("select count(distinct unit_key) from task_units where unit_name = 'Văn phòng Sở'").fetchone()[0]
        == 2
    )


def test_deadline_cells_parse(con):
    total, parsed = con.execute(
        """
        select count(*), count(*) filter (where ok) from (
          select t.doc_id, t.row_no, bool_and(k.kind <> 'unparsed') as ok
          from tasks t join task_deadlines k using (doc_id, row_no)
          where t.deadline_text <> '' group by all)
        """
    ).fetchone()
    cells = sum(1 for k in PLANS for r in gold(k)["appendix"]["rows"] if r["deadline"])
    assert total == cells
    assert parsed / total >= 0.95


def test_targets_from_body_and_objectives(con):
    rows = con.execute(
        "select d.province, t.row_no is null as body, count(*) "
        "from targets t join documents d using (doc_id) group by all"
    ).fetchall()
    got = {(p, body): n for p, body, n in rows}
    body_percents = sum(
        b["text"].count("%") for b in gold("sonla-stttt-cchc-2023")["body"] if "Chỉ tiêu" not in b["text"]
    )
    assert got[("Sơn La", True)] >= 20 and got[("Sơn La", True)] <= body_percents
    assert got[("Bắc Kạn", False)] >= 20
    scoped = con.execute(
        "select scope, percent from targets where raw like 'Cấp tỉnh:%' order by percent desc"
    ).fetchall()
    assert scoped == [("Cấp tỉnh", 50.0), ("cấp huyện", 40.0), ("cấp xã", 35.0)]


def test_readme_units_per_lead_unit(con):
    expected: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for key in PLANS:
        g = gold(key)
        units = golden_units(key)
        for r in g["appendix"]["rows"]:
            for canon, kind in units.get(("lead", r["lead"]), []):
                expected[(g["doc"]["province"], canon, kind)].add(r["row_no"])
    got = con.execute(examples()["tasks per canonical lead unit per province"]).fetchall()
    assert sorted(got) == sorted((*k, len(v)) for k, v in expected.items())


_Q4 = re.compile(
    r"quý\s+(?:[IV]+\s*-\s*)?IV/2023|tháng\s+1[0-2]/2023|năm 2023(?!\s*[-–])|trong năm(?!\s*\d)"
    r"|\b\d{1,2}/1[0-2]/2023|20\d\d\s*[-–]\s*2023",
    re.IGNORECASE,
)


def test_readme_tasks_due_in_q4(con):
    expected = {
        gold(k)["doc"]["province"]: sum(1 for r in gold(k)["appendix"]["rows"] if _Q4.search(r["deadline"]))
        for k in PLANS
    }
    got = dict(con.execute(examples()["tasks whose deadline ends in Q4 2023"]).fetchall())
    assert got == expected


def test_readme_decrees_per_province(con):
    expected = {
        (gold(k)["doc"]["province"], r["number"], r["year"])
        for k in PLANS
        for r in gold(k)["legal_refs"]
        if r["type"] == "Nghị định"
    }
    got = con.execute(examples()["decrees each province cites, with their year"]).fetchall()
    assert {(p, n, y) for p, n, y, _ in got} == expected
    assert all(citations >= 1 for *_, citations in got)


def test_readme_documents_cited_by_more_than_one_province(con):
    numbers = [{r["number"] for r in gold(k)["legal_refs"] if r["number"]} for k in PLANS]
    expected = set.intersection(*numbers)  # empty for the two samples: a Sơn La and a Bắc Kạn plan share none
    got = con.execute(examples()["documents cited by more than one province (none between the two samples)"]).fetchall()
    assert {number for _, number, _, _ in got} == expected
    assert all(provinces == 2 for _, _, provinces, _ in got)
