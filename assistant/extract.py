"""Pull a figure out of a quoted sentence when SQL has no fact for it.

The figure must stand in the quote; we only choose which number, by how well the words
before it (inside the same clause) match the question's words.
"""
from __future__ import annotations

import re

import jieba

# Words every figure sentence of these reports shares: matching on them alone picks any number.
_STOP = set("的 了 是 在 和 与 及 有 多少 几 个 吗 呢 什么 哪些 哪个 共 一共 总共 年 年度 情况 政府 信息 公开 工作 报告 中 对 为 被 其中 全年 本年 申请 依申请 数量 总数 件 条 项".split())
_CLAUSE = re.compile(r"[,;。!?:、]")


def _terms(text: str) -> set[str]:
    return {t for t in jieba.lcut(text) if len(t) >= 2 and t not in _STOP and not t.isdigit()}


_ROW_LINE = re.compile(r"(?m)^.*?[\u4e00-\u9fff)\"”]\s*(\d[\d ]*)$")


def _cell_runs(quote: str) -> list[tuple[int, int]]:
    """Spans of digit runs that end a line after a label ("(一)予以公开1000001"): a table row's
    cells written together, whose cut only the table layer decides (index/cellsplit.py)."""
    return [(m.start(1), m.end(1)) for m in _ROW_LINE.finditer(quote) if len(m.group(1).replace(" ", "")) >= 3]


def figure_from_quotes(question: str, parsed, citations: list):  # noqa: ANN001, ANN201
    """Best (value, unit, citation) among numbers in the cited quotes, or None."""
    from index.numbers import find_numbers

    q_terms = _terms(question)
    body_terms: set[str] = set()
    for m in getattr(parsed, "body_mentions", []) or []:
        body_terms |= _terms(m)
    q_terms -= body_terms
    years = set(getattr(parsed, "years", []) or [])
    if not q_terms:
        return None
    best = None
    for rank, cit in enumerate(citations[:5]):
        quote = cit.quote
        runs = _cell_runs(quote)
        for n in find_numbers(quote):
            if any(a <= n.start < b for a, b in runs):
                continue  # a table row's cells written together: only the table layer reads those
            if n.unit in (None, "") and n.value in years:
                continue
            after = quote[n.end:n.end + 1]
            if after in ("年", "月", "日") or (n.unit or "").startswith("年"):
                continue
            # Words of the clause that holds the number, up to the number itself.
            clause_start = max((m.end() for m in _CLAUSE.finditer(quote, 0, n.start)), default=0)
            left = quote[clause_start:n.start]
            overlap = len(q_terms & _terms(left))
            if overlap == 0:
                continue
            score = overlap * 10 - rank - len(left) / 100
            if best is None or score > best[0]:
                best = (score, n, cit)
    if best is None:
        return None
    _, n, cit = best
    return float(n.value), n.unit or None, cit
