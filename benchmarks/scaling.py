"""Scaling of every normalizer and text join on doubling inputs (issue 12, part 3).

    python -m benchmarks.scaling                 # 1k … 64k characters, every case
    python -m benchmarks.scaling --max 16384 deadlines targets

Each case is a function of the text layer (:mod:`normalizers`, ``join_lines``, the body and
legal-reference readers) and an input generator: realistic plan prose and cells grown to ``n``
characters, and the pathological shapes an adversarial run found (runs of non-breaking spaces,
of commas, of combining marks, of U+2028, thousands of deadline expressions or abbreviation
definitions in one cell). For each case the script times the function at n = 1k, 2k, … 64k
(best of a few runs, CPU time), fits the log-log slope of time against n (the scaling exponent:
1 is linear, 2 quadratic) and prints it; all should be ≈ 1 (the bar is 1.3). A case stops doubling
once one call takes more than ``--budget`` seconds (a quadratic case would otherwise run for hours);
its exponent is then fitted on the sizes it reached. Results go to ``benchmarks/results/scaling.json``.

The generators are shared with ``tests/normalizers/test_scaling.py``, which checks the same
cases at one large size without timing anything absolute.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

# Words and clauses of real plans (CCHC plans of provincial departments), mixed by a seeded generator.
_SENTENCE = (
    "Sở Thông tin và Truyền thông chủ trì phối hợp với các cơ quan đơn vị liên quan tổ chức triển khai "
    "thực hiện rà soát đánh giá thủ tục hành chính thuộc phạm vi chức năng quản lý nhà nước của Sở "
    "báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/12/2023 theo quy định tại Quyết định số "
    "1291/QĐ-BNV ngày 29/12/2022 của Bộ Nội vụ; phấn đấu đạt tối thiểu 90% hồ sơ được giải quyết đúng hạn"
)
_WORDS = _SENTENCE.split()
_DEADLINES = (
    "Quý III/2023",
    "Tháng 6/2024",
    "trước ngày 10/01/2023",
    "Giai đoạn 2022 - 2025",
    "Thường xuyên",
    "Định kỳ 02 lần/năm",
    "Báo cáo quý, 6 tháng, năm",
    "Khi có Quyết định công bố",
    "chậm nhất 15 ngày kể từ ngày ban hành",
    "Năm 2024",
)
_UNITS = (
    "Văn phòng Sở",
    "Phòng Công nghệ thông tin - Bưu chính viễn thông",
    "Sở Văn hóa, Thể thao và Du lịch",
    "UBND cấp huyện, cấp xã",
    "Các phòng, đơn vị thuộc Sở",
    "Trung tâm Công nghệ thông tin và Truyền thông (STC)",
    "Sở Tư pháp, Tài chính",
)


def prose(n: int, seed: int = 1) -> str:
    """``n`` characters of plan prose: words, commas, sentences, a date or a percentage now and then."""
    rnd = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        w = rnd.choice(_WORDS)
        r = rnd.random()
        w += "," if r < 0.08 else "." if r < 0.12 else ";" if r < 0.14 else ""
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n]


def prose_lines(n: int, width: int = 80) -> list[str]:
    """``prose(n)`` printed as lines of ``width`` characters, a bullet every tenth line, some wrapped hyphens."""
    text = prose(n)
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    return [("- " + ln if i % 10 == 0 else ln + ("-" if i % 7 == 3 else "")) for i, ln in enumerate(lines)]


def _repeat(unit: str, n: int, sep: str = "") -> str:
    return (sep.join([unit] * (n // (len(unit) + len(sep)) + 1)))[:n]


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    make: Callable[[int], Any]  # n characters -> the argument
    run: Callable[[Any], object]

    def __call__(self, arg: Any) -> object:
        return self.run(arg)


def _uncached(fn: Callable) -> Callable:
    return getattr(fn, "__wrapped__", fn)


def cases() -> list[Case]:
    """Every timed case (imports are here so ``--help`` stays fast)."""
    from extractors.celltext import join_lines
    from normalizers import deadlines, legal_refs, targets, text, units
    from normalizers.bullets import opens_bullet, strip_bullet

    nbsp = "\u00a0"
    comb = "\u0301\u0323"  # acute (class 230) and dot below (220): NFC must reorder every pair
    return [
        # text joins and the shared text layer
        Case("join_lines: prose lines", "text", prose_lines, join_lines),
        Case("join_lines: one-character lines", "text", lambda n: list(_repeat("a1", n)), join_lines),
        Case(
            "join_lines: lines ending in digits, '- 2023' lines",
            "text",
            lambda n: [("- 2023" if i % 2 else "giai đoạn 2019") for i in range(n // 10)],
            join_lines,
        ),
        Case("clean_line: prose", "text", prose, text.clean_line),
        Case("clean_line: nbsp run", "text", lambda n: "a" + nbsp * n + "b", text.clean_line),
        Case("clean_line: U+2028/U+2029 run", "text", lambda n: "a" + "\u2028\u2029" * (n // 2) + "b", text.clean_line),
        Case("nfc: combining-mark run", "text", lambda n: "a" + comb * (n // 2), text.nfc),
        Case("clean_line: combining-mark run", "text", lambda n: "a" + comb * (n // 2), text.clean_line),
        Case("match_key: prose", "text", prose, _uncached(text.match_key)),
        Case("fold: prose", "text", prose, _uncached(text.fold)),
        Case("fold: combining-mark run", "text", lambda n: "a" + comb * (n // 2), _uncached(text.fold)),
        Case("fold_chars: prose", "text", prose, text.fold_chars),
        Case("normalize_tone_marks: 'hòa' repeated", "text", lambda n: _repeat("hòa ", n), text.normalize_tone_marks),
        Case(
            "split_outside_parens: nested parentheses",
            "text",
            lambda n: _repeat("(a; (b; c); ", n),
            lambda s: text.split_outside_parens(s, ";"),
        ),
        Case(
            "opens_bullet: long previous line",
            "text",
            lambda n: prose(n) + " 2019",
            lambda s: opens_bullet("- 2023", s),
        ),
        Case("strip_bullet: space run", "text", lambda n: " " * n + "x", lambda s: strip_bullet(s, glued=True)),
        # deadlines
        Case(
            "parse_deadlines: cell of many expressions",
            "deadlines",
            lambda n: _repeat("; ".join(_DEADLINES) + "; ", n),
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case(
            "parse_deadlines: one clause of many expressions",
            "deadlines",
            lambda n: _repeat(", ".join(_DEADLINES) + ", ", n).replace(";", ","),
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case(
            "parse_deadlines: quarters joined by commas",
            "deadlines",
            lambda n: _repeat("Quý I, ", n),
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case(
            "parse_deadlines: distinct recurrences in one clause",
            "deadlines",
            lambda n: ", ".join(f"định kỳ {i} lần/năm" for i in range(n // 20))[:n],
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case(
            "parse_deadlines: space run",
            "deadlines",
            lambda n: "năm" + " " * n + "x",
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case(
            "parse_deadlines: 'nam' and spaces",
            "deadlines",
            lambda n: _repeat("nam  ", n),
            lambda s: deadlines.parse_deadlines(s, 2023),
        ),
        Case("parse_deadlines: prose", "deadlines", prose, lambda s: deadlines.parse_deadlines(s, 2023)),
        # units
        Case(
            "normalize_units: cell of many agencies",
            "units",
            lambda n: _repeat(", ".join(_UNITS) + "; ", n),
            units.normalize_units,
        ),
        Case("normalize_units: space run", "units", lambda n: "Sở Tư pháp" + " " * n + "x", units.normalize_units),
        Case(
            "normalize_units: comma run", "units", lambda n: "Sở Tư pháp" + ", " * (n // 2) + "x", units.normalize_units
        ),
        Case("_clean: space run", "units", lambda n: "a" + " " * n + "b", units._clean),
        Case("_clean: spaced dashes", "units", lambda n: _repeat("CNTT - BCVT ", n), units._clean),
        Case("_clean: trailing-punctuation runs", "units", lambda n: _repeat("a.,;: ", n) + "b", units._clean),
        Case(
            "defined_abbreviations: many definitions",
            "units",
            lambda n: _repeat("Trung tâm giám sát điều hành an toàn thông tin (SOC), ", n),
            units.defined_abbreviations,
        ),
        Case(
            "defined_abbreviations: definitions, no separators",
            "units",
            lambda n: _repeat("Sở Tư pháp (STP) ", n),
            units.defined_abbreviations,
        ),
        Case("split_units: prose", "units", prose, units.split_units),
        # targets
        Case(
            "find_targets: nbsp run before a percentage",
            "targets",
            lambda n: "Mục tiêu phấn đấu đạt" + nbsp * n + "90%",
            targets.find_targets,
        ),
        Case(
            "find_targets: nbsp run inside a 'Mục tiêu' line",
            "targets",
            lambda n: "Mục tiêu phấn đấu đạt" + nbsp * n + "tỷ lệ 90%",
            targets.find_targets,
        ),
        Case(
            "find_targets: space and nbsp run",
            "targets",
            lambda n: "Mục tiêu đạt" + (" " + nbsp) * (n // 2) + "tối thiểu 90%",
            targets.find_targets,
        ),
        Case(
            "find_targets: comma run after a percentage",
            "targets",
            lambda n: "100% hồ sơ" + ", " * (n // 2) + "x",
            targets.find_targets,
        ),
        Case(
            "find_targets: commas only after a percentage",
            "targets",
            lambda n: "100% a" + "," * n + " b",
            targets.find_targets,
        ),
        Case("find_targets: prose", "targets", prose, targets.find_targets),
        Case(
            "target_sections: prose lines",
            "targets",
            lambda n: ["2. Mục tiêu", *prose_lines(n)],
            targets.target_sections,
        ),
        # legal references
        Case("find_legal_refs: prose", "legal", prose, legal_refs.find_legal_refs),
        Case(
            "find_legal_refs: many citations",
            "legal",
            lambda n: _repeat("Quyết định số 1291/QĐ-BNV ngày 29/12/2022, Luật Tổ chức chính quyền địa phương; ", n),
            legal_refs.find_legal_refs,
        ),
        Case(
            "find_legal_refs: dash and space runs",
            "legal",
            lambda n: "12/QĐ" + " -" * (n // 2) + "x",
            legal_refs.find_legal_refs,
        ),
        Case(
            "find_legal_refs: 'Luật' repeated", "legal", lambda n: _repeat("Luật a b ", n), legal_refs.find_legal_refs
        ),
    ] + _body_cases()


def _body_cases() -> list[Case]:
    from extractors import body, facts
    from extractors.model import RawPage, TextLine

    def page(lines: list[str]) -> list[RawPage]:
        tl = [TextLine(t, (50.0, 20.0 + 12 * i, 500.0, 30.0 + 12 * i), page=1) for i, t in enumerate(lines)]
        return [RawPage(number=1, width=600.0, height=20.0 + 12 * len(lines), lines=tl, tables=[], source="docx")]

    def blocks_and_tasks(pages: list[RawPage]) -> object:
        blocks = body.body_blocks(pages)
        return body.body_tasks(blocks), body.report_schedule(blocks)

    return [
        Case(
            "facts: place and date, long line",
            "facts",
            lambda n: prose(n).replace(",", "") + ", ngày 24 tháng 6 năm 2025",
            facts._read_date,
        ),
        Case("facts: 'ngày' and a space run", "facts", lambda n: "Hà Nội, ngày" + " " * n + "x", facts._read_date),
        Case("facts: 'Số:' and a space run", "facts", lambda n: "Số:" + " " * n + "x\ny", facts._NUMBER.match),
        Case(
            "facts: unclosed parentheses",
            "facts",
            lambda n: [TextLine("(" * n, (0.0, 0.0, 1.0, 1.0), 1)],
            lambda lines: facts._attached(facts.DocumentFacts(), lines),
        ),
        Case(
            "body_blocks/tasks: one long paragraph",
            "body",
            lambda n: page(["II. NHIỆM VỤ", "1. Cải cách thể chế", "- Giao Sở Tư pháp " + prose(n)]),
            blocks_and_tasks,
        ),
        Case(
            "body_blocks/tasks: 'phối hợp với' repeated",
            "body",
            lambda n: page(["II. NHIỆM VỤ", "- " + _repeat("phối hợp với Sở A ", n)]),
            blocks_and_tasks,
        ),
    ]


def _time(fn: Callable[[], object], budget: float) -> float:
    """Best CPU seconds of a few runs of ``fn`` (fewer when one run is slow)."""
    best = math.inf
    spent = 0.0
    runs = 0
    while runs < 5 and (runs == 0 or spent < min(budget, 0.5)):
        t = time.process_time()
        fn()
        dt = time.process_time() - t
        best, spent, runs = min(best, dt), spent + dt, runs + 1
    return best


def slope(points: list[tuple[int, float]], floor: float = 2e-4) -> float | None:
    """Least-squares slope of log(time) on log(n), over the points above ``floor`` seconds (timer noise)."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t >= floor]
    if len(pts) < 2:
        pts = [(math.log(n), math.log(max(t, 1e-7))) for n, t in points]
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    var = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / var if var else None


