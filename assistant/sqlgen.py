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

from assistant.question import MetricMatch, ParsedQuestion, item_pieces

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
    (_f("label"), "label"),
]


def _dimension_core(dim: str) -> str:
    core = re.sub(r"申请$", "", dim)
    return "法人" if core.startswith("法人") else core


def _pair_condition(metric_id: str, dimension: str) -> exp.Expression:
    """One crosswalk pair: exactly that (metric, dimension), or the share the report states of it."""
    share = f"{dimension} 占比".strip()
    return exp.and_(_f("metric_id").eq(_s(metric_id)), _f("dimension").isin(_s(dimension), _s(share)))


def metric_condition(m: MetricMatch) -> exp.Expression:
    """facts of the metric (or its family) with the asked dimension; no dimension = any, total ranked first;
    plus the crosswalk pairs stating the same figure under another template (部分公开 = 同意部分公开)."""
    ids = [m.metric_id, *[i for i in m.family if i != m.metric_id]]
    cond: exp.Expression = _f("metric_id").isin(*[_s(i) for i in ids])
    if m.dimension:
        core = _dimension_core(m.dimension)
        # Exact breakdown, or its share ("同意公开 占比") / a longer stored label holding the core word.
        cond = exp.and_(cond, exp.or_(_f("dimension").eq(_s(m.dimension)), _contains(_f("dimension"), core)))
    eqs = [_pair_condition(mid, dim) for mid, dim in getattr(m, "equivalents", []) or []]
    return exp.or_(exp.paren(cond), *[exp.paren(e) for e in eqs]) if eqs else cond


def exact_condition(m: MetricMatch, share: bool = False) -> exp.Expression:
    """Rows that are exactly the asked (metric, dimension) or one of its crosswalk pairs; with ``share``,
    the share the report states of them instead ("公民 占比")."""
    ids = [m.metric_id, *[i for i in m.family if i != m.metric_id]]
    dim = (lambda d: f"{d} 占比".strip()) if share else (lambda d: d)  # noqa: E731
    conds: list[exp.Expression] = [exp.and_(_f("metric_id").isin(*[_s(i) for i in ids]),
                                            _f("dimension").eq(_s(dim(m.dimension))))]
    conds += [exp.and_(_f("metric_id").eq(_s(mid)), _f("dimension").eq(_s(dim(d))))
              for mid, d in getattr(m, "equivalents", []) or []]
    return _any([exp.paren(c) for c in conds])


def item_condition(item: str) -> exp.Expression | None:
    """Facts a named item points at: every word of the item (quotation marks dropped) in the fact's prose
    label, quote or table row label ('“微海陵”公众号' -> quote holds 微海陵 and 公众号)."""
    pieces = item_pieces(item) or ([item] if item else [])
    if not pieces:
        return None
    return _all([exp.paren(_any([_contains(_f("metric_id"), p), _contains(_f("quote"), p),
                                 _contains(_f("row_label"), p)])) for p in pieces])


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

def by_parts_of(parsed: ParsedQuestion) -> bool:
    """Does the question name its items by words ("A、B和C一共", "A和B哪个多") rather than by metrics?"""
    return len(parsed.parts) >= 2 and len(parsed.metrics) < 2 and parsed.operation in ("sum", "list", "compare",
                                                                                      "difference")


