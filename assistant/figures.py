"""The figures an answer gives, as rows of a table (one cited figure each), and the rows of cited table cells.

* ``cell_rows``: a cited table cell is shown with its whole row (row label and every cell, the cited one
  marked) instead of a bare 「32」; the row is read back from the stored table grid.
* ``figure_rows``: every figure an answer cites, as a :class:`Figure` (body, year, the report's label,
  value, unit, citation), read from the stored fact at the cited span; never a number out of a quote.
* ``finish``: both, for the engine's one call after answering.
"""
from __future__ import annotations

import json
import re
from collections import Counter

from sqlalchemy import and_, or_, select

from assistant.answers import Answer, Citation, Figure
from index.numbers import format_number
from index.sqlstore import PATH_SEP, SQLStore
from index.sqlstore import cells as cells_t
from index.sqlstore import facts as facts_t
from index.sqlstore import tables as tables_t

FIGURE_KINDS = ("table", "prose")  # citations of a stated figure (not "text" passages or "closest" ones)


def _spans(cites: list[Citation]) -> list[tuple[int, int, int]]:
    return list(dict.fromkeys(c.span for c in cites if c.report_id is not None))


def _span_filter(table, spans: list[tuple[int, int, int]]):  # noqa: ANN001, ANN202
    return or_(*[and_(table.c.report_id == r, table.c.start == s, table.c.end == e) for r, s, e in spans])


def cell_rows(store: SQLStore, cites: list[Citation]) -> None:
    """Give each cited table cell its row as the report prints it (``Citation.row``/``row_cell``)."""
    cited = [c for c in cites if c.kind == "table" and not c.row]
    spans = _spans(cited)
    if not spans:
        return
    with store.engine.connect() as conn:
        hits = conn.execute(select(cells_t.c.report_id, cells_t.c.start, cells_t.c.end, cells_t.c.table_id,
                                   cells_t.c.row, cells_t.c.col).where(_span_filter(cells_t, spans))).fetchall()
        grids = {tid: json.loads(g or "{}") for tid, g in conn.execute(
            select(tables_t.c.id, tables_t.c.grid).where(tables_t.c.id.in_({h.table_id for h in hits})))}
    at = {(h.report_id, h.start, h.end): h for h in hits}
    for c in cited:
        h = at.get(c.span)
        rows = grids.get(h.table_id, {}).get("rows", []) if h is not None else []
        if h is None or not 0 <= h.row < len(rows):
            continue
        row = [str(x) for x in rows[h.row]]
        if 0 <= h.col + 1 < len(row):  # the grid's first column is the row label
            c.row, c.row_cell = row, h.col + 1


def _label(f) -> str:  # noqa: ANN001
    """The report's words for a fact: its label, else its row and column labels."""
    lab = f.label or PATH_SEP.join(x for x in (f.row_label, f.col_label) if x)
    return lab or f.metric_id.removeprefix("prose:")


def _operand_count(arithmetic: str | None, value: float) -> int:
    """How often ``value`` is an operand of the answer's arithmetic ("5+5=10" -> 2 for 5)."""
    if not arithmetic:
        return 1
    v = format_number(value)  # as the arithmetic writes it
    left = arithmetic.split(";")[0].split("=")[0]
    return sum(tok == v for tok in re.split(r"[+\-−×÷*/()%≈\s]+", left))


def figure_rows(store: SQLStore, answer: Answer) -> list[Figure]:
    """One row per figure the answer cites (in citation order), each read from the stored fact at its span;
    a citation with no stored fact there (a passage) gives no row."""
    cited = [c for c in answer.citations if c.kind in FIGURE_KINDS]
    spans = _spans(cited)
    if not spans or not answer.found:
        return []
    with store.engine.connect() as conn:
        facts = conn.execute(select(facts_t).where(_span_filter(facts_t, spans)).order_by(facts_t.c.id)).fetchall()
    at: dict[tuple, object] = {}
    for f in facts:
        at.setdefault((f.report_id, f.start, f.end), f)
    out, seen = [], set()
    said: Counter = Counter()
    for c in cited:
        key = c.span
        f = at.get(key)
        if f is None or key in seen:
            continue
        seen.add(key)
        # the same figure restated elsewhere in its report is one figure (cited twice), unless the
        # computation uses that value more than once (5+5)
        said[(c.report_id, f.value, f.unit)] += 1
        if said[(c.report_id, f.value, f.unit)] > max(1, _operand_count(answer.arithmetic, f.value)):
            continue
        out.append(Figure(label=_label(f), body=c.body, year=c.year, value=f.value, unit=f.unit or "",
                          citation=c, report_id=c.report_id))
    return out


def finish(store: SQLStore, answer: Answer) -> Answer:
    """What every answer gets once composed: its cited cells' rows, and its table of figures (kept when
    the answer built one itself, a trend or a ranking)."""
    cell_rows(store, answer.citations + [c for k in answer.conflicts for c in k.citations]
              + [f.citation for f in answer.table if f.citation is not None])
    if not answer.table:
        answer.table = figure_rows(store, answer)
    return answer


__all__ = ["FIGURE_KINDS", "cell_rows", "figure_rows", "finish"]
