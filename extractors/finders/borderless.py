"""Task tables drawn without ruling lines, rebuilt as a grid from the text's own geometry.

- header: the block of consecutive lines (however many) whose chunks, grouped by x-overlap into
  labels, read as a task-table header (:func:`extractors.headers.looks_like_header`); a chunk
  lying over two chunks that do not overlap each other is a group label ("Cơ quan thực hiện"
  over "Chủ trì | Phối hợp"); a bold header ends at the first line that is not bold;
- columns: between two header labels, the widest white-space river of the body (the x where
  fewest body words cross), so a word gap inside a wide column never becomes an edge; carried
  to the next pages and re-fitted there to that page's rivers;
- headings: a bold line (or a roman-numbered capitalised one) is a section or group row, its
  words kept in the columns they start in so :mod:`extractors.headings` classifies it as on a
  ruled table;
- rows: per column, the text blocks (lines at the in-cell leading, the short end of each column's
  line spacings); a row starts where blocks start in two columns (unless more columns print
  across that height), or in one column with nothing crossing that line (a centred merged
  cell prints between the lines of its neighbours), no neighbour carrying a sentence on in
  lower case across it, and — where the TT column centres its numbers — not a TT number beside
  another cell's middle; an empty TT cell does not matter. Every number in the TT column starts a
  block; one-line number/code columns printed in the middle of their rows (padded rows start with
  their longer cells alone) start no row; a second number in a top-aligned TT column starts one
  even beside a merged cell's line; a block whose first line the next row's top cuts, or that
  starts less than a line below the last row's top, is a centred cell, not a row; a line crossing a
  block's start that is level with no other column's line, where two columns or more print a line
  level with that start (none in lower case), is a centred merged cell floating over rows that run
  together without padding, not a sign that the block is centred; in rows printed without padding, a
  line height where columns start lines in capitals level with each other (:func:`_capital_rows`), or
  where a column that starts a line at every row top alone starts one in capitals after a line of its
  own that ended without punctuation (:func:`_lone_rows`: the activities under a merged task), starts
  a row;
- merged cells: a block running on into the next row's band (in lower case), or a block that
  does not start at its row's top (vertically centred; it runs on over a row top whatever the
  case of its next line), is one cell spanning the rows it covers (a centred one: the empty
  rows above and below it, as evenly as they fit, over all the empty rows it centres on; in a
  table that centres its merges, a block level with its row's top but centred exactly over empty
  rows around it spans them, clearly better centred than in its own row, or, in the task and
  objective columns, as well); the row number of a merged task spans the task's rows (printed at
  its top or beside its middle); an empty
  cell under a filled one joins it only in a column where merges are seen, or in the objective
  column (:data:`MERGE_FIELDS`), or in the task column on a row with an activity of its own (an
  activity of the task above, :func:`_activity_row`); an empty value cell is never filled
  by default, even though a one-line merged cell printed at its top then leaves no trace without
  ruling lines;
- a page that continues the table: its first row starts at the first line in the table's columns
  (a cell's line printed above a centred row number included; a page holding only the end of a cell,
  its lines in one column going on in lower case, is that cell's rest); a header found there must name
  about as many fields as the carried one, and the grid says it has no header rows (``PageTable.header_rows``), so the
  assembler never reads a merged body cell as a header.

The result is an ordinary :class:`PageTable` whose cells hold their text (``kind="borderless"``),
so the assembly (header mapping, sections, page-break continuation) is shared with ruled tables.
"""

from __future__ import annotations

import copy
import logging
import re
import statistics
import time
from dataclasses import dataclass, field

from pdfplumber.utils import cluster_objects, extract_words

from extractors.finders import ReadState
from extractors.headers import field_for, is_column_number_row, looks_like_header
from extractors.headings import GROUP_NUMBER, ITEM_NUMBER, is_roman
from extractors.model import GridCell, PageContent, PageTable
from extractors.settings import ExtractSettings
from extractors.tagged import apply_tags, row_starts

log = logging.getLogger(__name__)

CHUNK_GAP = 10.0  # points of white space that separate two columns' text on one line
MAX_HEADER_LINES = 9
CAPITAL_COLUMNS = 4  # columns starting a line in capitals level with each other start a row (:func:`_capital_rows`)
WRAPPED_COLUMNS = 2  # ... or this many, each after a line that ended rather than wrapped (:func:`_ended`)
LONE_ROWS = 3  # rows a column must start (each) before it alone may start one (:func:`_lone_rows`)
HEADER_GAP = 0.5  # line heights of white space that end a header (the title above it)
_TT = re.compile(r"^(\d{1,3}(\.\d{1,3})*[.)]?|[a-zđ][.)])$")
_PART = re.compile(r"^(PHẦN|Phần|MỤC|Mục|CHƯƠNG|Chương)$")
#: share of a column's cells (lines at row tops) that start with their own number (``ITEM_NUMBER``: "2.19. Phê
#: duyệt", "a) Rà soát") for the column to number its cells
NUMBERED_SHARE = 0.6
_NUMBER = re.compile(r"^[\d.,]+$")  # an amount, a count
_PART_NUMBER = re.compile(r"^(\d{1,2}|[A-Z])[.:]?$")
#: Columns whose empty cell under a filled one is taken as merged even when no merge is seen in them: only
#: the objective, the parent of the tasks beside it (printed once over its tasks, like a group title).
#: Value columns are not (issue 15: "fill-down only where the layout shows a merge, never to fill an empty
#: cell by default"): a real plan's empty deadline or lead must stay empty. Filling output, lead and
#: deadline too gained 0.026 exact cells on the generated borderless set (top-aligned one-line merges
#: leave no other trace) at the cost of inventing values wherever a plan leaves them empty.
MERGE_FIELDS = frozenset({"objective"})
#: Columns every task row fills: in a table that centres its merges, a block level with its row's top that
#: centres as well over the empty rows around it covers them (a task centred over rows 1-3 is centred in
#: row 2 too; a row has a task)
ALWAYS_FILLED = frozenset({"objective", "task"})


@dataclass
class Columns:
    """A borderless layout carried from the page that printed its header to the next pages."""

    edges: list[float]
    tt: int | None
    fields: list[str | None]
    merging: set[int] = field(default_factory=set)  # columns where a merged cell was seen
    numbered: set[int] = field(default_factory=set)  # columns that number their cells (:func:`_numbering`)
    centres: bool = False  # a merged cell was seen vertically centred (not at its first row's top)


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def bold(self) -> bool:
        return sum(len(w["text"]) for w in self.words if _bold(w)) > 0.5 * sum(len(w["text"]) for w in self.words)


def _bold(word: dict) -> bool:
    return "bold" in str(word.get("fontname", "")).lower()


def _words(chars: list[dict], settings: ExtractSettings) -> list[dict]:
    return extract_words(
        chars, x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance, extra_attrs=["fontname"]
    )


def _group_lines(words: list[dict], tolerance: float) -> list[_Line]:
    out = []
    for group in cluster_objects(words, "top", tolerance):
        group.sort(key=lambda w: w["x0"])
        out.append(_Line(min(w["top"] for w in group), max(w["bottom"] for w in group), group))
    return sorted(out, key=lambda ln: ln.top)


def _lines(chars: list[dict], settings: ExtractSettings) -> list[_Line]:
    return _group_lines(_words(chars, settings), settings.y_tolerance)


def _chunks(line: _Line) -> list[list[dict]]:
    out = [[line.words[0]]]
    for w in line.words[1:]:
        if w["x0"] - out[-1][-1]["x1"] > CHUNK_GAP:
            out.append([])
        out[-1].append(w)
    return out


