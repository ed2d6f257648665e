"""Extraction settings: one dataclass with documented defaults (light: no PDF library imported)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExtractSettings:
    """Knobs of the extraction, with the defaults that suit ruled Word/LibreOffice plans.

    - ``engine``: ``"pdfplumber"`` or ``"camelot"``.
    - ``table_settings``: passed to pdfplumber's ``find_tables`` (see its docs).
    - ``x_tolerance`` / ``y_tolerance``: gaps (points) that separate words / lines in a cell.
    - ``snap``: coordinates closer than this (points) are one grid edge.
    - ``min_table_cells``: smaller ruled structures (letterhead underlines) are not tables.
    - ``column_gap``: a horizontal gap (points) this wide splits a text line in two
      (the letterhead's left and right blocks, the signature block).
    - ``cross_check``: re-read pages whose pdfplumber grid looks doubtful with camelot.
    - ``text_layer``: where characters and rules come from: ``"pdfium"`` (PDFium, C++, ~6x
      faster) or ``"pdfminer"`` (pdfplumber's own parser). Tables are found by pdfplumber's
      algorithm either way.
    - ``borderless``: on a page without a ruled table, look for a task table drawn without
      lines (columns from the header's positions, rows from TT numbers and gaps).
    - ``ocr``: ``"auto"`` reads pages without a usable text layer (none, or unmapped/private-use
      glyphs) from their image with Tesseract when it is installed; ``"off"``; ``"force"`` for
      every page.
    """

    engine: str = "pdfplumber"
    table_settings: dict[str, Any] = field(
        default_factory=lambda: {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
    )
    x_tolerance: float = 1.5
    y_tolerance: float = 3.0
    snap: float = 2.0
    min_table_cells: int = 4
    column_gap: float = 24.0
    cross_check: bool = True
    text_layer: str = "pdfium"
    borderless: bool = True
    ocr: str = "auto"

    def __post_init__(self) -> None:
        if self.engine not in ("pdfplumber", "camelot"):
            raise ValueError(f"unknown engine {self.engine!r}; choose pdfplumber or camelot")
        if self.ocr not in ("auto", "off", "force"):
            raise ValueError(f"unknown ocr mode {self.ocr!r}; choose auto, off or force")
        if self.text_layer not in ("pdfium", "pdfminer"):
            raise ValueError(f"unknown text layer {self.text_layer!r}; choose pdfium or pdfminer")