def measure(case: Case, sizes: list[int], budget: float) -> dict:
    points: list[tuple[int, float]] = []
    stopped = False
    case(case.make(64))  # warm-up: models and caches load outside the timings
    for n in sizes:
        arg = case.make(n)
        t = _time(functools.partial(case, arg), budget)
        points.append((n, t))
        if t > budget:
            stopped = n != sizes[-1]
            break
    k = slope(points)
    return {
        "case": case.name,
        "group": case.group,
        "exponent": round(k, 2) if k is not None else None,
        "stopped_at": points[-1][0] if stopped else None,
        "seconds": {str(n): round(t, 5) for n, t in points},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("groups", nargs="*", help="text deadlines units targets legal facts body (default: all)")
    ap.add_argument("--min", type=int, default=1024)
    ap.add_argument("--max", type=int, default=65536)
    ap.add_argument("--budget", type=float, default=5.0, help="stop doubling a case after a call this slow (s)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args(argv)
    sizes = []
    n = args.min
    while n <= args.max:
        sizes.append(n)
        n *= 2
    rows = []
    for case in cases():
        if args.groups and case.group not in args.groups:
            continue
        row = measure(case, sizes, args.budget)
        rows.append(row)
        last = list(row["seconds"].items())[-1]
        flag = "" if (row["exponent"] or 0) <= 1.3 else "   <-- superlinear"
        stop = f" (stopped at {row['stopped_at']})" if row["stopped_at"] else ""
        print(f"{row['exponent']!s:>5}  {case.name:<58} n={last[0]:>6}: {last[1]:.4f} s{stop}{flag}", flush=True)
    worst = max((r["exponent"] or 0) for r in rows) if rows else None
    print(f"worst exponent: {worst}")
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = {"sizes": sizes, "budget_s": args.budget, "worst_exponent": worst, "cases": rows}
        (RESULTS / "scaling.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
