"""The review web app (Starlette + Jinja2, server-rendered, one small inline script, nothing fetched).

Routes::

    GET  /                          documents: status, quality, counts; ?province= &year= &status= &page=
    GET  /doc/<doc_id>              a document's rows beside its page image, conflicts, facts
    GET  /doc/<doc_id>/page/<n>.png the page rendered with PDFium (cached under DIR/review-cache/)
    POST /doc/<doc_id>/correct      JSON {action, row_no, field, value, note}: a correction (CSRF header)

Security: ids are validated (doc_id 16 hex digits, page an int) and files are only ever the
stored document's own source file and the cache; POSTs need the app's CSRF token (header
``X-CSRF-Token``); Jinja autoescapes every value; ``read_only`` refuses every POST. Database
access is serialised by one lock: connections are short-lived, so ``kehoach reextract`` or
``kehoach correct`` can run beside the app.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pipeline import corrections, quality
from pipeline.files import atomic_write
from pipeline.tables import CorrectionAction

log = logging.getLogger(__name__)

DOC_ID = re.compile(r"^[0-9a-f]{16}$")
PAGE_SIZE = 50
CACHE_DIR = "review-cache"
SCALE = 2.0  # pixels per PDF point of the rendered page images
#: columns shown for each row, in order (tasks columns; those the document lacks are hidden)
SHOWN = ("tt", "objective", "task", "activity", "output", "lead_text", "partner_text", "deadline_text", "budget_text")
FLAG_HELP = {
    code: " ".join(block.split()) for code, block in re.findall(r"``(\w+)``\n((?:    .*\n)+)", quality.__doc__ or "")
}


class Review:
    """The app's state: the store folder, its CSRF token, the lock around DuckDB and the writers."""

    def __init__(self, out: Path, read_only: bool = False) -> None:
        self.out = Path(out)
        self.read_only = read_only
        self.csrf = secrets.token_urlsafe(32)
        self.lock = threading.RLock()
        self.env = Environment(loader=PackageLoader("pipeline.review", "templates"), autoescape=select_autoescape())

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        from pipeline.query import connect

        with self.lock:
            con = connect(self.out)
            try:
                cur = con.execute(sql, list(args))
                names = [d[0] for d in cur.description]
                return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            finally:
                con.close()

    def render(self, name: str, **context: Any) -> HTMLResponse:
        template = self.env.get_template(name)
        return HTMLResponse(template.render(csrf=self.csrf, read_only=self.read_only, **context))


def _doc_id(request: Request) -> str:
    doc_id = str(request.path_params["doc_id"])
    if not DOC_ID.match(doc_id):
        raise ValueError("bad doc_id")
    return doc_id


def _int(value: str | None, default: int | None = None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else default


async def documents(request: Request) -> Response:
    rv: Review = request.app.state.review
    q = request.query_params
    where: list[str] = ["true"]
    args: list[Any] = []
    if q.get("province"):
        where.append("d.province = ?")
        args.append(q["province"])
    if _int(q.get("year")) is not None:
        where.append("d.plan_year = ?")
        args.append(_int(q.get("year")))
    if q.get("status"):
        where.append("d.status = ?")
        args.append(q["status"])
    page = max(1, _int(q.get("page"), 1) or 1)
    cond = " AND ".join(where)
    sql = f"""
        SELECT d.doc_id, d.file_name, d.province, d.plan_year, d.status, d.error, d.pages, d.n_tasks,
               d.quality['flagged_share'] AS flagged_share, d.quality['flagged_rows'] AS flagged_rows,
               (SELECT count(*) FROM tasks t WHERE t.doc_id = d.doc_id) AS tasks,
               (SELECT count(*) FROM corrections c WHERE c.doc_id = d.doc_id AND c.state = 'applied') AS corrected,
               (SELECT count(*) FROM corrections c WHERE c.doc_id = d.doc_id AND c.state = 'conflict') AS conflicts
        FROM documents d WHERE {cond}
        ORDER BY d.province NULLS LAST, d.plan_year, d.file_name LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"""
    rows = await run_in_threadpool(rv.query, sql, *args)
    total = (await run_in_threadpool(rv.query, f"SELECT count(*) AS n FROM documents d WHERE {cond}", *args))[0]["n"]
    facets = await run_in_threadpool(
        rv.query, "SELECT list(DISTINCT province) AS p, list(DISTINCT plan_year) AS y FROM documents"
    )
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return rv.render(
        "documents.html",
        docs=rows,
        page=page,
        pages=pages,
        prev_q=urlencode({**q, "page": page - 1}) if page > 1 else None,
        next_q=urlencode({**q, "page": page + 1}) if page < pages else None,
        total=total,
        q=dict(q),
        provinces=sorted(p for p in facets[0]["p"] or [] if p),
        years=sorted(y for y in facets[0]["y"] or [] if y),
        statuses=["ok", "partial", "failed"],
    )


async def document(request: Request) -> Response:
    rv: Review = request.app.state.review
    try:
        doc_id = _doc_id(request)
    except ValueError:
        return Response("not a document id", status_code=400)
    docs = await run_in_threadpool(rv.query, "SELECT * FROM documents WHERE doc_id = ?", doc_id)
    if not docs:
        return Response("no such document", status_code=404)
    doc = docs[0]
    tasks = await run_in_threadpool(rv.query, "SELECT * FROM tasks WHERE doc_id = ? ORDER BY row_no", doc_id)
    extracted = await run_in_threadpool(
        rv.query, "SELECT row_no FROM tasks_extracted WHERE doc_id = ? ORDER BY row_no", doc_id
    )
    cells = await run_in_threadpool(
        rv.query,
        "SELECT row_no, field, fragment, page, x0, top, x1, bottom FROM task_cells WHERE doc_id = ? "
        "ORDER BY row_no, field, fragment",
        doc_id,
    )
    fixes = await run_in_threadpool(
        rv.query, "SELECT * FROM corrections WHERE doc_id = ? ORDER BY correction_id", doc_id
    )
    shown = [c for c in SHOWN if any(t[c] is not None for t in tasks)]
    applied = {(c["row_no"], c["field"]) for c in fixes if c["state"] == "applied" and c["action"] == "set"}
    verified = {c["row_no"] for c in fixes if c["state"] == "applied" and c["action"] == "verified"}
    kept = {t["row_no"] for t in tasks}
    dropped = [r["row_no"] for r in extracted if r["row_no"] not in kept]
    sizes = await run_in_threadpool(page_sizes, doc)
    boxes: dict[int, list[dict[str, Any]]] = {}
    for c in cells:
        boxes.setdefault(c["row_no"], []).append(
            {k: (round(v, 1) if isinstance(v, float) else v) for k, v in c.items() if k != "row_no"}
        )
    return rv.render(
        "document.html",
        doc=doc,
        tasks=tasks,
        shown=shown,
        applied=applied,
        verified=verified,
        dropped=dropped,
        conflicts=[c for c in fixes if c["state"] == "conflict"],
        fixes=fixes,
        facts=corrections.FACT_FIELDS,
        flag_help=FLAG_HELP,
        weights=quality.WEIGHTS,
        data={"boxes": boxes, "sizes": sizes, "doc_id": doc_id, "image": bool(sizes)},
        first_page=(tasks[0]["page_start"] if tasks else 1) or 1,
    )


def _source(doc: dict[str, Any]) -> Path | None:
    path = Path(doc["source_path"])
    return path if path.suffix.lower() == ".pdf" and path.exists() else None


def page_sizes(doc: dict[str, Any]) -> dict[int, list[float]]:
    """Page number -> [width, height] in PDF points, for the boxes' percentages (empty: no page images)."""
    src = _source(doc)
    if src is None:
        return {}
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(src))
    try:
        return {i + 1: [round(v, 2) for v in pdf[i].get_size()] for i in range(len(pdf))}
    finally:
        pdf.close()


