"""Years a question names: 2017年, 17年, and 去年/今年 relative to the previous question's year."""
from __future__ import annotations

import re

_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR2 = re.compile(r"(?<!\d)(\d{2})年(?!\d)")
# A year as written in a question, for removing it from the text (2017年度, 17年).
YEAR_MENTION = re.compile(r"(?:19|20)?\d{2}年度?")
RELATIVE_YEARS = {"前年": -2, "去年": -1, "上年": -1, "上一年": -1, "今年": 0, "本年度": 0, "当年": 0}


def find_years(q: str, context_year: int | None) -> list[int]:
    years: list[int] = []
    for m in _YEAR4.finditer(q):
        years.append(int(m.group(1)))
    for m in _YEAR2.finditer(q):
        y = int(m.group(1))
        years.append(2000 + y if y < 50 else 1900 + y)
    if context_year:
        for word, delta in RELATIVE_YEARS.items():
            if word in q and not (word == "本年度" and years):
                years.append(context_year + delta)
    return list(dict.fromkeys(years))


__all__ = ["RELATIVE_YEARS", "YEAR_MENTION", "find_years"]