def _span(chunk: list[dict]) -> tuple[float, float]:
    return chunk[0]["x0"], max(w["x1"] for w in chunk)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > 0


# ------------------------------------------------------------------------------------------ header
@dataclass
class _Header:
    first: int  # index of its first line
    depth: int  # lines
    columns: list[tuple[float, float, str]]  # leaf columns: x0, x1, label
    groups: list[tuple[int, int, str]]  # group labels over leaf columns [c0, c1)
    top: float = 0.0
    bottom: float = 0.0


def _header_at(lines: list[_Line], i: int, k: int) -> _Header | None:
    chunks = [(j, c) for j in range(i, i + k) for c in _chunks(lines[j])]
    if any(_TT.match(" ".join(w["text"] for w in c)) or is_roman(c[0]["text"]) for _, c in chunks):
        return None  # a row number: body text, not a header
    spans = [_span(c) for _, c in chunks]
    groups_idx = set()
    reach: dict[int, tuple[float, float]] = {}  # a group label's reach: the sub-labels it stands over
    for a, (ja, _) in enumerate(chunks):
        below = [b for b, (jb, _) in enumerate(chunks) if jb > ja and _overlap(spans[a], spans[b])]
        apart = any(not _overlap(spans[b], spans[c]) for b in below for c in below)
        if len(below) >= 2 and apart:
            groups_idx.add(a)
            reach[a] = spans[a]
        elif not below and (pair := _centred_over(chunks, spans, a)) is not None:
            groups_idx.add(a)
            reach[a] = pair
    cols: list[list[int]] = []
    for a in range(len(chunks)):
        if a in groups_idx:
            continue
        homes = [col for col in cols if any(_overlap(spans[a], spans[b]) for b in col)]
        if not homes:
            cols.append([a])
            continue
        for other in homes[1:]:
            homes[0].extend(other)
            cols.remove(other)
        homes[0].append(a)
    cols.sort(key=lambda col: min(spans[a][0] for a in col))
    columns = []
    for col in cols:
        col.sort(key=lambda a: (chunks[a][0], spans[a][0]))
        label = " ".join(" ".join(w["text"] for w in chunks[a][1]) for a in col)
        columns.append((min(spans[a][0] for a in col), max(spans[a][1] for a in col), label))
    if len(columns) < 3 or not looks_like_header([c[2] for c in columns]):
        return None
    groups = []
    for a in groups_idx:
        covered = [n for n, c in enumerate(columns) if _overlap(reach[a], (c[0], c[1]))]
        if len(covered) > 3:
            return None  # a title over the whole table, not a group label
        if covered:
            groups.append((covered[0], covered[-1] + 1, " ".join(w["text"] for w in chunks[a][1])))
    return _Header(i, k, columns, sorted(groups), lines[i].top - 1, lines[i + k - 1].bottom + 1)


def _centred_over(chunks: list[tuple[int, list[dict]]], spans: list[tuple[float, float]], a: int):
    """A label with nothing under it, centred over two labels printed wholly below its line, one either
    side (a group label over two narrow columns, "Đơn vị thực hiện" over "Chủ trì | Phối hợp"): the
    x-range of those two, else None."""
    ja = chunks[a][0]
    x0, x1 = spans[a]
    lower = [b for b, (jb, _) in enumerate(chunks) if jb > ja]
    left = max((b for b in lower if spans[b][1] <= x0), key=lambda b: spans[b][1], default=None)
    right = min((b for b in lower if spans[b][0] >= x1), key=lambda b: spans[b][0], default=None)
    if left is None or right is None:
        return None
    for side in (left, right):  # the sub-labels' columns print nothing on or above the group's line
        if any(jb <= ja and _overlap(spans[b], spans[side]) for b, (jb, _) in enumerate(chunks)):
            return None
    cl, cr = sum(spans[left]) / 2, sum(spans[right]) / 2
    if abs((x0 + x1) / 2 - (cl + cr) / 2) > 0.15 * (cr - cl):
        return None
    return spans[left][0], spans[right][1]


def _ends_header(window: list[_Line], nxt: _Line) -> bool:
    """The line after a header window is body: a row number, the "(1) (2)" row, a section, or plain
    text under a bold header, or a gap wider than two lines."""
    first = nxt.words[0]["text"]
    number = " ".join(w["text"] for w in _chunks(nxt)[0])  # a row number stands alone ("7", not "7 - Thời")
    if _TT.match(number) or is_roman(first) or _part(nxt):
        return True
    if is_column_number_row([" ".join(w["text"] for w in c) for c in _chunks(nxt)]):
        return True
    if nxt.bold != window[-1].bold:
        return True
    height = statistics.median(ln.bottom - ln.top for ln in window)
    return nxt.top - window[-1].bottom > HEADER_GAP * height


def _find_header(lines: list[_Line]) -> _Header | None:
    """The first header on the page: from the first line that starts one, the deepest window that
    names the most known fields (taking in labels wrapped over several lines and the sub-labels
    under a group label)."""
    for i in range(len(lines)):
        best = _best_header_at(lines, i)
        if best is None:
            continue
        # a title line above the header can pass for a label: a window starting inside this one that
        # names more fields is the header
        for j in range(i + 1, i + best[1].depth):
            inner = _best_header_at(lines, j)
            if inner is not None and inner[0] > best[0]:
                best = inner
        return best[1]
    return None


def _best_header_at(lines: list[_Line], i: int) -> tuple[int, _Header] | None:
    """The deepest header window from line ``i`` that names the most known fields, with that number."""
    best = None
    for k in range(1, MAX_HEADER_LINES + 1):
        if i + k > len(lines):
            break
        if k > 1 and _ends_header(lines[i : i + k - 1], lines[i + k - 1]):
            break
        h = _header_at(lines, i, k)
        if h is None:
            continue
        known = sum(1 for c in h.columns if field_for(c[2]))
        if best is None or known >= best[0]:
            best = (known, h)
    return best


# ----------------------------------------------------------------------------------------- columns
def _river(words: list[dict], lo: float, hi: float) -> float:
    """The middle of the widest run of x in [lo, hi] that the fewest words cross."""
    xs = [lo + 0.5 * n for n in range(int((hi - lo) * 2) + 1)]
    if not xs:
        return (lo + hi) / 2
    counts = [sum(1 for w in words if w["x0"] < x < w["x1"]) for x in xs]
    least = min(counts)
    best, run_start, best_len = (lo + hi) / 2, None, -1
    for n, c in enumerate(counts + [least + 1]):
        if c == least and run_start is None:
            run_start = n
        elif c != least and run_start is not None:
            if n - run_start > best_len:
                best_len, best = n - run_start, (xs[run_start] + xs[n - 1]) / 2
            run_start = None
    return best


def _body_words(body: list[_Line]) -> list[dict]:
    return [w for ln in body if not _heading_like(ln) for w in ln.words]


def _edges(columns: list[tuple[float, float, str]], body: list[_Line]) -> list[float]:
    """Column boundaries through the white space of the body text, between the labels' centres; where
    that puts numbers printed under the next label (a narrow column's, at its left under a centred
    label, leave a wider river right of them) into the column before, in the gap between the two labels
    instead (a label lies inside its column), when no body word crosses it there."""
    words = _body_words(body)
    edges = [min([columns[0][0]] + [w["x0"] for w in words]) - 1]
    for (a0, a1, _), (b0, b1, _) in zip(columns, columns[1:], strict=False):
        edge = _river(words, (a0 + a1) / 2, (b0 + b1) / 2)
        if a1 < b0 < edge and any(b0 - 2 <= w["x0"] and w["x1"] <= edge and _NUMBER.match(w["text"]) for w in words):
            # numbers under the next label, left of the edge: that column's, printed at its left
            between = _river(words, a1, b0)
            if not any(w["x0"] < between < w["x1"] for w in words):
                edge = between
        edges.append(edge)
    edges.append(max([columns[-1][1]] + [w["x1"] for w in words]) + 1)
    return edges


