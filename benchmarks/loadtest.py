"""A bounded load test of the real server on 127.0.0.1.

    python -m benchmarks.loadtest                       # 60 s, 20 clients, writes benchmarks/loadtest.md
    python -m benchmarks.loadtest --seconds 20 --clients 5 --data-dir /path/to/ingested/data
    python -m benchmarks.loadtest --py-spy 55 --notes analysis.md   # profile the server; keep a Notes section

The server (``ui.server.make_app`` + uvicorn) runs in a subprocess over a COPY of a data folder
holding the five sample reports (ingested into a temp folder when ``--data-dir`` is not given).
Client threads (httpx, one connection each) mix ``POST /api/v1/ask`` (questions from
eval/qa_dev.jsonl), ``POST /api/v1/check`` (claims made from those questions: "多少" -> a number,
never the gold answer) and the audit reads. Every loop is bounded in time and in count; the
server is stopped at the end whatever happens. ``--py-spy`` samples the server while it runs.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "qa_dev.jsonl"
EXAMPLES = ROOT / "examples" / "reports"
OUT = Path(__file__).resolve().parent / "loadtest.md"

# Share of each kind of request (questions dominate real use).
MIX = (("ask", 0.6), ("check", 0.25), ("audit", 0.1), ("audit_report", 0.05))

SERVER = """
import sys, uvicorn
from index.settings import load_settings
from ui.server import make_app
app = make_app(load_settings(data_dir=sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


@dataclass
class Sample:
    endpoint: str
    status: str  # HTTP status as text, or the exception's name
    seconds: float
    finished: float
    service: float | None = None  # time inside Assistant.ask (timings_ms.total), without the lock wait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def questions(path: Path = GOLD) -> list[str]:
    return [json.loads(ln)["question"] for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def claims_from(qs: list[str], seed: int = 7) -> list[str]:
    """'让胡路区2013年共受理了多少条申请?' -> '有人说让胡路区2013年共受理了120条申请,对吗?' (a made-up number)."""
    rnd = random.Random(seed)
    out = []
    for q in qs:
        if "多少" not in q:
            continue
        body = re.sub(r"[??。]+$", "", q).replace("多少", str(rnd.choice([12, 50, 100, 300, 1000, 2000])), 1)
        out.append(f"有人说{body},对吗?")
    return out


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of an unsorted list."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def prepare_data(src: Path | None, work: Path) -> Path:
    data = work / "data"
    if src is not None:
        shutil.copytree(src, data)
        return data
    from index.pipeline import Indexer
    from index.settings import load_settings

    indexer = Indexer(load_settings(data_dir=data))
    try:
        failed = [r for r in indexer.ingest(sorted(EXAMPLES.glob("*.txt"))) if r.status == "failed"]
    finally:
        indexer.close()
    if failed:
        raise SystemExit(f"ingesting the samples failed: {failed}")
    return data


def start_server(data: Path, port: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("REPORTQA_API_KEY", None)
    fh = log.open("w")
    return subprocess.Popen([sys.executable, "-c", SERVER, str(data), str(port)], cwd=str(ROOT), env=env,
                            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 300) -> float:
    import httpx

    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode} while starting")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return time.monotonic() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer /api/v1/health within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly (closes the stores)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class Load:
    """Client threads sharing one deadline and one request budget."""

    def __init__(self, url: str, qs: list[str], claims: list[str], report_ids: list[int], seconds: float,
                 max_requests: int, timeout: float, seed: int = 1):
        self.url, self.qs, self.claims, self.report_ids = url, qs, claims, report_ids
        self.seconds, self.timeout = seconds, timeout
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._budget = itertools.count()
        self.max_requests = max_requests
        self.seed = seed

    def _request(self, client, kind: str, rnd: random.Random):  # noqa: ANN001, ANN202
        if kind == "ask":
            return client.post(f"{self.url}/api/v1/ask", json={"question": rnd.choice(self.qs)})
        if kind == "check":
            return client.post(f"{self.url}/api/v1/check", json={"claim": rnd.choice(self.claims)})
        if kind == "audit":
            return client.get(f"{self.url}/api/v1/audit")
        return client.get(f"{self.url}/api/v1/reports/{rnd.choice(self.report_ids)}/audit")

    def worker(self, n: int, deadline: float) -> None:
        import httpx

        rnd = random.Random(self.seed * 1000 + n)
        kinds, weights = zip(*MIX)
        with httpx.Client(timeout=self.timeout) as client:
            while time.monotonic() < deadline and next(self._budget) < self.max_requests:
                kind = rnd.choices(kinds, weights)[0]
                t0 = time.monotonic()
                service = None
                try:
                    resp = self._request(client, kind, rnd)
                    status = str(resp.status_code)
                    service = _service_s(resp.json()) if status == "200" and kind in ("ask", "check") else None
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                t1 = time.monotonic()
                with self._lock:
                    self.samples.append(Sample(kind, status, t1 - t0, t1, service))

    def run(self, clients: int) -> tuple[float, float]:
        start = time.monotonic()
        deadline = start + self.seconds
        threads = [threading.Thread(target=self.worker, args=(i, deadline), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:  # a request started before the deadline may run up to ``timeout`` past it
            t.join(timeout=self.seconds + self.timeout + 30)
        return start, time.monotonic()


def _service_s(d: dict) -> float | None:
    timings = d.get("timings_ms") or (d.get("answer") or {}).get("timings_ms") or {}
    total = timings.get("total")
    return total / 1000 if isinstance(total, (int, float)) else None


def baseline(url: str, qs: list[str], claims: list[str], report_ids: list[int], n: int = 3) -> dict[str, float]:
    """Median single-client latency per endpoint (the service time the lock serializes)."""
    load = Load(url, qs, claims, report_ids, seconds=0, max_requests=0, timeout=120)
    rnd = random.Random(99)
    import httpx

    out = {}
    with httpx.Client(timeout=120) as client:
        for kind, _ in MIX:
            times = []
            for _ in range(n):
                t0 = time.monotonic()
                load._request(client, kind, rnd)
                times.append(time.monotonic() - t0)
            out[kind] = sorted(times)[len(times) // 2]
    return out


def summarize(samples: list[Sample], start: float, end: float) -> dict:
    by: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by[s.endpoint].append(s)
    wall = max(end - start, 1e-9)

    def stats(xs: list[Sample]) -> dict:
        ok = [s.seconds for s in xs if s.status == "200"]
        lat = [s.seconds for s in xs]
        svc = [s.service for s in xs if s.service is not None]
        extra = {"service_p50": percentile(svc, 50), "service_p95": percentile(svc, 95),
                 "service_max": max(svc)} if svc else {}
        return {**extra, "requests": len(xs), "ok": len(ok), "errors": len(xs) - len(ok), "rps": len(xs) / wall,
                "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
                "mean": sum(lat) / len(lat) if lat else float("nan"), "max": max(lat) if lat else float("nan")}

    return {"wall_s": wall, "endpoints": {k: stats(v) for k, v in sorted(by.items())}, "overall": stats(samples),
            "errors": dict(Counter(f"{s.endpoint} {s.status}" for s in samples if s.status != "200"))}


def py_spy_record(pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    exe = shutil.which("py-spy")
    if exe is None:
        print("py-spy is not installed (pip install py-spy); no profile", file=sys.stderr)
        return None
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "50",
                             "--format", "raw", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


_PROJECT = ("assistant/", "index/", "ui/")


def _frame_path(frame: str) -> str:
    m = re.search(r"\(([^():]+):\d+\)$", frame)
    return m.group(1) if m else ""


def hot_spots(raw: Path, top: int = 15) -> dict:
    """From py-spy's collapsed stacks: how much of the time the assistant lock is held, and inside
    it, the busiest (library <- calling project line) pairs ("self" when the project line itself runs)."""
    total = held = 0
    spots: Counter = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        n = int(n)
        total += n
        frames = stack.split(";")
        lock = [i for i, f in enumerate(frames) if f.startswith("SerialAssistant.") and "ui/server.py" in f]
        if not lock or frames[-1].startswith("SerialAssistant."):
            continue  # not holding the lock (or blocked acquiring it)
        held += n
        proj = [i for i, f in enumerate(frames) if _frame_path(f).startswith(_PROJECT) and i > lock[0]]
        j = proj[-1] if proj else lock[0]
        if j == len(frames) - 1:
            spots[("self", frames[j])] += n
        else:
            lib = _frame_path(frames[j + 1]).split("/")[0].removesuffix(".py") or "?"
            spots[(lib, frames[j])] += n
    return {"total": total, "held": held, "spots": [(lib, f, 100 * c / held) for (lib, f), c in spots.most_common(top)]
            if held else []}


def render(args: argparse.Namespace, res: dict, base: dict[str, float], ready_s: float,
           spots: dict, load_before: str = "") -> str:
    from benchmarks.machine import cpu_model, loadavg

    def ms(x: float) -> str:
        return f"{x * 1000:,.0f}"

    lines = [
        "# Load test: the real server under concurrent clients",
        "",
        f"Run {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with "
        f"`python -m benchmarks.loadtest --seconds {args.seconds:g} --clients {args.clients}` "
        f"on {cpu_model()} ({os.cpu_count()} CPUs), load average before the run: {load_before or '?'}, "
        f"after: {loadavg()}.",
        "",
        "The server (`ui.server.make_app` + uvicorn, one process, access log off) ran on 127.0.0.1 over a copy of",
        "a data folder with the five sample reports; the client threads ran on the same machine, so they",
        "share its CPUs. Mix: " + ", ".join(f"{k} {int(w * 100)}%" for k, w in MIX) + " — ask = `POST /api/v1/ask` "
        "(eval/qa_dev.jsonl questions), check = `POST /api/v1/check` (claims made from those questions), "
        "audit = `GET /api/v1/audit`, audit_report = `GET /api/v1/reports/{id}/audit`.",
        f"Server start (model load, stores) took {ready_s:.1f} s and is not counted.",
        "",
        f"## Results ({res['wall_s']:.1f} s wall, {res['overall']['requests']} requests)",
        "",
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | mean ms | max ms | alone ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k, s in list(res["endpoints"].items()) + [("overall", res["overall"])]:
        alone = ms(base[k]) if k in base else ""
        lines.append(f"| {k} | {s['requests']} | {s['errors']} | {s['rps']:.2f} | {ms(s['p50'])} | {ms(s['p95'])} | "
                     f"{ms(s['p99'])} | {ms(s['mean'])} | {ms(s['max'])} | {alone} |")
    lines += ["", "*alone* = median of 3 sequential requests from one client before the run.", ""]
    svc = [(k, s) for k, s in res["endpoints"].items() if "service_p50" in s]
    if svc:
        lines += ["Time inside `Assistant.ask` during the run (its own `timings_ms.total`, so without the wait for",
                  "the server's assistant lock; a check is one ask plus the comparison):", "",
                  "| endpoint | service p50 ms | service p95 ms | service max ms |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {ms(s['service_p50'])} | {ms(s['service_p95'])} | {ms(s['service_max'])} |" for k, s in svc]
        lines.append("")
    if res["errors"]:
        lines += ["Errors by endpoint and status:", ""]
        lines += [f"- {k}: {v}" for k, v in sorted(res["errors"].items())]
    else:
        lines.append("Errors: none (every request answered 200).")
    if spots and spots["total"]:
        lines += ["", f"## Where the server's time goes (py-spy, {args.py_spy} s during the run)", "",
                  f"{spots['held']} of {spots['total']} samples ({100 * spots['held'] / spots['total']:.0f}%) were taken "
                  "while a thread held the assistant lock (`SerialAssistant` in ui/server.py). Inside the lock, by "
                  "library and the project line that called it:", "",
                  "| library | called from (function, file:line) | % of in-lock samples |", "|---|---|---:|"]
        lines += [f"| {lib} | `{f}` | {pct:.1f} |" for lib, f, pct in spots["spots"]]
    if args.notes:
        lines += ["", "## Notes", "", Path(args.notes).read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--max-requests", type=int, default=100_000, help="Stop after this many requests in all.")
    ap.add_argument("--timeout", type=float, default=120, help="Per-request client timeout (s).")
    ap.add_argument("--data-dir", type=Path, default=None, help="An ingested data folder to copy (else the samples "
                    "are ingested into a temp folder first).")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--json", type=Path, default=None, help="Also write the raw numbers here.")
    ap.add_argument("--py-spy", type=int, default=0, metavar="SECONDS", help="Sample the server with py-spy.")
    ap.add_argument("--py-spy-raw", type=Path, default=None, help="Keep py-spy's collapsed stacks here.")
    ap.add_argument("--notes", type=Path, default=None, help="A Markdown file appended under 'Notes'.")
    args = ap.parse_args(argv)
    if not 0 < args.seconds <= 3600 or not 0 < args.clients <= 200:
        ap.error("--seconds must be in (0, 3600] and --clients in (0, 200]")
    sys.path.insert(0, str(ROOT))

    import httpx

    qs = questions()
    claims = claims_from(qs)
    with tempfile.TemporaryDirectory(prefix="reportqa-load-") as tmp:
        work = Path(tmp)
        data = prepare_data(args.data_dir, work)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(data, port, work / "server.log")
        spy = None
        try:
            ready_s = wait_ready(url, proc)
            report_ids = [r["id"] for r in httpx.get(f"{url}/api/v1/reports", timeout=30).json()]
            if not report_ids:
                raise SystemExit("the data folder holds no reports")
            base = baseline(url, qs, claims, report_ids)
            print("alone (ms): " + ", ".join(f"{k} {v * 1000:.0f}" for k, v in base.items()), file=sys.stderr)
            if args.py_spy:
                spy = py_spy_record(proc.pid, args.py_spy, work / "spy.txt")
            from benchmarks.machine import loadavg
            load_before = loadavg()
            load = Load(url, qs, claims, report_ids, args.seconds, args.max_requests, args.timeout)
            start, end = load.run(args.clients)
            res = summarize(load.samples, start, end)
            spots: dict = {}
            if spy is not None:
                spy.wait(timeout=args.py_spy + 60)
                if (work / "spy.txt").is_file():
                    spots = hot_spots(work / "spy.txt")
                    if args.py_spy_raw:
                        shutil.copy(work / "spy.txt", args.py_spy_raw)
        finally:
            if spy is not None and spy.poll() is None:
                spy.terminate()
            stop_server(proc)
            log = (work / "server.log").read_text(errors="replace")
        if "Traceback" in log:
            print("server log (errors):\n" + log[-4000:], file=sys.stderr)
    text = render(args, res, base, ready_s, spots, load_before)
    args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"config": {"seconds": args.seconds, "clients": args.clients},
                                         "alone": base, **res}, indent=2), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
