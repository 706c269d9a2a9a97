"""An OpenAI-compatible face: ``POST /v1/chat/completions`` (JSON or SSE) and ``GET /v1/models``.

The last user message is the question; the earlier user messages are its follow-up context. The reply's
content is the answer with numbered citations as footnotes (report › section 「quote」); the structured
answer (``Answer.to_dict()``, as ``/api/v1/ask`` returns it) rides along in the extra field ``reportqa``.
Bad requests get OpenAI's error shape: ``{"error": {"message", "type", "param", "code"}}``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from ui.api import MAX_QUESTION_CHARS
from ui.render import citation_line, table_citations, text_table

MODEL_ID = "reportqa"
CREATED = 1_735_689_600  # 2025-01-01: a fixed "created" for the one model
REPLAY_TURNS = 4  # earlier questions replayed when a conversation is not remembered

log = logging.getLogger("reportqa.openai")


# -- requests -------------------------------------------------------------------------------------

class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's request body; sampling options (temperature, max_tokens ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL_ID
    messages: list[Message] = Field(..., min_length=1)
    stream: bool = False


def message_text(m: Message) -> str:
    """A message's text: a string, or the text parts of a content list."""
    if isinstance(m.content, list):
        return "".join(str(p.get("text", "")) for p in m.content if p.get("type") in ("text", "input_text"))
    return m.content or ""


# -- errors ---------------------------------------------------------------------------------------

def openai_error(status: int, message: str, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse(status_code=status,
                        content={"error": {"message": message, "type": kind, "param": param, "code": code}})


class OpenAIRoute(APIRoute):
    """Every failure of a /v1 route answered in OpenAI's error shape instead of FastAPI's ``detail``."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Any:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                first = (exc.errors() or [{}])[0]
                where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
                return openai_error(400, f"Invalid '{where or 'body'}': {first.get('msg', 'bad input')}",
                                    param=where or None)
            except HTTPException as exc:
                detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail)}
                return openai_error(exc.status_code, **detail)
            except Exception as exc:  # noqa: BLE001 - an engine bug, still in OpenAI's shape
                log.exception("unhandled error in %s", request.url.path)
                return openai_error(500, f"internal error: {type(exc).__name__}: {exc}", kind="server_error")
        return route


def _bad(message: str, param: str | None = None, code: str | None = None, status: int = 400) -> HTTPException:
    return HTTPException(status_code=status, detail={"message": message, "param": param, "code": code})


# -- replies --------------------------------------------------------------------------------------

def footnoted(d: dict) -> str:
    """The answer text, its table of figures and calculation, then numbered footnotes:
    [n] report › section (cell) 「quote」 (the pieces are ``ui.render``'s, as in every face)."""
    table = d.get("table") or []
    cites = [c for c in table_citations(table) if c] or d.get("citations") or []
    out = [(d.get("answer") or "") + "".join(f"[{i}]" for i in range(1, len(cites) + 1))]
    if table:
        out += ["```", text_table(table), "```"]
    if d.get("arithmetic"):
        out.append(f"计算 / calculation: {d['arithmetic']}")
    if cites:
        out.append("")
    out += [f"[{i}] {citation_line(c)}" for i, c in enumerate(cites, 1)]
    return "\n".join(out)


def _completion(d: dict, cid: str) -> dict:
    return {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": footnoted(d)},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            MODEL_ID: d}


def _chunks(d: dict, cid: str) -> Iterator[str]:
    """SSE events: the role, the content line by line, then a last chunk carrying the structured answer."""
    created = int(time.time())

    def event(delta: dict, finish: str | None = None, **extra: Any) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    for line in footnoted(d).splitlines(keepends=True):
        yield event({"content": line})
    yield event({}, "stop", **{MODEL_ID: d})
    yield "data: [DONE]\n\n"


# -- follow-ups -----------------------------------------------------------------------------------

class Conversations:
    """Maps a conversation's user messages to an assistant session, so a follow-up costs one ``ask``.

    A chat client resends the whole history each turn: when the history is one this process answered,
    its session already holds the context; otherwise the last earlier questions are replayed into a
    fresh session first.
    """

    def __init__(self, assistant: Any, size: int = 1000):
        self.assistant, self.size = assistant, size
        self._ids: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(questions: list[str]) -> str:
        return hashlib.sha256(json.dumps(questions, ensure_ascii=False).encode()).hexdigest()

    def ask(self, earlier: list[str], question: str) -> Any:
        with self._lock:
            sid = self._ids.pop(self._key(earlier), None)
        if sid is None:
            sid = uuid.uuid4().hex
            for q in earlier[-REPLAY_TURNS:]:
                self.assistant.ask(q, session_id=sid)
        answer = self.assistant.ask(question, session_id=sid)
        with self._lock:
            self._ids[self._key([*earlier, question])] = sid
            while len(self._ids) > self.size:
                self._ids.popitem(last=False)
        return answer


# -- routes ---------------------------------------------------------------------------------------

def _model_card() -> dict:
    return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "reportqa"}


def make_openai_api(assistant: Any) -> APIRouter:
    """The /v1 router over ``assistant`` (the server's shared, serialised one)."""
    router = APIRouter(prefix="/v1", route_class=OpenAIRoute)
    conversations = Conversations(assistant)

    @router.get("/models")
    def models() -> dict:
        return {"object": "list", "data": [_model_card()]}

    @router.get("/models/{model_id}")
    def model(model_id: str) -> dict:
        if model_id != MODEL_ID:
            raise _bad(f"The model '{model_id}' does not exist; use '{MODEL_ID}'.", "model", "model_not_found", 404)
        return _model_card()

    @router.post("/chat/completions", response_model=None)
    def chat(req: ChatRequest) -> dict | StreamingResponse:
        if req.model != MODEL_ID:
            raise _bad(f"The model '{req.model}' does not exist; use '{MODEL_ID}'.", "model", "model_not_found", 404)
        asked = [message_text(m).strip() for m in req.messages if m.role == "user"]
        asked = [q for q in asked if q]
        if not asked:
            raise _bad("Invalid 'messages': no user message with text to answer.", "messages")
        if len(asked[-1]) > MAX_QUESTION_CHARS:
            raise _bad(f"Invalid 'messages': the question is over {MAX_QUESTION_CHARS} characters.", "messages")
        d = conversations.ask(asked[:-1], asked[-1]).to_dict()
        cid = f"chatcmpl-{uuid.uuid4().hex}"
        if req.stream:
            return StreamingResponse(_chunks(d, cid), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return _completion(d, cid)

    return router


__all__ = ["make_openai_api", "footnoted", "openai_error", "Conversations", "MODEL_ID"]
