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


def operation(q: str, n_metrics: int, n_reports: int, n_parts: int) -> str:
    multi = max(n_metrics, n_reports, n_parts) >= 2
    if COMPARE.search(q) and multi:
        return "compare"  # which is larger (and by how much: the caller shows the difference too)
    if DIFFERENCE.search(q):
        return "difference"
    if RATIO.search(q):
        return "ratio"
    if PERCENT.search(q):
        return "percent"
    if RANK.search(q):
        return "rank"
    if MAX.search(q):
        return "max"
    if MIN.search(q):
        return "min"
    if COUNT.search(q):
        return "count"
    if SUM.search(q) and multi:
        return "sum"
    if LIST.search(q) and multi:
        return "list"
    if ACROSS.search(q) and FIGURE.search(q):
        return "max"
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


__all__ = ["asked_rate", "operation", "percent_roles"]
