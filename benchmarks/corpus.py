"""Synthetic corpora for benchmarks and batch tests, built from real plan PDFs.

- :func:`make_copies`: N files whose bytes differ (a unique ``/Subject`` in the document
  information) but whose content does not, so each gets its own ``doc_id``.
- :func:`make_long_plan`: one plan whose appendix pages are repeated to reach N pages.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pikepdf


def make_copies(sources: list[Path], dest: Path, n: int) -> list[Path]:
    """Write ``n`` byte-distinct copies of ``sources`` (round robin) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    cycle = itertools.cycle(sources)
    for i in range(n):
        src = next(cycle)
        target = dest / f"{src.stem}-copy{i:05d}.pdf"
        if not target.exists():
            with pikepdf.open(src) as pdf:
                pdf.docinfo["/Subject"] = f"kehoach synthetic copy {i}"
                pdf.save(target, static_id=False)
        out.append(target)
    return out


def make_long_plan(source: Path, target: Path, pages: int, first_table_page: int) -> Path:
    """Repeat the appendix pages (from ``first_table_page``, 1-based) until the plan has ``pages`` pages."""
    with pikepdf.open(source) as pdf:
        appendix = list(range(first_table_page - 1, len(pdf.pages)))
        with pikepdf.open(source) as donor:
            for i in itertools.cycle(appendix):
                if len(pdf.pages) >= pages:
                    break
                pdf.pages.append(donor.pages[i])
            pdf.save(target)
    return target
