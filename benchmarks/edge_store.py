"""``VectorStore`` on qdrant-edge (Qdrant's in-process Rust engine, ``pip install qdrant-edge-py``).

Same schema and query as ``index.vectors.QdrantStore``: a named dense vector (cosine) and a
named sparse BM25 vector with Qdrant's IDF modifier, fused by RRF (k=60) over two prefetches.
Kept in benchmarks/ until the project picks its default engine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from index.vectors import DENSE, K_RRF, SPARSE, SearchFilters, VectorHit, VectorPoint, search_filter, sparse_vector

_INDEXED = {
    "report_id": qe.PayloadSchemaType.Integer,
    "year": qe.PayloadSchemaType.Integer,
    "body": qe.PayloadSchemaType.Keyword,
    "region": qe.PayloadSchemaType.Keyword,
}


def _sparse(sv: Any) -> qe.SparseVector | None:
    return sparse_vector(sv, qe)


def _filter(f: SearchFilters | None) -> qe.Filter | None:
    return search_filter(f, qe)


class EdgeStore:
    """One qdrant-edge shard in ``path`` (created on ``ensure``)."""

    def __init__(self, path: Path, exact: bool = False):
        self.path = Path(path)
        self.shard: qe.EdgeShard | None = None
        self.params = qe.SearchParams(exact=True) if exact else None
        if self.path.is_dir() and any(self.path.iterdir()):
            try:
                self.shard = qe.EdgeShard.load(str(self.path))
            except Exception:  # noqa: BLE001 - an empty/foreign folder: create on ensure()
                self.shard = None

    def ensure(self, dim: int) -> None:
        if self.shard is not None:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        cfg = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        self.shard = qe.EdgeShard.create(str(self.path), cfg)
        for key, schema in _INDEXED.items():
            self.shard.update(qe.UpdateOperation.create_field_index(key, schema))

    def upsert(self, points: list[VectorPoint], batch: int = 256) -> None:
        assert self.shard is not None, "call ensure(dim) first"
        for i in range(0, len(points), batch):
            structs = []
            for p in points[i : i + batch]:
                vec: dict[str, Any] = {DENSE: np.asarray(p.dense, dtype=np.float32).tolist()}
                sv = _sparse(p.sparse)
                if sv is not None:
                    vec[SPARSE] = sv
                structs.append(qe.Point(id=int(p.id), vector=vec, payload=p.payload))
            self.shard.update(qe.UpdateOperation.upsert_points(structs))

    def flush(self, optimize: bool = True) -> None:
        """Persist, and build the HNSW/payload indexes now rather than on a later query."""
        if self.shard is None:
            return
        if optimize:
            self.shard.optimize()
        self.shard.flush()

    def delete_report(self, report_id: int) -> None:
        if self.shard is None:
            return
        flt = qe.Filter(must=[qe.FieldCondition(key="report_id", match=qe.MatchValue(value=int(report_id)))])
        self.shard.update(qe.UpdateOperation.delete_points_by_filter(flt))

    def search(self, dense: np.ndarray, sparse: Any, filters: SearchFilters | None = None, k: int = 5) -> list[VectorHit]:
        if self.shard is None:
            return []
        flt = _filter(filters)
        depth = max(4 * k, 20)
        dq = np.asarray(dense, dtype=np.float32).reshape(-1).tolist()
        sv = _sparse(sparse)
        if sv is None:
            req = qe.QueryRequest(limit=k, query=qe.Query.Nearest(dq, using=DENSE), filter=flt,
                                  with_payload=True, params=self.params)
        else:
            req = qe.QueryRequest(
                limit=k,
                prefetches=[
                    qe.Prefetch(limit=depth, query=qe.Query.Nearest(dq, using=DENSE), filter=flt, params=self.params),
                    qe.Prefetch(limit=depth, query=qe.Query.Nearest(sv, using=SPARSE), filter=flt, params=self.params),
                ],
                query=qe.Fusion.Rrf(k=K_RRF),
                filter=flt,
                with_payload=True,
            )
        return [VectorHit(id=int(p.id), score=float(p.score), payload=dict(p.payload or {}))
                for p in self.shard.query(req)]

    def count(self, filters: SearchFilters | None = None) -> int:
        if self.shard is None:
            return 0
        return int(self.shard.count(qe.CountRequest(exact=True, filter=_filter(filters))))

    def close(self) -> None:
        if self.shard is not None:
            self.shard.flush()
            self.shard.close()
            self.shard = None

    def __enter__(self) -> EdgeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
