"""parse_question: a Chinese question to a :class:`ParsedQuestion`, without any model, composing the package's
modules: reports and body mentions, years, catalogue metrics, label terms, items, operation, claims, follow-ups.
The question text is only ever data: nothing here executes it, and SQL smuggled into it is merely flagged."""
from __future__ import annotations

from assistant.bodies import ReportRef
from assistant.question.catalogue import catalogue_entries
from assistant.question.claims import claim_value, is_claim
from assistant.question.cues import (
    COMPARE,
    CONTACT,
    DIFFERENCE,
    FIGURE,
    NOT_A_UNIT,
    QUALITATIVE,
    UNIT_ASK,
)
from assistant.question.follow_up import (
    Stated,
    inherit,
    inherited_operation,
    is_follow_up,
)
from assistant.question.hierarchy import (
    attach_equivalents,
    implied_whole,
    modified_children,
)
from assistant.question.injection import detect_sql
from assistant.question.items import compared_items, enumerated_items
from assistant.question.metrics import match_metrics
from assistant.question.model import MAX_QUESTION_CHARS, MetricMatch, ParsedQuestion
from assistant.question.operations import asked_rate, operation, percent_roles
from assistant.question.reports import body_mentions_of, select_reports
from assistant.question.terms import content_of, label_terms_of
from assistant.question.text import normalize
from assistant.question.years import find_years

_NUMERIC_OPS = ("sum", "difference", "compare", "percent", "ratio", "max", "min", "rank", "count")


def asks_qualitative(q: str) -> bool:
    """A passage or contact details are asked for (what was done, how, why; the phone number)."""
    return bool(QUALITATIVE.search(q) or CONTACT.search(q))


def parse_question(text: str, catalogue: object, reports: list[ReportRef],
                   context: ParsedQuestion | None = None) -> ParsedQuestion:
    raw = text or ""
    # A question is a sentence or two; only its head is analysed, so a pasted 10,000-character
    # text costs no more than a long question (the matchers are superlinear in matches).
    q = normalize(raw[:MAX_QUESTION_CHARS])
    entries = catalogue_entries(catalogue)
    reports = list(reports or [])
    years = find_years(q, context.years[0] if context and context.years else None)
    years_explicit = bool(years)

    resolution = body_mentions_of(q, reports)
    notes = list(resolution.notes)
    body_mentions = [m for m, _ in resolution.mentions]
    metrics = modified_children(q, match_metrics(q, entries), entries)
    terms = label_terms_of(content_of(q, body_mentions), entries)
    follow_up = is_follow_up(q, context, metrics, terms)
    # Multi-turn: a follow-up inherits whatever it does not state itself.
    own = Stated(body_mentions=body_mentions, mentions=list(resolution.mentions),
                 unresolved=list(resolution.unresolved), years=years, metrics=metrics, terms=terms,
                 parts=enumerated_items(q))
    st = inherit(q, own, context, follow_up, entries, reports)
    body_mentions, mentions, unresolved, years = st.body_mentions, st.mentions, st.unresolved, st.years
    metrics, terms, parts = st.metrics, st.terms, st.parts

    # 满意率/办结率 are figures of their own (stated rates), not the counts named around them.
    rate = asked_rate(q)
    rate_asked = bool(rate) and not any(m.unit == "%" or rate in normalize(m.phrase) for m in metrics)
    if rate_asked:
        metrics = []
        terms = list(dict.fromkeys([rate, rate[:-1], *terms]))

    qualitative = asks_qualitative(q)
    asks_text = qualitative and not FIGURE.search(q)
    report_ids, latest = select_reports(q, mentions, years, years_explicit, unresolved, reports, asks_text)
    notes += latest

    claim = is_claim(q)
    value = claim_value(q, years) if claim else None
    n_bodies = len(report_ids) if len(body_mentions) >= 2 else len(body_mentions)
    # Two years named: the years are compared (one quantity), never "2021年" as a second item.
    if not parts and len(metrics) < 2 and n_bodies <= 1 and len(years) < 2 \
            and (COMPARE.search(q) or DIFFERENCE.search(q)):
        parts = compared_items(q, body_mentions)  # two figures named by their own words
    op = operation(q, len(metrics), n_bodies, len(parts))
    if claim and op == "none":
        op = "lookup"
    op = inherited_operation(op, context, follow_up)
    # A metric that is itself a percentage is looked up, not computed.
    if op == "percent" and any(m.unit == "%" for m in metrics):
        op = "lookup"
    if op == "percent":
        metrics = _with_whole(q, metrics, entries)
    attach_equivalents(metrics, entries)

    um = UNIT_ASK.search(NOT_A_UNIT.sub("", q))
    unit_hint = um.group(1) if um else ("%" if op == "percent" or rate_asked else "")
    is_figure = bool(FIGURE.search(q)) or (bool(metrics) and not qualitative) or op in _NUMERIC_OPS \
        or (claim and (value is not None or bool(metrics) or bool(terms))) \
        or (follow_up and context is not None and context.is_figure_question and not qualitative)
    return ParsedQuestion(
        text=raw, report_ids=report_ids, body_mentions=body_mentions, years=years, metrics=metrics,
        label_terms=terms, operation=op, is_figure_question=is_figure, is_claim=claim,
        claim_value=value, sql_in_text=detect_sql(raw), parts=parts, unit_hint=unit_hint,
        is_follow_up=follow_up, years_explicit=years_explicit, unresolved=unresolved, notes=notes,
    )


def _with_whole(q: str, metrics: list[MetricMatch], entries: list[object]) -> list[MetricMatch]:
    """A share's part and whole: roles by position around 占, and the implied whole when only the part is named."""
    percent_roles(q, metrics)
    part = next((m for m in metrics if m.role == "part"), None)
    whole = implied_whole(part, entries) if part and not any(m.role == "whole" for m in metrics) else None
    return [*metrics, whole] if whole is not None else metrics


__all__ = ["MetricMatch", "ParsedQuestion", "ReportRef", "asks_qualitative", "parse_question"]
