"""Vector-store benchmark on SYNTHETIC points: write time, reopen time, hybrid query latency.

Both engines get the same seeded data: random unit 384-d dense vectors and random sparse
term vectors (Zipf-distributed term ids, BM25-like weights), 50 points per "report".
Run one engine per process so peak memory (ru_maxrss) is the engine's own:

    python -m benchmarks.store_bench --engine edge --n 10000 --out /tmp/edge.json
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.machine import disk_mib, peak_rss_mib
from benchmarks.stats import pct

DIM = 384
VOCAB = 30_000
TERMS = 40
PER_REPORT = 50
K = 10
BUDGET_S = 30.0  # per query mode; the slow engine at 50k points would take many minutes


def synthetic_points(n: int, seed: int = 7):
    from index.vectors import VectorPoint

    rng = np.random.default_rng(seed)
    dense = rng.normal(size=(n, DIM)).astype(np.float32)
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    points = []
    for i in range(n):
        terms = np.unique(np.minimum(rng.zipf(1.3, size=TERMS), VOCAB) - 1)
        weights = rng.uniform(0.5, 3.0, size=len(terms)).astype(np.float32)
        rid = i // PER_REPORT
        payload = {"report_id": rid, "year": 2010 + rid % 14, "body": f"body{rid % 97}", "ord": i % PER_REPORT,
                   "text": f"synthetic chunk {i}"}
        points.append(VectorPoint(id=i, dense=dense[i], sparse=(terms.tolist(), weights.tolist()), payload=payload))
    return points


def synthetic_queries(points, n_q: int, seed: int = 11):
    """Queries near existing points (dense jitter + some of their terms), half with a report filter."""
    from index.vectors import SearchFilters

    rng = np.random.default_rng(seed)
    out = []
    for j in range(n_q):
        p = points[int(rng.integers(len(points)))]
        d = np.asarray(p.dense) + rng.normal(scale=0.05, size=DIM).astype(np.float32)
        d /= np.linalg.norm(d)
        idx, val = p.sparse
        take = rng.choice(len(idx), size=min(4, len(idx)), replace=False)
        sparse = ([int(idx[t]) for t in take], [1.0] * len(take))
        filt = SearchFilters(report_ids=[p.payload["report_id"]]) if j % 2 else None
        out.append((d, sparse, filt))
    return out


def open_store(engine: str, folder: Path, exact: bool = False):
    """The app's store for ``engine``; edge also with HNSW (``exact=False``), to measure what
    approximate search would give (the app always searches exactly)."""
    from index.vectors import EdgeStore, QdrantStore

    if engine == "edge":
        return EdgeStore(folder / "edge", exact=exact)
    from index.settings import load_settings

    return QdrantStore(load_settings(data_dir=folder, vector_engine="qdrant"))


def run(engine: str, n: int, n_queries: int, folder: Path) -> dict:
    points = synthetic_points(n)
    queries = synthetic_queries(points, n_queries)
    res: dict = {"engine": engine, "n": n, "queries": n_queries}

    t0 = time.perf_counter()
    store = open_store(engine, folder)
    store.ensure(DIM)
    store.upsert(points)
    t1 = time.perf_counter()
    if hasattr(store, "optimize"):  # build the HNSW index the approximate runs below search
        store.optimize()
    t2 = time.perf_counter()
    res["upsert_s"], res["index_flush_s"], res["write_s"] = t1 - t0, t2 - t1, t2 - t0
    store.close()

    t0 = time.perf_counter()
    store = open_store(engine, folder)
    assert store.count() == n, "all points readable after reopen"
    res["reopen_s"] = time.perf_counter() - t0

    for name, sel in (("hybrid", lambda q: (q[0], q[1], None)),
                      ("hybrid_filter", lambda q: (q[0], q[1], q[2] or _any_report(q))),
                      ("dense", lambda q: (q[0], None, None))):
        store.search(*sel(queries[0]), k=K)  # warm caches
        times: list[float] = []
        budget = time.perf_counter() + BUDGET_S
        for q in queries:  # at least 10 queries, then stop when the time budget is spent
            t = time.perf_counter()
            store.search(*sel(q), k=K)
            times.append((time.perf_counter() - t) * 1000)
            if len(times) >= 10 and time.perf_counter() > budget:
                break
        res[f"{name}_timed"] = len(times)
        res[f"{name}_ms_p50"], res[f"{name}_ms_p95"] = pct(times, 50), pct(times, 95)

    # ids for the parity check (the parent compares engines)
    res["top_hybrid"] = [[h.id for h in store.search(d, s, None, k=K)] for d, s, _ in queries[:20]]
    res["top_dense"] = [[h.id for h in store.search(d, None, None, k=K)] for d, _, _ in queries[:20]]
    store.close()
    if engine == "edge":  # exact (brute-force) search, to tell HNSW approximation from real differences
        store = open_store(engine, folder, exact=True)
        for name, sparse_on in (("dense_exact", False), ("hybrid_exact", True)):
            times = []
            for d, s, _ in queries[:30]:
                t = time.perf_counter()
                store.search(d, s if sparse_on else None, None, k=K)
                times.append((time.perf_counter() - t) * 1000)
            res[f"{name}_ms_p50"], res[f"{name}_ms_p95"] = pct(times, 50), pct(times, 95)
        res["top_dense_exact"] = [[h.id for h in store.search(d, None, None, k=K)] for d, _, _ in queries[:20]]
        res["top_hybrid_exact"] = [[h.id for h in store.search(d, s, None, k=K)] for d, s, _ in queries[:20]]
        store.close()
    # Apparent size (as in earlier runs) and blocks really allocated: qdrant-edge preallocates
    # sparse WAL and mmap files (64 MiB of WAL alone).
    res["disk_mib"], res["disk_used_mib"] = disk_mib([f for f in folder.rglob("*") if f.is_file()])
    res["peak_rss_mib"] = peak_rss_mib()
    return res


def _any_report(q):
    from index.vectors import SearchFilters

    return SearchFilters(report_ids=[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["qdrant", "edge"], required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix=f"rqa-store-{args.engine}-"))
    try:
        res = run(args.engine, args.n, args.queries, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    args.out.write_text(json.dumps(res))


if __name__ == "__main__":
    main()
