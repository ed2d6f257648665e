"""The borderless anchor: camelot's stream flavour vs our borderless finder on the borderless layout set.

    python -m benchmarks.borderless            # tests/fixtures/layouts/borderless (60 PDFs, ~6 minutes)
    make bench-borderless                      # the same; writes benchmarks/results/borderless.json

camelot stream (``camelot.read_pdf(path, flavor="stream", pages=<table pages>)``) gives one table per
text block, one row per printed line; :func:`camelot_rows` adapts it as a user would (header labels read
over its columns, mapped with :func:`extractors.headers.field_for` and carried to the next pages when the
column count is the same; lines joined into rows at each TT number).
Both are scored with the judge's alignment and exact-cell rule (:mod:`pipeline.scoring`) on the contract
fields; camelot has no notion of sections, so ``section_code`` is left out of both numbers here.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from extractors.headers import field_for
from pipeline.files import atomic_write_text
from pipeline.scoring import COLUMN_OF, align, norm, score

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "fixtures" / "layouts" / "borderless"
_TT = re.compile(r"^(\d{1,3}(\.\d{1,3})*[.)]?|[a-zđ][.)])$")  # a row number (1, 1.2, 3., a))
RESULTS = ROOT / "benchmarks" / "results" / "borderless.json"  # written by a run on the committed set


def camelot_rows(pdf: Path, pages: list[int]) -> list[dict]:
    """camelot stream's tables on ``pages`` as task rows (contract column names).

    camelot stream gives one row per printed line and often leaves a wrapped header above the table
    area it detects, so its output is adapted as a user of it would: each column's header label is read
    from the page's words above the table (the contiguous block of lines just over its first row, each
    word in the camelot column its centre falls in) together with camelot's own first rows; the lines
    are joined into task rows, a new one where the TT column holds a number, a line with text only in
    the first column (a section or group title) ending the row and dropped; at a page top, lines before
    the first number continue the last row of the page before. Without a TT column, each line is a row.
    """
    import camelot
    import pdfplumber

    rows: list[dict] = []
    mapping: list[str | None] | None = None
    tables = camelot.read_pdf(str(pdf), flavor="stream", pages=",".join(map(str, pages)))
    with pdfplumber.open(str(pdf)) as doc:
        for t in tables:
            data = [[c.replace("\n", " ").strip() for c in row] for row in t.df.values.tolist()]
            if not data:
                continue
            page = doc.pages[int(t.page) - 1]
            above = _labels_above(page, t.cols, page.height - t.rows[0][0])
            start, best, found = 0, 2, None
            for r in range(min(8, len(data))):  # the header: its labels wrapped over the first rows, read together
                labels = [" ".join([above[c], *(row[c] for row in data[: r + 1])]) for c in range(len(data[0]))]
                fields = [field_for(x) for x in labels]
                if sum(1 for f in fields if f) > best:
                    found, start, best = fields, r + 1, sum(1 for f in fields if f)
            if found is not None:
                mapping = found
            else:
                start = 0
            if mapping is None or len(mapping) != len(data[0]):
                continue
            rows.extend(_join_lines(data[start:], mapping, rows))
    return [{COLUMN_OF[f]: norm(v) for f, v in row.items()} for row in rows if any(row.values())]


def _labels_above(page, cols: list[tuple[float, float]], top: float, max_lines: int = 8) -> list[str]:
    """Per camelot column, the words of the block of lines just above ``top`` (pdfplumber's y, downwards)."""
    from pdfplumber.utils import cluster_objects

    words = [w for w in page.extract_words() if w["bottom"] <= top + 2 and cols[0][0] <= (w["x0"] + w["x1"]) / 2]
    lines = sorted(cluster_objects(words, "top", 3), key=lambda ws: -ws[0]["top"])
    block: list[list[dict]] = []
    for ws in lines:  # upwards, while the lines stay close together
        height = max(w["bottom"] - w["top"] for w in ws)
        edge = block[-1][0]["top"] if block else top
        if len(block) >= max_lines or edge - max(w["bottom"] for w in ws) > 1.2 * height:
            break
        block.append(ws)
    out = [[] for _ in cols]
    for w in sorted((w for ws in block for w in ws), key=lambda w: (round(w["top"]), w["x0"])):
        cx = (w["x0"] + w["x1"]) / 2
        for c, (x0, x1) in enumerate(cols):
            if x0 <= cx < x1:
                out[c].append(w["text"])
    return [" ".join(ws) for ws in out]


def _join_lines(data: list[list[str]], mapping: list[str | None], before: list[dict]) -> list[dict]:
    """camelot's lines as task rows (see :func:`camelot_rows`)."""
    tt = mapping.index("tt") if "tt" in mapping else None
    out: list[dict] = []
    current: dict | None = before[-1] if before else None  # a row cut by the page break goes on

    def add(row: dict, cells: list[str]) -> None:
        for f, c in zip(mapping, cells, strict=True):
            if f in COLUMN_OF and c:
                row[f] = f"{row[f]} {c}" if row.get(f) else c

    for cells in data:
        if not any(cells):
            continue
        if tt is None:
            row: dict = {}
            add(row, cells)
            out.append(row)
            continue
        if cells[0] and not any(cells[1:]) and not _TT.match(cells[0]):
            current = None  # a section or group title
            continue
        if cells[tt] and _TT.match(cells[tt]):
            current = {}
            out.append(current)
        if current is not None:
            add(current, cells)
    return out


def exact_cells(gold: dict, got: list[dict]) -> tuple[int, int]:
    rows = gold["appendix"]["rows"]
    present = [f for f in COLUMN_OF if any(r.get(f) is not None for r in rows)]
    hits = sum(
        norm(rows[gi].get(f)) == norm(got[ei].get(COLUMN_OF[f])) for gi, ei, _ in align(rows, got) for f in present
    )
    return hits, len(rows) * len(present)


def ours_without_sections(report: dict, gold: dict) -> tuple[int, int]:
    rows = len(gold["appendix"]["rows"])
    fields = {f: a for f, a in report["field_accuracy"].items() if f != "section_code"}
    return round(sum(fields.values()) * rows), rows * len(fields)


def compare(set_dir: Path = SET) -> dict:
    """Print camelot-stream exact cells vs ours per document and overall; return the totals."""
    from tests.conftest import run_cli

    index = json.loads((set_dir / "index.json").read_text(encoding="utf-8"))
    out = Path(tempfile.mkdtemp(prefix="kehoach-borderless-bench-"))
    try:
        result = run_cli("ingest", *(str(set_dir / n) for n in index), "--out", str(out), "--quiet")
        assert result.exit_code == 0, result.output
        totals = {"camelot": [0, 0], "ours": [0, 0]}
        per_doc: dict[str, dict] = {}
        for name, meta in index.items():
            gold = json.loads((set_dir / meta["gold"]).read_text(encoding="utf-8"))
            cam = exact_cells(gold, camelot_rows(set_dir / name, meta["table_pages"]))
            ours = ours_without_sections(score(set_dir / meta["gold"], set_dir / name, out), gold)
            for key, (hit, n) in (("camelot", cam), ("ours", ours)):
                totals[key][0] += hit
                totals[key][1] += n
            per_doc[name] = {
                "valign": meta["params"]["valign"],
                "renderer": meta["renderer"],
                "camelot_stream": round(cam[0] / cam[1], 4),
                "ours": round(ours[0] / ours[1], 4),
            }
            print(
                f"{name:22} {meta['params']['valign']:6} camelot-stream {cam[0] / cam[1]:.4f}  "
                f"ours {ours[0] / ours[1]:.4f}"
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    summary = {k: round(h / n, 4) for k, (h, n) in totals.items()}
    if set_dir == SET:
        atomic_write_text(
            RESULTS,
            json.dumps({"overall": summary, "documents": per_doc}, ensure_ascii=False, indent=1) + "\n",
        )
    print(
        f"OVERALL exact cells (contract fields, no section_code): camelot-stream {summary['camelot']}  "
        f"ours {summary['ours']}"
    )
    return summary


if __name__ == "__main__":
    compare(Path(sys.argv[1]) if len(sys.argv) > 1 else SET)
