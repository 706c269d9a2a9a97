"""The operation a question asks for (lookup, sum, difference, compare, ratio, percent, max, min, rank, list,
count, none) from its cue words, the roles of a share's figures, and a named rate asked for."""
from __future__ import annotations

import re

from assistant.question.cues import (
    ACROSS,
    COMPARE,
    COUNT,
    DIFFERENCE,
    FIGURE,
    LIST,
    MAX,
    MIN,
    PERCENT,
    RANK,
    RATIO,
    SUM,
)
from assistant.question.model import MetricMatch

# A named rate asked for ("满意率", "办结率"); 比率/效率/频率… are not report rates.
_RATE_ASK = re.compile(r"[\u4e00-\u9fff]{2}(?<![比效频概汇利税])率(?![先领])")


def asked_rate(q: str) -> str:
    m = _RATE_ASK.search(q)
    return m.group(0) if m else ""


# The operation cues in the order they are tried: (cue, operation, whether it needs several figures —
# metrics, reports or named parts — to mean that operation). The first cue found decides.
OPERATIONS: tuple[tuple[re.Pattern[str], str, bool], ...] = (
    (COMPARE, "compare", True),  # which is larger (and by how much: the caller shows the difference too)
    (DIFFERENCE, "difference", False),
    (RATIO, "ratio", False),
    (PERCENT, "percent", False),
    (RANK, "rank", False),
    (MAX, "max", False),
    (MIN, "min", False),
    (COUNT, "count", False),
    (SUM, "sum", True),
    (LIST, "list", True),
)


def operation(q: str, n_metrics: int, n_reports: int, n_parts: int) -> str:
    multi = max(n_metrics, n_reports, n_parts) >= 2
    for cue, op, needs_several in OPERATIONS:
        if cue.search(q) and (multi or not needs_several):
            return op
    if ACROSS.search(q) and FIGURE.search(q):
        return "max"  # "哪个局最…": one figure over the reports
    return "lookup" if (n_metrics or FIGURE.search(q)) else "none"


def percent_roles(q: str, metrics: list[MetricMatch]) -> None:
    """'A中B占C的比例': B is the part; A (before 中) and C (after 占) are wholes."""
    zhan = q.find("占")
    before = [m for m in metrics if zhan < 0 or m.pos < zhan]
    for m in metrics:
        m.role = "whole"
    if before:
        before[-1].role = "part"
    elif metrics:
        metrics[0].role = "part"


__all__ = ["OPERATIONS", "asked_rate", "operation", "percent_roles"]
