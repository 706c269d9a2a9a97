"""Query latency on a warm server: start ``reportqa serve`` on a data folder, wait until it answers,
then send the gold questions one at a time over HTTP and time each, grouped by the route the answer
took. One client, so this is service time as a user sees it, not queueing (see loadtest.py for that).

    python -m benchmarks.serve_bench --data D --queries 40 --out /tmp/x.json
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.loadtest import free_port, wait_ready

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "qa_dev.jsonl"


def measure(data: Path, n_questions: int, env: dict | None = None) -> dict:
    import httpx

    from benchmarks.stats import pct

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [g["question"] for g in gold][:n_questions]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--data-dir", str(data), "--port", str(port)],
                            cwd=ROOT, env=dict(os.environ, **(env or {})),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = wait_ready(base, proc)
        by_route: dict[str, list[float]] = {}
        with httpx.Client(base_url=base, timeout=120) as client:
            client.post("/api/v1/ask", json={"question": qs[0]}).raise_for_status()  # warm-up
            for q in qs:
                t = time.perf_counter()
                r = client.post("/api/v1/ask", json={"question": q})
                ms = (time.perf_counter() - t) * 1000
                r.raise_for_status()
                route = "sql" if r.json().get("route") == "sql" else "text"
                by_route.setdefault(route, []).append(ms)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    out: dict = {"serve_ready_s": ready}
    for route, ms in by_route.items():
        out[f"http_{route}_n"], out[f"http_{route}_ms_p50"], out[f"http_{route}_ms_p95"] = \
            len(ms), pct(ms, 50), pct(ms, 95)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    a.out.write_text(json.dumps(measure(a.data, a.queries)))


if __name__ == "__main__":
    main()
