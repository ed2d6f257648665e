"""Task tables drawn without ruling lines, rebuilt as a grid from the text's own geometry.

- header: up to three consecutive lines whose gap-separated chunks read as a task-table
  header (same synonyms as ruled tables); a chunk lying over two lower chunks is a group
  label ("Cơ quan thực hiện" over "Chủ trì | Phối hợp");
- columns: between two header columns, the x where fewest body words cross (the
  whitespace "river"), nearest the midpoint;
- rows: a new row where the TT column prints a number or a roman numeral, else where the
  vertical gap is clearly wider than the line spacing; a line spanning the columns that
  starts with a roman numeral is a section row;
- merged cells: a column's text block that runs on, at normal line spacing, past the next
  row's first line belongs to the row it starts in and spans the rows it covers.

The result is an ordinary :class:`PageTable`, so the assembly stage (header mapping,
sections, page-break continuation, fill-down of merged cells) is shared with ruled tables.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from pdfplumber.utils import cluster_objects, extract_words

from extractors.finders import ReadState
from extractors.headers import field_for, looks_like_header
from extractors.headings import is_roman
from extractors.model import GridCell, PageContent, PageTable
from extractors.settings import ExtractSettings

CHUNK_GAP = 10.0  # points of white space that separate two columns' text on one line
_TT = re.compile(r"^\d{1,3}[.)]?$")


@dataclass
class Columns:
    """A borderless layout carried from the page that printed its header to the next pages."""

    edges: list[float]
    tt: int | None
    fields: list[str | None]


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


def _lines(chars: list[dict], settings: ExtractSettings) -> list[_Line]:
    words = extract_words(chars, x_tolerance=settings.x_tolerance * 2, y_tolerance=settings.y_tolerance)
    out = []
    for group in cluster_objects(words, "top", settings.y_tolerance):
        group.sort(key=lambda w: w["x0"])
        out.append(_Line(min(w["top"] for w in group), max(w["bottom"] for w in group), group))
    return sorted(out, key=lambda ln: ln.top)


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
    spans = [_span(c) for _, c in chunks]
    groups_idx = set()
    for a, (ja, _) in enumerate(chunks):
        below = [b for b, (jb, _) in enumerate(chunks) if jb > ja and _overlap(spans[a], spans[b])]
        if len({chunks[b][0] for b in below}) == 1 and len(below) >= 2:
            groups_idx.add(a)
    cols: list[list[int]] = []
    for a in range(len(chunks)):
        if a in groups_idx:
            continue
        home = next((col for col in cols if any(_overlap(spans[a], spans[b]) for b in col)), None)
        if home is None:
            cols.append([a])
        else:
            home.append(a)
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
        covered = [n for n, c in enumerate(columns) if _overlap(spans[a], (c[0], c[1]))]
        if covered:
            groups.append((covered[0], covered[-1] + 1, " ".join(w["text"] for w in chunks[a][1])))
    return _Header(i, k, columns, groups, lines[i].top - 1, lines[i + k - 1].bottom + 1)


def _find_header(lines: list[_Line]) -> _Header | None:
    """The first header on the page: the window (start, depth) naming the most known fields.

    Its first line must print at least two separate labels, so a centred title above the
    table ("CÁC NHIỆM VỤ …", which names a field too) never starts it; deeper windows win ties,
    taking in labels wrapped over several lines and the sub-labels under a group label.
    """
    for i in range(len(lines)):
        if len(_chunks(lines[i])) < 2:
            continue
        best = None
        for k in (1, 2, 3, 4):
            if i + k > len(lines):
                break
            h = _header_at(lines, i, k)
            if h is None:
                continue
            known = sum(1 for c in h.columns if field_for(c[2]))
            if best is None or known >= best[0]:
                best = (known, h)
        if best is not None:
            return best[1]
    return None


def _edges(columns: list[tuple[float, float, str]], body: list[_Line]) -> list[float]:
    """Column boundaries through the white space of the body text."""
    words = [w for ln in body if not _looks_like_section(ln) for w in ln.words]
    edges = [min([columns[0][0]] + [w["x0"] for w in words]) - 1]
    for (a0, a1, _), (b0, b1, _) in zip(columns, columns[1:], strict=False):
        mid = (a1 + b0) / 2
        lo, hi = int(a0) + 1, int(b1) - 1
        best = min(
            range(lo, hi + 1),
            key=lambda x: (sum(1 for w in words if w["x0"] < x < w["x1"]), abs(x - mid)),
            default=mid,
        )
        edges.append(float(best))
    edges.append(max([columns[-1][1]] + [w["x1"] for w in words]) + 1)
    return edges


def _col(edges: list[float], x: float) -> int:
    for c in range(len(edges) - 1):
        if x < edges[c + 1]:
            return c
    return len(edges) - 2


def _looks_like_section(line: _Line) -> bool:
    rest = " ".join(w["text"] for w in line.words[1:])
    return is_roman(line.words[0]["text"]) and rest.upper() == rest and any(ch.isalpha() for ch in rest)


def _is_section(line: _Line, edges: list[float]) -> bool:
    """A roman-numbered capitalised title whose words run across columns."""
    spread = len({_col(edges, (w["x0"] + w["x1"]) / 2) for w in line.words}) >= 2
    return spread and _looks_like_section(line)


def borderless_table(
    chars: list[dict], page_no: int, settings: ExtractSettings, carry: Columns | None
) -> tuple[PageTable | None, Columns | None]:
    """The page's borderless task table (or None) and the layout to carry to the next page."""
    lines = _lines(chars, settings)
    if not lines:
        return None, carry
    header = _find_header(lines)
    if header is not None:
        body = lines[header.first + header.depth :]
        edges = _edges(header.columns, body)
        fields: list[str | None] = [None] * (len(edges) - 1)
        for x0, x1, label in header.columns:
            fields[_col(edges, (x0 + x1) / 2)] = field_for(label)
        layout = Columns(edges, fields.index("tt") if "tt" in fields else None, fields)
    elif carry is not None:
        layout = carry
        first = next((n for n, ln in enumerate(lines) if _in_table(ln, layout)), None)
        body = lines[first:] if first is not None else []
    else:
        return None, None
    body = _until_signature(body)
    if not body and header is None:
        return None, carry
    return _grid(page_no, header, body, layout), layout


