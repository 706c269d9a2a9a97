"""Latency of one ``ask`` through each face of the same warm server: the JSON API (/api/v1/ask), the
OpenAI-compatible endpoint (/v1/chat/completions, plain and streamed, official ``openai`` client), MCP over
streamable HTTP (/mcp, the SDK's client, one session) and llama-index (``ReportQAQueryEngine`` over the URL).

Same question every time; rounds interleave the faces so drift in machine load hits them alike. Each face
is warmed first (the server's first answer loads the parser and label weights, ~30 s). ``engine`` is the
answer's own ``timings_ms.total``: wall time minus it is what the face costs.

    python -m benchmarks.faces                         # ingest the sample reports into a temp folder, serve, measure
    python -m benchmarks.faces --data D --rounds 10    # an ingested folder
    python -m benchmarks.faces --url http://127.0.0.1:7860   # a server already running
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio

from benchmarks.loadtest import free_port, stop_server, wait_ready
from benchmarks.stats import pct

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "让胡路区2013年共受理了多少条政府信息公开申请?"  # eval/qa_dev.jsonl dev-003: 54条
MCP = "MCP streamable HTTP /mcp"


def sync_faces(url: str, question: str) -> dict[str, Callable[[], dict]]:
    """Each face as a call returning the structured answer it carried back."""
    import httpx
    import openai

    from ui.llama import ReportQAQueryEngine

    http = httpx.Client(base_url=url, timeout=600)
    client = openai.OpenAI(base_url=f"{url}/v1", api_key="not-needed", max_retries=0, timeout=600)
    engine = ReportQAQueryEngine(url)
    messages = [{"role": "user", "content": question}]

    def streamed() -> dict:
        chunks = list(client.chat.completions.create(model="reportqa", messages=messages, stream=True))
        return chunks[-1].model_extra["reportqa"]

    return {
        "JSON API /api/v1/ask": lambda: http.post("/api/v1/ask", json={"question": question}).raise_for_status().json(),
        "OpenAI /v1/chat/completions": lambda: client.chat.completions.create(
            model="reportqa", messages=messages).model_extra["reportqa"],
        "OpenAI, streamed (SSE)": streamed,
        "llama-index ReportQAQueryEngine": lambda: engine.query(question).metadata["reportqa"],
    }


async def measure(url: str, question: str, rounds: int) -> dict[str, dict[str, float]]:
    from mcp import Client

    faces = sync_faces(url, question)
    async with Client(f"{url}/mcp") as mcp:
        async def over_mcp() -> dict:
            r = await mcp.call_tool("ask", {"question": question})
            assert not r.is_error, r.content
            return r.structured_content

        async def timed(name: str) -> tuple[float, float, dict]:
            t = time.perf_counter()
            d = await over_mcp() if name == MCP else await anyio.to_thread.run_sync(faces[name])
            return (time.perf_counter() - t) * 1000, d["timings_ms"]["total"], d

        names = [*faces, MCP]
        for name in names:  # warm-up (the first answer of a fresh server is slow), and all faces agree
            _, _, d = await timed(name)
            print(f"warm: {name}: {d['answer']}", file=sys.stderr)
        walls: dict[str, list[float]] = {n: [] for n in names}
        engines: dict[str, list[float]] = {n: [] for n in names}
        for _ in range(rounds):
            for name in names:
                wall, engine, _ = await timed(name)
                walls[name].append(wall)
                engines[name].append(engine)
    return {n: {"n": len(walls[n]), "wall_ms_p50": pct(walls[n], 50), "wall_ms_p90": pct(walls[n], 90),
                "engine_ms_p50": pct(engines[n], 50), "face_ms_p50": pct([w - e for w, e in
                                                                          zip(walls[n], engines[n])], 50)}
            for n in names}



def table(results: dict[str, dict[str, float]]) -> str:
    lines = ["| face | n | p50 ms | p90 ms | engine p50 ms | face overhead p50 ms |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['n']} | {r['wall_ms_p50']:.0f} | {r['wall_ms_p90']:.0f} | "
                     f"{r['engine_ms_p50']:.0f} | {r['face_ms_p50']:.0f} |")
    return "\n".join(lines)


def serve_and_measure(data: Path, question: str, rounds: int) -> dict:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--data-dir", str(data), "--port", str(port)],
                            cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(url, proc)
        return anyio.run(measure, url, question, rounds)
    finally:
        stop_server(proc)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running reportqa server (otherwise one is started)")
    ap.add_argument("--data", type=Path, help="an ingested data folder to serve (default: the sample reports, "
                                              "ingested into a temp folder)")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--question", default=QUESTION)
    ap.add_argument("--out", type=Path, help="also write the numbers as JSON here")
    args = ap.parse_args()
    if args.url:
        results = anyio.run(measure, args.url.rstrip("/"), args.question, args.rounds)
    elif args.data:
        results = serve_and_measure(args.data, args.question, args.rounds)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "ui.cli", "ingest", str(ROOT / "examples" / "reports"),
                            "--data-dir", tmp], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            results = serve_and_measure(Path(tmp), args.question, args.rounds)
    print(f"question: {args.question}; {args.rounds} rounds, faces interleaved, one warm server\n")
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
