"""Row and heading rules of the borderless finder (extractors/finders/borderless.py) on hand-made lines;
the finder as a whole is scored on the borderless layout set (tests/pipeline/test_borderless.py)."""

from __future__ import annotations

from extractors.finders.borderless import (
    _capital_rows,
    _CLine,
    _ended,
    _find_header,
    _given_tops,
    _Line,
    _lone_rows,
    _numbering,
    _part,
    _row_tops,
    _runs_over,
)

PITCH = 14.5  # the leading of 12 pt text


def _line(text: str) -> _Line:
    x = 60.0
    words = []
    for word in text.split():
        words.append({"text": word, "x0": x, "x1": x + 6 * len(word), "top": 100.0, "bottom": 112.0})
        x += 6 * len(word) + 3
    return _Line(100.0, 112.0, words)


def _column(*lines: tuple[float, str]) -> list[_CLine]:
    return [_CLine(top, top + 12.0, text) for top, text in lines]


def test_a_part_is_a_part_word_and_its_number_not_a_label_that_starts_with_one():
    assert _part(_line("PHẦN I. CÔNG TÁC THÔNG TIN")) and _part(_line("Mục 2. Cải cách")) and _part(_line("Chương III"))
    assert not _part(_line("Mục tiêu Hoạt động Đơn vị chủ trì")) and not _part(_line("Phần việc còn lại"))


def test_rows_without_padding_start_where_four_columns_start_a_line_in_capitals():
    """Two rows printed without padding, every cell of the first ending on its second line: no block
    starts at the second row, but five columns start a line there in capitals."""
    y1, y2, y3 = 100.0, 100.0 + PITCH, 100.0 + 2 * PITCH
    cols = [
        _column((y1, "Trình Lãnh đạo Sở"), (y2, "phê duyệt"), (y3, "Xây dựng kế hoạch")),
        _column((y1, "Trung tâm Công"), (y2, "nghệ thông tin"), (y3, "Văn phòng Sở")),
        _column((y1, "Văn phòng UBND"), (y2, "tỉnh"), (y3, "Sở Tư pháp; Sở")),
        _column((y1, "Thông báo kết"), (y2, "luận kiểm tra"), (y3, "Báo cáo kết quả")),
        _column((y1, "Định kỳ hằng"), (y2, "quý"), (y3, "Cả năm")),
    ]
    assert _row_tops(cols, PITCH) == [y1, y3]
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == [y3]
    # one column going on in lower case is tolerated, two are a cell's text going on
    cols[1][2] = _CLine(y3, y3 + 12.0, "và các đơn vị")
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == [y3]
    cols[2][2] = _CLine(y3, y3 + 12.0, "các huyện, thị xã")
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == []


def test_no_capital_row_where_a_line_runs_across_or_within_a_rows_first_line():
    y1, y2 = 100.0, 100.0 + PITCH
    cols = [_column((y1, "Kiểm tra"), (y2, "Ban hành")) for _ in range(4)]
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == [y2]
    centred = _column((y1 + 0.5 * PITCH, "Quý II/2025"))  # a merged cell centred between the grid's lines
    assert _capital_rows([*cols, centred], [y1], PITCH, None, 2.0) == []
    assert _capital_rows(cols, [y1, y2 - 3.0], PITCH, None, 2.0) == []  # within that row's first line
    assert _capital_rows(cols[:3], [y1], PITCH, None, 2.0) == []  # three columns are not enough


def test_a_merged_cell_runs_over_the_row_top_it_goes_on_past():
    task = _column((85.6, "Bảo đảm an toàn, an"), (100.3, "ninh thông tin mạng"), (115.0, "trong hoạt động"))
    assert _runs_over(task, 100.3, 2.0)  # a line in lower case level with the row's top
    assert _runs_over(task, 108.0, 2.0)  # a line across it
    assert not _runs_over(task, 85.6, 2.0)  # its own first line, in capitals


def test_given_row_starts_inside_the_run_a_line_apart():
    """A tagged table's row starts: the run's first line starts a row, a start half a line below another
    (the rest of a merged cell beside the next row's first line) does not, nor one outside the run."""
    run = [_Line(100.0 + 14.5 * i, 112.0 + 14.5 * i, [{"text": "x"}]) for i in range(6)]
    assert _given_tops(run, [60.0, 100.0, 102.0, 129.0, 131.0, 172.5, 400.0]) == [100.0, 129.0, 172.5]
    assert _given_tops(run, None) == [] and _given_tops([], [100.0]) == []


def _placed(top: float, text: str, x0: float, width: float) -> _CLine:
    """A line at ``x0`` of ``width`` points whose words are 6 pt a letter."""
    return _CLine(top, top + 12.0, text, x0, x0 + width, 6.0 * len(text.split()[0]))


