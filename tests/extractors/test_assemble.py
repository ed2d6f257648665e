"""Assembly rules on hand-built grids: headers, sections, page-break stitching, merges."""

from __future__ import annotations

import pytest

from extractors.assemble import assemble
from extractors.celltext import join_lines
from extractors.model import GridCell, PageTable, RawPage


def grid(page: int, cells: list[tuple[int, int, int, int, str]], n_rows: int, n_cols: int) -> PageTable:
    """cells: (row, col, rowspan, colspan, text with | between printed lines)."""
    cols = [40.0 + 100 * i for i in range(n_cols + 1)]
    rows = [50.0 + 20 * i for i in range(n_rows + 1)]
    out = [
        GridCell(r, c, rs, cs, (cols[c], rows[r], cols[c + cs], rows[r + rs]), text.split("|") if text else [])
        for r, c, rs, cs, text in cells
    ]
    return PageTable(page, (cols[0], rows[0], cols[-1], rows[-1]), cols, rows, out)


def doc(*tables: PageTable) -> list[RawPage]:
    return [RawPage(t.page, 842, 595, [], [t], 100) for t in tables]


def row_cells(r: int, texts: list[str]) -> list[tuple[int, int, int, int, str]]:
    return [(r, c, 1, 1, t) for c, t in enumerate(texts)]


HEADER = ["STT", "Nội dung", "Kết quả", "Chủ trì", "Phối hợp", "Thời hạn"]


def text(row, name):
    return join_lines(row.cells[name].lines)


def test_two_row_header_with_group_cell_and_column_numbers():
    cells = [
        (0, 0, 2, 1, "STT"),
        (0, 1, 2, 1, "Nội dung công việc"),
        (0, 2, 1, 2, "Cơ quan thực hiện"),
        (1, 2, 1, 1, "Chủ trì"),
        (1, 3, 1, 1, "Phối hợp"),
        (0, 4, 2, 1, "Thời gian hoàn thành"),
        *row_cells(2, ["(1)", "(2)", "(3)", "(4)", "(5)"]),
        (3, 0, 1, 1, "I"),
        (3, 1, 1, 4, "CẢI CÁCH THỂ CHẾ"),
        *row_cells(4, ["1", "Rà soát văn bản", "Văn phòng", "Các phòng", "Quý II/2023"]),
    ]
    asm = assemble(doc(grid(1, cells, 5, 5)))
    assert asm.layouts[0].fields == ["tt", "task", "lead", "partner", "deadline"]
    assert len(asm.rows) == 1
    row = asm.rows[0]
    assert (row.section_code, row.section_title) == ("I", "CẢI CÁCH THỂ CHẾ")
    assert text(row, "lead") == "Văn phòng" and text(row, "partner") == "Các phòng"


def test_row_split_at_page_break_is_stitched_with_both_pages():
    p1 = grid(
        1, [*row_cells(0, HEADER), *row_cells(1, ["1", "Ban hành kế hoạch cải cách", "Kế", "VP", "", "Tháng"])], 2, 6
    )
    p2 = grid(
        2,
        [
            *row_cells(0, HEADER),
            *row_cells(1, ["", "hành chính năm 2023", "hoạch", "", "", "01/2023"]),
            *row_cells(2, ["2", "Tuyên truyền", "Tin bài", "VP", "", "Thường xuyên"]),
        ],
        3,
        6,
    )
    rows = assemble(doc(p1, p2)).rows
    assert len(rows) == 2
    assert text(rows[0], "task") == "Ban hành kế hoạch cải cách hành chính năm 2023"
    assert text(rows[0], "deadline") == "Tháng 01/2023"
    assert rows[0].pages == {1, 2}
    assert rows[1].pages == {2}


def test_numbered_row_at_page_top_is_a_new_row():
    p1 = grid(1, [*row_cells(0, HEADER), *row_cells(1, ["1", "Việc một.", "A", "VP", "", "Quý I"])], 2, 6)
    p2 = grid(2, [*row_cells(0, HEADER), *row_cells(1, ["2", "Việc hai.", "B", "VP", "", "Quý II"])], 2, 6)
    assert [text(r, "tt") for r in assemble(doc(p1, p2)).rows] == ["1", "2"]