def _refit(edges: list[float], body: list[_Line]) -> list[float]:
    """A carried layout fitted to this page's rivers (the body may sit a little left or right)."""
    words = _body_words(body)
    if not words:
        return edges
    centres = [(a + b) / 2 for a, b in zip(edges, edges[1:], strict=False)]
    inner = [_river(words, a, b) for a, b in zip(centres, centres[1:], strict=False)]
    return [min([edges[0]] + [w["x0"] - 1 for w in words])] + inner + [max([edges[-1]] + [w["x1"] + 1 for w in words])]


def _col(edges: list[float], x: float) -> int:
    for c in range(len(edges) - 1):
        if x < edges[c + 1]:
            return c
    return len(edges) - 2


def _wcol(edges: list[float], w: dict) -> int:
    return _col(edges, (w["x0"] + w["x1"]) / 2)


# ---------------------------------------------------------------------------------------- headings
def _heading_like(line: _Line) -> bool:
    first = line.words[0]["text"]
    if is_column_number_row([w["text"] for w in line.words]):
        return False
    rest = " ".join(w["text"] for w in line.words[1:])
    if line.bold:
        return True
    numbered = is_roman(first) or (_PART.match(first) is not None and len(line.words) > 1)
    return numbered and rest.upper() == rest and any(ch.isalpha() for ch in rest)


def _heading_start(line: _Line) -> bool:
    first = line.words[0]["text"]
    return is_roman(first) or _part(line) or bool(GROUP_NUMBER.match(first))


def _part(line: _Line) -> bool:
    """Does the line start a part, "PHẦN I", "Mục 2." (not a header label such as "Mục tiêu")?"""
    words = [w["text"] for w in line.words[:2]]
    return (
        len(words) == 2 and bool(_PART.match(words[0])) and (is_roman(words[1]) or bool(_PART_NUMBER.match(words[1])))
    )


# ------------------------------------------------------------------------------------------- table
def borderless_table(
    chars: list[dict],
    page_no: int,
    settings: ExtractSettings,
    carry: Columns | None,
    row_starts: list[float] | None = None,
) -> tuple[PageTable | None, Columns | None]:
    """The page's borderless task table (or None) and the layout to carry to the next page. ``row_starts``:
    where rows start when the file says so (a tagged PDF's table rows, :func:`extractors.tagged.row_starts`);
    without them rows are found from the text (:func:`_row_tops`)."""
    lines = _lines(chars, settings)
    if not lines:
        return None, carry
    header = _find_header(lines)
    if header is not None and carry is not None and not _replaces(header, carry):
        header = None  # body text that happens to name a few fields, under the carried header
    if header is not None:
        body = _until_signature(lines[header.first + header.depth :])
        edges = _edges(header.columns, body)
        fields: list[str | None] = [None] * (len(edges) - 1)
        for x0, x1, label in header.columns:
            fields[_col(edges, (x0 + x1) / 2)] = field_for(label)
        layout = Columns(edges, fields.index("tt") if "tt" in fields else None, fields)
        if carry is not None and carry.fields == fields:  # the header repeated: the same table goes on
            layout.numbered = set(carry.numbered)
    elif carry is not None:
        first = next((n for n, ln in enumerate(lines) if _in_table(ln, carry)), None)
        while first and _leads_into(lines[first - 1], lines[first], carry):
            first -= 1  # a cell's first line printed above the row's number (centred beside two lines)
        if first is None:  # only the end of a cell carried over: its lines in one column, going on in lower case
            first = 0 if _carries_on(lines, carry) else None
            lines = lines[: _one_column_run(lines, carry)] if first == 0 else lines
        body = _until_signature(lines[first:]) if first is not None else []
        layout = Columns(_refit(carry.edges, body), carry.tt, carry.fields, carry.merging, carry.numbered)
    else:
        return None, None
    body = [ln for ln in body if not _number_row(ln)]  # the "(1) (2) (3)" row of a repeated header
    if not body and header is None:
        return None, carry
    return _grid(page_no, header, body, layout, settings, row_starts), layout


def _known(fields: list[str | None]) -> int:
    return len({f for f in fields if f})


def _replaces(header: _Header, carry: Columns) -> bool:
    """A header found on a page that continues a table starts a new layout only when it names about as
    many fields as the carried one (a repeated header, or a new table's); a few body cells that happen to
    read as labels ("Trung tâm ...", "Nhiệm vụ") under the carried header do not."""
    known = _known([field_for(label) for _, _, label in header.columns])
    return known >= min(_known(carry.fields), 4)


def _number_row(line: _Line) -> bool:
    return is_column_number_row([" ".join(w["text"] for w in c) for c in _chunks(line)])


def _in_table(line: _Line, layout: Columns) -> bool:
    cols = {_wcol(layout.edges, w) for w in line.words}
    starts_tt = layout.tt is not None and layout.tt in cols and _TT.match(line.words[0]["text"])
    return len(cols) >= 2 or bool(starts_tt) or (_heading_like(line) and _heading_start(line))


def _leads_into(line: _Line, nxt: _Line, layout: Columns) -> bool:
    """Is ``line`` (in one column) the first line of a table row that ``nxt`` goes on with? Right above
    it at the line spacing, inside one body column, not a heading."""
    height = line.bottom - line.top
    cols = {_wcol(layout.edges, w) for w in line.words}
    inside = layout.edges[0] <= line.words[0]["x0"] and line.words[-1]["x1"] <= layout.edges[-1]
    return (
        inside
        and len(cols) == 1
        and cols != {layout.tt}
        and nxt.top - line.bottom < 0.5 * height
        and not _heading_like(line)
    )


def _single_column(line: _Line, layout: Columns) -> int | None:
    """The body column (not the TT one) holding all of ``line``, if one does."""
    cols = {_wcol(layout.edges, w) for w in line.words}
    inside = layout.edges[0] <= line.words[0]["x0"] and line.words[-1]["x1"] <= layout.edges[-1]
    return next(iter(cols)) if inside and len(cols) == 1 and cols != {layout.tt} else None


def _carries_on(lines: list[_Line], layout: Columns) -> bool:
    """Does the page open with the rest of a table cell from the page before (and no table row of its
    own)? Its first line lies in one body column and goes on with a sentence in lower case."""
    first = lines[0]
    return _single_column(first, layout) is not None and _starts_lower(first.text) and not _heading_like(first)


def _one_column_run(lines: list[_Line], layout: Columns) -> int:
    """How many lines from the top go on in the first line's column at the line spacing."""
    col = _single_column(lines[0], layout)
    n = 1
    while n < len(lines):
        gap = lines[n].top - lines[n - 1].bottom
        if _single_column(lines[n], layout) != col or gap > 0.6 * (lines[n].bottom - lines[n].top):
            break
        n += 1
    return n


def _until_signature(body: list[_Line]) -> list[_Line]:
    """The table ends where the signature block ("Nơi nhận") starts."""
    out = []
    for ln in body:
        if re.match(r"^(nơi nhận|noi nhan)", ln.text.lower()):
            break
        out.append(ln)
    return out