def test_a_line_ended_when_the_next_lines_first_word_would_have_fitted_after_it():
    y1, y2, y3 = 100.0, 100.0 + PITCH, 100.0 + 2 * PITCH
    column = [
        _placed(y1, "Kiểm tra, xử lý văn bản quy phạm", 200.0, 190.0),  # the column's widest line
        _placed(y2, "luật theo thẩm quyền", 200.0, 110.0),
        _placed(y3, "Tham mưu xây dựng", 200.0, 100.0),
    ]
    assert _ended(column, column[2], PITCH, 2.0) is True  # "Tham" fitted after "quyền": the cell ended
    assert _ended(column, column[1], PITCH, 2.0) is False  # "luật" did not fit after the widest line
    assert _ended(column, column[0], PITCH, 2.0) is None  # nothing above
    assert _ended([_CLine(y1, y1 + 12, "a"), _CLine(y2, y2 + 12, "b")], _CLine(y2, y2 + 12, "b"), PITCH, 2.0) is None


def test_columns_each_starting_after_an_ended_line_start_a_row_beside_a_floating_merge():
    """Rows without padding, the deadline centred over both: three columns start in capitals after lines
    that ended, the deadline's line floats between the grid's lines."""
    y1, y2, y3 = 100.0, 100.0 + PITCH, 100.0 + 2 * PITCH
    cols = [
        [_placed(y1, "Kiểm tra, xử lý văn bản quy phạm", 60, 190), _placed(y2, "luật theo", 60, 50)],
        [_placed(y1, "Trung tâm Công nghệ", 260, 120), _placed(y2, "tin", 260, 15)],
        [_placed(y1, "Trung tâm Phục vụ hành", 390, 130), _placed(y2, "công tỉnh", 390, 50)],
        [_CLine(y2 + 0.5 * PITCH, y2 + 0.5 * PITCH + 12, "Thường xuyên", 530, 600, 40)],
    ]
    cols[0].append(_placed(y3, "Tham mưu xây dựng", 60, 100))
    cols[1].append(_placed(y3, "Phòng Quản lý", 260, 80))
    cols[2].append(_placed(y3, "Văn phòng Sở", 390, 70))
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == [y3]
    cols[1][1] = _placed(y2, "nghệ thông tin và các đơn vị", 260, 125)  # wrapped: "Phòng" would not fit
    assert _capital_rows(cols, [y1], PITCH, None, 2.0) == []


