"""The plan's body as a reader sees it: headings, paragraphs, bullets — and the tasks written in prose.

Blocks are built from the page lines outside tables (text layer or OCR alike): a block starts
where a line is indented past the page's left margin (a paragraph's first line), starts with a
heading or list marker ("II.", "2.", "2.1.", "a)", "- ", "+ "), or changes between bold and
plain; other lines continue the block above. A heading is a marked block that is bold, or short
and without a closing full stop; its level comes from its marker (roman 1, arabic 2, "2.1." and
"a)" 3).

Body tasks: under a top-level heading that assigns work ("NHIỆM VỤ", "GIẢI PHÁP", "NỘI DUNG",
"KHẮC PHỤC"), each bullet or numbered item is a task — except under a "Chỉ tiêu"/"Mục tiêu"
sub-heading (targets, not tasks) — with its area heading as section. Field lines under a task
("Đơn vị thực hiện: …", "Thời gian thực hiện: …", "Giải pháp thực hiện: Giao X chủ trì, phối hợp
với Y …") fill its lead, partner, deadline and activity instead of being tasks themselves.

The reporting calendar ("chế độ báo cáo"): each "Báo cáo …: … từ ngày … đến (trước) ngày …" line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from extractors.celltext import join_lines
from extractors.model import Fragment, LogicalCell, RawPage, TaskRow, TextLine
from normalizers.text import fold

_ROMAN = re.compile(r"^(?P<num>[IVXL]{1,6})\s*[.:)-]\s+\S")
_DECIMAL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?\s+\S")
_ARABIC = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s+\S")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\s*[).]\s+\S")
#: a roman numeral as OCR misreads it ("III." -> "HH.", "II." -> "lI.", "III." -> "IIIL"), before a heading in capitals
_ROMAN_OCR = re.compile(r"^(?P<num>[IVXHl]{1,5})\s*(?P<sep>[.:]?|[Ll,](?=\s))\s+(?P<rest>\S.*)$", re.DOTALL)
_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
_BULLET = re.compile(r"^[-+•–]\s*\S")
_INDENT = 8.0  # points past the page's left margin: a paragraph's first line
_SHORT_HEADING = 22  # words: a longer marked block is an item, not a heading

#: top-level headings that assign work (folded)
TASK_SECTIONS = ("nhiem vu", "giai phap", "noi dung", "khac phuc", "chuong trinh cong tac")
#: sub-headings whose items are targets, not tasks
TARGET_HEADINGS = ("chi tieu", "muc tieu")
#: field lines under a task: label (folded) -> field
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("don vi chu tri", "lead"),
    ("co quan chu tri", "lead"),
    ("don vi thuc hien", "lead"),
    ("co quan thuc hien", "lead"),
    ("trach nhiem thuc hien", "lead"),
    ("don vi phoi hop", "partner"),
    ("co quan phoi hop", "partner"),
    ("thoi gian thuc hien", "deadline"),
    ("thoi gian hoan thanh", "deadline"),
    ("thoi han hoan thanh", "deadline"),
    ("thoi han", "deadline"),
    ("tien do", "deadline"),
    ("giai phap thuc hien", "activity"),
    ("bien phap khac phuc", "activity"),
    ("giai phap", "activity"),
    ("noi dung", "task"),  # "- Nội dung: …" under a task: more of its text
    ("ket qua", "output"),
    ("san pham", "output"),
    ("nguyen nhan", "cause"),
)
#: "Giao X chủ trì …" at a sentence's start ("chuyển giao" is another word)
_LEAD_IN_TEXT = re.compile(
    r"(?:^|[.;:,]\s+|\n[-+•]?\s*)Giao\s+(?P<lead>[^;:.]+?)\s+(?:chủ động\s+)?"
    r"(?:chủ trì|thực hiện|tham mưu|theo dõi|phụ trách)\b"
)
_PARTNER_IN_TEXT = re.compile(
    r"\bphối hợp (?:với|cùng)\s+(?P<partner>[^;:.]+?)"
    r"(?=\s+(?:tổ chức|thực hiện|triển khai|xây dựng|tham mưu)\b|[;:.]|$)"
)
_DUE_IN_TEXT = re.compile(r"\b(?:[Tt]rước|[Cc]hậm nhất|[Hh]oàn thành trước)\s+ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?")


@dataclass
class BodyBlock:
    """One heading, paragraph, bullet or numbered item of the body, with the headings above it."""

    block_no: int
    kind: str  # heading | paragraph | bullet | item
    level: int  # headings: 1 roman, 2 arabic, 3 "2.1."/"a)"; others: the level of the heading above + 1
    marker: str | None  # "II", "2", "2.1", "a", "-", "+"
    heading_path: list[str]
    text: str
    page_start: int
    page_end: int
    lines: list[TextLine] = field(default_factory=list, repr=False)


@dataclass
class BodyTask:
    """A task written in the body's prose, as a task row would hold it."""

    section_code: str | None  # the top heading's roman numeral
    section_title: str | None  # the area heading ("Cải cách thể chế"), else the top heading
    group_title: str | None  # the sub-heading it sits under ("Nhiệm vụ"), if any
    tt: str  # its own marker ("2.1", "-")
    task: str
    fields: dict[str, str] = field(default_factory=dict)  # lead, partner, deadline, activity, output
    pages: set[int] = field(default_factory=set)
    lines: dict[str, list[TextLine]] = field(default_factory=dict, repr=False)  # field -> printed lines


