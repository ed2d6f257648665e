"""Fault injection for crash tests: ``KEHOACH_FAULT=<point>:<n>`` SIGKILLs this process the n-th time
the code reaches ``checkpoint(<point>)`` (``n`` defaults to 1). Unset (always, outside tests), a
checkpoint costs one dictionary look-up.

Points (all in the single writer process, :mod:`pipeline.store`):

``after-tables``
    a document's table files are written, its ``documents`` file is not yet;
``after-document``
    a document's ``documents`` file is written (the document is committed);
``before-duckdb-commit``
    the DuckDB rebuild has inserted every table but has not committed;
``correction-before-rename``
    a correction's log entry is written and fsynced under its temporary name, not yet renamed
    (:mod:`pipeline.corrections`).
"""

from __future__ import annotations

import os
import signal

ENV = "KEHOACH_FAULT"
POINTS = ("after-tables", "after-document", "before-duckdb-commit", "correction-before-rename")

_seen: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    spec = os.environ.get(ENV)
    if not spec:
        return None
    point, _, count = spec.partition(":")
    if point not in POINTS or (count and not count.isdigit()):
        raise ValueError(f"{ENV}={spec!r}: expected <point>[:<n>] with point one of {', '.join(POINTS)}")
    return point, int(count or 1)


def checkpoint(point: str) -> None:
    """Die here (SIGKILL, no clean-up of any kind) if ``KEHOACH_FAULT`` names this point and count."""
    if ENV not in os.environ:
        return
    target = _target()
    if target is None or target[0] != point:
        return
    _seen[point] = _seen.get(point, 0) + 1
    if _seen[point] == target[1]:
        os.kill(os.getpid(), signal.SIGKILL)
