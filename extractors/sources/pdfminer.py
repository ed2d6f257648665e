"""pdfplumber's own parser (pdfminer.six) as a text source: slower than PDFium, kept as its cross-check."""

from __future__ import annotations

from typing import Any

import pdfplumber

from extractors.model import PageContent


class PdfminerSource:
    """Characters and ruling edges (lines and rectangle sides) as pdfplumber reads them."""

    name = "pdfminer"

    def __init__(self, path: str):
        self._pdf = pdfplumber.open(path)

    def read(self, page: Any) -> PageContent:
        plumber = self._pdf.pages[page.index]
        try:
            chars = [dict(c) for c in plumber.chars]
            edges = [dict(e) for e in plumber.edges]
            return PageContent(page.number, float(plumber.width), float(plumber.height), chars, edges, self.name)
        finally:
            plumber.close()  # frees the page's parsed objects: memory stays flat on long files

    def close(self) -> None:
        self._pdf.close()
