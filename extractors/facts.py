"""Document facts from the text outside the task table: province, agency, year, title…

Vietnamese administrative documents follow Nghị định 30/2020/NĐ-CP: a letterhead
(issuing body's parent on the first line, issuing body on the second, left; the
national motto right), "Số: …" and place/date, the document type in capitals, its
title centred below it, and a signature block (title in capitals, then the name)
beside "Nơi nhận". Every rule degrades gracefully when a part is missing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from importlib import resources

from extractors.model import DocumentFacts, RawDocument, TextLine
from normalizers.text import fold, nfc

_DOC_TYPES = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH", "BÁO CÁO", "ĐỀ ÁN", "KẾ HOẠCH HÀNH ĐỘNG")
_PARENT = re.compile(r"^(ubnd|uy ban nhan dan)\s+(tinh|thanh pho)\s+(?P<name>.+)$")
_NUMBER = re.compile(r"^Số\s*:?\s*(?P<number>[\w\s./-]*/[\wĐđ\s./-]+?)\s*$")
_PLACE_DATE = re.compile(r"(?P<place>[^\s,][^,]*?),\s*ngày\b.*?\bnăm\s*(?P<year>\d{4})")
_BODY_PROVINCE = re.compile(r"\b(?:tỉnh|Tỉnh)\s+((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][^\s,.;:()/]*)(?:\s+[A-ZĐ][^\s,.;:()/]*){0,2})")
_YEAR = re.compile(r"\bnăm\s+(\d{4})\b")
_MOTTO = ("cong hoa xa hoi", "doc lap - tu do", "doc lap")


@cache
def known_agencies() -> list[str]:
    """Names of provincial departments and bodies, as they are written in running text."""
    data = resources.files("extractors").joinpath("data/agencies.json").read_text(encoding="utf-8")
    return json.loads(data)["agencies"]


def title_case(text: str) -> str:
    """``BẮC KẠN`` -> ``Bắc Kạn`` (place names are capitalised word by word)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(text).split())


def _centered(line: TextLine, width: float, tolerance: float = 25.0) -> bool:
    mid = (line.bbox[0] + line.bbox[2]) / 2
    return abs(mid - _text_center(width)) < tolerance


def _text_center(width: float) -> float:
    return width / 2 + 8  # Vietnamese official layout: 30 mm left margin, 15-20 mm right


def _front_lines(doc: RawDocument) -> list[TextLine]:
    return doc.pages[0].lines if doc.pages else []


def _letterhead(lines: list[TextLine], width: float) -> list[TextLine]:
    """Left-hand letterhead lines: above the document-type heading, left of the motto."""
    out = []
    for line in lines:
        if nfc(line.text).strip().upper() in _DOC_TYPES:
            break
        if (line.bbox[0] + line.bbox[2]) / 2 < width / 2 and not any(m in fold(line.text) for m in _MOTTO):
            out.append(line)
    return out


def _agency_in(text: str) -> str | None:
    key = fold(text)
    for name in known_agencies():
        if fold(name) in key:
            return name
    return None


def find_facts(doc: RawDocument) -> DocumentFacts:
    facts = DocumentFacts()
    lines = _front_lines(doc)
    if not lines:
        return facts
    width = doc.pages[0].width
    head = _letterhead(lines, width)
    body_text = " ".join(ln.text for p in doc.pages[:3] for ln in p.lines)

    for line in head:
        m = _PARENT.match(fold(line.text))
        if m and facts.province is None:
            words = nfc(line.text).split()
            facts.province = title_case(" ".join(words[-len(m.group("name").split()) :]))
        elif facts.agency is None and not _NUMBER.match(line.text) and not _PLACE_DATE.search(line.text):
            facts.agency = _agency_in(line.text) or _sentence_from_body(line.text, body_text)
    if facts.province is None:
        found = Counter(m.group(1) for m in _BODY_PROVINCE.finditer(body_text))
        facts.province = found.most_common(1)[0][0] if found else None
    if facts.agency is None:
        facts.agency = _agency_in(body_text[:2000]) or _agency_in(doc.metadata.get("Author", ""))

    for line in lines:
        if (m := _NUMBER.match(nfc(line.text))) and facts.number is None:
            facts.number = re.sub(r"\s+", "", m.group("number"))
        if (m := _PLACE_DATE.search(nfc(line.text))) and facts.place_date is None:
            facts.place_date = m.group(0)
    facts.doc_type, facts.title = _type_and_title(lines, width)
    year = _YEAR.search(facts.title or "") or _YEAR.search(facts.place_date or "")
    facts.plan_year = int(year.group(1)) if year else None
    facts.signer_title, facts.signer = _signature(doc)
    return facts


def _sentence_from_body(upper: str, body: str) -> str:
    """The mixed-case spelling of a capitalised letterhead line, as the body writes it."""
    key = fold(upper)
    words = body.split()
    n = len(upper.split())
    for i in range(len(words) - n + 1):
        candidate = " ".join(words[i : i + n])
        if fold(candidate) == key:
            return candidate
    return upper[:1] + upper[1:].lower()


def _type_and_title(lines: list[TextLine], width: float) -> tuple[str | None, str | None]:
    for i, line in enumerate(lines):
        text = nfc(line.text).strip()
        if text.upper() == text and text in _DOC_TYPES:
            title = []
            widest = max(ln.bbox[2] - ln.bbox[0] for ln in lines)
            for nxt in lines[i + 1 : i + 5]:
                narrow = nxt.bbox[2] - nxt.bbox[0] < 0.85 * widest
                if not (_centered(nxt, width) and (nxt.bold or narrow)) or nxt.text.isupper():
                    break
                title.append(nxt.text.strip())
            return text[:1] + text[1:].lower(), " ".join(title) or None
    return None, None


def _signature(doc: RawDocument) -> tuple[str | None, str | None]:
    """Signer title (capitals, may be two lines) and name, right of "Nơi nhận"."""
    for page in doc.pages:
        lines = page.lines
        start = next((i for i, ln in enumerate(lines) if fold(ln.text).startswith("noi nhan")), None)
        if start is None:
            continue
        top = lines[start].bbox[1] - 40  # the title may sit a little higher when the block is bottom-aligned
        right = [ln for ln in lines if ln.bbox[0] > page.width * 0.45 and ln.bbox[1] >= top]
        titles = [ln.text.strip() for ln in right if ln.text.strip().isupper()]
        names = [ln.text.strip() for ln in right if not ln.text.strip().isupper()]
        return ("\n".join(titles) or None), (names[-1] if names else None)
    return None, None
