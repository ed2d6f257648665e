"""DOCX input: the Word file's own tables and paragraphs, read with python-docx, as a :class:`RawDocument`.

No rendering: the task table's grid comes from the XML (``w:gridSpan`` for horizontal and
``w:vMerge`` for vertical merges, ``w:gridBefore`` for rows that start late), so the same
assembly stage turns it into task rows. A Word file has no pages; everything is "page 1",
with synthetic geometry that keeps the document order and the left/centre/right placement
the facts stage reads (letterhead, centred title, signature block).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from extractors.headers import looks_like_header
from extractors.model import GridCell, PageTable, RawDocument, RawPage, TextLine
from extractors.settings import ExtractSettings
from normalizers.legacy import font_encoding, from_tcvn3, from_vni, guess_encoding, to_unicode, uppercase_font
from normalizers.text import nfc

log = logging.getLogger(__name__)

PAGE_WIDTH = 595.0  # A4 in points: the facts stage reads positions relative to the page
MARGIN_LEFT, MARGIN_RIGHT = 85.0, 57.0
LINE_HEIGHT = 16.0
CHAR_WIDTH = 5.5

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Cell:
    row: int
    col: int
    colspan: int
    rowspan: int
    lines: list[str]
    bold: bool


def _paragraph_lines(p_el, found: set[str]) -> tuple[list[str], bool]:
    """A paragraph's lines (soft breaks split it) and whether most of its text is bold.

    ``found`` collects the legacy encodings converted (the document's ``text_encoding``).
    """
    from docx.text.paragraph import Paragraph

    para = Paragraph(p_el, None)  # type: ignore[arg-type]  # no story part: text only
    text = nfc(_unicode_text(para, found))
    bold_chars = sum(len(r.text) for r in para.runs if r.bold)
    total = sum(len(r.text) for r in para.runs) or 1
    return [ln.strip() for ln in text.split("\n")], bold_chars * 2 > total


def _unicode_text(para, found: set[str]) -> str:
    """The paragraph's text, runs typed in TCVN3/VNI fonts (".VnTime", "VNI-Times") converted."""
    runs = list(para.runs)
    if not runs or not any(font_encoding(r.font.name) for r in runs):
        text = para.text or ""
        guessed = guess_encoding(text) if len(text) > 40 else None
        if guessed:
            found.add(guessed)
        return to_unicode(text, guessed) if guessed else text
    parts = []
    for r in runs:
        enc = font_encoding(r.font.name)
        if enc:
            found.add(enc)
        if enc == "tcvn3":
            parts.append(from_tcvn3(r.text, upper=uppercase_font(r.font.name)))
        elif enc == "vni":
            parts.append(from_vni(r.text))
        else:
            parts.append(r.text)
    return "".join(parts)


def _cell_lines(tc, found: set[str]) -> tuple[list[str], bool]:
    lines: list[str] = []
    bolds = []
    for p in tc.iter(f"{W}p"):
        got, bold = _paragraph_lines(p, found)
        lines.extend(ln for ln in got if ln)
        bolds.append(bold)
    return lines, bool(bolds) and all(bolds)


def _grid(tbl, found: set[str]) -> tuple[list[_Cell], int, int, list[float]]:
    """Cells with spans from the XML; column widths (points) from ``w:tblGrid``."""
    widths = [int(g.get(f"{W}w") or 0) / 20 for g in tbl.iter(f"{W}gridCol")]
    cells: list[_Cell] = []
    open_merge: dict[int, _Cell] = {}  # grid column -> the cell a vMerge continues
    rows = [tr for tr in tbl if tr.tag == f"{W}tr"]
    for r, tr in enumerate(rows):
        col = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            col = int(before.get(f"{W}val") or 0)
        for tc in (el for el in tr if el.tag == f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span_el = pr.find(f"{W}gridSpan") if pr is not None else None
            span = int(span_el.get(f"{W}val")) if span_el is not None else 1
            vmerge = pr.find(f"{W}vMerge") if pr is not None else None
            continues = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
            if continues and col in open_merge:
                open_merge[col].rowspan += 1
            else:
                lines, bold = _cell_lines(tc, found)
                cell = _Cell(r, col, span, 1, lines, bold)
                cells.append(cell)
                if vmerge is not None:
                    open_merge[col] = cell
                else:
                    open_merge.pop(col, None)
            col += span
    n_cols = max([c.col + c.colspan for c in cells] + [len(widths)])
    if len(widths) < n_cols or not all(widths):
        widths = [PAGE_WIDTH / max(n_cols, 1)] * n_cols
    return cells, len(rows), n_cols, widths


class DocxReader:
    """A Word file's body, in order: paragraphs as page lines, task tables as grids, layout tables as lines."""

    name = "docx"

    def read(self, path: str, settings: ExtractSettings) -> RawDocument:
        doc = _open(path)
        self._encodings: set[str] = set()
        self._pages: list[RawPage] = []
        self._y = 40.0
        self._new_page()
        for el in doc.element.body:
            if el.tag == f"{W}p":
                self._paragraph(self._pages[-1], el)
                if _breaks_page(el):
                    self._new_page()
            elif el.tag == f"{W}tbl":
                self._table(self._pages[-1], el)
        pages = [p for p in self._pages if p.lines or p.tables] or self._pages[:1]
        for number, page in enumerate(pages, start=1):
            page.number = number
            for ln in page.lines:
                ln.page = number
            for t in page.tables:
                t.page = number
            page.n_chars = sum(len(ln.text) for ln in page.lines) + sum(
                len(x) for t in page.tables for c in t.cells for x in c.lines
            )
        meta = {k: str(v) for k, v in _core_properties(doc).items() if v}
        encoding = "/".join(sorted(self._encodings)) or "unicode"
        return RawDocument(path=path, engine=self.name, pages=pages, metadata=meta, text_encoding=encoding)

    def _new_page(self) -> None:
        """Word has no pages; section and page breaks (the appendix's landscape section) make one."""
        if self._pages:
            self._pages[-1].height = self._y + 40
        self._pages.append(
            RawPage(number=len(self._pages) + 1, width=PAGE_WIDTH, height=0.0, lines=[], tables=[], source="docx")
        )
        self._y = 40.0

    def _paragraph(self, page: RawPage, el) -> None:
        lines, bold = _paragraph_lines(el, self._encodings)
        align = _alignment(el)
        for text in lines:
            if text:
                width = min(len(text) * CHAR_WIDTH, PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
                if align == "center":
                    x0 = (PAGE_WIDTH + MARGIN_LEFT - MARGIN_RIGHT - width) / 2
                elif align in ("right", "end"):
                    x0 = PAGE_WIDTH - MARGIN_RIGHT - width
                else:
                    x0 = MARGIN_LEFT
                page.lines.append(TextLine(text, (x0, self._y, x0 + width, self._y + 12), 1, bold))
            self._y += LINE_HEIGHT

    def _table(self, page: RawPage, tbl) -> None:
        cells, n_rows, n_cols, widths = _grid(tbl, self._encodings)
        texts = [[" ".join(c.lines) for c in cells if c.row == r] for r in range(min(n_rows, 4))]
        if any(looks_like_header(t) for t in texts) and n_cols >= 3:
            page.tables.append(self._task_table(cells, n_rows, n_cols, widths))
        else:
            self._layout_table(page, cells, n_rows, widths)

    def _task_table(self, cells: list[_Cell], n_rows: int, n_cols: int, widths: list[float]) -> PageTable:
        scale = (PAGE_WIDTH - 40) / (sum(widths) or 1)
        col_edges = [20.0]
        for w in widths[:n_cols]:
            col_edges.append(col_edges[-1] + w * scale)
        heights = [
            LINE_HEIGHT * max([len(c.lines) for c in cells if c.row == r and c.rowspan == 1] + [1])
            for r in range(n_rows)
        ]
        row_edges = [self._y]
        for h in heights:
            row_edges.append(row_edges[-1] + h + 4)
        grid = []
        for c in cells:
            box = (col_edges[c.col], row_edges[c.row], col_edges[c.col + c.colspan], row_edges[c.row + c.rowspan])
            grid.append(GridCell(c.row, c.col, c.rowspan, c.colspan, box, list(c.lines)))
        self._y = row_edges[-1] + LINE_HEIGHT
        return PageTable(1, (col_edges[0], row_edges[0], col_edges[-1], row_edges[-1]), col_edges, row_edges, grid)

    def _layout_table(self, page: RawPage, cells: list[_Cell], n_rows: int, widths: list[float]) -> None:
        """Borderless layout tables (letterhead, signature): their paragraphs become page lines."""
        total = sum(widths) or 1
        edges = [0.0]
        for w in widths:
            edges.append(edges[-1] + w / total * (PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT))
        start = self._y
        tallest = 0.0
        for c in cells:
            lo, hi = MARGIN_LEFT + edges[c.col], MARGIN_LEFT + edges[min(c.col + c.colspan, len(edges) - 1)]
            y = start + c.row * LINE_HEIGHT * 6
            for text in c.lines:
                width = min(len(text) * CHAR_WIDTH, hi - lo)
                x0 = lo + (hi - lo - width) / 2
                page.lines.append(TextLine(text, (x0, y, x0 + width, y + 12), 1, c.bold))
                y += LINE_HEIGHT
            tallest = max(tallest, y - start)
        self._y = start + max(tallest, n_rows * LINE_HEIGHT) + LINE_HEIGHT
        page.lines.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))


def _open(path: str):
    """python-docx's document, or :class:`InputError` when the package is damaged."""
    from docx import Document

    from extractors.inputs import InputError, input_failures

    failures: tuple[type[Exception], ...] = (KeyError, *input_failures())  # KeyError: a required part is missing
    try:
        return Document(path)
    except failures as exc:
        raise InputError(
            f"The Word file could not be read ({type(exc).__name__}: {str(exc)[:160]}): it is probably "
            "damaged; open and re-save it in Word/LibreOffice, or export it to PDF."
        ) from exc


def _alignment(p_el) -> str:
    """The paragraph's ``w:jc`` as written: read from the XML, since python-docx rejects values of
    newer schemas ("start"/"end", as LibreOffice writes them)."""
    jc = p_el.find(f"{W}pPr/{W}jc")
    return (jc.get(f"{W}val") or "left") if jc is not None else "left"


def _breaks_page(p_el) -> bool:
    if p_el.find(f"{W}pPr/{W}sectPr") is not None:
        return True
    return any(br.get(f"{W}type") == "page" for br in p_el.iter(f"{W}br"))


def _core_properties(doc) -> dict:
    cp = doc.core_properties
    return {"Title": cp.title, "Author": cp.author, "Subject": cp.subject, "Created": cp.created}


def convert_doc(path: Path, workdir: Path) -> Path:
    """A legacy ``.doc`` converted to ``.docx`` with LibreOffice, when it is installed."""
    import shutil
    import subprocess

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office:
        from extractors.inputs import InputError

        raise InputError(
            "This is a legacy Word .doc file and LibreOffice is not installed to convert it: save it as "
            ".docx (or PDF) in Word/LibreOffice and ingest that, or install libreoffice-writer."
        )
    subprocess.run(
        [office, "--headless", "--convert-to", "docx", "--outdir", str(workdir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return workdir / (path.stem + ".docx")
