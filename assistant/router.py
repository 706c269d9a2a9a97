"""Routing: a figure question goes to SQL over facts, a qualitative one to passage retrieval.

Deterministic cue-word rules over the parsed question; ``both`` means SQL first with retrieval as
the fallback (the figure is only reachable through prose labels, or the question asks for both).
The cue words are the parser's own cue table (assistant/question/cues.yaml): a figure cue or a
qualitative cue means the same here as in parse_question.
"""
from __future__ import annotations

from enum import StrEnum

from assistant.question import ParsedQuestion, normalize
from assistant.question.cues import CONTACT, FIGURE, QUALITATIVE


class Route(StrEnum):
    SQL = "sql"
    TEXT = "text"
    BOTH = "both"


_NUMERIC_OPS = {"sum", "difference", "compare", "percent", "ratio", "max", "min", "rank", "count"}


def route(parsed: ParsedQuestion, has_sql_facts: bool = True) -> Route:
    q = normalize(parsed.text)
    contact = bool(CONTACT.search(q))  # contact details: a phone number is digits but never a statistic
    qualitative = bool(QUALITATIVE.search(q))
    figure = bool(FIGURE.search(q)) or parsed.is_figure_question or parsed.operation in _NUMERIC_OPS
    catalogue_metric = bool(parsed.metrics)
    claim_figure = parsed.is_claim and (parsed.claim_value is not None or catalogue_metric or bool(parsed.label_terms))

    # "联系电话是多少" asks for contact details; "热线电话督办合计多少件次" still counts something.
    if contact and not (catalogue_metric or parsed.unit_hint or parsed.operation in _NUMERIC_OPS):
        return Route.TEXT
    if not (figure or claim_figure):
        return Route.TEXT
    if qualitative and not (catalogue_metric or claim_figure or parsed.operation in _NUMERIC_OPS):
        return Route.TEXT
    if not has_sql_facts:
        return Route.TEXT
    if qualitative:
        return Route.BOTH  # a figure and an explanation
    if catalogue_metric or parsed.operation in _NUMERIC_OPS or claim_figure:
        return Route.SQL
    # Only prose-label words to go on: SQL over prose facts, with retrieval as the fallback.
    return Route.BOTH


__all__ = ["Route", "route"]
