"""Document facts from the text outside the task table: issuer, province, number, date, title, signer…

Vietnamese administrative documents follow Nghị định 30/2020/NĐ-CP. The first page is read as
that layout:

- the **letterhead**, top left: the issuing body's parent on the first line(s) ("UBND TỈNH SƠN
  LA"), the issuing body below ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"); a body without a parent prints
  its own name over two lines ("ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NGÃI"). The national motto sits
  top right. A letterhead drawn as a table (its cells) is read the same way;
- "Số: 142/QĐ-UBND" under the issuer and "Quảng Ngãi, ngày 15 tháng 11 năm 2024" under the
  motto: e-government software stamps the number and day as annotations, so the annotation
  lines of the page (:mod:`extractors.sources.annotations`) replace the page lines they cover;
- the document type in capitals ("QUYẾT ĐỊNH"), its trích yếu centred below it ("V/v …",
  "Về việc …", or the title itself); a letter (công văn) has its "V/v …" under the number;
- an appendix without a letterhead names its parent: "(Ban hành kèm theo Quyết định số …
  ngày … của UBND tỉnh)";
- the signature block beside "Nơi nhận": the signer's title in capitals ("KT. CHỦ TỊCH" /
  "PHÓ CHỦ TỊCH"), then the name.

``agency`` is the issuing body in normal case, as its letterhead names it: "Ủy ban nhân dân tỉnh
Quảng Ngãi" when the body's own lines carry the province, "Sở Thông tin và Truyền thông" when
only the parent line does (the province is then in ``province``, the parent in
``parent_agency`` as printed). ``province`` is the canonical spelling of the province the issuer
belongs to (:func:`normalizers.admin.canonical_province`), taken from, in order: the letterhead;
the signing certificate's organisation; the place of issue; "tỉnh X" in the body. A central body
(Bộ, Chính phủ, Thủ tướng, Quốc hội, or a number coded /BYT, /TTg, /QH…) has none. Every rule
degrades gracefully when a part is missing.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections import Counter
from datetime import date
from functools import cache
from importlib import resources

from extractors.model import DocumentFacts, PageTable, RawDocument, RawPage, TextLine
from extractors.signatures import Signature, read_signatures
from normalizers.admin import bare_province, canonical_province, province_named
from normalizers.text import fold, fold_chars, nfc

log = logging.getLogger(__name__)

#: document types as printed in capitals (longest first: "KẾ HOẠCH HÀNH ĐỘNG" before "KẾ HOẠCH")
_DOC_TYPES = tuple(
    sorted(
        (
            "KẾ HOẠCH",
            "KẾ HOẠCH HÀNH ĐỘNG",
            "CHƯƠNG TRÌNH",
            "CHƯƠNG TRÌNH HÀNH ĐỘNG",
            "QUYẾT ĐỊNH",
            "BÁO CÁO",
            "ĐỀ ÁN",
            "THÔNG BÁO",
            "NGHỊ QUYẾT",
            "NGHỊ ĐỊNH",
            "CHỈ THỊ",
            "THÔNG TƯ",
            "TỜ TRÌNH",
            "HƯỚNG DẪN",
            "PHƯƠNG ÁN",
            "QUY CHẾ",
            "QUY ĐỊNH",
            "DANH MỤC",
            "PHỤ LỤC",
            "LUẬT",
            "CÔNG ĐIỆN",
            "BIÊN BẢN",
        ),
        key=len,
        reverse=True,
    )
)
_MOTTO = ("cong hoa xa hoi", "doc lap", "tu do - hanh phuc", "hanh phuc")
#: "Số:" as printed, and as OCR misreads it on scans ("Sé:", "Sô:", "só:", "Sẽ:"): an S, one vowel of any tone, a colon
SO_PREFIX = r"[Ss][oóòỏõọôốồổỗộơớờởỡợeéèẻẽẹêếềểễệöő]"
# Possessive spaces (what follows them is never a space) and a number that ends at a non-space: each
# run of spaces is read once, where ``\s*[:.]?\s*(?P<number>.*?)\s*$`` tried every split of it.
_NUMBER = re.compile(
    r"^(?:[A-ZĐ][\wĐđ]*\s++)?(?:[Ss]ố\s*+[:.;]?|" + SO_PREFIX + r"\s*+[:.;])\s*+(?P<number>(?:.*\S)?)\s*+$"
)
_NUMBER_SHAPE = re.compile(r"^[\w.]*\s*/\s*[\wĐđ&/.-]+$")
#: what OCR reads for a handwritten or stamped digit in a date's day and month ("ngày3| tháng I2")
_OCR_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "]": "1", "O": "0", "o": "0", "Ô": "0", "Ö": "0"})
_DATE_CORE = (
    r"ngày\s*+(?P<junk>[^\d\sIl|\]]{1,2})?\s*+(?P<d>[\dIl|\]]{1,2})?\s*+[^\d\s]{0,3}\s*+th[aáàảạoóòơ]ng\s*+"
    r"(?P<m>[\dIl|\]]{1,2})?\s*+[^\d\s]{0,2}\s*+năm\s*+(?P<y>\d{4})"
)
# "Hà Nội, ngày 24 tháng 6 năm 2025". Spaces are possessive (no later part needs them) and the place's
# trailing spaces start after a non-space, so a run of spaces is read once; see _date_search.
_DATE = re.compile(r"(?:(?P<place>[^\s,(][^,(]*?)(?<!\s)\s*+,\s*+)?" + _DATE_CORE, re.I)
_DATE_ONLY = re.compile(_DATE_CORE, re.I)
_NGAY = re.compile("ngày", re.I)
_PLACE_RUN = re.compile(r"[^,(]+")
_NON_SPACE = re.compile(r"\S")
_YEAR = re.compile(r"\bnăm\s+(\d{4})\b")
_ATTACHED = re.compile(
    r"(?:ban hành )?kèm theo\s+(?P<type>[^\d(]+?)\s+số\s*:?\s*(?P<number>[\w.]*\s*/\s*[\wĐđ&/.-]+)"
    r"(?:\s+ngày\s*(?P<rest>.*?))?(?:\s+của\s+(?P<issuer>[^)]+))?\)?\s*$",
    re.I,
)
#: the words a letterhead line starts with when it names a body of its own (not the parent's continuation)
_BODY_HEADS = (
    "so ",
    "ban ",
    "van phong",
    "phong ",
    "trung tam",
    "chi cuc",
    "cuc ",
    "vu ",
    "thanh tra",
    "uy ban",
    "ubnd",
    "hoi dong",
    "hdnd",
    "bo ",
    "tong cuc",
    "truong ",
    "benh vien",
    "cong an",
    "kho bac",
    "quoc hoi",
    "chinh phu",
    "thu tuong",
)
#: administrative units whose name continues a body's line ("ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG NGÃI")
_UNITS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "thi tran", "xa", "phuong", "tp")
_CENTRAL = ("bo ", "chinh phu", "thu tuong", "quoc hoi", "van phong chinh phu", "toa an nhan dan toi cao")
_CENTRAL_CODES = re.compile(r"/(?:[\w.-]*-)?(?:B[A-ZĐ]{1,5}|TTg|CP|QH\d*|VPCP|UBTVQH\d*)(?:$|[-/])")
_TITLE_STOP = ("can cu", "kinh gui", "thuc hien", "ngay ", "dieu ", "chuong ")
_SIGN_TITLE = re.compile(r"^(?:KT\.|TM\.|TL\.|TUQ\.|Q\.|CHỦ TỊCH|PHÓ|GIÁM ĐỐC|BỘ TRƯỞNG|THỨ TRƯỞNG|CHÁNH|TRƯỞNG)")
#: words one of which every line of a signer's title holds (folded): "KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"
_TITLE_WORDS = (
    "kt.",
    "tm.",
    "tl.",
    "tuq.",
    "q.",
    "tich",
    "pho ",
    "giam doc",
    "truong",
    "tuong",
    "chanh",
    "van phong",
    "uy ban",
    "hoi dong",
    "bo ",
    "cuc ",
    "ban ",
)
_NAME_WORD = re.compile(r"^[A-ZĐÂĂÊÔƠƯ\u00c0-\u1ef9][a-zđ\u00e0-\u1ef9]+$")


@cache
def known_agencies() -> list[str]:
    """Names of departments, bodies and ministries, as they are written in running text."""
    data = resources.files("extractors").joinpath("data/agencies.json").read_text(encoding="utf-8")
    loaded = json.loads(data)
    return [nfc(a) for a in loaded["agencies"] + loaded.get("central", [])]


def title_case(text: str) -> str:
    """``BẮC KẠN`` -> ``Bắc Kạn`` (place names are capitalised word by word)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in nfc(text).split())


