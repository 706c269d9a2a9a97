"""One process, one Assistant: the JSON API at /api/v1, the OpenAI-compatible API at /v1, MCP (streamable
HTTP) at /mcp and the Gradio chat at /.

The embedded Qdrant store admits one process per data folder, so the server owns the stores
and uploads go through its own indexer (``POST /api/v1/reports``).
"""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from index.pipeline import FileTooLarge, check_size, limit_bytes

log = logging.getLogger("reportqa.server")


class _SerialProxy:
    """Forwards attribute access to ``inner``, running every call under ``lock``."""

    def __init__(self, inner: Any, lock: threading.RLock):
        self._inner, self._lock = inner, lock

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)
        return locked


class SerialAssistant(_SerialProxy):
    """Runs the assistant's calls one at a time.

    FastAPI and Gradio call handlers from worker threads; the embedded vector store and the
    embedding model are not documented as thread-safe, and a 2-core machine gains nothing
    from running two questions at once.
    """

    def __init__(self, inner: Any):
        super().__init__(inner, threading.RLock())

    @property
    def indexer(self) -> Any:
        return _SerialProxy(self._inner.indexer, self._lock)


def make_app(settings: Any, assistant: Any = None) -> FastAPI:
    """The FastAPI app; ``assistant`` may be passed in (tests), else one is built from settings."""
    import gradio as gr

    from ui.api import make_api
    from ui.chat import CSS, THEME, make_chat
    from ui.mcp_server import mcp_http
    from ui.openai_api import make_openai_api
    from ui.uploads import upload_limit_mb

    if assistant is None:
        from assistant.engine import Assistant
        assistant = Assistant(settings)
        # Take the vector store (and its one-process lock) and load the model now: a second
        # process then fails at once with a clear message, and the first question is not slow.
        try:
            assistant.indexer.vectors
            assistant.indexer.embedder
        except Exception:
            assistant.close()
            raise
    inner = assistant
    shared = SerialAssistant(inner)
    mcp_routes, mcp_running = mcp_http(shared, settings.host)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            async with mcp_running():
                yield
        finally:
            inner.close()

    app = FastAPI(title="reportqa", version="0.1.0", lifespan=lifespan,
                  docs_url="/api/v1/docs", openapi_url="/api/v1/openapi.json", redoc_url=None)
    app.state.assistant = shared
    app.state.settings = settings

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        # One readable sentence first, pydantic's details after.
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        msg = f"invalid request: {where}: {first.get('msg', 'bad input')}" if where else "invalid request"
        return JSONResponse(status_code=422, content={"detail": msg, "errors": _jsonable(errs)})

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(status_code=500, content={"detail": f"internal error: {type(exc).__name__}: {exc}"})

    app.include_router(make_api(shared, settings))
    app.include_router(make_openai_api(shared))
    app.router.routes.extend(mcp_routes)  # read-only tools over the same shared assistant
    # No CORSMiddleware: the API answers same-origin pages and non-browser clients only.
    limit_mb = upload_limit_mb(settings)
    app.add_middleware(ApiGuard, limit_mb=limit_mb)
    # Mounted last: "/" catches everything the API routes above did not. Gradio's own cap keeps a
    # huge file off the temp disk; below it, the chat's upload handler gives the shared message.
    return gr.mount_gradio_app(app, make_chat(shared, settings), path="/", theme=THEME, css=CSS,
                               footer_links=[], ssr_mode=False, max_file_size=limit_bytes(limit_mb))


_MULTIPART_SLACK = 64 * 1024  # multipart headers and boundaries around the file itself


class ApiGuard:
    """ASGI middleware for /api/ and /v1/: no CORS preflight, and no body over the upload limit.

    * An OPTIONS request under /api/ gets a 405 without CORS headers. Otherwise it would fall
      through to the Gradio mount at "/", whose own CORS middleware approves preflights for
      other origins when the server is reached by a non-localhost name, letting a foreign page
      send DELETE /api/v1/reports/{id} (the reads would stay unreadable, the write would not).
    * A Content-Length whose file part must be over ``max_upload_mb`` gets a 413 before the body is
      read and spooled, with the message of ``index.pipeline.check_size`` (the file's size is at
      least the body's less the multipart slack).
    """

    def __init__(self, app: Any, limit_mb: int):
        self.app, self.limit_mb = app, limit_mb

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(("/api/", "/v1/")):
            if scope.get("method") == "OPTIONS":
                resp = JSONResponse(status_code=405, content={"detail": "cross-origin requests are not accepted"},
                                    headers={"Allow": "GET, POST, DELETE"})
                await resp(scope, receive, send)
                return
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and length.isdigit():
                try:
                    check_size(int(length) - _MULTIPART_SLACK, self.limit_mb)
                except FileTooLarge as exc:
                    await JSONResponse(status_code=413, content={"detail": str(exc)})(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def _jsonable(errs: list) -> list:
    out = []
    for e in errs:
        e = dict(e)
        e.pop("ctx", None)  # may hold exception objects
        e.pop("input", None)  # may echo a 10,000-character question back
        out.append(e)
    return out


def serve(settings: Any) -> None:
    import uvicorn

    app = make_app(settings)
    # uvicorn's access log prints the request line and status only, never headers (the API key
    # travels in X-API-Key); nothing in reportqa logs request headers either.
    uvicorn.run(app, host=settings.host, port=int(settings.port), log_level="info")
