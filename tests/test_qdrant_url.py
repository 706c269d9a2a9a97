"""The Qdrant-server code path of QdrantStore (``REPORTQA_QDRANT_URL``), as ``open_vector_store`` picks it.

No Qdrant server installs here, so these tests drive the url path with ``":memory:"``: qdrant-client's
in-process engine behind the same client API a server answers (collection with named dense + sparse
vectors, payload indexes, Query API hybrid search, filtered delete).
"""
from __future__ import annotations

import socket
import warnings
from pathlib import Path

import numpy as np
import pytest

from index.settings import load_settings
from index.sparse import SparseEncoder
from index.vectors import QdrantStore, SearchFilters, VectorPoint, VectorStore, open_vector_store, point_id

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
    out = []
    for i, (rid, year, body, text) in enumerate(DOCS):
        ord_ = sum(1 for d in DOCS[:i] if d[0] == rid)
        out.append(VectorPoint(id=point_id(rid, ord_), dense=_vec(i), sparse=ENC.encode_document(text),
                               payload={"report_id": rid, "ord": ord_, "year": year, "body": body, "text": text}))
    return out


@pytest.fixture
def store(tmp_path: Path):
    st = open_vector_store(load_settings(data_dir=tmp_path, qdrant_url=":memory:", collection="test_chunks"))
    assert type(st) is QdrantStore, "a qdrant_url goes through qdrant-client, whatever vector_engine says"
    st.ensure(DIM)
    st.upsert(_points())
    yield st
    st.close()


def test_memory_url_takes_the_server_path(store: QdrantStore, tmp_path: Path) -> None:
    assert isinstance(store, VectorStore)
    assert store.remote, "a qdrant_url (even ':memory:') must take the server code path"
    assert store.collection == "test_chunks" and store.exists() and store.dim() == DIM
    for folder in ("qdrant", "vectors"):
        assert not (tmp_path / folder).exists(), f"the embedded folder {folder}/ must not be created"


def test_env_variable_selects_the_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPORTQA_QDRANT_URL", ":memory:")
    monkeypatch.setenv("REPORTQA_COLLECTION", "from_env")
    monkeypatch.setenv("REPORTQA_VECTOR_ENGINE", "edge")
    settings = load_settings(data_dir=tmp_path)
    with open_vector_store(settings) as st:
        assert type(st) is QdrantStore
        assert st.remote and st.collection == "from_env" and not st.exists()
        st.ensure(DIM)
        assert st.client.collection_exists("from_env")


def test_upsert_is_idempotent_and_ensure_checks_dim(store: QdrantStore) -> None:
    assert store.count() == len(DOCS)
    store.upsert(_points())  # same deterministic ids: overwrite, not duplicate
    assert store.count() == len(DOCS)
    store.ensure(DIM)  # existing collection of the right size: no-op
    with pytest.raises(RuntimeError, match="re-index"):
        store.ensure(DIM + 1)


@pytest.mark.parametrize("filters, expected_reports", [
    (None, {1, 2, 3}),
    (SearchFilters(report_ids=[2]), {2}),
    (SearchFilters(report_ids=[1, 3]), {1, 3}),
    (SearchFilters(year=2016), {1}),
    (SearchFilters(body="让胡路区人民政府"), {3}),
    (SearchFilters(body="海陵区政府", year=2017), {2}),
])
def test_filtered_hybrid_search(store: QdrantStore, filters: SearchFilters | None, expected_reports: set[int]) -> None:
    hits = store.search(_vec(2), ENC.encode_query("收到政府信息公开申请"), filters, k=10)
    assert {h.payload["report_id"] for h in hits} == expected_reports
    assert store.count(filters) == len(hits)


def test_dense_query_finds_its_own_point(store: QdrantStore) -> None:
    for i, p in enumerate(_points()):
        hits = store.search(_vec(i), None, None, k=1)  # empty sparse: dense-only query
        assert hits[0].id == p.id and hits[0].score == pytest.approx(1.0, abs=1e-4)


def test_sparse_terms_pull_the_matching_point_up(store: QdrantStore) -> None:
    hits = store.search(_vec(0), ENC.encode_query("行政诉讼5件"), None, k=3)
    assert point_id(2, 1) in [h.id for h in hits]


def test_delete_report_removes_only_its_points(store: QdrantStore) -> None:
    store.delete_report(2)
    assert store.count() == 3
    assert store.count(SearchFilters(report_ids=[2])) == 0
    assert {h.payload["report_id"] for h in store.search(_vec(2), None, None, k=10)} == {1, 3}
    store.delete_report(99)  # unknown report: nothing happens
    assert store.count() == 3


def test_a_real_server_url_builds_a_remote_client_and_fails_clearly_when_down(tmp_path: Path) -> None:
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with warnings.catch_warnings(record=True) as caught:  # also "cannot check the server version": none runs
        warnings.simplefilter("always")
        st = QdrantStore(load_settings(data_dir=tmp_path, qdrant_url=f"http://127.0.0.1:{port}",
                                       qdrant_api_key="secret"))
    # qdrant-client flags an api key over plain http: the key did reach the client
    assert any("insecure" in str(w.message) for w in caught)
    try:
        assert st.remote and type(st.client._client).__name__ == "QdrantRemote"
        with pytest.raises(Exception, match="(?i)refused|connect"):
            st.exists()
    finally:
        st.close()
    assert not (tmp_path / "qdrant").exists()
