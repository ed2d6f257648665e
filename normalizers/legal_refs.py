"""Citations of legal and administrative documents, by the number grammars of Nghị định 30/2020/NĐ-CP.

- normative: ``N/YYYY/TYPE-ISSUER`` ("107/2020/NĐ-CP", "34/2007/PL-UBTVQH11");
- administrative: ``N/TYPE-ISSUER`` ("866/KH-UBND", "1180/STTTT-CNTT");
- Party: ``N-TYPE/ISSUER`` ("03-NQ/TU", "27-NQ/TW");
- laws cited by name ("Luật Ngân sách nhà nước"), number null.

Tolerates "số130/…", "NÐ–CP" (look-alike Ð, en dash), spaces inside the number and
"Nghị định 130/2005" without "số". The stored number is as printed, inner spaces removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from normalizers.text import nfc

DOC_TYPES = (
    "Thông tư liên tịch",
    "Nghị định",
    "Nghị quyết",
    "Quyết định",
    "Thông tư",
    "Chỉ thị",
    "Kế hoạch",
    "Pháp lệnh",
    "Công văn",
    "Văn bản",
    "Hướng dẫn",
    "Kết luận",
    "Chương trình",
    "Thông báo",
    "Đề án",
    "Báo cáo",
    "Tờ trình",
    "Luật",
)
#: document-type abbreviation in a number -> type, for citations printed without the type word
TYPE_OF_CODE = {
    "NĐ": "Nghị định",
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị",
    "KH": "Kế hoạch",
    "PL": "Pháp lệnh",
    "HD": "Hướng dẫn",
    "KL": "Kết luận",
    "TB": "Thông báo",
    "CTr": "Chương trình",
    "ĐA": "Đề án",
    "BC": "Báo cáo",
    "TTr": "Tờ trình",
}
ISSUERS = {
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "TU": "Tỉnh ủy",
    "TW": "Trung ương",
    "BCT": "Ban Chấp hành",
    "BTC": "Bộ Tài chính",
    "BNV": "Bộ Nội vụ",
    "BTP": "Bộ Tư pháp",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "VPCP": "Văn phòng Chính phủ",
    "STTTT": "Sở Thông tin và Truyền thông",
    "SNV": "Sở Nội vụ",
    "STC": "Sở Tài chính",
    "STP": "Sở Tư pháp",
}

_L = r"[A-ZĐÐa-zđ]"  # letters of a code ("TTg", "CTr" have lower case)
_UP = r"[A-ZĐÐ]"
_DASH = r"\s*[-–‐]\s*"
_SLASH = r"\s*/\s*"
_CODE = rf"{_UP}{_L}*(?:{_DASH}{_UP}[A-ZĐÐa-z0-9]*)+"
_NUMBER = re.compile(
    rf"(?<![\d/])(?:"
    rf"(?P<norm>\d{{1,5}}{_SLASH}(?P<year>(?:19|20)\d\d)(?:{_SLASH}(?P<ncode>{_CODE}|{_UP}+))?)"
    rf"|(?P<party>\d{{1,5}}{_DASH}(?P<ptype>{_UP}{_L}*){_SLASH}(?P<pissuer>{_UP}[A-ZĐÐa-z0-9]*))"
    rf"|(?P<admin>\d{{1,5}}{_SLASH}(?P<acode>{_CODE}))"
    rf")(?![\w])"
)
_TYPE_BEFORE = re.compile("(?P<type>" + "|".join(DOC_TYPES) + r")\s*(?:(?:số|Số)\s*(?:hiệu\s*)?:?\s*)?$", re.IGNORECASE)
_DATE_AFTER = re.compile(
    r"^\s*,?\s*(?:ban hành\s*)?ngày\s*(\d{1,2})\s*(?:/|-|\.|\s*tháng\s*)\s*(\d{1,2})\s*(?:/|-|\.|\s*năm\s*)\s*(\d{4})",
    re.IGNORECASE,
)
_LAW = re.compile(
    r"\bLuật\s+(?P<name>(?:[^\s,.;:()]+\s+){0,9}?[^\s,.;:()]+?)(?=\s+(?:năm|số|ngày)\b|[,.;:()]|$)(?:\s+năm\s+(?P<year>\d{4}))?"
)


@dataclass
class LegalRef:
    doc_type: str | None
    number: str | None
    code: str | None
    issuer: str | None
    year: int | None
    issued_date: date | None
    raw: str
    start: int


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("Ð", "Đ").replace("–", "-").replace("‐", "-")


def _issuer(code: str | None) -> str | None:
    if not code:
        return None
    parts = re.split(r"[-/]", code)
    # "1180/STTTT-CNTT" (official letter): the issuer comes first, the drafting unit after it
    last = parts[-1] if parts[0] in TYPE_OF_CODE or len(parts) == 1 else parts[0]
    base = re.sub(r"\d+$", "", last)  # "UBTVQH11" -> "UBTVQH"
    return ISSUERS.get(base, last)


def _date_after(text: str, end: int) -> tuple[date | None, int]:
    m = _DATE_AFTER.match(text[end : end + 40])
    if not m:
        return None, end
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day), end + m.end()
    except ValueError:
        return None, end


def find_legal_refs(text: str) -> list[LegalRef]:
    """Every citation in ``text``, in order; total on any input."""
    text = nfc(text or "")
    refs: list[LegalRef] = []
    for m in _NUMBER.finditer(text):
        number = _squash(m.group(0))
        if m.group("norm"):
            code = _squash(m.group("ncode")) if m.group("ncode") else None
            year = int(m.group("year"))
        elif m.group("party"):
            code = f"{_squash(m.group('ptype'))}/{_squash(m.group('pissuer'))}"
            year = None
        else:
            code, year = _squash(m.group("acode")), None
        before = _TYPE_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        if m.group("norm") and not m.group("ncode") and not before:
            continue  # "01/2023" is a month; "Nghị định 130/2005" needs its type word
        doc_type = _canonical_type(before.group("type")) if before else _type_from_code(code)
        issued, end = _date_after(text, m.end())
        start = m.start() - (len(before.group(0)) if before else 0)
        refs.append(
            LegalRef(
                doc_type=doc_type,
                number=number,
                code=code,
                issuer=_issuer(code),
                year=year or (issued.year if issued else None),
                issued_date=issued,
                raw=re.sub(r"\s+", " ", text[start:end]).strip(),
                start=start,
            )
        )
    refs.extend(_laws(text, refs))
    return sorted(refs, key=lambda r: r.start)


def _canonical_type(word: str) -> str:
    for t in DOC_TYPES:
        if t.casefold() == word.casefold():
            return t
    return word


def _type_from_code(code: str | None) -> str | None:
    if not code:
        return None
    head = re.split(r"[-/]", code)[0]
    return TYPE_OF_CODE.get(head)


def _laws(text: str, numbered: list[LegalRef]) -> list[LegalRef]:
    spans = sorted((r.start, r.start + len(r.raw)) for r in numbered)
    out = []
    i, reach = 0, -1  # reach: the furthest end of the spans starting at or before the match
    for m in _LAW.finditer(text):  # in order, so one pass over the sorted spans
        while i < len(spans) and spans[i][0] <= m.start():
            reach = max(reach, spans[i][1])
            i += 1
        if m.start() < reach:  # inside a numbered reference
            continue
        year = int(m.group("year")) if m.group("year") else None
        out.append(LegalRef("Luật", None, None, "Quốc hội", year, None, m.group(0).strip(), m.start()))
    return out
