"""Which part of the national template a passage question asks for, and which aspects of it.

The template (国办公开办函〔2019〕60号, 〔2021〕30号; the 2007 条例's contents before it) fixes the parts of every
annual report. A question that names a part by its own words ("存在哪些不足", "下一步怎么改进") is answered
from that part's section (assistant/part_answer.py), not from whichever passage shares the most words with
it: the opening line that lists the six parts shares them all. Cue words: cues.yaml ``part_asked``.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.question.cues import _DATA, any_of


@dataclass(frozen=True)
class AskedPart:
    part: str  # a key of index/template_sections.yaml ``parts``
    aspects: frozenset[str]  # e.g. {"shortfalls", "measures"}; both when both are asked


def _aspect_patterns() -> dict[str, dict]:
    return {part: {aspect: any_of("part_asked", part, aspect) for aspect in aspects}
            for part, aspects in _DATA["part_asked"].items()}


_PATTERNS = _aspect_patterns()


def asked_part(question: str, report_year: int | None = None, years: tuple[int, ...] | list[int] = ()) -> AskedPart | None:
    """The template part ``question`` asks about, or None.

    A question about the year after its report's year ("2024年度报告提出2025年要做好哪些工作") asks for
    the report's plans, which the template puts in the measures half of part 5."""
    for part, aspects in _PATTERNS.items():
        hit = {a for a, pat in aspects.items() if pat.search(question)}
        if part == "problems" and report_year is not None and report_year + 1 in years:
            hit.add("measures")
        if hit:
            return AskedPart(part=part, aspects=frozenset(hit))
    return None


__all__ = ["AskedPart", "asked_part"]
