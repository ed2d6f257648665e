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
            edges = [dict(e) for e in plumber.edges if _visible(e)]
            return PageContent(page.number, float(plumber.width), float(plumber.height), chars, edges, self.name)
        finally:
            plumber.close()  # frees the page's parsed objects: memory stays flat on long files

    def close(self) -> None:
        self._pdf.close()


def _inked(color: Any) -> bool:
    """A pdfminer colour (gray, RGB or CMYK tuple, 0-1) darker than the paper."""
    if color is None:
        return True  # the default colour is black
    values = tuple(color) if isinstance(color, (tuple, list)) else (color,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return True  # a pattern or a named colour space: assume it shows
    if len(values) == 4:  # CMYK: ink is the amount of colour
        return max(values) > 0.04
    return min(values) < 0.96


def _visible(edge: dict) -> bool:
    """The edge's path is stroked or filled in ink (the same rule as the PDFium source)."""
    stroked = edge.get("stroke", True) and _inked(edge.get("stroking_color"))
    return bool(stroked or (edge.get("fill") and _inked(edge.get("non_stroking_color"))))