def _text_center(width: float) -> float:
    return width / 2 + 8  # Vietnamese official layout: 30 mm left margin, 15-20 mm right


def _centered(line: TextLine, width: float, tolerance: float = 40.0) -> bool:
    mid = (line.bbox[0] + line.bbox[2]) / 2
    return abs(mid - _text_center(width)) < tolerance


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _decoration(text: str) -> bool:
    return not any(c.isalnum() for c in text)


def _overlaps(a: TextLine, b: TextLine) -> bool:
    top, bottom = max(a.bbox[1], b.bbox[1]), min(a.bbox[3], b.bbox[3])
    left, right = max(a.bbox[0], b.bbox[0]), min(a.bbox[2], b.bbox[2])
    height = min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1]) or 1.0
    return bottom - top > 0.5 * height and right - left > 0


def _table_lines(page: RawPage) -> list[TextLine]:
    """The lines of small tables' cells (a letterhead drawn as a table), one box slice per line."""
    out = []
    for table in page.tables:
        for cell in table.cells:
            texts = [t for t in cell.lines if t.strip()]
            if not texts:
                continue
            x0, top, x1, bottom = cell.bbox
            step = (bottom - top) / len(texts)
            for i, text in enumerate(texts):
                out.append(TextLine(text.strip(), (x0, top + i * step, x1, top + (i + 1) * step), page.number))
    return out


