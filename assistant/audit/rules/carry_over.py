"""``carry_over``: figures the national template carries from one year's report into the next, checked against
the same body's report of the year before (``Document.previous``, loaded only for consecutive years):

* 本年度 二、上年结转政府信息公开申请数量 = the year before's 四、结转下年度继续办理 (the 总计 column of the
  申请情况表, 2019/2021 template);
* 规范性文件 现行有效件数 = the year before's 现行有效件数 + 本年制发件数 − 本年废止件数 (主动公开 table),
  when the reports state all four.

A finding cites both reports: this year's figure and the year before's."""
from __future__ import annotations

from assistant.audit.document import Document, Finding, eq, fmt
from index.models import Fact

NAME = "carry_over"
SEVERITY = "medium"
TITLE = "跨年数字衔接不上"  # what a user is shown for the rule

CARRIED_IN, CARRIED_OUT = "apply_carried_over", "apply_carry_forward"
NORMATIVE = "active_normative_docs"
ISSUED, REPEALED, IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"


def _table_fact(doc: Document, metric: str, dimension: str, kinds: tuple[str, ...]) -> Fact | None:
    """The report's table figure of (metric, dimension); None when it states none, or states it twice differently."""
    tables = {t.ord: t.kind for t in doc.tables}
    hits = [f for f in doc.facts if f.metric == metric and f.dimension == dimension and f.source == "table"
            and tables.get(f.table_ord) in kinds and f.unit != "%"]
    return hits[0] if hits and all(eq(h.value, hits[0].value) for h in hits) else None


def _applications(doc: Document, prev: Document) -> list[Finding]:
    now = _table_fact(doc, CARRIED_IN, "", ("template_apply",))
    before = _table_fact(prev, CARRIED_OUT, "", ("template_apply",))
    if now is None or before is None or eq(now.value, before.value):
        return []
    msg = (f"{doc.year}年报告的上年结转申请为{fmt(now.value)}件,但{prev.year}年报告的结转下年度继续办理为"
           f"{fmt(before.value)}件,两年的数字衔接不上。")
    return [doc.finding(NAME, SEVERITY, msg, {"上年结转": now.value, "上年报告结转下年度": before.value},
                        f"{fmt(now.value)} ≠ {fmt(before.value)}", [doc.cite_fact(now), prev.cite_fact(before)])]


def _normative(doc: Document, prev: Document) -> list[Finding]:
    kinds = ("template_active",)
    now, issued, repealed = (_table_fact(doc, NORMATIVE, d, kinds) for d in (IN_FORCE, ISSUED, REPEALED))
    before = _table_fact(prev, NORMATIVE, IN_FORCE, kinds)
    if None in (now, issued, repealed, before):
        return []
    expected = before.value + issued.value - repealed.value
    if eq(now.value, expected):
        return []
    arith = (f"{fmt(before.value)} + {fmt(issued.value)} − {fmt(repealed.value)} = {fmt(expected)} "
             f"≠ {fmt(now.value)}")
    msg = (f"{prev.year}年报告的现行有效规范性文件为{fmt(before.value)}件,{doc.year}年本年制发{fmt(issued.value)}件、"
           f"本年废止{fmt(repealed.value)}件,应为{fmt(expected)}件,但{doc.year}年报告写现行有效{fmt(now.value)}件。")
    return [doc.finding(NAME, SEVERITY, msg,
                        {"上年现行有效": before.value, "本年制发": issued.value, "本年废止": repealed.value,
                         "应为": expected, "现行有效": now.value}, arith,
                        [doc.cite_fact(now), doc.cite_fact(issued), doc.cite_fact(repealed), prev.cite_fact(before)])]


def check(doc: Document) -> list[Finding]:
    prev = doc.previous
    if prev is None or doc.year is None or prev.year != doc.year - 1:
        return []
    return _applications(doc, prev) + _normative(doc, prev)
