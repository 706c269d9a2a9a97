"""SQL over the facts table for a parsed question, built with sqlglot's expression builder.

User words only ever enter the SQL as string literals (``exp.Literal``), never as SQL text. The query
fetches candidate facts with everything a citation needs; arithmetic (sums, differences, percentages)
is done by the caller in Python so that it can be shown. Written for SQLite; transpiles to PostgreSQL.

Result columns (one row per fact): the fields of ``assistant.engine.FactRow`` plus
``part`` (index of the metric / enumerated item the row answers, see ``SQLPlan.parts``),
``match_rank`` (0 catalogue metric, 1 prose label), ``label_score`` and, for max/min/rank, ``rn``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from assistant.question import MetricMatch, ParsedQuestion

PROSE_PREFIX = "prose:"


@dataclass
class SQLPlan:
    sql: str
    params: dict = field(default_factory=dict)  # what the filters were, for display and debugging
    operation: str = "lookup"
    metric_ids: list[str] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # label of each ``part`` index
    roles: list[str] = field(default_factory=list)  # part | whole per part (percent questions)


# -- small builders ---------------------------------------------------------------------------

def _f(name: str) -> exp.Column:
    return exp.column(name, table="f", quoted=True)


def _r(name: str) -> exp.Column:
    return exp.column(name, table="r", quoted=True)


def _s(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def _n(value: float | int) -> exp.Literal:
    return exp.Literal.number(value)


def _contains(col: exp.Expression, text: str) -> exp.Like:
    # LIKE wildcards in user words are dropped: they are matched as plain text.
    clean = re.sub(r"[%_\\]", "", text)
    return exp.Like(this=col, expression=_s(f"%{clean}%"))


def _case(cond: exp.Expression, then: exp.Expression, default: exp.Expression) -> exp.Case:
    return exp.Case().when(cond, then).else_(default)


def _any(conds: list[exp.Expression]) -> exp.Expression:
    return exp.or_(*conds) if len(conds) > 1 else conds[0]


def _all(conds: list[exp.Expression]) -> exp.Expression:
    return exp.and_(*conds) if len(conds) > 1 else conds[0]


_FACT_COLUMNS: list[tuple[exp.Expression, str]] = [
    (_f("id"), "fact_id"), (_f("report_id"), "report_id"), (_r("source"), "source"), (_r("title"), "title"),
    (_r("body"), "body"), (_r("region"), "region"), (_r("year"), "year"), (_f("metric_id"), "metric_id"),
    (_f("dimension"), "dimension"), (_f("value"), "value"), (_f("unit"), "unit"), (_f("source"), "origin"),
    (_f("section_path"), "section_path"), (_f("quote"), "quote"), (_f("start"), "start"), (_f("end"), "end"),
    (_f("row_label"), "row_label"), (_f("col_label"), "col_label"), (_f("conflict"), "conflict"),
]


def _dimension_core(dim: str) -> str:
    core = re.sub(r"申请$", "", dim)
    return "法人" if core.startswith("法人") else core


def metric_condition(m: MetricMatch) -> exp.Expression:
    """facts of the metric (or its family) with the asked dimension; no dimension = any, total ranked first."""
    ids = [m.metric_id, *[i for i in m.family if i != m.metric_id]]
    cond: exp.Expression = _f("metric_id").isin(*[_s(i) for i in ids])
    if m.dimension:
        core = _dimension_core(m.dimension)
        # Exact breakdown, or its share ("同意公开 占比") / a longer stored label holding the core word.
        cond = exp.and_(cond, exp.or_(_f("dimension").eq(_s(m.dimension)), _contains(_f("dimension"), core)))
    return cond


def label_condition(terms: list[str]) -> exp.Expression | None:
    """Prose facts whose label (metric_id 'prose:<label>') or quote holds a content word."""
    conds = [c for t in terms for c in (_contains(_f("metric_id"), t), _contains(_f("quote"), t))]
    if not conds:
        return None
    return exp.and_(_f("metric_id").like(_s(PROSE_PREFIX + "%")), exp.paren(_any(conds)))


def label_score(terms: list[str]) -> exp.Expression:
    """2 per content word in the prose label, 1 per word in the quote."""
    score: exp.Expression = _n(0)
    for t in terms:
        score = exp.Add(this=score, expression=_case(_contains(_f("metric_id"), t), _n(2), _n(0)))
        score = exp.Add(this=score, expression=_case(_contains(_f("quote"), t), _n(1), _n(0)))
    return score


# -- the plan ---------------------------------------------------------------------------------

def _targets(parsed: ParsedQuestion) -> tuple[list[str], list[str], list[exp.Expression]]:
    """(part labels, roles, condition per part): metric matches first, else enumerated items, else terms."""
    labels: list[str] = []
    roles: list[str] = []
    conds: list[exp.Expression] = []
    # "A、B和C一共" names its items; a single metric matched around them is context, not the items.
    by_parts = len(parsed.parts) >= 2 and len(parsed.metrics) < 2 and parsed.operation in ("sum", "list", "compare",
                                                                                           "difference")
    for m in ([] if by_parts else parsed.metrics):
        labels.append(m.metric_id + (f"/{m.dimension}" if m.dimension else ""))
        roles.append(m.role)
        conds.append(metric_condition(m))
    if not conds and len(parsed.parts) >= 2:
        for p in parsed.parts:
            c = label_condition([p])
            if c is not None:
                labels.append(p)
                roles.append("")
                conds.append(c)
    return labels, roles, conds


def build_sql(parsed: ParsedQuestion, row_limit: int = 200) -> SQLPlan | None:
    """The SELECT answering ``parsed``; None when it names nothing to look up."""
    labels, roles, conds = _targets(parsed)
    terms = [t for t in parsed.label_terms if t]
    prose = label_condition(terms)
    if not conds and prose is None:
        return None

    # Across reports only the named metric is comparable; prose labels are a fallback when none matched.
    use_prose = prose is not None and not (conds and parsed.operation in ("max", "min", "rank"))
    where_subject = _any([*conds, *([prose] if use_prose else [])])
    filters: list[exp.Expression] = [exp.paren(where_subject)]
    if parsed.report_ids:
        filters.append(_f("report_id").isin(*[_n(i) for i in parsed.report_ids]))
    elif parsed.years:
        filters.append(_r("year").isin(*[_n(y) for y in parsed.years]))

    part = exp.Case()
    for i, c in enumerate(conds):
        part = part.when(c, _n(i))
    part = part.else_(_n(-1)) if conds else _n(-1)
    match_rank = _case(_any(conds), _n(0), _n(1)) if conds else _n(1)
    columns = [exp.alias_(e, a, quoted=False) for e, a in _FACT_COLUMNS]
    columns += [exp.alias_(part, "part"), exp.alias_(match_rank, "match_rank"),
                exp.alias_(label_score(terms), "label_score")]

    table_first = _case(_f("source").eq(_s("table")), _n(0), _n(1))
    total_first = _case(_f("dimension").eq(_s("")), _n(0), _n(1))
    unit_first = _case(_f("unit").eq(_s(parsed.unit_hint)), _n(0), _n(1)) if parsed.unit_hint else None

    base = (sqlglot.select(*columns)
            .from_(exp.table_("facts", alias="f"))
            .join(exp.table_("reports", alias="r"), on=_r("id").eq(_f("report_id")))
            .where(_all(filters)))

    op = parsed.operation
    if op in ("max", "min", "rank"):
        # Per report, the best fact for the asked metric (catalogue before prose, table before prose,
        # total before breakdowns), then reports ordered by its value.
        order_in_report = [exp.Ordered(this=match_rank), exp.Ordered(this=table_first),
                           exp.Ordered(this=total_first)]
        if unit_first is not None:
            order_in_report.append(exp.Ordered(this=unit_first))
        order_in_report += [exp.Ordered(this=label_score(terms), desc=True), exp.Ordered(this=_f("start"))]
        rn = exp.Window(this=exp.RowNumber(), partition_by=[_f("report_id")],
                        order=exp.Order(expressions=order_in_report))
        inner = base.select(exp.alias_(rn, "rn"))
        query = (sqlglot.select("*").from_(inner.subquery("best"))
                 .where(exp.column("rn", table="best").eq(_n(1)))
                 .order_by(exp.Ordered(this=exp.column("value", table="best"), desc=op != "min"))
                 .limit(row_limit))
    else:
        order = [exp.Ordered(this=exp.column("match_rank")), exp.Ordered(this=exp.column("part"))]
        if len(parsed.report_ids) > 1:
            order.append(exp.Ordered(this=_f("report_id")))
        order += [exp.Ordered(this=table_first), exp.Ordered(this=total_first)]
        if unit_first is not None:
            order.append(exp.Ordered(this=unit_first))
        order += [exp.Ordered(this=exp.column("label_score"), desc=True), exp.Ordered(this=_f("start"))]
        query = base.order_by(*order).limit(row_limit)

    ids: list[str] = []
    for m in parsed.metrics:
        for i in [m.metric_id, *m.family]:
            if i not in ids:
                ids.append(i)
    return SQLPlan(
        sql=query.sql(dialect="sqlite"),
        params={"report_ids": list(parsed.report_ids), "years": list(parsed.years), "metrics": labels,
                "label_terms": terms, "unit_hint": parsed.unit_hint, "parts": list(parsed.parts)},
        operation=op, metric_ids=ids, report_ids=list(parsed.report_ids), parts=labels, roles=roles,
    )


def to_postgres(sql: str) -> str:
    return sqlglot.transpile(sql, read="sqlite", write="postgres")[0]


__all__ = ["SQLPlan", "build_sql", "metric_condition", "label_condition", "label_score", "to_postgres",
           "PROSE_PREFIX"]