def front_lines(page: RawPage) -> tuple[list[TextLine], list[TextLine]]:
    """The first page's lines as printed, stamped annotations filled in, and the annotation-only lines.

    A page line that an annotation line covers (same height, overlapping columns) is replaced by
    it ("Số: /QĐ-UBND" -> "Số: 142/QĐ-UBND"); annotation lines that cover no page line (the
    signature's stamp box: "Ký bởi: …") are returned apart: they carry numbers and dates but
    are never letterhead.
    """
    lines = list(page.lines)
    head_tables = [t for t in page.tables if t.bbox[1] < page.height * 0.35]
    if head_tables:
        first_table = min(t.bbox[1] for t in head_tables)
        above = [ln for ln in lines if ln.bbox[1] < first_table]
        if not any(_doc_type_of(ln.text) for ln in above):  # the letterhead is the table
            lines += [ln for t in head_tables for ln in _table_lines(_only(page, t))]
    stamps: list[TextLine] = []
    for ann in page.annotation_lines:
        covered = [i for i, ln in enumerate(lines) if _overlaps(ln, ann)]
        if covered:
            for i in reversed(covered[1:]):
                del lines[i]
            lines[covered[0]] = ann
        else:
            stamps.append(ann)
    lines = [part for ln in lines for part in _split_motto(ln)]
    lines.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))
    return lines, stamps


#: OCR glues "SỞ Y TẾ" into "SƠY TẾ" (no Vietnamese syllable "sơy"): the department of health
_GLUED_SO_Y = re.compile(r"^S[OƠỞỜỚỠỢÓÒỎÕỌ]Y(?=\s+T[EẾỀỂỄỆÉÈẺẼẸ]\b)")
_MOTTO_START = re.compile(r"\s(?=c[o0]ng\s*ho[a]\s*x[a]\s*h[o0]i)")


def _split_motto(line: TextLine) -> list[TextLine]:
    """OCR reads the issuer's first line and the motto beside it as one line ("THỦ TƯỚNG CHÍNH PHỦ CỘNG
    HÒA XÃ HỘI …"): the two columns, each with its share of the box (by characters)."""
    text = nfc(line.text)
    m = _MOTTO_START.search(fold_chars(text))
    if not m or not text[: m.start()].strip():
        return [line]
    x0, top, x1, bottom = line.bbox
    cut = x0 + (x1 - x0) * m.start() / max(len(text), 1)
    left, right = text[: m.start()].strip(), text[m.end() :].strip()
    return [
        dataclasses.replace(line, text=left, bbox=(x0, top, cut, bottom)),
        dataclasses.replace(line, text=right, bbox=(cut + 1, top, x1, bottom)),
    ]


def _only(page: RawPage, table: PageTable) -> RawPage:
    return RawPage(page.number, page.width, page.height, [], [table])


def _doc_type_of(text: str) -> tuple[str, str] | None:
    """``("QUYẾT ĐỊNH", rest)`` when a capitals line is or starts with a document type."""
    text = nfc(text).strip()
    if not _is_upper(text):
        return None
    key = fold(text)
    for kind in _DOC_TYPES:
        kind_key = fold(kind)
        if key.replace(" ", "") == kind_key.replace(" ", ""):  # OCR: "QUYET ĐỊNH", "KEHOẠCH", "TƠ TRÌNH"
            return kind, ""
        if len(kind_key) >= 7 and _one_slip(key.replace(" ", ""), kind_key.replace(" ", "")):
            return kind, ""  # "THOÔNG BAO": one letter more, less or misread
        if key == kind_key or key.startswith(kind_key + " "):
            rest = " ".join(text.split()[len(kind.split()) :])
            if rest and kind not in ("DANH MỤC", "PHỤ LỤC", "QUY ĐỊNH"):
                continue  # "QUYẾT ĐỊNH:" / "KẾ HOẠCH CỦA…" in running capitals are not the heading
            return kind, rest
    return None


