"""Deadlines: every example of the issue, the fixtures' cells, totality."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.deadlines import KINDS, parse_deadlines
from tests.conftest import PLANS, gold

D = date


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Thường xuyên", [("continuous", None, None, None)]),
        ("Định kỳ 02 lần/năm", [("recurring", None, None, "2/year")]),
        ("Báo cáo hằng quý", [("recurring", None, None, "quarterly")]),
        ("Báo cáo quý, 6 tháng, năm", [("recurring", None, None, "quarterly,semiannual,yearly")]),
        ("trước 30/01/2023", [("due", None, D(2023, 1, 30), None)]),
        ("Ban hành kế hoạch chậm nhất ngày 10/01/2023", [("due", None, D(2023, 1, 10), None)]),
        ("Tháng 01/2023", [("month", D(2023, 1, 1), D(2023, 1, 31), None)]),
        ("Quý IV/2023", [("quarter", D(2023, 10, 1), D(2023, 12, 31), None)]),
        ("Quý III - IV/2023", [("quarter", D(2023, 7, 1), D(2023, 12, 31), None)]),
        ("hoàn thành trong quý II/2023", [("quarter", D(2023, 4, 1), D(2023, 6, 30), None)]),
        ("Năm 2023", [("year", D(2023, 1, 1), D(2023, 12, 31), None)]),
        ("Trong năm 2023", [("year", D(2023, 1, 1), D(2023, 12, 31), None)]),
        ("Giai đoạn 2022 - 2025", [("period", D(2022, 1, 1), D(2025, 12, 31), None)]),
        ("Giai đoạn 2022-2023", [("period", D(2022, 1, 1), D(2023, 12, 31), None)]),
        ("Khi có Quyết định công bố TTHC mới", [("on_event", None, None, None)]),
        ("Sau khi HĐND, UBND tỉnh ban hành các văn bản QPPL", [("on_event", None, None, None)]),
        ("Theo hướng dẫn của Sở Tài chính", [("on_event", None, None, None)]),
        ("Theo yêu cầu", [("on_event", None, None, None)]),
        ("chậm nhất 15 ngày kể từ ngày UBND tỉnh ban hành kế hoạch", [("relative", None, None, None)]),
        # the plan year fills an omitted year
        ("Triển khai thực hiện trong năm", [("year", D(2023, 1, 1), D(2023, 12, 31), None)]),
        ("Quý II", [("quarter", D(2023, 4, 1), D(2023, 6, 30), None)]),
        ("trước ngày 15/12", [("due", None, D(2023, 12, 15), None)]),
        # not dates
        ("Đạt 50% kế hoạch", [("unparsed", None, None, None)]),
        ("trước 31/02/2023", [("unparsed", None, None, None)]),
    ],
)
def test_issue_examples(text, want):
    got = [(d.kind, d.start_date, d.end_date, d.recurrence) for d in parse_deadlines(text, 2023)]
    assert got == want


def test_one_row_per_expression():
    cell = (
        "- Ban hành kế hoạch chậm nhất ngày 10/01/2023\n"
        "- Báo cáo quý, 6 tháng, một năm gửi trước ngày 15 của tháng cuối kỳ báo cáo."
    )
    first, second = parse_deadlines(cell, 2023)
    assert (first.kind, first.end_date, first.label) == ("due", D(2023, 1, 10), "Ban hành kế hoạch")
    assert second.kind == "recurring"
    assert second.recurrence.startswith("quarterly,semiannual,yearly; day 15")


def test_event_and_period_in_one_clause():
    kinds = [d.kind for d in parse_deadlines("Theo yêu cầu phối hợp của Sở Tư pháp (Trong năm 2023 – 2024)")]
    assert kinds == ["on_event", "period"]


def test_relative_and_due_in_one_cell():
    cell = (
        "Ban hành Kế hoạch rà soát (chậm nhất 15 ngày kể từ ngày UBND tỉnh ban hành kế hoạch); "
        "báo cáo kết quả thực hiện trước 31/3/2023"
    )
    rel, due = parse_deadlines(cell)
    assert rel.kind == "relative" and rel.event.startswith("+15 days after: ngày UBND tỉnh")
    assert (due.kind, due.end_date) == ("due", D(2023, 3, 31))


def test_fixture_cells_parse():
    """Issue bar: ≥ 95% of non-empty deadline cells give only parsed kinds (the gold text of both fixtures)."""
    cells = [r["deadline"] for key in PLANS for r in gold(key)["appendix"]["rows"] if r["deadline"]]
    parsed = [c for c in cells if all(d.kind != "unparsed" for d in parse_deadlines(c, 2023))]
    assert len(parsed) / len(cells) >= 0.95, set(cells) - set(parsed)


def _golden_text(key: str) -> str:
    g = gold(key)
    seen: dict[str, list[int]] = {}
    for r in g["appendix"]["rows"]:
        if r["deadline"]:
            seen.setdefault(r["deadline"], []).append(r["row_no"])
    lines = [f"# Deadlines of every deadline cell of {key} (gold text), plan year {g['doc']['plan_year']}."]
    lines.append("# rows <row numbers>: <cell>   then: kind start..end recurrence | phrase | label | event")
    for cell, rows in seen.items():
        lines.append(f"rows {','.join(map(str, rows))}: {cell!r}")
        for d in parse_deadlines(cell, g["doc"]["plan_year"]):
            span = f"{d.start_date or ''}..{d.end_date or ''}"
            lines.append(
                f"    {d.kind} {span} {d.recurrence or '-'} | {d.phrase} | {d.label or '-'} | {d.event or '-'}"
            )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", PLANS)
def test_golden_deadlines(key, golden):
    golden(f"deadlines/{key}.txt", _golden_text(key))


@settings(max_examples=400, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(1900, 2100)))
def test_total(text, year):
    for d in parse_deadlines(text, year):
        assert d.kind in KINDS
        if d.start_date and d.end_date:
            assert d.start_date <= d.end_date


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Quý",
                " IV",
                "/",
                "2023",
                " - ",
                "tháng ",
                "12",
                "trước ",
                "ngày ",
                "31",
                "Giai đoạn ",
                "năm",
                ";",
                "\n- ",
            ]
        )
    ).map("".join)
)
def test_total_on_date_like_noise(text):
    for d in parse_deadlines(text, 2023):
        assert d.kind in KINDS
