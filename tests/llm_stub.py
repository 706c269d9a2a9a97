"""A scripted OpenAI-compatible endpoint for the LLM tests and the with-LLM evaluation.

``serve(script)`` starts ``http.server`` in a thread on a free local port and returns (base_url, stop);
``script(system, user)`` returns the reply text, or a ``Reply`` (delay, HTTP status, raw body).
``python tests/llm_stub.py --port 8765`` serves ``echo_reader``: the structured-reading request answered
with the question's own quantity phrase (the question without its body, year and interrogative tail,
operation "lookup"), tie choices refused, text phrasing refused (the deterministic answer stands).
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "scripted-model"


@dataclass
class Reply:
    text: str = ""
    delay_s: float = 0.0
    status: int = 200
    raw: bytes | None = None  # a body sent as is (not a chat completion)


def _completion(text: str) -> bytes:
    return json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()), "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}, ensure_ascii=False).encode()


def serve(script: Callable[[str, str], object], port: int = 0) -> tuple[str, Callable[[], None], list[dict]]:
    """Start the endpoint; returns its base URL (…/v1), a stop function and the requests it received."""
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, json.dumps({"object": "list", "data": [{"id": MODEL, "object": "model"}]}).encode())
            else:
                self._send(404, b"{}")

        def do_POST(self) -> None:  # noqa: N802
            req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            seen.append(req)
            msgs = req.get("messages", [])
            system = next((m["content"] for m in msgs if m.get("role") == "system"), "")
            user = next((m["content"] for m in msgs if m.get("role") == "user"), "")
            out = script(system, user)
            rep = out if isinstance(out, Reply) else Reply(text=str(out))
            if rep.delay_s:
                time.sleep(rep.delay_s)
            try:
                self._send(rep.status, rep.raw if rep.raw is not None else _completion(rep.text))
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
    return f"http://127.0.0.1:{server.server_address[1]}/v1", stop, seen


def asked(user: str) -> str:
    """The question of a reading / choosing / phrasing prompt."""
    m = re.search(r"问题:(.*)", user)
    return m.group(1).strip() if m else ""


_HEAD = re.compile(r"^.*?(?:19|20)\d{2}\s*年度?(?:的|中|里|内)?")
_TAIL = re.compile(r"(?:一共|共|总共|合计)?(?:是|有|为)?(?:多少|几)[^,。,]*$|[??]+$")


def quantity_phrase(question: str) -> str:
    """The question's own words for what it asks: body and year cut off the front, the interrogative off
    the end ("海陵区2017年收到的网络申请有多少件?" -> "收到的网络申请")."""
    q = _HEAD.sub("", question.strip(), count=1)
    for _ in range(2):
        q = _TAIL.sub("", q).strip()
    return re.sub(r"[0-9０-９]", "", q)[:40]


def echo_reader(system: str, user: str) -> object:
    if "quantities" in user:
        phrase = quantity_phrase(asked(user))
        return json.dumps({"bodies": [], "years": [], "quantities": [phrase or "?"], "operation": "lookup",
                           "sql": None}, ensure_ascii=False)
    return "无法判断"  # choosing and phrasing refused: the deterministic answer stands


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8765)
    url, stop, _ = serve(echo_reader, ap.parse_args().port)
    print(url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop()
