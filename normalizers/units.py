"""Lead/partner cells -> agencies: split, distribute shared heads, canonical names and kinds.

A unit cell lists agencies separated by ``,`` ``;``, new lines and bullets. Commas are
ambiguous: they separate agencies ("Phòng TT-BC-XB, Phòng CNTT-BCVT") but also the
nouns of one generic group ("Các phòng, đơn vị thuộc Sở", "Các sở, ban, ngành"), and a
level word shares the head before it ("UBND cấp huyện, cấp xã"). Hyphens and ``&``
never split ("Thông tin - Báo chí - Xuất bản", "CNTT& TT").

Canonical names come from a versioned alias dictionary (``normalizers/data/units.json``)
plus the abbreviations a document defines itself ("… (SOC)"); kinds from the name's head.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from normalizers.bullets import strip_bullet
from normalizers.text import fold, match_key, nfc, split_outside_parens

KINDS = ("issuer", "internal", "provincial", "local", "central", "enterprise", "group", "other")


@dataclass
class UnitMention:
    """One agency named in a cell: ``raw`` as printed, ``name`` with its shared head restored."""

    raw: str
    name: str
    note: str | None = None  # what the cell says the unit does ("tổng hợp xây dựng báo cáo")


@dataclass
class Unit:
    raw: str
    name: str  # canonical
    kind: str
    note: str | None = None
    matched: str = "none"  # alias | document | abbreviation | head | none (see canonicalize)


@dataclass
class UnitContext:
    """What a document tells about its own units: who issued it and the names it uses."""

    agency: str | None = None
    province: str | None = None
    abbreviations: dict[str, str] = field(default_factory=dict)  # defined by the document itself
    departments: dict[str, str] = field(default_factory=dict)  # key of "X" -> "Phòng X"

    @property
    def agency_head(self) -> str:
        if not self.agency:
            return ""
        for head in ("Sở", "Ban", "Cục", "Chi cục", "Bộ"):
            if self.agency.startswith(head + " "):
                return head
        return self.agency


@lru_cache(maxsize=1)
def dictionary() -> dict:
    """The alias dictionary shipped with the package (see its ``version`` and ``source``)."""
    text = resources.files("normalizers").joinpath("data/units.json").read_text(encoding="utf-8")
    return json.loads(nfc(text))


def dictionary_version() -> str:
    return dictionary()["version"]


_TRAIL = re.compile(r"[\s.,;:]+$")
_AMP = re.compile(r"(?<=[A-ZĐ])\s*&\s*(?=[A-ZĐ])")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[,.;:&()]", " ", match_key(text))).strip()


def _clean(text: str) -> str:
    """Display form: NFC, one dash style (spaced dashes stay spaced), ``CNTT& TT`` -> ``CNTT&TT``."""
    text = nfc(text)
    text = re.sub(r"\s*[\u2010-\u2015\u2212]\s*", lambda m: " - " if " " in m.group(0) else "-", text)
    text = _AMP.sub("&", text)
    text = strip_bullet(text, extra="*")
    return _TRAIL.sub("", re.sub(r"\s+", " ", text)).strip()


def _starts_with_any(text: str, words: list[str]) -> str | None:
    k = match_key(text)
    for w in sorted(words, key=len, reverse=True):
        wk = match_key(w)
        if k == wk or k.startswith(wk + " ") or k.startswith(wk + ","):
            return w
    return None


def _is_level(piece: str) -> bool:
    return _starts_with_any(piece, dictionary()["level_words"]) is not None


def _comma_pieces(segment: str) -> list[UnitMention]:
    """Regroup a segment's comma pieces into agencies."""
    out: list[UnitMention] = []
    for part in re.split(r"\s+và\s+(?=các\s)", segment):
        for piece in split_outside_parens(part, ","):
            piece = _clean(piece)
            if not piece:
                continue
            prev = out[-1] if out else None
            if prev and _is_level(piece):
                head = _head_before_level(prev.name)
                out.append(UnitMention(piece, f"{head} {piece}" if head else piece))
            elif prev and piece[:1].islower() and not match_key(piece).startswith("các "):
                # "đơn vị thuộc Sở" after "Các phòng", "theo lĩnh vực …": part of the previous unit
                prev.raw, prev.name = f"{prev.raw}, {piece}", f"{prev.name}, {piece}"
            else:
                out.append(UnitMention(piece, piece))
    return out