@dataclass
class _CLine:
    """One line of text inside one column."""

    top: float
    bottom: float
    text: str
    x0: float = 0.0
    x1: float = 0.0
    first: float = 0.0  # the width of its first word (:func:`_ended`)


@dataclass
class _Row:
    top: float
    heading: _Line | None = None  # a section/group row: the line(s) printed across the row
    extra: list[_Line] = field(default_factory=list)


def _col_lines(words: list[dict], edges: list[float], n_cols: int, tolerance: float) -> list[list[_CLine]]:
    per: list[list[dict]] = [[] for _ in range(n_cols)]
    for w in words:
        per[_wcol(edges, w)].append(w)
    out = []
    for ws in per:
        lines = _group_lines(ws, tolerance) if ws else []  # "ý" sits lower than "lấy": the page's tolerance
        out.append(
            [
                _CLine(
                    ln.top,
                    ln.bottom,
                    ln.text,
                    ln.words[0]["x0"],
                    ln.words[-1]["x1"],
                    ln.words[0]["x1"] - ln.words[0]["x0"],
                )
                for ln in lines
            ]
        )
    return out


def _starts_lower(text: str) -> bool:
    first = text.lstrip("-+• (\"'“")[:1]
    return first.isalpha() and first.islower()


def _crosses(line: _CLine, y: float) -> bool:
    """Does the line's ink (its box without the leading above and below) run across height ``y``?"""
    margin = 0.3 * (line.bottom - line.top)
    return line.top + margin < y < line.bottom - margin


def _row_tops(cols: list[list[_CLine]], pitch: float, tt: int | None = None, tol: float = 2.0) -> list[float]:
    """Where rows start in a run of body lines without headings.

    A row starts where text blocks start in two columns or more, unless more columns print a line
    across that height than start there (two vertically centred merged cells that happen to start
    level). A block starting in one column alone starts a row only when no other column prints a line
    across it (a centred merged cell sits between its neighbours' lines), none carries a sentence on in
    lower case beside it, and — when the TT column centres its numbers vertically (its blocks mostly
    start where no other column does) — no other column is in the middle of a cell there. Columns of
    one-line cells (numbers, codes) that start alone at least once, as often as the longer cells start
    without them, and with no longer cell running past two of them (rows padded apart), are printed in
    the middle of their rows: starting together there does not start a row either. Where the TT column
    numbers every row (not centred), a block starting in one column beside a cell mid-text and no
    number is no row (rows printed without padding run their lines together)."""

    def gap(lines: list[_CLine], n: int) -> bool:
        return n == 0 or lines[n].top - lines[n - 1].bottom > pitch - (lines[n].bottom - lines[n].top) + tol + 1.5

    # columns that number their cells ("3.44. Xây dựng…"): of their blocks' first lines, most start with a
    # number; there a numbered line starts a cell, however close the line above, and a row
    numbered = set()
    for c, lines in enumerate(cols):
        firsts = [bool(ITEM_NUMBER.match(ln.text)) for n, ln in enumerate(lines) if gap(lines, n)]
        count = sum(1 for ln in lines if ITEM_NUMBER.match(ln.text))
        if c != tt and _numbers_cells(count, sum(firsts), len(firsts)):
            numbered.add(c)
    starts: list[tuple[float, int]] = []  # (top, column) of each text block's first line
    blocks: list[list[list[float]]] = [[] for _ in cols]  # per column: [top, bottom, lines] of each block
    for c, lines in enumerate(cols):
        for n, ln in enumerate(lines):
            own_number = (c == tt and _TT.match(ln.text)) or (c in numbered and ITEM_NUMBER.match(ln.text))
            if gap(lines, n) or own_number:  # one number per TT cell (or numbered cell), however close the next
                starts.append((ln.top, c))
                blocks[c].append([ln.top, ln.bottom, 0])
            blocks[c][-1][1] = ln.bottom
            blocks[c][-1][2] += 1
    starts.sort()
    clusters: list[list[tuple[float, int]]] = []
    for s in starts:
        if clusters and s[0] - clusters[-1][0][0] <= tol:
            clusters[-1].append(s)
        else:
            clusters.append([s])
    if not clusters:
        return []
    # Does the TT column centre its numbers? Its blocks then mostly start where no other column does.
    tt_starts = [cl for cl in clusters if any(c == tt for _, c in cl)]
    tt_centred = bool(tt_starts) and sum(1 for cl in tt_starts if len({c for _, c in cl}) >= 2) < 0.5 * len(tt_starts)
    # Columns of one-line cells (numbers, codes) printed in the middle of their rows: rows start with the
    # longer cells alone (their padding shows: no longer cell runs on past two of the numbers), the short
    # ones start lower down, alone.
    short = {c for c, bs in enumerate(blocks) if bs and all(b[2] == 1 for b in bs)}
    long = {c for c, bs in enumerate(blocks) if bs and c not in short}
    alone = [cl[0][0] for cl in clusters if {c for _, c in cl} <= short]
    long_only = sum(1 for cl in clusters if {c for _, c in cl} <= long)
    marks = {tt} if tt in short else short  # the row numbers (or, with none, the one-line columns)
    number_ys = [cl[0][0] for cl in clusters if any(c in marks for _, c in cl)]
    padded = all(sum(1 for y in number_ys if b[0] + tol < y < b[1]) < 2 for c in long for b in blocks[c])
    centred = short if long and padded and 1 <= len(alone) <= long_only else set()
    # Does every row start with a number? (the TT column then numbers the rows where blocks start together)
    together = [cl for cl in clusters if len({c for _, c in cl}) >= 2]
    tt_dense = (
        not tt_centred
        and len(together) >= 3
        and sum(1 for cl in together if any(c == tt for _, c in cl)) >= 0.8 * len(together)
    )
    first_line = {(ln.top, c): ln for c, lines in enumerate(cols) for ln in lines}
    tops = [clusters[0][0][0]]
    numbered_row = any(c == tt for _, c in clusters[0])  # the last row has its number
    for k, cl in enumerate(clusters[1:], 1):
        y = cl[0][0]
        starters = {c for _, c in cl}
        own = first_line[cl[0]]
        top = (len(starters) == 1 and cl[0][1] in numbered and bool(ITEM_NUMBER.match(own.text))) or _starts_row(
            cols, clusters, k, first_line, pitch, tt, tol, centred, tt_centred, tt_dense, numbered_row, tops[-1]
        )
        top = top and y - tops[-1] > 0.75 * pitch  # the row above holds a line at least
        if top:
            tops.append(y)
        if top or tt in starters:
            numbered_row = tt in starters
    tops = sorted(tops + _capital_rows(cols, tops, pitch, tt, tol))
    return sorted(tops + _lone_rows(cols, tops, pitch, tt, tol))


def _ended(lines: list[_CLine], line: _CLine, pitch: float, tol: float) -> bool | None:
    """Did the line above ``line`` in its column end its cell (or paragraph) rather than wrap? True when
    ``line``'s first word would have fitted after it within the column's widest line (a wrapped line
    breaks only where the next word does not fit), False when it would not, None with no line just above
    or nothing to measure (lines without their positions)."""
    above = [ln for ln in lines if 0 < line.top - ln.top <= pitch + tol]
    if not above or not line.first:
        return None
    prev = above[-1]
    left = min(ln.x0 for ln in lines)
    width = max(ln.x1 for ln in lines) - left
    space = 0.3 * (line.bottom - line.top)
    return prev.x1 - left + space + line.first <= width + 0.5


