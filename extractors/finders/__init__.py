"""Table finders: each turns a page's characters and ruling edges into :class:`PageTable` grids.

- ``ruled``: pdfplumber's lines algorithm on the page's ruling edges (vector or from the image);
- ``borderless``: a task table drawn without lines, rebuilt from the text's geometry;
- ``camelot``: camelot-py's lattice on the PDF's vector rules (the second opinion).

The reader asks the finders of the chosen engine in order and keeps the first that finds a
table on the page. A finder fills only the grid: the reader assigns the page's characters to
its cells (a borderless grid comes with its cells' text, ``kind = "borderless"``).

To add a finder: a module with a class that has ``name`` and ``find(page, state)``, registered
in :data:`FINDERS` and, if an engine should use it, in :data:`ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from extractors.model import PageContent, PageTable
from extractors.settings import ExtractSettings


@dataclass
class ReadState:
    """What the reading of one document carries from page to page (owned by the reader)."""

    path: str
    settings: ExtractSettings
    page_heights: dict[int, float] = field(default_factory=dict)  # 1-based page -> height (points)
    borderless: Any = None  # the borderless layout found on an earlier page, carried to the next
    cache: dict[str, Any] = field(default_factory=dict)  # per-document results a finder computes once


class TableFinder(Protocol):
    name: str

    def find(self, page: PageContent, state: ReadState) -> list[PageTable]: ...


def _ruled() -> TableFinder:
    from extractors.finders.ruled import RuledFinder

    return RuledFinder()


def _borderless() -> TableFinder:
    from extractors.finders.borderless import BorderlessFinder

    return BorderlessFinder()


def _camelot() -> TableFinder:
    from extractors.finders.camelot import CamelotFinder

    return CamelotFinder()


#: finder name -> factory (imports on use: camelot is heavy)
FINDERS: dict[str, Callable[[], TableFinder]] = {
    "ruled": _ruled,
    "borderless": _borderless,
    "camelot": _camelot,
}

#: ``ExtractSettings.engine`` -> the finders asked, in order, on each page
ENGINES: dict[str, tuple[str, ...]] = {
    "pdfplumber": ("ruled", "borderless"),
    "camelot": ("camelot", "borderless"),
}


def finders_for(names: tuple[str, ...], settings: ExtractSettings) -> list[TableFinder]:
    return [FINDERS[n]() for n in names if n != "borderless" or settings.borderless]


def engine_finders(settings: ExtractSettings) -> list[TableFinder]:
    try:
        names = ENGINES[settings.engine]
    except KeyError:
        raise ValueError(f"unknown engine {settings.engine!r}; choose one of {', '.join(ENGINES)}") from None
    return finders_for(names, settings)
