"""An asked template cell whose row is an uncertain run of digits, read with the prose's help.

"行政规范性文件15621" (本年制发件数 | 本年废止件数 | 现行有效件数) cuts several ways; the report's prose says
"废止规范性文件6件,制定规范性文件15件", and only 15 | 6 | 21 agrees with both (index/settle.py). Asked for
the 现行有效件数, the answer is 21, with the run and the prose figures that settled it cited and the
reading shown. Without such prose the row stays unread and the answer says so (engine ``_uncertain_rows``)."""
from __future__ import annotations

from assistant.answers import Answer
from assistant.audit.document import Document, own_figure
from index.numbers import format_number
from index.settle import Settled, row_columns, settle
from index.sqlstore import PATH_SEP as SEP
# How a settled answer's note starts (the engine keeps such an answer over a label match of other words)
SETTLED_NOTE = "row settled by the prose"


def answer_settled(engine, question: str, parsed, found: list) -> Answer | None:  # noqa: ANN001
    """The asked cell of one report's uncertain row when the prose settles that row, else None (also when
    ``found``, the facts the catalogue's SQL returned, already hold the asked metric and dimension)."""
    if len(parsed.report_ids) != 1 or len(parsed.metrics) != 1 or parsed.operation not in ("lookup", "none"):
        return None
    m = parsed.metrics[0]
    asked = {(m.metric_id, m.dimension), *((mid, dim) for mid, dim in (m.equivalents or []))}
    if any((f.metric_id, f.dimension) in asked for f in found):
        return None
    report = engine.sql.load_report(parsed.report_ids[0], figures=True)
    if report is None:
        return None
    facts = [f for f in report.facts if own_figure(report.text, report.meta.year, f)]
    for t in report.tables:
        for c in t.cells:
            if not c.uncertain or c.value is not None:
                continue
            columns = row_columns(engine.catalogue, t, c)
            j = next((j for j, keys in enumerate(columns or []) if keys & asked), None)
            if j is None:
                continue
            s = settle(engine.catalogue, t, c, facts)
            if s is None or _said_otherwise(report.facts, s, j):
                continue
            return _answer(question, report, s, j, engine.catalogue.get(m.metric_id))
    return None


def _said_otherwise(facts, s: Settled, j: int) -> bool:  # noqa: ANN001
    """The prose states the asked cell itself in its own words ("现行有效规范性文件20件": the row's name and
    the column's) with another value than the reading: that figure is the report's answer, not the reading."""
    import re

    names = {s.cell.row_label.split(SEP)[-1], s.metric.name, *s.metric.synonyms}
    head = re.sub(r"(件数|数量|个数|数)$", "", s.heads[j])
    return any(f.source == "prose" and head in (f.label or "") and any(n in (f.label or "") for n in names)
               and f.value != s.values[j] for f in facts)


def _answer(question: str, report, s: Settled, j: int, metric) -> Answer:  # noqa: ANN001
    meta = report.meta
    row = s.cell.row_label.split(SEP)[-1]
    unit = (metric.unit_for(s.heads[j]) if metric is not None else "") or ""
    value = s.values[j]
    said = "、".join(f"{f.label.split(SEP)[-1]}{format_number(f.value)}{f.unit or ''}" for f in s.by)
    cut = "、".join(map(str, s.values))
    text = (f"{meta.body}{meta.year}年「{row}」的{s.heads[j]}为{value}{unit}。表中该行数字连写为「{s.cell.raw}」,"
            f"拆分方式不止一种;正文称{said},只有拆为{cut}({'、'.join(s.heads)})与之相符,故按此读出。")

    doc = Document(report, {})  # cited as the audit cites a cell and a fact
    cites = [doc.cite(s.cell.start, s.cell.end, SEP.join(s.table.section_path), "table", s.cell.row_label,
                      s.heads[j]), *map(doc.cite_fact, s.by)]
    return Answer(question=question, answer=text, route="sql", value=float(value), unit=unit or None,
                  arithmetic=f"「{s.cell.raw}」= {' | '.join(map(str, s.values))}", citations=cites,
                  notes=[f"{SETTLED_NOTE}: {row!r} read as {cut} because the prose says {said}"])


__all__ = ["answer_settled"]
