"""The per-document reader: each page through a text source and the table finders, once.

    page --source--> PageContent (chars, edges) --finders--> PageTables --cells--> RawPage

Per page, the text source of the settings reads the page; legacy fonts (TCVN3, VNI) are
converted; a page whose text layer is missing or unusable is read by OCR instead (and the
reason recorded). The engine's finders are asked in order; the first that finds a table
wins. The page's characters are then put into the cells that contain them and the rest
become the page's text lines. Everything the document carries across pages (the borderless
layout, the encodings met, finder caches) lives in this reader's :class:`ReadState`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import pikepdf
import pypdfium2 as pdfium
from pdfplumber.utils import cluster_objects, extract_text

from extractors import handdigits
from extractors.facts import SO_PREFIX, leading_one
from extractors.finders import ReadState, TableFinder, engine_finders
from extractors.legacy_text import decode_legacy
from extractors.model import BBox, GridCell, PageContent, PageTable, RawDocument, RawPage, TextLine
from extractors.ocr_text import fix_ocr_line, fix_ocr_lines, misread_words, prefer_retry
from extractors.settings import ExtractSettings
from extractors.sources import PageSource, SourcePage, open_text_source
from extractors.sources.annotations import add_annotation_lines
from extractors.sources.ocr import LOW_CONFIDENCE, OcrSource, ocr_available, unusable_text
from extractors.sources.pdfium import char_count, page_box
from extractors.sources.tags import page_tables
from extractors.sources.textcheck import implausible, page_objects, vector_text, vietnamese_plausibility
from normalizers.text import nfc

log = logging.getLogger(__name__)


class PdfReader:
    """Reads one PDF into a :class:`RawDocument`; ``pages`` (1-based) limits it to some pages."""

    def __init__(
        self,
        path: str,
        settings: ExtractSettings,
        finders: Sequence[TableFinder] | None = None,
        pages: Sequence[int] | None = None,
    ):
        self.path = path
        self.settings = settings
        self.finders = list(finders) if finders is not None else engine_finders(settings)
        self.only = set(pages) if pages is not None else None
        self.state = ReadState(path, settings)
        self.encodings: set[str] = set()
        self.limited: list[int] = []  # pages over max_page_chars: not read
        self._structure: pikepdf.Pdf | None = None  # the file for its structure tree (see _tagged)
        self._structure_opened = False

    def read(self) -> RawDocument:
        pdf = pdfium.PdfDocument(self.path)
        source = open_text_source(self.path, self.settings)
        try:
            numbers = [n for n in range(1, len(pdf) + 1) if self.only is None or n in self.only]
            self.state.page_heights = {n: pdf.get_page_size(n - 1)[1] for n in numbers}
            meta = {k: str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
            pages = [self._page(pdf, n - 1, source) for n in numbers]
            add_annotation_lines(self.path, pages, self.settings)
        finally:
            source.close()
            pdf.close()
            if self._structure is not None:
                self._structure.close()
            self._structure, self._structure_opened = None, False
        encoding = "/".join(sorted(self.encodings)) or "unicode"
        return RawDocument(self.path, self.settings.engine, pages, meta, encoding, self._limit_notes())

    def _limit_notes(self) -> list[str]:
        if not self.limited:
            return []
        cap = self.settings.limits.max_page_chars
        pages = ", ".join(str(n) for n in self.limited)
        return [
            f"Page(s) {pages} not read: more than {cap:,} characters on one page (max_page_chars); "
            + self.settings.limits.hint("max_page_chars", cap)
            + "."
        ]

    def _page(self, pdf: pdfium.PdfDocument, index: int, source: PageSource) -> RawPage:
        handle = pdf[index]
        try:
            content = self._content(SourcePage(index, handle), source)
            tables = self._tables(content)
            page = build_page(content, tables, self.settings)
            if content.retry_cell is not None:
                _retry_cells(page, content)
            if content.source == "ocr":
                _fix_ocr_cells(page)
            if content.crop_colour is not None:
                reread_number(page, content)
            if content.to_page is not None:
                _boxes_to_page(page, content)
            return page
        finally:
            handle.close()  # frees the page: memory stays flat on long files

    def _content(self, page: SourcePage, source: PageSource) -> PageContent:
        """The page's characters from the text layer, or from its image when the layer is unusable;
        none from a page over ``max_page_chars`` (counted before they are read: recorded, not read)."""
        cap = self.settings.limits.max_page_chars
        if cap and char_count(page.pdfium) > cap:
            self.limited.append(page.number)
            width, height = page_box(page.pdfium)[1]
            return PageContent(page.number, width, height, [], [], "limit")
        content = source.read(page)
        content.chars, content.encoding = decode_legacy(content.chars)
        decision = self._ocr_reason(content, page)
        if decision is not None:
            reason, image_dpi = decision
            return OcrSource().read(page, reason, image_dpi)
        if content.encoding:
            self.encodings.update(content.encoding.split("/"))
        layouts = self.state.cache.setdefault("tags.layouts", {})
        content.structure = lambda: page_tables(self._tagged, page.index, content.chars, layouts)
        return content

    def _tagged(self) -> pikepdf.Pdf | None:
        """The file opened with pikepdf for its structure tree (once, when a page first asks; None untagged)."""
        if not self._structure_opened:
            self._structure_opened = True
            try:
                pdf = pikepdf.open(self.path)
            except pikepdf.PdfError as exc:
                log.debug("%s: not opened for its structure tree (%s)", self.path, exc)
                return None
            if "/StructTreeRoot" in pdf.Root:
                self._structure = pdf
            else:
                pdf.close()
        return self._structure

    def _ocr_reason(self, content: PageContent, page: SourcePage) -> tuple[str, float | None] | None:
        """Why the page must be read from its image (and the resolution of its scan), None when its
        text layer is good: no text, unmapped glyphs, text drawn as vector paths, or a layer that is
        not plausible Vietnamese (a scanner's invisible OCR layer under the page image above all)."""
        if self.settings.ocr == "off":
            return None
        forced = self.settings.ocr == "force"
        reason = "OCR forced by the settings" if forced else unusable_text(content.chars)
        objects = None
        if reason == "no text layer" or forced:
            objects = page_objects(page.pdfium)
            if not forced and vector_text(objects):
                reason = "text drawn as vector paths"
        elif reason is None:
            text = _layer_text(content.chars)
            p = vietnamese_plausibility(text)
            if p.words and (p.syllables < 0.85 or p.diacritics < 0.35):  # doubtful: is it a scanner's layer?
                objects = page_objects(page.pdfium)
                hidden = objects.image_cover > 0.8 and objects.invisible_text > 0.5 * max(objects.text_objects, 1)
                reason = implausible(text, hidden)
        if reason is None or not ocr_available():
            return None
        if objects is None:
            objects = page_objects(page.pdfium)
        return reason, objects.image_dpi if objects.image_cover > 0.5 else None

    def _tables(self, content: PageContent) -> list[PageTable]:
        for finder in self.finders:
            tables = finder.find(content, self.state)
            if tables:
                if finder.name != "borderless":
                    self.state.borderless = None  # a ruled page ends a borderless table
                return tables
        return []


def _retry_cells(page: RawPage, content: PageContent) -> None:
    """OCR: a cell the page-level pass left empty ("1", "12"), read with a low confidence or with a word
    that is no Vietnamese syllable ("qu định") is read again from its own crop; the second reading is
    kept when it is better (:func:`extractors.ocr_text.prefer_retry`)."""
    assert content.retry_cell is not None
    for table in page.tables:
        for cell in table.cells:
            confident = cell.confidence is not None and cell.confidence >= LOW_CONFIDENCE
            if cell.lines and confident and not misread_words(" ".join(cell.lines)):
                continue
            text, conf = content.retry_cell(cell.bbox)
            if text and prefer_retry(" ".join(fix_ocr_lines(cell.lines)), cell.confidence, fix_ocr_line(text), conf):
                cell.lines, cell.confidence = [text], round(conf, 1)


#: Tesseract's word confidence from which digits printed against the "/" ("1360/QĐ-TTg") are taken as
#: typed: typed numbers on the real scans read 43-92, handwritten ones 9-49
TYPED_CONFIDENCE = 60.0
_NUMBER_START = re.compile(r"^(?:[A-ZĐ][\wĐđ]*\s+)?" + SO_PREFIX)


#: a number written by hand into the blank of "Số: ……/CODE" has at most this many digits; a longer "sure"
#: reading took in the typed slash or code (real scan: "660" read "66017" with "/T" in the gap)
MAX_HAND_DIGITS = 4


def reread_number(page: RawPage, content: PageContent) -> None:
    """The number written by hand into "Số: ……/CT-UBND" read again from the page image (the gap
    between the typed "Số:" and the "/" of the code, :mod:`extractors.handdigits`).

    Digits read with confidence against the "/" ("1360/QĐ-TTg", one word) are typed: kept. In a gap, a sure reading
    of at most :data:`MAX_HAND_DIGITS` digits replaces Tesseract's digits, and one that is not sure but
    differs from them (no longer than they are) marks the line's digits unsure (two readers disagree), so
    no number is taken from it."""
    assert content.crop_colour is not None
    for line in page.lines:
        if line.bbox[1] > page.height * 0.4 or line.bbox[0] > page.width * 0.5:
            continue
        text = nfc(line.text).strip()
        head = _NUMBER_START.match(text)
        if head is None:
            continue
        gap = _number_gap(line, content.chars)
        if gap is None:
            continue
        box, height = gap
        read = handdigits.read_digits(content.crop_colour(box), height * content.dpi / 72)
        number, slash, code = split_at_code(text[head.end() :])
        before = re.sub(r"\D", "", leading_one(number.lstrip(":;. ")))
        log.debug("page %d: number gap %s read %r (OCR digits %r)", page.number, box, read, before)
        if read is not None and read.sure and len(read.digits) <= MAX_HAND_DIGITS:
            line.text = with_number(head.group(0), read.digits, code if slash else "")
            line.digits_confidence = read.confidence
            log.info("page %d: handwritten number read %s (OCR read %r)", page.number, read.digits, before)
        elif before and read is not None and read.digits != before and len(read.digits) <= len(before):
            # two readers disagree: neither is taken (a reading with one digit more took in the code's
            # typed "/", "157/" read "1571": it is no disagreement)
            line.digits_confidence = 0.0
            log.info("page %d: handwritten number unsure (OCR %r, digits %r)", page.number, before, read)
        elif not before and _written_in_gap(content.crop_colour(box), height * content.dpi / 72):
            # something is written in the gap that OCR read no digit of (its ink taken out with the
            # pen's colour) and that is no sure number: the code alone is no number
            line.digits_confidence = 0.0
            log.info("page %d: handwriting in the number's gap not read (digits %r)", page.number, read)
        return


#: what follows the "/" that starts a number's code: letters of a code ("/QĐ-TTg", "/ CT-UBND") or a year
#: before one ("/2022/NQ-HĐND"); a handwritten 1 read as "/" ("/Z80 /QĐ-TTg" for 1380) is followed by neither
_CODE_AFTER = re.compile(r"\s*(?:[A-ZĐ][A-ZĐ]|\d{4}\s*/)")


def _starts_code(text: str, at: int) -> bool:
    """Is the "/" at ``text[at]`` the one that starts a number's code (:data:`_CODE_AFTER` follows it)?"""
    return _CODE_AFTER.match(text, at + 1) is not None


def code_slash(text: str) -> int | None:
    """Where in ``text`` (the number line after "Số") the slash that starts the code is: the first "/"
    followed by a code's letters or a year, else the first "/" at all; None without one."""
    slashes = [m.start() for m in re.finditer("/", text)]
    return next((at for at in slashes if _starts_code(text, at)), slashes[0] if slashes else None)


def split_at_code(text: str) -> tuple[str, str, str]:
    """``text`` as (number part, "/", code) split at :func:`code_slash` (``str.partition``'s shape)."""
    at = code_slash(text)
    return (text, "", "") if at is None else (text[:at], "/", text[at + 1 :])


def with_number(head: str, digits: str, code: str) -> str:
    """The number line rebuilt from its typed head ("Số"), the digits read by hand and the typed code:
    OCR's junk in the gap may hold slashes of its own ("Số: 1/ /CT-UBND"), which never double the code's."""
    code = re.sub(r"^[\s/|\\.,:;!]+", "", code)
    return f"{head}: {digits}/{code}" if code else f"{head}: {digits}"


def _written_in_gap(crop: Any, line_height: float) -> bool:
    """Is there ink between the typed "Số:" and the code's "/" (``crop`` the gap's colour image, the line's
    height in pixels)? A gap left blank has none (an unnumbered draft)."""
    ink = handdigits.ink_mask(crop)
    start = handdigits.after_colon(ink, line_height)
    start = int(1.1 * line_height) if start is None else start
    between = ink[:, start + 1 : ink.shape[1] - int(0.4 * line_height)]
    return between.size > 0 and float((between > 0).mean()) > 0.01


def _number_gap(line: TextLine, words: list[dict]) -> tuple[BBox, float] | None:
    """The box (points) from the "Số" word's left edge to the "/" of the number's code (in the same
    line or in a word read apart to its right), taller than the line (handwriting leaves it), and the
    typed line's height; None when the words are not found."""
    x0, top, x1, bottom = line.bbox
    so = min(
        (
            w
            for w in words
            if x0 - 1 <= w["x0"] <= x1
            and top - 1 <= (w["top"] + w["bottom"]) / 2 <= bottom + 1
            and re.match(SO_PREFIX, nfc(w["text"]))
        ),
        key=lambda w: w["x0"],
        default=None,
    )
    if so is None:
        return None
    h = so["bottom"] - so["top"]
    row = sorted(
        (
            w
            for w in words
            if w["x0"] >= so["x0"] and min(w["bottom"], so["bottom"]) - max(w["top"], so["top"]) > 0.5 * h
        ),
        key=lambda w: w["x0"],
    )
    beside = [w for w in row if "/" in w["text"] and w["x0"] - so["x1"] < 6 * h]
    if not beside:
        return None
    slash, at = _code_slash_word(beside, row)
    before = slash["text"][:at] if slash is not so else ""
    if before.isdigit() and slash.get("conf", 0) >= TYPED_CONFIDENCE:
        return None  # "1360/QĐ-TTg" read with confidence: typed against its code, no gap was left for it
    slash_x = slash["x0"] + (slash["x1"] - slash["x0"]) * at / max(len(slash["text"]), 1)
    if slash_x - so["x0"] < 1.5 * h:
        return None  # no room for a written number
    return (so["x0"], top - 0.6 * h, slash_x + 0.1 * h, bottom + 0.4 * h), h


def _code_slash_word(beside: list[dict], row: list[dict]) -> tuple[dict, int]:
    """The word (of ``beside``, those right of "Số" holding a "/", left to right) with the slash that starts
    the code, and the slash's index in it: the first one followed by the code, in the word or in the next
    word of the ``row``; else the first slash."""
    for word in beside:
        text = word["text"]
        at = next((i for i, w in enumerate(row) if w is word), len(row))
        joined = " ".join(w["text"] for w in row[at : at + 2]) if at < len(row) else text
        for m in re.finditer("/", text):
            if _starts_code(joined, m.start()):
                return word, m.start()
    return beside[0], beside[0]["text"].index("/")


def _fix_ocr_cells(page: RawPage) -> None:
    """OCR'd text with the misreadings that are certain corrected ("Quý IH/2022", "QĐÐ-UBND")."""
    for table in page.tables:
        for cell in table.cells:
            cell.lines = fix_ocr_lines(cell.lines)
    for line in page.lines:
        line.text = fix_ocr_line(line.text)


def _boxes_to_page(page: RawPage, content: PageContent) -> None:
    """OCR of a turned or skewed page: cell boxes (stored provenance) back in the page's own coordinates;
    the grid and the text lines stay in the upright frame the layout was read in."""
    assert content.to_page is not None
    for table in page.tables:
        for cell in table.cells:
            cell.bbox = content.to_page(cell.bbox)


def _layer_text(chars: list[dict]) -> str:
    """The text layer's characters as text, a line break where a character starts a new line."""
    out: list[str] = []
    prev: float | None = None
    for ch in chars:
        if prev is not None and abs(ch["top"] - prev) > 2:
            out.append("\n")
        out.append(ch["text"])
        prev = ch["top"]
    return "".join(out)


def _center(obj: dict) -> tuple[float, float]:
    return (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2


def _locate(table: PageTable, x: float, y: float) -> GridCell | None:
    x0, top, x1, bottom = table.bbox
    if not (x0 <= x <= x1 and top <= y <= bottom):
        return None
    r, c = table.row_at(y), table.col_at(x)
    return None if r is None or c is None else table.cell_at(r, c)


def _chars_to_lines(chars: list[dict], settings: ExtractSettings) -> list[str]:
    if not chars:
        return []
    text = extract_text(chars, x_tolerance=settings.x_tolerance, y_tolerance=settings.y_tolerance)
    return text.split("\n")


def _segments(group: list[dict], gap: float) -> list[list[dict]]:
    """Split one printed line where a wide gap separates columns (letterhead left/right). The gap left
    blank for the number ("Số:           /CT-UBND", written in by hand) is no column's: the code's "/"
    after a lone "Số:" stays in its line."""
    group = sorted(group, key=lambda c: c["x0"])
    out = [[group[0]]]
    for ch in group[1:]:
        if ch["x0"] - out[-1][-1]["x1"] > gap and not (
            ch["text"].startswith("/") and _NUMBER_LABEL.match("".join(c["text"] for c in out[-1]))
        ):
            out.append([])
        out[-1].append(ch)
    return out


_NUMBER_LABEL = re.compile(SO_PREFIX + r"\s*:?\s*$")


def page_lines(chars: list[dict], page_no: int, settings: ExtractSettings) -> list[TextLine]:
    """Group loose characters (outside tables) into printed lines with their boxes."""
    out = []
    for group in cluster_objects(chars, lambda c: round(c["top"]), settings.y_tolerance):
        for seg in _segments(group, settings.column_gap):
            text = extract_text(seg, x_tolerance=settings.x_tolerance, y_tolerance=99)
            if not text.strip():
                continue
            box = (
                min(c["x0"] for c in seg),
                min(c["top"] for c in seg),
                max(c["x1"] for c in seg),
                max(c["bottom"] for c in seg),
            )
            bold = sum("bold" in c.get("fontname", "").lower() for c in seg) > len(seg) / 2
            digits = [c["conf"] for c in seg if c.get("conf", -1) >= 0 and any(ch.isdigit() for ch in c["text"])]
            line = TextLine(text.replace("\n", " ").strip(), box, page_no, bold)
            line.digits_confidence = min(digits) if digits else None
            out.append(line)
    out.sort(key=lambda ln: (round(ln.bbox[1]), ln.bbox[0]))
    return out


def build_page(content: PageContent, tables: list[PageTable], settings: ExtractSettings) -> RawPage:
    """Assign each character to the table cell that contains its centre; the rest are page lines."""
    per_cell: dict[int, list[dict]] = {}
    loose = []
    for ch in content.chars:
        x, y = _center(ch)
        cell = next((c for t in tables if (c := _locate(t, x, y)) is not None), None)
        if cell is None:
            loose.append(ch)
        else:
            per_cell.setdefault(id(cell), []).append(ch)
    for table in tables:
        if table.kind == "borderless":
            continue  # its cells were filled from the words, spans included
        for cell in table.cells:
            mine = per_cell.get(id(cell), [])
            cell.lines = _chars_to_lines(mine, settings)
            confs = [c["conf"] for c in mine if c.get("conf", -1) >= 0]
            cell.confidence = round(sum(confs) / len(confs), 1) if confs else None
    return RawPage(
        number=content.number,
        width=float(content.width),
        height=float(content.height),
        lines=page_lines(loose, content.number, settings),
        tables=tables,
        n_chars=len(content.chars),
        n_rules=len(content.edges),
        source=content.source,
        ocr_info=content.ocr,
    )


def read_pdf(
    path: str,
    settings: ExtractSettings,
    finders: Sequence[TableFinder] | None = None,
    pages: Sequence[int] | None = None,
) -> RawDocument:
    return PdfReader(path, settings, finders, pages).read()
