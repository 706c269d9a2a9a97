"""Pick the fact an item names, or say why none: too weak a match, or two facts with different values
matching about equally (a tie is never broken by guessing).

THRESHOLD and MARGIN were chosen on the development questions (eval/qa_dev2.jsonl): the lowest
score at which label matches were still mostly right, and the gap below which the runner-up was as
often the right fact as the winner.  `python -m eval.calibrate` prints the table they came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from assistant.match.score import Scored, Weights, rank

THRESHOLD = 0.45
MARGIN = 0.05
# A well-matched figure refused as the answer: a level when a change is asked (match/change.py), or
# the report's own year's figure when another year is asked (match/period.py).
REFUSED = ("change", "period")


@dataclass
class Resolution:
    item: str
    best: Scored | None = None
    rivals: list[Scored] = field(default_factory=list)  # near the best with another value
    reason: str = ""  # "" (resolved) | weak | tie | empty | change | period (see REFUSED)
    ranked: list[Scored] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.best is not None and not self.reason


def resolve(item: str, facts: list, weight: Weights, unit: str = "", unit_cls: str = "",  # noqa: ANN001
            context: str = "", stated: tuple[float, str] | None = None,
            threshold: float = THRESHOLD, margin: float = MARGIN, semantic=None,  # noqa: ANN001
            prior: frozenset[str] = frozenset()) -> Resolution:
    ranked = [s for s in rank(item, facts, weight, unit, unit_cls, context, semantic, prior) if s.score > 0]
    out = Resolution(item, ranked=ranked[:5])
    if not ranked:
        out.reason = "empty"
        return out
    if stated is not None:  # the question states the figure ("主动公开的173条信息中"): find that one
        same = [s for s in ranked if abs(s.fact.value - stated[0]) < 1e-9 and s.score >= threshold / 2]
        if same:
            out.best = same[0]
            return out
    best = ranked[0]
    out.best = best
    if best.score < threshold:
        out.reason = "weak"
        return out
    out.rivals = [s for s in ranked[1:] if s.score >= best.score - margin and abs(s.fact.value - best.fact.value) > 1e-9]
    if out.rivals:
        out.reason = "tie"
    return out


__all__ = ["Resolution", "resolve", "THRESHOLD", "MARGIN", "REFUSED"]