def _targets(parsed: ParsedQuestion) -> tuple[list[str], list[str], list[exp.Expression]]:
    """(part labels, roles, condition per part): metric matches first, else enumerated items, else terms."""
    labels: list[str] = []
    roles: list[str] = []
    conds: list[exp.Expression] = []
    # "A、B和C一共" names its items; a single metric matched around them is context, not the items.
    by_parts = by_parts_of(parsed)
    # Items of a compare are often catalogue figures told apart only by their words (“微海陵”公众号 vs
    # “中国海陵”官方微博, both 发布信息): they match any fact's words; enumerated sum items stay prose labels.
    named = parsed.operation in ("compare", "difference")
    for m in ([] if by_parts else parsed.metrics):
        labels.append(m.metric_id + (f"/{m.dimension}" if m.dimension else ""))
        roles.append(m.role)
        conds.append(metric_condition(m))
    if not conds and len(parsed.parts) >= 2:
        for p in parsed.parts:
            c = item_condition(p) if named else label_condition([p])
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
    # Only reports whose vectors are written too (see reports.complete in index/sqlstore.py).
    filters: list[exp.Expression] = [exp.paren(where_subject), _r("complete")]
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
    # The asked (metric, dimension) or a crosswalk twin first, then totals, then shares and other breakdowns.
    asked = [] if by_parts_of(parsed) else parsed.metrics
    total_first = exp.Case()
    # A share question's part: the share the report states of it comes first (the composer prefers it,
    # and its conflicts are then about the share, not about the count beside it).
    stated = [exact_condition(m, share=True) for m in asked if parsed.operation == "percent" and m.role == "part"]
    if stated:
        total_first = total_first.when(_any(stated), _n(0))
    if asked:
        total_first = total_first.when(_any([exact_condition(m) for m in asked]), _n(1))
    total_first = total_first.when(_f("dimension").eq(_s("")), _n(2)).else_(_n(3))
    unit_first = _case(_f("unit").eq(_s(parsed.unit_hint)), _n(0), _n(1)) if parsed.unit_hint else None

    # copy=False: the tree is built fresh for this question, so sqlglot's defensive deep copies are waste.
    base = (sqlglot.select(*columns, copy=False)
            .from_(exp.table_("facts", alias="f"), copy=False)
            .join(exp.table_("reports", alias="r"), on=_r("id").eq(_f("report_id")), copy=False)
            .where(_all(filters), copy=False))

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
        inner = base.select(exp.alias_(rn, "rn"), copy=False)
        query = (sqlglot.select("*", copy=False).from_(inner.subquery("best", copy=False), copy=False)
                 .where(exp.column("rn", table="best").eq(_n(1)), copy=False)
                 .order_by(exp.Ordered(this=exp.column("value", table="best"), desc=op != "min"), copy=False)
                 .limit(row_limit, copy=False))
    else:
        order = [exp.Ordered(this=exp.column("match_rank")), exp.Ordered(this=exp.column("part"))]
        if len(parsed.report_ids) > 1:
            order.append(exp.Ordered(this=_f("report_id")))
        order += [exp.Ordered(this=table_first), exp.Ordered(this=total_first)]
        if unit_first is not None:
            order.append(exp.Ordered(this=unit_first))
        order += [exp.Ordered(this=exp.column("label_score"), desc=True), exp.Ordered(this=_f("start"))]
        query = base.order_by(*order, copy=False).limit(row_limit, copy=False)

    ids: list[str] = []
    for m in parsed.metrics:
        for i in [m.metric_id, *m.family, *[mid for mid, _ in getattr(m, "equivalents", []) or []]]:
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


__all__ = ["SQLPlan", "build_sql", "metric_condition", "exact_condition", "item_condition", "label_condition",
           "label_score", "to_postgres", "by_parts_of", "PROSE_PREFIX"]


def facts_of_reports(report_ids: list[int], row_limit: int = 20_000) -> str:
    """Every fact of the given reports, for matching by label (assistant/match/)."""
    columns = [exp.alias_(e, a, quoted=False) for e, a in _FACT_COLUMNS]
    query = (sqlglot.select(*columns, copy=False)
             .from_(exp.table_("facts", alias="f"), copy=False)
             .join(exp.table_("reports", alias="r"), on=_r("id").eq(_f("report_id")), copy=False)
             .where(_all([_r("complete"), _f("report_id").isin(*[_n(i) for i in report_ids])]), copy=False)
             .order_by(exp.Ordered(this=_f("report_id")), exp.Ordered(this=_f("start")), copy=False)
             .limit(row_limit, copy=False))
    return query.sql(dialect="sqlite")


__all__ += ["facts_of_reports"]
