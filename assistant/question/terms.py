"""Label terms: the content words of a question (what is left once report names, years, numbers and question
words go), cut by jieba with the catalogue's and terms.yaml's domain words kept whole. They find prose facts
the catalogue has no name for."""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from assistant.question.catalogue import get, memo
from assistant.question.cues import MEASURE, NAME_TAIL, NUMBER_UNITS, UNITS, alternation
from assistant.question.text import CJK, normalize
from assistant.question.years import YEAR_MENTION

DATA_PATH = Path(__file__).with_name("terms.yaml")


@functools.lru_cache(maxsize=1)
def _terms_data() -> dict:
    return yaml.safe_load(DATA_PATH.read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _stop() -> re.Pattern[str]:
    """Words stripped before extracting content keywords (terms.yaml's stop_words)."""
    return re.compile(f"(?:{alternation(_terms_data()['stop_words']['words'])})")


def content_of(q: str, mentions: list[str]) -> str:
    """``q`` without its report names, years, numbers with their units, 多少/几 + unit, and punctuation."""
    for m in sorted(mentions, key=len, reverse=True):
        q = q.replace(m, " ")
    q = YEAR_MENTION.sub(" ", q)
    q = re.sub(rf"\d+(?:\.\d+)?\s*(?:{NUMBER_UNITS})?", " ", q)
    q = re.sub(f"(?:多少|几)(?:{UNITS})", " ", q)
    q = re.sub(rf"[^{CJK}A-Za-z0-9]+", " ", q)
    return q


def _generic_terms() -> frozenset[str]:
    """Words too general for prose labels (terms.yaml)."""
    return frozenset(_terms_data()["generic_terms"]["words"])


def _catalogue_words(entries: list[object]) -> tuple[frozenset[str], tuple[int, ...]]:
    """Words a label term keeps whole: terms.yaml's domain words and the catalogue's names, synonyms, parts and
    columns (the national template's row and column words, index/metrics.yaml), 3-6 characters, without their
    数/数量 tails."""
    words: set[str] = set(_terms_data()["domain_words"]["words"])
    for m in entries:
        names = [str(get(m, "name", "") or ""), *map(str, get(m, "synonyms", None) or []),
                 *map(str, get(m, "dimensions", None) or [])]
        for key, phrases in (get(m, "parts", None) or {}).items():
            names += [str(key), *map(str, phrases)]
        for n in names:
            for w in {normalize(n), NAME_TAIL.sub("", normalize(n))}:
                if 3 <= len(w) <= 6 and re.fullmatch(rf"[{CJK}]+", w):
                    words.add(w)
    return frozenset(words), tuple(sorted({len(w) for w in words}, reverse=True))


def _cut(piece: str, words: frozenset[str], lengths: tuple[int, ...]) -> list[str]:
    """jieba words of ``piece``, with the catalogue's words kept whole (no global jieba dictionary change)."""
    import jieba

    jieba.setLogLevel(60)
    out: list[str] = []
    i = start = 0
    while i < len(piece):
        w = next((piece[i:i + n] for n in lengths if piece[i:i + n] in words), "")
        if w:
            out += jieba.lcut(piece[start:i]) if i > start else []
            out.append(w)
            i = start = i + len(w)
        else:
            i += 1
    return out + (jieba.lcut(piece[start:]) if start < len(piece) else [])


def label_terms_of(content: str, entries: list[object] | None = None) -> list[str]:
    """Content words (jieba, ≥2 chars) of what is left once names, years, numbers and question words go."""
    words, lengths = memo("words", entries or [], _catalogue_words)
    text = _stop().sub(" ", content)
    terms: list[str] = []
    for piece in text.split():
        for w in _cut(piece, words, lengths):
            w = w.strip()
            if len(w) >= 2 and re.fullmatch(rf"[{CJK}A-Za-z0-9]+", w) and not MEASURE.fullmatch(w) \
                    and w not in _generic_terms() and w not in terms:
                terms.append(w)
    return terms


__all__ = ["content_of", "label_terms_of"]
