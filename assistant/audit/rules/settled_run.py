"""``settled_run``: a prose figure against a template row whose digits the prose itself settles.

Text exports write a template row's cells together: "行政规范性文件34089" for 本年制发件数 | 本年废止件数 |
现行有效件数. When the run cuts more than one way the row is uncertain and nothing reads it
(index/cellsplit.py). The prose often states one cell of that row ("本年度制发规范性文件34件"): when only one
cut agrees with it, the row reads 34 | 0 | 89, and another figure the prose states of the same row
("现行有效件数424件") can be checked against it. A prose figure is a cell of the row when its catalogue
metric and dimension are the row's and the column's, or their equivalent in the crosswalk
(index/metrics.yaml ``equivalents``: 制发规范性文件 = 规范性文件 × 本年制发件数).

Flagged only when no cut agrees with every prose figure of the row. The table's figure is inferred, so
an answer about it gives the prose's (``preferred``)."""
from __future__ import annotations

from functools import lru_cache

from assistant.audit.document import OTHER_PERIOD, Document, Finding, fmt, label_path
from index.cellsplit import candidates
from index.facts import is_cumulative
from index.metrics import Catalogue, load_catalogue
from index.models import Cell, Fact, Table

NAME = "settled_run"
SEVERITY = "high"
TITLE = "正文与表格数字不一致"  # what a user is shown for the rule


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return load_catalogue()


def _row_columns(cat: Catalogue, t: Table, c: Cell) -> list[set[tuple[str, str]]] | None:
    """For each column of the table, the (metric, dimension) pairs a prose figure of that cell of
    ``c``'s row may carry; None when the row is no catalogue metric."""
    path = label_path(c.row_label)
    if not path:
        return None
    r = cat.resolve(path[-1], [*path[:-1], *([t.title] if t.title else [])], t.kind, None)
    if r is None:
        return None
    out = []
    for _, label in sorted(t.column_labels().items()):
        dim = cat.dimension_of(r.metric, label)
        out.append({(r.metric.id, dim), *cat.equivalents(r.metric.id, dim)})
    return out


def check(doc: Document) -> list[Finding]:
    cat = _catalogue()
    prose = [f for f in doc.facts if f.source == "prose" and not f.conflict and not is_cumulative(f)
             and not OTHER_PERIOD.search(f.label or "")]
    out = []
    for t in doc.tables:
        if not t.kind.startswith("template_"):
            continue
        for c in t.cells:
            if not c.uncertain:
                continue
            columns = _row_columns(cat, t, c)
            if columns is None or len(columns) < 2:
                continue
            stated: dict[int, list[Fact]] = {}
            for f in prose:
                for j, keys in enumerate(columns):
                    if (f.metric, f.dimension) in keys:
                        stated.setdefault(j, []).append(f)
            if len(stated) < 2:
                continue  # one prose figure of the row can settle it, never contradict it
            cuts = [[int(x) for x in cut] for cut in candidates(c.raw, len(columns), lambda v: True)[0]]
            if not cuts or any(all(cut[j] == f.value for j, fs in stated.items() for f in fs) for cut in cuts):
                continue  # some reading of the row agrees with everything the prose says of it
            for j, fs in stated.items():
                only = [cut for cut in cuts if all(cut[j] == f.value for f in fs)]
                if len(only) != 1:
                    continue
                row = only[0]
                for k, gs in stated.items():
                    for g in gs:
                        if k == j or row[k] == g.value:
                            continue
                        heads = [label_path(lbl)[-1] for _, lbl in sorted(t.column_labels().items())]
                        row_name = label_path(c.row_label)[-1]
                        msg = (f"正文称{''.join(label_path(g.label))}{fmt(g.value)}{g.unit or ''};表中“{row_name}”一行写作“{c.raw}”,"
                               f"按正文所称{heads[j]}{fmt(fs[0].value)}只能拆为{'、'.join(map(str, row))},"
                               f"其{heads[k]}为{row[k]},二者不一致。")
                        out.append(doc.finding(
                            NAME, SEVERITY, msg, {"prose_value": g.value, "table_value": float(row[k])},
                            f"“{c.raw}” = {' | '.join(map(str, row))}; {fmt(g.value)} ≠ {row[k]}",
                            [doc.cite_fact(g), doc.cite_cell(t, c), *map(doc.cite_fact, fs)],
                            preferred="prose_value"))
                break
    return out
