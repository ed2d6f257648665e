"""Every normalizer and text join is linear in its input, realistic or pathological (issue 12).

The cases are ``benchmarks.scaling``'s (plan prose, runs of spaces, non-breaking spaces, commas,
combining marks, U+2028, thousands of deadline expressions or definitions in one cell). Python's
``re`` gives no step counter, so the bound is checked as a ratio, never as an absolute time: each
case runs at n and at 4n characters in the same process, the calls repeated so the smaller size
takes about ten milliseconds (timer noise), best of three; the larger must take less than 8 times as
long (measured up to four times when it is not, for a busy machine). Linear work gives about 4, quadratic 16,
the backtracking patterns this replaced 64 and more (600 non-breaking spaces in one line took 35 s).
``python -m benchmarks.scaling`` prints the fitted exponent of each case over 1k…64k.
"""

from __future__ import annotations

import math
import time

import pytest

from benchmarks.scaling import Case, cases

N = 2048
FACTOR = 4
MAX_RATIO = 8.0


def _best(case: Case, arg: object, reps: int) -> float:
    best = math.inf
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(reps):
            case(arg)
        best = min(best, time.perf_counter() - t)
    return best


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_work_grows_linearly(case: Case):
    small, big = case.make(N), case.make(N * FACTOR)
    case(case.make(64))  # models and caches load outside the comparison
    t = time.perf_counter()
    case(small)
    once = time.perf_counter() - t
    reps = max(1, min(400, math.ceil(0.01 / max(once, 1e-6))))
    ratio = _best(case, big, reps) / _best(case, small, reps)
    for _ in range(3):  # a busy machine (other jobs take the cores mid-measure): measure again, keep the best
        if ratio < MAX_RATIO:
            break
        ratio = min(ratio, _best(case, big, reps) / _best(case, small, reps))
    assert ratio < MAX_RATIO, f"{case.name}: {FACTOR}x the input took {ratio:.1f}x the time"
