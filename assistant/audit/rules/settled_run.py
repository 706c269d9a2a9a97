"""``settled_run``: a prose figure against a template row whose digits the prose itself settles.

Text exports write a template row's cells together: "行政规范性文件34089" for 本年制发件数 | 本年废止件数 |
现行有效件数. When the run cuts more than one way the row is uncertain and nothing reads it
(index/cellsplit.py). The prose often states one cell of that row ("本年度制发规范性文件34件"): when only one
cut agrees with it, the row reads 34 | 0 | 89, and another figure the prose states of the same row
("现行有效件数424件") can be checked against it. A prose figure is a cell of the row when its catalogue
metric and dimension are the row's and the column's, or their equivalent in the crosswalk
(index/metrics.yaml ``equivalents``: 制发规范性文件 = 规范性文件 × 本年制发件数).

Flagged only when no cut agrees with every prose figure of the row (when one does, the answers read the
row so: index/settle.py). The table's figure is inferred, so
an answer about it gives the prose's (``preferred``)."""
from __future__ import annotations

from functools import lru_cache

from assistant.audit.document import Document, Finding, fmt, label_path, own_figure
from index.metrics import Catalogue, load_catalogue
from index.settle import agrees, cuts, row_columns, stated_cells

NAME = "settled_run"
SEVERITY = "high"
TITLE = "正文与表格数字不一致"  # what a user is shown for the rule


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return load_catalogue()


def check(doc: Document) -> list[Finding]:
    cat = _catalogue()
    prose = [f for f in doc.facts if not f.conflict and own_figure(doc.text, doc.year, f)]
    out = []
    for t in doc.tables:
        for c in t.cells:
            if not c.uncertain or c.value is not None:
                continue
            columns = row_columns(cat, t, c)
            if columns is None or len(columns) < 2:
                continue
            stated = stated_cells(cat, columns, prose)
            if len(stated) < 2:
                continue  # one prose figure of the row can settle it, never contradict it
            readings = cuts(c.raw, len(columns), t.kind)
            if not readings or any(agrees(cut, stated) for cut in readings):
                continue  # some reading of the row agrees with everything the prose says of it
            heads = [label_path(lbl)[-1] for _, lbl in sorted(t.column_labels().items())]
            row_name = label_path(c.row_label)[-1]
            for j, fs in stated.items():
                only = [cut for cut in readings if agrees(cut, {j: fs})]
                if len(only) != 1:
                    continue
                row = only[0]
                for k, gs in stated.items():
                    for g in gs:
                        if k == j or row[k] == g.value:
                            continue
                        msg = (f"正文称{''.join(label_path(g.label))}{fmt(g.value)}{g.unit or ''};表中“{row_name}”一行写作"
                               f"“{c.raw}”,按正文所称{heads[j]}{fmt(fs[0].value)}只能拆为{'、'.join(map(str, row))},"
                               f"其{heads[k]}为{row[k]},二者不一致。")
                        out.append(doc.finding(
                            NAME, SEVERITY, msg, {"prose_value": g.value, "table_value": float(row[k])},
                            f"“{c.raw}” = {' | '.join(map(str, row))}; {fmt(g.value)} ≠ {row[k]}",
                            [doc.cite_fact(g), doc.cite_cell(t, c)], preferred="prose_value",
                            context=list(map(doc.cite_fact, fs))))
                break
    return out
