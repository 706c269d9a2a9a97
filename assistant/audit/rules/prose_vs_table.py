"""``prose_vs_table``: the same metric stated differently in prose and a table (or in two tables), as
ingestion marked it (``facts.conflict``)."""
from __future__ import annotations

from collections import defaultdict

from assistant.audit.document import Document, Finding, eq, fmt
from index.models import Fact

NAME = "prose_vs_table"
SEVERITY = "high"
TITLE = "正文与表格数字不一致"  # what a user is shown for the rule


def check(doc: Document) -> list[Finding]:
    out = []
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in doc.facts:
        if f.conflict:
            groups[(f.metric, f.dimension, f.unit == "%")].append(f)
    names = {t.ord: (t.title or "表格") for t in doc.tables}
    for (metric, dim, _), fs in groups.items():
        prose = [f for f in fs if f.source == "prose"]
        table = [f for f in fs if f.source == "table"]
        label = doc.metric_label(metric, dim) + ("占比" if dim.endswith("占比") else "")
        pairs = []
        for p in prose:
            for t in table:
                if not eq(p.value, t.value):
                    pairs.append((p, t))
        if not pairs:  # two tables disagree
            for i, a in enumerate(table):
                for b in table[i + 1:]:
                    if a.table_ord != b.table_ord and not eq(a.value, b.value):
                        pairs.append((a, b))
        seen = set()
        for a, b in pairs:
            key = (a.value, b.value)
            if key in seen:
                continue
            seen.add(key)
            ua, ub = a.unit or "", b.unit or ""
            if a.source == "prose":
                msg = f"正文称{label}{fmt(a.value)}{ua},表“{names.get(b.table_ord, '表格')[:20]}”中为{fmt(b.value)}{ub},二者不一致。"
            else:
                msg = (f"表“{names.get(a.table_ord, '表格')[:20]}”中{label}为{fmt(a.value)}{ua},"
                       f"表“{names.get(b.table_ord, '表格')[:20]}”中为{fmt(b.value)}{ub},二者不一致。")
            out.append(doc.finding(NAME, SEVERITY, msg,
                                   {a.source + "_value": a.value,
                                    ("table_value" if a.source == "prose" else "table2_value"): b.value},
                                   f"{fmt(a.value)} ≠ {fmt(b.value)}", [doc.cite_fact(a), doc.cite_fact(b)]))
    return out