def _capital_rows(cols: list[list[_CLine]], tops: list[float], pitch: float, tt: int | None, tol: float) -> list[float]:
    """Row tops no block start shows: in rows printed without padding whose cells all end on the line
    above, the next row's cells start on the next line of the grid. A line height where at least
    :data:`CAPITAL_COLUMNS` columns start a line in capitals, at most one goes on in lower case and no
    line runs across (between the grid's lines) starts a row; so does one where every column printing a
    line there — :data:`WRAPPED_COLUMNS` or more — starts it in capitals after a line that ended rather
    than wrapped (:func:`_ended`), any line across it a merged cell floating between the grid's lines.
    No row starts within another's first line."""
    ys = sorted({ln.top for c, lines in enumerate(cols) if c != tt for ln in lines})
    out: list[float] = []
    for y in ys:
        if any(abs(y - t) < 0.75 * pitch for t in [*tops, *out]):
            continue
        level = [(c, ln) for c, lines in enumerate(cols) if c != tt for ln in lines if abs(ln.top - y) <= tol]
        crossing = {c for c, lines in enumerate(cols) for ln in lines if _crosses(ln, y)}
        if not crossing:
            capitals = sum(1 for _, ln in level if ln.text[:1].isupper())
            if capitals >= CAPITAL_COLUMNS and sum(1 for _, ln in level if _starts_lower(ln.text)) <= 1:
                out.append(y)
                continue
        if crossing - _floating(cols, set(), crossing, y, tol):
            continue
        # a centred merged cell floats between the grid's lines: the cells level with the line decide
        ended = [_ended(cols[c], ln, pitch, tol) for c, ln in level]
        fresh = sum(1 for (_, ln), e in zip(level, ended, strict=True) if e and ln.text[:1].isupper())
        if fresh >= WRAPPED_COLUMNS and fresh == len(level):
            out.append(y)
    return out


def _lone_rows(cols: list[list[_CLine]], tops: list[float], pitch: float, tt: int | None, tol: float) -> list[float]:
    """Row tops shown by one column alone: the activities under a merged task, in rows printed without
    padding, start one after another while every other column's cell runs on (or is a merged cell printed
    once). A column that starts a line at every row top of the run (:data:`LONE_ROWS` of them or more)
    starts a row where it starts a line in capitals after a line of its own that ended rather than wrapped
    (:func:`_ended`) and ended without punctuation (a cell's paragraphs and list items end in ".", ";",
    ":" or ","; a cell ends without)."""
    if len(tops) < LONE_ROWS:
        return []
    every = [
        c for c, lines in enumerate(cols) if c != tt and all(any(abs(ln.top - t) <= tol for ln in lines) for t in tops)
    ]
    out: list[float] = []
    for c in every:
        lines = cols[c]
        left = min(ln.x0 for ln in lines)
        for n, ln in enumerate(lines[1:], 1):
            if any(abs(ln.top - t) < 0.75 * pitch for t in [*tops, *out]):
                continue
            prev = lines[n - 1]
            if (
                ln.text[:1].isupper()
                and ln.x0 - left <= 2 * tol  # a cell's first line starts at the column's left
                and ln.top - prev.top <= pitch + tol
                and prev.text[-1:].isalnum()
                and _ended(lines, ln, pitch, tol)
            ):
                out.append(ln.top)
    return sorted(out)


def _starts_row(
    cols: list[list[_CLine]],
    clusters: list[list[tuple[float, int]]],
    k: int,
    first_line: dict[tuple[float, int], _CLine],
    pitch: float,
    tt: int | None,
    tol: float,
    centred: set[int],
    tt_centred: bool,
    tt_dense: bool,
    numbered: bool,
    last_top: float,
) -> bool:
    """Does the k-th cluster of block starts start a row? (see :func:`_row_tops`; ``last_top``: where
    the row above starts)"""
    cl = clusters[k]
    y = cl[0][0]
    starters = {c for _, c in cl}
    if len(starters) == 1:
        own = first_line[cl[0]]
        nxt = next((o for o in clusters[k + 1 :] if len({c for _, c in o} - centred) >= 2), None)
        if nxt is not None and nxt[0][0] < own.bottom - tol:
            return False  # the next row starts before its first line ends: a centred cell starting early
        if starters == {tt} and numbered and not tt_centred and _TT.match(own.text):
            return True  # a second number in a top-aligned TT column: the next row (beside merged cells too)
    crossers = {c for c, lines in enumerate(cols) if c not in starters and any(_crosses(ln, y) for ln in lines)}
    if crossers and len(starters) == 1:
        crossers -= _floating(cols, starters, crossers, y, tol)
    if len(starters) >= 2 and not starters <= centred:
        return len(starters) > len(crossers)
    if crossers:
        return False  # printed between its neighbours' lines: a vertically centred merged cell
    carried = midway = spanning = False
    fresh = 0  # columns level with it starting a line in capitals (a new cell, in rows without padding)
    for c, lines in enumerate(cols):
        if c in starters:
            continue
        # level with it; a centred block need not sit on its neighbours' line grid: a line a little off
        # its level counts where its own cell goes on above and below it (in the middle of its text)
        here = next((ln for ln in lines if abs(ln.top - y) <= max(tol, 0.45 * (ln.bottom - ln.top))), None)
        if here is None:
            continue
        if _runs_over(lines, last_top, tol):
            spanning = True  # its text runs on over the row above's top: a merged cell, no evidence
            continue
        fresh += abs(here.top - y) <= tol and not _starts_lower(here.text)
        above = any(0 < here.top - ln.top <= pitch + tol for ln in lines)
        below = any(0 < ln.top - here.top <= pitch + tol for ln in lines)
        if above and (abs(here.top - y) <= max(tol, 0.2 * (here.bottom - here.top)) or below):
            midway = True
            carried = carried or _starts_lower(here.text)
    if spanning and fresh < 2:
        return False  # beside a merged cell, only new cells in two more columns show a row starts there
    return (
        not carried
        and not (midway and ((tt_centred and tt in starters) or starters <= centred))
        and not (midway and tt_dense and tt not in starters)
    )


def _runs_over(lines: list[_CLine], y: float, tol: float) -> bool:
    """Does a column's text run on over height ``y`` (a row's top): a line across it, or one level with
    it carrying a sentence on in lower case?"""
    return any(_crosses(ln, y) or (abs(ln.top - y) <= tol and _starts_lower(ln.text)) for ln in lines)


def _floating(cols: list[list[_CLine]], starters: set[int], crossers: set[int], y: float, tol: float) -> set[int]:
    """The crossers at ``y`` that are centred cells themselves, not evidence against a row top there: where
    two columns or more print a line level with the block starting at ``y``, none carrying a sentence on
    in lower case, a crossing line level with no other column's line floats between the rows' lines (a
    merged cell centred over rows that run together without padding)."""
    level = [
        ln for c, lines in enumerate(cols) if c not in starters | crossers for ln in lines if abs(ln.top - y) <= tol
    ]
    if len(level) < 2 or any(_starts_lower(ln.text) for ln in level):
        return set()
    out = set()
    for c in crossers:
        crossing = [ln for ln in cols[c] if _crosses(ln, y)]
        if all(
            not any(abs(o.top - ln.top) <= tol for k, lines in enumerate(cols) if k != c for o in lines)
            for ln in crossing
        ):
            out.add(c)
    return out


