"""Comparison views and macros inside ``kehoach.duckdb``, created by every ingest.

The views read the database's own tables (not Parquet paths), so they work from any
working directory (notebooks run from ``notebooks/``). The reform-area mapping and the
2025 province merger come from the same data files the Python functions use
(:mod:`normalizers.admin`), loaded into small tables.
"""

from __future__ import annotations

from normalizers.admin import _data, reform_areas

VIEWS = ("v_tasks", "v_section_mix", "v_unit_load", "v_deadline_calendar", "v_shared_refs", "v_targets")


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _area_case(value: str) -> str:
    """CASE over the folded title, in the data file's order (first match wins)."""
    whens = []
    for area in reform_areas():
        cond = " OR ".join(f"contains(fold_vi(title), {_quote(k)})" for k in area["keywords"])
        whens.append(f"WHEN {cond} THEN {_quote(area[value])}")
    other = "'khac'" if value == "code" else "'Khác'"
    return "CASE WHEN title IS NULL THEN NULL " + " ".join(whens) + f" ELSE {other} END"


def macros() -> list[str]:
    return [
        # accent-free lower case, as normalizers.text.fold: "CẢI CÁCH THỂ CHẾ" -> "cai cach the che"
        "CREATE OR REPLACE MACRO fold_vi(s) AS lower(strip_accents(replace(replace(s, 'Đ', 'D'), 'đ', 'd')))",
        f"CREATE OR REPLACE MACRO reform_area_code(title) AS {_area_case('code')}",
        f"CREATE OR REPLACE MACRO reform_area(title) AS {_area_case('area')}",
        # tasks of one province, e.g. select * from province_tasks('Bắc Kạn')
        "CREATE OR REPLACE MACRO province_tasks(p) AS TABLE SELECT * FROM v_tasks WHERE province = p",
    ]


def data_tables() -> list[tuple[str, list[str], list[tuple]]]:
    merger = _data("provinces_2025")["provinces"]
    rows = [(before, after) for after, names in merger.items() for before in names]
    areas = [(i, a["code"], a["area"]) for i, a in enumerate(reform_areas(), start=1)]
    return [
        ("province_merger_2025", ["province VARCHAR", "province_2025 VARCHAR"], rows),
        ("reform_area_list", ["priority INTEGER", "code VARCHAR", "area VARCHAR"], areas),
    ]


VIEW_SQL = {
    "v_tasks": """
        SELECT d.province, d.province_2025, d.province_slug, d.agency, d.plan_year, d.title AS plan_title,
               reform_area_code(t.section_title) AS area_code, reform_area(t.section_title) AS reform_area,
               t.*
        FROM tasks t JOIN documents d USING (doc_id)""",
    "v_section_mix": """
        SELECT province, province_2025, plan_year, area_code, reform_area, count(*) AS tasks,
               round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY province, plan_year), 1) AS share_pct
        FROM v_tasks GROUP BY province, province_2025, plan_year, area_code, reform_area""",
    "v_unit_load": """
        SELECT d.province, d.province_2025, u.unit_name, u.unit_kind, u.unit_key,
               count(DISTINCT (u.doc_id, u.row_no)) FILTER (WHERE u.role = 'lead') AS lead_tasks,
               count(DISTINCT (u.doc_id, u.row_no)) FILTER (WHERE u.role = 'partner') AS partner_tasks
        FROM task_units u JOIN documents d USING (doc_id) GROUP BY ALL""",
    "v_deadline_calendar": """
        SELECT d.province, d.province_2025, d.plan_year,
               CASE WHEN k.end_date IS NOT NULL THEN 'dated' ELSE k.kind END AS timing,
               CAST(date_trunc('month', k.end_date) AS DATE) AS due_month,
               CASE WHEN k.end_date IS NOT NULL THEN year(k.end_date) || '-Q' || quarter(k.end_date) END AS due_quarter,
               count(DISTINCT (k.doc_id, k.row_no)) AS tasks, count(*) AS expressions
        FROM task_deadlines k JOIN documents d USING (doc_id) GROUP BY ALL""",
    "v_shared_refs": """
        SELECT r.doc_type, r.number, any_value(r.issuer) AS issuer, any_value(r.year) AS year,
               count(DISTINCT d.province) AS provinces, list(DISTINCT d.province ORDER BY d.province) AS province_list,
               count(DISTINCT r.doc_id) AS documents, count(*) AS citations
        FROM legal_refs r JOIN documents d USING (doc_id)
        WHERE r.number IS NOT NULL
        GROUP BY r.doc_type, r.number
        HAVING count(DISTINCT d.province) > 1""",
    "v_targets": """
        SELECT d.province, d.province_2025, d.plan_year,
               reform_area_code(coalesce(t.section_title, g.section)) AS area_code,
               reform_area(coalesce(t.section_title, g.section)) AS reform_area,
               g.* EXCLUDE (doc_id), g.doc_id
        FROM targets g JOIN documents d USING (doc_id)
        LEFT JOIN tasks t ON t.doc_id = g.doc_id AND t.row_no = g.row_no""",
}


def create(con) -> None:
    """Create (or replace) data tables, macros and views on an open connection (inside its transaction)."""
    for name, cols, rows in data_tables():
        con.execute(f"CREATE OR REPLACE TABLE {name} ({', '.join(cols)})")
        if rows:
            marks = ", ".join("?" for _ in cols)
            con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    for sql in macros()[:3]:
        con.execute(sql)
    for name in VIEWS:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {VIEW_SQL[name]}")
    con.execute(macros()[3])


def drop(con) -> None:
    for name in VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {name}")
