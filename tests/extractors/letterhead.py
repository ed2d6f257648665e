"""Small letterheads for the facts tests: drawn into a PDF (text layer) or given as a reader's lines.

``draw_lines`` draws each (x, distance from the top, text, bold) as one line, the way Tesseract
returns a scanned letterhead's lines or a text layer prints them; ``raw_document`` builds a read
document from :class:`TextLine` pages directly (no PDF), for rules that need no reading.
"""

from __future__ import annotations

from pathlib import Path

from extractors.model import RawDocument, RawPage, TextLine
from tests.fixtures.synthetic.render import _fonts

W, H = 595.0, 842.0


def draw_lines(path: Path, items: list[tuple[float, float, str, bool]], size: float = 12.0) -> None:
    """A one-page A4 PDF: ``items`` are (x, distance from the top, text, bold), each drawn as one line."""
    from reportlab.pdfgen import canvas

    regular, bold = _fonts()
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for x, top, text, is_bold in items:
        c.setFont(bold if is_bold else regular, size)
        c.drawString(x, H - top, text)
    c.save()


def raw_document(*pages: list[TextLine], source: str = "ocr") -> RawDocument:
    """A read document whose pages hold ``pages``' lines (page numbers from 1, A4)."""
    return RawDocument(
        "x.pdf",
        "pdfplumber",
        [RawPage(i, W, H, list(lines), [], 400, source=source) for i, lines in enumerate(pages, start=1)],
    )
