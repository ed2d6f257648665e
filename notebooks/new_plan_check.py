# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Kiểm tra một kế hoạch mới nạp — Checking a newly loaded plan
#
# **VI.** Chạy sổ tay này sau khi `kehoach ingest` một kế hoạch mới để phát hiện lỗi trích xuất:
# số dòng theo trang, ô trống theo cột, thời hạn không phân tích được, đơn vị không có trong từ
# điển, các trang mà bảng trải qua.
#
# **EN.** Run this after `kehoach ingest` on a new plan to spot extraction problems at a glance:
# rows per page, empty cells by column, unparsed deadlines, units not in the dictionary, pages
# the table spans.
#
# `KEHOACH_DOC` picks the document (a doc_id or part of its file name); by default the most
# recently extracted one. `KEHOACH_DB` picks the database.

# %%
import os
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt

DB = Path(os.environ.get("KEHOACH_DB", "../data/processed/kehoach.duckdb")).resolve()
FIGURES = Path(os.environ.get("KEHOACH_FIGURES", "figures")).resolve()
FIGURES.mkdir(parents=True, exist_ok=True)
con = duckdb.connect(str(DB), read_only=True)
wanted = os.environ.get("KEHOACH_DOC", "")
doc = con.execute(
    """select doc_id, file_name, province, agency, plan_year, title, pages, n_tasks, status, error,
              table_pages, cross_checked_pages, engine, extractor_version, extracted_at
       from documents where doc_id = ? or file_name ilike '%' || ? || '%'
       order by extracted_at desc, file_name limit 1""",
    [wanted, wanted],
).df()
DOC = doc.doc_id[0]
doc.T

# %% [markdown]
# ## Số dòng theo trang — Rows per page
#
# **VI.** Một trang của bảng không có dòng nào, hoặc ít bất thường, thường là dấu hiệu bảng
# không được nhận diện ở trang đó (bảng không kẻ, trang scan…).
#
# **EN.** A table page with no rows, or unusually few, usually means the table was not found
# there (no ruling lines, a scanned page…).

# %%
per_page = con.execute(
    """select p.page, count(t.row_no) as rows
       from (select unnest(table_pages) as page from documents where doc_id = $1) p
       left join tasks t on t.doc_id = $1 and t.page_start = p.page
       group by p.page order by p.page""",
    [DOC],
).df()
fig, ax = plt.subplots(figsize=(8, 3))
ax.bar(per_page.page.astype(str), per_page.rows, color="tab:blue")
ax.set_xlabel("trang / page")
ax.set_ylabel("dòng bắt đầu / rows starting")
ax.set_title("Dòng nhiệm vụ theo trang — task rows per page")
fig.tight_layout()
fig.savefig(FIGURES / "rows_per_page.png", dpi=110)
plt.show()
per_page

# %% [markdown]
# ## Ô trống theo cột — Empty cells by column
#
# **VI.** Cột không có trong bố cục là NULL (không tính); ô trống là ''. Một cột trống gần như
# toàn bộ có thể là tiêu đề bị ánh xạ sai.
#
# **EN.** A column the layout lacks is NULL (not counted); an empty cell is ''. A column that is
# almost all empty may be a mis-mapped header.

# %%
columns = ["tt", "objective", "task", "activity", "output", "lead_text", "partner_text", "deadline_text", "budget_text"]
empty = (
    con.execute(
        "select "
        + ", ".join(f"count(*) filter (where {c} = '') as {c}" for c in columns)
        + ", "
        + ", ".join(f"count({c}) as n_{c}" for c in columns)
        + " from tasks where doc_id = ?",
        [DOC],
    )
    .df()
    .iloc[0]
)
rows = [(c, int(empty[c]), int(empty[f"n_{c}"])) for c in columns if empty[f"n_{c}"]]
fig, ax = plt.subplots(figsize=(8, 3))
ax.bar([c for c, _, _ in rows], [100 * e / n for _, e, n in rows], color="tab:orange")
ax.set_ylabel("% ô trống / % empty")
ax.set_title("Ô trống theo cột — empty cells by column")
plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
fig.tight_layout()
fig.savefig(FIGURES / "empty_cells.png", dpi=110)
plt.show()

# %% [markdown]
# ## Thời hạn không phân tích được — Unparsed deadlines
#
# **EN.** Deadline expressions no rule understood: extend `normalizers/deadlines.py` or report them.

# %%
con.execute(
    "select row_no, text from task_deadlines where doc_id = ? and kind = 'unparsed' order by row_no", [DOC]
).df()

# %%
con.execute(
    "select kind, count(*) as expressions from task_deadlines where doc_id = ? group by 1 order by 2 desc", [DOC]
).df()

# %% [markdown]
# ## Đơn vị không có trong từ điển — Units not in the dictionary
#
# **VI.** Tên đơn vị không khớp bí danh, viết tắt hay tên phòng nào đã biết: bổ sung vào
# `normalizers/data/units.json` nếu cần.
#
# **EN.** Units no alias, abbreviation or known department name matched: candidates for
# `normalizers/data/units.json`.

# %%
con.execute(
    """select unit_name, unit_kind, count(*) as mentions from task_units
       where doc_id = ? and matched = 'none' group by all order by mentions desc""",
    [DOC],
).df()

# %% [markdown]
# ## Các trang mà bảng trải qua — Pages the table spans
#
# **EN.** Pages holding task rows, pages re-read with camelot because the grid looked doubtful,
# and rows split across a page break.

# %%
con.execute(
    """select table_pages, cross_checked_pages,
              (select count(*) from tasks where doc_id = $1 and page_end > page_start) as rows_split_across_pages
       from documents where doc_id = $1""",
    [DOC],
).df()
