"""Meaning as a second signal beside word overlap: the embedding model retrieval already loaded
(multilingual-e5-small) compares the asked phrase with each fact's name ("并不掌握申请人要的信息"
vs "本机关不掌握相关政府信息").  Name vectors are cached per process; a report's ~200 names cost
one batch the first time it is asked about.
"""
from __future__ import annotations

import threading

import numpy as np


class Semantic:
    def __init__(self, embedder, max_cached: int = 200_000):  # noqa: ANN001
        self.embedder = embedder
        self._vecs: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._max = max_cached

    def similarities(self, phrase: str, names: list[str]) -> dict[str, float]:
        """Cosine similarity of ``phrase`` (as a query) to each name (as a passage)."""
        names = [n for n in dict.fromkeys(names) if n]
        if not phrase or not names:
            return {}
        with self._lock:
            missing = [n for n in names if n not in self._vecs]
        if missing:
            vecs = np.asarray(self.embedder.embed_passages(missing), dtype=np.float32)
            with self._lock:
                if len(self._vecs) + len(missing) > self._max:
                    self._vecs.clear()
                self._vecs.update(zip(missing, vecs))
        q = np.asarray(self.embedder.embed_queries([phrase]), dtype=np.float32)[0]
        with self._lock:
            mat = np.stack([self._vecs[n] for n in names])
        sims = mat @ q / (np.linalg.norm(mat, axis=1) * (np.linalg.norm(q) or 1.0) + 1e-9)
        return dict(zip(names, map(float, sims)))


__all__ = ["Semantic"]
