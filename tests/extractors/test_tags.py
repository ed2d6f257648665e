"""Merged cells of borderless tables from a tagged PDF's structure tree (extractors/sources/tags.py,
extractors/tagged.py), on small plans printed by Chromium (tagged) and LibreOffice (untagged)."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from extractors import ExtractSettings, extract
from extractors.celltext import join_lines
from extractors.finders import ReadState
from extractors.finders.borderless import BorderlessFinder
from extractors.model import GridCell, PageContent, PageTable
from extractors.sources import SourcePage
from extractors.sources.pdfium import PdfiumSource
from extractors.sources.tags import TaggedCell, TaggedTable, page_tables
from extractors.tagged import apply_tags, row_starts
from tests.conftest import ROOT

BORDERLESS = ROOT / "tests" / "fixtures" / "layouts" / "borderless"

#: (TT, task, lead, partner, deadline); None: the slot is covered by the merged cell above (rowspan)
ROWS: list[tuple[str, str, str | None, str | None, str | None]] = [
    (
        "1",
        "Rà soát, đánh giá thủ tục hành chính thuộc phạm vi quản lý của Sở",
        "Văn phòng Sở",
        "Sở Nội vụ",
        "Quý II/2025",
    ),
    ("2", "Cập nhật, công bố, công khai thủ tục hành chính trên Cơ sở dữ liệu quốc gia", None, "", None),
    ("3", "Kiểm tra việc thực hiện quy chế dân chủ tại các phòng, đơn vị thuộc Sở", None, "Thanh tra Sở", "Năm 2025"),
    ("4", "Tuyên truyền về cải cách hành chính trên Cổng thông tin điện tử của Sở", "Phòng Pháp chế", "", None),
]
#: the merged cells' row spans (row index, column) -> rowspan
SPANS = {(0, 2): 3, (0, 4): 2, (2, 4): 2}
LABELS = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]


def html_plan(valign: str) -> str:
    """A borderless plan table whose lead and deadline cells merge rows (``rowspan``), aligned ``valign``."""
    out = [
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><style>",
        "@page { size: A4 landscape; margin: 2cm; } body { font-family: 'Liberation Serif'; font-size: 12pt; }",
        f"table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: none; padding: 2pt 4pt; "
        f"vertical-align: {valign}; }} th {{ font-weight: bold; }}",
        "</style></head><body>",
        "<p style='text-align:center'><b>KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025</b></p>",
        "<table><thead><tr>" + "".join(f"<th>{html.escape(x)}</th>" for x in LABELS) + "</tr></thead><tbody>",
    ]
    for r, row in enumerate(ROWS):
        cells = []
        for c, text in enumerate(row):
            if text is None:
                continue
            span = SPANS.get((r, c), 1)
            attr = f" rowspan='{span}'" if span > 1 else ""
            cells.append(f"<td{attr}>{html.escape(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></body></html>")
    return "\n".join(out)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path]:
    """The plan printed by Chromium, its merges top-aligned and centred, and by LibreOffice (untagged)."""
    from tests.fixtures.layouts.render import chromium_pdf

    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed")
    tmp = tmp_path_factory.mktemp("tags")
    out = {}
    for valign in ("top", "middle"):
        page = tmp / f"plan-{valign}.html"
        page.write_text(html_plan(valign), encoding="utf-8")
        chromium_pdf(page, tmp / f"plan-{valign}.pdf")
        out[valign] = tmp / f"plan-{valign}.pdf"
    if shutil.which("soffice") is not None:
        lo = tmp / "lo"
        lo.mkdir()
        (lo / "plan.html").write_text(html_plan("top"), encoding="utf-8")
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless"]
            + ["--convert-to", "pdf:writer_web_pdf_Export", "--outdir", str(lo), str(lo / "plan.html")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        out["lo"] = lo / "plan.pdf"
    return out


def _page_content(path: Path, number: int = 1) -> tuple[list[TaggedTable], PageContent]:
    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[number - 1]
        content = PdfiumSource().read(SourcePage(number - 1, page))
    finally:
        pdf.close()
    with pikepdf.open(path) as tree:
        return page_tables(tree, number - 1, content.chars), content


def _column(ex, name: str) -> list[str]:
    return [join_lines(r.cells[name].lines) if name in r.cells else "" for r in ex.rows]


@pytest.mark.slow
@pytest.mark.parametrize("valign", ["top", "middle"])
def test_chromium_tags_give_each_cell_its_row_column_and_spans(printed, valign):
    tables, _ = _page_content(printed[valign])
    assert len(tables) == 1
    (table,) = tables
    assert table.rows == [0, 1, 2, 3, 4]
    by_text = {c.text: c for c in table.placed}
    header = [c for c in table.cells if c.header]
    assert [c.text for c in header] == LABELS and all(c.row == 0 for c in header)
    lead = by_text["Văn phòng Sở"]
    assert (lead.row, lead.col, lead.rowspan, lead.colspan) == (1, 2, 3, 1)
    assert (by_text["Năm 2025"].row, by_text["Năm 2025"].rowspan) == (3, 2)
    assert by_text["Thanh tra Sở"].col == 3  # the columns the merges above cover are skipped
    assert lead.bbox is not None and lead.mcids
    if valign == "middle":  # centred: printed beside the second of its three rows
        assert lead.bbox[1] > by_text["1"].bbox[3]


@pytest.mark.slow
@pytest.mark.parametrize("valign", ["top", "middle"])
def test_tagged_merges_repeat_on_every_row_they_cover(printed, valign):
    ex = extract(printed[valign], ExtractSettings(cross_check=False))
    assert _column(ex, "tt") == ["1", "2", "3", "4"]
    assert _column(ex, "lead") == ["Văn phòng Sở"] * 3 + ["Phòng Pháp chế"]
    assert _column(ex, "deadline") == ["Quý II/2025"] * 2 + ["Năm 2025"] * 2
    assert _column(ex, "partner") == ["Sở Nội vụ", "", "Thanh tra Sở", ""]  # an empty cell stays empty
    assert all(r.pages == {1} for r in ex.rows)
    assert not any(r.inferred for r in ex.rows)  # the tags show the merge: nothing inferred
    # the same page read by pdfminer: its characters carry the same MCIDs
    slow = extract(printed[valign], ExtractSettings(cross_check=False, text_layer="pdfminer"))
    assert _column(slow, "lead") == _column(ex, "lead") and _column(slow, "deadline") == _column(ex, "deadline")


@pytest.mark.slow
def test_geometry_alone_leaves_top_aligned_merges_empty(printed):
    """What the tags add: without them the finder cannot see a one-line merge printed at its top."""
    tables, content = _page_content(printed["top"])
    state = ReadState(str(printed["top"]), ExtractSettings())
    (plain,) = BorderlessFinder().find(content, state)
    assert not plain.tagged
    content.structure = lambda: tables
    (grid,) = BorderlessFinder().find(content, ReadState(str(printed["top"]), ExtractSettings()))
    assert grid.tagged

    def lead_cell(table: PageTable, text: str) -> GridCell:
        return next(c for c in table.cells if c.lines and "".join(c.lines) == text)

    assert lead_cell(plain, "Văn phòng Sở").rowspan == 1
    assert lead_cell(grid, "Văn phòng Sở").rowspan == 3
    assert lead_cell(grid, "Sở Nội vụ").rowspan == 1


@pytest.mark.slow
def test_untagged_libreoffice_print_gives_nothing(printed):
    if "lo" not in printed:
        pytest.skip("LibreOffice is not installed")
    tables, content = _page_content(printed["lo"])
    assert tables == []
    assert all(ch["mcid"] is None for ch in content.chars)
    content.structure = lambda: page_tables(None, 0, content.chars)  # no MCID: the file is not even opened
    grids = BorderlessFinder().find(content, ReadState(str(printed["lo"]), ExtractSettings()))
    assert not any(g.tagged for g in grids)  # read from the geometry alone, as before
    ex = extract(printed["lo"], ExtractSettings(cross_check=False))
    assert _column(ex, "tt") == ["1", "2", "3", "4"]


@pytest.mark.slow
def test_tagged_merge_carries_over_a_page_break():
    """p21-011-chromium (the borderless set): task 4 and its number, merged over three rows, start at the
    bottom of page 3; its third row is on page 4, where the geometry shows nothing of the merge."""
    name = "p21-011-chromium.pdf"
    gold = json.loads((BORDERLESS / name.replace(".pdf", ".json")).read_text(encoding="utf-8"))["appendix"]["rows"]
    ex = extract(BORDERLESS / name, ExtractSettings(cross_check=False))
    third = next(i for i, r in enumerate(gold) if r["tt"] == "4" and i and gold[i - 2]["tt"] == "4")
    for field in ("tt", "task", "lead", "budget"):
        assert _column(ex, field)[third - 2 : third + 1] == [
            gold[k].get(field, "") for k in (third - 2, third - 1, third)
        ]
    assert ex.rows[third].pages == {4}
    task = ex.rows[third].cells["task"]
    assert task is ex.rows[third - 2].cells["task"] and {f.page for f in task.fragments} == {3}


def _grid(page: int, texts: list[list[str]]) -> PageTable:
    """A borderless grid of one-row cells (rows 20 pt apart from y = 100, columns 100 pt wide from x = 0)."""
    cols = [100.0 * i for i in range(len(texts[0]) + 1)]
    rows = [100.0 + 20 * i for i in range(len(texts) + 1)]
    cells = [
        GridCell(r, c, 1, 1, (cols[c], rows[r], cols[c + 1], rows[r + 1]), [t] if t else [])
        for r, row in enumerate(texts)
        for c, t in enumerate(row)
    ]
    return PageTable(page, (0, rows[0], cols[-1], rows[-1]), cols, rows, cells, kind="borderless", header_rows=0)


def _tag(row: int, col: int, rowspan: int, grid_row: int, text: str) -> TaggedCell:
    """A tagged cell printed at the top of grid row ``grid_row`` of :func:`_grid`, column ``col``."""
    y = 101.0 + 20 * grid_row
    return TaggedCell(
        row, col, rowspan, 1, frozenset({row * 10 + col}), bbox=(100 * col + 5, y, 100 * col + 60, y + 12), text=text
    )


def test_a_span_is_taken_only_over_empty_slots_of_its_column():
    grid = _grid(1, [["1", "A", "X"], ["2", "B", ""], ["3", "C", "Y"]])
    tagged = TaggedTable(
        [_tag(5 + r, 0, 1, r, str(r + 1)) for r in range(3)]
        + [_tag(5 + r, 1, 1, r, "ABC"[r]) for r in range(3)]
        + [_tag(5, 2, 3, 0, "X")],  # a span over "Y": the grid says otherwise, left as it is
        [5, 6, 7],
    )
    state = ReadState("-", ExtractSettings())
    assert apply_tags(grid, [tagged], state) == 0
    assert grid.tagged and grid.cell_at(1, 2) is not grid.cell_at(0, 2)
    tagged.cells[-1].rowspan = 2
    assert apply_tags(grid, [tagged], state) == 1
    assert grid.cell_at(1, 2) is grid.cell_at(0, 2) and grid.cell_at(0, 2).rowspan == 2
    assert len(grid.cells) == 8 and grid.cell_at(2, 2).lines == ["Y"]


def test_rows_start_where_each_tagged_rows_own_text_starts():
    """A row starts at the top of its own cells' highest text: a merged cell centred below its first row's
    top does not move it, a heading across the table is no body row, and a row of merged cells only
    starts with them."""
    grid = _grid(1, [["1", "A", "X"], ["", "B", ""], ["", "C", ""], ["2", "D", "Y"]])
    centred = _tag(5, 0, 2, 0, "1")
    centred.bbox = (5.0, 111.0, 60.0, 123.0)  # centred over rows 0-1: it starts lower than "A"
    heading = TaggedCell(4, 0, 1, 3, frozenset({99}), bbox=(5.0, 80.0, 290.0, 92.0), text="I. CẢI CÁCH")
    merged_only = _tag(7, 2, 2, 2, "Z")
    tagged = TaggedTable(
        [heading, centred, _tag(5, 1, 1, 0, "A"), _tag(6, 1, 1, 1, "B"), merged_only, _tag(8, 1, 1, 3, "D")],
        [4, 5, 6, 7, 8],
    )
    assert row_starts(grid, [tagged]) == [101.0, 121.0, 141.0, 161.0]
    assert row_starts(grid, [TaggedTable([_tag(5, 0, 1, 0, "far")], [5])]) == []  # one cell: not this table


def test_a_merge_the_tags_do_not_record_is_cut_back_to_its_tagged_rows():
    """A number centred beside three rows run together looks merged over them; its tag spans one row."""
    grid = _grid(1, [["", "A"], ["19", "B"], ["", "C"]])
    number = GridCell(0, 0, 3, 1, (0.0, 100.0, 100.0, 160.0), ["19"])
    grid.cells[:] = [number, *(c for c in grid.cells if c.col == 1)]
    grid.__post_init__()
    tagged = TaggedTable([_tag(5 + r, 1, 1, r, "ABC"[r]) for r in range(3)] + [_tag(6, 0, 1, 1, "19")], [5, 6, 7])
    assert apply_tags(grid, [tagged], ReadState("-", ExtractSettings())) == 1
    assert grid.cell_at(1, 0) is number and (number.row, number.rowspan) == (1, 1)
    assert grid.cell_at(0, 0).empty and grid.cell_at(2, 0).empty and len(grid.cells) == 6


def test_a_span_cut_by_the_page_bottom_goes_on_over_the_next_page_top():
    state = ReadState("-", ExtractSettings())
    one = _grid(1, [["1", "A", "X"], ["2", "B", ""]])
    tags_one = [_tag(3 + r, 0, 1, r, str(r + 1)) for r in range(2)] + [_tag(3, 2, 4, 0, "X")]
    apply_tags(one, [TaggedTable(tags_one, [3, 4])], state)
    assert one.cell_at(0, 2).rowspan == 2 and one.cell_at(0, 2).open_below
    two = _grid(2, [["3", "C", ""], ["4", "D", ""], ["5", "E", "Z"]])
    tags_two = [_tag(5 + r, 0, 1, r, str(r + 3)) for r in range(3)] + [_tag(7, 2, 1, 2, "Z")]
    apply_tags(two, [TaggedTable(tags_two, [0, 5, 6, 7])], state)
    top = two.cell_at(0, 2)
    assert top.open_above and top.empty and top.rowspan == 2 and two.cell_at(1, 2) is top
    assert not top.open_below and two.cell_at(2, 2).lines == ["Z"]
    three = _grid(3, [["6", "F", ""]])  # nothing left open: a later page's empty cell stays its own
    apply_tags(three, [TaggedTable([_tag(8, 0, 1, 0, "6"), _tag(8, 1, 1, 0, "F")], [8])], state)
    assert not three.cell_at(0, 2).open_above


@pytest.mark.slow
def test_odd_trees_give_the_same_cells_or_nothing(printed, tmp_path):
    """Attributes in an array with revision numbers, cell types role-mapped, no parent tree: no error."""
    source = printed["top"]
    want, _ = _page_content(source)
    spans = sorted((c.text, c.rowspan) for c in want[0].placed)

    odd = tmp_path / "odd.pdf"
    with pikepdf.open(source) as pdf:
        root = pdf.Root.StructTreeRoot
        root.RoleMap = pikepdf.Dictionary(Cell=pikepdf.Name.TD)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name.TD:
                obj.S = pikepdf.Name("/Cell")
                if "/A" in obj:
                    attrs = list(obj.A) if isinstance(obj.A, pikepdf.Array) else [obj.A]
                    obj.A = pikepdf.Array([a for attr in attrs for a in (attr, 0)])
        pdf.save(odd)
    got, _ = _page_content(odd)
    assert sorted((c.text, c.rowspan) for c in got[0].placed) == spans

    bare = tmp_path / "bare.pdf"
    with pikepdf.open(source) as pdf:
        del pdf.Root.StructTreeRoot["/ParentTree"]
        pdf.save(bare)
    assert _page_content(bare)[0] == []
    ex = extract(bare, ExtractSettings(cross_check=False))
    assert _column(ex, "tt") == ["1", "2", "3", "4"]