def render_page(out: Path, doc: dict[str, Any], number: int) -> Path | None:
    """The page image, rendered once with PDFium and cached (a scan's page is its original image)."""
    src = _source(doc)
    if src is None:
        return None
    dest = out / CACHE_DIR / doc["doc_id"] / f"{number}.png"  # doc_id and number are validated
    if dest.exists():
        return dest
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(src))
    try:
        if not 1 <= number <= len(pdf):
            return None
        image = pdf[number - 1].render(scale=SCALE).to_pil()
    finally:
        pdf.close()
    atomic_write(dest, lambda tmp: image.save(tmp, format="PNG"))
    return dest


async def page_image(request: Request) -> Response:
    rv: Review = request.app.state.review
    try:
        doc_id = _doc_id(request)
    except ValueError:
        return Response("not a document id", status_code=400)
    number = int(request.path_params["number"])
    docs = await run_in_threadpool(rv.query, "SELECT doc_id, source_path FROM documents WHERE doc_id = ?", doc_id)
    if not docs:
        return Response("no such document", status_code=404)
    path = await run_in_threadpool(render_page, rv.out, docs[0], number)
    if path is None:
        return Response("no page image", status_code=404)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


async def correct(request: Request) -> Response:
    rv: Review = request.app.state.review
    if rv.read_only:
        return JSONResponse({"error": "the review app runs read-only (--read-only)"}, status_code=403)
    if not secrets.compare_digest(request.headers.get("x-csrf-token", ""), rv.csrf):
        return JSONResponse({"error": "missing or wrong CSRF token: reload the page"}, status_code=403)
    try:
        doc_id = _doc_id(request)
        body = json.loads(await request.body())
        action = CorrectionAction(body.get("action", "set"))
        row_no = body.get("row_no")
        if row_no is not None and not isinstance(row_no, int):
            raise ValueError("row_no must be an integer")
        value = body.get("value")
        if value is not None and not isinstance(value, str):
            raise ValueError("value must be text")
    except (ValueError, TypeError) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)

    def make() -> Any:
        with rv.lock:
            return corrections.make(
                rv.out,
                doc_id,
                action,
                row_no=row_no,
                field=body.get("field"),
                value=value,
                author=body.get("author") or None,
                note=body.get("note") or None,
            )

    try:
        entry = await run_in_threadpool(make)
    except corrections.CorrectionError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(
        {
            "correction_id": entry.correction_id,
            "row_no": entry.row_no,
            "field": entry.field,
            "old_value": entry.old_value,
            "new_value": entry.new_value,
        }
    )


def create_app(out: Path, read_only: bool = False) -> Starlette:
    app = Starlette(
        routes=[
            Route("/", documents),
            Route("/doc/{doc_id}", document),
            Route("/doc/{doc_id}/page/{number:int}.png", page_image),
            Route("/doc/{doc_id}/correct", correct, methods=["POST"]),
        ]
    )
    app.state.review = Review(out, read_only)
    return app
