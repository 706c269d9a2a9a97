"""Embedded Qdrant store: schema, upsert, filters, delete, persistence, the folder lock."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.settings import load_settings
from index.sparse import SparseEncoder
from index.vectors import QdrantStore, SearchFilters, VectorPoint, VectorStore, point_id

DIM = 8
ENC = SparseEncoder()
# (report_id, year, body, text)
DOCS = [
    (1, 2016, "海陵区政府", "2016年全区共收到政府信息公开申请52件。"),
    (1, 2016, "海陵区政府", "2016年行政复议2件,行政诉讼1件。"),
    (2, 2017, "海陵区政府", "2017年全区共收到政府信息公开申请70件。"),
    (2, 2017, "海陵区政府", "2017年行政复议3件,行政诉讼5件。"),
    (3, 2017, "让胡路区人民政府", "让胡路区共受理政府信息公开申请54条。"),
]


def _vec(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def _points() -> list[VectorPoint]:
    pts = []
    for i, (rid, year, body, text) in enumerate(DOCS):
        ord_ = sum(1 for d in DOCS[:i] if d[0] == rid)
        pts.append(VectorPoint(
            id=point_id(rid, ord_), dense=_vec(i), sparse=ENC.encode_document(text),
            payload={"report_id": rid, "ord": ord_, "year": year, "body": body, "region": "", "text": text,
                     "source": f"r{rid}.txt", "section_path": "", "start": 0, "end": len(text)},
        ))
    return pts


@pytest.fixture
def store(tmp_path: Path):
    s = QdrantStore(load_settings(data_dir=tmp_path))
    s.ensure(DIM)
    s.upsert(_points())
    yield s
    s.close()


def test_point_ids_are_deterministic() -> None:
    assert point_id(3, 17) == 3_000_017
    assert point_id(3, 17) != point_id(17, 3)
    with pytest.raises(ValueError):
        point_id(1, 1_000_000)


def test_upsert_count_and_idempotence(store: QdrantStore) -> None:
    assert isinstance(store, VectorStore)
    assert store.count() == 5
    store.upsert(_points())  # same ids overwrite, never duplicate
    assert store.count() == 5
    store.ensure(DIM)  # ensure on an existing collection is a no-op
    assert store.count() == 5


@pytest.mark.parametrize("filters,expected_reports", [
    (None, {1, 2, 3}),
    (SearchFilters(year=2017), {2, 3}),
    (SearchFilters(report_ids=[1]), {1}),
    (SearchFilters(report_ids=[1, 3]), {1, 3}),
    (SearchFilters(body="让胡路区人民政府"), {3}),
    (SearchFilters(year=2017, body="海陵区政府"), {2}),
    (SearchFilters(year=2030), set()),
])
def test_search_filters(store: QdrantStore, filters: SearchFilters | None, expected_reports: set[int]) -> None:
    hits = store.search(_vec(0), ENC.encode_query("政府信息公开申请"), filters, k=10)
    assert {h.payload["report_id"] for h in hits} == expected_reports


def test_hybrid_uses_sparse_terms(store: QdrantStore) -> None:
    # The dense query points at doc 0, but BM25 matches only doc 4's rare terms: both are fused in.
    hits = store.search(_vec(0), ENC.encode_query("让胡路区受理"), None, k=5)
    ids = [h.id for h in hits]
    assert point_id(3, 0) in ids[:2] and point_id(1, 0) in ids[:2]
    assert all(h.score > 0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_dense_only_when_query_has_no_terms(store: QdrantStore) -> None:
    hits = store.search(_vec(2), ENC.encode_query("?"), None, k=1)
    assert hits[0].id == point_id(2, 0)
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)  # cosine with itself


def test_delete_report(store: QdrantStore) -> None:
    store.delete_report(2)
    assert store.count() == 3
    assert store.count(SearchFilters(report_ids=[2])) == 0
    hits = store.search(_vec(2), ENC.encode_query("2017年 申请"), None, k=10)
    assert 2 not in {h.payload["report_id"] for h in hits}
    store.delete_report(99)  # unknown report: nothing happens
    assert store.count() == 3


def test_reopen_keeps_points(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    with QdrantStore(settings) as s:
        s.ensure(DIM)
        s.upsert(_points())
    with QdrantStore(settings) as s:
        assert s.count() == 5
        assert s.dim() == DIM
        hits = s.search(_vec(3), ENC.encode_query("行政诉讼"), SearchFilters(report_ids=[2]), k=1)
        assert hits[0].payload["text"] == DOCS[3][3]


def test_second_process_gets_a_clear_error(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    with QdrantStore(settings):
        with pytest.raises(RuntimeError, match=r"in use by another reportqa process.*reportqa serve"):
            QdrantStore(settings)


def test_dimension_mismatch_is_refused(store: QdrantStore) -> None:
    with pytest.raises(RuntimeError, match="re-index"):
        store.ensure(DIM + 1)


def test_empty_store(tmp_path: Path) -> None:
    with QdrantStore(load_settings(data_dir=tmp_path)) as s:
        assert s.count() == 0
        assert s.search(_vec(0), ENC.encode_query("申请"), None, k=3) == []
        s.delete_report(1)
