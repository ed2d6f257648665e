"""The data dictionary: every output table and column, generated from :mod:`pipeline.tables`.

Each column's type is its DuckDB type (:mod:`pipeline.schema`); its meaning is the comment written
beside (or just above) the field in ``pipeline/tables.py``, and the values of an enum column are
listed. ``kehoach schema --format markdown -o docs/data-dictionary.md`` writes the Markdown; a test
checks that the committed file is current.
"""

from __future__ import annotations

import ast
import enum
import inspect
import io
import re
import textwrap
import tokenize
import typing
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from pipeline.schema import TABLES, duck_type, primary_key
from pipeline.tables import RECORDS

COLUMNS = ("table", "column", "type", "meaning")


@dataclass(frozen=True)
class Column:
    table: str
    column: str
    type: str
    meaning: str


def _comments(cls: type[Any]) -> dict[str, str]:
    """field -> the comment beside it, or the comment lines just above it, in ``cls``'s own source."""
    source = textwrap.dedent(inspect.getsource(cls))
    by_line: dict[int, tuple[str, bool]] = {}  # line -> (comment, alone on its line)
    lines = source.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            alone = not lines[tok.start[0] - 1][: tok.start[1]].strip()
            by_line[tok.start[0]] = (tok.string.lstrip("#").strip(), alone)
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.ClassDef)
    out: dict[str, str] = {}
    block = ""  # a comment above a field also covers the uncommented fields right after it
    last = 0
    for stmt in node.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            block, last = "", 0
            continue
        above: list[str] = []
        line = stmt.lineno - 1
        while line in by_line and by_line[line][1]:
            above.insert(0, by_line[line][0])
            line -= 1
        beside = by_line.get(stmt.end_lineno or stmt.lineno)
        own = beside[0] if beside and not beside[1] else ""
        if above:
            block = " ".join(above)
        elif own or stmt.lineno != last + 1:
            block = ""
        out[stmt.target.id] = " ".join(x for x in (own, block) if x)
        last = stmt.end_lineno or stmt.lineno
    return out


def _enum_of(hint: Any) -> type[enum.StrEnum] | None:
    args = [a for a in typing.get_args(hint) if a is not type(None)] if typing.get_origin(hint) else [hint]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], enum.StrEnum):
        return args[0]
    return None


def _rst(text: str) -> str:
    """reStructuredText literals as Markdown ones: ``x`` -> `x`."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


@cache
def columns() -> tuple[Column, ...]:
    """Every column of every output table, in table and column order."""
    out = []
    for name, cls in RECORDS.items():
        comments: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            if klass in RECORDS.values():
                comments.update(_comments(klass))
        hints = typing.get_type_hints(cls, include_extras=True)
        schema = TABLES[name]
        for f in fields(cls):
            meaning = _rst(comments.get(f.name, ""))
            kind = _enum_of(hints[f.name])
            if kind is not None:
                values = ", ".join(f"`{m.value}`" for m in kind)
                meaning = f"{meaning}; one of {values}" if meaning else f"one of {values}"
            out.append(Column(name, f.name, duck_type(schema.field(f.name).type), meaning))
    return tuple(out)


def rows() -> list[tuple[str, str, str, str]]:
    return [(c.table, c.column, c.type, c.meaning) for c in columns()]


def _summary(cls: type[Any]) -> str:
    doc = inspect.getdoc(cls) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    text = _rst(re.sub(r"^``\w+``:\s*", "", first))
    return text[:1].upper() + text[1:]


def markdown() -> str:
    """The data dictionary as Markdown (``docs/data-dictionary.md``)."""
    out = [
        "# Data dictionary",
        "",
        "<!-- generated from pipeline/tables.py: kehoach schema --format markdown -o docs/data-dictionary.md -->",
        "",
        "Every table of the store, in `kehoach.duckdb` and as Parquet under `parquet/<table>/province=<slug>/`.",
        "Every column may be NULL. Types are DuckDB's; lists are `T[]`, maps `MAP(K, V)`. The meaning of",
        "each column is the comment beside its field in `pipeline/tables.py`, from which this file is",
        "generated (a test checks it is current). The views and macros built on these tables are in the",
        'README ("Comparing provinces").',
        "",
        "Tables: " + ", ".join(f"[`{name}`](#{name})" for name in RECORDS) + ".",
    ]
    by_table: dict[str, list[Column]] = {}
    for c in columns():
        by_table.setdefault(c.table, []).append(c)
    for name, cls in RECORDS.items():
        key = primary_key(name)
        out += ["", f"## {name}", "", _summary(cls)]
        if key:
            out += ["", "Key: " + ", ".join(f"`{k}`" for k in key) + "."]
        out += ["", "| column | type | meaning |", "|---|---|---|"]
        for c in by_table[name]:
            out.append(f"| `{c.column}` | {c.type} | {c.meaning.replace('|', chr(92) + '|')} |")
    return "\n".join(out) + "\n"
