"""The plan's body: blocks, tasks written in prose, the reporting calendar."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from extractors import extract
from extractors.body import body_blocks, body_tasks, report_schedule
from tests.conftest import FIXTURES, ROOT, gold

REAL = ROOT.parent / "shared" / "real"


def _gold_task_bullets(key: str) -> Counter:
    """Per area, the bullets under the gold's task section that are not under a "Chỉ tiêu"/"Mục tiêu"
    sub-heading: what a reader counts as the body's tasks (read from the gold, not from the code)."""
    counts: Counter = Counter()
    top = area = sub = None
    for block in gold(key)["body"]:
        text = block["text"]
        if block["kind"] == "heading":
            if re.match(r"^[IVX]+\.", text):
                top, area, sub = text, None, None
            elif re.match(r"^\d+\.", text):
                area, sub = re.sub(r"^\d+\.\s*", "", text), None
            elif re.match(r"^[a-z]\)", text):
                sub = text
            continue
        in_tasks = top is not None and ("NHIỆM VỤ" in top or "GIẢI PHÁP" in top)
        targets = sub is not None and any(w in sub for w in ("Chỉ tiêu", "Mục tiêu"))
        if block["kind"] == "bullet" and in_tasks and not targets:
            counts[area] += 1
    return counts


@pytest.fixture(scope="module")
def sonla():
    return extract(FIXTURES / "sonla-stttt-cchc-2023.pdf")


@pytest.mark.slow
def test_body_task_bullets_by_area_match_the_gold(sonla):
    want = _gold_task_bullets("sonla-stttt-cchc-2023")
    assert sum(want.values()) == 29
    got = Counter(t.section_title for t in sonla.body_tasks)
    assert got == want
    assert {t.section_code for t in sonla.body_tasks} == {"II"}
    assert all(not t.task.startswith("- ") for t in sonla.body_tasks)


@pytest.mark.slow
def test_appendix_rows_are_unchanged_by_the_body(sonla):
    assert len(sonla.rows) == 43 and all(r.source == "appendix" for r in sonla.rows)


@pytest.mark.slow
def test_reporting_calendar(sonla):
    reports = sonla.reports
    printed = [b["text"] for b in gold("sonla-stttt-cchc-2023")["body"] if b["text"].startswith("- Báo cáo")]
    assert [r.raw for r in reports] == printed
    first = reports[0]
    assert first.report == "Báo cáo Quý I/2023"
    assert (str(first.period_start), str(first.period_end)) == ("2022-12-15", "2023-03-14")
    assert first.recipient == "Văn phòng"


def _prose_plan(tmp_path, style: str):
    """A small plan without an appendix, in one of the prose styles real plans use."""
    from docx import Document

    d = Document()
    for text in ("ỦY BAN NHÂN DÂN", "HUYỆN BẢO THẮNG", "KẾ HOẠCH", "Cải cách hành chính năm 2024"):
        d.add_paragraph(text)
    d.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    d.add_paragraph("- Nâng cao chất lượng phục vụ người dân.")
    d.add_paragraph("II. NHIỆM VỤ VÀ GIẢI PHÁP")
    d.add_paragraph("1. Cải cách thủ tục hành chính")
    if style == "fields":
        d.add_paragraph("- Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền.")
        d.add_paragraph("- Đơn vị thực hiện: Văn phòng HĐND và UBND huyện.")
        d.add_paragraph("- Đơn vị phối hợp: Phòng Tư pháp.")
        d.add_paragraph("- Thời gian thực hiện: Cả năm.")
        d.add_paragraph("- Công khai thủ tục hành chính tại Bộ phận một cửa.")
        d.add_paragraph("- Đơn vị thực hiện: Phòng Nội vụ.")
        d.add_paragraph("- Thời gian thực hiện: Quý II/2024.")
    else:
        d.add_paragraph(
            "1.1. Giao Phòng Nội vụ chủ trì, phối hợp với Phòng Tư pháp tham mưu kế hoạch rà soát thủ tục "
            "hành chính, hoàn thành trước ngày 30/6/2024."
        )
        d.add_paragraph("1.2. Giao Văn phòng HĐND và UBND huyện thực hiện số hóa hồ sơ thủ tục hành chính.")
    d.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    d.add_paragraph("Các phòng, ban triển khai thực hiện Kế hoạch này.")
    d.add_paragraph("Nơi nhận:")
    path = tmp_path / f"prose-{style}.docx"
    d.save(path)
    return path


