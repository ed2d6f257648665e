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

from normalizers.bullets import BULLET_MARKS, strip_bullet
from normalizers.text import DASH_CHARS, fold, match_key, nfc, split_outside_parens

KINDS = ("issuer", "internal", "provincial", "local", "central", "enterprise", "group", "other")


@dataclass
class UnitMention:
    """One agency named in a cell (offsets are into the cell's NFC text).

    ``raw`` is ``cell[start:end]``: the printed characters, bullet marks and closing
    punctuation trimmed off its ends only ("CNTT& TT" stays "CNTT& TT"). ``written`` is the
    unit as written with a shared head distributed ("UBND cấp xã" from "UBND cấp huyện,
    cấp xã"; "Phòng A" from "Các phòng: A; B"), runs of spaces as one. ``note`` is a role
    phrase printed after the agency ("tổng hợp xây dựng báo cáo"), ``cell[note_span]``.
    ``label_span`` is the span of a list label the unit takes its head from ("Các phòng").
    """

    raw: str
    written: str
    start: int
    end: int
    note: str | None = None
    note_span: tuple[int, int] | None = None
    label_span: tuple[int, int] | None = None


@dataclass
class Unit:
    raw: str  # as printed: a slice of the cell
    written: str  # as written, shared head distributed
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


# (the look-behind: a match never starts inside a run it could start before, so a run is scanned once)
_TRAIL = re.compile(r"(?<![\s.,;:])[\s.,;:]++$")
_AMP = re.compile(r"(?<=[A-ZĐ])\s*&\s*(?=[A-ZĐ])")
#: what a unit's raw slice never starts with (bullet marks, dashes, spaces) or ends with
_LEAD_CHARS = BULLET_MARKS + "*" + DASH_CHARS + "-"
_TAIL_CHARS = ".,;:"
#: characters of a cell that belong to no unit, note or label (with the word "và" between units)
SEPARATOR_CHARS = _LEAD_CHARS + _TAIL_CHARS + "\n"
_PERSON_ROLES = ["Công chức", "Thư ký", "Cán bộ"]
_AND = re.compile(r"(?:\s|^)(?:và|&)(?:\s|$)|&")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[,.;:&()]", " ", match_key(text))).strip()


def _nkey(text: str) -> str:
    """Name key: :func:`_key` that also ignores dashes ("Lao động - Thương binh" = "Lao động, Thương binh")."""
    return re.sub(r"\s+", " ", re.sub(r"[,.;:&()\-]", " ", match_key(text))).strip()


_DASH_RUN = re.compile(r"(?<!\s)\s*+[\u2010-\u2015\u2212]\s*+")


def _clean(text: str) -> str:
    """Display form: NFC, one dash style (spaced dashes stay spaced), ``CNTT& TT`` -> ``CNTT&TT``."""
    text = nfc(text)
    text = _DASH_RUN.sub(lambda m: " - " if " " in m.group(0) else "-", text)
    text = _AMP.sub("&", text)
    text = strip_bullet(text, extra="*")
    return _TRAIL.sub("", re.sub(r"\s+", " ", text)).strip()


_TOKEN = re.compile(r"\S+")


def _head(text: str, n: int, start: int = 0, stop: int | None = None) -> str:
    """``text[start:stop]`` up to the end of its ``n``-th whitespace-separated token (all of it when shorter).

    Whether a text starts with a word of ``k`` tokens depends on its first ``k + 1`` tokens only; reading
    no further keeps a test on a long piece (a run of thousands of spaces or commas) bounded.
    """
    stop = len(text) if stop is None else stop
    end = stop
    for i, m in enumerate(_TOKEN.finditer(text, start, stop), 1):
        if i == n:
            end = m.end()
            break
    return text[start:end]


def _starts_with_any(text: str, words: list[str]) -> str | None:
    k = match_key(_head(text, max((len(match_key(w).split()) for w in words), default=0) + 1))
    for w in sorted(words, key=len, reverse=True):
        wk = match_key(w)
        if k == wk or k.startswith(wk + " ") or k.startswith(wk + ","):
            return w
    return None


def _is_level(piece: str) -> bool:
    return _starts_with_any(piece, dictionary()["level_words"]) is not None


def _own_head(piece: str) -> str | None:
    """The head word ``piece`` starts with ("Sở", "UBND"), None for a word that only looks like one ("Tổ chức")."""
    if _starts_with_any(piece, dictionary()["not_heads"]):
        return None
    return _starts_with_any(piece, dictionary()["head_words"])


