"""Fault injection for crash tests: ``KEHOACH_FAULT=<point>:<n>`` SIGKILLs this process the n-th time
the code reaches ``checkpoint(<point>)`` (``n`` defaults to 1). Unset (always, outside tests), a
checkpoint costs one dictionary look-up.

Points of the single writer process (:mod:`pipeline.store`):

``after-tables``
    a document's new table files are written, its ``documents`` file is not yet;
``after-document``
    a document's new ``documents`` file is written, the journal line not yet (not committed);
``after-commit``
    the journal line is written (committed); the superseded version's files are not yet removed;
``before-duckdb-commit``
    the DuckDB update (on a copy) has deleted and inserted every changed document, not committed;
``before-duckdb-replace``
    the updated copy is committed and closed but not yet renamed over ``kehoach.duckdb``.

In a worker (:func:`pipeline.ingest.run_job`): ``KEHOACH_FAULT=worker-start:<text>`` SIGKILLs the
worker process that is about to read a file whose name contains ``<text>`` — every time, so the
retry that isolates the culprit dies too (a stand-in for the OOM killer).
``correction-before-rename``
    a correction's log entry is written and fsynced under its temporary name, not yet renamed
    (:mod:`pipeline.corrections`).
"""

from __future__ import annotations

import os
import signal

ENV = "KEHOACH_FAULT"
POINTS = (
    "after-tables",
    "after-document",
    "after-commit",
    "before-duckdb-commit",
    "before-duckdb-replace",
    "correction-before-rename",
)
KEYED = ("worker-start",)

_seen: dict[str, int] = {}


def _target() -> tuple[str, str] | None:
    spec = os.environ.get(ENV)
    if not spec:
        return None
    point, _, arg = spec.partition(":")
    if point in KEYED and arg:
        return point, arg
    if point not in POINTS or (arg and not arg.isdigit()):
        raise ValueError(
            f"{ENV}={spec!r}: expected <point>[:<n>] with point one of {', '.join(POINTS)}, or worker-start:<name>"
        )
    return point, arg or "1"


def checkpoint(point: str, key: str | None = None) -> None:
    """Die here (SIGKILL, no clean-up of any kind) if ``KEHOACH_FAULT`` names this point and count
    (or, for a keyed point, a text that ``key`` contains)."""
    if ENV not in os.environ:
        return
    target = _target()
    if target is None or target[0] != point:
        return
    if point in KEYED:
        if key is not None and target[1] in key:
            os.kill(os.getpid(), signal.SIGKILL)
        return
    _seen[point] = _seen.get(point, 0) + 1
    if _seen[point] == int(target[1]):
        os.kill(os.getpid(), signal.SIGKILL)
