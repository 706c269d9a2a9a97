"""``residual_list``: a list closed by its residual item ("…安全生产类信息3条,其他应主动公开的政府信息2条")
against the total the report states of what the residual names.

"其他X" says that the items before it and it partition X: "其他应主动公开的政府信息" closes a list of the
categories of 主动公开的政府信息. When the list is not declared of a total in its own sentence (that is
``declared_parts``), its sum is checked against the report's own figure for X — the prose figure(s)
the catalogue reads as the same metric as X, which must all be one value (a table's total is another
reading, left to the table rules). The list is the figures right before the residual in one clause
run: same measure word, nothing but words (no 。 or ;) between. A list introduced as one channel's or
one period's ("通过政府网站公开…") may be a subset of X: it is flagged only when it exceeds the total."""
from __future__ import annotations

import re
from functools import lru_cache

from assistant.audit.document import Document, Finding, eq, fmt
from index.facts import is_cumulative
from index.metrics import Catalogue, load_catalogue, normalize_label
from index.models import Fact
from index.sqlstore import PATH_SEP

NAME = "residual_list"
SEVERITY = "medium"
TITLE = "分项与总数不符"  # what a user is shown for the rule (as for declared_parts)

_RESIDUAL = re.compile(r"^其他(?:类别?)?(?:应)?(?P<whole>.+)$")
_BREAK = re.compile(r"[。;；\n]")
# A list introduced as one channel's or one period's ("通过政府网站公开…", "上半年…") may be a subset of the
# whole: it can fall short of the total, never exceed it.
_SCOPED = re.compile(r"通过|经由|[上下]半年|季度|\d+\s*月")


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return load_catalogue()


def _metric(words: str, unit: str, whole: bool = True) -> str:
    """The catalogue metric the words name — with ``whole``, as a whole (its name or a synonym covering
    nearly all of them: "主动公开的政府信息" is 主动公开政府信息数, "公开信息类文件" names none) — else ""."""
    words = normalize_label(words.replace("的", ""))
    r = _catalogue().resolve(words, context=[], unit=unit)
    if r is None or r.dimension or (whole and r.score < 0.8 * len(words)):
        return ""
    return r.metric.id


def check(doc: Document) -> list[Finding]:
    out = []
    prose = [f for f in doc.facts if f.source == "prose" and f.label and f.unit != "%"]
    for i, last in enumerate(prose):
        name = last.label.split(PATH_SEP)[-1]
        m = _RESIDUAL.match(name)
        if not m:
            continue
        whole = _metric(m.group("whole"), last.unit)
        if not whole:
            continue
        parent = last.label.split(PATH_SEP)[0] if PATH_SEP in last.label else ""
        if parent and _metric(parent, last.unit, whole=False) == whole:
            continue  # declared of its total in its own sentence: declared_parts checks it
        items: list[Fact] = [last]
        for f in reversed(prose[:i]):
            gap = doc.text[f.end:items[0].start]
            if f.unit != last.unit or _BREAK.search(gap) or re.search(r"\d", gap) or f.metric == whole:
                break
            items.insert(0, f)
        if len(items) < 3:  # a residual and one other item is no list of categories
            continue
        totals = [f for f in doc.facts if f.source == "prose" and f.metric == whole and not f.dimension
                  and f.unit == last.unit and not is_cumulative(f) and f not in items]
        if not totals or any(not eq(t.value, totals[0].value) for t in totals):
            continue  # the report states no figure for the whole, or several different ones
        got = sum(f.value for f in items)
        total = totals[0]
        # the words that introduce the list
        scoped = bool(_SCOPED.search(doc.text[doc.since_stop(items[0].start, "。;;\n"):items[0].end]))
        if eq(got, total.value) or (scoped and got < total.value):
            continue
        arith = "+".join(fmt(f.value) for f in items) + f"={fmt(got)}"
        unit = last.unit or ""
        msg = (f"报告称{total.label.split(PATH_SEP)[-1] or doc.metric_label(whole)}{fmt(total.value)}{unit},"
               f"但以“{name}”收尾的分类列表相加为{fmt(got)}{unit}({arith}),与总数不符。")
        out.append(doc.finding(NAME, SEVERITY, msg, {"total": total.value, "parts_sum": got},
                               f"{arith} ≠ {fmt(total.value)}",
                               [doc.cite_fact(total), *map(doc.cite_fact, items)]))
    return out
