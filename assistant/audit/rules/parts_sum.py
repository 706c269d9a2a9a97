"""``parts_sum``: a table's parts against its stated total — child rows against their parent row or a 总计
sibling row, part columns against a 总计 column, and a breakdown with no total of its own (申请来源)
against the total it breaks down (收到申请数).

``Tree``, ``is_total`` and ``value_cols`` read a table's structure; the ``percentage`` rule uses them too."""
from __future__ import annotations

import re
from collections import defaultdict

from assistant.audit.document import Document, Finding, certain, eq, fmt, label_path, short
from index.models import Cell, Table
from index.sqlstore import PATH_SEP
from index.tables import numbering_level, strip_numbering

NAME = "parts_sum"
SEVERITY = "high"
TITLE = "表中分项与合计不符"  # what a user is shown for the rule

# A breakdown stated without a total of its own is a breakdown of this metric's total
# (附表 "(四)申请来源" rows are the applications counted in "(一)收到申请数").
BREAKDOWN_OF = {"apply_source": "apply_received"}

_TOTAL_LABEL = re.compile(r"(总计|合计|总数|共计|小计)$")
_UNIT_COL = re.compile(r"^(计量)?单位$")


class Tree:
    """Rows of one table as a label-path tree; values per column."""

    def __init__(self, t: Table):
        self.t = t
        self.rows: dict[tuple[str, ...], int] = {}
        for i, lab in enumerate(t.row_labels()):
            p = label_path(lab)
            if p and p not in self.rows:
                self.rows[p] = i
        # headings may be implied by their rows' paths only ("(三)不予公开 › 1.属于国家秘密")
        nodes: list[tuple[str, ...]] = []
        for p in self.rows:
            for k in range(1, len(p) + 1):
                if p[:k] not in nodes:
                    nodes.append(p[:k])
        self.children: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for p in nodes:
            self.children[p[:-1]].append(p)

    def cell(self, p: tuple[str, ...], col: int) -> Cell | None:
        i = self.rows.get(p)
        c = certain(self.t.cell(i, col)) if i is not None else None
        return c if c is not None and c.value is not None and c.unit != "%" else None

    def resolved(self, p: tuple[str, ...], col: int) -> tuple[float, list[Cell]] | None:
        """A row's own value, else the sum of its (numbered, non-其中) children."""
        c = self.cell(p, col)
        if c is not None:
            return c.value, [c]
        kids = self.children.get(p, [])
        if not kids or _is_subset(kids):
            return None
        tot, used = 0.0, []
        for k in kids:
            r = self.resolved(k, col)
            if r is None:
                return None
            tot += r[0]
            used += r[1]
        return tot, used


def _is_subset(kids: list[tuple[str, ...]]) -> bool:
    """"其中" breakdowns (and unnumbered ones) are subsets: they need not add up to the whole."""
    first = kids[0][-1].strip()
    if re.match(r"^其中", first):
        return True
    return not all(numbering_level(k[-1]) is not None for k in kids)


def is_total(label: str) -> bool:
    return bool(_TOTAL_LABEL.search(re.sub(r"\([^()]*\)", "", strip_numbering(label)).strip()))


def value_cols(t: Table) -> list[int]:
    return sorted(c for c, lab in t.column_labels().items()
                  if not _UNIT_COL.match(lab.split(PATH_SEP)[-1].strip()))


def _sum_finding(doc: Document, t: Table, total_cell: Cell, parts: list[Cell], subject: str,
                 total_phrase: str, subset: bool = False) -> Finding | None:
    """``subject`` names the parts ("“申请来源”各项"), ``total_phrase`` the total ("“收到申请数”")."""
    s = sum(c.value for c in parts)
    tv = total_cell.value
    if (subset and s <= tv + 1e-6) or (not subset and eq(s, tv)):
        return None
    terms = " + ".join(fmt(c.value) for c in parts)
    arith = f"{terms} = {fmt(s)} {'>' if subset else '≠'} {fmt(tv)}"
    where = f"表“{t.title[:24]}”" if t.title else "表格"
    if subset:
        msg = f"{where}中{total_phrase}为{fmt(tv)},但其中各项之和为{fmt(s)},超过了总数。"
    else:
        msg = f"{where}中{subject}之和为{fmt(s)},与{total_phrase}{fmt(tv)}不符。"
    cites = [doc.cite_cell(t, total_cell)] + [doc.cite_cell(t, c) for c in parts]
    return doc.finding(NAME, SEVERITY, msg, {"total": tv, "sum": s}, arith, cites)


def _names(paths: list[tuple[str, ...]], n: int = 3) -> str:
    shown = "、".join(f"“{short(p[-1])}”" for p in paths[:n])
    return shown + ("等各项" if len(paths) > n else "")


