"""Answer a question about a part of the national template from that part's section.

Input: the asked part (assistant/question/parts.py) and the reports asked about (with their section
trees). Output: an extractive ``Answer`` that quotes the part's section (or, when only one half of part 5 is
asked and the report splits the part into halves, that half's subsection), each quote an exact span with
its section path; or None when a report has no section of that part, and retrieval answers instead.

Why not retrieval alone: the opening line that lists a report's six parts ("本报告包括总体情况、…、存在的
主要问题及改进情况…") shares every word of such a question and wins over the part itself.
"""
from __future__ import annotations

import re

from assistant.answers import Answer, Citation
from assistant.question.parts import AskedPart
from index.models import Report, Section
from index.sections import part_aspect, template_part
from index.sqlstore import PATH_SEP
QUOTE_CAP = 1200  # longest quote of one section, in characters; cut at a sentence end
_SENTENCE_END = re.compile(r"[。;;!?!?]\s*")


def part_sections(report: Report, asked: AskedPart) -> list[tuple[Section, int]]:
    """(section, end of its subtree) to quote for ``asked`` in ``report``; [] when the report has no
    level-1 section of the part."""
    secs = sorted(report.sections, key=lambda s: s.ord)
    tops = [s for s in secs if s.level == 1]
    top = next((s for s in tops if template_part(s.heading) == asked.part), None)
    if top is None:
        return []
    after = [s for s in tops if s.ord > top.ord]
    part_end = after[0].start if after else max((s.end for s in secs if s.ord >= top.ord), default=top.end)
    children = [s for s in secs if s.parent == top.ord and s.level == 2]
    halves = [(c, part_aspect(asked.part, c.heading)) for c in children]
    chosen = [c for c, aspect in halves if aspect in asked.aspects]
    if chosen and len({a for _, a in halves if a}) >= 2 and {a for _, a in halves if a} - asked.aspects:
        out = []
        for c in chosen:
            nxt = [s for s in children if s.ord > c.ord]
            out.append((c, nxt[0].start if nxt else part_end))
        return out
    return [(top, part_end)]


def _quote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) trimmed of surrounding whitespace and cut at a sentence end within QUOTE_CAP."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > QUOTE_CAP:
        cut = [m.end() for m in _SENTENCE_END.finditer(text, start, start + QUOTE_CAP)]
        end = cut[-1] if cut else start + QUOTE_CAP
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def answer_part(question: str, asked: AskedPart, reports: list[Report], titles: dict[int, str]) -> Answer | None:
    """The quoted part of each report, or None when any report lacks a section of the part."""
    cits: list[Citation] = []
    for rep in reports:
        spans = part_sections(rep, asked)
        if not spans:
            return None
        for sec, end in spans:
            s, e = _quote_span(rep.text, sec.start, end)
            if e <= s:
                return None
            cits.append(Citation(source=rep.source, report=titles.get(rep.id, rep.meta.title), section=PATH_SEP.join(sec.path),
                                 quote=rep.text[s:e], start=s, end=e, report_id=rep.id, body=rep.meta.body,
                                 year=rep.meta.year, kind="text"))
    if not cits:
        return None
    lead = "根据报告原文:" if len(reports) == 1 else ""
    body = " ".join(
        (f"{c.report}:" if len(reports) > 1 else "") + f"「{c.quote}」(出自 {c.section.split(PATH_SEP)[-1]})" for c in cits)
    return Answer(question=question, answer=lead + body, route="text", citations=cits)


__all__ = ["answer_part", "part_sections", "QUOTE_CAP"]
