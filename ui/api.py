"""The JSON API under /api/v1: health, ask, check, audit, reports, upload, delete and reindex; an answer's
figures as a chart (``/charts/{key}.png``) and a download (``POST /export``, ``/exports/{key}.{fmt}``); a
report's text around a cited span (``/reports/{id}/source``).

Reads are open; writes (upload, delete, reindex) need the API key when one is configured.

Every handler turns bad input into a 4xx with ``{"detail": "..."}``; only a bug in the engine
can produce a 5xx, and even that is answered as JSON with a short message (see ``server.py``).
"""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Header, HTTPException, Query, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from index.pipeline import read_capped
from ui import artifacts
from ui.uploads import forget_upload, ingest_paths, ingest_upload, key_ok, stored_uploads, upload_limit_mb

MAX_QUESTION_CHARS = 10_000


class CheckRequest(BaseModel):
    claim: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)
    session_id: str | None = Field(default=None, max_length=200)


class ExportRequest(AskRequest):
    format: Literal["csv", "xlsx", "json"] = "csv"


def _download(rows: list[dict], fmt: str, question: str) -> Response:
    from ui.export import FORMATS, filename, render

    media, _ = FORMATS[fmt]
    return Response(content=render(rows, fmt), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename(question, fmt)}"'})


def report_summary(row: Any) -> dict:
    """A ReportRow as the public listing shows it (no text, no hash)."""
    m = row.meta
    return {"id": row.id, "source": row.source, "title": m.title, "body": m.body, "region": m.region,
            "level": m.level, "year": m.year, "publish_date": m.publish_date, "format": row.format}


def report_detail(rep: Any) -> dict:
    m = rep.meta
    return {
        "id": rep.id, "source": rep.source, "format": rep.format, "title": m.title, "body": m.body,
        "region": m.region, "level": m.level, "year": m.year, "publish_date": m.publish_date,
        "aliases": list(m.aliases), "n_chars": len(rep.text),
        "sections": [{"ord": s.ord, "level": s.level, "heading": s.heading, "path": " › ".join(s.path),
                      "start": s.start, "end": s.end} for s in rep.sections],
    }