@dataclass
class ReportDue:
    """One report of the reporting calendar ("chế độ báo cáo")."""

    report: str
    period_start: date | None
    period_end: date | None
    due_date: date | None
    recipient: str | None
    raw: str


# -- blocks ---------------------------------------------------------------------------------------
def _marker(text: str) -> tuple[str, str | None, int]:
    """(kind of marker, the marker, heading level) of a line's start."""
    for pattern, kind, level in ((_ROMAN, "roman", 1), (_DECIMAL, "decimal", 3), (_ARABIC, "arabic", 2)):
        m = pattern.match(text)
        if m:
            return kind, m.group("num"), level
    m = _ROMAN_OCR.match(text)
    if m and (set(m.group("num")) & set("Hl") or m.group("sep") not in (".", ":")) and _caps(m.group("rest")):
        return "roman", m.group("num"), 1  # renumbered from the heading before (body_blocks)
    m = _LETTER.match(text)
    if m:
        return "letter", m.group("num"), 3
    if _BULLET.match(text):
        return "bullet", text[0], 0
    return "", None, 0


def _caps(text: str) -> bool:
    """Printed in capitals: two letters at least, none lower case ("NỘI DUNG THỰC HIỆN:")."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def _caps_heading(lines: list[TextLine]) -> bool:
    """A one-line heading in capitals after a marker ("IV. TỔ CHỨC THỰC HIỆN"): it ends where plain text starts."""
    kind, _, _ = _marker(lines[0].text)
    return kind in ("roman", "arabic") and _caps(_strip_marker(join_lines([ln.text for ln in lines])))


def _right_margins(pages: list[RawPage]) -> dict[int, float]:
    """Each page's right text edge: where the longest lines end."""
    out = {}
    for page in pages:
        ends = sorted(ln.bbox[2] for ln in page.lines)
        out[page.number] = ends[int(0.9 * (len(ends) - 1))] if ends else 0.0
    return out


def _wrapped(prev: TextLine, right: float) -> bool:
    """The line was broken by the page's width, not by its writer: it runs to the right edge, no stop at its end."""
    return prev.bbox[2] >= right - 12 and not prev.text.rstrip().endswith((".", ";", ":", "!", "?"))


def _margins(pages: list[RawPage]) -> dict[int, float]:
    """Each page's left text margin: where most lines start."""
    out = {}
    for page in pages:
        starts = Counter(round(ln.bbox[0]) for ln in page.lines if len(ln.text) > 25)
        out[page.number] = float(min(starts, key=lambda x: (-starts[x], x))) if starts else 0.0
    return out


def _body_lines(pages: list[RawPage]) -> list[TextLine]:
    """The lines of the body: after the document type ("KẾ HOẠCH"), before "Nơi nhận", page numbers out."""
    lines = [ln for p in pages for ln in p.lines if not ln.text.strip().isdigit()]
    start = next((i for i, ln in enumerate(lines[:60]) if _is_doc_type(ln.text)), -1) + 1
    out = []
    for ln in lines[start:]:
        if fold(ln.text).startswith(("noi nhan", "phu luc")):
            break
        out.append(ln)
    return out


def _is_doc_type(text: str) -> bool:
    return fold(text).strip() in ("ke hoach", "chuong trinh", "ke hoach hanh dong", "chuong trinh hanh dong")