def _in_table(line: _Line, layout: Columns) -> bool:
    cols = {_col(layout.edges, (w["x0"] + w["x1"]) / 2) for w in line.words}
    starts_tt = layout.tt is not None and layout.tt in cols and _TT.match(line.words[0]["text"])
    return len(cols) >= 2 or bool(starts_tt)


def _until_signature(body: list[_Line]) -> list[_Line]:
    """The table ends where the signature block ("Nơi nhận") starts."""
    out = []
    for ln in body:
        if re.match(r"^(nơi nhận|noi nhan)", ln.text.lower()):
            break
        out.append(ln)
    return out


def _row_starts(body: list[_Line], layout: Columns) -> list[int]:
    gaps = [b.top - a.bottom for a, b in zip(body, body[1:], strict=False)]
    typical = statistics.median(gaps) if gaps else 0.0
    starts = [0] if body else []
    for n in range(1, len(body)):
        ln = body[n]
        in_tt = [
            w for w in ln.words if layout.tt is not None and _col(layout.edges, (w["x0"] + w["x1"]) / 2) == layout.tt
        ]
        numbered = bool(in_tt) and bool(_TT.match(in_tt[0]["text"]) or is_roman(in_tt[0]["text"]))
        wide_gap = typical > 0 and gaps[n - 1] > max(1.8 * typical, typical + 4)
        if numbered or _is_section(ln, layout.edges) or (layout.tt is None and wide_gap):
            starts.append(n)
    return starts


