"""The gates an eval run can be held to (``reportqa eval --min-numeric 0.85 --max-wrong 0.05 …``), as one
table both the command line and ``eval.run`` read: what summary figure each reads, floor or ceiling, and
what a failure says."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """A limit a run can be held to: the summary figure it reads, whether it is a floor (``min``) or a
    ceiling, what a failure says, and the count that must be non-zero for the gate to apply (a gold set
    without text or claim or conflict questions is not failed on them)."""

    option: str  # the keyword and, with dashes, the command-line option: min_numeric -> --min-numeric
    key: str
    floor: bool
    says: str
    needs: str = ""
    rate: bool = True  # a rate (shown as %), else a count
    # a ceiling on a figure the run did not produce fails (a floor always does)
    missing_fails: bool = False


GATES = (
    Gate("min_text", "text_keyphrase_pass_rate", True, "text key-phrase pass rate", needs="n_text"),
    Gate("min_claims", "claim_accuracy", True, "claim verdict accuracy", needs="n_claims"),
    Gate("min_conflicts", "conflict_recall", True, "conflict notes on gold conflicts", needs="n_conflicts"),
    Gate("max_unasked_conflicts", "conflict_unasked_rate", False, "conflict notes on answers without a conflict"),
    Gate("min_section", "citation_section_any", True, "cited section accuracy"),
    Gate("max_wrong", "confidently_wrong_rate", False, "confidently wrong rate", missing_fails=True),
    Gate("min_numeric", "numeric_accuracy", True, "numeric accuracy"),
    Gate("min_citation", "citation_report_accuracy", True, "citation accuracy"),
    Gate("max_fabricated", "fabricated_numbers", False, "fabricated numbers", rate=False),
)


def threshold_failures(summary: dict, **limits: float | int | None) -> list[str]:
    """What the run misses of the ``limits`` given (keywords: the ``GATES``' options), one line each."""
    unknown = set(limits) - {g.option for g in GATES}
    if unknown:
        raise TypeError(f"unknown gate(s): {', '.join(sorted(unknown))}")
    fails = []
    for g in GATES:
        limit = limits.get(g.option)
        if limit is None or (g.needs and not summary.get(g.needs)):
            continue
        got = summary.get(g.key)
        if got is None and not g.floor and not g.missing_fails:
            continue  # a ceiling on a figure the run did not produce
        if got is not None and (got >= limit if g.floor else got <= limit):
            continue
        shown = ("n/a" if got is None else f"{got:.1%}") if g.rate else str(got)
        bound = f"{limit:.1%}" if g.rate else str(limit)
        fails.append(f"{g.says} {shown} {'<' if g.floor else '>'} {bound}")
    return fails


__all__ = ["GATES", "Gate", "threshold_failures"]