def _head_before_level(name: str) -> str:
    k = match_key(name)
    for level in dictionary()["level_words"]:
        i = k.find(" " + match_key(level))
        if i > 0:
            return name[:i]
    return ""


def split_units(text: str | None) -> list[UnitMention]:
    """Agencies named in one lead/partner cell, in order; total on any input."""
    text = nfc(text or "")
    mentions: list[UnitMention] = []
    for line in text.split("\n"):
        colon_head: str | None = None
        for segment in split_outside_parens(line, ";"):
            segment = _clean(segment)
            head, sep, rest = segment.partition(":")
            if sep and rest.strip() and len(head.split()) <= 4:
                colon_head, segment = _singular(head), rest.strip()
            pieces = _comma_pieces(segment)
            for m in pieces:
                if colon_head is None:
                    continue
                if match_key(m.name).startswith("các "):
                    colon_head = None  # "…; các phòng, đơn vị liên quan" names its own head
                elif _starts_with_any(m.name, dictionary()["head_words"]) is None:
                    m.name = f"{colon_head} {m.name}"
            mentions.extend(pieces)
    for m in mentions:
        m.name, m.note = _cut_role(m.name)
    return [m for m in mentions if m.name]


def _singular(head: str) -> str:
    """``Các phòng`` -> ``Phòng`` (the head each listed item takes)."""
    head = _clean(head)
    head = re.sub(r"^(?:các|những)\s+", "", head, flags=re.IGNORECASE)
    return head[:1].upper() + head[1:]


def _cut_role(name: str) -> tuple[str, str | None]:
    """``Văn phòng tổng hợp xây dựng báo cáo`` -> (``Văn phòng``, ``tổng hợp xây dựng báo cáo``)."""
    if _starts_with_any(name, ["Công chức", "Thư ký", "Cán bộ"]):
        return name, None  # a person's role is the unit itself
    k = match_key(name)
    for marker in dictionary()["role_markers"]:
        i = k.find(" " + match_key(marker))
        if i > 0:
            return _TRAIL.sub("", name[:i]), name[i + 1 :]
    return name, None


def _expand_token(token: str, abbreviations: dict[str, str]) -> str:
    core = token.rstrip(",.;:")
    tail = token[len(core) :]
    if core in abbreviations:
        return abbreviations[core] + tail
    parts = re.split(r"-", core)
    if len(parts) > 1 and all(p in abbreviations for p in parts):
        return " - ".join(abbreviations[p] for p in parts) + tail
    return token


def expand_abbreviations(text: str, ctx: UnitContext | None = None) -> str:
    """Whole-token expansion; the document's own definitions win over the dictionary."""
    abbreviations = {**dictionary()["abbreviations"], **(ctx.abbreviations if ctx else {})}
    return " ".join(_expand_token(t, abbreviations) for t in text.split())


def canonicalize(name: str, ctx: UnitContext | None = None) -> tuple[str, str]:
    """Canonical name and how it was found.

    ``alias`` (the dictionary's alias tables), ``document`` (a name or abbreviation the same
    plan defines), ``abbreviation`` (dictionary abbreviations expanded), ``head`` (an unknown
    name under a known head word: "Sở Nội vụ"), ``none`` (nothing recognised: a dictionary
    candidate).
    """
    ctx = ctx or UnitContext()
    d = dictionary()
    cleaned = _clean(name)
    expanded = expand_abbreviations(cleaned, ctx)
    if not expanded:
        return "", "none"
    k = _key(expanded)
    for table in ("internal_bare", "groups"):
        for alias, canon in d[table].items():
            if _key(alias) == k:
                return _fill(canon, ctx), "alias"
    if k in ctx.departments:
        return ctx.departments[k], "document"
    canonical = expanded[:1].upper() + expanded[1:]
    if expanded != cleaned:
        own = any(t.rstrip(",.;:") in ctx.abbreviations for t in cleaned.split())
        return canonical, "document" if own else "abbreviation"
    if _starts_with_any(canonical, d["head_words"]) or match_key(canonical).startswith("các "):
        return canonical, "head"
    return canonical, "none"


def canonical_unit(name: str, ctx: UnitContext | None = None) -> str:
    return canonicalize(name, ctx)[0]


def _fill(template: str, ctx: UnitContext) -> str:
    return re.sub(r"\s+", " ", template.replace("{agency_head}", ctx.agency_head)).strip()


