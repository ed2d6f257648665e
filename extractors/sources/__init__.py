"""Text sources: each turns one page of a PDF into characters and ruling edges (:class:`PageContent`).

A source is made per document by the reader (``open``) and closed when the document is
done, so whatever it keeps open (pdfplumber's parser) lives exactly as long as the file.

- ``pdfium``: PDFium's text layer and vector paths (the default, fast);
- ``pdfminer``: pdfplumber's own parser (slower; kept as a cross-check of the PDFium path);
- ``ocr``: the page rendered and read by Tesseract; chosen per page by :func:`ocr_reason`
  when the text layer is missing or unusable.

Word files do not go through page sources: their tables come from the XML
(:mod:`extractors.sources.docx`).

To add a source: write a module with a class that has ``name``, ``read(page) -> PageContent``
and ``close()``, and register it in :data:`TEXT_SOURCES` (or, for a per-page fallback like
OCR, in :func:`extractors.reader.PdfReader._content`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from extractors.model import PageContent
from extractors.settings import ExtractSettings


@dataclass
class SourcePage:
    """A page handed to a source: its 0-based index in the file and PDFium's open page."""

    index: int
    pdfium: Any  # pypdfium2.PdfPage: rendering, text and objects

    @property
    def number(self) -> int:
        return self.index + 1


class PageSource(Protocol):
    name: str

    def read(self, page: SourcePage) -> PageContent: ...

    def close(self) -> None: ...


def _pdfium(path: str, settings: ExtractSettings) -> PageSource:
    from extractors.sources.pdfium import PdfiumSource

    return PdfiumSource()


def _pdfminer(path: str, settings: ExtractSettings) -> PageSource:
    from extractors.sources.pdfminer import PdfminerSource

    return PdfminerSource(path)


#: ``ExtractSettings.text_layer`` -> a factory ``(path, settings) -> PageSource`` (imports on use)
TEXT_SOURCES: dict[str, Callable[[str, ExtractSettings], PageSource]] = {
    "pdfium": _pdfium,
    "pdfminer": _pdfminer,
}


def open_text_source(path: str, settings: ExtractSettings) -> PageSource:
    try:
        factory = TEXT_SOURCES[settings.text_layer]
    except KeyError:
        raise ValueError(f"unknown text layer {settings.text_layer!r}; choose {', '.join(TEXT_SOURCES)}") from None
    return factory(path, settings)
