"""The one LLM adapter: an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's server) through
llama-index's ``OpenAILike``, with a timeout, one retry, and a status (configured / reachable / model).

Nothing here decides what the model may say: every reply is checked by ``assistant/llm/grounding.py``
(or validated against a schema) before anything of it reaches an answer.
"""
from __future__ import annotations

import functools
import logging
import time

from index.settings import Settings

log = logging.getLogger("reportqa.llm")
MAX_RETRIES = 1
STATUS_TTL_S = 30.0


class LLMFailed(Exception):
    """The endpoint did not answer (timeout, refused connection, HTTP error, empty reply)."""


def configured(settings: Settings) -> bool:
    return bool(settings.llm_base_url)


class LLMClient:
    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 20.0):
        from llama_index.llms.openai_like import OpenAILike

        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.model = model or "default"
        self._status: tuple[float, dict] | None = None
        if not model:  # the endpoint's first listed model (llama.cpp's server serves one)
            self.model = self.status().get("model") or "default"
            self._status = None
        # Streaming off, temperature 0: one whole, repeatable reply per request.
        self.llm = OpenAILike(model=self.model, api_base=self.base_url, api_key=api_key or "none",
                              is_chat_model=True, is_function_calling_model=False, temperature=0.0,
                              max_tokens=512, timeout=timeout_s, max_retries=MAX_RETRIES,
                              context_window=8192, reuse_client=True)

    def chat(self, system: str, user: str) -> str:
        """The model's reply to one system + user message; LLMFailed when there is none."""
        from llama_index.core.llms import ChatMessage

        try:
            reply = self.llm.chat([ChatMessage(role="system", content=system), ChatMessage(role="user", content=user)])
        except Exception as exc:  # noqa: BLE001 - any failure of the endpoint falls back to the deterministic path
            raise LLMFailed(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        text = (reply.message.content or "").strip()
        if not text:
            raise LLMFailed("empty reply")
        return text

    def status(self) -> dict:
        """configured / reachable / model (and the models the endpoint lists), probed at most every 30 s."""
        import httpx

        now = time.monotonic()
        if self._status is not None and now - self._status[0] < STATUS_TTL_S:
            return self._status[1]
        out = {"configured": True, "base_url": self.base_url, "model": self.model, "reachable": False,
               "model_listed": None, "error": ""}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            r = httpx.get(f"{self.base_url}/models", headers=headers, timeout=min(self.timeout_s, 5.0))
            r.raise_for_status()
            listed = [m.get("id", "") for m in (r.json().get("data") or []) if isinstance(m, dict)]
            out["reachable"] = True
            out["model_listed"] = self.model in listed if listed else None
            if self.model == "default" and listed:
                out["model"] = listed[0]
        except Exception as exc:  # noqa: BLE001
            out["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        self._status = (now, out)
        return out


@functools.lru_cache(maxsize=8)
def _client(base_url: str, model: str, api_key: str, timeout_s: float) -> LLMClient:
    return LLMClient(base_url, model, api_key, timeout_s)


def client_for(settings: Settings) -> LLMClient | None:
    """The configured client (one per endpoint, reused), or None when no LLM is configured."""
    if not configured(settings):
        return None
    return _client(settings.llm_base_url, settings.llm_model, settings.llm_api_key, float(settings.llm_timeout_s))


def llm_status(settings: Settings) -> dict:
    """For /api/v1/health and ``reportqa doctor``."""
    client = client_for(settings)
    if client is None:
        return {"configured": False, "reachable": False, "model": "", "base_url": "", "error": ""}
    return client.status()


__all__ = ["LLMClient", "LLMFailed", "client_for", "configured", "llm_status", "MAX_RETRIES"]
