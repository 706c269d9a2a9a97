"""Claims: a statement put up for checking ("有人说…共受理64条,对吗?") and the number it states."""
from __future__ import annotations

from assistant.question.cues import CLAIM, CLAIM_QUESTION, NUMBER


def is_claim(q: str) -> bool:
    """A claim cue (对吗, 属实吗, 说法…) in a question (吗, 吧, ?, 不对, 是否)."""
    return bool(CLAIM.search(q)) and bool(CLAIM_QUESTION.search(q))


def claim_value(q: str, years: list[int]) -> float | None:
    """The first number of the claim that is not a year."""
    for m in NUMBER.finditer(q):
        tail = q[m.end():m.end() + 1]
        if tail == "年" or (m.group(1).isdigit() and int(m.group(1)) in years and len(m.group(1)) == 4):
            continue
        return float(m.group(1))
    return None


__all__ = ["claim_value", "is_claim"]