_ENTERPRISE = re.compile(r"\b(doanh nghiệp|công ty|tập đoàn|vnpt|viettel|mobifone|bưu điện|ngân hàng|hợp tác xã)\b")
_LOCAL = re.compile(
    r"\b(cấp huyện|cấp xã|các huyện|các xã|thị xã|thị trấn|phường)\b|^ủy ban nhân dân (huyện|xã|thành phố)"
)
_CENTRAL = re.compile(
    r"^(các bộ\b|bộ (?!phận)|chính phủ|thủ tướng|quốc hội|văn phòng chính phủ|cục |tổng cục)|trung ương|việt nam$"
)
_INTERNAL = re.compile(
    r"^(phòng |văn phòng sở|thanh tra sở|lãnh đạo sở|ban giám đốc|bộ phận|công chức|thư ký|tổ |đội )"
    r"|\b(thuộc|của) sở\b| sở$"
)
_PROVINCIAL = re.compile(r"^(sở |ủy ban nhân dân tỉnh|hội đồng nhân dân tỉnh|tỉnh ủy|công an tỉnh|kho bạc)| tỉnh$")


def unit_kind(name: str, ctx: UnitContext | None = None) -> str:
    """issuer, internal, provincial, local, central, enterprise, group or other."""
    ctx = ctx or UnitContext()
    k = match_key(name)
    if ctx.agency and k == match_key(ctx.agency):
        return "issuer"
    if _ENTERPRISE.search(k):
        return "enterprise"
    if _LOCAL.search(k):
        return "local"
    if _CENTRAL.search(k):
        return "central"
    if k.startswith("các ") or k.startswith("sở, "):
        return "group"
    if _INTERNAL.search(k) or (k.startswith("trung tâm ") and ctx.agency_head == "Sở" and " tỉnh" not in k):
        return "internal"
    if _PROVINCIAL.search(k):
        return "provincial"
    return "other"


def normalize_units(text: str | None, ctx: UnitContext | None = None) -> list[Unit]:
    """Split a cell and give each agency its canonical name and kind."""
    ctx = ctx or UnitContext()
    out = []
    for m in split_units(text):
        name, matched = canonicalize(m.name, ctx)
        if name:
            out.append(Unit(m.raw, name, unit_kind(name, ctx), m.note, matched))
    return out


_DEFINED = re.compile(r"\(\s*([A-ZĐ][A-ZĐ0-9&\-]{1,11})\s*\)")


def defined_abbreviations(text: str) -> dict[str, str]:
    """``… Trung tâm giám sát, điều hành an toàn thông tin (SOC)`` -> {"SOC": "Trung tâm giám sát, …"}."""
    text = nfc(text or "")
    heads = dictionary()["head_words"]
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        abbr = m.group(1)
        before = re.split(r"[.;:()\n]", text[: m.start()])[-1].split()[-14:]
        definition = _by_initials(abbr, before) or _by_head(before, heads)
        if definition and abbr not in found:
            found[abbr] = definition
    return found


def _by_initials(abbr: str, words: list[str]) -> str | None:
    want = re.sub(r"[^a-z0-9]", "", fold(abbr))
    for n in range(1, len(words) + 1):
        tail = words[-n:]
        initials = "".join(fold(w.strip(",&"))[:1] for w in tail if w.strip(",&-"))
        if initials == want:
            return _TRAIL.sub("", " ".join(tail))
    return None


def _by_head(words: list[str], heads: list[str]) -> str | None:
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[-n:])
        if _starts_with_any(candidate, [h for h in heads if h[:1].isupper()]) and candidate[:1].isupper():
            return _TRAIL.sub("", candidate)
    return None


def unit_context(agency: str | None, province: str | None, cells: list[str], body: str = "") -> UnitContext:
    """Read a document's own conventions: its abbreviations and the departments it names."""
    ctx = UnitContext(agency=agency, province=province)
    cells = list(dict.fromkeys(cells))  # merged cells repeat their text down many rows
    ctx.abbreviations = defined_abbreviations("\n".join([body, *cells]))
    for cell in cells:
        for m in split_units(cell):
            name = expand_abbreviations(_clean(m.name), ctx)
            if match_key(name).startswith("phòng "):
                ctx.departments.setdefault(_key(name[len("Phòng ") :]), name[:1].upper() + name[1:])
    return ctx