def test_merged_cell_continues_across_page_break_printed_again_or_not():
    head = ["TT", "Mục tiêu", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"]
    p1 = grid(
        1,
        [
            *row_cells(0, head),
            (1, 0, 1, 1, "1"),
            (1, 1, 2, 1, "Mục tiêu A"),
            (1, 2, 1, 1, "NV 1"),
            (1, 3, 1, 1, "VP"),
            (1, 4, 1, 1, ""),
            (1, 5, 1, 1, "Quý I"),
            *[(2, c, 1, 1, t) for c, t in [(0, "2"), (2, "NV 2"), (3, "VP"), (4, ""), (5, "Quý II")]],
        ],
        3,
        6,
    )
    # page 2: the merged objective goes on: once blank, once printed again
    p2 = grid(
        2,
        [
            *row_cells(0, head),
            *row_cells(1, ["3", "", "NV 3", "VP", "", "Quý III"]),
            *row_cells(2, ["4", "Mục tiêu B", "NV 4", "VP", "", "Quý IV"]),
        ],
        3,
        6,
    )
    rows = assemble(doc(p1, p2)).rows
    assert [text(r, "objective") for r in rows] == ["Mục tiêu A", "Mục tiêu A", "Mục tiêu A", "Mục tiêu B"]
    p3 = grid(2, [*row_cells(0, head), *row_cells(1, ["3", "Mục tiêu A", "NV 3", "VP", "", "Quý III"])], 2, 6)
    rows = assemble(doc(p1, p3)).rows
    assert [text(r, "objective") for r in rows] == ["Mục tiêu A"] * 3
    assert rows[0].cells["objective"] is rows[2].cells["objective"]


def test_group_rows_and_sections():
    cells = [
        *row_cells(0, HEADER),
        (1, 0, 1, 6, "VII. XÂY DỰNG CHÍNH QUYỀN SỐ"),
        (2, 0, 1, 6, "1. Tham mưu UBND tỉnh"),
        *row_cells(3, ["1.1", "Kế hoạch", "KH", "Sở", "Các sở", "Quý IV/2023"]),
        (4, 0, 1, 6, "VIII CẢI CÁCH TÀI CHÍNH CÔNG"),
        *row_cells(5, ["1", "Dự toán", "DT", "VP", "", "Tháng 7"]),
    ]
    rows = assemble(doc(grid(1, cells, 6, 6))).rows
    assert [(r.section_code, r.section_title, r.group_title) for r in rows] == [
        ("VII", "XÂY DỰNG CHÍNH QUYỀN SỐ", "1. Tham mưu UBND tỉnh"),
        ("VIII", "CẢI CÁCH TÀI CHÍNH CÔNG", None),
    ]


def test_unknown_column_is_kept_in_extra():
    head = ["TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian", "Mức độ ưu tiên"]
    cells = [*row_cells(0, head), *row_cells(1, ["1", "Việc", "VP", "", "Quý I", "Cao"])]
    row = assemble(doc(grid(1, cells, 2, 6))).rows[0]
    assert join_lines(row.extra["Mức độ ưu tiên"].lines) == "Cao"


def test_tables_without_a_task_header_are_ignored():
    cells = [*row_cells(0, ["Họ tên", "Chức vụ", "Ký"]), *row_cells(1, ["A", "B", "C"])]
    assert assemble(doc(grid(1, cells, 2, 3))).rows == []


@pytest.mark.slow
def test_camelot_second_opinion_recovers_a_page_the_primary_missed():
    from extractors.document import _second_opinion
    from extractors.reader import read_pdf
    from extractors.settings import ExtractSettings
    from tests.conftest import FIXTURES

    path = FIXTURES / "sonla-stttt-cchc-2023.pdf"
    raw = read_pdf(str(path), ExtractSettings())
    complete = assemble(raw.pages).rows
    raw.pages[11].tables = []  # the primary found no grid on page 12
    damaged = assemble(raw.pages)
    assert len(damaged.rows) < len(complete)
    fixed_raw, fixed, pages = _second_opinion(path, raw, damaged, ExtractSettings())
    assert pages == [12]
    assert len(fixed.rows) == len(complete)
    assert [join_lines(r.cells["task"].lines) for r in fixed.rows] == [
        join_lines(r.cells["task"].lines) for r in complete
    ]
    assert fixed_raw.pages[11].tables and not raw.pages[11].tables  # a new reading, the old one untouched


def test_an_unreadable_ocr_numeral_of_a_section_row_is_the_next_section():
    from extractors.assemble import _ocr_numeral
    from extractors.model import GridCell

    code = GridCell(0, 1, 1, 1, (40, 0, 90, 20), ["cC.TC"], 80.0)
    title = GridCell(0, 2, 1, 3, (90, 0, 400, 20), ["CẢI CÁCH THỂ CHẾ"], 80.0)
    assert _ocr_numeral("H", [code, title], 5, "I") == "II"  # two strokes joined: unreadable, so after I
    assert _ocr_numeral("11", [code, title], 5, "IV") == "II"  # strokes read as digits say which
    data = GridCell(0, 4, 1, 1, (300, 0, 400, 20), ["Quý IV/2024"], 80.0)
    assert _ocr_numeral("H", [code, data], 5, "I") != "II"  # not a section row: no numeral made up


def _numbered(*tts: tuple[str, float | None], section: str = "I"):
    from extractors.model import Fragment, LogicalCell, TaskRow

    return [
        TaskRow(section, "X", None, {"tt": LogicalCell([Fragment(1, (0, 0, 1, 1), [tt], conf)])}, {1})
        for tt, conf in tts
    ]


def test_an_ocr_tt_that_is_no_number_takes_the_numbering():
    from extractors.assemble import _number_by_sequence

    rows = _numbered(("4", 90.0), ("h)", 40.0), ("6", 90.0), ("7G", 50.0), ("8", 90.0), ("S)", 30.0))
    _number_by_sequence(rows)  # "S)": the section's last row
    assert [r.cells["tt"].lines for r in rows] == [["4"], ["5"], ["6"], ["7"], ["8"], ["9"]]


def test_a_tt_that_may_be_printed_so_is_left_as_read():
    from extractors.assemble import _number_by_sequence

    rows = _numbered(("4", 90.0), ("a)", 40.0), ("b)", 40.0), ("2.", 80.0), ("x", None))
    _number_by_sequence(rows)
    assert [r.cells["tt"].lines for r in rows] == [["4"], ["a)"], ["b)"], ["2."], ["x"]]
    rows = _numbered(("4", 90.0), ("h)", 40.0), ("9", 90.0))  # the row after does not say 5
    _number_by_sequence(rows)
    assert rows[1].cells["tt"].lines == ["h)"]
