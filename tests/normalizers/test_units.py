"""Units: splitting, shared heads, canonical names and kinds; golden files for every fixture cell."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.units import (
    KINDS,
    UnitContext,
    canonical_unit,
    defined_abbreviations,
    dictionary_version,
    normalize_units,
    split_units,
    unit_context,
)
from tests.conftest import PLANS, gold

SO = UnitContext(agency="Sở Thông tin và Truyền thông", province="Bắc Kạn")


def names(text, ctx=SO):
    return [u.name for u in normalize_units(text, ctx)]


@pytest.mark.parametrize(
    ("cell", "want"),
    [
        ("Phòng TT-BC-XB, Phòng CNTT-BCVT", ["Phòng TT-BC-XB", "Phòng CNTT-BCVT"]),
        ("Phòng CNTT-BCVT; Trung tâm CNTT& TT", ["Phòng CNTT-BCVT", "Trung tâm CNTT&TT"]),
        ("Phòng Thông tin - Báo chí - Xuất bản – Bưu chính", ["Phòng Thông tin - Báo chí - Xuất bản - Bưu chính"]),
        ("UBND cấp huyện, cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
        (
            "Các phòng: Thông tin - Báo chí; Công nghệ thông tin – Viễn thông; các phòng, đơn vị liên quan",
            ["Phòng Thông tin - Báo chí", "Phòng Công nghệ thông tin - Viễn thông", "các phòng, đơn vị liên quan"],
        ),
        ("Các phòng, đơn vị thuộc Sở", ["Các phòng, đơn vị thuộc Sở"]),
        ("Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã", ["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã"]),
        (
            "- Văn phòng;\n- Trung tâm Công nghệ thông tin và Truyền thông.",
            ["Văn phòng", "Trung tâm Công nghệ thông tin và Truyền thông"],
        ),
        ("Các doanh nghiệp và các Sở ban ngành", ["Các doanh nghiệp", "các Sở ban ngành"]),
        ("Sở Thông tin và Truyền thông", ["Sở Thông tin và Truyền thông"]),
        ("Phòng TT-BC-XB,", ["Phòng TT-BC-XB"]),
        ("", []),
    ],
)
def test_split(cell, want):
    assert [m.name for m in split_units(cell)] == want


@pytest.mark.parametrize(
    ("raw", "canonical", "kind"),
    [
        ("Phòng CNTT-BCVT", "Phòng Công nghệ thông tin - Bưu chính viễn thông", "internal"),
        ("Phòng TT-BC-XB", "Phòng Thông tin - Báo chí - Xuất bản", "internal"),
        ("Trung tâm CNTT& TT", "Trung tâm Công nghệ thông tin và Truyền thông", "internal"),
        ("Trung tâm CNTT-TT", "Trung tâm Công nghệ thông tin và Truyền thông", "internal"),
        ("Văn phòng", "Văn phòng Sở", "internal"),
        ("Văn phòng sở", "Văn phòng Sở", "internal"),
        ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", "provincial"),
        ("UBND cấp xã", "Ủy ban nhân dân cấp xã", "local"),
        ("UBND các huyện, thành phố", "Ủy ban nhân dân cấp huyện", "local"),
        ("HĐND tỉnh", "Hội đồng nhân dân tỉnh", "provincial"),
        ("Sở TNMT", "Sở Tài nguyên và Môi trường", "provincial"),
        ("Sở Nội vụ", "Sở Nội vụ", "provincial"),
        ("Bộ Thông tin và Truyền thông", "Bộ Thông tin và Truyền thông", "central"),
        ("Các doanh nghiệp", "Các doanh nghiệp", "enterprise"),
        ("Các phòng, đơn vị", "Các phòng, đơn vị thuộc Sở", "group"),
        ("Sở, ban, ngành tỉnh", "Các sở, ban, ngành tỉnh", "group"),
        ("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông", "issuer"),
    ],
)
def test_canonical_names_and_kinds(raw, canonical, kind):
    [unit] = normalize_units(raw, SO)
    assert (unit.name, unit.kind) == (canonical, kind)


def test_role_words_are_kept_as_a_note_not_in_the_name():
    [unit] = normalize_units("- Văn phòng tổng hợp xây dựng báo cáo.", SO)
    assert (unit.name, unit.note) == ("Văn phòng Sở", "tổng hợp xây dựng báo cáo")


def test_abbreviation_defined_by_the_document():
    body = "Xây dựng Trung tâm giám sát, điều hành an toàn thông tin (SOC) của tỉnh; cải cách hành chính (CCHC)."
    found = defined_abbreviations(body)
    assert found["SOC"] == "Trung tâm giám sát, điều hành an toàn thông tin"
    assert found["CCHC"] == "cải cách hành chính"
    ctx = unit_context(SO.agency, SO.province, ["Phòng CNTT-BCVT"], body)
    assert names("SOC", ctx) == ["Trung tâm giám sát, điều hành an toàn thông tin"]


def test_bare_department_name_is_completed_from_the_same_document():
    ctx = unit_context(SO.agency, SO.province, ["Phòng Công nghệ thông tin - Viễn thông", "Thanh tra"])
    assert names("Công nghệ thông tin – Viễn thông", ctx) == ["Phòng Công nghệ thông tin - Viễn thông"]


def test_internal_names_follow_the_issuer():
    ban = UnitContext(agency="Ban Quản lý các khu công nghiệp", province="Sơn La")
    assert names("Văn phòng", ban) == ["Văn phòng Ban"]


def test_every_fixture_unit_cell_yields_a_unit():
    for key in PLANS:
        for row in gold(key)["appendix"]["rows"]:
            for field in ("lead", "partner"):
                if row[field]:
                    assert normalize_units(row[field], SO), (key, row["row_no"], field, row[field])


def _golden_text(key: str) -> str:
    g = gold(key)
    rows = g["appendix"]["rows"]
    cells = [r[f] for r in rows for f in ("objective", "task", "activity", "output", "lead", "partner") if r.get(f)]
    body = "\n".join(b["text"] for b in g["body"])
    ctx = unit_context(g["doc"]["agency"], g["doc"]["province"], cells, body)
    where: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        for role in ("lead", "partner"):
            if r[role]:
                where.setdefault((role, r[role]), []).append(r["row_no"])
    lines = [
        f"# Units of every lead/partner cell of {key} (gold text), dictionary {dictionary_version()}.",
        "# <role> rows <row numbers>: <cell>   then one line per unit: raw => canonical [kind] (note)",
    ]
    for (role, cell), row_nos in where.items():
        lines.append(f"{role} rows {','.join(map(str, row_nos))}: {cell!r}")
        for u in normalize_units(cell, ctx):
            note = f" ({u.note})" if u.note else ""
            lines.append(f"    {u.raw} => {u.name} [{u.kind}]{note}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", PLANS)
def test_golden_units(key, golden):
    golden(f"units/{key}.txt", _golden_text(key))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_total_and_canonical_is_idempotent(text):
    for unit in normalize_units(text, SO):
        assert unit.kind in KINDS
        assert canonical_unit(unit.name, SO) == unit.name


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Phòng CNTT", "UBND", "cấp xã", "Các phòng", "đơn vị", ",", ";", ":", "\n- ", " và các ", "Sở"]
        )
    ).map("".join)
)
def test_total_on_unit_like_noise(text):
    normalize_units(text, SO)
    defined_abbreviations(text)


@pytest.mark.parametrize(
    ("raw", "matched"),
    [
        ("Văn phòng", "alias"),
        ("Phòng CNTT-BCVT", "abbreviation"),
        ("Sở Nội vụ", "head"),
        ("Nhóm công tác đặc biệt", "none"),
    ],
)
def test_how_a_name_was_found(raw, matched):
    [unit] = normalize_units(raw, SO)
    assert unit.matched == matched


def test_names_the_document_defines_are_marked_document():
    ctx = unit_context(SO.agency, SO.province, ["Phòng Quản lý Bưu chính"], "Trung tâm giám sát an toàn (SOC)")
    assert [u.matched for u in normalize_units("SOC; Quản lý Bưu chính", ctx)] == ["document", "document"]
