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