@lru_cache(maxsize=1)
def agency_names() -> dict[str, str]:
    """Name key of every official agency name and printed variant -> the official name."""
    out: dict[str, str] = {}
    for agency in dictionary()["agencies"]:
        for name in [agency["name"], *agency.get("aliases", [])]:
            out.setdefault(_nkey(name), agency["name"])
            out.setdefault(_nkey(expand_abbreviations(_clean(name))), agency["name"])
    return out


@lru_cache(maxsize=65536)
def _known(text: str) -> bool:
    names = agency_names()
    return _nkey(text) in names or _nkey(expand_abbreviations(_clean(text))) in names


_WORD = re.compile(r"[^\s,;.]+")
#: characters a name key drops (:func:`_nkey`): a word of only these adds nothing to a name
_KEY_DROPPED = ",.;:&()-" + DASH_CHARS


@lru_cache(maxsize=1)
def _max_name_tokens() -> int:
    """The most words in a known agency name's key; a longer prefix is never a known name."""
    return max((len(k.split()) for k in agency_names()), default=0)


def _known_prefix_end(text: str, start: int = 0, stop: int | None = None) -> int:
    """End of the longest known agency name ``text[start:stop]`` starts with (at a word end, relative to
    ``start``), 0 when none.

    Only the first words are tried: a word with a character the name key keeps adds a key token, so a
    prefix with more of them than the longest known name (plus one bullet mark :func:`_clean` drops) is
    not known; a word the key drops whole ("-", "&") leaves the answer as it was before it.
    """
    stop = len(text) if stop is None else stop
    limit = _max_name_tokens() + 1
    best, known, tokens = 0, False, 0
    for m in _WORD.finditer(text, start, stop):
        if m.group(0).strip(_KEY_DROPPED):
            tokens += 1
            if tokens > limit:
                break
            known = _known(text[start : m.end()])
        if known:
            best = m.end() - start
    return best


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without leading bullets/dashes/spaces and trailing punctuation/spaces."""
    while start < end and (text[start].isspace() or text[start] in _LEAD_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _TAIL_CHARS):
        end -= 1
    return (start, end) if start < end else None


def _spans(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at ``seps`` outside parentheses, as absolute untrimmed spans."""
    out = []
    pos = start
    for piece in split_outside_parens(text[start:end], seps):
        out.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _Group:
    start: int
    end: int
    head: str = ""  # distributed head written before the slice ("UBND", "Phòng")
    pieces: int = 1
    label: tuple[int, int] | None = None

    def written(self, text: str) -> str:
        body = _squash(text[self.start : self.end])
        return f"{self.head} {body}" if self.head else body


def _group_pieces(text: str, pieces: list[tuple[int, int]]) -> list[_Group]:
    """Regroup one segment's comma pieces into agencies (see :func:`split_units`)."""
    out: list[_Group] = []
    i = 0
    while i < len(pieces):
        s, e = pieces[i]
        piece = text[s:e]
        prev = out[-1] if out else None
        i += 1
        if prev is None:
            out.append(_Group(s, e))
            continue
        if _is_level(piece):
            head = _head_before_level(prev.written(text))
            out.append(_Group(s, e, head=head))
            continue
        if piece[:1].islower() and not match_key(piece).startswith("các "):
            # "đơn vị thuộc Sở" after "Các phòng", "theo lĩnh vực …": part of the previous unit
            prev.end, prev.pieces = e, prev.pieces + 1
            continue
        through = _known_through(text, prev, pieces, i - 1)  # an official name's comma
        if through is not None:
            prev.end, prev.pieces, i = pieces[through][1], prev.pieces + through - i + 2, through + 1
            continue
        if _own_head(piece):
            out.append(_Group(s, e))
            continue
        # a piece with no head word of its own: a head shared, or a well-formed name's comma
        prev_head = _own_head(prev.written(text))
        if prev_head and _known(f"{prev_head} {piece}"):
            out.append(_Group(s, e, head=prev.head or prev_head))  # "Sở Tư pháp, Tài chính"
            continue
        through = _well_formed_through(text, prev, pieces, i - 1)
        if through is not None:
            prev.end, prev.pieces, i = pieces[through][1], prev.pieces + through - i + 2, through + 1
            continue
        out.append(_Group(s, e))
    return out


