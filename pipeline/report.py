"""The JSON run report (``--report FILE``): what ran, what was skipped, what failed and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractors import EXTRACTOR_VERSION
from pipeline.files import atomic_write_text
from pipeline.ingest import RunSummary
from pipeline.tables import Status


def run_report(summary: RunSummary) -> dict[str, Any]:
    docs: list[dict[str, Any]] = [
        {
            "source_path": r.source_path,
            "doc_id": r.doc_id,
            "status": r.status.value,
            "error": r.document.error,
            "province": r.document.province,
            "pages": r.document.pages,
            "tasks": r.document.n_tasks,
            "seconds": r.document.seconds,
        }
        for r in summary.results
    ]
    counts = {s.value: sum(1 for d in docs if d["status"] == s) for s in Status}
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
    atomic_write_text(path, json.dumps(run_report(summary), ensure_ascii=False, indent=2, default=str))
