"""Extraction: read a plan file into a typed model (pages, tables, facts, task rows).

    >>> from extractors import extract, ExtractSettings
    >>> result = extract("data/raw/sonla-stttt-cchc-2023.pdf")
    >>> result.facts.province, len(result.rows)
    ('Sơn La', 43)

Stages: ``sniff`` the bytes -> ``check_structure`` (qpdf) -> ``read`` (per page: a text source,
then the engine's table finders; ``extractors/reader.py``) -> ``assemble`` the task table ->
``find_facts``. See docs/architecture.md.

The heavy parts (PDF libraries) load on first use, so that tools which only need
``EXTRACTOR_VERSION`` (an incremental re-run that has nothing to do) start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractors.settings import ExtractSettings

__all__ = ["ExtractSettings", "Extraction", "InputError", "extract", "EXTRACTOR_VERSION"]

#: Raise when a change alters what the extractor outputs: stored rows of older versions get redone.
EXTRACTOR_VERSION = "0.4.2"

_LAZY = {
    "extract": "extractors.document",
    "Extraction": "extractors.document",
    "InputError": "extractors.inputs",
}


if TYPE_CHECKING:
    from extractors.document import Extraction, extract
    from extractors.inputs import InputError


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")
