"""BM25 term weights over jieba tokens, as sparse vectors for Qdrant.

Token ids come from a stable hash (crc32), so there is no vocabulary file to keep in step
with the index.  Documents carry the BM25 term-frequency part; the IDF part is applied by
Qdrant at query time (``SparseVectorParams(modifier=Modifier.IDF)``), so a query is just
weight 1 per unique token.
"""
from __future__ import annotations

import logging
import re
import threading
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

jieba.setLogLevel(logging.WARNING)
_init_lock = threading.Lock()
_initialized = False

# Function words that carry no retrieval signal in these reports.
STOPWORDS = frozenset(
    """的 了 和 与 及 或 在 是 对 等 为 并 将 也 中 其 之 以 于 被 由 这 那 该 此 各 我 我们 本 从 到 向
    把 给 上 下 内 里 所 就 都 而 且 又 还 即 则 如 若 按 经 通过 进行 有关 相关 一个 一些 年度 the a of""".split()
)
# Question words: they appear in questions, never in the answer text.
QUESTION_WORDS = frozenset(
    """多少 哪些 哪个 哪里 哪 是否 吗 呢 什么 几 几个 怎么 怎样 如何 请问 为什么 有没有 是不是 多少次 多少件 多少条 多少个""".split()
)

_WORDISH = re.compile(r"[\w\u4e00-\u9fff]")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _ensure_jieba() -> None:
    global _initialized
    if not _initialized:
        with _init_lock:
            if not _initialized:
                jieba.initialize()
                _initialized = True


def tokenize(text: str, drop: Iterable[str] = ()) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation or stopwords.

    Numbers stay tokens ("1,234" -> "1234", "84.18%" -> "84.18", "%").
    """
    _ensure_jieba()
    stop = STOPWORDS.union(drop)
    text = _THOUSANDS.sub("", text)
    out: list[str] = []
    for tok in jieba.lcut_for_search(text):
        tok = tok.strip().lower()
        if not tok or not _WORDISH.search(tok):
            continue
        if tok.endswith("%") and _NUMBER.match(tok[:-1]):
            out.append(tok[:-1])
            continue
        if tok not in stop:
            out.append(tok)
    return out


def token_id(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & 0x7FFFFFFF


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]

    def __bool__(self) -> bool:
        return bool(self.indices)


@dataclass
class SparseEncoder:
    """BM25 document weights ``tf*(k1+1)/(tf+k1*(1-b+b*len/avglen))`` with a fixed avglen."""

    k1: float = 1.2
    b: float = 0.75
    avglen: float = 120.0  # tokens in a typical 300-char chunk plus its context prefix

    def encode_document(self, text: str) -> SparseVec:
        tokens = tokenize(text)
        tf = self._by_id(tokens)
        norm = self.k1 * (1 - self.b + self.b * len(tokens) / self.avglen)
        items = sorted(tf.items())
        return SparseVec([i for i, _ in items], [f * (self.k1 + 1) / (f + norm) for _, f in items])

    def encode_documents(self, texts: Iterable[str]) -> list[SparseVec]:
        return [self.encode_document(t) for t in texts]

    def encode_query(self, text: str, drop: Iterable[str] = QUESTION_WORDS) -> SparseVec:
        ids = sorted(self._by_id(tokenize(text, drop)))
        return SparseVec(ids, [1.0] * len(ids))

    @staticmethod
    def _by_id(tokens: list[str]) -> Counter[int]:
        # Counting by id (not token) keeps indices unique even if two tokens collide.
        return Counter(token_id(t) for t in tokens)
