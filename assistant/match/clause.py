"""Where a fact's figure stands in its quote, and the words of its own clause before it: what a
figure's clause names (a year: assistant/match/period.py; a label's words: score.py) and where a
declared part starts (the audit's ``declared_parts``)."""
from __future__ import annotations

import re

from index.numbers import format_number

_CLAUSE_END = re.compile(r"[,，。;；:：!！?？]")


def figure_at(quote: str, value: float, unit: str = "") -> int:
    """The offset in ``quote`` where the figure is written as reportqa formats it (with ``unit`` right
    after it when given), or -1 (written another way: "1.7万")."""
    return (quote or "").find(f"{format_number(value)}{unit or ''}")


def clause_before(fact) -> str:  # noqa: ANN001
    """The words of the fact's own clause before its number (the quote up to it, from the last stop)."""
    quote = fact.quote or ""
    at = figure_at(quote, fact.value)
    if at < 0:
        return ""
    return _CLAUSE_END.split(quote[:at])[-1]


__all__ = ["clause_before", "figure_at"]