def make_api(assistant: Any, settings: Any = None) -> APIRouter:
    settings = settings if settings is not None else getattr(assistant, "settings", None)
    limit_mb = upload_limit_mb(settings)
    router = APIRouter(prefix="/api/v1")

    def require_key(x_api_key: str | None = Header(default=None),
                    authorization: str | None = Header(default=None)) -> None:
        # Only writes are guarded: reading the index is the point of a local assistant.
        given = x_api_key or (authorization or "").removeprefix("Bearer ").strip()
        if not key_ok(settings, given):
            raise HTTPException(status_code=401, detail="missing or wrong API key (X-API-Key header)")

    @router.get("/health")
    def health() -> dict:
        rows = assistant.reports()
        # The SQL store is reached through the indexer that shares the server's stores.
        sql = getattr(getattr(assistant, "indexer", None), "sql", None)
        n_chunks = sql.counts().get("chunks") if hasattr(sql, "counts") else None
        # issue 14: the optional LLM's status (configured / reachable / model), probed at most every 30 s
        from assistant.llm import llm_status

        llm = llm_status(settings) if settings is not None else {"configured": False}
        return {"status": "ok", "reports": len(rows), "chunks": n_chunks, "llm": llm}

    @router.post("/ask")
    def ask(req: AskRequest) -> dict:
        if not req.question.strip():
            raise HTTPException(status_code=422, detail="please ask a question (the question is empty)")
        return artifacts.payload(req.question, assistant.ask(req.question, session_id=req.session_id))

    @router.post("/export")
    def export(req: ExportRequest) -> Response:
        """The question's figures as CSV, XLSX or JSON: one row per figure with its citation and the SQL."""
        from ui.export import export_rows

        if not req.question.strip():
            raise HTTPException(status_code=422, detail="please ask a question (the question is empty)")
        ans = assistant.ask(req.question, session_id=req.session_id)
        rows = export_rows(ans)
        if not rows:
            raise HTTPException(status_code=404, detail="the answer gives no figures to export: " + ans.answer[:300])
        return _download(rows, req.format, req.question)

    @router.get("/exports/{key}.{fmt}")
    def export_kept(key: str, fmt: Literal["csv", "xlsx", "json"]) -> Response:
        """The figures of an answer given a moment ago (its ``exports`` links)."""
        from ui.export import export_rows

        kept = artifacts.get(key)
        if kept is None:
            raise HTTPException(status_code=404, detail="no such answer (ask again: answers are kept for a while)")
        return _download(export_rows(kept.answer), fmt, kept.question)

    @router.get("/charts/{key}.png")
    def chart(key: str) -> Response:
        """The chart of an answer's figures (its ``chart`` link): a line over years, bars over bodies."""
        from ui.charts import chart_title, png

        kept = artifacts.get(key)
        if kept is None or not kept.chart_kind:
            raise HTTPException(status_code=404, detail="no such chart (ask again: answers are kept for a while)")
        return Response(content=png(kept.answer["table"], kept.chart_kind, chart_title(kept.answer)),
                        media_type="image/png")

    @router.get("/reports")
    def reports() -> list[dict]:
        return [report_summary(r) for r in assistant.reports()]

    @router.get("/reports/{report_id}")
    def report(report_id: int, include_text: bool = False) -> dict:
        rep = assistant.report(report_id)
        if rep is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id}")
        body = report_detail(rep)
        if include_text:
            # The normalized text every citation offset points into.
            body["text"] = rep.text
        return body

    @router.get("/reports/{report_id}/source")
    def source(report_id: int, start: int = Query(..., ge=0), end: int | None = Query(default=None, ge=0),
               context: int = Query(default=600, ge=0, le=20_000),
               format: Literal["json", "html"] = "json") -> Any:
        """The report's text around a cited span and the span itself (offsets into the normalized text every
        citation uses); a span that is a table cell comes with its row. ``format=html``: the viewer page the
        chat's citations open, the span highlighted."""
        from ui.source import BadSpan, page, window

        rep = assistant.report(report_id)
        if rep is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id}")
        try:
            w = window(rep, start, end, context, store=getattr(assistant, "sql", None))
        except BadSpan as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        return HTMLResponse(page(w, len(rep.text))) if format == "html" else w

    @router.post("/reports", dependencies=[Depends(require_key)])
    def upload(file: UploadFile = File(...)) -> dict:
        """Ingest one uploaded report through the server's own indexer (it owns the stores)."""
        # The one read: nothing when the spooled body is over the limit, else at most one byte past it.
        data, size = read_capped(file.file, limit_mb)
        out = ingest_upload(assistant.indexer, settings, file.filename or "upload", data, size)
        if out.status == "failed":
            raise HTTPException(status_code=out.http_status, detail=out.message)
        body = out.to_dict()
        body["path"] = body.pop("name")
        body.pop("http_status")
        return body

    @router.delete("/reports/{report_id}", dependencies=[Depends(require_key)])
    def delete(report_id: int) -> dict:
        row = next((r for r in assistant.reports() if r.id == report_id), None)
        if row is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id}")
        assistant.indexer.delete(report_id)
        forget_upload(settings, row.source)
        return {"deleted": report_id, "source": row.source, "title": row.meta.title}

    @router.post("/reindex", dependencies=[Depends(require_key)])
    def reindex() -> dict:
        """Re-run ingestion over the stored uploads (unchanged files stay as they are)."""
        results = ingest_paths(assistant.indexer, settings, stored_uploads(settings))
        return {"results": [{k: v for k, v in r.to_dict().items() if k != "http_status"} for r in results],
                "counts": {s: sum(r.status == s for r in results)
                           for s in ("added", "replaced", "unchanged", "failed")}}

    @router.post("/check")
    def check(req: CheckRequest) -> dict:
        if not req.claim.strip():
            raise HTTPException(status_code=422, detail="please give a claim to check (the claim is empty)")
        return assistant.check(req.claim).to_dict()

    @router.get("/audit")
    def audit_all() -> list[dict]:
        return [f.to_dict() for f in assistant.audit()]

    @router.get("/reports/{report_id}/audit")
    def audit_one(report_id: int) -> list[dict]:
        if not any(r.id == report_id for r in assistant.reports()):
            raise HTTPException(status_code=404, detail=f"no report with id {report_id}")
        return [f.to_dict() for f in assistant.audit(report_id)]

    return router