def body_blocks(pages: list[RawPage]) -> list[BodyBlock]:
    """The body cut into headings, paragraphs, bullets and numbered items, in reading order."""
    margins = _margins(pages)
    rights = _right_margins(pages)
    groups: list[list[TextLine]] = []
    whole = {p.number for p in pages if p.source == "docx"}  # a Word paragraph is one line: one block
    for ln in _body_lines(pages):
        kind, _, _ = _marker(ln.text)
        indented = ln.bbox[0] > margins.get(ln.page, 0.0) + _INDENT
        prev = groups[-1][-1] if groups else None
        if (
            kind == "bullet"
            and prev is not None
            and prev.page == ln.page
            and not indented
            and ln.bold == prev.bold
            and _wrapped(prev, rights.get(ln.page, 0.0))
        ):
            kind = ""  # "… phối hợp với Phòng Kế hoạch\n- Tài chính …": a dash the line break put first
        if (
            prev is None
            or ln.page in whole
            or kind != ""
            or ln.bold != prev.bold
            or (indented and not ln.bold)
            or (_caps_heading(groups[-1]) and not _caps(ln.text))
            or _field_line(ln.text) is not None  # "Đơn vị thực hiện: …" printed without its dash
        ):
            groups.append([ln])
        else:
            groups[-1].append(ln)
    blocks: list[BodyBlock] = []
    path: list[tuple[int, str]] = []
    last_roman = 0
    for lines in groups:
        text = join_lines([ln.text for ln in lines])
        kind, marker, level = _marker(text)
        if kind == "roman" and marker not in _ROMANS:  # misread by OCR: the numeral after the last one
            marker = _ROMANS[min(last_roman, len(_ROMANS) - 1)]
            m = _ROMAN_OCR.match(text)
            text = f"{marker}. {m.group('rest') if m else text}"
        if kind == "roman" and marker in _ROMANS:
            last_roman = _ROMANS.index(marker) + 1
        bold = sum(ln.bold for ln in lines) * 2 > len(lines)
        short = len(text.split()) <= _SHORT_HEADING and not text.rstrip().endswith((".", ";"))
        parent = path[-1][0] if path else 0
        if kind in ("roman", "arabic", "decimal", "letter") and (bold or short):
            block_kind = "heading"
        elif kind in ("roman", "arabic", "decimal", "letter"):
            block_kind, level = "item", parent + 1
        elif kind == "bullet":
            block_kind, level = "bullet", parent + 1
        else:
            block_kind, level = ("heading" if bold and short else "paragraph"), parent + 1
            if block_kind == "heading":
                level = 0  # a bold unnumbered title line ("KẾ HOẠCH", the plan's title)
        if block_kind == "heading" and level:
            path = [p for p in path if p[0] < level] + [(level, text)]
        pages_of = [ln.page for ln in lines]
        heading_path = [t for _, t in path] if block_kind != "heading" else [t for _, t in path[:-1]]
        blocks.append(
            BodyBlock(
                len(blocks) + 1, block_kind, level, marker, heading_path, text, min(pages_of), max(pages_of), lines
            )
        )
    return blocks


# -- tasks ------------------------------------------------------------------------------------------
def _strip_marker(text: str) -> str:
    for pattern in (_ROMAN, _DECIMAL, _ARABIC, _LETTER):
        m = pattern.match(text)
        if m:
            return text[m.start("num") + len(m.group("num")) :].lstrip(" .:)-–").strip()
    return re.sub(r"^[-+•–]\s*", "", text).strip()


def _field_line(text: str) -> tuple[str, str] | None:
    """``"- Đơn vị thực hiện: Văn phòng Sở"`` -> ``("lead", "Văn phòng Sở")``."""
    body = _strip_marker(text)
    label, sep, value = body.partition(":")
    if not sep or len(label.split()) > 5:
        return None
    key = fold(label).strip()
    for words, name in FIELD_LABELS:
        if key == words or key.startswith(words + " "):
            return name, value.strip().rstrip(",;").strip()
    return None


def _is_task_section(heading: str) -> bool:
    key = fold(heading)
    return any(w in key for w in TASK_SECTIONS) and "to chuc thuc hien" not in key


