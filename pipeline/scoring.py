"""Score an ingest's output against a gold transcription (``kehoach eval``).

Same measures as the reference judge (``shared/eval/score.py``; a test checks the two
agree whenever that file is present): row precision/recall after an order-preserving
alignment, exact cell accuracy (whitespace-normalised), lenient cell accuracy (all
whitespace and case ignored), per-field accuracy and legal-reference precision/recall/F1. With ``details``, every
differing cell is listed whole (``misses``, with ``differs_at``, its first differing character).
Gold format: ``tests/fixtures/GOLD_FORMAT.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

from pipeline.files import file_sha256
from pipeline.records import COLUMN_OF

FIELDS = {"section_code": "section_code", **COLUMN_OF}  # gold field -> contract column
MATCH_AT = 0.6  # similarity above which two rows are the same row


class ScoringError(Exception):
    """The scoring cannot happen (e.g. the file was never ingested into that output folder)."""


def norm(text) -> str:
    if text is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


def lenient(text) -> str:
    return re.sub(r"\s+", "", norm(text)).casefold()


def signature(row: dict, keys) -> str:
    return " | ".join(lenient(row.get(k)) for k in keys)


def align(gold: list[dict], got: list[dict]) -> list[tuple[int, int, float]]:
    """Order-preserving alignment (Needleman-Wunsch on row similarity)."""
    gkeys = ["task", "activity", "output", "lead", "deadline"]
    ekeys = ["task", "activity", "output", "lead_text", "deadline_text"]
    gs = [signature(r, gkeys) for r in gold]
    es = [signature(r, ekeys) for r in got]
    n, m = len(gs), len(es)
    band = max(25, abs(n - m) + 25)
    sim = {}
    for i in range(n):
        for j in range(max(0, i - band), min(m, i + band + 1)):
            sm = SequenceMatcher(None, gs[i], es[j], autojunk=False)
            sim[i, j] = sm.ratio() if sm.real_quick_ratio() > MATCH_AT else 0.0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            s = sim.get((i - 1, j - 1), 0.0)
            options = [
                (best[i - 1][j - 1] + (s if s >= MATCH_AT else -1.0), 0),
                (best[i - 1][j], 1),
                (best[i][j - 1], 2),
            ]
            best[i][j], move[i][j] = max(options)
    pairs = []
    i, j = n, m
    while i > 0 and j > 0:
        if move[i][j] == 0:
            s = sim.get((i - 1, j - 1), 0.0)
            if s >= MATCH_AT:
                pairs.append((i - 1, j - 1, s))
            i, j = i - 1, j - 1
        elif move[i][j] == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def differs_at(a: str, b: str) -> int:
    """The 0-based position of the first character where ``a`` and ``b`` differ (the shorter's
    length when one begins the other)."""
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def excerpt(text: str, at: int, width: int = 160, before: int = 50) -> str:
    """``text`` whole when it is short, else a window from ``before`` characters ahead of ``at``,
    with ``…`` where it is cut: two texts cut around their first difference never look the same."""
    if len(text) <= width:
        return text
    start = max(0, min(at - before, len(text) - width))
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


def ref_key(doc_type, number) -> tuple[str, str]:
    return (lenient(doc_type), lenient(number))


def score(gold_path: Path, pdf: Path, out: Path, details: bool = False) -> dict:
    """The judge's report; raises :class:`ScoringError` when the PDF was not ingested into ``out``.

    ``details``: also ``misses``, every differing cell with its texts whole and ``differs_at``
    (the judge's own ``first_misses`` cuts texts at 160 characters)."""
    import duckdb  # here: the CLI imports this module for ScoringError and must start fast

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    sha = file_sha256(pdf)
    pq = out / "parquet"
    if not any((pq / "documents").glob("**/*.parquet")):
        raise ScoringError(f"no ingested documents in {pq / 'documents'}: run `kehoach ingest` first (or pass --out)")
    con = duckdb.connect()

    def table(name: str):
        glob = str(pq / name / "**" / "*.parquet")
        return f"read_parquet('{glob}', hive_partitioning=true, union_by_name=true)"

    docs = con.execute(f"select doc_id, status from {table('documents')} where sha256 = ?", [sha]).fetchall()
    if not docs:
        raise ScoringError(f"no document with sha256 {sha[:12]}… in {pq / 'documents'}")
    doc_id, status = docs[0]
    cur = con.execute(f"select * from {table('tasks')} where doc_id = ? order by row_no", [doc_id])
    cols = [d[0] for d in cur.description]
    got = [dict(zip(cols, r)) for r in cur.fetchall()]
    rows = gold["appendix"]["rows"]
    present = [f for f in FIELDS if any(r.get(f) is not None for r in rows)]

    pairs = align(rows, got)
    exact = {f: 0 for f in present}
    loose = {f: 0 for f in present}
    misses: list[dict] = []
    first: list[dict] = []
    for gi, ei, _ in pairs:
        g, e = rows[gi], got[ei]
        for f in present:
            want, have = g.get(f), e.get(FIELDS[f])
            if norm(want) == norm(have):
                exact[f] += 1
            else:
                w, h = norm(want), norm(have)
                misses.append({"row_no": g["row_no"], "field": f, "differs_at": differs_at(w, h), "want": w, "got": h})
                if len(first) < 40:  # the reference judge's list: texts cut at 160 characters
                    first.append({"row_no": g["row_no"], "field": f, "want": w[:160], "got": h[:160]})
            if lenient(want) == lenient(have):
                loose[f] += 1
    cells = len(rows) * len(present)

    gold_refs = {ref_key(r["type"], r["number"]) for r in gold.get("legal_refs", []) if r.get("number")}
    try:
        got_refs = {
            ref_key(t, n)
            for t, n in con.execute(
                f"select distinct doc_type, number from {table('legal_refs')} where doc_id = ? and number is not null",
                [doc_id],
            ).fetchall()
        }
    except duckdb.Error:
        got_refs = set()
    hit = len(gold_refs & got_refs)
    rp = hit / len(got_refs) if got_refs else 0.0
    rr = hit / len(gold_refs) if gold_refs else 1.0

    report = {
        "gold": gold_path.name,
        "pdf": pdf.name,
        "status": status,
        "rows_gold": len(rows),
        "rows_got": len(got),
        "rows_matched": len(pairs),
        "row_precision": round(len(pairs) / len(got), 4) if got else 0.0,
        "row_recall": round(len(pairs) / len(rows), 4) if rows else 1.0,
        "cell_accuracy": round(sum(exact.values()) / cells, 4) if cells else 1.0,
        "cell_accuracy_lenient": round(sum(loose.values()) / cells, 4) if cells else 1.0,
        "field_accuracy": {f: round(exact[f] / len(rows), 4) for f in present},
        "refs_gold": len(gold_refs),
        "refs_got": len(got_refs),
        "refs_precision": round(rp, 4),
        "refs_recall": round(rr, 4),
        "refs_f1": round(2 * rp * rr / (rp + rr), 4) if rp + rr else 0.0,
        "refs_missed": sorted(" ".join(k) for k in gold_refs - got_refs)[:20],
        "refs_extra": sorted(" ".join(k) for k in got_refs - gold_refs)[:20],
        "first_misses": first,
    }
    if details:
        report["misses"] = misses
    return report