def _grid(
    page_no: int,
    header: _Header | None,
    body: list[_Line],
    layout: Columns,
    settings: ExtractSettings,
    row_starts: list[float] | None = None,
) -> PageTable:
    edges = layout.edges
    n_cols = len(edges) - 1
    cells: list[GridCell] = []
    row_edges: list[float] = []
    r0 = 0
    if header is not None:
        r0 = _header_cells(header, edges, cells, row_edges)
    heights = [ln.bottom - ln.top for ln in body]
    height = statistics.median(heights) if heights else 11.0
    pitch = _leading(_col_lines(_body_words(body), edges, n_cols, settings.y_tolerance), height)

    # headings, and runs of plain lines between them
    rows: list[_Row] = []
    segments: list[tuple[int, list[_Line]]] = []  # (index of the segment's first row, lines)
    run: list[_Line] = []

    def flush() -> None:
        if run:
            words = [w for ln in run for w in ln.words]
            cols = _col_lines(words, edges, n_cols, settings.y_tolerance)
            segments.append((len(rows), list(run)))
            for y in _given_tops(run, row_starts) or _row_tops(cols, pitch, layout.tt):
                rows.append(_Row(y))
            run.clear()

    for ln in body:
        if _heading_like(ln) and (_heading_start(ln) or not _spread(ln, edges, layout)):
            flush()
            if (
                rows
                and rows[-1].heading is not None
                and not _heading_start(ln)
                and ln.top - rows[-1].heading.bottom < pitch
            ):
                rows[-1].extra.append(ln)  # a heading wrapped over two lines
            else:
                rows.append(_Row(ln.top - 0.5, ln))
        else:
            run.append(ln)
    flush()
    if not rows:  # the header alone (at a page's foot, the table starting on the next page)
        if header is not None:
            row_edges.append(header.bottom)
        return PageTable(
            page_no,
            (edges[0], row_edges[0] if row_edges else 0, edges[-1], row_edges[-1] if row_edges else 0),
            list(edges),
            row_edges or [0, 0],
            cells,
            kind="borderless",
            header_rows=r0,
        )

    bottom = max(ln.bottom for ln in body) + 1
    row_edges.extend(r.top - 1 for r in rows)
    row_edges.append(bottom)
    n_rows = len(rows)
    filled: dict[tuple[int, int], GridCell] = {}
    for r, row in enumerate(rows):
        if row.heading is not None:
            for cell in _heading_cells(row, r0 + r, edges, row_edges):
                cells.append(cell)
                for c in range(cell.col, cell.col + cell.colspan):
                    filled[r, c] = cell
    # body cells, segment by segment
    seg_bounds = []
    for k, (first_row, lines) in enumerate(segments):
        last_row = segments[k + 1][0] if k + 1 < len(segments) else n_rows
        while last_row > first_row and rows[last_row - 1].heading is not None:
            last_row -= 1
        seg_bounds.append((first_row, last_row, lines))
    seg_cols = [
        _col_lines([w for ln in lines for w in ln.words], edges, n_cols, settings.y_tolerance)
        for _, _, lines in seg_bounds
    ]
    seg_tops = [[rows[r].top for r in range(a, b)] for a, b, _ in seg_bounds]
    layout.numbered |= _numbering(seg_cols, seg_tops, n_cols, settings.y_tolerance)
    for (first_row, last_row, _), cols, seg_rows in zip(seg_bounds, seg_cols, seg_tops, strict=True):
        seg_end = row_edges[r0 + last_row] if last_row < n_rows else bottom
        for c in range(n_cols):
            widest = layout.fields[c] in ALWAYS_FILLED
            centres = None if c == layout.tt else layout.centres  # the TT column centres its numbers apart
            for a, b, text, centred in _pieces(
                cols[c],
                seg_rows,
                seg_end,
                pitch,
                widest=widest,
                centres=centres,
                open_end=last_row >= n_rows,
                open_start=first_row == 0,
                numbers_cells=c in layout.numbered,
            ):
                layout.centres = layout.centres or (centred and c != layout.tt and b - a > 1)
                ra, rb = first_row + a, first_row + b
                if b - a > 1:
                    layout.merging.add(c)
                box = (edges[c], row_edges[r0 + ra], edges[c + 1], row_edges[r0 + rb])
                cell = GridCell(r0 + ra, c, rb - ra, 1, box, text)
                cells.append(cell)
                for r in range(ra, rb):
                    filled[r, c] = cell
        _fill_down(cells, filled, layout, first_row, last_row, row_edges, r0)
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) not in filled:
                box = (edges[c], row_edges[r0 + r], edges[c + 1], row_edges[r0 + r + 1])
                cells.append(GridCell(r0 + r, c, 1, 1, box, []))
    bbox = (edges[0], row_edges[0], edges[-1], row_edges[-1])
    return PageTable(page_no, bbox, list(edges), row_edges, cells, kind="borderless", header_rows=r0)


def _given_tops(run: list[_Line], row_starts: list[float] | None) -> list[float]:
    """The given row starts within a run of body lines (from its first line's top to its last line's
    bottom), the run's first line always one, none within half a line of the one before; empty without them."""
    if not row_starts or not run:
        return []
    top, bottom = run[0].top, max(ln.bottom for ln in run)
    close = 0.5 * statistics.median(ln.bottom - ln.top for ln in run)
    tops = [top]
    for y in sorted(y for y in row_starts if top < y < bottom):
        if y - tops[-1] >= close:  # rows start a line apart: the rest of a merged cell beside a row's start is none
            tops.append(y)
    return tops


