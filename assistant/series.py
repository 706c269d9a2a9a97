"""One quantity over several reports as a table of figures: a trend (one body over the years) or a ranking
(bodies side by side in one year). Every figure is a stored fact of its own report, with its citation; the
changes between years are computed with their arithmetic shown; a year no report is loaded for, or whose
report does not state the figure, is said and never filled.

Each report's figure is found the way a one-report question finds it: the catalogue metric the question names
(the best fact per report, as ``sqlgen.build_sql`` ranks them for a ranking), else the report's own words for
the quantity (``assistant.match.resolve``). The engine calls :func:`answer_series` once per question.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from assistant.answers import Answer, Figure
from assistant.compose import _fmt
from assistant.question.series import Series, parse_series
from index.sqlstore import PATH_SEP

MISSING_YEAR = "未载入"  # no report of that year is loaded
NOT_STATED = "的报告中没有找到这个数字"
MAX_LABEL = 40  # no row label of the national template is longer


def _label(f, name: str = "") -> str:  # noqa: ANN001
    """The report's words for the figure: a table row's own label (with its column unless that is the row's
    总计), a prose figure's naming words."""
    from index.tables import strip_numbering

    if f.row_label:
        col = f.col_label.split(PATH_SEP)[-1] if f.col_label else ""
        row = strip_numbering(f.row_label.split(PATH_SEP)[-1])
        if len(row) > MAX_LABEL and f.col_label:  # a header run read as a row label: the column names it
            return f.col_label
        return row + (f"({col})" if col and col not in ("总计", "合计") else "")
    return name or f.label or f.metric_id


def _catalogue(engine, parsed, ids: list[int]) -> tuple[str, dict[int, tuple]]:  # noqa: ANN001
    """Per report, the best fact of the catalogue metric the question names (none when it names none)."""
    from assistant.guard import SQLRefused
    from assistant.sqlgen import build_sql

    if not parsed.metrics:
        return "", {}
    plan = build_sql(replace(parsed, operation="rank", report_ids=ids, parts=[]))
    if plan is None:
        return "", {}
    try:
        sql, _, _, facts = engine._run(plan.sql)
    except SQLRefused:
        return "", {}
    return sql, {f.report_id: (f, "") for f in facts if f.part >= 0 and f.report_id in ids}


def _by_label(engine, question: str, parsed, ids: list[int]) -> tuple[str, dict[int, tuple]]:  # noqa: ANN001
    """Per report, the fact the question's own words for the quantity match (assistant/match)."""
    from assistant.guard import SQLRefused
    from assistant.match import asked_class, resolve
    from assistant.match.phrase import split_across

    item = split_across(parsed.text, parsed.body_mentions)
    if not item or not ids:
        return "", {}
    try:
        sql, _, _, facts = engine.report_facts(ids)
    except SQLRefused:
        return "", {}
    weight, cls = engine._label_weights(), asked_class(question, parsed.unit_hint)
    out = {}
    for i in ids:
        r = resolve(item, [f for f in facts if f.report_id == i], weight, parsed.unit_hint, cls,
                    semantic=engine.semantic)
        if r.ok:
            out[i] = (r.best.fact, r.best.name)
    return sql, out


def figures_of(engine, question: str, parsed, ids: list[int]) -> tuple[list[str], dict[int, tuple]]:  # noqa: ANN001
    """(SQL run, {report id: (fact row, name)}): the catalogue first, the report's words for the rest."""
    sqls, found = [], {}
    sql, got = _catalogue(engine, parsed, ids)
    if got:
        sqls.append(sql)
        found.update(got)
    rest = [i for i in ids if i not in found]
    if rest:
        sql, got = _by_label(engine, question, parsed, rest)
        if got:
            sqls.append(sql)
            found.update(got)
    # One quantity is counted in one unit: a figure in another unit is another quantity, not this one.
    units = Counter(f.unit for f, _ in found.values())
    if len(units) > 1:
        unit = units.most_common(1)[0][0]
        found = {i: v for i, v in found.items() if v[0].unit == unit}
    return sqls, found


