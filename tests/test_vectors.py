"""Both embedded vector stores (qdrant-edge, the default, and qdrant-client's embedded mode), opened
the way the app opens them (``open_vector_store``): schema, upsert, filters, delete, persistence,
the folder lock, and the factory's choice of engine."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.settings import load_settings
from index.sparse import SparseEncoder
from index.vectors import (EdgeStore, QdrantStore, SearchFilters, VectorPoint, VectorStore, open_vector_store,
                           point_id)

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
# (vector_engine, the class it opens, its folder under data_dir)
ENGINES = [("edge", EdgeStore, "vectors"), ("qdrant", QdrantStore, "qdrant")]


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


def _settings(tmp_path: Path, engine: str):
    return load_settings(data_dir=tmp_path, vector_engine=engine)


@pytest.fixture(params=[e[0] for e in ENGINES])
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(tmp_path: Path, engine: str):
    s = open_vector_store(_settings(tmp_path, engine))
    s.ensure(DIM)
    s.upsert(_points())
    yield s
    s.close()


def test_point_ids_are_deterministic() -> None:
    assert point_id(3, 17) == 3_000_017
    assert point_id(3, 17) != point_id(17, 3)
    with pytest.raises(ValueError):
        point_id(1, 1_000_000)


def test_upsert_count_and_idempotence(store: VectorStore) -> None:
    assert isinstance(store, VectorStore)
    assert store.count() == 5
    store.upsert(_points())  # same ids overwrite, never duplicate
    assert store.count() == 5
    store.ensure(DIM)  # ensure on an existing collection is a no-op
    assert store.count() == 5
    store.upsert([])  # nothing to write is not an error
    assert store.exists() and store.dim() == DIM


@pytest.mark.parametrize("filters,expected_reports", [
    (None, {1, 2, 3}),
    (SearchFilters(year=2017), {2, 3}),
    (SearchFilters(report_ids=[1]), {1}),
    (SearchFilters(report_ids=[1, 3]), {1, 3}),
    (SearchFilters(body="让胡路区人民政府"), {3}),
    (SearchFilters(year=2017, body="海陵区政府"), {2}),
    (SearchFilters(year=2030), set()),
])
def test_search_filters(store: VectorStore, filters: SearchFilters | None, expected_reports: set[int]) -> None:
    hits = store.search(_vec(0), ENC.encode_query("政府信息公开申请"), filters, k=10)
    assert {h.payload["report_id"] for h in hits} == expected_reports


def test_hybrid_uses_sparse_terms(store: VectorStore) -> None:
    # The dense query points at doc 0, but BM25 matches only doc 4's rare terms: both are fused in.
    hits = store.search(_vec(0), ENC.encode_query("让胡路区受理"), None, k=5)
    ids = [h.id for h in hits]
    assert point_id(3, 0) in ids[:2] and point_id(1, 0) in ids[:2]
    assert all(h.score > 0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_dense_only_when_query_has_no_terms(store: VectorStore) -> None:
    hits = store.search(_vec(2), ENC.encode_query("?"), None, k=1)
    assert hits[0].id == point_id(2, 0)
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)  # cosine with itself


def test_delete_report(store: VectorStore) -> None:
    store.delete_report(2)
    assert store.count() == 3
    assert store.count(SearchFilters(report_ids=[2])) == 0
    hits = store.search(_vec(2), ENC.encode_query("2017年 申请"), None, k=10)
    assert 2 not in {h.payload["report_id"] for h in hits}
    store.delete_report(99)  # unknown report: nothing happens
    assert store.count() == 3


def test_reopen_keeps_points(tmp_path: Path, engine: str) -> None:
    settings = _settings(tmp_path, engine)
    with open_vector_store(settings) as s:
        s.ensure(DIM)
        s.upsert(_points())
        s.delete_report(3)
    with open_vector_store(settings) as s:
        assert s.count() == 4 and s.count(SearchFilters(report_ids=[3])) == 0
        assert s.dim() == DIM
        hits = s.search(_vec(3), ENC.encode_query("行政诉讼"), SearchFilters(report_ids=[2]), k=1)
        assert hits[0].payload["text"] == DOCS[3][3]


def test_second_open_gets_a_clear_error(tmp_path: Path, engine: str) -> None:
    # Both locks are per open file, so a second open in this process is refused as another
    # process would be (tests/test_edge_store.py checks real second processes).
    settings = _settings(tmp_path, engine)
    with open_vector_store(settings):
        with pytest.raises(RuntimeError, match=r"in use by another reportqa process.*reportqa serve"):
            open_vector_store(settings)
    open_vector_store(settings).close()  # released on close


def test_dimension_mismatch_is_refused(store: VectorStore) -> None:
    with pytest.raises(RuntimeError, match="re-index"):
        store.ensure(DIM + 1)


def test_empty_store(tmp_path: Path, engine: str) -> None:
    with open_vector_store(_settings(tmp_path, engine)) as s:
        assert not s.exists() and s.dim() is None and s.count() == 0
        assert s.search(_vec(0), ENC.encode_query("申请"), None, k=3) == []
        s.delete_report(1)


# --- the factory ---------------------------------------------------------------------------

@pytest.mark.parametrize("engine, cls, folder", ENGINES)
def test_factory_opens_the_named_engine_in_its_folder(tmp_path: Path, engine: str, cls: type, folder: str) -> None:
    with open_vector_store(_settings(tmp_path, engine)) as s:
        assert type(s) is cls and isinstance(s, VectorStore)
        s.ensure(DIM)
    others = {f for _, _, f in ENGINES} - {folder}
    assert (tmp_path / folder).is_dir() and not any((tmp_path / o).exists() for o in others)


def test_edge_is_the_default_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORTQA_VECTOR_ENGINE", raising=False)
    monkeypatch.delenv("REPORTQA_QDRANT_URL", raising=False)
    with open_vector_store(load_settings(data_dir=tmp_path)) as s:
        assert type(s) is EdgeStore


@pytest.mark.parametrize("engine", ["edge", "qdrant"])
def test_a_url_always_means_qdrant_client(tmp_path: Path, engine: str) -> None:
    with open_vector_store(load_settings(data_dir=tmp_path, vector_engine=engine, qdrant_url=":memory:")) as s:
        assert type(s) is QdrantStore and s.remote
    assert not (tmp_path / "vectors").exists() and not (tmp_path / "qdrant").exists()


@pytest.mark.parametrize("engine", ["lance", "", "qdrant-edge"])
def test_unknown_engine_is_refused_with_the_choices(tmp_path: Path, engine: str) -> None:
    with pytest.raises(ValueError, match=r"vector_engine.*edge, qdrant"):
        open_vector_store(_settings(tmp_path, engine))


def test_engine_name_is_case_insensitive(tmp_path: Path) -> None:
    with open_vector_store(_settings(tmp_path, " Qdrant ")) as s:
        assert type(s) is QdrantStore


def test_old_qdrant_client_folder_keeps_working_with_a_warning(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    # A data folder from before qdrant-edge was the default: only <data_dir>/qdrant holds vectors.
    with open_vector_store(_settings(tmp_path, "qdrant")) as s:
        s.ensure(DIM)
        s.upsert(_points())
    with caplog.at_level("WARNING", logger="index.vectors"):
        with open_vector_store(_settings(tmp_path, "edge")) as s:
            assert type(s) is QdrantStore and s.count() == 5
    assert "new data folder" in caplog.text and 'vector_engine = "qdrant"' in caplog.text
    assert not (tmp_path / "vectors").exists()


@pytest.mark.parametrize("old_store, vectors_folder", [
    (False, False),  # a new data folder
    (False, True),
    (True, True),  # both: the edge folder was made after the old store, so it is the live one
])
def test_edge_is_used_unless_only_an_old_store_is_there(tmp_path: Path, old_store: bool,
                                                         vectors_folder: bool, caplog: pytest.LogCaptureFixture) -> None:
    if old_store:
        with open_vector_store(_settings(tmp_path, "qdrant")) as s:
            s.ensure(DIM)
    else:
        (tmp_path / "qdrant").mkdir()  # an empty qdrant-client folder is no store to keep
    if vectors_folder:
        (tmp_path / "vectors").mkdir()
    with caplog.at_level("WARNING", logger="index.vectors"):
        with open_vector_store(_settings(tmp_path, "edge")) as s:
            assert type(s) is EdgeStore
    assert "older reportqa" not in caplog.text
