"""Hybrid passage retrieval (dense + BM25, fused by RRF) and sentence-level selection.

A small component with explicit inputs and outputs: question (+ filters) in, ranked
``Passage`` records out; ``best_sentences`` picks the exact spans an extractive answer quotes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunks import split_units
from index.embeddings import Embedder
from index.sparse import QUESTION_WORDS, SparseEncoder, tokenize
from index.vectors import SearchFilters, VectorHit, VectorStore

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_ASKS_NUMBER = re.compile(r"多少|几|数量|数目|比例|占比|百分|金额|费用")
# A figure other than a year: "70件", "84.18", but not "2017年".
_FIGURE = re.compile(r"(?<![\d.])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?(?![\d.])")
_NUMERALS = "一二三四五六七八九十"
# Enumeration markers as reports write them: 一是/二是, 第一,/第二,, (一)/(二); {} is the numeral.
_MARKERS = ("{}是", "第{}[,、,:]", "[((]{}[))]")
_ENUM_CAP = 600  # longest quote an enumeration may grow to, in characters


@dataclass
class Passage:
    report_id: int
    source: str
    section_path: str  # " › "-joined heading path
    text: str  # exact report.text[start:end]
    start: int
    end: int
    score: float
    body: str = ""
    year: int | None = None

    @classmethod
    def from_hit(cls, hit: VectorHit) -> Passage:
        p = hit.payload
        return cls(
            report_id=int(p.get("report_id", -1)),
            source=p.get("source", ""),
            section_path=p.get("section_path", ""),
            text=p.get("text", ""),
            start=int(p.get("start", 0)),
            end=int(p.get("end", 0)),
            score=hit.score,
            body=p.get("body", ""),
            year=p.get("year"),
        )


def strip_question_words(question: str) -> str:
    """The question without interrogatives, which never occur in the answering text."""
    for w in sorted(QUESTION_WORDS, key=len, reverse=True):
        question = question.replace(w, " ")
    return question


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1)}


class Retriever:
    def __init__(self, store: VectorStore, embedder: Embedder, sparse: SparseEncoder | None = None):
        self.store = store
        self.embedder = embedder
        self.sparse = sparse or SparseEncoder()

    def search(self, question: str, filters: SearchFilters | None = None, k: int = 5) -> list[Passage]:
        dense = self.embedder.embed_queries([question])[0]  # the embedder adds "query: "
        sparse = self.sparse.encode_query(strip_question_words(question))
        hits = self.store.search(dense, sparse, filters, k)
        return [Passage.from_hit(h) for h in hits]

    def best_sentences(self, question: str, passages: list[Passage], n: int = 3) -> list[tuple[Passage, int, int]]:
        """Top ``n`` sentences (or flattened table rows) of ``passages``; offsets are into the report text.

        A unit scores by query-term overlap (jieba tokens and CJK bigrams), plus a share of the
        unit before it (a table row's meaning is often in the header row above), plus passage
        rank, plus a bonus when the question asks for a figure and the unit holds a non-year number.
        Terms that only name the report (its body, its year) are ignored: every sentence of the
        right report shares them, and a title line would otherwise win.
        """
        q = strip_question_words(question)
        wants_number = bool(_ASKS_NUMBER.search(question))
        scored: list[tuple[float, int, Passage, int, int]] = []
        for rank, p in enumerate(passages):
            naming = f"{p.body} {p.year or ''}"
            q_tokens = {t for t in tokenize(q) if t not in naming}
            q_bigrams = {b for b in _bigrams(q) if b not in naming}
            prev = 0.0
            for s, e in split_units(p.text, 0, len(p.text)):
                sent = p.text[s:e]
                overlap = (len(q_tokens & set(tokenize(sent))) / len(q_tokens) if q_tokens else 0.0) + (
                    len(q_bigrams & _bigrams(sent)) / len(q_bigrams) if q_bigrams else 0.0
                )
                score = (
                    overlap
                    + 0.3 * prev
                    + 0.3 / (rank + 1)
                    + (0.3 if wants_number and _FIGURE.search(sent) else 0.0)
                )
                prev = overlap
                scored.append((score, -rank, p, p.start + s, p.start + e))
        scored.sort(key=lambda t: (t[0], t[1], -t[3]), reverse=True)
        out: list[tuple[Passage, int, int]] = []
        for _, _, p, s, e in scored:
            e = extend_enumeration(p, s, e)
            if any(o[0].report_id == p.report_id and s < o[2] and o[1] < e for o in out):
                continue  # overlapping chunks of one report can repeat a sentence
            out.append((p, s, e))
            if len(out) == n:
                break
        return out


def extend_enumeration(p: Passage, s: int, e: int) -> int:
    """The end of the span [s, e) grown over the items an enumeration it starts lists.

    "一是公开信息量不够。…;二是宣传不足…;三是…影响实效。": quoting only the sentence holding 一是
    answers "存在哪些问题" with one problem of three. The span grows, inside the passage, to the end
    of the sentence holding the last of 二是, 三是, … found in order (at most ``_ENUM_CAP`` chars)."""
    text, off = p.text, p.start
    sent = text[s - off:e - off]
    for form in _MARKERS:
        if not re.search(form.format("一"), sent):
            continue
        pos, last = e - off, None
        for numeral in _NUMERALS[1:]:
            m = re.compile(form.format(numeral)).search(text, pos)
            if m is None or m.start() - (s - off) > _ENUM_CAP:
                break
            pos = last = m.end()
        if last is None:
            return e
        for us, ue in split_units(text, 0, len(text)):
            if us < last <= ue:
                return max(e, off + ue) if ue - (s - off) <= _ENUM_CAP else e
        return e
    return e
