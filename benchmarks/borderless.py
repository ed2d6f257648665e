"""The borderless anchor: camelot's stream flavour vs our borderless finder on the borderless layout set.

    python -m benchmarks.borderless            # tests/fixtures/layouts/borderless (28 PDFs, ~3 minutes)
    make bench-borderless                      # the same; writes benchmarks/results/borderless.json

camelot stream (``camelot.read_pdf(path, flavor="stream", pages=<table pages>)``) gives one table per
text block; its rows are read as task rows under the columns its own header row names (mapped with
:func:`extractors.headers.field_for`, carried to the next pages when the column count is the same).
Both are scored with the judge's alignment and exact-cell rule (:mod:`pipeline.scoring`) on the contract
fields; camelot has no notion of sections, so ``section_code`` is left out of both numbers here.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from extractors.headers import field_for
from pipeline.files import atomic_write_text
from pipeline.scoring import COLUMN_OF, align, norm, score

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "fixtures" / "layouts" / "borderless"
RESULTS = ROOT / "benchmarks" / "results" / "borderless.json"  # written by a run on the committed set


def camelot_rows(pdf: Path, pages: list[int]) -> list[dict]:
    """camelot stream's tables on ``pages`` as task rows (contract column names)."""
    import camelot

    rows: list[dict] = []
    mapping: list[str | None] | None = None
    tables = camelot.read_pdf(str(pdf), flavor="stream", pages=",".join(map(str, pages)))
    for t in tables:
        data = t.df.values.tolist()
        start, best = 0, 2
        for r in range(min(8, len(data))):  # the header: its labels wrapped over the first rows, read together
            labels = [" ".join(row[c] for row in data[: r + 1]).replace("\n", " ") for c in range(len(data[0]))]
            fields = [field_for(x) for x in labels]
            if sum(1 for f in fields if f) > best:
                mapping, start, best = fields, r + 1, sum(1 for f in fields if f)
        if mapping is None or len(mapping) != len(data[0] if data else []):
            continue
        for cells in data[start:]:
            row = {
                COLUMN_OF[f]: norm(c.replace("\n", " ")) for f, c in zip(mapping, cells, strict=True) if f in COLUMN_OF
            }
            if any(row.values()):
                rows.append(row)
    return rows


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
