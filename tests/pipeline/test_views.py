"""Comparison views: expected values computed from the gold files (and reviewed golden unit files),
never from the views themselves."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict

import duckdb
import pytest

from normalizers.admin import OTHER_AREA, province_after_2025, province_merger, reform_area, reform_areas
from normalizers.text import fold
from pipeline import views
from pipeline.schema import TABLES, ddl
from tests.conftest import FIXTURES, PLANS, gold, golden_units

pytestmark = pytest.mark.slow  # ingests documents: deselect with -m 'not slow'

# Each layout's section titles, mapped by hand onto the national reform areas.
AREA_OF_TITLE = {
    "CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH CCHC": "Chỉ đạo, điều hành",
    "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH": "Chỉ đạo, điều hành",
    "CẢI CÁCH THỂ CHẾ": "Cải cách thể chế",
    "CẢI CÁCH THỦ TỤC HÀNH CHÍNH": "Cải cách thủ tục hành chính",
    "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC": "Cải cách tổ chức bộ máy",
    "CẢI CÁCH TỔ CHỨC BỘ MÁY": "Cải cách tổ chức bộ máy",
    "CẢI CÁCH CÔNG VỤ": "Cải cách chế độ công vụ",
    "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ": "Cải cách chế độ công vụ",
    "CẢI CÁCH TÀI CHÍNH CÔNG": "Cải cách tài chính công",
    "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH PHỦ ĐIỆN TỬ": "Xây dựng chính quyền điện tử, chính quyền số",
    "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ": "Xây dựng chính quyền điện tử, chính quyền số",
}
# Dated deadline cells of the gold files -> the quarters their expressions end in (read by hand).
QUARTERS_OF_CELL = {
    "- Ban hành kế hoạch chậm nhất ngày 10/01/2023\n- Báo cáo quý, 6 tháng, một năm gửi trước ngày 15 "
    "của tháng cuối kỳ báo cáo.": ["2023-Q1"],
    "- Triển khai thực hiện trong năm;\n- Báo cáo theo quy định": ["2023-Q4"],
    "Quý IV/2023": ["2023-Q4"],
    "Tháng 01/2023": ["2023-Q1"],
    "- Ban hành kế hoạch trong tháng 12/2022\n- Báo cáo kết quả thực hiện theo quy định.": ["2022-Q4"],
    "Ban hành Kế hoạch tháng 12/2022; Triển khai thực hiện trong năm 2023": ["2022-Q4", "2023-Q4"],
    "Theo yêu cầu phối hợp của Sở Tư pháp (Trong năm 2023 – 2024)": ["2024-Q4"],
    "Ban hành kế hoạch trước 30/01/2023": ["2023-Q1"],
    "UBND tỉnh ban hành báo cáo Bộ Tư pháp trước 10/12/2023": ["2023-Q4"],
    "Ban hành Kế hoạch rà soát (chậm nhất 15 ngày kể từ ngày UBND tỉnh ban hành kế hoạch); báo cáo kết quả "
    "thực hiện trước 31/3/2023": ["2023-Q1"],
    "Trong năm 2023": ["2023-Q4"],
    "Năm 2023": ["2023-Q4"],
    "Quý III - IV/2023": ["2023-Q4"],
    "Nội dung xây dựng hồ sơ dự thảo Nghị quyết HĐND hoàn thành trong quý II/2023; Nội dung xây dựng định "
    "mức KTKT thực hiện thường xuyên, hàng năm": ["2023-Q2"],
    "Giai đoạn 2023 - 2025": ["2025-Q4"],
    "Giai đoạn 2022-2023": ["2023-Q4"],
    "Trong năm 2023 (theo lộ trình của các bộ, ngành quản lý các HTTT)": ["2023-Q4"],
    "Giai đoạn 2022 - 2025": ["2025-Q4"],
    "Tháng 6/2023": ["2023-Q2"],
    "Quý III/2023": ["2023-Q3"],
    "Quý I/2023": ["2023-Q1"],
    "Ban hành Kế hoạch tháng 01/2023; Triển khai thực hiện trong năm 2023": ["2023-Q1", "2023-Q4"],
    "Tháng 12/2023": ["2023-Q4"],
}


@pytest.fixture(scope="module")
def con(ingested):
    c = duckdb.connect(str(ingested / "kehoach.duckdb"), read_only=True)
    yield c
    c.close()


def province(key: str) -> str:
    return gold(key)["doc"]["province"]


def test_v_tasks_carries_document_facts(con):
    got = dict(con.execute("select province, count(*) from v_tasks group by 1").fetchall())
    assert got == {province(k): len(gold(k)["appendix"]["rows"]) for k in PLANS}
    merged = dict(con.execute("select distinct province, province_2025 from v_tasks").fetchall())
    assert merged == {"Sơn La": "Sơn La", "Bắc Kạn": "Thái Nguyên"}
    years = {r[0] for r in con.execute("select distinct plan_year from v_tasks").fetchall()}
    assert years == {gold(k)["doc"]["plan_year"] for k in PLANS}


def test_body_tasks_of_plans_with_an_appendix_are_queryable(con):
    """Sơn La has a task table: its 29 body bullets (counted in the gold's body) are in v_body_tasks, not in tasks."""
    from tests.extractors.test_body import _gold_task_bullets

    sonla = province("sonla-stttt-cchc-2023")
    want = _gold_task_bullets("sonla-stttt-cchc-2023")
    got = dict(
        con.execute(
            "select section_title, count(*) from v_body_tasks where province = ? and not in_tasks group by 1", [sonla]
        ).fetchall()
    )
    assert got == dict(want)
    assert con.execute("select distinct source from v_tasks").fetchall() == [("appendix",)]
    counts = con.execute(
        "select appendix_tasks, body_tasks, body_tasks_in_tasks from v_source_counts where province = ?", [sonla]
    ).fetchall()
    assert counts == [(len(gold("sonla-stttt-cchc-2023")["appendix"]["rows"]), 29, 0)]


def test_v_section_mix_maps_titles_onto_reform_areas(con):
    expected = Counter(
        (province(k), AREA_OF_TITLE[r["section_title"]]) for k in PLANS for r in gold(k)["appendix"]["rows"]
    )
    got = {(p, a): n for p, a, n in con.execute("select province, reform_area, tasks from v_section_mix").fetchall()}
    assert got == dict(expected)
    for p, total in con.execute("select province, sum(share_pct) from v_section_mix group by 1").fetchall():
        assert abs(total - 100) < 0.5, p


@pytest.mark.parametrize(
    ("a", "b"),
    [("II CẢI CÁCH THỂ CHẾ", "II. CẢI CÁCH THỂ CHẾ"), ("Cải cách công vụ", "Cải cách chế độ công vụ")],
)
def test_title_variants_are_one_area(con, a, b):
    sql_a, sql_b = con.execute("select reform_area(?), reform_area(?)", [a, b]).fetchone()
    assert sql_a == sql_b == reform_area(a)[1] == reform_area(b)[1]


def test_v_unit_load_counts_lead_and_partner_tasks(con):
    expected: dict[tuple, dict[str, set]] = defaultdict(lambda: {"lead": set(), "partner": set()})
    for k in PLANS:
        units = golden_units(k)
        for r in gold(k)["appendix"]["rows"]:
            for role in ("lead", "partner"):
                for canon, kind in units.get((role, r[role]), []):
                    expected[(province(k), canon, kind)][role].add(r["row_no"])
    got = con.execute("select province, unit_name, unit_kind, lead_tasks, partner_tasks from v_unit_load").fetchall()
    assert sorted(got) == sorted((*key, len(v["lead"]), len(v["partner"])) for key, v in expected.items())


def test_v_deadline_calendar(con):
    expected: Counter = Counter()
    continuous: Counter = Counter()
    for k in PLANS:
        for r in gold(k)["appendix"]["rows"]:
            for quarter in set(QUARTERS_OF_CELL.get(r["deadline"], [])):
                expected[(province(k), quarter)] += 1
            if "thường xuyên" in r["deadline"].lower():
                continuous[province(k)] += 1
    got = con.execute(
        "select province, due_quarter, sum(tasks) from v_deadline_calendar where timing = 'dated' group by all"
    ).fetchall()
    # a task with two expressions in one quarter is one task there: count distinct rows per quarter
    got_rows = con.execute(
        """select d.province, year(k.end_date) || '-Q' || quarter(k.end_date), count(distinct k.row_no)
           from task_deadlines k join documents d using (doc_id) where k.end_date is not null group by all"""
    ).fetchall()
    assert {(p, q): n for p, q, n in got_rows} == dict(expected)
    assert sum(n for *_, n in got) >= sum(expected.values())
    cont = dict(
        con.execute(
            "select province, sum(tasks) from v_deadline_calendar where timing = 'continuous' group by 1"
        ).fetchall()
    )
    assert cont == dict(continuous)


def _synthetic_db():
    """Two provinces citing one document: the shared-reference view must find it."""
    con = duckdb.connect()
    for name, schema in TABLES.items():
        con.execute(ddl(name, schema))
    for doc_id, prov in (("a", "Sơn La"), ("b", "Bắc Kạn"), ("c", "Sơn La")):
        con.execute("insert into documents (doc_id, province, status) values (?, ?, 'ok')", [doc_id, prov])
    refs = [("a", "107/2020/NĐ-CP"), ("b", "107/2020/NĐ-CP"), ("c", "107/2020/NĐ-CP"), ("a", "866/KH-UBND")]
    for doc_id, number in refs:
        con.execute(
            "insert into legal_refs (doc_id, doc_type, number, issuer, year) "
            "values (?, 'Nghị định', ?, 'Chính phủ', 2020)",
            [doc_id, number],
        )
    views.create(con)
    return con


def test_v_shared_refs(con):
    numbers = [{r["number"] for r in gold(k)["legal_refs"] if r["number"]} for k in PLANS]
    shared = con.execute("select number from v_shared_refs").fetchall()
    assert {n for (n,) in shared} == set.intersection(*numbers)  # the two samples share none
    syn = _synthetic_db()
    rows = syn.execute("select number, provinces, province_list, documents, citations from v_shared_refs").fetchall()
    assert rows == [("107/2020/NĐ-CP", 2, ["Bắc Kạn", "Sơn La"], 3, 3)]


def test_v_targets_body_parts_by_area(con):
    """Sơn La's body targets: every '%' in bullets under a 'Chỉ tiêu'/'Mục tiêu' heading, by area."""
    expected: Counter = Counter()
    area = None
    inside = False
    for block in gold("sonla-stttt-cchc-2023")["body"]:
        text = block["text"]
        if block["kind"] == "heading":
            if re.match(r"^\d+\. ", text):
                area = AREA_OF_TITLE.get(text.split(". ", 1)[1].upper().split(" (")[0])
                inside = False
            elif re.match(r"^[IVX]+\. ", text):
                area, inside = None, False
            else:
                inside = bool(re.search(r"Chỉ tiêu|Mục tiêu", text))
        elif inside:
            expected[area] += text.count("%")
    got = dict(
        con.execute(
            "select reform_area, count(*) from v_targets where province = 'Sơn La' and row_no is null group by 1"
        ).fetchall()
    )
    assert got == dict(expected)


def test_v_targets_objective_cells(con):
    """Bắc Kạn's objective cells: the gold's percentages, less the two the renderer clipped from the PDF."""
    cells = dict.fromkeys(r["objective"] for r in gold("backan-stttt-cchc-2023")["appendix"]["rows"] if r["objective"])
    want = Counter(float(m) for c in cells for m in re.findall(r"(\d+(?:[.,]\d+)?)\s*%", c))
    got = Counter(
        p
        for (p,) in con.execute(
            "select percent from v_targets where province = 'Bắc Kạn' and field = 'objective'"
        ).fetchall()
    )
    assert want - got == Counter({85.0: 1, 30.0: 1})  # "…công lập đạt tối thiểu 85%", "…đạt từ 30% trở lên"
    assert not got - want


def test_province_merger_data():
    assert province_after_2025("Bắc Kạn") == "Thái Nguyên"
    assert province_after_2025("tỉnh Hoà Bình") == "Phú Thọ"
    assert province_after_2025("Thừa Thiên Huế") == "Huế"
    assert province_after_2025("Sơn La") == "Sơn La"
    merger = province_merger()
    before = [p for names in merger.values() for p in names if p != "Huế"]
    assert len(merger) == 34 and len(set(before)) == 63


def _gold_section_titles() -> list[str]:
    files = sorted(FIXTURES.glob("*.json")) + sorted((FIXTURES / "synthetic").glob("*.json"))
    titles = {r["section_title"] for f in files for r in json.loads(f.read_text(encoding="utf-8"))["appendix"]["rows"]}
    assert len(files) >= 3 and len(titles) >= 10
    return sorted(titles)


def _no_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _variants(title: str) -> list[str]:
    """How the same title also gets printed or extracted: wrapped, spaced, cased, numbered, unaccented."""
    words = title.split(" ")
    middle = len(words) // 2
    wrapped = " ".join(words[:middle]) + "\n" + " ".join(words[middle:])
    return [
        title,
        wrapped,
        title.replace(" ", "\n"),
        title.replace(" ", "  "),
        title.replace(" ", " \n "),
        title.replace(" ", "\t"),
        title.replace(" ", "\u00a0"),
        title.replace(" ", "\u3000"),
        f"  {title}\n",
        f"II. {title}",
        title.lower(),
        title.title(),
        _no_diacritics(title),
        _no_diacritics(title).lower(),
        unicodedata.normalize("NFD", title),
        title.replace("Đ", "\u00d0"),  # the look-alike Ð
        title.replace(",", " -").replace(" ", " – ", 1),
    ]


@pytest.fixture(scope="module")
def macro_con():
    c = duckdb.connect()
    for sql in views.macros():
        c.execute(sql)
    yield c
    c.close()


TITLE_CASES = [v for t in _gold_section_titles() for v in _variants(t)] + [
    "CẢI CÁCH THỂ\nCHẾ",
    "CÔNG TÁC CHỈ\r\nĐẠO, ĐIỀU\u2028HÀNH",
    "XÂY DỰNG CHÍNH\n\nQUYỀN SỐ",
    "Cán bộ,\ncông chức",
    "",
    "PHỤ LỤC",
]


@pytest.mark.parametrize("title", TITLE_CASES)
def test_sql_and_python_reform_area_agree(macro_con, title):
    sql = macro_con.execute("select reform_area_code(?), reform_area(?), fold_vi(?)", [title] * 3).fetchone()
    assert sql == (*reform_area(title), fold(title))


def test_wrapped_gold_titles_keep_their_area():
    for title in _gold_section_titles():
        assert reform_area(title) != OTHER_AREA, title
        assert {reform_area(v) for v in _variants(title)} == {reform_area(title)}, title


def test_reform_area_keywords_are_folded(macro_con):
    assert macro_con.execute("select reform_area(NULL)").fetchone() == (None,)
    for area in reform_areas():
        assert all(k == fold(k) for k in area["keywords"]), area["code"]