def _borderless_pdf(path, pages: list[list[tuple[float, float, str, bool]]]) -> None:
    """A PDF of text only: per page, (x, y from the top, text, bold) in Liberation Serif 11 pt."""
    from pathlib import Path

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = Path("/usr/share/fonts/truetype/liberation2")
    pdfmetrics.registerFont(TTFont("LS", str(fonts / "LiberationSerif-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("LS-Bold", str(fonts / "LiberationSerif-Bold.ttf")))
    size = landscape(A4)
    pdf = canvas.Canvas(str(path), pagesize=size)
    for items in pages:
        for x, y, text, bold in items:
            pdf.setFont("LS-Bold" if bold else "LS", 11)
            pdf.drawString(x, size[1] - y, text)
        pdf.showPage()
    pdf.save()


COLUMNS = [(60, "STT"), (110, "Nội dung nhiệm vụ"), (400, "Đơn vị chủ trì"), (560, "Thời gian hoàn thành")]
ROWS = [
    ("1", "Rà soát thủ tục hành chính", "Văn phòng Sở", "Quý I/2025"),
    ("2", "Cập nhật cơ sở dữ liệu", "Phòng Pháp chế", "Quý II/2025"),
    ("3", "Kiểm tra việc thực hiện", "Thanh tra Sở", "Năm 2025"),
]


def test_a_header_alone_at_a_page_foot_heads_the_rows_on_the_next_page(tmp_path):
    """The appendix's header printed at the bottom of a page, its rows on the next: the header-only
    table still holds its header row, so the next page's rows are the task table's (not another table)."""
    from extractors import ExtractSettings, extract

    first = [(60, 80, "Kế hoạch cải cách hành chính năm 2025 của Sở.", False)]
    first += [(x, 540, label, True) for x, label in COLUMNS]
    second = [
        (x, 80 + 30 * r, text, False) for r, row in enumerate(ROWS) for (x, _), text in zip(COLUMNS, row, strict=True)
    ]
    path = tmp_path / "plan.pdf"
    _borderless_pdf(path, [first, second])
    ex = extract(path, ExtractSettings(cross_check=False))
    got = [(r.cells["tt"].lines, r.cells["lead"].lines, r.cells["deadline"].lines) for r in ex.rows]
    assert got == [([tt], [lead], [deadline]) for tt, _, lead, deadline in ROWS]
    assert [p for r in ex.rows for p in r.pages] == [2, 2, 2]


def test_numbers_under_a_centred_label_belong_to_its_column():
    """A narrow budget column's numbers printed at its left, under a wider centred label: the boundary
    goes in the gap between the labels, not in the wider river right of the numbers."""
    from extractors.finders.borderless import _edges

    def word(x0: float, x1: float, text: str) -> dict:
        return {"x0": x0, "x1": x1, "top": 100.0, "bottom": 112.0, "text": text}

    columns = [(463.0, 493.0, "Phối hợp"), (515.0, 574.0, "Kinh phí (triệu đồng)"), (594.0, 658.0, "Thời gian")]
    body = [_Line(100.0, 112.0, [word(450, 500, "Trung tâm"), word(514, 529, "50"), word(583, 620, "Cả năm")])]
    edges = _edges(columns, body)
    assert 500 < edges[1] < 514
    body = [_Line(100.0, 112.0, [word(450, 500, "Trung tâm"), word(514, 529, "Sở"), word(583, 620, "Cả năm")])]
    assert _edges(columns, body)[1] > 529  # words, not numbers: the widest river between the labels' centres


def test_one_column_that_starts_every_row_starts_one_alone_after_a_line_that_ended():
    """Activities under a task merged over them, rows without padding: the activity column starts a line
    at every row top; where it alone starts a line in capitals after one that ended, a row starts."""
    y = [100.0 + k * PITCH for k in range(6)]
    task = [_placed(y[0], "Rà soát thủ tục hành chính", 110, 150), _placed(y[1], "thuộc phạm vi", 110, 80)]
    task += [_placed(y[4], "Cập nhật cơ sở dữ liệu", 110, 130), _placed(y[5], "Kiểm tra việc", 110, 80)]
    activity = [
        _placed(y[0], "Ban hành văn bản hướng", 330, 140),  # the column's widest line
        _placed(y[1], "dẫn", 330, 20),
        _placed(y[2], "Tổ chức hội nghị", 330, 100),  # "Tổ" fitted after "dẫn": that cell ended
        _placed(y[3], "Kiểm tra, đôn đốc", 330, 100),
        _placed(y[4], "Xây dựng kế hoạch", 330, 100),
        _placed(y[5], "Tổng hợp báo cáo", 330, 100),
    ]
    lead = [_placed(y[0], "Văn phòng Sở", 560, 70), _placed(y[4], "Phòng Pháp chế", 560, 80)]
    lead.append(_placed(y[5], "Thanh tra Sở", 560, 70))
    tops = [y[0], y[4], y[5]]
    assert _lone_rows([task, activity, lead], tops, PITCH, None, 2.0) == [y[2], y[3]]
    assert _lone_rows([task, activity, lead], tops[:2], PITCH, None, 2.0) == []  # two rows: too little evidence
    listed = [*activity[:1], _placed(y[1], "dẫn;", 330, 24), *activity[2:]]
    assert _lone_rows([task, listed, lead], tops, PITCH, None, 2.0) == [y[3]]  # ";": a list item goes on
    indented = [*activity[:2], _placed(y[2], "Tổ chức hội nghị", 350, 60), *activity[3:]]
    assert _lone_rows([task, indented, lead], tops, PITCH, None, 2.0) == [y[3]]  # off the column's left
    wrapped = [activity[0], _placed(y[1], "dẫn thực hiện các nội", 330, 130), *activity[2:]]
    assert _lone_rows([task, wrapped, lead], tops, PITCH, None, 2.0) == [y[3]]  # "Tổ" would not fit: wrapped


def test_a_row_with_an_activity_but_no_number_and_no_task_is_an_activity_of_the_task_above(tmp_path):
    """A task merged over three activities, printed once at its top without padding: the activity rows
    are rows, and they hold the task and its number (the task's merged cell covers them)."""
    from extractors import ExtractSettings, extract

    labels = [(60, "STT"), (110, "Nội dung nhiệm vụ"), (330, "Các hoạt động"), (560, "Đơn vị chủ trì")]
    step = 13.0
    lines = [
        ("1", "Rà soát thủ tục hành chính", "Ban hành văn bản hướng", "Văn phòng Sở"),
        ("", "thuộc phạm vi quản lý", "dẫn", ""),
        ("", "", "Tổ chức hội nghị", ""),
        ("", "", "Kiểm tra, đôn đốc", ""),
        ("2", "Cập nhật cơ sở dữ liệu", "Xây dựng kế hoạch", "Phòng Pháp chế"),
        ("3", "Kiểm tra việc thực hiện", "Tổng hợp báo cáo", "Thanh tra Sở"),
    ]
    page = [(x, 80, label, True) for x, label in labels]
    page += [
        (x, 110 + step * k, text, False)
        for k, line in enumerate(lines)
        for (x, _), text in zip(labels, line, strict=True)
        if text
    ]
    path = tmp_path / "plan.pdf"
    _borderless_pdf(path, [page])
    ex = extract(path, ExtractSettings(cross_check=False))
    got = [tuple(" ".join(r.cells[f].lines) for f in ("tt", "task", "activity")) for r in ex.rows]
    task = "Rà soát thủ tục hành chính thuộc phạm vi quản lý"
    assert got == [
        ("1", task, "Ban hành văn bản hướng dẫn"),
        ("1", task, "Tổ chức hội nghị"),
        ("1", task, "Kiểm tra, đôn đốc"),
        ("2", "Cập nhật cơ sở dữ liệu", "Xây dựng kế hoạch"),
        ("3", "Kiểm tra việc thực hiện", "Tổng hợp báo cáo"),
    ]


def test_a_column_numbering_its_cells_starts_a_row_at_each_number():
    """Activities numbered "3.x." beside a task merged over them, rows without padding: the task's text
    goes on in lower case beside each new number, which still starts a row."""
    y = [100.0 + k * PITCH for k in range(7)]
    task = [
        _column((y[k], t))[0]
        for k, t in enumerate(
            [
                "2.32. Hoàn thiện hạ",
                "tầng số; triển khai",
                "các giải pháp đảm",
                "bảo an toàn thông",
                "tin mạng cho các hệ",
            ]
        )
    ]
    activity = _column(
        (y[0], "3.43. Xây Trung tâm"),
        (y[1], "giám sát (SOC)"),
        (y[3], "3.44. Xây dựng mạng"),
        (y[4], "diện rộng WAN"),
        (y[5], "3.45. Duy trì hoạt"),
        (y[6], "động của Đội"),
    )
    tops = _row_tops([task, activity], PITCH)
    assert tops == [y[0], y[3], y[5]]
    seg_tops = [tops]
    assert _numbering([[task, activity]], seg_tops, 2, 2.0) == {1}  # the task's one number: too little alone
    objective = _column((y[0], "1.26. Hoàn thiện hạ tầng"), (y[3], "2023"))
    assert _numbering([[task, activity, objective]], seg_tops, 3, 2.0) == {1}
    many = [_column((y[0], "1.1. Văn bản"), (y[3], "1.2. Theo dõi"), (y[5], "1.3. Kịp thời")), activity, objective]
    assert _numbering([many], seg_tops, 3, 2.0) == {0, 1, 2}  # two columns number theirs: one number will do


def _bold_line(top: float, *chunks: tuple[float, str], height: float = 11.0) -> _Line:
    """A bold line of text ``height`` tall: its chunks at the given x, 5.5 pt a letter."""
    words = []
    for x, text in chunks:
        for word in text.split():
            words.append(
                {
                    "text": word,
                    "x0": x,
                    "x1": x + 5.5 * len(word),
                    "top": top,
                    "bottom": top + height,
                    "fontname": "LiberationSerif-Bold",
                }
            )
            x += 5.5 * len(word) + 3
    return _Line(top, top + height, words)


def test_a_header_of_numbered_labels_wrapped_over_many_lines_is_read_whole():
    """ "7 - Thời gian thực hiện" starts with a number but is no row number: the header goes on past it."""
    lines = [
        _bold_line(120.0, (700, "8 - Dự")),
        _bold_line(133.0, (700, "kiến")),
        _bold_line(140.0, (620, "7 - Thời")),
        _bold_line(147.0, (380, "4 - Kết quả/"), (470, "5 - Cơ quan")),
        _bold_line(154.0, (40, "TT"), (80, "2 - Nhiệm vụ"), (620, "gian thực")),
        _bold_line(161.0, (385, "Sản phẩm"), (480, "chủ trì"), (700, "kinh phí")),
        _bold_line(168.0, (630, "hiện")),
    ]
    header = _find_header(lines)
    assert header is not None and header.first == 0
    assert [label for _, _, label in header.columns][-2:] == ["7 - Thời gian thực hiện", "8 - Dự kiến kinh phí"]


def test_a_title_line_just_above_the_header_is_not_one_of_its_labels():
    """The appendix's title printed close above a header of labels centred over one to three lines, as
    Chromium prints them (boxes 16 and 13 pt tall, the labels' lines 6 pt apart; the words' own x)."""

    def printed(top: float, bottom: float, words: list[tuple[float, float, str]]) -> _Line:
        return _Line(
            top,
            bottom,
            [
                {"text": t, "x0": a, "x1": b, "top": top, "bottom": bottom, "fontname": "DejaVuSerif-Bold"}
                for a, b, t in words
            ],
        )

    lines = [
        printed(55.1, 71.1, [(370.7, 397.2, "Phụ"), (401.4, 421.9, "lục")]),
        printed(
            75.3,
            91.3,
            [
                (135.7 + 45 * k, 175.0 + 45 * k, w)
                for k, w in enumerate(
                    [
                        "CÁC",
                        "NHIỆM",
                        "VỤ",
                        "TRIỂN",
                        "KHAI",
                        "CÔNG",
                        "TÁC",
                        "CẢI",
                        "CÁCH",
                        "HÀNH",
                        "CHÍNH",
                        "NĂM",
                        "2023",
                    ]
                )
            ],
        ),
        printed(
            98.5,
            111.8,
            [
                (104.0, 133.6, "Danh"),
                (137.1, 161.1, "mục"),
                (164.5, 183.2, "các"),
                (186.7, 211.7, "hoạt"),
                (215.2, 246.6, "động,"),
                (250.0, 285.3, "nhiệm"),
                (440.5, 463.1, "Đơn"),
                (466.4, 476.2, "vị"),
                (479.7, 500.3, "chủ"),
                (503.8, 517.5, "trì"),
                (668.7, 693.8, "Thời"),
                (697.3, 721.8, "gian"),
            ],
        ),
        printed(
            104.5,
            117.8,
            [
                (67.6, 82.1, "TT"),
                (308.9, 328.6, "Kết"),
                (332.0, 375.8, "quả/sản"),
                (379.3, 410.6, "phẩm"),
                (550.7, 573.4, "Đơn"),
                (576.7, 586.5, "vị"),
                (589.9, 614.7, "phối"),
                (618.1, 639.1, "hợp"),
            ],
        ),
        printed(
            110.5,
            123.8,
            [
                (187.9, 201.2, "vụ"),
                (450.2, 479.1, "tham"),
                (482.6, 507.7, "mưu"),
                (663.2, 690.9, "hoàn"),
                (694.4, 727.3, "thành"),
            ],
        ),
    ]
    header = _find_header(lines)
    assert header is not None and header.first == 2
    assert [label for _, _, label in header.columns] == [
        "TT",
        "Danh mục các hoạt động, nhiệm vụ",
        "Kết quả/sản phẩm",
        "Đơn vị chủ trì tham mưu",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành",
    ]


def test_a_task_going_on_past_a_page_break_beside_a_new_activity_is_merged_over_both(tmp_path):
    """A task merged over two activities, cut by the page break: its rest ("vi quản lý…", in lower case)
    beside the second activity is the same task, and that row shares its number."""
    from extractors import ExtractSettings, extract

    labels = [(60, "STT"), (110, "Nội dung nhiệm vụ"), (330, "Các hoạt động"), (560, "Đơn vị chủ trì")]
    first = [(x, 80, label, True) for x, label in labels]
    first += [(x, 110, t, False) for (x, _), t in zip(labels, ROW_1, strict=True)]
    second = [(110, 60, "vi quản lý của Sở", False), (330, 60, "Tổ chức hội nghị", False)]
    second += [(560, 60, "Thanh tra Sở", False)]
    second += [(x, 90, t, False) for (x, _), t in zip(labels, ROW_2, strict=True)]
    path = tmp_path / "plan.pdf"
    _borderless_pdf(path, [first, second])
    ex = extract(path, ExtractSettings(cross_check=False))
    got = [tuple(" ".join(r.cells[f].lines) for f in ("tt", "task", "activity", "lead")) for r in ex.rows]
    task = "Rà soát thủ tục hành chính thuộc phạm vi quản lý của Sở"
    assert got == [
        ("1", task, "Ban hành văn bản", "Văn phòng Sở"),
        ("1", task, "Tổ chức hội nghị", "Thanh tra Sở"),
        ("2", "Cập nhật cơ sở dữ liệu", "Xây dựng kế hoạch", "Phòng Pháp chế"),
    ]


ROW_1 = ("1", "Rà soát thủ tục hành chính thuộc phạm", "Ban hành văn bản", "Văn phòng Sở")
ROW_2 = ("2", "Cập nhật cơ sở dữ liệu", "Xây dựng kế hoạch", "Phòng Pháp chế")
