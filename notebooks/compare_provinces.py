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
# # So sánh kế hoạch cải cách hành chính giữa các tỉnh
# # Comparing provinces' administrative reform plans
#
# **VI.** Sổ tay này đọc cơ sở dữ liệu `kehoach.duckdb` (tạo bởi `kehoach ingest`) và so sánh
# các tỉnh theo: cơ cấu lĩnh vực cải cách, đơn vị chủ trì, lịch thời hạn, văn bản pháp lý được
# viện dẫn và các chỉ tiêu định lượng.
#
# **EN.** This notebook reads `kehoach.duckdb` (made by `kehoach ingest`) and compares provinces
# by reform-area mix, lead units, deadline timeline, cited legal documents and quantified targets.
# Every table comes from a view documented in the README (`v_section_mix`, `v_unit_load`, …).
#
# Set `KEHOACH_DB` to use another database; by default the bundled samples' output
# (`bash scripts/run.sh` makes it).

# %%
import os
from pathlib import Path

import duckdb
import matplotlib.pyplot as plt

DB = Path(os.environ.get("KEHOACH_DB", "../data/processed/kehoach.duckdb")).resolve()
FIGURES = Path(os.environ.get("KEHOACH_FIGURES", "figures")).resolve()
FIGURES.mkdir(parents=True, exist_ok=True)
con = duckdb.connect(str(DB), read_only=True)
plt.rcParams.update({"figure.dpi": 100, "axes.spines.top": False, "axes.spines.right": False})


def show(fig, name):
    """Display the figure in the notebook and keep a PNG copy (the README uses one)."""
    fig.tight_layout()
    fig.savefig(FIGURES / f"{name}.png", dpi=110)
    plt.show()


con.sql("select province, province_2025, agency, plan_year, n_tasks, status from documents order by province").df()

# %% [markdown]
# ## 1. Cơ cấu lĩnh vực cải cách — Reform-area mix
#
# **VI.** Mỗi kế hoạch chia nhiệm vụ theo các mục La Mã; tên mục khác nhau giữa các tỉnh
# ("CẢI CÁCH CÔNG VỤ" / "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ") nên được quy về các lĩnh vực của Chương
# trình tổng thể CCHC. Biểu đồ cho biết tỷ trọng nhiệm vụ của mỗi lĩnh vực trong từng tỉnh.
#
# **EN.** Section titles differ between layouts; `v_section_mix` maps them onto the national
# reform areas. The chart shows each area's share of a province's tasks.

# %%
mix = con.sql("select province, reform_area, tasks, share_pct from v_section_mix order by reform_area, province").df()
pivot = mix.pivot_table(index="reform_area", columns="province", values="share_pct", fill_value=0)
fig, ax = plt.subplots(figsize=(9, 4.5))
pivot.plot.barh(ax=ax, width=0.8)
ax.set_xlabel("% nhiệm vụ / % of tasks")
ax.set_ylabel("")
ax.set_title("Cơ cấu lĩnh vực cải cách — reform-area mix")
show(fig, "section_mix")
pivot

# %% [markdown]
# ## 2. Đơn vị chủ trì — Who carries the load
#
# **VI.** Số nhiệm vụ mỗi đơn vị (tên chuẩn hóa) chủ trì hoặc phối hợp. "Văn phòng Sở" của hai
# tỉnh là hai đơn vị khác nhau (`unit_key` gắn với tỉnh).
#
# **EN.** Tasks per canonical unit, as lead and as partner. Units are scoped by province, so
# two provinces' "Văn phòng Sở" never merge.

# %%
load = con.sql(
    """select province, unit_name, unit_kind, lead_tasks, partner_tasks
       from v_unit_load where lead_tasks > 0 order by province, lead_tasks desc"""
).df()
top = load.groupby("province").head(5)
fig, axes = plt.subplots(1, top.province.nunique(), figsize=(11, 3.8), sharex=True)
axes = list(axes) if hasattr(axes, "__len__") else [axes]
for ax, (province, rows) in zip(axes, top.groupby("province"), strict=True):
    ax.barh(rows.unit_name.str.slice(0, 38)[::-1], rows.lead_tasks[::-1], color="tab:blue")
    ax.set_title(province)
    ax.set_xlabel("nhiệm vụ chủ trì / lead tasks")
show(fig, "unit_load")
top

# %%
con.sql(
    """select province, unit_kind, sum(lead_tasks) as lead, sum(partner_tasks) as partner
       from v_unit_load group by all order by province, lead desc"""
).df()

# %% [markdown]
# ## 3. Lịch thời hạn — Deadline timeline
#
# **VI.** Thời hạn được phân tích thành ngày/tháng/quý/năm; các thời hạn "Thường xuyên",
# định kỳ hoặc theo sự kiện không có ngày cụ thể và được đếm riêng.
#
# **EN.** Deadlines parsed into dates fall on a quarter; continuous, recurring and event-driven
# deadlines have no date and are counted apart.