def _row_sums(doc: Document, t: Table) -> list[Finding]:
    out = []
    tree = Tree(t)
    cols = value_cols(t)
    multi = len(cols) > 1
    for node, kids in tree.children.items():
        totals = [k for k in kids if is_total(k[-1])]
        parts = [k for k in kids if k not in totals]
        for col in cols:
            note = f"({short(t.column_labels()[col])}列)" if multi else ""
            # a 总计 row among numbered siblings: (一)…(六) vs (七)总计, 一、…七、 vs 申请总数
            if totals and parts and all(numbering_level(p[-1]) is not None for p in parts):
                for tk in totals:
                    tc = tree.cell(tk, col)
                    rs = [tree.resolved(p, col) for p in parts]
                    if tc is None or any(r is None for r in rs):
                        continue
                    used = [c for r in rs for c in r[1]]
                    f = _sum_finding(doc, t, tc, used, _names(parts) + note, f"“{short(tk[-1])}”{note}")
                    if f:
                        out.append(f)
                continue
            if not node:
                continue
            own = tree.cell(node, col)
            if own is not None:
                subset = _is_subset(kids)
                if subset:
                    used = [tree.cell(k, col) for k in kids]
                    if any(c is None for c in used):
                        continue
                else:
                    rs = [tree.resolved(k, col) for k in kids]
                    if any(r is None for r in rs):
                        continue
                    used = [c for r in rs for c in r[1]]
                f = _sum_finding(doc, t, own, used, f"“{short(node[-1])}”下各项{note}",
                                 f"“{short(node[-1])}”{note}", subset)
                if f:
                    out.append(f)
            elif not _is_subset(kids):
                f = _breakdown_vs_total(doc, t, tree, node, kids, col, note)
                if f:
                    out.append(f)
    return out


def _breakdown_vs_total(doc: Document, t: Table, tree: Tree, node, kids, col: int, note: str) -> Finding | None:
    """A heading row with no figure ("(四)申请来源") whose parts break down another metric's total."""
    rs = [tree.resolved(k, col) for k in kids]
    if any(r is None for r in rs):
        return None
    used = [c for r in rs for c in r[1]]
    labels = {c.row_label for c in used}
    metrics = {f.metric for f in doc.facts if f.source == "table" and f.table_ord == t.ord and f.row_label in labels}
    if len(metrics) != 1:
        return None
    target = BREAKDOWN_OF.get(next(iter(metrics)))
    if not target:
        return None
    totals = [f for f in doc.facts if f.metric == target and f.dimension == "" and f.source == "table"
              and f.unit != "%"]
    same = [f for f in totals if f.table_ord == t.ord and f.col_label == t.column_labels()[col]]
    tf = (same or totals or [None])[0]
    if tf is None:
        return None
    tcell = next((c for c in t.cells if c.start == tf.start and c.end == tf.end), None)
    if tcell is None:
        tcell = Cell(row=-1, col=-1, row_label=tf.row_label, col_label=tf.col_label, raw=doc.text[tf.start:tf.end],
                     value=tf.value, unit=tf.unit, start=tf.start, end=tf.end)
    f = _sum_finding(doc, t, tcell, used, f"“{short(node[-1])}”各项{note}",
                     f"“{short(tf.row_label) or doc.metric_label(target)}”")
    if f is not None:  # a breakdown the table gives no total of its own: it may leave categories out
        f.breakdown = True
    return f


def _col_sums(doc: Document, t: Table) -> list[Finding]:
    """Part columns against a 总计 column with the same header prefix (自然人 + 法人… = 总计)."""
    out = []
    paths = {c: label_path(lab) for c, lab in t.column_labels().items() if c in value_cols(t)}
    totals = {c: p for c, p in paths.items() if p and is_total(p[-1])}
    for tc, tp in totals.items():
        prefix = tp[:-1]
        part_cols: list[int] = []
        for c, p in sorted(paths.items()):
            if c in totals or p[:len(prefix)] != prefix or len(p) <= len(prefix):
                continue
            # a deeper 小计/总计 stands in for its own parts
            sub = next((oc for oc, op in totals.items() if len(op) - 1 > len(prefix) and p[:len(op) - 1] == op[:-1]),
                       None)
            c2 = sub if sub is not None else c
            if c2 not in part_cols:
                part_cols.append(c2)
        if not part_cols:
            continue
        for i, lab in enumerate(t.row_labels()):
            total = certain(t.cell(i, tc))
            if total is None or total.value is None or total.unit == "%":
                continue
            parts = [certain(t.cell(i, c)) for c in part_cols]
            if any(p is None or p.value is None or p.unit == "%" for p in parts):
                continue  # only the 总计 column filled in: nothing to add up
            where = f"“{short(lab)}”行的" if lab else ""
            cols = "、".join(f"“{short(t.column_labels()[c])}”" for c in part_cols[:3]) + ("等各列" if len(part_cols) > 3 else "各列")
            f = _sum_finding(doc, t, total, parts, where + cols, f"“{'·'.join(tp)}”列")
            if f:
                out.append(f)
    return out


def check(doc: Document) -> list[Finding]:
    out = []
    for t in doc.tables:
        out += _row_sums(doc, t)
        out += _col_sums(doc, t)
    return out