def body_tasks(blocks: list[BodyBlock]) -> list[BodyTask]:
    """Tasks written in the body (see the module docstring)."""
    tasks: list[BodyTask] = []
    top: BodyBlock | None = None
    area: BodyBlock | None = None
    sub: BodyBlock | None = None
    current: BodyTask | None = None
    open_field: str | None = None
    paras: dict[int, list[BodyBlock]] = {}  # the paragraphs under a bare heading
    headed: BodyTask | None = None  # the task a numbered heading made, until something fills it
    headed_block: BodyBlock | None = None
    bare: BodyBlock | None = None  # a heading with no item under it yet: a task itself if field lines follow
    for b in blocks:
        if b.kind == "heading":
            bare = b if b.level >= 2 else None
            if b.level == 1:
                top, area, sub, current = b, None, None, None
            elif b.level == 2:
                area, sub, current = b, None, None
            elif (
                b.level >= 3
                and top is not None
                and _is_task_section(top.text)
                and not _is_sub_heading(b)
                and not b.text.rstrip().endswith(":")  # "b. Rà soát theo chuyên đề:" introduces the items below
            ):
                current = _new_task(b, top, area, sub)  # "2.1. Việc tiếp nhận…": a numbered task
                tasks.append(current)
                headed, headed_block = current, b
            elif b.level >= 3:
                sub, current = b, None
            open_field = None
            continue
        if (
            top is None
            or not _is_task_section(top.text)
            or (sub and _targets(sub.text))
            or (area and _targets(area.text))
        ):
            continue
        found = _field_line(b.text)
        if found and current is None and bare is not None:  # "3. Tiếp tục …" + a paragraph, then its fields
            current = _new_task(bare, top, area, sub if sub is not bare else None)
            current.tt = bare.marker or ""
            for para in paras.get(bare.block_no, []):
                current.task = "\n".join([current.task, para.text])
                current.lines["task"].extend(para.lines)
                current.pages.update(range(para.page_start, para.page_end + 1))
            tasks.append(current)
        if found and current is None:
            continue  # a field line with no task above: never a task itself
        if found and found[0] == "task" and current is not None:
            current.task = "\n".join([current.task, found[1]])
            current.lines["task"].extend(b.lines)
            current.pages.update(range(b.page_start, b.page_end + 1))
            continue
        if found and current is not None:
            name, value = found
            current.fields[name] = join_lines([current.fields[name], value]) if name in current.fields else value
            current.lines.setdefault(name, []).extend(b.lines)
            current.pages.update(range(b.page_start, b.page_end + 1))
            open_field = name
            continue
        if b.kind == "bullet" and b.marker == "+" and current is not None:  # a step of the task above
            if open_field:
                current.fields[open_field] = "\n".join([current.fields[open_field], b.text]).strip()
            else:
                current.task = "\n".join([current.task, b.text])
            current.lines.setdefault(open_field or "task", []).extend(b.lines)
            current.pages.update(range(b.page_start, b.page_end + 1))
            continue
        if b.kind in ("bullet", "item"):
            if headed is not None and current is headed and not headed.fields and "\n" not in headed.task:
                tasks.remove(headed)  # "b. Rà soát theo chuyên đề" with items under it: their group, not a task
                sub = headed_block
            headed = None
            current = _new_task(b, top, area, sub)
            tasks.append(current)
            open_field = None
            bare = None
        elif b.kind == "paragraph" and bare is not None and current is None:
            paras.setdefault(bare.block_no, []).append(b)
    for t in tasks:
        _fields_from_text(t)
    return tasks


def _is_sub_heading(b: BodyBlock) -> bool:
    """ "a) Chỉ tiêu", "b) Nhiệm vụ": a label over items, not a task of its own."""
    key = fold(_strip_marker(b.text))
    return len(key.split()) <= 6 and any(w in key for w in TARGET_HEADINGS + ("nhiem vu", "giai phap", "noi dung"))


def _targets(heading: str) -> bool:
    return any(w in fold(_strip_marker(heading)) for w in TARGET_HEADINGS)


def _new_task(b: BodyBlock, top: BodyBlock, area: BodyBlock | None, sub: BodyBlock | None) -> BodyTask:
    m = _ROMAN.match(top.text)
    section_title = _strip_marker(area.text).rstrip(":") if area else _strip_marker(top.text).rstrip(":")
    return BodyTask(
        section_code=m.group("num") if m else None,
        section_title=section_title,
        group_title=_strip_marker(sub.text).rstrip(":") if sub else None,
        tt=b.marker if b.kind != "bullet" and b.marker else "",
        task=_strip_marker(b.text) if b.kind == "bullet" else b.text,
        pages=set(range(b.page_start, b.page_end + 1)),
        lines={"task": list(b.lines)},
    )


