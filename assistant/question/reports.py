"""Which reports a question is about: the bodies it names (resolved by assistant/bodies.py: full names, their
general short forms, places above them) narrowed to the years asked, every report of a year when no body is
named, and each body's latest report when a figure is asked without a year."""
from __future__ import annotations

from assistant.bodies import (
    ReportRef,
    Resolution,
    asks_across_years,
    latest_per_body,
    resolve,
    resolve_mentions,
)
from assistant.question.text import normalize

Mentions = list[tuple[str, list[int]]]  # (words of the question, report ids)


def body_mentions_of(q: str, reports: list[ReportRef]) -> Resolution:
    """Every body named in ``q`` (normalized), with its reports; names no report answers to; notes."""
    return resolve(q, reports)


def mentions_of_names(names: list[str], reports: list[ReportRef]) -> Mentions:
    """The reports of body names kept from an earlier question."""
    return [hit for b in names for hit in resolve_mentions(normalize(b), reports)]


def select_reports(q: str, mentions: Mentions, years: list[int], years_explicit: bool, unresolved: list[str],
                   reports: list[ReportRef], asks_text: bool) -> tuple[list[int], list[str]]:
    """The report ids to answer from, and the notes the answer must carry (未指明年份,按最新的…)."""
    # Per mention, those of the asked years; an inherited year never empties a mention, while an explicit year
    # that no report covers leaves it empty (the answer then says so).
    by_id = {r.id: r for r in reports}
    report_ids: list[int] = []
    notes: list[str] = []
    for _, ids in mentions:
        keep = ids
        if years:
            keep = [i for i in ids if by_id.get(i) is None or by_id[i].year is None or by_id[i].year in years]
            if not keep and not years_explicit:
                keep = ids
        report_ids += [i for i in keep if i not in report_ids]
    if not mentions and years and not unresolved:
        report_ids = [r.id for r in reports if r.year in years]  # no name: every report of that year
    if mentions and not years and not asks_across_years(q) and not asks_text:
        # no year asked for a figure: each body's latest report (a question about what a report says
        # searches all of the body's years: the passage may be in any of them)
        report_ids, notes = latest_per_body(report_ids, reports)
    return report_ids, notes


__all__ = ["Mentions", "ReportRef", "body_mentions_of", "mentions_of_names", "select_reports"]
