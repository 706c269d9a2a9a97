"""A template row's run of digits read with the prose's help.

Text exports write a template row's cells together: "行政规范性文件15621" for 本年制发件数 | 本年废止件数 |
现行有效件数. When the run cuts more than one way the row is uncertain (index/cellsplit.py) and nothing is
read from it as certain. The prose often states cells of that row ("制定规范性文件15件", "废止规范性文件6
件"): the cuts that agree with every figure the prose states of the row may leave exactly one, and then
the row reads 15 | 6 | 21. A prose figure is a cell of the row when its catalogue metric and dimension
are the row's and the column's, or their equivalent in the crosswalk (index/metrics.yaml
``equivalents``: 制发规范性文件 = 规范性文件 × 本年制发件数).

``settle`` is what the answers use (assistant/engine.py: the row read so, the prose figures that
settled it cited beside the run); the audit's ``settled_run`` rule uses ``row_columns`` and ``cuts`` to
find a prose figure the only cut left by another prose figure contradicts."""
from __future__ import annotations

from dataclasses import dataclass

from index.cellsplit import apply_row_check, candidates, review_row_check
from index.metrics import Catalogue, Metric, normalize_label
from index.models import Cell, Fact, Table
from index.tables import SEP


def row_metric(cat: Catalogue, t: Table, c: Cell) -> Metric | None:
    """The catalogue metric of ``c``'s row in the template table ``t``, or None."""
    path = [p for p in (c.row_label or "").split(SEP) if p]
    if not t.kind.startswith("template_") or not path:
        return None
    r = cat.resolve(path[-1], [*path[:-1], *([t.title] if t.title else [])], t.kind, None)
    return r.metric if r is not None else None


def row_columns(cat: Catalogue, t: Table, c: Cell) -> list[set[tuple[str, str]]] | None:
    """For each column of ``t``, the (metric, dimension) pairs a prose figure stating that cell of
    ``c``'s row carries; None when the row is no catalogue metric of a template table."""
    metric = row_metric(cat, t, c)
    if metric is None:
        return None
    out = []
    for _, label in sorted(t.column_labels().items()):
        dim = cat.dimension_of(metric, label)
        out.append({(metric.id, dim), *cat.equivalents(metric.id, dim)})
    return out


def stated_cells(cat: Catalogue, columns: list[set[tuple[str, str]]], facts: list[Fact]) -> dict[int, list[Fact]]:
    """The prose figures of the row by column index: those whose words name its metric or column (a
    figure that only mentions it states nothing of the row)."""
    out: dict[int, list[Fact]] = {}
    for f in facts:
        if f.source != "prose" or not _names_its_metric(cat, f):
            continue
        for j, keys in enumerate(columns):
            if (f.metric, f.dimension) in keys:
                out.setdefault(j, []).append(f)
    return out


# The identity a row of each template table keeps across its cells (index/cellsplit.py): the applicant
# columns add up to 总计; each group of the review table adds up to its 总计. The 主动公开 tables have none.
_ROW_CHECKS = {"template_apply": apply_row_check, "template_review": review_row_check}


def _names_its_metric(cat: Catalogue, f: Fact) -> bool:
    """The figure's words end in its metric's name or its column ("…废止规范性文件6件"), so the figure is
    that quantity; "制定规范性文件配套政策解读材料15件" only mentions it."""
    label = normalize_label((f.label or "").split(SEP)[-1])
    m = cat.get(f.metric)
    if m is None or not label:
        return False
    names = [m.name, *m.synonyms, *([f.dimension] if f.dimension else [])]
    return any(label.endswith(normalize_label(n)) for n in names if normalize_label(n))


def cuts(raw: str, n: int, kind: str = "") -> list[list[int]]:
    """Every cut of the run ``raw`` into ``n`` cells that keeps the row identity of a ``kind`` table."""
    check = _ROW_CHECKS.get(kind, lambda v: True)
    return [[int(x) for x in cut] for cut in candidates(raw, n, check)[0]]


def agrees(cut: list[int], stated: dict[int, list[Fact]]) -> bool:
    return all(cut[j] == f.value for j, fs in stated.items() for f in fs)


@dataclass(frozen=True)
class Settled:
    """The uncertain cell ``cell`` of table ``table`` read as ``values`` (one per column, in column
    order, headed ``heads``) because only that cut agrees with the prose figures ``by``."""

    table: Table
    cell: Cell
    values: tuple[int, ...]
    heads: tuple[str, ...]
    by: tuple[Fact, ...]
    metric: Metric  # the row's


def settle(cat: Catalogue, t: Table, c: Cell, facts: list[Fact]) -> Settled | None:
    """The one reading of the uncertain run ``c`` that every prose figure of its row agrees with, or None
    (no figure of the row stated, none or several cuts left)."""
    if not c.uncertain or c.value is not None:
        return None
    columns = row_columns(cat, t, c)
    if columns is None or len(columns) < 2:
        return None
    stated = stated_cells(cat, columns, facts)
    if not stated:
        return None
    left = [cut for cut in cuts(c.raw, len(columns), t.kind) if agrees(cut, stated)]
    if len(left) != 1:
        return None
    heads = tuple(label.split(SEP)[-1] for _, label in sorted(t.column_labels().items()))
    return Settled(t, c, tuple(left[0]), heads, tuple(f for j in sorted(stated) for f in stated[j]),
                   row_metric(cat, t, c))


__all__ = ["Settled", "agrees", "cuts", "row_columns", "row_metric", "settle", "stated_cells"]
