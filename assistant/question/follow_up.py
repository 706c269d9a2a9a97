"""Multi-turn: a follow-up question ("那网络申请呢?", "2018年呢?") inherits from the previous parsed question
whatever it does not state itself — reports and years always, metrics, label terms, items and the operation
when it is a follow-up."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from assistant.bodies import ReportRef
from assistant.question.catalogue import find_dimensions, metric_infos
from assistant.question.cues import FOLLOW_UP
from assistant.question.model import MetricMatch, ParsedQuestion
from assistant.question.reports import Mentions, mentions_of_names


@dataclass
class Stated:
    """What a question states itself; ``inherit`` fills in the rest from the previous question."""
    body_mentions: list[str] = field(default_factory=list)
    mentions: Mentions = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    metrics: list[MetricMatch] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)


def is_follow_up(q: str, context: ParsedQuestion | None, metrics: list[MetricMatch], terms: list[str]) -> bool:
    """A follow-up opens with 那/还有/换成…, ends with 呢, or names nothing of its own."""
    return context is not None and (bool(FOLLOW_UP.search(q)) or (not metrics and not terms))


def inherit(q: str, own: Stated, context: ParsedQuestion | None, follow_up: bool, entries: list[object],
            reports: list[ReportRef]) -> Stated:
    """``own`` completed from ``context``: its reports and years when the question names none; for a
    follow-up also its metrics (with the question's own breakdown words as dimensions), terms and items."""
    if context is None:
        return own
    out = replace(own)
    if not out.body_mentions and not out.unresolved:
        out.body_mentions = list(context.body_mentions)
        out.mentions = mentions_of_names(out.body_mentions, reports)
        if not out.mentions and context.report_ids:
            out.mentions = [("", list(context.report_ids))]
    if not out.years:
        out.years = list(context.years)
    if not follow_up:
        return out
    own_dims_only = bool(out.metrics) and all(m.score <= 0.7 for m in out.metrics)  # e.g. "那网络申请呢?"
    if (not out.metrics or own_dims_only) and context.metrics:
        infos = metric_infos(entries)
        extra = [d for m in context.metrics for d in (infos[m.metric_id].dim_phrases if m.metric_id in infos else [])]
        dims = find_dimensions(q, extra)
        base = context.metrics[0]
        if dims:
            out.metrics = [replace(base, dimension=d[2], phrase=q[d[0]:d[1]], pos=d[0]) for d in dims]
        elif not out.metrics:
            out.metrics = [replace(m) for m in context.metrics]
    if not out.terms:
        out.terms = list(context.label_terms)
    elif not out.metrics:
        out.terms = out.terms + [t for t in context.label_terms if t not in out.terms]
    if not out.parts:
        out.parts = list(context.parts)
    return out


def inherited_operation(op: str, context: ParsedQuestion | None, follow_up: bool) -> str:
    """A follow-up that asks for a plain figure keeps the previous question's operation (合计…; 那2018年呢?)."""
    if follow_up and context is not None and op in ("lookup", "none") and context.operation not in ("none", ""):
        return context.operation
    return op


__all__ = ["Stated", "inherit", "inherited_operation", "is_follow_up"]
