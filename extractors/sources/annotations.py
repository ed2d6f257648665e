"""Text printed by annotations: the number and date an e-signature stamps on the page, free-text notes.

Vietnamese e-government software fills in "Số: 142/QĐ-UBND" and "ngày 24 tháng 6" after the
signature, as the appearance streams of ``/Sig`` widget annotations laid over the blanks the
author left. PDFium's page text leaves annotations out, so the reader's page lines say
"Số: /QĐ-UBND". Here a second, private copy of the document is opened; each page that carries
a widget, free-text or stamp annotation is flattened (``FPDFPage_Flatten``: the appearance
streams become page content, as printing does), and the characters the flattened page has
and the original page lacks are the annotations' text.

The result is a list of :class:`TextLine` per page with ``annotation=True``: each line is the
flattened page's line that holds annotation characters, with the page's own characters of
that line included ("Số: " + "142" + "/QĐ-UBND"), so it reads as printed. Only the facts stage
uses them; tables and body lines are left as the text source read them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.model import RawPage, TextLine
from extractors.settings import ExtractSettings

log = logging.getLogger(__name__)

#: annotation subtypes whose appearance is text a reader sees on the page
_TEXT_SUBTYPES = {pdfium_c.FPDF_ANNOT_WIDGET, pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_STAMP}


def _has_text_annotations(page: pdfium.PdfPage) -> bool:
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) in _TEXT_SUBTYPES:
                return True
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return False


def _key(ch: dict) -> tuple[str, int, int]:
    return ch["text"], round(ch["x0"]), round(ch["top"])


def page_annotation_lines(pdf: pdfium.PdfDocument, index: int, settings: ExtractSettings) -> list[TextLine]:
    """The lines of page ``index`` (0-based) that annotation appearances add text to, as printed."""
    from extractors.sources.pdfium import page_box, page_chars

    page = pdf[index]
    try:
        if not _has_text_annotations(page):
            return []
        origin, _ = page_box(page)
        before = Counter(_key(ch) for ch in page_chars(page, origin))
        if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_PRINT) != pdfium_c.FLATTEN_SUCCESS:
            return []
    finally:
        page.close()
    page = pdf[index]  # PDFium rebuilds the page's objects only when it is loaded again
    try:
        after = page_chars(page, origin)
    finally:
        page.close()
    added = set()
    for i, ch in enumerate(after):
        k = _key(ch)
        if before[k] > 0:
            before[k] -= 1
        else:
            added.add(i)
    if not added:
        return []
    for i, ch in enumerate(after):
        ch["annotation"] = i in added
    return _lines_with_flags(after, index + 1, settings)


def _lines_with_flags(chars: list[dict], page_no: int, settings: ExtractSettings) -> list[TextLine]:
    """Printed lines of the flattened page that hold at least one annotation character."""
    from extractors.reader import page_lines

    marked = [(round(c["x0"], 1), round(c["top"], 1)) for c in chars if c["annotation"]]
    lines = page_lines(chars, page_no, settings)
    out = []
    for line in lines:
        x0, top, x1, bottom = line.bbox
        if any(x0 - 0.5 <= x <= x1 + 0.5 and top - 0.5 <= y <= bottom + 0.5 for x, y in marked):
            line.annotation = True
            out.append(line)
    return out


def add_annotation_lines(path: str, pages: Sequence[RawPage], settings: ExtractSettings) -> None:
    """Fill ``annotation_lines`` of each page read from ``path`` (a private copy is opened and flattened)."""
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        log.warning("annotations of %s not read: %s", path, exc)
        return
    try:
        for page in pages:
            try:
                page.annotation_lines = page_annotation_lines(pdf, page.number - 1, settings)
            except pdfium.PdfiumError as exc:  # a damaged annotation costs only its text
                log.warning("annotations of page %d of %s not read: %s", page.number, path, exc)
    finally:
        pdf.close()
