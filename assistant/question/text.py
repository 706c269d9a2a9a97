"""Text helpers: the normalized form every matcher works on, and question text with its question words out."""
from __future__ import annotations

import re

from assistant.bodies import normalize
from assistant.question.cues import QUESTION_WORDS

CJK = r"\u4e00-\u9fff"  # a character class body: rf"[{CJK}]"
# Quotation marks and brackets around a name (“微海陵”公众号, 《条例》).
QUOTES = re.compile(r"[“”\"'‘’「」『』《》()()\[\]]+")


def squeeze(q: str) -> tuple[str, list[int]]:
    """``q`` without question words (多少条, 共, 了), and for each kept character its offset in ``q``."""
    keep = [True] * len(q)
    for m in QUESTION_WORDS.finditer(q):
        for i in range(m.start(), m.end()):
            keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(q[i] for i in index), index


__all__ = ["CJK", "QUOTES", "normalize", "squeeze"]
