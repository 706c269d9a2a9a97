"""The vector store: one Qdrant collection of chunks with a dense ("dense", cosine) and a
sparse BM25 ("bm25", IDF applied by Qdrant) vector per point, searched hybrid with
reciprocal-rank fusion (k=60) over a dense and a sparse prefetch.

Two engines behind one ``VectorStore`` protocol, chosen by ``open_vector_store(settings)``:

* ``EdgeStore`` (default, ``vector_engine = "edge"``): qdrant-edge, Qdrant's Rust engine in the
  process, one shard folder at ``<data_dir>/vectors``. Searches exactly (brute force): at this
  project's sizes (<= 50k points) that is ~12 ms p50 hybrid and gives qdrant-client's dense results,
  where HNSW on 384-d lost recall (benchmarks/results.md).
* ``QdrantStore``: qdrant-client, for a Qdrant server or cluster (``settings.qdrant_url``;
  ``":memory:"`` there means qdrant-client's in-memory engine) and for ``vector_engine = "qdrant"``
  (qdrant-client's embedded mode at ``<data_dir>/qdrant``).

Both admit one process per data folder and say so with the same message (``in_use_error``).
"""
from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from qdrant_client import QdrantClient, models

log = logging.getLogger(__name__)

K_RRF = 60
ENGINES = ("edge", "qdrant")
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
    def exists(self) -> bool: ...

    def dim(self) -> int | None: ...

    def ensure(self, dim: int) -> None: ...

    def upsert(self, points: list[VectorPoint]) -> None: ...

    def delete_report(self, report_id: int) -> None: ...

    def search(self, dense: np.ndarray, sparse: Any, filters: SearchFilters | None, k: int) -> list[VectorHit]: ...

    def count(self, filters: SearchFilters | None = None) -> int: ...

    def close(self) -> None: ...


def in_use_error(path: Path | str) -> RuntimeError:
    """One message for a data folder held by another process, whichever engine holds it
    (ui/cli.py recognises it and prints it without a traceback)."""
    return RuntimeError(
        f"the data folder {path} is in use by another reportqa process "
        "(probably `reportqa serve`); stop it or use the HTTP API"
    )


def dim_mismatch_error(where: str, have: int, want: int) -> RuntimeError:
    return RuntimeError(
        f"{where} holds {have}-d vectors but the embedder makes {want}-d ones; to re-index after "
        "changing the embedder, ingest the reports again into a new data folder"
    )


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


def point_vectors(p: VectorPoint, m: Any = models) -> dict[str, Any]:
    """The named vectors of one point in the point model ``m``: dense always, sparse when it has terms."""
    vec: dict[str, Any] = {DENSE: np.asarray(p.dense, dtype=np.float32).tolist()}
    sv = sparse_vector(p.sparse, m)
    if sv is not None:
        vec[SPARSE] = sv
    return vec


def prefetch_depth(k: int) -> int:
    """Candidates each prefetch (dense, sparse) hands to the RRF fusion for a top-``k`` answer."""
    return max(4 * k, 20)


def has_dim(have: int | None, want: int, where: str) -> bool:
    """True when a store already holds ``want``-d vectors, False when it has none yet; a store of
    another size is an error (its vectors and the embedder's cannot be compared)."""
    if have is None:
        return False
    if have != want:
        raise dim_mismatch_error(where, have, want)
    return True


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
                    raise in_use_error(path) from exc
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
        if has_dim(self.dim(), dim, f"vector collection {self.collection!r}"):
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
            structs = [models.PointStruct(id=int(p.id), vector=point_vectors(p), payload=p.payload)
                       for p in points[i : i + batch]]
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
        depth = prefetch_depth(k)
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


