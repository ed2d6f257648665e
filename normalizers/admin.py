"""Administrative vocabularies: reform areas of a section title, provinces across the 2025 merger.

Both are data files under ``normalizers/data/`` with their version and source; the DuckDB
views use the same data (loaded into tables), so SQL and Python agree.
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


def reform_areas() -> list[dict]:
    """The reform areas in matching order: ``{"code", "area", "keywords"}``."""
    return _data("reform_areas")["areas"]


def reform_area(title: str | None) -> tuple[str, str]:
    """``"II. CẢI CÁCH THỂ CHẾ"`` -> ``("the_che", "Cải cách thể chế")``; unknown -> ``("khac", "Khác")``."""
    key = fold(title or "")
    for area in reform_areas():
        if any(k in key for k in area["keywords"]):
            return area["code"], area["area"]
    return "khac", "Khác"


@lru_cache(maxsize=1)
def _province_index() -> dict[str, str]:
    index = {}
    for after, before in _data("provinces_2025")["provinces"].items():
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


def provinces_source() -> str:
    return _data("provinces_2025")["source"]
