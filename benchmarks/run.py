"""kehoach benchmarks: ratios against baselines measured in the same run, on the same pages.

    python -m benchmarks.run                 # everything (the corpus part takes a while)
    python -m benchmarks.run pages rerun long
    python -m benchmarks.run corpus --docs 1000

Sections:
- ``pages``: CPU seconds per page of the whole pipeline (extract + normalize, no storage)
  vs pdfplumber's bare ``page.extract_tables()`` and vs camelot lattice, same pages, same process.
- ``rerun``: wall time of ``kehoach ingest`` on unchanged inputs vs the first run (process start included).
- ``corpus``: N byte-distinct copies of the fixtures with 1 and 2 workers: documents/s, pages/s,
  speed-up, peak RSS per worker.
- ``long``: a 500-page plan (appendix repeated) vs the 15-page plan: time per page and peak RSS.
- ``ocr``: CPU seconds per scanned page of the whole pipeline (``tests/fixtures/scans``) vs one plain
  ``tesseract page.png - -l vie`` pass (``OMP_THREAD_LIMIT=1``) over the same page images, same process.

Results are printed and written to ``benchmarks/results/latest.json``. Timings are never
asserted in tests; this script is the place to read them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = [ROOT / "tests" / "fixtures" / f"{k}.pdf" for k in ("sonla-stttt-cchc-2023", "backan-stttt-cchc-2023")]
RESULTS = ROOT / "benchmarks" / "results"


def _cpu(fn, repeat: int) -> float:
    """Median CPU seconds of ``fn()`` over ``repeat`` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def bench_pages(repeat: int = 3) -> dict:
    import camelot
    import pdfplumber

    from extractors import ExtractSettings
    from pipeline.ingest import extract_plan

    out = {}
    for path in FIXTURES:
        with pdfplumber.open(path) as pdf:
            n = len(pdf.pages)

        def bare(path=path):
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
                    page.close()

        def ours(path=path):
            extract_plan(path, ExtractSettings())

        def lattice(path=path):
            camelot.read_pdf(str(path), pages="all", flavor="lattice")

        t_ours, t_bare, t_cam = _cpu(ours, repeat), _cpu(bare, repeat), _cpu(lattice, max(1, repeat - 1))
        out[path.stem] = {
            "pages": n,
            "kehoach_s_per_page": round(t_ours / n, 4),
            "pdfplumber_extract_tables_s_per_page": round(t_bare / n, 4),
            "camelot_lattice_s_per_page": round(t_cam / n, 4),
            "ratio_vs_pdfplumber": round(t_ours / t_bare, 3),
            "camelot_over_kehoach": round(t_cam / t_ours, 2),
        }
    return out


