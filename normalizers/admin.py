"""Administrative vocabularies: reform areas of a section title, provinces across the 2025 merger.

Both are data files under ``normalizers/data/`` with their version and source. The DuckDB
views (:mod:`pipeline.views`) are generated from the same accessors: the ``reform_area()``
macro is :func:`reform_area`'s rule written as SQL (keywords in :func:`reform_areas` order,
matched in ``fold_vi(title)``, the SQL copy of :func:`normalizers.text.fold`), and the merger is
loaded from :func:`province_merger`; ``tests/pipeline/test_views.py`` checks that both agree.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from normalizers.text import fold, match_key, nfc


@lru_cache(maxsize=4)
def _data(name: str) -> dict:
    text = resources.files("normalizers").joinpath(f"data/{name}.json").read_text(encoding="utf-8")
    return json.loads(nfc(text))


#: ``(code, area)`` of a title no reform area's keyword occurs in
OTHER_AREA = ("khac", "Khác")


def reform_areas() -> list[dict]:
    """The reform areas in matching order: ``{"code", "area", "keywords"}`` (keywords already folded)."""
    return _data("reform_areas")["areas"]


def reform_area(title: str | None) -> tuple[str, str]:
    """``"II. CẢI CÁCH THỂ CHẾ"`` -> ``("the_che", "Cải cách thể chế")``; unknown -> :data:`OTHER_AREA`.

    The first area (in :func:`reform_areas` order) one of whose keywords occurs in ``fold(title)``
    wins; ``fold`` folds case, diacritics and whitespace, so ``"THỂ\nCHẾ"`` is ``"the che"``.
    """
    key = fold(title or "")
    for area in reform_areas():
        if any(k in key for k in area["keywords"]):
            return area["code"], area["area"]
    return OTHER_AREA


@lru_cache(maxsize=1)
def _province_index() -> dict[str, str]:
    index = {}
    for after, before in province_merger().items():
        for name in [after, *before]:
            index[match_key(name)] = after
    return index


def province_after_2025(province: str | None) -> str | None:
    """The province a plan's province belongs to since 1/7/2025 (``Bắc Kạn`` -> ``Thái Nguyên``)."""
    if not province:
        return None
    name = province.strip()
    for prefix in ("tỉnh ", "thành phố ", "tp. ", "tp "):
        if match_key(name).startswith(prefix):
            name = name[len(prefix) :]
    return _province_index().get(match_key(name))


def province_merger() -> dict[str, list[str]]:
    """The 34 provinces since 1/7/2025, each with the names (before the merger) it covers."""
    return _data("provinces_2025")["provinces"]


@lru_cache(maxsize=1)
def province_names() -> tuple[str, ...]:
    """Every province and centrally-run city name: the 63 before 1/7/2025 and the 34 after it."""
    names: dict[str, None] = {}
    for after, before in province_merger().items():
        for name in [after, *before]:
            names.setdefault(name)
    return tuple(names)


@lru_cache(maxsize=1)
def _folded_names() -> dict[str, str]:
    return {fold(name): name for name in province_names()}


def _distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def canonical_province(text: str | None) -> str | None:
    """The official spelling of a province named by ``text``: ``THANH HOÁ``/``Thanh Hoa`` -> ``Thanh Hóa``.

    ``text`` is the name alone (no "tỉnh"); case, diacritics (missing or misplaced) and one
    wrong letter (OCR) are tolerated for names of six letters or more. None when nothing matches.
    """
    if not text:
        return None
    key = fold(text).replace(" - ", "-").replace("-", " - ")
    key = " ".join(key.split())
    names = _folded_names()
    if key in names:
        return names[key]
    squeezed = key.replace(" ", "")
    for folded, name in names.items():
        other = folded.replace(" ", "")
        if squeezed == other or (len(other) >= 6 and _distance_at_most_one(squeezed, other)):
            return name
    return None


#: the words that introduce a province's name ("UBND TỈNH SƠN LA", "Thành phố Hà Nội", "TP. Hồ Chí Minh")
_PROVINCE_MARKERS = ("tinh", "thanh pho", "tp.", "tp")


#: letters OCR reads for an "I" ("TlNH", "T1NH", "T|NH"), in the marker words only
_OCR_I = str.maketrans({"l": "i", "1": "i", "|": "i", "!": "i"})


def _marker_word(word: str) -> str:
    """A word folded for comparison with the markers, OCR's I-lookalikes read as "i"."""
    folded = fold(word)
    return folded.translate(_OCR_I) if len(folded) == 4 and folded[0] == "t" else folded


def province_named(text: str | None) -> tuple[str, str] | None:
    """``(canonical, as printed)`` of the first province ``text`` names after "tỉnh"/"thành phố"/"TP".

    ``"UBND TỈNH BẮC KẠN"`` -> ``("Bắc Kạn", "BẮC KẠN")``; ``"Thành phố Hồ Chí Minh"`` ->
    ``("Hồ Chí Minh", "Hồ Chí Minh")``. The longest run of up to four words after a marker that is a
    province name wins, so "tỉnh Bà Rịa - Vũng Tàu ban hành" finds "Bà Rịa - Vũng Tàu".
    """
    if not text:
        return None
    words = nfc(text).replace("-", " - ").split()
    folded = [_marker_word(w) for w in words]
    for i in range(len(words)):
        start = None
        for marker in _PROVINCE_MARKERS:
            parts = marker.split()
            if folded[i : i + len(parts)] == parts:
                start = i + len(parts)
                break
        if start is None:
            continue
        for n in range(min(6, len(words) - start), 0, -1):
            printed = " ".join(words[start : start + n]).replace(" - ", " - ").strip(" ,.;:()")
            name = canonical_province(printed)
            if name:
                return name, printed.replace(" - ", " - ")
    return None


def bare_province(text: str | None) -> tuple[str, str] | None:
    """``(canonical, as printed)`` when ``text`` is itself a province name ("Tỉnh Quảng Ngãi" too)."""
    if not text:
        return None
    found = province_named(text)
    if found:
        return found
    name = canonical_province(text.strip(" ,.;:()"))
    return (name, text.strip(" ,.;:()")) if name else None