def _leading(cols: list[list[_CLine]], height: float) -> float:
    """The distance from one line to the next inside a cell: the short end of the spacings of
    consecutive lines within each column (the longer ones are row breaks, with the cells' padding)."""
    steps = sorted(
        b.top - a.top for lines in cols for a, b in zip(lines, lines[1:], strict=False) if b.top - a.top > 0.6 * height
    )
    if not steps:
        return 1.3 * height
    return min(steps[len(steps) // 5], 1.6 * height)


def _spread(line: _Line, edges: list[float], layout: Columns) -> bool:
    """A bold line whose words sit in three columns or more is a data row set in bold, not a heading."""
    return len({_wcol(edges, w) for w in line.words}) >= 3 and not _heading_start(line)


def _heading_cells(row: _Row, r: int, edges: list[float], row_edges: list[float]) -> list[GridCell]:
    """A section/group row as printed: the chunks of its first line in the columns they start in, the
    last one running to the table's right edge; wrapped lines join the last chunk."""
    assert row.heading is not None
    n_cols = len(edges) - 1
    chunks = _chunks(row.heading)
    starts = [_col(edges, c[0]["x0"] + 1) for c in chunks]
    merged: list[tuple[int, list[str]]] = []
    for c, chunk in zip(starts, chunks, strict=True):
        text = " ".join(w["text"] for w in chunk)
        if merged and merged[-1][0] == c:
            merged[-1][1][0] += " " + text
        else:
            merged.append((c, [text]))
    merged[-1][1].extend(ln.text for ln in row.extra)
    out = []
    y0, y1 = row_edges[r], row_edges[r + 1]
    for k, (c, parts) in enumerate(merged):
        end = merged[k + 1][0] if k + 1 < len(merged) else n_cols
        if k == 0 and c > 0:
            c = 0
        out.append(GridCell(r, c, 1, end - c, (edges[c], y0, edges[end], y1), parts))
    return out


def _pieces(
    lines: list[_CLine],
    tops: list[float],
    end: float,
    pitch: float,
    tol: float = 2.0,
    widest: bool = False,
    centres: bool | None = False,
    open_end: bool = True,
    open_start: bool = True,
    numbers_cells: bool = False,
) -> list[tuple[int, int, list[str], bool]]:
    """A column's cells in one run of rows: (first row, last row + 1, lines, vertically centred).

    A block of lines at the column's leading that runs on, in lower case, past the next row's top
    is one merged cell (in a column that ``numbers_cells``, :func:`_numbering`, one running on in a
    line without a number: "04/NQ-CP ngày…", "Bắc Kạn được nâng cấp…"); a block that starts below
    its row's top (a vertically centred merged cell) spans the empty rows around it, as evenly above
    as below."""
    if not lines or not tops:
        return []

    def row_of(y: float) -> int:
        r = 0
        while r + 1 < len(tops) and y >= tops[r + 1] - tol:
            r += 1
        return r

    blocks: list[list[_CLine]] = []
    for n, ln in enumerate(lines):
        prev = lines[n - 1] if n else None
        contiguous = prev is not None and ln.top - prev.bottom <= pitch - (ln.bottom - ln.top) + tol + 1.5
        new_row = prev is not None and row_of(ln.top) != row_of(prev.top) and abs(ln.top - tops[row_of(ln.top)]) <= tol
        # a block that started between two row tops is a centred merged cell: it runs on over a row top
        centred = bool(blocks) and abs(blocks[-1][0].top - tops[row_of(blocks[-1][0].top)]) > tol + 1.0
        goes_on = _starts_lower(ln.text) or (numbers_cells and not ITEM_NUMBER.match(ln.text))
        if contiguous and not (new_row and not goes_on and not centred):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
    out: list[tuple[int, int, list[str]]] = []
    for block in blocks:
        a, b = row_of(block[0].top), row_of(block[-1].top) + 1
        out.append((a, b, [ln.text for ln in block]))
    # centred blocks: widen over the empty rows around them
    taken = [False] * len(tops)
    for a, b, _ in out:
        for r in range(a, b):
            taken[r] = True
    bounds = tops + [end]
    result = []
    for n, (a, b, text) in enumerate(out):
        block = blocks[n]
        if abs(block[0].top - tops[a]) <= tol + 1.0:
            result.append((a, b, text))
            continue
        best = (a, b)
        best_cost = None
        lo = a
        while lo > 0 and not taken[lo - 1]:
            lo -= 1
        hi = b
        while hi < len(tops) and not taken[hi]:
            hi += 1
        gap = pitch - (block[0].bottom - block[0].top)
        spans = sorted(((ra, rb) for ra in range(lo, a + 1) for rb in range(b, hi + 1)), key=lambda s: s[1] - s[0])
        # the widest span that centres the block as well (within the tolerance), else the smallest that
        # centres it best: rows 3-6 and rows 4-5 share their middle when rows 3 and 6 are as tall, and the
        # empty rows 3 and 6 beside a centred merged cell are its rows (the cell above them is a row's own)
        for ra, rb in spans:
            above = block[0].top - bounds[ra]
            below = bounds[rb] - gap - block[-1].bottom
            cost = abs(above - below)
            if best_cost is None or cost < best_cost - 0.5 * pitch or cost <= max(best_cost, tol + 1.0):
                best, best_cost = (ra, rb), cost
        for r in range(best[0], best[1]):
            taken[r] = True
        result.append((best[0], best[1], text))
    off_top = [abs(blocks[n][0].top - tops[a]) > tol + 1.0 for n, (a, _, _) in enumerate(out)]
    if centres is None or not (centres or any(off_top)):
        return [(a, b, text, False) for a, b, text in result]
    # the table centres its merged cells: a block level with its row's top but centred exactly over that row
    # and empty ones around it (the middle of their band) is a merged cell over them all
    final = []
    for n, (a, b, text) in enumerate(result):
        block = blocks[n]
        lo, hi = a, b
        while lo > 0 and not taken[lo - 1]:
            lo -= 1
        while hi < len(tops) and not taken[hi]:
            hi += 1
        if off_top[n] or (lo, hi) == (a, b):
            final.append((a, b, text, off_top[n]))
            continue
        gap = pitch - (block[0].bottom - block[0].top)

        def miss(span: tuple[int, int], block: list[_CLine] = block, gap: float = gap) -> float:
            return abs((block[0].top - bounds[span[0]]) - (bounds[span[1]] - gap - block[-1].bottom))

        alone = miss((a, b))
        spans = sorted(
            # not down to the last row at the page's bottom (a merged cell there carries on onto the next page),
            # nor up to the first row of a page (it may be the rest of the last page's row)
            (
                (ra, rb)
                for ra in range(lo, a + 1)
                for rb in range(b, hi + 1)
                if (ra, rb) != (a, b) and (rb < len(tops) or not open_end) and (ra > 0 or not open_start)
            ),
            key=lambda s: s[1] - s[0],
        )
        good = [s for s in spans if miss(s) <= tol + 1.0]
        # the smallest span that centres it clearly better than its own row; in a column every row fills,
        # the widest that centres it as well (a task centred over its rows is centred in its middle row too)
        fit = good[-1] if widest and good else next((s for s in good if miss(s) < alone - 0.5 * pitch), None)
        if fit is None:
            final.append((a, b, text, False))
            continue
        for r in range(*fit):
            taken[r] = True
        final.append((fit[0], fit[1], text, True))
    return final


def _numbering(seg_cols: list[list[list[_CLine]]], seg_tops: list[list[float]], n_cols: int, tol: float) -> set[int]:
    """The columns that number their cells ("1.12. Đẩy mạnh…", "2.18. Thực hiện…"): of their lines
    level with a row top, :data:`NUMBERED_SHARE` or more (three at least) start with a number — or, where
    two columns do, half (one at least)."""
    counts = [[0, 0] for _ in range(n_cols)]  # per column: numbered, all lines at a row top
    for cols, tops in zip(seg_cols, seg_tops, strict=True):
        for c, lines in enumerate(cols):
            for ln in lines:
                if any(abs(ln.top - t) <= tol for t in tops):
                    counts[c][0] += bool(ITEM_NUMBER.match(ln.text))
                    counts[c][1] += 1
    strong = {c for c, (numbered, level) in enumerate(counts) if _numbers_cells(numbered, numbered, level)}
    if len(strong) < 2:
        return strong
    # a table whose columns number their cells ("1.2." objectives, "2.6." tasks, "3.6." activities): a column
    # with few cells of its own (an objective merged over many rows) needs less evidence
    return strong | {c for c, (numbered, level) in enumerate(counts) if numbered and 2 * numbered >= level}


def _numbers_cells(numbered: int, numbered_starts: int, starts: int) -> bool:
    """Three numbered lines at least, and :data:`NUMBERED_SHARE` of the cells' starts numbered."""
    return numbered >= 3 and numbered_starts >= NUMBERED_SHARE * starts


def _fill_down(
    cells: list[GridCell],
    filled: dict[tuple[int, int], GridCell],
    layout: Columns,
    first_row: int,
    last_row: int,
    row_edges: list[float],
    r0: int,
) -> None:
    """An empty cell under a filled one joins it where the column shows merges (and in the TT column
    where the task's merged cell covers the row)."""
    task = layout.fields.index("task") if "task" in layout.fields else None
    activity = layout.fields.index("activity") if "activity" in layout.fields else None
    for c, name in enumerate(layout.fields):
        if c == layout.tt:
            continue
        # with an activity column, the task's empty cells under it are its activities' rows, and only those
        sub_rows = c == task and activity is not None
        if c not in layout.merging and name not in MERGE_FIELDS and not sub_rows:
            continue
        for r in range(first_row + 1, last_row):
            above = filled.get((r - 1, c))
            if (r, c) in filled or above is None or above.empty:
                continue
            if sub_rows and not _activity_row(filled, r, activity, r0):
                continue
            _extend(above, r, filled, row_edges, r0)
        if sub_rows and first_row == 0:
            _page_top_task(cells, filled, c, activity, last_row, layout.edges, row_edges, r0)
    if layout.tt is not None and task is not None:
        _tt_over_task(filled, layout.tt, task, first_row, last_row, row_edges, r0)
        for r in range(first_row + 1, last_row):
            above, cover = filled.get((r - 1, layout.tt)), filled.get((r, task))
            if (r, layout.tt) in filled or above is None or cover is None or cover.row - r0 >= r:
                continue
            if above.row == cover.row:
                _extend(above, r, filled, row_edges, r0)


def _page_top_task(
    cells: list[GridCell],
    filled: dict[tuple[int, int], GridCell],
    task: int,
    activity: int | None,
    last_row: int,
    edges: list[float],
    row_edges: list[float],
    r0: int,
) -> None:
    """At a page's top, activity rows without a task of their own (the first row's task cell empty): one
    empty cell over them all, so a task merged over them from the page before covers every one (the
    assembler carries the first row's cell on; the rows below share it)."""
    if (0, task) in filled:
        return
    r = 1
    while r < last_row and (r, task) not in filled and _activity_row(filled, r, activity, r0):
        r += 1
    if r < 2:
        return
    box = (edges[task], row_edges[r0], edges[task + 1], row_edges[r0 + r])
    cell = GridCell(r0, task, r, 1, box, [])
    cells.append(cell)
    for k in range(r):
        filled[k, task] = cell


def _activity_row(filled: dict[tuple[int, int], GridCell], r: int, activity: int | None, r0: int) -> bool:
    """Is row ``r`` an activity of the task above: an activity of its own and no task? (a task merged over
    its activities is printed once, at its top; its activity rows carry no task of their own, numbered or
    not; a row without an activity either stays without a task)"""
    own = filled.get((r, activity)) if activity is not None else None
    return own is not None and not own.empty and own.row - r0 == r


def _tt_over_task(
    filled: dict[tuple[int, int], GridCell],
    tt: int,
    task: int,
    first_row: int,
    last_row: int,
    row_edges: list[float],
    r0: int,
) -> None:
    """The row number of a merged task is merged with it: a task cell spanning several rows with one
    number printed beside it (at its top, or centred beside its middle) gives that number its rows; a
    number beside its lower rows numbers that row alone (the table numbers activities, not tasks), and
    a number below a page's first row that carries a sentence on (the rest of the last page's row) is
    not that row's."""
    seen: set[int] = set()
    for r in range(first_row, last_row):
        cover = filled.get((r, task))
        if cover is None or cover.rowspan < 2 or id(cover) in seen or cover.empty:
            continue
        seen.add(id(cover))
        a, b = cover.row - r0, cover.row - r0 + cover.rowspan
        numbers = {id(c): c for k in range(a, b) if (c := filled.get((k, tt))) is not None and not c.empty}
        if len(numbers) != 1:
            continue
        (number,) = numbers.values()
        na, nb = number.row - r0, number.row - r0 + number.rowspan
        if na < first_row or nb > last_row:
            continue
        if na != a and abs((na + nb) - (a + b)) > 1:
            continue  # printed at neither the task's top nor its middle: the number of one of its rows
        if a == 0 < na and _goes_on_at_top(filled, tt, r0):
            a = na  # the page's first row is the rest of the last page's row, not this number's
        if any((k, tt) in filled and filled[k, tt] is not number for k in range(a, b)):
            continue  # an empty cell of its own in the span (not expected): leave it
        for k in range(na, nb):
            if not a <= k < b:
                del filled[k, tt]
        for k in range(a, b):
            filled[k, tt] = number
        number.row, number.rowspan = r0 + a, b - a
        number.bbox = (number.bbox[0], row_edges[r0 + a], number.bbox[2], row_edges[r0 + b])


def _goes_on_at_top(filled: dict[tuple[int, int], GridCell], tt: int, r0: int) -> bool:
    """Does the page's first row carry on a sentence in lower case (the rest of a row cut by the page break)?"""
    starting = [cell for (r, c), cell in filled.items() if r == 0 and c != tt and cell.row == r0 and cell.lines]
    return any(_starts_lower(cell.lines[0]) for cell in starting)


def _extend(cell: GridCell, r: int, filled: dict[tuple[int, int], GridCell], row_edges: list[float], r0: int) -> None:
    cell.rowspan = r - (cell.row - r0) + 1
    cell.bbox = (cell.bbox[0], cell.bbox[1], cell.bbox[2], row_edges[r0 + r + 1])
    filled[r, cell.col] = cell


def _header_cells(header: _Header, edges: list[float], cells: list[GridCell], row_edges: list[float]) -> int:
    """Header cells into the grid; returns how many grid rows the header takes (1, or 2 with groups)."""
    n_cols = len(edges) - 1
    leaf_col = [_col(edges, (x0 + x1) / 2) for x0, x1, _ in header.columns]
    depth = 2 if header.groups else 1
    ys = [header.top, (header.top + header.bottom) / 2] if depth == 2 else [header.top]
    row_edges.extend(ys)
    y = ys + [header.bottom]
    grouped = {}
    for g0, g1, label in header.groups:
        c0, c1 = leaf_col[g0], leaf_col[g1 - 1] + 1
        cells.append(GridCell(0, c0, 1, c1 - c0, (edges[c0], y[0], edges[c1], y[1]), [label]))
        for n in range(g0, g1):
            grouped[n] = True
    for n, (_, _, label) in enumerate(header.columns):
        c = leaf_col[n]
        if n in grouped:
            cells.append(GridCell(1, c, 1, 1, (edges[c], y[1], edges[c + 1], y[2]), [label]))
        else:
            cells.append(GridCell(0, c, depth, 1, (edges[c], y[0], edges[c + 1], y[-1]), [label]))
    used = {(cell.row, cell.col) for cell in cells}
    for c in range(n_cols):
        if (0, c) not in used and not any(cell.col <= c < cell.col + cell.colspan for cell in cells if cell.row == 0):
            cells.append(GridCell(0, c, depth, 1, (edges[c], y[0], edges[c + 1], y[-1]), []))
    return depth


class BorderlessFinder:
    """Asked on pages where no ruled table was found; the layout carries over in ``state.borderless``."""

    name = "borderless"

    def find(self, page: PageContent, state: ReadState) -> list[PageTable]:
        if not page.chars:
            state.borderless = None
            return []
        # a tagged page may be read again with the rows its tags give: from the layout carried in, untouched
        carry = copy.deepcopy(state.borderless) if page.structure is not None else None
        table, state.borderless = borderless_table(page.chars, page.number, state.settings, state.borderless)
        if table is None:
            return []
        if page.structure is not None:
            started = time.perf_counter()
            tagged = page.structure()
            starts = row_starts(table, tagged) if tagged else []
            if starts:  # the file says where its rows start: the grid is made again with them
                again, layout = borderless_table(page.chars, page.number, state.settings, carry, starts)
                if again is not None:
                    table, state.borderless = again, layout
            if tagged:
                changed = apply_tags(table, tagged, state)
                log.debug("page %d: %d cells merged by the structure tags", page.number, changed)
            state.cache["tags.seconds"] = state.cache.get("tags.seconds", 0.0) + time.perf_counter() - started
        return [table]