def test_field_lines_fill_the_task_above(tmp_path):
    ex = extract(_prose_plan(tmp_path, "fields"))
    assert [r.source for r in ex.rows] == ["body", "body"]
    tasks = ex.body_tasks
    assert [t.task for t in tasks] == [
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền.",
        "Công khai thủ tục hành chính tại Bộ phận một cửa.",
    ]
    assert tasks[0].fields == {
        "lead": "Văn phòng HĐND và UBND huyện.",
        "partner": "Phòng Tư pháp.",
        "deadline": "Cả năm.",
    }
    assert tasks[1].fields["deadline"] == "Quý II/2024."
    assert {t.section_title for t in tasks} == {"Cải cách thủ tục hành chính"}


def test_giao_x_chu_tri_phoi_hop_voi_y(tmp_path):
    ex = extract(_prose_plan(tmp_path, "numbered"))
    first, second = ex.body_tasks
    assert first.tt == "1.1" and second.tt == "1.2"
    assert first.fields["lead"] == "Phòng Nội vụ"
    assert first.fields["partner"] == "Phòng Tư pháp"
    assert first.fields["deadline"] == "hoàn thành trước ngày 30/6/2024"
    assert second.fields["lead"] == "Văn phòng HĐND và UBND huyện"


def test_targets_are_not_tasks():
    from extractors.model import RawPage, TextLine

    texts = [
        "II. NHIỆM VỤ TRỌNG TÂM",
        "1. Cải cách thể chế",
        "a) Chỉ tiêu",
        "- 100% văn bản được rà soát.",
        "b) Nhiệm vụ",
        "- Rà soát văn bản quy phạm pháp luật.",
    ]
    lines = [TextLine(t, (90.0, 100.0 + 20 * i, 500.0, 112.0 + 20 * i), 1) for i, t in enumerate(texts)]
    page = RawPage(1, 595, 842, lines, [], source="docx")
    tasks = body_tasks(body_blocks([page]))
    assert [(t.task, t.group_title) for t in tasks] == [("Rà soát văn bản quy phạm pháp luật.", "Nhiệm vụ")]
    assert report_schedule(body_blocks([page])) == []


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is not here")
def test_real_plan_with_tasks_in_prose_only():
    path = next(REAL.glob("07_*.pdf"))
    ex = extract(path)
    assert len(ex.rows) >= 10 and all(r.source == "body" for r in ex.rows)
    with_lead = [t for t in ex.body_tasks if t.fields.get("lead")]
    with_deadline = [t for t in ex.body_tasks if t.fields.get("deadline")]
    assert len(with_lead) >= 4 and len(with_deadline) >= 5


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        ("Rà soát văn bản. Giao Phòng Nội vụ chủ trì, phối hợp với Phòng Tư pháp.", "Phòng Nội vụ"),
        ("Rà soát văn bản, Giao Phòng Nội vụ chủ trì thực hiện.", "Phòng Nội vụ"),  # OCR read the "." as ","
        ("Thực hiện chuyển giao công nghệ chủ trì bởi Sở.", None),
    ],
)
def test_giao_x_chu_tri_after_a_full_stop_or_a_misread_comma(text, lead):
    from extractors.body import _LEAD_IN_TEXT

    m = _LEAD_IN_TEXT.search(text)
    assert (m.group("lead") if m else None) == lead


@pytest.mark.parametrize(
    ("line", "roman"),
    [("III. TỔ CHỨC THỰC HIỆN", True), ("IIIL TỔ CHỨC THỰC HIỆN", True), ("HH. TỔ CHỨC", True), ("Il luôn", False)],
)
def test_a_roman_heading_as_ocr_misreads_it(line, roman):
    from extractors.body import _marker

    assert (_marker(line)[0] == "roman") is roman