def _grid(page_no: int, header: _Header | None, body: list[_Line], layout: Columns) -> PageTable:
    edges = layout.edges
    n_cols = len(edges) - 1
    cells: list[GridCell] = []
    row_edges: list[float] = []
    r0 = 0
    if header is not None:
        r0 = _header_cells(header, edges, cells, row_edges)
    starts = _row_starts(body, layout)
    bounds = list(zip(starts, starts[1:] + [len(body)], strict=True))
    row_edges.extend(body[a].top - 1 for a, _ in bounds)
    if body:
        row_edges.append(body[-1].bottom + 1)
    covered: set[tuple[int, int]] = set()
    gaps = [y.top - x.bottom for x, y in zip(body, body[1:], strict=False)]
    leading = statistics.median(gaps) if gaps else 0.0
    sections = {r for r, (a, b) in enumerate(bounds) if _is_section(body[a], edges) and b - a == 1}
    grid: dict[tuple[int, int], list] = {}  # (row, col) -> [rowspan, lines]
    for r, (a, _) in enumerate(bounds):
        if r in sections:
            box = (edges[0], row_edges[r0 + r], edges[-1], row_edges[r0 + r + 1])
            cells.append(GridCell(r0 + r, 0, 1, n_cols, box, [body[a].text]))
            continue
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            span, lines = _column_block(body, bounds, r, c, edges, leading)
            for k in range(1, span):
                covered.add((r + k, c))
            grid[r, c] = [span, lines]
    _fill_down(grid, layout, sections, len(bounds))
    for (r, c), (span, lines) in sorted(grid.items()):
        box = (edges[c], row_edges[r0 + r], edges[c + 1], row_edges[r0 + r + span])
        cells.append(GridCell(r0 + r, c, span, 1, box, lines))
    bbox = (edges[0], row_edges[0], edges[-1], row_edges[-1])
    return PageTable(page_no, bbox, list(edges), row_edges, cells, kind="borderless")


#: Columns whose empty cell under a filled one means "merged with the row above" (the gold
#: convention of the real plans): no rule is drawn to tell a merge from an empty cell.
MERGE_FIELDS = {"objective", "task"}


def _fill_down(grid: dict[tuple[int, int], list], layout: Columns, sections: set[int], n_rows: int) -> None:
    for c, name in enumerate(layout.fields):
        if name not in MERGE_FIELDS:
            continue
        owner = None
        for r in range(n_rows):
            if r in sections:
                owner = None
                continue
            cell = grid.get((r, c))
            if cell is None:  # covered by a span already
                continue
            if cell[1]:
                owner = (r, c)
            elif owner is not None:
                grid[owner][0] += cell[0]
                del grid[r, c]


def _words_in(line: _Line, c: int, edges: list[float]) -> list[dict]:
    return [w for w in line.words if _col(edges, (w["x0"] + w["x1"]) / 2) == c]


def _column_block(
    body: list[_Line], bounds: list[tuple[int, int]], r: int, c: int, edges: list[float], leading: float
) -> tuple[int, list[str]]:
    """Lines of column ``c`` in row ``r``, and how many rows the cell spans (text running on)."""
    a, b = bounds[r]
    rows = 1
    last_bottom = None
    lines: list[str] = []
    for n in range(a, b):
        ws = _words_in(body[n], c, edges)
        if ws:
            lines.append(" ".join(w["text"] for w in ws))
            last_bottom = body[n].bottom
    while lines and r + rows < len(bounds):
        na, nb = bounds[r + rows]
        ws = _words_in(body[na], c, edges)
        runs_on = ws and last_bottom is not None and body[na].top - last_bottom <= max(leading, 0) + 1.5
        if not runs_on or _is_section(body[na], edges):
            break
        for n in range(na, nb):
            ws = _words_in(body[n], c, edges)
            if ws:
                lines.append(" ".join(w["text"] for w in ws))
                last_bottom = body[n].bottom
        rows += 1
    return rows, lines


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
        table, state.borderless = borderless_table(page.chars, page.number, state.settings, state.borderless)
        return [table] if table is not None else []
