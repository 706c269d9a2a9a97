"""A consistency audit of stored reports: checks a journalist can rely on.

Every finding states the figures involved, the arithmetic and citations of the exact spans, and
reads only what ingestion stored in SQL (reports, tables, cells, facts); no stored figure changes.

Rules (``Finding.rule``), one module each under ``assistant/audit/rules/`` (its docstring says what it
checks), run in this order by ``audit_report``:
  * ``template_identity`` 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (2019/2021 template);
  * ``parts_sum``         a table's parts against its stated total;
  * ``percentage``        a stated share against part / total;
  * ``prose_vs_table``    the same metric stated differently in prose and a table (or two tables);
  * ``prose_vs_template`` a prose figure about applications against the template table's row;
  * ``settled_run``       a prose figure against a template row whose run of digits the prose settles;
  * ``running_total``     a prose 累计 against the 统计表's 历年累计 column;
  * ``declared_parts``    a prose total against the parts its sentence declares (其中 / 涵盖 / 包括 …);
  * ``residual_list``     a list closed by its residual (其他…) against the report's figure for the whole;
  * ``listed_count``      a stated count of kinds against the names its list gives (七类,分别是…);
  * ``other_body``        text naming another body or year than the report's own;
  * ``carry_over``        figures that must carry over from the body's report of the year before (上年结转 =
                          last year's 结转下年度; 现行有效 规范性文件 = last year's + 本年制发 − 本年废止).

``document`` holds the loaded report (``Document``), ``Finding`` and the helpers the rules share;
``rules`` holds the registry (``RULES``, ``SEVERITY``).
"""
from __future__ import annotations

from assistant.audit.document import Finding, load, previous_of
from assistant.audit.rules import RULES, SEVERITY, TITLE
from assistant.audit.rules.parts_sum import BREAKDOWN_OF
from assistant.audit.rules.percentage import pct_consistent
from index.sqlstore import SQLStore

_SEV_ORDER = {"high": 0, "medium": 1, "low": 2}


def audit_report(store: SQLStore, report_id: int) -> list[Finding]:
    doc = load(store, report_id)
    if doc is None:
        return []
    doc.previous = previous_of(store, doc)  # cross-year rules compare with the body's report of the year before
    out: list[Finding] = []
    for rule in RULES:
        out += rule.check(doc)
    out.sort(key=lambda f: (_SEV_ORDER.get(f.severity, 9), f.citations[0].start if f.citations else 0))
    return out


def audit_all(store: SQLStore) -> list[Finding]:
    out: list[Finding] = []
    for r in store.list_reports():
        out += audit_report(store, r.id)
    return out


__all__ = ["Finding", "audit_report", "audit_all", "pct_consistent", "BREAKDOWN_OF", "SEVERITY", "RULES", "TITLE"]