def _trend(question: str, s: Series, refs: dict, found: dict) -> Answer:
    rows: list[Figure] = []
    prev = None
    by_year = {refs[i].year: i for i in s.report_ids}
    for y in s.years:
        i = by_year.get(y)
        hit = found.get(i) if i is not None else None
        if hit is None:
            rows.append(Figure(label="", body=refs[i].body if i is not None else "", year=y, value=None, unit="",
                               report_id=i))
            continue
        f, name = hit
        fig = Figure(label=_label(f, name), body=f.body, year=f.year, value=f.value, unit=f.unit or "",
                     citation=f.citation(), report_id=f.report_id)
        if prev is not None:
            fig.change = f.value - prev.value
            fig.arithmetic = f"{_fmt(f.value)}-{_fmt(prev.value)}={_fmt(fig.change)}"
        rows.append(fig)
        prev = fig
    stated = [r for r in rows if r.value is not None]
    label = stated[0].label if stated else ""
    for r in rows:
        r.label = r.label or label
        r.unit = r.unit or (stated[0].unit if stated else "")
        r.body = r.body or (stated[0].body if stated else "")
    unloaded = [f"{r.year}年" for r in rows if r.value is None and r.report_id is None]
    unstated = [f"{r.year}年" for r in rows if r.value is None and r.report_id is not None]
    if len(stated) < 1:
        return Answer(question=question, route="sql", found=False, table=rows, chart_kind="",
                      answer="所问年份的报告中都没有找到这个数字" + (f"({'、'.join(unloaded)}{MISSING_YEAR})" if unloaded else "")
                      + "。", notes=["series: no figure"])
    body, unit = stated[0].body, stated[0].unit
    listing = ",".join(f"{r.year}年{_fmt(r.value)}{unit}" for r in stated)
    text = f"{body}「{label.split(PATH_SEP)[-1]}」:{listing}。"
    hi = max(stated, key=lambda r: r.value)
    lo = min(stated, key=lambda r: r.value)
    value, arith = None, None
    if len(stated) >= 2:
        first, last = stated[0], stated[-1]
        change = last.value - first.value
        arith = f"{_fmt(last.value)}-{_fmt(first.value)}={_fmt(change)}"
        word = "增加" if change > 0 else "减少" if change < 0 else "持平,变化"
        text += (f"最高为{hi.year}年{_fmt(hi.value)}{unit},最低为{lo.year}年{_fmt(lo.value)}{unit};"
                 f"{last.year}年比{first.year}年{word}{_fmt(abs(change))}{unit}({arith})。")
        # the figure asked: the highest or lowest year when asked which, else the change over the span
        value = {"max": hi.value, "min": lo.value}.get(s.order, change)
    else:
        value = stated[0].value
    if unloaded:
        text += f"{'、'.join(unloaded)}{MISSING_YEAR}。"
    if unstated:
        text += f"{'、'.join(unstated)}{NOT_STATED}。"
    return Answer(question=question, answer=text, route="sql", value=value, unit=unit or None, arithmetic=arith,
                  citations=[r.citation for r in stated], table=rows, chart_kind="line")


def _rank(question: str, s: Series, refs: dict, found: dict) -> Answer:
    stated = [Figure(label=_label(f, name), body=f.body, year=f.year, value=f.value, unit=f.unit or "",
                     citation=f.citation(), report_id=f.report_id) for f, name in found.values()]
    stated.sort(key=lambda r: r.value, reverse=s.order != "min")
    missing = [Figure(label="", body=refs[i].body, year=refs[i].year, value=None, unit="", report_id=i)
               for i in s.report_ids if i not in found]
    year = s.years[0] if s.years else ""
    if not stated:
        return Answer(question=question, route="sql", found=False, table=missing,
                      answer=f"{year}年各报告中都没有找到这个数字。", notes=["series: no figure"])
    unit = stated[0].unit
    for r in missing:
        r.label, r.unit = stated[0].label, unit
    listing = ";".join(f"{r.body}{_fmt(r.value)}{unit}" for r in stated)
    top, bottom = stated[0], stated[-1]
    most, least = ("最少", "最多") if s.order == "min" else ("最多", "最少")
    text = f"{year}年「{stated[0].label.split(PATH_SEP)[-1]}」:{listing}。{most}的是{top.body}({_fmt(top.value)}{unit})"
    if len(stated) >= 2:
        text += f",{least}的是{bottom.body}({_fmt(bottom.value)}{unit})"
    text += "。"
    if missing:
        text += f"{'、'.join(r.body for r in missing)}{NOT_STATED},未计入。"
    return Answer(question=question, answer=text, route="sql", value=top.value, unit=unit or None,
                  citations=[r.citation for r in stated], table=stated + missing, chart_kind="bar")


def answer_series(engine, question: str, parsed) -> Answer | None:  # noqa: ANN001
    """The table-of-figures answer to a trend or ranking question; None for any other question."""
    refs_list = engine.report_refs()
    s = parse_series(parsed, refs_list)
    if s is None:
        return None
    refs = {r.id: r for r in refs_list}
    sqls, found = figures_of(engine, question, parsed, s.report_ids)
    ans = _trend(question, s, refs, found) if s.kind == "trend" else _rank(question, s, refs, found)
    ans.sql = ";\n".join(sqls) or None
    if ans.found:
        engine._attach_findings(ans)  # audit notes about the cited figures only
    return ans


__all__ = ["MISSING_YEAR", "NOT_STATED", "answer_series", "figures_of"]