def _number_tail(raw: str, line: TextLine, head: list[TextLine]) -> str:
    """The number with its code: OCR may read "/STP-VB" as a line of its own beside "Số: 687"."""
    if "/" in raw:
        return raw
    for ln in head:
        text = nfc(ln.text).strip()
        if text.startswith("/") and ln.bbox[0] > line.bbox[0]:
            top, bottom = max(ln.bbox[1], line.bbox[1]), min(ln.bbox[3], line.bbox[3])
            if bottom - top > 0 and ln.bbox[0] - line.bbox[2] < 60:
                return raw + " " + text
    return raw


def _one_slip(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by at most one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i + 1 :] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1 :]


#: OCR confidence under which a line's digits are not taken as a document number: handwritten numbers on
#: the real scans read 9-49 (and wrong), typed ones 43-92; under this a wrong number is likelier than not
NUMBER_CONFIDENCE_MIN = 35.0


def _unsure_digits(line: TextLine) -> bool:
    return line.digits_confidence is not None and line.digits_confidence < NUMBER_CONFIDENCE_MIN


#: what OCR reads for a typed "1" that starts a number ("!57/QĐ-NĐ-UB" for 157/QĐ-NĐ-UB on a photocopy)
_LEADING_ONE = re.compile(r"^\s*[!lI|](?=\d)")


def leading_one(number: str) -> str:
    """A number field's leading "!", "l", "I" or "|" before digits is a "1": in a numeric context it is
    one of OCR's plain confusions (``"!57/QĐ-NĐ-UB"`` -> ``"157/QĐ-NĐ-UB"``); anything else is left."""
    return _LEADING_ONE.sub("1", number, count=1)


def _clean_number(raw: str) -> str | None:
    """``142 /QĐ-UBND`` -> ``142/QĐ-UBND``; None when the digits before the code are unreadable (OCR of a
    handwritten number: "M /CT-UBND", "Ö0 /BC-UBND") — a wrong number is worse than none."""
    text = re.sub(r"\s+", "", raw).strip(".,;")
    text = re.sub(r"[\'’‘`]+(?=/)", "", text)
    text = re.sub(r"\.+(?=/)", "", text)
    if "/" not in text:
        return None
    digits = text.split("/", 1)[0]
    if digits and not re.fullmatch(r"\d+", digits):
        return None
    return text


def _date_search(text: str) -> re.Match[str] | None:
    """``_DATE.search(text)``, in time linear in ``text``.

    The search would try the place at every position, each read up to the next comma. Only two kinds
    of position can start the first match: the first non-space of a run between commas and
    parentheses (a place starting later in the run would end at the same comma, so it would match
    from there too), and a "ngày" with no place (the place having failed for the run).
    """
    for run in _PLACE_RUN.finditer(text):
        first = _NON_SPACE.search(text, run.start(), run.end())
        if first is None:
            continue
        if m := _DATE.match(text, first.start()):
            return m
        for ngay in _NGAY.finditer(text, first.start() + 1, run.end()):
            if m := _DATE_ONLY.match(text, ngay.start()):
                return m
    return None


def _read_date(text: str) -> tuple[str | None, str, date | None] | None:
    """``(place, as printed, date)`` of "Hà Nội, ngày 24 tháng 6 năm 2025"; the date when complete."""
    m = _date_search(nfc(text))
    if not m:
        return None
    day, month, year = _parts(m)
    found = None
    if day and month and year:
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
    place = m.groupdict().get("place")
    return (place.strip() if place else None), m.group(0), found


