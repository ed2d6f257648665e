"""Map a task table's header cells onto contract fields.

Headers vary between provinces: numbered ("1 - Mục tiêu", "(4) Kết quả"), renamed
("Nội dung", "Sản phẩm đầu ra", "Thời hạn hoàn thành") and two-row ("Cơ quan thực
hiện" over "Chủ trì | Phối hợp"). Matching is accent- and case-insensitive on the
folded label; the first rule whose keywords occur wins, so order matters.
"""

from __future__ import annotations

import re

from extractors.ocr_text import stroke_shape
from normalizers.text import fold

# (field, keywords matched as whole words/phrases in the folded label)
_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("lead", ("chu tri", "don vi thuc hien chinh", "co quan thuc hien chinh")),
    ("partner", ("phoi hop",)),
    ("deadline", ("thoi gian", "thoi han", "tien do", "moc thoi gian", "han hoan thanh")),
    ("budget", ("kinh phi", "nguon von", "du toan", "nguon luc")),
    ("output", ("ket qua", "san pham")),
    ("objective", ("muc tieu",)),
    ("task", ("nhiem vu", "noi dung", "danh muc", "cong viec", "ten de an")),
    ("activity", ("hoat dong", "giai phap")),
    ("lead", ("don vi thuc hien", "co quan thuc hien", "don vi", "co quan", "trach nhiem")),
    ("note", ("ghi chu",)),
]
_TT_LABELS = {"tt", "stt", "so tt", "so thu tu", "thu tu", "t t"}
#: "TT"/"STT" as strokes: a scan may split a T's stem from its bar ("SITT", "SIL", "S1T", "ITT")
_TT_SHAPE = re.compile(r"s?i{2,3}")
# "1 - Mục tiêu", "(1) Mục tiêu", "1. Mục tiêu": the numbering is not part of the label.
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?\s*[-.:)]?\s+")


def header_key(label: str) -> str:
    key = fold(label).replace("\n", " ")
    return _NUMBERING.sub("", key).strip(" .:")


#: A header label is a short phrase; a longer cell is data even when it says "nội dung" or "phối hợp".
MAX_LABEL_WORDS = 14
#: "1", "12", "1.2", "3." or a roman numeral: a data or section row's number, never a header label
_ROW_NUMBER = re.compile(r"^(\d{1,3}(\.\d{1,3})*\.?|[IVXL]{1,6}\.?)$")


def field_match(label: str) -> tuple[str, tuple[int, int, int]] | None:
    """The contract field a header label names and how well it names it (lower is better: rule,
    keyword, label length), or None when it names none we know."""
    key = header_key(label)
    if not key:
        return None
    if key in _TT_LABELS or (len(key) <= 5 and _TT_SHAPE.fullmatch(stroke_shape(key))):  # OCR: "STT" read "SIL"
        return "tt", (0, 0, len(key))
    for rank, (name, words) in enumerate(_RULES):
        for k, w in enumerate(words):
            if re.search(rf"\b{re.escape(w)}\b", key):
                return name, (rank, k, len(key))
    return None


def field_for(label: str) -> str | None:
    """The contract field a header label names, or None when it names none we know."""
    found = field_match(label)
    return found[0] if found else None


def is_label(text: str) -> bool:
    """Could this cell be a header label? Short, and not a row number."""
    text = text.strip()
    return bool(text) and len(text.split()) <= MAX_LABEL_WORDS and not _ROW_NUMBER.match(text)


def looks_like_header(labels: list[str]) -> bool:
    """A row is a header when it names a task column and at least two other known fields, in cells
    short enough to be labels, and does not start with a row number."""
    filled = [label.strip() for label in labels if label.strip()]
    if not filled or _ROW_NUMBER.match(filled[0]):
        return False
    found = {field_for(label) for label in filled if is_label(label)}
    found.discard(None)
    return len(found) >= 3 and bool(found & {"task", "activity", "objective"})


def resolve_duplicates(labels: list[str], fields: list[str | None]) -> list[str | None]:
    """Two columns naming one field: the better-named keeps it (ties: the leftmost), the others
    become unknown columns (kept under their printed label) — never two columns in one field."""
    best: dict[str, tuple[tuple[int, int, int], int]] = {}
    for c, (label, name) in enumerate(zip(labels, fields, strict=True)):
        if name is None:
            continue
        found = field_match(label)
        quality = found[1] if found and found[0] == name else (99, 99, 999)
        if name not in best or quality < best[name][0]:
            best[name] = (quality, c)
    return [name if name is None or best[name][1] == c else None for c, name in enumerate(fields)]


_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$", re.IGNORECASE)


def is_column_number_row(labels: list[str]) -> bool:
    """The "(1) (2) (3) ..." row some layouts print under the header.

    OCR misreads some of those numbers ("q)", "@)", "Œ7)", "(4"): most cells matching, and all of
    them short tokens with a parenthesis (one may be lost: "(4"), is enough.
    """
    filled = [lab.strip() for lab in labels if lab.strip()]
    if len(filled) < max(3, len(labels) // 2):
        return False
    exact = sum(1 for x in filled if _COLUMN_NUMBER.match(x))
    if exact == len(filled):
        return True
    shaped = all(len(x) <= 4 and ("(" in x or ")" in x) for x in filled)
    return shaped and exact >= 0.6 * len(filled)
