"""``listed_count``: a stated count of kinds against the list of names it introduces.

"主动公开类别有七类,分别是机构职能、政策规范性文件、…、安全生产应急管理等政府信息" names nine kinds after
saying seven: the count and the list are one quantity stated twice (index/enumerations.py reads both).
The list is the report's own evidence, so an answer about the count gives the number of names listed
(``preferred``) and notes the count said. Flagged only when the list's length is certain (no item that may
be two kinds, "社会保障和就业"): more names than the count, or fewer when the list is not closed by 等."""
from __future__ import annotations

from assistant.audit.document import Document, Finding, fmt
from index.enumerations import read_counts
from index.units import words_of

NAME = "listed_count"
SEVERITY = "medium"
TITLE = "所称类数与所列不符"  # what a user is shown for the rule


def check(doc: Document) -> list[Finding]:
    kinds = set(words_of("kinds"))
    out = []
    for f in doc.facts:
        if f.source != "prose" or f.unit not in kinds:
            continue
        for c in read_counts(doc.text, f.start, f.end):
            if c.start < f.start or c.value != f.value or c.low != c.high:
                continue
            listed = c.low
            if listed == c.value or (c.partial and listed < c.value):
                continue
            names = "、".join(c.items)
            msg = (f"报告称{c.label}有{doc.text[c.start:c.end]},但其后列出的是{names},"
                   f"共{listed}{c.unit}{'(列举以“等”结尾)' if c.partial else ''},所称类数与所列不符。")
            out.append(doc.finding(NAME, SEVERITY, msg, {"prose_value": c.value, "listed": float(listed)},
                                   f"列出{listed}{c.unit}({names}) ≠ {fmt(c.value)}{c.unit}",
                                   [doc.cite_fact(f), doc.cite(c.list_start, c.list_end, doc.section_at(c.start),
                                                               "prose")],
                                   preferred="listed"))
    return out
