"""The vector store: one Qdrant collection of chunks with a dense ("dense", cosine) and a
sparse BM25 ("bm25", IDF applied by Qdrant) vector per point, searched hybrid with
reciprocal-rank fusion (k=60) through Qdrant's Query API (works in embedded mode too).

Embedded Qdrant (``QdrantClient(path=...)``) by default; a Qdrant server when
``settings.qdrant_url`` is set (``":memory:"`` there means qdrant-client's in-memory engine).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from qdrant_client import QdrantClient, models

K_RRF = 60
POINTS_PER_REPORT = 1_000_000
DENSE = "dense"
SPARSE = "bm25"
_INDEXED = {
    "report_id": models.PayloadSchemaType.INTEGER,
    "year": models.PayloadSchemaType.INTEGER,
    "body": models.PayloadSchemaType.KEYWORD,
    "region": models.PayloadSchemaType.KEYWORD,
}


def point_id(report_id: int, chunk_ord: int) -> int:
    """Deterministic point id, so re-indexing a report overwrites its points."""
    if not 0 <= chunk_ord < POINTS_PER_REPORT:
        raise ValueError(f"chunk ord out of range: {chunk_ord}")
    return report_id * POINTS_PER_REPORT + chunk_ord


@dataclass
class VectorPoint:
    id: int
    dense: np.ndarray | Sequence[float]
    sparse: Any  # SparseVec / qdrant SparseVector / (indices, values)
    payload: dict = field(default_factory=dict)


@dataclass
class SearchFilters:
    report_ids: list[int] | None = None
    body: str | None = None
    year: int | None = None


@dataclass
class VectorHit:
    id: int
    score: float
    payload: dict


@runtime_checkable
class VectorStore(Protocol):
    def ensure(self, dim: int) -> None: ...

    def upsert(self, points: list[VectorPoint]) -> None: ...

    def delete_report(self, report_id: int) -> None: ...

    def search(self, dense: np.ndarray, sparse: Any, filters: SearchFilters | None, k: int) -> list[VectorHit]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...


def sparse_vector(sv: Any, m: Any = models) -> Any:
    """A sparse vector in the point model ``m`` (qdrant-client's ``models``, or qdrant-edge, whose
    classes have the same names and fields), or None when it has no terms."""
    if sv is None:
        return None
    if isinstance(sv, m.SparseVector):
        return sv if len(sv.indices) else None
    indices, values = sv if isinstance(sv, tuple) else (sv.indices, sv.values)
    if len(indices) == 0:
        return None
    return m.SparseVector(indices=[int(i) for i in indices], values=[float(v) for v in values])


def search_filter(f: SearchFilters | None, m: Any = models) -> Any:
    """The payload filter for ``f`` in the point model ``m`` (see ``sparse_vector``)."""
    if f is None:
        return None
    must: list = []
    if f.report_ids is not None:
        must.append(m.FieldCondition(key="report_id", match=m.MatchAny(any=[int(r) for r in f.report_ids])))
    if f.body:
        must.append(m.FieldCondition(key="body", match=m.MatchValue(value=f.body)))
    if f.year is not None:
        must.append(m.FieldCondition(key="year", match=m.MatchValue(value=int(f.year))))
    return m.Filter(must=must) if must else None


_sparse, _filter = sparse_vector, search_filter


class QdrantStore:
    """``VectorStore`` on Qdrant (embedded folder or server)."""

    def __init__(self, settings):
        self.collection = settings.collection
        url = settings.qdrant_url
        self.remote = bool(url)
        if url == ":memory:":
            # qdrant-client's in-process engine behind the same API as a server (for tests of this path).
            self.client = QdrantClient(location=":memory:")
        elif url:
            self.client = QdrantClient(url=url, api_key=settings.qdrant_api_key or None)
        else:
            path = settings.qdrant_path
            path.mkdir(parents=True, exist_ok=True)
            try:
                self.client = QdrantClient(path=str(path))
            except RuntimeError as exc:
                if "already accessed" in str(exc):
                    raise RuntimeError(
                        f"the data folder {path} is in use by another reportqa process "
                        "(probably `reportqa serve`); stop it or use the HTTP API"
                    ) from exc
                raise

    # --- schema -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.client.collection_exists(self.collection)

    def dim(self) -> int | None:
        if not self.exists():
            return None
        vectors = self.client.get_collection(self.collection).config.params.vectors
        return vectors[DENSE].size if isinstance(vectors, dict) else None

    def ensure(self, dim: int) -> None:
        have = self.dim()
        if have is not None:
            if have != dim:
                raise RuntimeError(
                    f"vector collection {self.collection!r} holds {have}-d vectors but the embedder "
                    f"makes {dim}-d ones; to re-index after changing the embedder, ingest the reports again into a new data folder"
                )
            return
        self.client.create_collection(
            self.collection,
            vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        if self.remote:  # embedded Qdrant ignores payload indexes (and warns about them)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # ":memory:" says they have no effect there
                for key, schema in _INDEXED.items():
                    self.client.create_payload_index(self.collection, key, field_schema=schema)

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, points: list[VectorPoint], batch: int = 256) -> None:
        for i in range(0, len(points), batch):
            structs = []
            for p in points[i : i + batch]:
                vec: dict[str, Any] = {DENSE: np.asarray(p.dense, dtype=np.float32).tolist()}
                sv = _sparse(p.sparse)
                if sv is not None:
                    vec[SPARSE] = sv
                structs.append(models.PointStruct(id=int(p.id), vector=vec, payload=p.payload))
            self.client.upsert(self.collection, points=structs, wait=True)

    def delete_report(self, report_id: int) -> None:
        if not self.exists():
            return
        flt = models.Filter(must=[models.FieldCondition(key="report_id", match=models.MatchValue(value=int(report_id)))])
        self.client.delete(self.collection, points_selector=models.FilterSelector(filter=flt), wait=True)

    # --- reads ----------------------------------------------------------------------------

    def search(self, dense: np.ndarray, sparse: Any, filters: SearchFilters | None = None, k: int = 5) -> list[VectorHit]:
        if not self.exists():
            return []
        flt = _filter(filters)
        depth = max(4 * k, 20)
        dq = np.asarray(dense, dtype=np.float32).reshape(-1).tolist()
        sv = _sparse(sparse)
        if sv is None:
            res = self.client.query_points(
                self.collection, query=dq, using=DENSE, query_filter=flt, limit=k, with_payload=True
            )
        else:
            prefetch = [
                models.Prefetch(query=dq, using=DENSE, filter=flt, limit=depth),
                models.Prefetch(query=sv, using=SPARSE, filter=flt, limit=depth),
            ]
            res = self.client.query_points(
                self.collection, prefetch=prefetch, query=self._fusion(), query_filter=flt, limit=k, with_payload=True
            )
        return [VectorHit(id=int(p.id), score=float(p.score), payload=p.payload or {}) for p in res.points]

    @staticmethod
    def _fusion() -> models.Query:
        # RrfQuery lets us set k=60 (the classic constant); older clients only have FusionQuery.
        if hasattr(models, "RrfQuery"):
            return models.RrfQuery(rrf=models.Rrf(k=K_RRF))
        return models.FusionQuery(fusion=models.Fusion.RRF)

    def count(self, filters: SearchFilters | None = None) -> int:
        if not self.exists():
            return 0
        return self.client.count(self.collection, count_filter=_filter(filters), exact=True).count

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
            self.client = None  # type: ignore[assignment]

    def __enter__(self) -> QdrantStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def chunk_payload(report_id: int, source: str, meta, chunk) -> dict:
    """What a hit must carry to be cited without a SQL round-trip."""
    return {
        "report_id": int(report_id),
        "ord": chunk.ord,
        "section_path": " › ".join(chunk.section_path),
        "body": meta.body,
        "region": meta.region,
        "year": meta.year,
        "source": source,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
    }