# %%
dated = con.sql(
    """select province, due_quarter, sum(tasks) as tasks from v_deadline_calendar
       where timing = 'dated' group by all order by due_quarter"""
).df()
timing = con.sql(
    "select province, timing, sum(tasks) as tasks from v_deadline_calendar group by all order by province"
).df()
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
dated.pivot_table(index="due_quarter", columns="province", values="tasks", fill_value=0).plot.bar(ax=a1)
a1.set_title("Nhiệm vụ đến hạn theo quý — tasks due per quarter")
a1.set_xlabel("")
timing.pivot_table(index="province", columns="timing", values="tasks", fill_value=0).plot.bar(ax=a2, stacked=True)
a2.set_title("Loại thời hạn — kind of deadline")
a2.set_xlabel("")
show(fig, "deadlines")
timing

# %% [markdown]
# ## 4. Văn bản pháp lý được viện dẫn — Legal references
#
# **VI.** Các tỉnh viện dẫn những văn bản nào của Trung ương và của tỉnh; văn bản nào được
# nhiều tỉnh cùng viện dẫn (`v_shared_refs`).
#
# **EN.** Which documents each province cites, by type and issuer, and which documents more
# than one province cites (`v_shared_refs`; empty when the provinces share none).

# %%
refs = con.sql(
    """select d.province, r.doc_type, count(distinct coalesce(r.number, r.raw)) as documents
       from legal_refs r join documents d using (doc_id) group by all order by documents desc"""
).df()
fig, ax = plt.subplots(figsize=(9, 4))
refs.pivot_table(index="doc_type", columns="province", values="documents", fill_value=0).plot.barh(ax=ax)
ax.set_title("Văn bản được viện dẫn theo loại — cited documents by type")
ax.set_xlabel("số văn bản / documents")
ax.set_ylabel("")
show(fig, "legal_refs")
con.sql("select * from v_shared_refs order by provinces desc, citations desc").df()

# %%
con.sql(
    """with cited as (select distinct d.province, r.number from legal_refs r join documents d using (doc_id)
                      where r.number is not null)
       select number, list(province order by province) as provinces, count(*) as n from cited
       group by number order by n desc, number limit 15"""
).df()

# %% [markdown]
# ## 5. Chỉ tiêu định lượng — Quantified targets
#
# **VI.** Các chỉ tiêu phần trăm trong phần "Chỉ tiêu/Mục tiêu" và cột mục tiêu, theo tỉnh và
# lĩnh vực; phân bố cho biết mức độ tham vọng.
#
# **EN.** Percentage targets from the plans' "Chỉ tiêu/Mục tiêu" parts and objective cells, by
# province and reform area; the distribution shows how ambitious they are.

# %%
targets = con.sql("select province, reform_area, percent, comparator, subject from v_targets").df()
fig, ax = plt.subplots(figsize=(8, 3.8))
by_province = list(targets.groupby("province"))
ax.hist([g.percent.values for _, g in by_province], bins=range(0, 105, 5), label=[p for p, _ in by_province])
ax.legend()
ax.set_xlabel("chỉ tiêu (%) / target (%)")
ax.set_ylabel("số chỉ tiêu / targets")
ax.set_title("Phân bố chỉ tiêu — target distribution")
show(fig, "targets")
targets.groupby(["province", "reform_area"]).percent.agg(["count", "median", "min"]).reset_index()

# %% [markdown]
# ## 6. Nhiệm vụ trong phụ lục và trong thân văn bản — Appendix and body tasks
#
# **VI.** Nhiệm vụ của bảng phụ lục (`source = 'appendix'`) và nhiệm vụ viết trong thân văn bản
# (`v_body_tasks`, cả của kế hoạch có phụ lục). Kế hoạch không có bảng phụ lục có các nhiệm vụ
# trong thân văn bản là dòng của `tasks` (`source = 'body'`); so sánh chỉ phụ lục:
# `where source = 'appendix'`.
#
# **EN.** Tasks of the appendix table (`source = 'appendix'`) against the tasks written in the body
# (`v_body_tasks`, also for plans with an appendix). In a plan without a task table the body tasks
# are its `tasks` rows (`source = 'body'`); compare appendix tasks only with `where source = 'appendix'`.

# %%
con.sql(
    """select province, sum(appendix_tasks) as appendix, sum(body_tasks) as body,
              sum(body_tasks_in_tasks) as body_in_tasks, sum(body_with_lead) as body_with_lead,
              sum(body_with_deadline) as body_with_deadline
       from v_source_counts group by province order by province"""
).df()

# %%
con.sql(
    """select province, source, count(*) as tasks from v_tasks group by all
       union all
       select province, 'body (all)' as source, count(*) from v_body_tasks group by all
       order by province, source"""
).df()
