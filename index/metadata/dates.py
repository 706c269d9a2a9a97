"""Publish date and statistical year.

The statistical year is the title's year, else the report's stated statistical period
(统计期限自2019年1月1日), else the year before the publish date when the report was published in
the first half of a year (annual reports are due by 31 March, 31 January since the 2019
regulation), else the commonest year of the text.
"""
from __future__ import annotations

import re
from collections import Counter

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
DATE = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(DATE)
_LABELLED_DATE = re.compile(rf"(?:发布日期|发布时间|发文日期|成文日期|印发日期|日期)\s*[::]\s*{DATE}")
DATE_LINE = re.compile(rf"^\s*{DATE}\s*$")
_STAT_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|周期)?[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def iso(y: str, m: str, d: str) -> str | None:
    mi, di = int(m), int(d)
    if 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{int(y):04d}-{mi:02d}-{di:02d}"
    return None


def date_in(s: str) -> str | None:
    """The first well-formed date in ``s`` (2025-01-23 16:43, 2014年03月21日点击数:...)."""
    for m in _DATE_RE.finditer(s or ""):
        if d := iso(*m.groups()):
            return d
    return None


def arabic_years(s: str) -> str:
    """二〇一九年 -> 2019年 (years written in Chinese digits)."""
    return re.sub(r"([〇零一二三四五六七八九]{4})(?=\s*年)", lambda m: m.group(1).translate(_CN_YEAR_DIGITS), s)


def publish_date(lines: list[str], title_idx: int | None, header_date: str | None,
                 signature_date: str | None) -> str | None:
    if header_date and (d := date_in(header_date)):
        return d
    head = "\n".join(lines[:40])
    m = _LABELLED_DATE.search(head)
    if m and (d := iso(*m.groups())):
        return d
    start = (title_idx or 0) + 1
    for line in lines[start: start + 12]:
        m = DATE_LINE.match(line)
        if m and (d := iso(*m.groups())):
            return d
    if signature_date:
        return signature_date
    for line in reversed([ln for ln in lines[-8:] if ln.strip()]):  # a date line at the end
        m = DATE_LINE.match(line)
        if m and (d := iso(*m.groups())):
            return d
    return None


def stat_year(title: str, body_text: str, published: str | None) -> int | None:
    m = YEAR.search(arabic_years(title))
    if m:
        return int(m.group(1))
    m = _STAT_PERIOD.search(body_text)
    if m:
        return int(m.group(1))
    if published and int(published[5:7]) <= 6:
        return int(published[:4]) - 1
    years = Counter(int(y) for y in YEAR.findall(body_text[:3000]))
    return years.most_common(1)[0][0] if years else None
