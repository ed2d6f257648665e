"""The JSON run report (``--report FILE``): what ran, what was skipped, what failed and why."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from extractors import EXTRACTOR_VERSION
from pipeline.ingest import RunSummary


def run_report(summary: RunSummary) -> dict:
    docs = [
        {
            "source_path": r.source_path,
            "doc_id": r.doc_id,
            "status": r.status,
            "error": r.document["error"],
            "province": r.document["province"],
            "pages": r.document["pages"],
            "tasks": r.document["n_tasks"],
            "seconds": r.document["seconds"],
        }
        for r in summary.results
    ]
    counts = {s: sum(1 for d in docs if d["status"] == s) for s in ("ok", "partial", "failed")}
    return {
        "started": summary.started.isoformat(),
        "seconds": summary.seconds,
        "extractor_version": EXTRACTOR_VERSION,
        "executor": summary.executor,
        "jobs": summary.jobs,
        "out": str(summary.out),
        "database": str(summary.database) if summary.database else None,
        "processed": len(docs),
        "skipped": len(summary.skipped),
        **counts,
        "pages_per_second": round(sum(d["pages"] or 0 for d in docs) / summary.seconds, 2) if summary.seconds else None,
        "documents": docs,
        "failures": [d for d in docs if d["status"] != "ok"],
        "skipped_documents": [s.__dict__ for s in summary.skipped],
        "superseded": summary.superseded,
    }


def write_report(summary: RunSummary, path: Path) -> None:
    """Written to a temporary file and renamed: a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(run_report(summary), fh, ensure_ascii=False, indent=2, default=str)
    os.replace(tmp, path)
