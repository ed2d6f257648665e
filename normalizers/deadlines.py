"""Deadline cells -> one record per expression, with the dates the text fixes.

Rules, not a date parser: plan deadlines are quarters ("Quý III - IV/2023"), months,
years, periods ("Giai đoạn 2022 - 2025"), due dates ("chậm nhất ngày 10/01/2023"),
recurrences ("Định kỳ 02 lần/năm", "Báo cáo quý, 6 tháng, năm"), events ("Khi có
Quyết định công bố…", "Theo hướng dẫn của Sở Tài chính") and offsets ("chậm nhất 15 ngày
kể từ ngày …"). A general date parser reads "50%" as 2050 and knows no quarters.

Matching runs on an accent-folded copy of the text (same length as the original, so
spans map back), which also absorbs typos such as "háng quý".
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date

from normalizers.bullets import strip_bullet
from normalizers.text import fold_chars, nfc, split_outside_parens

KINDS = ("continuous", "recurring", "due", "month", "quarter", "year", "period", "on_event", "relative", "unparsed")


@dataclass
class Deadline:
    kind: str
    start_date: date | None
    end_date: date | None
    recurrence: str | None
    text: str  # the expression's clause, as printed
    phrase: str  # the part of the clause that fixes the time
    label: str | None = None  # what is due: "Ban hành kế hoạch", "Báo cáo"
    event: str | None = None  # on_event / relative: the event it waits for


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Q = r"(?:i{1,3}|iv|[1-4])"
_YEAR = r"((?:19|20)\d\d)"
_SEP = r"\s*+[-/–]\s*+"
_DMY = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?"

_PER = r"(?:6 thang|quy(?! dinh)|thang|nam|tuan|mot nam|ca nam)\b"
_PERS = rf"{_PER}(?:\s*(?:,|va)\s*{_PER})*"

_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "relative",
        re.compile(
            r"(?:cham nhat|trong vong|sau)\s+(\d+)\s+(ngay|tuan|thang)\s+(?:lam viec\s+)?"
            r"(?:ke tu|sau khi|tu)\s+(?P<event>[^;()]+)"
        ),
    ),
    ("due", re.compile(rf"(?:truoc|cham nhat|han chot|khong qua|den|vao)\s+(?:ngay\s+)?{_DMY}(?![\d%])")),
    (
        "due_day",
        re.compile(
            r"(?:truoc|cham nhat)\s+ngay\s+(\d{1,2})\s+(?:cua\s+)?(?:thang\s+)?(cuoi|dau)?\s*(?:ky|thang|quy)[^;,.]*"
        ),
    ),
    ("quarter", re.compile(rf"\bquy\s+({_Q})(?:\s*(?:-|–|den|va|,)\s*({_Q}))?\s*(?:(?:/|nam)\s*{_YEAR})?\b")),
    ("month", re.compile(rf"\bthang\s+(\d{{1,2}})(?:\s*(?:-|–|den)\s*(\d{{1,2}}))?\s*(?:/|nam)\s*{_YEAR}")),
    # no match starts inside a run of spaces (it would start at the run's start): the look-behinds skip
    # those positions, so a long run is scanned once, not once per space
    ("period", re.compile(rf"(?:giai doan|tu nam|nam|trong nam)?(?<!\s)\s*+{_YEAR}{_SEP}{_YEAR}")),
    ("year", re.compile(rf"(?:trong|ca|het|cuoi|dau)?(?<!\s)\s*+nam\s++{_YEAR}|(?:trong|ca)\s+nam\b(?!\s*\d)")),
    ("continuous", re.compile(r"\bthuong xuyen\b|\blien tuc\b|\bhang ngay\b")),
    (
        "recurring",
        re.compile(
            rf"\bdinh ky\b(?:\s+(\d+)\s+lan\s*/\s*(nam|quy|thang)|(?:\s+theo)?\s+{_PERS})?"
            rf"|\b(?:hang|moi)\s+{_PERS}\b"
            rf"|\bbao cao\s+(?:ket qua\s+)?{_PERS}"
        ),
    ),
    (
        "on_event",
        re.compile(
            r"\b(?:khi|sau khi|ngay khi|trong truong hop)\s+(?P<event>[^;()]+)"
            r"|\btheo\s+(?P<event2>(?:yeu cau|huong dan|quy dinh|ke hoach|chi dao|lo trinh|tien do|thong bao)[^;()]*)"
            r"|^(?P<event3>(?:yeu cau|huong dan|chi dao|ke hoach) cua[^;()]*)"
        ),
    ),
    ("due", re.compile(rf"(?<![\d/]){_DMY}(?![\d/%])")),
]
_RECUR_WORDS = {"quy": "quarterly", "thang": "monthly", "nam": "yearly", "tuan": "weekly", "6 thang": "semiannual"}
_VACUOUS = re.compile(r"^quy dinh\b")  # "theo quy định" adds nothing to a dated clause


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _quarter(n: str) -> int:
    return _ROMAN.get(n) or int(n)


def split_expressions(text: str) -> list[str]:
    """Clauses of a cell: lines, ``;`` outside parentheses, bullets removed."""
    out = []
    for line in nfc(text or "").split("\n"):
        for piece in split_outside_parens(line, ";"):
            clause = strip_bullet(piece, glued=True).strip(" .,:")
            if clause:
                out.append(clause)
    return out


def parse_deadlines(text: str | None, plan_year: int | None = None) -> list[Deadline]:
    """Every deadline expression of a cell; an empty cell gives none; never raises."""
    out: list[Deadline] = []
    for clause in split_expressions(text or ""):
        found = _scan(clause, plan_year)
        out.extend(found or [Deadline("unparsed", None, None, None, clause, clause)])
    return out


def _scan(clause: str, plan_year: int | None) -> list[Deadline]:
    folded = fold_chars(clause)
    starts: list[int] = []  # the spans taken so far, disjoint, sorted: starts[i] < ends[i] <= starts[i + 1]
    ends: list[int] = []
    found: list[tuple[int, Deadline]] = []
    spans: dict[int, tuple[int, int]] = {}  # id of a Deadline -> its phrase's span in the clause
    for kind, rx in _RULES:
        for m in rx.finditer(folded):
            a, b = m.span()
            i = bisect.bisect_right(starts, a)  # spans before i start at or before a
            if b <= a or (i and ends[i - 1] > a) or (i < len(starts) and starts[i] < b):
                continue
            d = _build(kind, m, clause, plan_year)
            if d is None:
                continue
            starts.insert(i, a)
            ends.insert(i, b)
            raw = clause[a:b]
            ps = a + len(raw) - len(raw.lstrip())
            spans[id(d)] = (ps, ps + len(d.phrase))
            found.append((a, d))
    found.sort(key=lambda t: t[0])
    found = _merge_recurring(_drop_vacuous(found), spans)
    label = _label(clause, found) if found else None
    for _, d in found:
        d.label = label
    return [d for _, d in found]


def _drop_vacuous(found: list[tuple[int, Deadline]]) -> list[tuple[int, Deadline]]:
    if all(d.kind == "on_event" for _, d in found):
        return found
    return [(a, d) for a, d in found if not (d.kind == "on_event" and _VACUOUS.match(fold_chars(d.event or "")))]


def _merge_recurring(
    found: list[tuple[int, Deadline]], spans: dict[int, tuple[int, int]]
) -> list[tuple[int, Deadline]]:
    """One clause states one recurrence: "định kỳ hàng quý" and "trước ngày 15 …" complete each other.

    The first recurrence takes the others' recurrences ("; "-joined, a repeat of the whole dropped) and
    its phrase runs to the end of the last one's (``spans``: each phrase's span in the clause, by id).
    Built once at the end, so many recurrences in one clause cost their number, not its square.
    """
    out: list[tuple[int, Deadline]] = []
    first: Deadline | None = None
    parts: list[str] = []
    end = 0
    for a, d in found:
        if d.kind == "recurring" and first is not None:
            new = d.recurrence if d.recurrence and d.recurrence != "periodic" else None
            if new is not None and parts != [new]:
                parts.append(new)
            end = spans[id(d)][1]
            continue
        if d.kind == "recurring":
            first = d
            parts = [d.recurrence] if d.recurrence and d.recurrence != "periodic" else []
            end = -1
        out.append((a, d))
    if first is not None and end >= 0:
        first.recurrence = "; ".join(parts) or "periodic"
        first.phrase = first.text[spans[id(first)][0] : end] or first.phrase
    return out


_LABEL_TAIL = re.compile(r"(?<!\s)\s++(?:trong|trước|vào|gửi|hoàn thành|thực hiện|chậm nhất)$", re.IGNORECASE)


def _label(clause: str, found: list[tuple[int, Deadline]]) -> str | None:
    """What is due: the words before the first time phrase ("Ban hành kế hoạch")."""
    first = found[0][0]
    head = clause[:first].strip(" :,-(").strip()
    head = _LABEL_TAIL.sub("", head)
    return head or None


def _build(kind: str, m: re.Match[str], clause: str, plan_year: int | None) -> Deadline | None:
    phrase = clause[m.start() : m.end()].strip()
    g = m.groups()
    make = _BUILDERS[kind]
    return make(g, m, clause, phrase, plan_year)


def _b_relative(g, m, clause, phrase, plan_year):
    event = clause[m.start("event") : m.end("event")].strip(" .)")
    unit = {"ngay": "days", "tuan": "weeks", "thang": "months"}[g[1]]
    return Deadline("relative", None, None, None, clause, phrase, event=f"+{g[0]} {unit} after: {event}")


def _b_due(g, m, clause, phrase, plan_year):
    day, month = int(g[0]), int(g[1])
    year = int(g[2]) if g[2] else plan_year
    if not (1 <= month <= 12):
        return None
    d = _safe_date(year, month, day)
    if d is None and year is not None:
        return None
    return Deadline("due", None, d, None, clause, phrase)


def _b_due_day(g, m, clause, phrase, plan_year):
    return Deadline("recurring", None, None, f"day {int(g[0])} of the reporting period's last month", clause, phrase)


def _b_quarter(g, m, clause, phrase, plan_year):
    q1 = _quarter(g[0])
    q2 = _quarter(g[1]) if g[1] else q1
    year = int(g[2]) if g[2] else plan_year
    if q2 < q1:
        return None
    start = _safe_date(year, 3 * q1 - 2, 1)
    end = _month_end(year, 3 * q2) if year else None
    return Deadline("quarter", start, end, None, clause, phrase)


def _b_month(g, m, clause, phrase, plan_year):
    m1 = int(g[0])
    m2 = int(g[1]) if g[1] else m1
    year = int(g[2])
    if not (1 <= m1 <= m2 <= 12):
        return None
    return Deadline("month", date(year, m1, 1), _month_end(year, m2), None, clause, phrase)


def _b_period(g, m, clause, phrase, plan_year):
    y1, y2 = int(g[0]), int(g[1])
    if y2 < y1:
        return None
    kind = "period" if y2 > y1 else "year"
    return Deadline(kind, date(y1, 1, 1), date(y2, 12, 31), None, clause, phrase)


def _b_year(g, m, clause, phrase, plan_year):
    year = int(g[0]) if g[0] else plan_year
    start = date(year, 1, 1) if year else None
    end = date(year, 12, 31) if year else None
    return Deadline("year", start, end, None, clause, phrase)


def _b_continuous(g, m, clause, phrase, plan_year):
    recurrence = "daily" if "ngay" in fold_chars(phrase) else None
    return Deadline("continuous", None, None, recurrence, clause, phrase)


def _b_recurring(g, m, clause, phrase, plan_year):
    folded = fold_chars(phrase)
    if g[0]:
        recurrence = f"{int(g[0])}/" + {"nam": "year", "quy": "quarter", "thang": "month"}[g[1]]
    else:
        words = re.findall(r"6 thang|quy(?! dinh)|thang|nam|tuan", re.sub(r"^bao cao", "", folded))
        recurrence = ",".join(dict.fromkeys(_RECUR_WORDS[w] for w in words)) or "periodic"
    return Deadline("recurring", None, None, recurrence, clause, phrase)


def _b_on_event(g, m, clause, phrase, plan_year):
    name = next(n for n in ("event", "event2", "event3") if m.group(n) is not None)
    event = clause[m.start(name) : m.end(name)].strip(" .)")
    return Deadline("on_event", None, None, None, clause, phrase, event=event)


_BUILDERS = {
    "relative": _b_relative,
    "due": _b_due,
    "due_day": _b_due_day,
    "quarter": _b_quarter,
    "month": _b_month,
    "period": _b_period,
    "year": _b_year,
    "continuous": _b_continuous,
    "recurring": _b_recurring,
    "on_event": _b_on_event,
}
