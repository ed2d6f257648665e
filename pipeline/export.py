"""Export the store for people who work in spreadsheets: ``.xlsx`` (one sheet per table), ``.csv``, Parquet.

The ``tasks`` sheet is the task list as an analyst reads it: each row with its plan's province,
agency and year, the canonical lead and partner units of the row (``task_units``) and its first
due date (``task_deadlines``) beside the printed texts. Filters by province, year and status
apply to every table. Lists and maps are written as JSON text, so a spreadsheet shows them
whole; CSV is UTF-8 with a byte-order mark by default, which Excel needs to read Vietnamese.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.files import atomic_write
from pipeline.output import cell

FORMATS = ("xlsx", "csv", "parquet")
#: what ``kehoach export`` writes when no table is named
DEFAULT_TABLES = ("documents", "tasks")
#: the analyst's task list: tasks with their plan and their units and deadlines
TASKS_SQL = """
    SELECT d.province, d.agency, d.plan_year, d.file_name, t.row_no, t.source, t.section_code, t.section_title,
           t.group_title, t.tt, t.objective, t.task, t.activity, t.output,
           t.lead_text, (SELECT string_agg(u.unit_name, '; ' ORDER BY u.position) FROM task_units u
                         WHERE u.doc_id = t.doc_id AND u.row_no = t.row_no AND u.role = 'lead') AS lead_units,
           t.partner_text, (SELECT string_agg(u.unit_name, '; ' ORDER BY u.position) FROM task_units u
                            WHERE u.doc_id = t.doc_id AND u.row_no = t.row_no AND u.role = 'partner') AS partner_units,
           t.deadline_text, (SELECT min(k.end_date) FROM task_deadlines k
                             WHERE k.doc_id = t.doc_id AND k.row_no = t.row_no) AS due_date,
           t.budget_text, t.page_start, t.page_end, t.flags, t.doc_id
    FROM tasks t JOIN documents d USING (doc_id)"""
#: Vietnamese column titles (``--vietnamese``): what a Vietnamese analyst calls them
VIETNAMESE = {
    "province": "Tỉnh/Thành phố",
    "agency": "Cơ quan ban hành",
    "plan_year": "Năm",
    "file_name": "Tệp",
    "row_no": "Dòng",
    "source": "Nguồn",
    "section_code": "Mục",
    "section_title": "Tên mục",
    "group_title": "Nhóm",
    "tt": "TT",
    "objective": "Mục tiêu",
    "task": "Nhiệm vụ",
    "activity": "Hoạt động",
    "output": "Sản phẩm",
    "lead_text": "Chủ trì (như in)",
    "lead_units": "Chủ trì",
    "partner_text": "Phối hợp (như in)",
    "partner_units": "Phối hợp",
    "deadline_text": "Thời hạn (như in)",
    "due_date": "Hạn",
    "budget_text": "Kinh phí",
    "page_start": "Trang đầu",
    "page_end": "Trang cuối",
    "title": "Trích yếu",
    "number": "Số",
    "status": "Trạng thái",
    "error": "Lỗi",
    "pages": "Số trang",
    "n_tasks": "Số nhiệm vụ",
}


class ExportError(Exception):
    """The export cannot be written as asked (a message for the user)."""


@dataclass
class Filters:
    province: str | None = None  # name as printed ("Sơn La") or slug ("son-la")
    year: int | None = None
    status: str | None = None

    def where(self, alias: str = "d") -> tuple[str, list[Any]]:
        parts: list[str] = []
        args: list[Any] = []
        if self.province:
            parts.append(f"({alias}.province = ? OR {alias}.province_slug = ?)")
            args += [self.province, self.province]
        if self.year:
            parts.append(f"{alias}.plan_year = ?")
            args.append(self.year)
        if self.status:
            parts.append(f"{alias}.status = ?")
            args.append(self.status)
        return (" AND ".join(parts) or "TRUE"), args


def _table_sql(con: Any, table: str, filters: Filters) -> tuple[str, list[Any]]:
    where, args = filters.where("d")
    if table == "tasks":
        return f"{TASKS_SQL} WHERE {where} ORDER BY d.province, d.file_name, t.row_no", args
    if table == "documents":
        return f"SELECT * FROM documents d WHERE {where} ORDER BY d.province, d.file_name", args
    cols = {r[0] for r in con.execute(f"DESCRIBE {_ident(table)}").fetchall()}
    if "doc_id" not in cols:
        return f"SELECT * FROM {_ident(table)}", []
    order = ", x.row_no" if "row_no" in cols else ""
    return (
        f"SELECT x.* FROM {_ident(table)} x JOIN documents d USING (doc_id) WHERE {where} ORDER BY x.doc_id{order}",
        args,
    )


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ExportError(f"no table named {name!r}")
    return f'"{name}"'


def export(
    out: Path,
    dest: Path,
    *,
    fmt: str | None = None,
    tables: Sequence[str] = DEFAULT_TABLES,
    sql: str | None = None,
    filters: Filters | None = None,
    vietnamese: bool = False,
    bom: bool = True,
) -> dict[str, int]:
    """Write ``tables`` (or the result of ``sql``) of the store in ``out`` to ``dest``; returns rows per sheet."""
    import duckdb

    from pipeline.query import connect

    fmt = fmt or dest.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)} (or name the file .xlsx)")
    filters = filters or Filters()
    con = connect(out)
    try:
        known = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        sheets: dict[str, tuple[list[str], list[tuple]]] = {}
        queries: list[tuple[str, str, list[Any]]] = [("query", sql, [])] if sql else []
        for table in [] if sql else tables:
            if table not in known:
                raise ExportError(f"no table named {table!r} in {out}: choose from {', '.join(sorted(known))}")
            query, args = _table_sql(con, table, filters)
            queries.append((table, query, args))
        for name, query, args in queries:
            cur = con.execute(query, args)
            sheets[name] = ([d[0] for d in cur.description], cur.fetchall())
    except duckdb.Error as exc:
        raise ExportError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()
    if fmt != "xlsx" and len(sheets) > 1:
        raise ExportError(f"a .{fmt} file holds one table: name one with --table, or export to .xlsx")
    write_sheets(dest, sheets, fmt, vietnamese=vietnamese, bom=bom)
    return {name: len(rows) for name, (_, rows) in sheets.items()}


Sheets = dict[str, tuple[list[str], list[tuple]]]


def write_sheets(dest: Path, sheets: Sheets, fmt: str, *, vietnamese: bool = False, bom: bool = True) -> Path:
    """Write named (columns, rows) to ``dest`` as xlsx (a sheet each), csv or parquet (one only)."""
    writer = {"xlsx": _write_xlsx, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    return atomic_write(dest, lambda tmp: writer(tmp, sheets, vietnamese, bom))


def _titles(columns: list[str], vietnamese: bool) -> list[str]:
    return [VIETNAMESE.get(c, c) for c in columns] if vietnamese else columns


def _write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[tuple]]], vietnamese: bool, bom: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, (columns, rows) in sheets.items():
        ws = wb.create_sheet(name[:31])
        ws.append(_titles(columns, vietnamese))
        for row in rows:
            ws.append([cell(v) for v in row])
        for title in ws[1]:
            title.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i in range(1, len(columns) + 1):
            longest = max([len(str(ws.cell(1, i).value))] + [len(str(r[i - 1] or "")) for r in rows[:500]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(8, longest + 2), 60)
            if longest > 60:
                for cells in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


def _write_csv(path: Path, sheets: dict[str, tuple[list[str], list[tuple]]], vietnamese: bool, bom: bool) -> None:
    ((columns, rows),) = sheets.values()
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_titles(columns, vietnamese))
        writer.writerows([cell(v) for v in row] for row in rows)


def _write_parquet(path: Path, sheets: dict[str, tuple[list[str], list[tuple]]], vietnamese: bool, bom: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    ((columns, rows),) = sheets.values()
    table = pa.Table.from_pylist([dict(zip(_titles(columns, vietnamese), r, strict=True)) for r in rows])
    pq.write_table(table, path)
