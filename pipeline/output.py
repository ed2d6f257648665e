"""Rows as the command line prints or writes them, in one place for every command.

``table``: a terminal table; when it is wider than the terminal (``COLUMNS``), a vertical record view
instead (one ``column | value`` line per cell, like ``psql``'s ``\\x``). ``csv``: a header and one line
per row, lists and maps as JSON text (never Python reprs), an optional UTF-8 byte-order mark for
Excel. ``json``: one array of objects. ``jsonl``: one object per line. Rows are written as they
come, so a long query result is streamed, not held in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import textwrap
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import IO, Any

BOM = "\ufeff"


class RowFormat(str, Enum):
    """How a command prints rows (``--format``)."""

    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


def cell(value: Any) -> Any:
    """A value as a CSV or spreadsheet cell: lists and maps as JSON text, timestamps without a time zone."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def text(value: Any) -> str:
    """A value as text in a table or record view: nothing for NULL, JSON for lists and maps."""
    value = cell(value)
    return "" if value is None else str(value)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], fh: IO[str], bom: bool = False) -> int:
    if bom:
        fh.write(BOM)
    writer = csv.writer(fh)
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([cell(v) for v in row])
        n += 1
    return n


def _record(columns: Sequence[str], row: Sequence[Any]) -> str:
    return json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, default=str)


def write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], fh: IO[str]) -> int:
    """A JSON array, one object per line, written as the rows arrive."""
    fh.write("[")
    n = 0
    for row in rows:
        fh.write(("\n " if n == 0 else ",\n ") + _record(columns, row))
        n += 1
    fh.write("\n]\n" if n else "]\n")
    return n


def write_jsonl(columns: Sequence[str], rows: Iterable[Sequence[Any]], fh: IO[str]) -> int:
    n = 0
    for row in rows:
        fh.write(_record(columns, row) + "\n")
        n += 1
    return n


def records_view(columns: Sequence[str], rows: Iterable[Sequence[Any]], width: int) -> str:
    """Each row as a block of ``column | value`` lines, values wrapped to ``width``."""
    key = max((len(c) for c in columns), default=0)
    room = max(20, width - key - 3)
    out: list[str] = []
    for i, row in enumerate(rows, 1):
        head = f"-[ RECORD {i} ]"
        out.append(head + "-" * max(0, min(width, key + 3 + room) - len(head)))
        for c, v in zip(columns, row, strict=True):
            lines = [w for part in text(v).split("\n") for w in (textwrap.wrap(part, room) or [""])]
            out.append(f"{c.ljust(key)} | {lines[0]}")
            out.extend(f"{' ' * key} | {line}" for line in lines[1:])
    return "\n".join(out) + ("\n" if out else "")


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    right: Iterable[str] = (),
    row_styles: Sequence[str | None] | None = None,
    console: Any = None,
) -> int:
    """A terminal table, or the vertical record view when the table is wider than the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()  # made now: it reads COLUMNS as the command runs
    cells = [[text(v) for v in r] for r in rows]
    if cells and natural_width(columns, cells) > console.width:
        console.file.write(records_view(columns, cells, console.width))
        console.file.flush()
        return len(cells)
    right = set(right)
    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="right" if c in right else "left", overflow="fold")
    for i, r in enumerate(cells):
        table.add_row(*r, style=row_styles[i] if row_styles else None)
    console.print(table)
    return len(cells)


def natural_width(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> int:
    """How wide the table is with no cell wrapped: each column's widest line, padding and rules."""
    from rich.cells import cell_len

    widths = [cell_len(c) for c in columns]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], max((cell_len(line) for line in value.split("\n")), default=0))
    return sum(widths) + 3 * len(widths) + 1


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: RowFormat | str,
    fh: IO[str] | None = None,
    *,
    bom: bool = False,
    title: str | None = None,
    right: Iterable[str] = (),
) -> int:
    """Print (or write to ``fh``) ``rows`` in ``fmt``; returns how many were written."""
    import sys

    fmt = RowFormat(fmt)
    if fmt is RowFormat.table:
        from rich.console import Console

        return print_table(columns, rows, title=title, right=right, console=Console(file=fh) if fh else None)
    fh = fh or sys.stdout
    if fmt is RowFormat.csv:
        n = write_csv(columns, rows, fh, bom=bom)
    elif fmt is RowFormat.json:
        n = write_json(columns, rows, fh)
    else:
        n = write_jsonl(columns, rows, fh)
    fh.flush()
    return n