def _parts(m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    """Day, month, year of a date match; a day read after OCR junk ("ngày(/3": the "0" of "09" lost) is None."""
    day = None if m.group("junk") else _slot(m.group("d"))
    return day, _slot(m.group("m")), _slot(m.group("y"))


def _slot(text: str | None) -> int | None:
    """A day, month or year as read; OCR's letters for digits read as digits; 0 (unreadable) is None."""
    if not text:
        return None
    return int(text.translate(_OCR_DIGITS)) or None


def _date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    m = _date_search(nfc(text))
    if not m:
        return None, None, None
    d, mo, y = _parts(m)
    return d, mo, y


_NEW_TONES = {
    "uỷ": "ủy",
    "uý": "úy",
    "uỳ": "ùy",
    "uỹ": "ũy",
    "uỵ": "ụy",
    "oá": "óa",
    "oà": "òa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oé": "óe",
    "oè": "òe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
}
_OLD_TONE = re.compile(r"(?i)(?:" + "|".join(_NEW_TONES) + r")(?![\w])")


def new_tones(text: str) -> str:
    """Tone marks placed as the official names write them: ``Uỷ ban``, ``Thanh Hoá`` -> ``Ủy ban``, ``Thanh Hóa``."""

    def one(m: re.Match[str]) -> str:
        pair = m.group(0)
        new = _NEW_TONES[pair.lower()]
        return new.upper() if pair.isupper() else (new[0].upper() + new[1] if pair[0].isupper() else new)

    return _OLD_TONE.sub(one, nfc(text))


def _normal_case(upper: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI`` -> ``Ủy ban nhân dân tỉnh Quảng Ngãi`` (names keep capitals)."""
    text = " ".join(nfc(upper).split())
    for name in known_agencies():  # "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" -> its running-text spelling
        key = fold(name)
        if fold(text) == key:
            return name
        if fold(text).startswith(key + " "):
            unit = nfc(name.split()[-1]).lower() in ("tỉnh", "huyện", "quận", "xã", "phường")
            return new_tones(name + " " + _normal_case_rest(text.split()[len(name.split()) :], unit))
    words = text.split()
    for n in (4, 3, 2):  # "ỦY BAN NHÀN DÁN", "UY BAN NHANDAN" (OCR): the body's name as it is spelt
        head = fold("".join(words[:n]))
        for canon in ("Ủy ban nhân dân", "Hội đồng nhân dân"):
            if head == fold(canon).replace(" ", "") or (n == 4 and _one_slip(head, fold(canon).replace(" ", ""))):
                return new_tones(canon + " " + _normal_case_rest(words[n:])).strip()
    if fold(words[0]) == "ubnd":
        words[:1] = ["Ủy", "ban", "nhân", "dân"]
    if fold(words[0]) == "hdnd":
        words[:1] = ["Hội", "đồng", "nhân", "dân"]
    return new_tones((words[0][:1].upper() + words[0][1:].lower() + " " + _normal_case_rest(words[1:])).strip())


def _normal_case_rest(words: list[str], proper: bool = False) -> str:
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        f = fold(w)
        two = fold(" ".join(words[i : i + 2]))
        units = {"thanh pho": "thành phố", "thi xa": "thị xã", "thi tran": "thị trấn"}
        if two in units and not proper:  # spelt as it is, also where OCR lost a mark ("THÀNH PHỎ")
            out.append(units[two])
            proper = True
            i += 2
            continue
        single = {"tinh": "tỉnh", "huyen": "huyện", "quan": "quận", "xa": "xã", "phuong": "phường"}
        if f in single and not proper:
            out.append(single[f])
            proper = True
        elif proper:
            out.append(w[:1].upper() + w[1:].lower())
        else:
            out.append(w.lower())
        i += 1
    return " ".join(out)


def _split_issuer(lines: list[str]) -> tuple[str | None, str | None]:
    """``(parent as printed, issuing body as printed)`` from the letterhead's left lines."""
    if not lines:
        return None, None
    groups: list[list[str]] = []
    for text in lines:
        f = fold(text)
        continues = groups and (
            any(f == u or f.startswith(u + " ") for u in _UNITS)
            or not any(f.startswith(h) for h in _BODY_HEADS)
            and not groups[-1][-1].rstrip().endswith(tuple("0123456789"))
        )
        if continues:
            groups[-1].append(text)
        else:
            groups.append([text])
    joined = [" ".join(g) for g in groups]
    if len(joined) == 1:
        return None, joined[0]
    return " ".join(joined[:-1]), joined[-1]


def find_facts(doc: RawDocument, signatures: list[Signature] | None = None) -> DocumentFacts:
    """The document's facts from its first page, its signature block and (when given) its e-signatures."""
    facts = DocumentFacts()
    if signatures is None:
        signatures = read_signatures(doc.path)
    facts.signatures = signatures
    facts.signed_at = min((s.signed_at for s in signatures if s.signed_at), default=None)
    if not doc.pages:
        return facts
    page = doc.pages[0]
    lines, stamps = front_lines(page)
    width = page.width
    body_text = " ".join(ln.text for p in doc.pages[:3] for ln in p.lines)

    type_at = next((i for i, ln in enumerate(lines) if _doc_type_of(ln.text)), None)
    head_end = lines[type_at].bbox[1] if type_at is not None else page.height * 0.3
    head = [ln for ln in lines if ln.bbox[1] < head_end - 1]
    motto = [ln for ln in head if any(m in fold(ln.text) for m in _MOTTO)]
    right_edge = min((ln.bbox[0] for ln in motto), default=width / 2)

    number_at = next((ln for ln in head if _NUMBER.match(nfc(ln.text).strip()) and ln.bbox[0] < right_edge), None)
    issuer: list[str] = []
    for ln in head:
        text = nfc(ln.text).strip()
        if number_at is not None and ln.bbox[1] >= number_at.bbox[1] - 1:
            continue  # the letterhead is above "Số:": a received stamp ("ĐẾN", "Cổng thông tin…") sits below
        if ln in motto or _decoration(text) or ln.bbox[0] >= right_edge - 5:
            continue
        if _NUMBER.match(text) or _read_date(text) or fold(text).lstrip("-. ").startswith(("v/v", "ve viec")):
            continue
        if (ln.bbox[0] + ln.bbox[2]) / 2 > width * 0.5 or not _is_upper(text):
            continue
        issuer.append(_GLUED_SO_Y.sub("SỞ Y", text))
    facts.issuer_lines = issuer
    parent, own = _split_issuer(issuer)
    facts.parent_agency = parent
    if own:
        facts.agency = _normal_case(own)

    for ln in head + stamps:
        m = _NUMBER.match(nfc(ln.text).strip())
        if m and facts.number is None:
            raw = leading_one(_number_tail(m.group("number"), ln, head))
            if _NUMBER_SHAPE.match(raw) and not _unsure_digits(ln):
                facts.number = _clean_number(raw)
    for ln in head + stamps:
        got = _read_date(ln.text)
        if got and facts.place_date is None and not fold(ln.text).startswith(("(", "thoi gian")):
            facts.place, facts.place_date, facts.date = got
    _attached(facts, lines)
    _stamp_day(facts, stamps)

    facts.doc_type, facts.title = _type_and_title(lines, type_at, width)
    if facts.title is None:
        facts.title = _letter_subject(head)
        if facts.title and facts.doc_type is None:
            facts.doc_type = "Công văn"
    _province(facts, body_text)
    raw_tail = fold(facts.province_raw or "")
    if facts.agency and facts.province and raw_tail and fold(facts.agency).endswith(" " + raw_tail):
        # the province's canonical spelling where OCR misread it ("tỉnh Quang Ngài" -> "tỉnh Quảng Ngãi")
        facts.agency = facts.agency[: len(facts.agency) - len(facts.province_raw or "")] + facts.province
    if facts.agency is None:
        facts.agency = _agency_in(body_text[:2000]) or _agency_in(doc.metadata.get("Author", ""))
    year = _YEAR.search(facts.title or "") or _YEAR.search(facts.place_date or "")
    facts.plan_year = int(year.group(1)) if year else (facts.date.year if facts.date else None)
    _cited_later(facts, page.lines)
    facts.signer_title, facts.signer = _signature(doc)
    mine = [
        s.signed_at for s in signatures if s.signed_at and facts.signer and fold(s.signer or "") == fold(facts.signer)
    ]
    if mine:
        facts.signed_at = mine[0]
    if facts.agency and facts.province and facts.agency.lower().endswith((" tỉnh", " thành phố")):
        facts.agency += " " + facts.province  # "của UBND tỉnh" in an appendix whose province is known
    if facts.agency is None and facts.number:
        facts.agency = _agency_of_code(facts.number)
    return facts


#: the date a legal basis was issued: "ngày 24/7/1993", "ngày 24 /7/ 1993", "ngày 18 tháng 02 năm 2025"
_CITED_YEAR = re.compile(r"ngày\s*\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*((?:19|20)\d{2})\b", re.I)


def _cited_later(facts: DocumentFacts, lines: list[TextLine]) -> None:
    """A document is never dated before the texts it is based on ("Căn cứ Luật … ngày 24/7/1993"): a
    date whose year is earlier than a year its legal bases cite was misread (a degraded "1999" read
    "1990"), so it is dropped rather than kept wrong, with the plan year taken from it."""
    if facts.date is None:
        return
    cited = [
        int(m.group(1))
        for ln in lines
        if fold(ln.text).lstrip("-+. ").startswith("can cu")
        for m in _CITED_YEAR.finditer(nfc(ln.text))
    ]
    if cited and max(cited) > facts.date.year:
        log.info("date %s is before the year %d its legal bases cite: misread, dropped", facts.date, max(cited))
        if facts.plan_year == facts.date.year:
            facts.plan_year = None
        facts.date = None


def _agency_of_code(number: str) -> str | None:
    """``1043/BTP-…`` -> ``Bộ Tư pháp``: the issuer's code in a central body's number (Nghị định 30/2020)."""
    data = json.loads(resources.files("extractors").joinpath("data/agencies.json").read_text(encoding="utf-8"))
    codes: dict[str, str] = data.get("codes", {})
    for part in re.split(r"[/-]", number)[1:]:
        if part in codes:
            return nfc(codes[part])
    return None


def _attached(facts: DocumentFacts, lines: list[TextLine]) -> None:
    """An appendix: "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày … của UBND tỉnh)"."""
    text = " ".join(ln.text for ln in lines[:12] if ln.text.strip())
    start = text.find("(")
    while start != -1:
        end = text.find(")", start)
        m = _ATTACHED.search(text[start + 1 : end if end != -1 else None])
        if not m:
            # every later "(" before the same ")" (or unclosed) gives a suffix of this text, where the
            # search fails too: go on after the ")", so each character is searched once
            start = text.find("(", end) if end != -1 else -1
            continue
        if facts.number is None:
            facts.number = _clean_number(m.group("number"))
        if facts.date is None and m.group("rest"):
            d, mo, y = _numbers_of(m.group("rest"))
            if d and mo and y:
                facts.date = _safe_date(y, mo, d)
            elif facts.place_date is None:
                facts.place_date = "ngày " + m.group("rest").strip()
        issuer = (m.group("issuer") or "").strip()
        if facts.agency is None and issuer:
            facts.agency = _normal_case(issuer)
        return


def _numbers_of(text: str) -> tuple[int | None, int | None, int | None]:
    m = re.match(r"\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", text)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return _date_parts("ngày " + text)


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_STAMP_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T|(\d{2})[./](\d{2})[./](\d{4})\s+\d{1,2}:\d{2}")


def _stamp_day(facts: DocumentFacts, stamps: list[TextLine]) -> None:
    """A date printed without its day ("ngày  tháng 5 năm 2026") takes the signing day of that month."""
    if facts.date is not None:
        return
    d, month, year = _date_parts(facts.place_date or "")
    candidates: list[date] = []
    for ln in stamps:
        m = _STAMP_TIME.search(ln.text)
        if m and m.group(1):
            candidates.append(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        elif m:
            candidates.append(date(int(m.group(6)), int(m.group(5)), int(m.group(4))))
    if facts.signed_at is not None:
        candidates.append(facts.signed_at.date())
    blank_day = re.search(r"ngày\s*th", facts.place_date or "") is not None
    if month and year and d is None and blank_day:
        # only a day left blank: a handwritten day OCR could not read is not the signing day (often the next)
        for c in candidates:
            if (c.year, c.month) == (year, month):
                facts.date = c
                return


def _letter_subject(head: list[TextLine]) -> str | None:
    """A letter's trích yếu under its number: "V/v …" (possibly over two lines)."""
    for i, ln in enumerate(head):
        if fold(ln.text).lstrip("-. ").startswith(("v/v", "ve viec")):
            parts = [nfc(ln.text).strip().lstrip("—–-. ")]
            for nxt in head[i + 1 : i + 3]:
                if abs(nxt.bbox[0] - ln.bbox[0]) < 40 and nxt.bbox[1] - ln.bbox[3] < 20 and not _NUMBER.match(nxt.text):
                    parts.append(nxt.text.strip())
            return nfc(" ".join(parts))
    return None


def _province(facts: DocumentFacts, body_text: str) -> None:
    """Province from the issuer, else the certificate, else the place, else the body (never for central bodies)."""
    for text in facts.issuer_lines:
        found = province_named(text)
        if found:
            facts.province, facts.province_raw = found
            return
    joined = " ".join(facts.issuer_lines)
    if (found := province_named(joined)) is not None:
        facts.province, facts.province_raw = found
        return
    key = fold(joined)
    if key.startswith(_CENTRAL) or (facts.number and _CENTRAL_CODES.search(facts.number)):
        return
    for sig in facts.signatures:
        for named in (sig.organisation, sig.signer):
            if (found := bare_province(named)) is not None:
                facts.province, facts.province_raw = found
                return
    if facts.place and (name := canonical_province(facts.place)):
        facts.province, facts.province_raw = name, facts.place
        return
    counts: Counter[tuple[str, str]] = Counter()
    for m in re.finditer(r"\b(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố)\s", body_text):
        found = province_named(body_text[m.start() : m.start() + 60])
        if found:
            counts[found] += 1
    if counts:
        facts.province, facts.province_raw = counts.most_common(1)[0][0]


def _agency_in(text: str) -> str | None:
    key = fold(text)
    for name in known_agencies():
        if fold(name) in key:
            return name
    return None


def _type_and_title(lines: list[TextLine], at: int | None, width: float) -> tuple[str | None, str | None]:
    if at is None:
        return None, None
    kind, rest = _doc_type_of(lines[at].text) or ("", "")
    title = [rest] if rest else []
    prev = lines[at]
    spacing: float | None = None
    bold: bool | None = None
    for nxt in lines[at + 1 : at + 8]:
        text = nfc(nxt.text).strip()
        gap = nxt.bbox[1] - prev.bbox[1]
        f = fold(text)
        if _decoration(text) or text.startswith("(") or (f.startswith(_TITLE_STOP) and not nxt.bold):
            break
        if not _centered(nxt, width) or (spacing is not None and gap > spacing * 1.35 + 1):
            break
        if bold is not None and nxt.bold != bold:
            break
        if _is_upper(text) and title and not _is_upper(title[-1]):
            break  # the issuer's name repeated above the preamble ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI")
        if (
            _is_upper(text)
            and not title
            and any(f.startswith(h) for h in ("uy ban", "hoi dong", "chu tich", "bo truong"))
        ):
            break
        if title and spacing is None:
            spacing = gap
        if not title:
            spacing = None
        bold = nxt.bold
        title.append(text)
        prev = nxt
    return kind[:1] + kind[1:].lower(), nfc(" ".join(title)) or None


#: signers' titles as printed (Nghị định 30/2020, Phụ lục I): a title line a seal garbled is read as the
#: nearest of these
_KNOWN_TITLES = tuple(
    pre + t
    for t in (
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "BỘ TRƯỞNG",
        "THỨ TRƯỞNG",
        "THỦ TƯỚNG",
        "PHÓ THỦ TƯỚNG",
        "CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "CỤC TRƯỞNG",
        "PHÓ CỤC TRƯỞNG",
        "CHÁNH THANH TRA",
        "TRƯỞNG PHÒNG",
        "ỦY BAN NHÂN DÂN",
        "HỘI ĐỒNG NHÂN DÂN",
    )
    for pre in ("", "KT. ", "TM. ", "TL. ", "TUQ. ", "Q. ")
)
_TITLE_WORD = re.compile(r"^[A-ZĐÀ-Ỹ]+\.?$")
_MARKS = ".,;:'\"`|_-—()[]{}!/\\"


def _compact(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _title_line(text: str) -> str:
    """A signer's title line as printed, or — when a seal over it garbled it ("KT. GLÁM )C") — the known
    title it is nearest to; a line that only lost marks ("CHU TỊCH") stays as printed."""
    words = nfc(text).split()
    while len(words) > 1 and not _TITLE_WORD.match(words[0]) and _TITLE_WORD.match(words[-1]):
        bare = words[0].lstrip(_MARKS)
        if bare != words[0] and _TITLE_WORD.match(bare):
            words[0] = bare  # a seal's mark glued to the title's first word (";HỦ TỊCH": its C lost)
            break
        words.pop(0)  # a seal's or a stroke's marks before the title ("._..", "wH‹c `")
    text = " ".join(words)
    key = _compact(text)
    if not key or any(_compact(t) == key for t in _KNOWN_TITLES):
        return text
    best = min(_KNOWN_TITLES, key=lambda t: (_edits(key, _compact(t)), -len(t)))
    near = _compact(best)
    return best if len(key) <= len(near) and _edits(key, near) <= max(1, int(0.34 * len(near))) else text


def _name_in(text: str) -> str | None:
    """The signer's name on its line: the whole line, or the name words after a seal's or a stroke's
    marks read into the same line ("Trần_—— Nguyễn Minh Thành": after the marks)."""
    if _looks_like_name(text):
        return text
    words = text.split()
    for i, w in enumerate(words[:-2]):
        if not any(c.isalpha() for c in w) or re.search(r"[^\w]|_", w):
            rest = " ".join(words[i + 1 :])
            if _looks_like_name(rest):
                return rest
    return None


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD.match(w) for w in words)


def _signature(doc: RawDocument) -> tuple[str | None, str | None]:
    """Signer title (capitals, may be several lines) and name, right of "Nơi nhận"."""
    for page in reversed(doc.pages):
        lines = page.lines
        start = next((i for i, ln in enumerate(lines) if fold(ln.text).startswith("noi nhan")), None)
        if start is None:
            continue
        top = lines[start].bbox[1] - 40  # the title may sit a little higher when the block is bottom-aligned
        right = [ln for ln in lines if ln.bbox[0] > page.width * 0.45 and ln.bbox[1] >= top]
        titles: list[str] = []
        name = None
        for ln in right:
            text = nfc(ln.text).strip()
            if _is_upper(text) and not name:
                if titles and not any(w in fold(text) for w in _TITLE_WORDS):
                    continue  # a seal's letters read by OCR ("JAIL", "M2", "#' TY") are no title
                if titles or _SIGN_TITLE.match(text) or len(text.split()) <= 6:
                    titles.append(_title_line(text))
            elif titles and (found := _name_in(text)):
                name = found
                break
        if titles or name:
            return ("\n".join(titles) or None), name
    return None, None
