"""Questions about one quantity over several reports: a trend (one body over the years: "平潭财政金融局2019到
2024年收到的申请数怎么变化"), a ranking (bodies side by side in one year: "2023年哪个部门收到的申请最多",
"列出各片区2022年行政复议数"), and a change between two years asked with 几 ("2024年比2021年多几件").

The cue words are data (series.yaml, each list with its source); which reports a series covers is read from
the loaded reports' bodies and years (assistant/bodies.py), never from a list of names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.bodies import ReportRef, name_index
from assistant.question.cues import alternation
from assistant.question.model import ParsedQuestion
from assistant.question.text import normalize

_DATA: dict = yaml.safe_load(Path(__file__).with_name("series.yaml").read_text("utf-8"))
_TREND = re.compile(alternation(_DATA["trend"]["words"]))
_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?度?\s*(?:" + alternation(_DATA["range_joiners"]["words"])
                    + r")\s*((?:19|20)\d{2})\s*年")
_WHICH = re.compile(alternation(_DATA["rank"]["which"]))
_LIST = re.compile(alternation(_DATA["rank"]["list"]))
_EACH = re.compile(r"各(?:个)?([\u4e00-\u9fff]{1,6})")
_ANY_BODY = tuple(_DATA["rank"]["any_body"])
_CHANGE = re.compile(_DATA["change"]["pattern"])
_CUMULATIVE = re.compile(alternation(_DATA["cumulative"]["words"]))
_MIN = re.compile(r"最少|最低|最小")
MAX_RANGE = 30  # years in one range (2019到2024年); a wider span is no trend question


@dataclass
class Series:
    kind: str  # trend | rank
    report_ids: list[int]
    years: list[int] = field(default_factory=list)  # trend: every year asked, loaded or not
    order: str = "max"  # max | min; a trend without either asks how it changed ("")


def year_range(q: str) -> list[int]:
    """Every year of a range the question names (2019到2024年 -> 2019…2024), or []."""
    m = _RANGE.search(q)
    if not m:
        return []
    a, b = sorted((int(m.group(1)), int(m.group(2))))
    return list(range(a, b + 1)) if b - a <= MAX_RANGE else []


def asks_change(q: str) -> bool:
    """"X年比Y年多几件/少多少": a difference between two years of one quantity."""
    return bool(_CHANGE.search(normalize(q)))


def refine_operation(parsed: ParsedQuestion) -> None:
    """A change between two named years asked with 几 (多几件) is a difference, like 多多少."""
    if len(parsed.years) == 2 and parsed.operation in ("lookup", "none") and asks_change(parsed.text):
        parsed.operation = "difference"


def _body_keys(ids: list[int], refs: list[ReportRef]) -> dict[int, tuple]:
    idx = name_index(refs)
    return {i: idx.bodies[i].key for i in ids if i in idx.bodies}


def _kind_of_body(q: str, refs: list[ReportRef]) -> list[ReportRef] | None:
    """"各片区" / "哪个片区": the loaded reports whose body names that kind (片区); None when the question
    names no kind, or a word meaning any body (各部门)."""
    for m in _EACH.finditer(q):
        tail = m.group(1)
        for n in range(len(tail), 0, -1):
            w = tail[:n]
            if w.startswith(_ANY_BODY):
                return None
            hit = [r for r in refs if w in normalize(r.body or r.title)]
            if hit and len(w) >= 2:
                return hit
    return None


def parse_series(parsed: ParsedQuestion, refs: list[ReportRef]) -> Series | None:
    """The series a figure question asks for, or None (a one-report figure, a two-year difference, …)."""
    if parsed.is_claim or not refs:
        return None
    q = normalize(parsed.text)
    by_id = {r.id: r for r in refs}
    span = year_range(q)
    # "怎么变化" reads as a qualitative cue; a range of years over a named quantity still asks for figures
    if not parsed.is_figure_question and not (span and (parsed.metrics or parsed.label_terms)):
        return None
    one_year = len(parsed.years) == 1 and parsed.years_explicit
    trend_cue = _TREND.search(q) and not (one_year or _CUMULATIVE.search(q))
    if parsed.body_mentions and (span or trend_cue):
        # one body followed over the years: every loaded report of it in the asked years (all, when none)
        keys = set(_body_keys(parsed.report_ids, refs).values())
        if len(keys) != 1:
            return None
        every = _body_keys([r.id for r in refs], refs)
        years = span or (sorted(set(parsed.years)) if len(parsed.years) >= 2 else [])
        ids = [i for i, k in every.items() if k in keys and (not years or by_id[i].year in years)]
        if len(ids) < 2 and not span:
            return None
        ids.sort(key=lambda i: by_id[i].year or 0)
        order = "min" if _MIN.search(q) else "max" if parsed.operation in ("max", "rank") else ""
        return Series("trend", ids, years or sorted({by_id[i].year for i in ids if by_id[i].year}), order)
    which, listed = _WHICH.search(q), _LIST.search(q)
    if (which or listed) and len(parsed.years) == 1:
        year = parsed.years[0]
        kind = _kind_of_body(q, refs)
        pool = kind if kind is not None else (refs if not parsed.body_mentions else
                                              [by_id[i] for i in parsed.report_ids if i in by_id])
        ids = [r.id for r in pool if r.year == year]
        # bodies compared need two; a listing of a named kind (各片区) is a table even of one
        if len(set(_body_keys(ids, refs).values())) < (1 if kind is not None and listed else 2):
            return None
        return Series("rank", ids, [year], "min" if _MIN.search(q) else "max")
    return None


__all__ = ["MAX_RANGE", "Series", "asks_change", "parse_series", "refine_operation", "year_range"]