def _fields_from_text(t: BodyTask) -> None:
    """Lead, partner and deadline stated in the sentence itself ("Giao X chủ trì, phối hợp với Y")."""
    text = " ".join([t.task, t.fields.get("activity", "")])
    if "lead" not in t.fields and (m := _LEAD_IN_TEXT.search(text)):
        t.fields["lead"] = m.group("lead").strip(" ,")
    if "partner" not in t.fields and (m := _PARTNER_IN_TEXT.search(text)):
        t.fields["partner"] = m.group("partner").strip(" ,")
    if "deadline" not in t.fields and (m := _DUE_IN_TEXT.search(text)):
        t.fields["deadline"] = m.group(0)


# -- reporting calendar -------------------------------------------------------------------------------
_REPORT = re.compile(r"^(?:[-+•–]\s*)?(?P<report>Báo cáo[^:]{1,80}):\s*(?P<rest>.+)$", re.DOTALL)
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_PERIOD = re.compile(rf"từ ngày\s+{_DATE}\s+đến(?:\s+trước)?\s+ngày\s+{_DATE}")
_DUE = re.compile(rf"(?:trước|chậm nhất)(?:\s+ngày)?\s+{_DATE}")
_RECIPIENT = re.compile(
    r"\b(?:gửi qua|gửi về|gửi|về)\s+(?P<to>(?:Sở|Văn phòng|UBND|Ủy ban|Bộ|Ban|Phòng)[^,.;]*?)"
    r"(?=\s+(?:để|trước|theo|trong|chậm|qua)\b|[,.;]|$)"
)


def _date(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def report_schedule(blocks: list[BodyBlock]) -> list[ReportDue]:
    """The reports the "chế độ báo cáo" part asks for, with their periods and due dates."""
    out = []
    in_part = False
    recipient = None
    for b in blocks:
        if b.kind == "heading" and b.level <= 2:
            in_part = "che do bao cao" in fold(b.text) or fold(_strip_marker(b.text)).strip() == "bao cao"
            continue
        if not in_part:
            continue
        if (m := _RECIPIENT.search(b.text)) and recipient is None:
            recipient = m.group("to").strip()
        m = _REPORT.match(b.text)
        if not m:
            continue
        rest = m.group("rest")
        period = _PERIOD.search(rest)
        due = _DUE.search(rest[period.end() :] if period else rest)
        out.append(
            ReportDue(
                report=m.group("report").strip(),
                period_start=_date(*period.groups()[:3]) if period else None,
                period_end=_date(*period.groups()[3:]) if period else None,
                due_date=_date(*due.groups()) if due else None,
                recipient=recipient,
                raw=b.text,
            )
        )
    return out


def task_row(t: BodyTask) -> TaskRow:
    """A body task as a task row (``source = "body"``): its cells' fragments are the printed lines,
    so provenance, normalizers and quality flags treat it like an appendix row."""
    cells: dict[str, LogicalCell] = {}
    texts = {"tt": t.tt, "task": t.task, **{k: v for k, v in t.fields.items() if k in _ROW_FIELDS}}
    for name, text in texts.items():
        lines = t.lines.get(name) or t.lines.get("task", [])
        cells[name] = LogicalCell(_fragments(lines, text), 1)
    return TaskRow(t.section_code, t.section_title, t.group_title, cells, set(t.pages), source="body")


_ROW_FIELDS = ("lead", "partner", "deadline", "activity", "output")


def _fragments(lines: list[TextLine], text: str) -> list[Fragment]:
    """One fragment per page the text is printed on, its box the union of the lines'; the text whole
    on the first (a field's value is a part of its lines, which hold the label too)."""
    by_page: dict[int, list[TextLine]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    out = []
    for i, (page, group) in enumerate(sorted(by_page.items())):
        box = (
            min(ln.bbox[0] for ln in group),
            min(ln.bbox[1] for ln in group),
            max(ln.bbox[2] for ln in group),
            max(ln.bbox[3] for ln in group),
        )
        out.append(Fragment(page, box, [text] if i == 0 else []))
    return out or [Fragment(0, (0.0, 0.0, 0.0, 0.0), [text])]