class EdgeStore:
    """``VectorStore`` on qdrant-edge: one shard in the folder ``path``, created on ``ensure``.

    Exact search by default (see the module doc). Every upsert and delete is flushed before it
    returns, so a killed process loses at most the write in flight (the pipeline then purges the
    half-written report). One process at a time: an advisory lock on ``path/reportqa.lock`` is taken when
    the store opens, even before a shard exists, so ``reportqa serve`` on an empty folder holds it
    too (qdrant-edge's own WAL lock exists only while a shard is loaded).
    """

    LOCK = "reportqa.lock"
    CONFIG = "edge_config.json"  # written by EdgeShard.create: its presence means "a shard is here"
    INDEXED = {"report_id": "Integer", "year": "Integer", "body": "Keyword", "region": "Keyword"}

    def __init__(self, path: Path | str, exact: bool = True):
        import qdrant_edge as qe

        self.qe = qe
        self.path = Path(path)
        self.shard: Any = None
        self.params = qe.SearchParams(exact=True) if exact else None
        # IDF over the live points that have a sparse vector, as qdrant-client computes it. Without
        # a corpus, qdrant-edge counts deleted points until they are vacuumed, so every re-ingest
        # would skew BM25 (measured: other top hits after deleting 2 of the 5 sample reports).
        self.sparse_params = qe.SearchParams(
            exact=exact, idf=qe.IdfParams(corpus=qe.Filter(must=[qe.HasVectorCondition(SPARSE)])))
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = self._take_lock()
        try:
            if (self.path / self.CONFIG).is_file():
                self.shard = self._load()
        except BaseException:
            self._release_lock()
            raise

    # --- the folder lock --------------------------------------------------------------------

    def _take_lock(self) -> Any:
        # portalocker (a qdrant-client dependency, which locks its own folder with it) is
        # fcntl.flock on POSIX and msvcrt on Windows; imported here as qdrant-client does.
        import portalocker

        fh = open(self.path / self.LOCK, "a+")  # noqa: SIM115 - held open for the store's life
        try:
            portalocker.lock(fh, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException as exc:
            fh.close()
            raise in_use_error(self.path) from exc
        except BaseException:
            fh.close()
            raise
        return fh

    def _release_lock(self) -> None:
        fh, self._lock = getattr(self, "_lock", None), None
        if fh is not None:
            fh.close()  # closing the descriptor drops the flock

    def _load(self) -> Any:
        try:
            return self.qe.EdgeShard.load(str(self.path))
        except Exception as exc:  # qdrant-edge raises a bare Exception
            if "WouldBlock" in str(exc):  # its WAL lock: a process that ignores our lock file
                raise in_use_error(self.path) from exc
            raise RuntimeError(f"cannot open the vector store at {self.path}: {exc}") from exc

    # --- schema -------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.shard is not None

    def dim(self) -> int | None:
        if self.shard is None:
            return None
        cfg = json.loads((self.path / self.CONFIG).read_text(encoding="utf-8"))
        return int(cfg["vectors"][DENSE]["size"])

    def ensure(self, dim: int) -> None:
        if has_dim(self.dim(), dim, f"vector store {self.path}"):
            return
        qe = self.qe
        cfg = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        self.shard = qe.EdgeShard.create(str(self.path), cfg)
        # Payload indexes let a filtered search visit only the matching points.
        for key, schema in self.INDEXED.items():
            self.shard.update(qe.UpdateOperation.create_field_index(key, getattr(qe.PayloadSchemaType, schema)))
        self.shard.flush()

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, points: list[VectorPoint], batch: int = 256) -> None:
        if not points:
            return
        if self.shard is None:
            raise RuntimeError("call ensure(dim) before upsert")
        qe = self.qe
        for i in range(0, len(points), batch):
            structs = [qe.Point(id=int(p.id), vector=point_vectors(p, qe), payload=p.payload)
                       for p in points[i : i + batch]]
            self.shard.update(qe.UpdateOperation.upsert_points(structs))
        self.shard.flush()

    def delete_report(self, report_id: int) -> None:
        if self.shard is None:
            return
        flt = search_filter(SearchFilters(report_ids=[int(report_id)]), self.qe)
        # The pipeline deletes before every write; skip the flush when there is nothing to delete.
        if not self.shard.count(self.qe.CountRequest(exact=True, filter=flt)):
            return
        self.shard.update(self.qe.UpdateOperation.delete_points_by_filter(flt))
        self.shard.flush()

    def optimize(self) -> bool:
        """Merge segments, drop deleted points and build the HNSW index (seconds per 10k points:
        never done on the write path; exact search does not need it)."""
        if self.shard is None:
            return False
        changed = bool(self.shard.optimize())
        self.shard.flush()
        return changed

    # --- reads ----------------------------------------------------------------------------

    def search(self, dense: np.ndarray, sparse: Any, filters: SearchFilters | None = None, k: int = 5) -> list[VectorHit]:
        if self.shard is None:
            return []
        qe = self.qe
        flt = search_filter(filters, qe)
        depth = prefetch_depth(k)
        dq = np.asarray(dense, dtype=np.float32).reshape(-1).tolist()
        sv = sparse_vector(sparse, qe)
        if sv is None:
            req = qe.QueryRequest(limit=k, query=qe.Query.Nearest(dq, using=DENSE), filter=flt,
                                  with_payload=True, params=self.params)
        else:
            req = qe.QueryRequest(
                limit=k,
                prefetches=[
                    qe.Prefetch(limit=depth, query=qe.Query.Nearest(dq, using=DENSE), filter=flt, params=self.params),
                    qe.Prefetch(limit=depth, query=qe.Query.Nearest(sv, using=SPARSE), filter=flt,
                                params=self.sparse_params),
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
        return int(self.shard.count(self.qe.CountRequest(exact=True, filter=search_filter(filters, self.qe))))

    def close(self) -> None:
        shard, self.shard = self.shard, None
        try:
            if shard is not None:
                shard.flush()
                shard.close()
        finally:
            self._release_lock()

    def __enter__(self) -> EdgeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def has_legacy_qdrant(settings) -> bool:  # noqa: ANN001
    """A data folder written by qdrant-client's embedded mode (before qdrant-edge was the default)."""
    return (settings.qdrant_path / "collection" / settings.collection).is_dir()


def open_vector_store(settings) -> VectorStore:  # noqa: ANN001
    """The store ``settings`` ask for: a Qdrant server (``qdrant_url``), else the embedded engine
    named by ``vector_engine``. A folder that holds only an old qdrant-client store keeps working."""
    engine = settings.vector_engine.strip().lower()
    if engine not in ENGINES:
        raise ValueError(f"unknown vector_engine {settings.vector_engine!r}: use one of {', '.join(ENGINES)}")
    if settings.qdrant_url or engine == "qdrant":
        return QdrantStore(settings)
    if not settings.vectors_path.exists() and has_legacy_qdrant(settings):
        log.warning(
            "%s holds a qdrant-client vector store from an older reportqa; using it. qdrant-edge (now the "
            "default) is faster: ingest the reports again into a new data folder, or set "
            'vector_engine = "qdrant" (REPORTQA_VECTOR_ENGINE=qdrant) to keep this one and silence this warning',
            settings.data_dir,
        )
        return QdrantStore(settings)
    return EdgeStore(settings.vectors_path)


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