def _kehoach(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - t


def bench_rerun(corpus: Path, jobs: int = 2) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        first = _kehoach(["ingest", str(corpus), "--out", tmp, "-j", str(jobs), "-q"])
        again = _kehoach(["ingest", str(corpus), "--out", tmp, "-j", str(jobs), "-q"])
    n = len(list(corpus.glob("*.pdf")))
    return {"documents": n, "first_s": round(first, 2), "rerun_s": round(again, 3), "ratio": round(again / first, 4)}


_PROBE = """
import json, resource, sys, time
from pathlib import Path
from pipeline.ingest import ingest
t = time.perf_counter()
s = ingest([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), executor="processes")
wall = time.perf_counter() - t
kb = lambda who: resource.getrusage(who).ru_maxrss
pages = sum(r.document.pages or 0 for r in s.results)
ok = sum(r.status == "ok" for r in s.results)
self_mb, children_mb = kb(resource.RUSAGE_SELF) / 1024, kb(resource.RUSAGE_CHILDREN) / 1024
print(json.dumps({"wall": wall, "docs": len(s.results), "pages": pages, "ok": ok,
                  "rss_self_mb": self_mb, "rss_children_mb": children_mb}))
"""


def _probe(src: Path, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run(
            [sys.executable, "-c", _PROBE, str(src), tmp, str(jobs)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_corpus(corpus: Path) -> dict:
    runs = {}
    for jobs in (1, 2):
        r = _probe(corpus, jobs)
        worker_rss = r["rss_children_mb"]  # the largest worker process (the parent only writes)
        runs[jobs] = {
            "wall_s": round(r["wall"], 1),
            "documents": r["docs"],
            "ok": r["ok"],
            "docs_per_s": round(r["docs"] / r["wall"], 2),
            "pages_per_s": round(r["pages"] / r["wall"], 1),
            "peak_rss_per_worker_mb": round(worker_rss, 1),
            "peak_rss_parent_mb": round(r["rss_self_mb"], 1),
        }
    runs["speedup_2_vs_1"] = round(runs[2]["docs_per_s"] / runs[1]["docs_per_s"], 2)
    return runs


def bench_long(pages: int = 500) -> dict:
    from benchmarks.corpus import make_long_plan

    with tempfile.TemporaryDirectory() as tmp:
        long = make_long_plan(FIXTURES[1], Path(tmp) / "long.pdf", pages, first_table_page=4)
        short_dir, long_dir = Path(tmp) / "short", Path(tmp) / "long"
        short_dir.mkdir()
        long_dir.mkdir()
        shutil.copy(FIXTURES[0], short_dir)
        shutil.copy(long, long_dir)
        small, big = _probe(short_dir, 1), _probe(long_dir, 1)

    def row(r: dict) -> dict:
        return {
            "pages": r["pages"],
            "s_per_page": round(r["wall"] / r["pages"], 4),
            "worker_peak_rss_mb": round(r["rss_children_mb"], 1),
            "parent_peak_rss_mb": round(r["rss_self_mb"], 1),
        }

    return {
        "short": row(small),
        "long": row(big),
        "worker_rss_ratio": round(big["rss_children_mb"] / small["rss_children_mb"], 2),
        "time_per_page_ratio": round((big["wall"] / big["pages"]) / (small["wall"] / small["pages"]), 2),
        "note": "wall time includes the worker's start (imports, POS model): it weighs on the short plan",
    }


SCANS = ROOT / "tests" / "fixtures" / "scans"


def bench_ocr(repeat: int = 1) -> dict:
    """Per scanned document: our CPU per page (extract, in-process Tesseract) vs the plain CLI's."""
    import resource

    import pypdfium2 as pdfium

    from extractors import ExtractSettings
    from extractors.sources.ocr import page_dpi
    from extractors.sources.tess import engine
    from extractors.sources.textcheck import page_objects
    from pipeline.ingest import extract_plan

    def children_cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    out: dict = {"backend": engine("vie").backend}
    total_ours = total_plain = 0.0
    for path in sorted(SCANS.glob("*.pdf")):
        with tempfile.TemporaryDirectory() as tmp:
            pdf = pdfium.PdfDocument(str(path))
            images = []
            for i in range(len(pdf)):
                page = pdf[i]
                dpi = page_dpi(page_objects(page).image_dpi)
                png = Path(tmp) / f"p{i}.png"
                page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L").save(png)
                images.append(png)
            n = len(pdf)
            pdf.close()

            def plain(images=images):
                env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
                for png in images:
                    subprocess.run(["tesseract", str(png), "-", "-l", "vie"], check=True, capture_output=True, env=env)

            before = children_cpu()
            plain()
            t_plain = children_cpu() - before
            t_ours = _cpu(lambda path=path: extract_plan(path, ExtractSettings()), repeat)
        total_ours, total_plain = total_ours + t_ours, total_plain + t_plain
        out[path.stem] = {
            "pages": n,
            "kehoach_cpu_s_per_page": round(t_ours / n, 3),
            "plain_tesseract_cpu_s_per_page": round(t_plain / n, 3),
            "ratio": round(t_ours / t_plain, 2),
        }
    out["ratio_all"] = round(total_ours / total_plain, 2)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sections", nargs="*", default=["pages", "rerun", "long", "corpus", "ocr"])
    ap.add_argument("--docs", type=int, default=1000, help="synthetic corpus size (default 1000)")
    ap.add_argument("--corpus-dir", type=Path, default=Path(tempfile.gettempdir()) / "kehoach-bench-corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from benchmarks.corpus import make_copies

    results: dict = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    prev = RESULTS / "latest.json"
    if prev.exists():
        results = {**json.loads(prev.read_text(encoding="utf-8")), **results}
    for section in args.sections:
        t = time.perf_counter()
        if section == "pages":
            results["pages"] = bench_pages(args.repeat)
        elif section == "rerun":
            results["rerun"] = bench_rerun(_corpus(make_copies, args.corpus_dir, args.docs))
        elif section == "corpus":
            results["corpus"] = bench_corpus(_corpus(make_copies, args.corpus_dir, args.docs))
        elif section == "long":
            results["long"] = bench_long()
        elif section == "ocr":
            results["ocr"] = bench_ocr(args.repeat)
        else:
            ap.error(f"unknown section {section}")
        print(f"== {section} ({time.perf_counter() - t:.0f} s)")
        print(json.dumps(results[section], indent=2, ensure_ascii=False), flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        prev.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _corpus(make_copies, folder: Path, n: int) -> Path:
    existing = sorted(folder.glob("*.pdf")) if folder.exists() else []
    if len(existing) != n:
        shutil.rmtree(folder, ignore_errors=True)
        make_copies(FIXTURES, folder, n)
    return folder


if __name__ == "__main__":
    main()
