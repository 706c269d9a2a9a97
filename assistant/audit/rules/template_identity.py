"""``template_identity``: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度, per column of the 2019/2021
template's application table (a 申请情况表 whose columns do not balance)."""
from __future__ import annotations

from collections import defaultdict

from assistant.audit.document import Document, Finding, eq, fmt
from index.models import Fact

NAME = "template_identity"
SEVERITY = "high"
TITLE = "模板勾稽关系不成立"  # what a user is shown for the rule


def check(doc: Document) -> list[Finding]:
    out = []
    kinds = {t.ord: t.kind for t in doc.tables}
    groups: dict[tuple, dict[str, Fact]] = defaultdict(dict)
    for f in doc.facts:
        if f.source == "table" and kinds.get(f.table_ord) == "template_apply" and f.unit != "%":
            groups[(f.table_ord, f.dimension)].setdefault(f.metric, f)
    need = ("apply_new", "apply_carried_over", "result_total", "apply_carry_forward")
    for (_, dim), fs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if not all(m in fs for m in need):
            continue
        a, b, c, d = (fs[m].value for m in need)
        if eq(a + b, c + d):
            continue
        col = f"({dim})" if dim else "(总计列)"
        arith = f"{fmt(a)} + {fmt(b)} = {fmt(a + b)} ≠ {fmt(c)} + {fmt(d)} = {fmt(c + d)}"
        msg = (f"申请情况表{col}本年新收{fmt(a)}件加上年结转{fmt(b)}件为{fmt(a + b)}件,"
               f"但办理结果总计{fmt(c)}件加结转下年度{fmt(d)}件为{fmt(c + d)}件,两边不等。")
        out.append(doc.finding(NAME, SEVERITY, msg,
                               {"本年新收": a, "上年结转": b, "办理结果总计": c, "结转下年度": d},
                               arith, [doc.cite_fact(fs[m]) for m in need]))
    return out