def _known_through(text: str, prev: _Group, pieces: list[tuple[int, int]], i: int) -> int | None:
    """The piece a known name that starts at ``prev`` and crosses the comma before piece ``i`` ends in."""
    end = prev.start + _known_prefix_end(text, prev.start, pieces[-1][1])
    if end <= pieces[i][0]:
        return None
    return next(j for j in range(i, len(pieces)) if pieces[j][1] >= end)


def _well_formed_through(text: str, prev: _Group, pieces: list[tuple[int, int]], i: int) -> int | None:
    """``Phòng X, Y và Z``: headless capitalised pieces up to one with "và"/"&" continue a headed name."""
    if prev.head or not _own_head(text[prev.start : prev.end]) or _known(text[prev.start : prev.end]):
        return None
    for j in range(i, len(pieces)):
        piece = text[pieces[j][0] : pieces[j][1]]
        if not piece[:1].isupper() or _own_head(piece) or _is_level(piece):
            return None
        if _AND.search(piece):
            return j
    return None


def _head_before_level(name: str) -> str:
    k = match_key(name)
    for level in dictionary()["level_words"]:
        i = k.find(" " + match_key(level))
        if i > 0:
            return name[:i]
    return ""


def split_units(text: str | None) -> list[UnitMention]:
    """Agencies named in one lead/partner cell, in order; total on any input.

    The cell is cut on new lines, then ``;`` and ``,`` outside parentheses (and before
    "và các"); hyphens and ``&`` never cut. A comma piece with no head word of its own
    continues the name before it when the whole is a known agency name (``agencies`` in
    the dictionary: "Sở Văn hóa, Thể thao và Du lịch") or a well-formed one ("Phòng X, Y
    và Z"); a level word takes the head before it ("UBND cấp huyện, cấp xã"); a lower-case
    piece continues the unit ("Các phòng, đơn vị thuộc Sở"). Role phrases after the agency
    ("tổng hợp …", "được giao …") become the note. Offsets refer to ``nfc(text)``.
    """
    text = nfc(text or "")
    mentions: list[UnitMention] = []
    for ls, le in _spans(text, 0, len(text), "\n"):
        colon_head: str | None = None
        label: tuple[int, int] | None = None
        for seg in _spans(text, ls, le, ";"):
            trimmed = _trim(text, *seg)
            if trimmed is None:
                continue
            ss, se = trimmed
            parts = _spans(text, ss, se, ":")
            seg_label = None
            if len(parts) > 1 and _trim(text, parts[0][1] + 1, se):
                head_text = text[parts[0][0] : parts[0][1]]
                singular = _singular(head_text)
                if len(head_text.split()) <= 4 and _own_head(singular):
                    colon_head, label, ss = singular, _trim(text, *parts[0]), parts[0][1] + 1
                    seg_label = label
            groups: list[_Group] = []
            bounds = [ss, *[x for cut in _and_cuts(text, ss, se) for x in cut], se]
            for ps, pe in zip(bounds[::2], bounds[1::2], strict=True):
                pieces = [t for sp in _spans(text, ps, pe, ",") if (t := _trim(text, *sp))]
                groups.extend(_group_pieces(text, pieces))
            for g in groups:
                g.label = g.label or seg_label
                if colon_head is None:
                    continue
                if match_key(text[g.start : g.end]).startswith("các "):
                    colon_head = None  # "…; các phòng, đơn vị liên quan" names its own head
                elif not g.head and not _own_head(text[g.start : g.end]):
                    g.head, g.label = colon_head, label
            mentions.extend(_mention(text, g) for g in groups)
    return mentions


# a match never starts inside a run of spaces (it would start at the run's start): each run is read once
_AND_CUT = re.compile(r"(?<!\s)\s++và\s++")


@lru_cache(maxsize=1)
def _head_tokens() -> int:
    d = dictionary()
    words = [*d["head_words"], *d["not_heads"], *d["level_words"], *_PERSON_ROLES]
    return max(len(match_key(w).split()) for w in words) + 1


