"""``percentage``: a stated share ("占总数的0.06%") against part / total, in prose and in a table's 占比
column."""
from __future__ import annotations

import re

from assistant.audit.document import Document, Finding, certain, eq, fmt, short
from assistant.audit.rules.parts_sum import Tree, is_total, value_cols

NAME = "percentage"
SEVERITY = "medium"
TITLE = "百分比与条数不符"  # what a user is shown for the rule

_SHARE_COL = re.compile(r"占比|比例|比重|百分比|%")
_PCT_RAW = re.compile(r"(\d+(?:\.(\d+))?)\s*%")


def _decimals(quote: str, value: float) -> int:
    for m in _PCT_RAW.finditer(quote):
        if eq(float(m.group(1)), value):
            return len(m.group(2) or "")
    s = fmt(value)
    return len(s.split(".")[1]) if "." in s else 0


def pct_consistent(stated: float, part: float, total: float, decimals: int) -> bool:
    """The stated percent equals part/total rounded to the stated decimals; one unit of the last stated
    digit either way is allowed (reports truncate as often as they round)."""
    if total <= 0:
        return False
    computed = part / total * 100
    if round(computed, decimals) == round(stated, decimals):
        return True
    return abs(computed - stated) <= 10 ** (-decimals) + 1e-9


def check(doc: Document) -> list[Finding]:
    out = []
    prose = [f for f in doc.facts if f.source == "prose"]
    for i, pf in enumerate(prose):
        if pf.unit != "%" or not pf.dimension.endswith("占比"):
            continue
        quote = doc.text[pf.start:pf.end]
        if "占" not in quote:
            continue  # 办结率/满意率: a rate whose base the report does not state
        dim = pf.dimension[: -len("占比")].strip()
        part = next((f for f in reversed(prose[:i]) if f.metric == pf.metric and f.unit != "%"
                     and (f.dimension == dim) and f.start <= pf.start and pf.start - f.end < 40), None)
        if part is None:
            continue
        # The denominator the sentence names ("在主动公开的116条政府信息中,规范性文件21条,占18%": a figure
        # framed "…中" before the part); else the metric's stated total. A share is never checked
        # against itself.
        opening = doc.since_stop(part.start, "。")
        named = [f for f in prose if opening <= f.start and f.end <= part.start and f.unit == part.unit
                 and f.value > part.value and doc.text[f.start:f.end].rstrip().endswith("中")]
        totals = named[:1] or [f for f in doc.facts if f.metric == pf.metric and f.dimension == "" and f.unit != "%"
                                and f.value >= part.value and f.start != part.start]
        if not totals:
            # "已经公开的50条,占总数的92.6%": the total is the last overall figure stated before
            prev = [f for f in prose if f.end <= part.start and f.dimension == "" and f.unit != "%"
                    and not f.metric.startswith("prose:") and f.value >= part.value and f.start != part.start]
            totals = prev[-1:]
        if not totals:
            continue
        d = _decimals(quote, pf.value)
        if any(pct_consistent(pf.value, part.value, t.value, d) for t in totals):
            continue
        total = min(totals, key=lambda f: (f.start > part.start, abs(part.start - f.start)))
        computed = part.value / total.value * 100
        label = doc.metric_label(part.metric, part.dimension)
        unit = part.unit or ""
        msg = (f"报告称{label}{fmt(part.value)}{unit}占总数的{fmt(pf.value)}%,但{fmt(part.value)}÷{fmt(total.value)}"
               f"={computed:.2f}%。")
        note = ""
        if abs(computed / 100 - pf.value) <= 10 ** (-d) + 1e-9:
            note = "(疑把比例当作百分数写)"
            msg = msg[:-1] + note + "。"
        out.append(doc.finding(NAME, SEVERITY, msg,
                               {"part": part.value, "total": total.value, "stated_pct": pf.value,
                                "computed_pct": round(computed, 4)},
                               f"{fmt(part.value)} / {fmt(total.value)} × 100 = {computed:.2f}% ≠ {fmt(pf.value)}%",
                               [doc.cite_fact(part), doc.cite_fact(pf), doc.cite_fact(total)]))
    out += _table_percentages(doc)
    return out


def _table_percentages(doc: Document) -> list[Finding]:
    """A 占比 column against its count column and the table's 总计/总数 row."""
    out = []
    for t in doc.tables:
        share_cols = [c for c, lab in t.column_labels().items() if _SHARE_COL.search(lab)]
        count_cols = [c for c in value_cols(t) if c not in share_cols]
        if len(share_cols) != 1 or not count_cols:
            continue
        sc, cc = share_cols[0], count_cols[0]
        tree = Tree(t)
        total_rows = [p for p in tree.children.get((), []) if is_total(p[-1])]
        tcell = tree.cell(total_rows[0], cc) if total_rows else None
        if tcell is None or not tcell.value:
            continue
        for p, i in tree.rows.items():
            pc, cnt = certain(t.cell(i, sc)), tree.cell(p, cc)
            if pc is None or pc.value is None or cnt is None or p in total_rows:
                continue
            d = _decimals(pc.raw, pc.value)
            if pct_consistent(pc.value, cnt.value, tcell.value, d):
                continue
            computed = cnt.value / tcell.value * 100
            msg = (f"表中“{short(p[-1])}”{fmt(cnt.value)}占比写作{fmt(pc.value)}%,但{fmt(cnt.value)}÷{fmt(tcell.value)}"
                   f"={computed:.2f}%。")
            out.append(doc.finding(NAME, SEVERITY, msg,
                                   {"part": cnt.value, "total": tcell.value, "stated_pct": pc.value,
                                    "computed_pct": round(computed, 4)},
                                   f"{fmt(cnt.value)} / {fmt(tcell.value)} × 100 = {computed:.2f}% ≠ {fmt(pc.value)}%",
                                   [doc.cite_cell(t, cnt), doc.cite_cell(t, pc), doc.cite_cell(t, tcell)]))
    return out
