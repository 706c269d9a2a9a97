"""Which year a figure is about.  A report of year Y states Y's figures; a question about another year
X asked of it ("按2020年度报告的说法,2019年…") is answered only by a figure whose own clause names X
("2019年共受理…"), or one labelled as last year's (上年/上一年) when X = Y-1 — never by Y's figure.
"""
from __future__ import annotations

import re

from assistant.match.clause import clause_before
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_LAST_YEAR = re.compile(r"上年|上一年|去年|前一年")


def about_year(fact, year: int, report_year: int | None) -> bool:  # noqa: ANN001
    """Whether the fact is a figure of ``year`` (its report being of ``report_year``)."""
    if report_year is None or year == report_year:
        return True
    named = [int(y) for y in _YEAR.findall(clause_before(fact))]
    if named:
        return year in named
    label = f"{getattr(fact, 'label', '') or ''} {fact.row_label or ''} {fact.col_label or ''}"
    return year == report_year - 1 and bool(_LAST_YEAR.search(label))


__all__ = ["about_year"]