def _and_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of " và " that join two units: before "các …", a capitalised head word ("Sở Nội vụ và Sở Tư pháp")
    or a known name ("BHXH tỉnh và VPUBND tỉnh").

    Never inside a known name ("Văn phòng Đoàn ĐBQH và HĐND tỉnh"), also when a unit and "và" come before it.
    """
    out: list[tuple[int, int]] = []
    comma = start - 1  # the last comma before the current "và" (start - 1: none)
    seen = start
    trims: dict[int, tuple[int, int] | None] = {}
    for m in _AND_CUT.finditer(text, start, end):
        right = _head(text, _head_tokens(), m.end(), end)
        unit_follows = right[:1].isupper() and (_own_head(right) or _known_prefix_end(text, m.end(), end) > 0)
        if not (text.startswith("các ", m.end(), end) or unit_follows):  # "… và VPUBND tỉnh": a known name too
            continue
        last = text.rfind(",", seen, m.start())
        comma, seen = (last if last >= 0 else comma), m.start()
        piece_start = max(comma + 1, out[-1][1] if out else start)  # the unit starts after a cut "và" too
        if piece_start not in trims:
            trims[piece_start] = _trim(text, piece_start, end)
        trimmed = trims[piece_start]
        if trimmed and _known_prefix_end(text, trimmed[0], end) > m.start() - trimmed[0]:
            continue
        out.append((m.start(), m.end()))
    return out


def _mention(text: str, g: _Group) -> UnitMention:
    """The unit of a group, with a role phrase after the agency cut into the note."""
    start, end = g.start, g.end
    note_span = None
    raw = text[start:end]
    if not _starts_with_any(raw, _PERSON_ROLES):  # a person's role is the unit itself
        cut = _role_cut(raw)
        if cut is not None:
            unit_span, role_span = _trim(text, start, start + cut), _trim(text, start + cut, end)
            if unit_span and role_span:
                (start, end), note_span = unit_span, role_span
    written = _Group(start, end, g.head).written(text)
    note = _squash(text[note_span[0] : note_span[1]]) if note_span else None
    return UnitMention(text[start:end], written, start, end, note, note_span, g.label)


def _role_cut(raw: str) -> int | None:
    """Where a role phrase starts in ``raw`` (printed in lower case, after the agency's known name)."""
    after = max(_known_prefix_end(raw), 1)
    best: int | None = None
    for marker in dictionary()["role_markers"]:
        m = re.compile(r"(?<=[\s,])" + re.escape(marker) + r"(?!\w)").search(raw, after)
        if m and (best is None or m.start() < best):
            best = m.start()
    return best


def _singular(head: str) -> str:
    """``Các phòng`` -> ``Phòng`` (the head each listed item takes)."""
    head = _clean(head)
    head = re.sub(r"^(?:các|những)\s+", "", head, flags=re.IGNORECASE)
    return head[:1].upper() + head[1:]


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

    ``alias`` (the dictionary's alias tables and its official agency names with their printed
    variants: "Sở Lao động, Thương binh và Xã hội" -> "Sở Lao động - Thương binh và Xã hội"),
    ``document`` (a name or abbreviation the same plan defines), ``abbreviation`` (dictionary
    abbreviations expanded), ``head`` (an unknown name under a known head word: "Phòng Quản lý
    Bưu chính"), ``none`` (nothing recognised: a dictionary candidate).
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
    official = agency_names().get(_nkey(cleaned))
    if official:
        return official, "alias"
    canonical = agency_names().get(_nkey(expanded)) or _AMP.sub("&", expanded[:1].upper() + expanded[1:])
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
        name, matched = canonicalize(m.written, ctx)
        if name:
            out.append(Unit(m.raw, m.written, name, unit_kind(name, ctx), m.note, matched))
    return out


_DEFINED = re.compile(r"\(\s*([A-ZĐ][A-ZĐ0-9&\-]{1,11})\s*\)")


_DEFINITION_SEPS = re.compile(r"[.;:()\n]")


def defined_abbreviations(text: str) -> dict[str, str]:
    """``… Trung tâm giám sát, điều hành an toàn thông tin (SOC)`` -> {"SOC": "Trung tâm giám sát, …"}."""
    text = nfc(text or "")
    heads = dictionary()["head_words"]
    found: dict[str, str] = {}
    seg, seen = 0, 0  # the start of the text after the last separator before ``seen``
    for m in _DEFINED.finditer(text):
        abbr = m.group(1)
        for sep in _DEFINITION_SEPS.finditer(text, seen, m.start()):  # each character read once
            seg = sep.end()
        seen = m.start()
        before = text[seg : m.start()].split()[-14:]
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
            name = expand_abbreviations(_clean(m.written), ctx)
            if match_key(name).startswith("phòng "):
                ctx.departments.setdefault(_key(name[len("Phòng ") :]), name[:1].upper() + name[1:])
    return ctx
