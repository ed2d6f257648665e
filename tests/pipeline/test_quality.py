"""Quality flags on real extractions: the rows a person must look at are flagged."""

from __future__ import annotations

import json

from extractors import extract
from extractors.celltext import join_lines
from pipeline.quality import possible_merges, row_flags
from tests.conftest import FIXTURES

BORDERLESS = FIXTURES / "layouts" / "borderless"


def test_an_unruled_merge_not_filled_is_flagged_merge_possible():
    """In the generated borderless plans, every row whose value cell came out empty where the gold
    repeats the value above (a merged cell printed once at its top) carries ``merge_possible``."""
    index = json.loads((BORDERLESS / "index.json").read_text(encoding="utf-8"))
    missed = checked = 0
    for name in [n for n in index if n.endswith("-lo.pdf")][:4]:
        ex = extract(BORDERLESS / name)
        gold = json.loads((BORDERLESS / index[name]["gold"]).read_text(encoding="utf-8"))["appendix"]["rows"]
        flagged = set(possible_merges(ex))
        flags = row_flags(ex)
        for i in range(1, min(len(ex.rows), len(gold))):
            for field in ("output", "lead", "partner", "deadline"):
                cell = ex.rows[i].cells.get(field)
                got = join_lines(cell.lines).strip() if cell else ""
                want, above = gold[i].get(field), gold[i - 1].get(field)
                if want and want == above and not got:
                    checked += 1
                    missed += i not in flagged
                    assert i not in flagged or "merge_possible" in flags[i]
    assert checked > 0  # the documents do hold such merges
    assert missed == 0
