"""The JSON API under /api/v1: health, ask, reports, and upload.

Every handler turns bad input into a 4xx with ``{"detail": "..."}``; only a bug in the engine
can produce a 5xx, and even that is answered as JSON with a short message (see ``server.py``).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Header, HTTPException, UploadFile
from pydantic import BaseModel, Field

MAX_QUESTION_CHARS = 10_000
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION_CHARS)
    session_id: str | None = Field(default=None, max_length=200)


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


def safe_filename(name: str) -> str:
    """Keep only the base name and characters that are safe on every filesystem (CJK is kept)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\-\u3000-\u9fff]+", "_", base).strip("._")
    return base[:200] or "upload"


def make_api(assistant: Any, settings: Any = None) -> APIRouter:
    settings = settings if settings is not None else getattr(assistant, "settings", None)
    api_key = getattr(settings, "api_key", "") or ""
    max_upload = int(getattr(settings, "max_upload_mb", 50) or 50) * 1024 * 1024
    router = APIRouter(prefix="/api/v1")

    def require_key(x_api_key: str | None = Header(default=None),
                    authorization: str | None = Header(default=None)) -> None:
        # Only writes are guarded: reading the index is the point of a local assistant.
        if not api_key:
            return
        given = x_api_key or (authorization or "").removeprefix("Bearer ").strip()
        if given != api_key:
            raise HTTPException(status_code=401, detail="missing or wrong API key (X-API-Key header)")

    @router.get("/health")
    def health() -> dict:
        rows = assistant.reports()
        # The SQL store is reached through the indexer that shares the server's stores.
        sql = getattr(getattr(assistant, "indexer", None), "sql", None)
        n_chunks = sql.counts().get("chunks") if hasattr(sql, "counts") else None
        return {"status": "ok", "reports": len(rows), "chunks": n_chunks}

    @router.post("/ask")
    def ask(req: AskRequest) -> dict:
        if not req.question.strip():
            raise HTTPException(status_code=422, detail="please ask a question (the question is empty)")
        return assistant.ask(req.question, session_id=req.session_id).to_dict()

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

    @router.post("/reports", dependencies=[Depends(require_key)])
    def upload(file: UploadFile = File(...)) -> dict:
        """Ingest one uploaded report through the server's own indexer (it owns the stores)."""
        name = safe_filename(file.filename or "upload")
        if not name.lower().endswith(UPLOAD_SUFFIXES):
            raise HTTPException(status_code=415, detail=f"{name}: unsupported file type "
                                f"(accepted: {', '.join(UPLOAD_SUFFIXES)})")
        data = file.file.read(max_upload + 1)
        if len(data) > max_upload:
            raise HTTPException(status_code=413, detail=f"{name}: larger than {max_upload // 2**20} MB")
        if not data:
            raise HTTPException(status_code=422, detail=f"{name}: empty file")
        # Keep uploads beside the index so a re-upload of the same name replaces the report.
        base = Path(getattr(settings, "data_dir", None) or tempfile.gettempdir()) / "uploads"
        base.mkdir(parents=True, exist_ok=True)
        path = base / name
        path.write_bytes(data)
        (result,) = assistant.indexer.ingest([path])
        body = {"path": name, "status": result.status, "report_id": result.report_id,
                "message": result.message, "title": result.title, "n_sections": result.n_sections,
                "n_chunks": result.n_chunks, "n_facts": result.n_facts}
        if result.status == "failed":
            raise HTTPException(status_code=422, detail=f"{name}: {result.message}")
        return body

    return router
