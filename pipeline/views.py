"""Comparison views and macros inside ``kehoach.duckdb``, created by every ingest.

The views read the database's own tables (not Parquet paths), so they work from any
working directory (notebooks run from ``notebooks/``). The reform-area mapping and the
2025 province merger come from the same data the Python functions use
(:mod:`normalizers.admin`):

- ``fold_vi(s)`` is :func:`normalizers.text.fold` in SQL: ``Ð``/``Đ``/``đ`` -> ``d``, accents
  stripped, dash variants -> ``-``, every run of whitespace Python's ``\\s`` knows (newlines,
  tabs, no-break spaces …) -> one space, trimmed, lower case. The character classes are
  generated from Python's own definitions, not typed twice. Left apart, as no keyword can tell:
  ``lower`` is not ``casefold`` (``ß``), and ``strip_accents`` also drops the few marks with
  combining class 0 (U+034F) that ``fold`` keeps;
- ``reform_area_code(title)`` / ``reform_area(title)`` are :func:`normalizers.admin.reform_area`
  generated as a ``CASE`` from :func:`normalizers.admin.reform_areas` (same keywords, same order,
  first match wins, :data:`normalizers.admin.OTHER_AREA` otherwise). One difference: a NULL title
  is NULL in SQL (Python maps ``None`` to ``OTHER_AREA``);
- ``province_merger_2025`` is loaded from :func:`normalizers.admin.province_merger`.

``tests/pipeline/test_views.py`` checks that SQL and Python map every gold section title, and
variants of them, to the same area.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from normalizers.admin import OTHER_AREA, province_merger, reform_areas
from normalizers.text import DASH_CHARS

VIEWS = (
    "v_tasks",
    "v_body_tasks",
    "v_source_counts",
    "v_section_mix",
    "v_unit_load",
    "v_deadline_calendar",
    "v_shared_refs",
    "v_targets",
    "v_review_queue",
)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _re2_class(chars: str) -> str:
    """A RE2 character class (DuckDB's regex engine) of exactly ``chars``."""
    return "[" + "".join(f"\\x{{{ord(ch):04x}}}" for ch in chars) + "]"


@lru_cache(maxsize=1)
def _whitespace() -> str:
    """Every character Python's ``\\s`` (``str.isspace``) matches; RE2's ``\\s`` is ASCII only."""
    return "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())


def fold_sql(expr: str) -> str:
    """SQL for :func:`normalizers.text.fold` of ``expr`` (see the module docstring)."""
    d = f"replace(replace(replace({expr}, 'Ð', 'D'), 'Đ', 'D'), 'đ', 'd')"
    dashes = f"regexp_replace(strip_accents({d}), '{_re2_class(DASH_CHARS)}', '-', 'g')"
    return f"lower(trim(regexp_replace({dashes}, '{_re2_class(_whitespace())}+', ' ', 'g')))"


def _area_case(value: str) -> str:
    """CASE over the folded title, in the data file's order (first match wins), as ``reform_area``.

    The title is folded once, in a one-row subquery: a macro repeats its argument wherever it is
    used, and folding it once per keyword made the views ten times slower.
    """
    whens = []
    for area in reform_areas():
        cond = " OR ".join(f"contains(folded, {_quote(word)})" for word in area["keywords"])
        whens.append(f"WHEN {cond} THEN {_quote(area[value])}")
    other = _quote(OTHER_AREA[0] if value == "code" else OTHER_AREA[1])
    case = "CASE " + " ".join(whens) + f" ELSE {other} END"
    return f"CASE WHEN title IS NULL THEN NULL ELSE (SELECT {case} FROM (SELECT fold_vi(title) AS folded)) END"


def macros() -> list[str]:
    """The scalar macros the views use: ``fold_vi``, ``reform_area_code``, ``reform_area``."""
    return [
        # accent-free lower case, as normalizers.text.fold: "CẢI CÁCH THỂ\nCHẾ" -> "cai cach the che"
        f"CREATE OR REPLACE MACRO fold_vi(s) AS {fold_sql('s')}",
        f"CREATE OR REPLACE MACRO reform_area_code(title) AS {_area_case('code')}",
        f"CREATE OR REPLACE MACRO reform_area(title) AS {_area_case('area')}",
    ]


def table_macros() -> list[str]:
    """Macros over the views, created after them."""
    # tasks of one province, e.g. select * from province_tasks('Bắc Kạn')
    return ["CREATE OR REPLACE MACRO province_tasks(p) AS TABLE SELECT * FROM v_tasks WHERE province = p"]


def data_tables() -> list[tuple[str, list[str], list[tuple]]]:
    rows = [(before, after) for after, names in province_merger().items() for before in names]
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
    # every task written in the body's prose, also of plans with a task table (whose ``tasks`` rows are
    # the appendix only); ``in_tasks``: it is a row of ``tasks`` too (row_no), so of v_tasks
    "v_body_tasks": """
        SELECT d.province, d.province_2025, d.province_slug, d.agency, d.plan_year, d.title AS plan_title,
               reform_area_code(b.section_title) AS area_code, reform_area(b.section_title) AS reform_area,
               b.row_no IS NOT NULL AS in_tasks, b.*
        FROM body_tasks b JOIN documents d USING (doc_id)""",
    # per document: appendix rows, body tasks (stored as rows of tasks or not), and how many state units/times
    "v_source_counts": """
        SELECT d.province, d.province_2025, d.plan_year, d.file_name, d.doc_id, d.status,
               (SELECT count(*) FROM tasks t WHERE t.doc_id = d.doc_id AND t.source = 'appendix') AS appendix_tasks,
               (SELECT count(*) FROM body_tasks b WHERE b.doc_id = d.doc_id) AS body_tasks,
               (SELECT count(*) FROM body_tasks b WHERE b.doc_id = d.doc_id AND b.row_no IS NOT NULL)
                   AS body_tasks_in_tasks,
               (SELECT count(*) FROM body_tasks b WHERE b.doc_id = d.doc_id AND b.lead_text IS NOT NULL)
                   AS body_with_lead,
               (SELECT count(*) FROM body_tasks b WHERE b.doc_id = d.doc_id AND b.deadline_text IS NOT NULL)
                   AS body_with_deadline
        FROM documents d""",
    "v_section_mix": """
        SELECT province, province_2025, plan_year, source, area_code, reform_area, count(*) AS tasks,
               round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY province, plan_year, source), 1) AS share_pct
        FROM v_tasks GROUP BY province, province_2025, plan_year, source, area_code, reform_area""",
    "v_unit_load": """
        SELECT d.province, d.province_2025, t.source, u.unit_name, u.unit_kind, u.unit_key,
               count(DISTINCT (u.doc_id, u.row_no)) FILTER (WHERE u.role = 'lead') AS lead_tasks,
               count(DISTINCT (u.doc_id, u.row_no)) FILTER (WHERE u.role = 'partner') AS partner_tasks
        FROM task_units u JOIN documents d USING (doc_id)
        JOIN tasks t ON t.doc_id = u.doc_id AND t.row_no = u.row_no GROUP BY ALL""",
    "v_deadline_calendar": """
        SELECT d.province, d.province_2025, d.plan_year, t.source,
               CASE WHEN k.end_date IS NOT NULL THEN 'dated' ELSE k.kind END AS timing,
               CAST(date_trunc('month', k.end_date) AS DATE) AS due_month,
               CASE WHEN k.end_date IS NOT NULL THEN year(k.end_date) || '-Q' || quarter(k.end_date) END AS due_quarter,
               count(DISTINCT (k.doc_id, k.row_no)) AS tasks, count(*) AS expressions
        FROM task_deadlines k JOIN documents d USING (doc_id)
        JOIN tasks t ON t.doc_id = k.doc_id AND t.row_no = k.row_no GROUP BY ALL""",
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


def _review_queue() -> str:
    """Flagged rows not yet verified, most doubtful first: the sum of their flags' weights (``pipeline.quality``)."""
    from pipeline.quality import WEIGHTS

    weight = " + ".join(
        f"(CASE WHEN list_contains(t.flags, {_quote(c)}) THEN {w} ELSE 0 END)" for c, w in WEIGHTS.items()
    )
    return f"""
        SELECT d.province, d.file_name, t.doc_id, t.row_no, t.tt, t.page_start, t.page_end, t.flags,
               {weight} AS doubt, t.task, t.lead_text
        FROM tasks t JOIN documents d USING (doc_id)
        WHERE len(t.flags) > 0
          AND NOT EXISTS (SELECT 1 FROM corrections c WHERE c.doc_id = t.doc_id AND c.row_no = t.row_no
                          AND c.action = 'verified' AND c.state = 'applied')
        ORDER BY doubt DESC, len(t.flags) DESC, d.file_name, t.row_no"""


VIEW_SQL["v_review_queue"] = _review_queue()


def create(con) -> None:
    """Create (or replace) data tables, macros and views on an open connection (inside its transaction)."""
    for name, cols, rows in data_tables():
        con.execute(f"CREATE OR REPLACE TABLE {name} ({', '.join(cols)})")
        if rows:
            marks = ", ".join("?" for _ in cols)
            con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
    for sql in macros():
        con.execute(sql)
    for name in VIEWS:
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {VIEW_SQL[name]}")
    for sql in table_macros():
        con.execute(sql)


def drop(con) -> None:
    for name in VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {name}")
