"""The eval's client for a running server: asks ``POST /api/v1/ask`` and ``/check`` exactly as
any other tool would, so ``reportqa eval --api URL`` scores what users of the API get."""
from __future__ import annotations

from typing import Any

import httpx


class ApiAssistant:
    def __init__(self, base_url: str, timeout: float = 120.0) -> None:
        self.base = base_url.rstrip("/")
        self.client = httpx.Client(timeout=timeout)

    def ask(self, question: str, session_id: str | None = None) -> dict[str, Any]:
        r = self.client.post(f"{self.base}/api/v1/ask", json={"question": question, "session_id": session_id})
        r.raise_for_status()
        return r.json()

    def check(self, claim: str) -> dict[str, Any]:
        r = self.client.post(f"{self.base}/api/v1/check", json={"claim": claim})
        r.raise_for_status()
        return r.json()

    def reports(self) -> list[dict]:
        r = self.client.get(f"{self.base}/api/v1/reports")
        r.raise_for_status()
        body = r.json()
        return body if isinstance(body, list) else body.get("reports", [])

    def close(self) -> None:
        self.client.close()
