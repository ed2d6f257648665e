"""Adding one plan to a store of N documents vs ingesting it into an empty store (issue 12).

    python -m benchmarks.incremental --docs 1000

The store of N is made from real extracted rows: both fixtures are ingested once, then their
committed files are copied under N distinct doc_ids (the doc_id column rewritten) and
committed through the journal, and DuckDB is built in full. Then one new plan (a byte-distinct
copy of the Sơn La fixture) is ingested into that store, and into an empty folder; both wall
times include extraction, the commit and the DuckDB update (in-process, serial executor).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.corpus import make_copies
from pipeline import store
from pipeline.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = [ROOT / "tests" / "fixtures" / f"{k}.pdf" for k in ("sonla-stttt-cchc-2023", "backan-stttt-cchc-2023")]


def fill(out: Path, n: int) -> None:
    """``n`` documents in ``out``: copies of the fixtures' committed files under new doc_ids."""
    ingest(FIXTURES, out)
    with store.Writer(out) as w:
        seeds = list(w.state.docs.values())
        puts = []
        for i in range(n - len(seeds)):
            seed = seeds[i % len(seeds)]
            doc_id = f"f{i:015x}"
            files = {}
            for table, rel in seed.files.items():
                t = pq.read_table(out / rel)
                t = t.set_column(t.schema.get_field_index("doc_id"), "doc_id", pa.array([doc_id] * t.num_rows))
                dest = rel.replace(seed.doc_id, doc_id)
                store.write_parquet(t, out / dest)
                files[table] = dest
            path = f"/nonexistent/synthetic/{doc_id}.pdf"
            puts.append(store.Entry(doc_id, files, [path], "f" * 64, seed.status, seed.extractor_version))
        w._append(puts, [])
        store.sync_duckdb(out, w.state, rebuild=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        new = make_copies(FIXTURES[:1], base / "new", 2)
        big = base / "big"
        t = time.perf_counter()
        fill(big, args.docs)
        fill_s = time.perf_counter() - t
        db_mb = (big / store.DB_NAME).stat().st_size / 2**20
        t = time.perf_counter()
        ingest([new[0]], base / "alone")
        alone = time.perf_counter() - t
        t = time.perf_counter()
        ingest([new[1]], big)
        into = time.perf_counter() - t
        t = time.perf_counter()
        store.sync_duckdb(big, rebuild=True)
        full = time.perf_counter() - t
    result = {
        "store_documents": args.docs,
        "store_duckdb_mb": round(db_mb, 1),
        "fill_seconds": round(fill_s, 1),
        "ingest_one_alone_s": round(alone, 2),
        "ingest_one_into_store_s": round(into, 2),
        "ratio": round(into / alone, 2),
        "full_rebuild_s": round(full, 2),
    }
    print(json.dumps(result, indent=1))
    out = ROOT / "benchmarks" / "results" / "incremental.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
