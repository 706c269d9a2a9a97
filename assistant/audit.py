"""A consistency audit of stored reports: checks a journalist can rely on.

Every finding states the figures involved, the arithmetic and citations of the exact spans, and
reads only what ingestion stored in SQL (reports, tables, cells, facts); no stored figure changes.

Rules (``Finding.rule``):
  * ``template_identity`` 本年新收 + 上年结转 = 办理结果总计 + 结转下年度 (2019/2021 template, per column);
  * ``parts_sum``         a table's parts against its stated total: child rows against their parent row or
                          a 总计 sibling row, part columns against a 总计 column, a breakdown with no total
                          of its own (申请来源) against the total it breaks down (收到申请数);
  * ``percentage``        a stated share ("占总数的0.06%") against part / total;
  * ``prose_vs_table``    the same metric stated differently in prose and a table (or two tables);
  * ``other_body``        text naming another body or year than the report's own ("现公布王奔镇人民政府
                          2019年…年度报告" in 辽东街道's report): copy-paste left over from another report.
"""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from assistant.answers import Citation
from index.sqlstore import PATH_SEP, SQLStore
from index.sqlstore import cells as cells_t
from index.sqlstore import facts as facts_t
from index.sqlstore import metrics as metrics_t
from index.sqlstore import reports as reports_t
from index.sqlstore import sections as sections_t
from index.sqlstore import tables as tables_t
from index.tables import numbering_level, strip_numbering

SEVERITY = {"template_identity": "high", "parts_sum": "high", "prose_vs_table": "high",
            "percentage": "medium", "other_body": "medium"}
_SEV_ORDER = {"high": 0, "medium": 1, "low": 2}

# A breakdown stated without a total of its own is a breakdown of this metric's total
# (附表 "(四)申请来源" rows are the applications counted in "(一)收到申请数").
BREAKDOWN_OF = {"apply_source": "apply_received"}

_TOTAL_LABEL = re.compile(r"(总计|合计|总数|共计|小计)$")
_UNIT_COL = re.compile(r"^(计量)?单位$")
_SHARE_COL = re.compile(r"占比|比例|比重|百分比|%")


@dataclass
class Finding:
    rule: str
    severity: str  # high | medium | low
    report_id: int
    source: str
    title: str
    message: str  # one Chinese sentence
    values: dict = field(default_factory=dict)
    arithmetic: str = ""
    citations: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


# --- reading the stored report -------------------------------------------------------------
@dataclass
class _Cell:
    row: int
    col: int
    row_label: str
    col_label: str
    raw: str
    value: float | None
    unit: str | None
    start: int
    end: int


@dataclass
class _Table:
    ord: int
    kind: str
    title: str
    section_path: str
    labels: list[str]  # row label path per grid row
    cells: dict[tuple[int, int], _Cell]
    col_labels: dict[int, str]


@dataclass
class _Fact:
    id: int
    metric: str
    dimension: str
    value: float
    unit: str
    source: str
    section_path: str
    start: int
    end: int
    table_ord: int | None
    row_label: str
    col_label: str
    conflict: bool


@dataclass
class _Doc:
    id: int
    source: str
    title: str
    body: str
    region: str
    year: int | None
    aliases: list[str]
    text: str
    tables: list[_Table]
    facts: list[_Fact]
    metric_names: dict[str, str]
    sections: list[tuple[int, int, int, str]]  # start, end, level, path

    def section_at(self, offset: int) -> str:
        """The innermost section holding ``offset`` (its heading path)."""
        best = None
        for s, e, lvl, path in self.sections:
            if s <= offset < max(e, s + 1) and (best is None or lvl >= best[0]):
                best = (lvl, path)
        if best is None:  # between a heading's own text and the next heading: the last one started
            before = [sec for sec in self.sections if sec[0] <= offset]
            return before[-1][3] if before else ""
        return best[1]

    def cite(self, start: int, end: int, section: str, kind: str, row_label: str = "", col_label: str = "") -> Citation:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Citation(source=self.source, report=self.title, section=section, quote=self.text[start:end],
                        start=start, end=end, report_id=self.id, body=self.body, year=self.year,
                        row_label=row_label, col_label=col_label, kind=kind)

    def cite_cell(self, t: _Table, c: _Cell) -> Citation:
        return self.cite(c.start, c.end, t.section_path, "table", c.row_label, c.col_label)

    def cite_fact(self, f: _Fact) -> Citation:
        return self.cite(f.start, f.end, f.section_path, f.source, f.row_label, f.col_label)

    def finding(self, rule: str, message: str, values: dict, arithmetic: str, citations: list[Citation],
                severity: str | None = None) -> Finding:
        return Finding(rule=rule, severity=severity or SEVERITY[rule], report_id=self.id, source=self.source,
                       title=self.title, message=message, values=values, arithmetic=arithmetic, citations=citations)

    def metric_label(self, metric: str, dimension: str = "") -> str:
        dim = dimension.replace(" 占比", "").replace("占比", "").strip()
        name = metric[len("prose:"):] if metric.startswith("prose:") else self.metric_names.get(metric, metric)
        return f"{name}({dim})" if dim else name


def _load(store: SQLStore, report_id: int) -> _Doc | None:
    with store.engine.connect() as conn:
        r = conn.execute(select(reports_t).where(reports_t.c.id == report_id)).mappings().first()
        if r is None:
            return None
        trows = conn.execute(select(tables_t).where(tables_t.c.report_id == report_id)
                             .order_by(tables_t.c.ord)).mappings().all()
        crows = conn.execute(select(cells_t).where(cells_t.c.report_id == report_id)).mappings().all()
        frows = conn.execute(select(facts_t).where(facts_t.c.report_id == report_id)
                             .order_by(facts_t.c.start, facts_t.c.id)).mappings().all()
        names = dict(conn.execute(select(metrics_t.c.id, metrics_t.c.name)).all())
        secs = conn.execute(select(sections_t.c.start, sections_t.c.end, sections_t.c.level, sections_t.c.path)
                            .where(sections_t.c.report_id == report_id).order_by(sections_t.c.ord)).all()
    if not names:  # reports saved without Indexer (no metrics rows): fall back to the catalogue file
        from index.metrics import load_catalogue
        names = {m.id: m.name for m in load_catalogue().metrics}
    by_table: dict[int, list] = defaultdict(list)
    for c in crows:
        by_table[c["table_id"]].append(c)
    tabs = []
    for t in trows:
        grid = json.loads(t["grid"] or "{}")
        labels = [(row[0] if row else "") for row in grid.get("rows", [])]
        cs = {}
        col_labels = {}
        for c in by_table[t["id"]]:
            cs[(c["row"], c["col"])] = _Cell(c["row"], c["col"], c["row_label"], c["col_label"], c["raw"],
                                             None if c["uncertain"] else c["value"], c["unit"], c["start"], c["end"])
            col_labels[c["col"]] = c["col_label"]
        tabs.append(_Table(t["ord"], t["kind"], t["title"], t["section_path"], labels, cs, col_labels))
    fs = [_Fact(f["id"], f["metric_id"], f["dimension"], f["value"], f["unit"], f["source"], f["section_path"],
                f["start"], f["end"], f["table_ord"], f["row_label"], f["col_label"], bool(f["conflict"]))
          for f in frows]
    return _Doc(r["id"], r["source"], r["title"], r["body"], r["region"], r["year"],
                json.loads(r["aliases"] or "[]"), r["text"], tabs, fs, names,
                [tuple(x) for x in secs])


# --- small helpers -------------------------------------------------------------------------
def fmt(v: float | None) -> str:
    if v is None:
        return "?"
    r = round(v, 6)
    return str(int(r)) if r == int(r) else f"{r:g}"


def _eq(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def _short(label: str) -> str:
    """The last part of a row/column label path, without numbering or notes."""
    last = label.split(PATH_SEP)[-1] if label else ""
    s = strip_numbering(last)
    s = re.sub(r"^其中\s*[::]?", "", s)
    s = re.sub(r"\([^()]*\)$", "", s).strip()
    return s or last


def _path(label: str) -> tuple[str, ...]:
    return tuple(p for p in label.split(PATH_SEP) if p) if label else ()


# --- rule: template identity ----------------------------------------------------------------
def _template_identity(doc: _Doc) -> list[Finding]:
    out = []
    kinds = {t.ord: t.kind for t in doc.tables}
    groups: dict[tuple, dict[str, _Fact]] = defaultdict(dict)
    for f in doc.facts:
        if f.source == "table" and kinds.get(f.table_ord) == "template_apply" and f.unit != "%":
            groups[(f.table_ord, f.dimension)].setdefault(f.metric, f)
    need = ("apply_new", "apply_carried_over", "result_total", "apply_carry_forward")
    for (_, dim), fs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if not all(m in fs for m in need):
            continue
        a, b, c, d = (fs[m].value for m in need)
        if _eq(a + b, c + d):
            continue
        col = f"({dim})" if dim else "(总计列)"
        arith = f"{fmt(a)} + {fmt(b)} = {fmt(a + b)} ≠ {fmt(c)} + {fmt(d)} = {fmt(c + d)}"
        msg = (f"申请情况表{col}本年新收{fmt(a)}件加上年结转{fmt(b)}件为{fmt(a + b)}件,"
               f"但办理结果总计{fmt(c)}件加结转下年度{fmt(d)}件为{fmt(c + d)}件,两边不等。")
        out.append(doc.finding("template_identity", msg,
                               {"本年新收": a, "上年结转": b, "办理结果总计": c, "结转下年度": d, "column": dim},
                               arith, [doc.cite_fact(fs[m]) for m in need]))
    return out


# --- rule: parts against stated totals -----------------------------------------------------
class _Tree:
    """Rows of one table as a label-path tree; values per column."""

    def __init__(self, t: _Table):
        self.t = t
        self.rows: dict[tuple[str, ...], int] = {}
        for i, lab in enumerate(t.labels):
            p = _path(lab)
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

    def cell(self, p: tuple[str, ...], col: int) -> _Cell | None:
        i = self.rows.get(p)
        c = self.t.cells.get((i, col)) if i is not None else None
        return c if c is not None and c.value is not None and c.unit != "%" else None

    def resolved(self, p: tuple[str, ...], col: int) -> tuple[float, list[_Cell]] | None:
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


def _is_total(label: str) -> bool:
    return bool(_TOTAL_LABEL.search(re.sub(r"\([^()]*\)", "", strip_numbering(label)).strip()))


def _value_cols(t: _Table) -> list[int]:
    return sorted(c for c, lab in t.col_labels.items()
                  if not _UNIT_COL.match(lab.split(PATH_SEP)[-1].strip()))


def _sum_finding(doc: _Doc, t: _Table, total_cell: _Cell, parts: list[_Cell], subject: str, total_phrase: str,
                 subset: bool = False) -> Finding | None:
    """``subject`` names the parts ("“申请来源”各项"), ``total_phrase`` the total ("“收到申请数”")."""
    s = sum(c.value for c in parts)
    tv = total_cell.value
    if (subset and s <= tv + 1e-6) or (not subset and _eq(s, tv)):
        return None
    terms = " + ".join(fmt(c.value) for c in parts)
    arith = f"{terms} = {fmt(s)} {'>' if subset else '≠'} {fmt(tv)}"
    where = f"表“{t.title[:24]}”" if t.title else "表格"
    if subset:
        msg = f"{where}中{total_phrase}为{fmt(tv)},但其中各项之和为{fmt(s)},超过了总数。"
    else:
        msg = f"{where}中{subject}之和为{fmt(s)},与{total_phrase}{fmt(tv)}不符。"
    cites = [doc.cite_cell(t, total_cell)] + [doc.cite_cell(t, c) for c in parts]
    return doc.finding("parts_sum", msg, {"total": tv, "sum": s, "parts": [c.value for c in parts],
                                          "table_ord": t.ord, "total_label": total_cell.row_label,
                                          "column": total_cell.col_label}, arith, cites)


def _names(paths: list[tuple[str, ...]], n: int = 3) -> str:
    shown = "、".join(f"“{_short(p[-1])}”" for p in paths[:n])
    return shown + ("等各项" if len(paths) > n else "")


def _row_sums(doc: _Doc, t: _Table) -> list[Finding]:
    out = []
    tree = _Tree(t)
    cols = _value_cols(t)
    multi = len(cols) > 1
    for node, kids in tree.children.items():
        totals = [k for k in kids if _is_total(k[-1])]
        parts = [k for k in kids if k not in totals]
        for col in cols:
            note = f"({_short(t.col_labels[col])}列)" if multi else ""
            # a 总计 row among numbered siblings: (一)…(六) vs (七)总计, 一、…七、 vs 申请总数
            if totals and parts and all(numbering_level(p[-1]) is not None for p in parts):
                for tk in totals:
                    tc = tree.cell(tk, col)
                    rs = [tree.resolved(p, col) for p in parts]
                    if tc is None or any(r is None for r in rs):
                        continue
                    used = [c for r in rs for c in r[1]]
                    f = _sum_finding(doc, t, tc, used, _names(parts) + note, f"“{_short(tk[-1])}”{note}")
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
                f = _sum_finding(doc, t, own, used, f"“{_short(node[-1])}”下各项{note}",
                                 f"“{_short(node[-1])}”{note}", subset)
                if f:
                    out.append(f)
            elif not _is_subset(kids):
                f = _breakdown_vs_total(doc, t, tree, node, kids, col, note)
                if f:
                    out.append(f)
    return out


def _breakdown_vs_total(doc: _Doc, t: _Table, tree: _Tree, node, kids, col: int, note: str) -> Finding | None:
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
    same = [f for f in totals if f.table_ord == t.ord and f.col_label == t.col_labels[col]]
    tf = (same or totals or [None])[0]
    if tf is None:
        return None
    tcell = next((c for c in t.cells.values() if c.start == tf.start and c.end == tf.end), None)
    if tcell is None:
        tcell = _Cell(-1, -1, tf.row_label, tf.col_label, doc.text[tf.start:tf.end], tf.value, tf.unit, tf.start, tf.end)
    return _sum_finding(doc, t, tcell, used, f"“{_short(node[-1])}”各项{note}",
                        f"“{_short(tf.row_label) or doc.metric_label(target)}”")


def _col_sums(doc: _Doc, t: _Table) -> list[Finding]:
    """Part columns against a 总计 column with the same header prefix (自然人 + 法人… = 总计)."""
    out = []
    paths = {c: _path(lab) for c, lab in t.col_labels.items() if c in _value_cols(t)}
    totals = {c: p for c, p in paths.items() if p and _is_total(p[-1])}
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
        for i, lab in enumerate(t.labels):
            total = t.cells.get((i, tc))
            if total is None or total.value is None or total.unit == "%":
                continue
            parts = [t.cells.get((i, c)) for c in part_cols]
            if any(p is None or p.value is None or p.unit == "%" for p in parts):
                continue  # only the 总计 column filled in: nothing to add up
            where = f"“{_short(lab)}”行的" if lab else ""
            cols = "、".join(f"“{_short(t.col_labels[c])}”" for c in part_cols[:3]) + ("等各列" if len(part_cols) > 3 else "各列")
            f = _sum_finding(doc, t, total, parts, where + cols, f"“{'·'.join(tp)}”列")
            if f:
                out.append(f)
    return out


def _parts_sum(doc: _Doc) -> list[Finding]:
    out = []
    for t in doc.tables:
        out += _row_sums(doc, t)
        out += _col_sums(doc, t)
    return out


# --- rule: stated percentages --------------------------------------------------------------
_PCT_RAW = re.compile(r"(\d+(?:\.(\d+))?)\s*%")


def _decimals(quote: str, value: float) -> int:
    for m in _PCT_RAW.finditer(quote):
        if _eq(float(m.group(1)), value):
            return len(m.group(2) or "")
    s = fmt(value)
    return len(s.split(".")[1]) if "." in s else 0


def pct_consistent(stated: float, part: float, total: float, decimals: int) -> bool:
    """The stated percent equals part/total rounded to the stated decimals; one unit of the last stated
    digit either way is allowed (reports truncate as often as they round)."""
    if total <= 0:
        return False
    computed = part / total * 100
    if round(computed, decimals) == round(stated, decimals):
        return True
    return abs(computed - stated) <= 10 ** (-decimals) + 1e-9


def _percentages(doc: _Doc) -> list[Finding]:
    out = []
    prose = [f for f in doc.facts if f.source == "prose"]
    for i, pf in enumerate(prose):
        if pf.unit != "%" or not pf.dimension.endswith("占比"):
            continue
        quote = doc.text[pf.start:pf.end]
        if "占" not in quote:
            continue  # 办结率/满意率: a rate whose base the report does not state
        dim = pf.dimension[: -len("占比")].strip()
        part = next((f for f in reversed(prose[:i]) if f.metric == pf.metric and f.unit != "%"
                     and (f.dimension == dim) and f.start <= pf.start and pf.start - f.end < 40), None)
        if part is None:
            continue
        totals = [f for f in doc.facts if f.metric == pf.metric and f.dimension == "" and f.unit != "%"
                  and f.value >= part.value]
        if not totals:
            # "已经公开的50条,占总数的92.6%": the total is the last overall figure stated before
            prev = [f for f in prose if f.end <= part.start and f.dimension == "" and f.unit != "%"
                    and not f.metric.startswith("prose:") and f.value >= part.value]
            totals = prev[-1:]
        if not totals:
            continue
        d = _decimals(quote, pf.value)
        if any(pct_consistent(pf.value, part.value, t.value, d) for t in totals):
            continue
        total = min(totals, key=lambda f: (f.start > part.start, abs(part.start - f.start)))
        computed = part.value / total.value * 100
        label = doc.metric_label(part.metric, part.dimension)
        unit = part.unit or ""
        msg = (f"报告称{label}{fmt(part.value)}{unit}占总数的{fmt(pf.value)}%,但{fmt(part.value)}÷{fmt(total.value)}"
               f"={computed:.{max(d, 1)}f}%。")
        note = ""
        if abs(computed / 100 - pf.value) <= 10 ** (-d) + 1e-9:
            note = "(疑把比例当作百分数写)"
            msg = msg[:-1] + note + "。"
        out.append(doc.finding("percentage", msg,
                               {"part": part.value, "total": total.value, "stated_pct": pf.value,
                                "computed_pct": round(computed, 4), "decimals": d},
                               f"{fmt(part.value)} / {fmt(total.value)} × 100 = {computed:.2f}% ≠ {fmt(pf.value)}%",
                               [doc.cite_fact(part), doc.cite_fact(pf), doc.cite_fact(total)]))
    out += _table_percentages(doc)
    return out


def _table_percentages(doc: _Doc) -> list[Finding]:
    """A 占比 column against its count column and the table's 总计/总数 row."""
    out = []
    for t in doc.tables:
        share_cols = [c for c, lab in t.col_labels.items() if _SHARE_COL.search(lab)]
        count_cols = [c for c in _value_cols(t) if c not in share_cols]
        if len(share_cols) != 1 or not count_cols:
            continue
        sc, cc = share_cols[0], count_cols[0]
        tree = _Tree(t)
        total_rows = [p for p in tree.children.get((), []) if _is_total(p[-1])]
        tcell = tree.cell(total_rows[0], cc) if total_rows else None
        if tcell is None or not tcell.value:
            continue
        for p, i in tree.rows.items():
            pc, cnt = t.cells.get((i, sc)), tree.cell(p, cc)
            if pc is None or pc.value is None or cnt is None or p in total_rows:
                continue
            d = _decimals(pc.raw, pc.value)
            if pct_consistent(pc.value, cnt.value, tcell.value, d):
                continue
            computed = cnt.value / tcell.value * 100
            msg = (f"表中“{_short(p[-1])}”{fmt(cnt.value)}占比写作{fmt(pc.value)}%,但{fmt(cnt.value)}÷{fmt(tcell.value)}"
                   f"={computed:.{max(d, 1)}f}%。")
            out.append(doc.finding("percentage", msg,
                                   {"part": cnt.value, "total": tcell.value, "stated_pct": pc.value,
                                    "computed_pct": round(computed, 4), "decimals": d, "table_ord": t.ord},
                                   f"{fmt(cnt.value)} / {fmt(tcell.value)} × 100 = {computed:.2f}% ≠ {fmt(pc.value)}%",
                                   [doc.cite_cell(t, cnt), doc.cite_cell(t, pc), doc.cite_cell(t, tcell)]))
    return out


# --- rule: prose vs table ------------------------------------------------------------------
def _prose_vs_table(doc: _Doc) -> list[Finding]:
    out = []
    groups: dict[tuple, list[_Fact]] = defaultdict(list)
    for f in doc.facts:
        if f.conflict:
            groups[(f.metric, f.dimension, f.unit == "%")].append(f)
    names = {t.ord: (t.title or "表格") for t in doc.tables}
    for (metric, dim, _), fs in groups.items():
        prose = [f for f in fs if f.source == "prose"]
        table = [f for f in fs if f.source == "table"]
        label = doc.metric_label(metric, dim) + ("占比" if dim.endswith("占比") else "")
        pairs = []
        for p in prose:
            for t in table:
                if not _eq(p.value, t.value):
                    pairs.append((p, t))
        if not pairs:  # two tables disagree
            for i, a in enumerate(table):
                for b in table[i + 1:]:
                    if a.table_ord != b.table_ord and not _eq(a.value, b.value):
                        pairs.append((a, b))
        seen = set()
        for a, b in pairs:
            key = (a.value, b.value)
            if key in seen:
                continue
            seen.add(key)
            ua, ub = a.unit or "", b.unit or ""
            if a.source == "prose":
                msg = f"正文称{label}{fmt(a.value)}{ua},表“{names.get(b.table_ord, '表格')[:20]}”中为{fmt(b.value)}{ub},二者不一致。"
            else:
                msg = (f"表“{names.get(a.table_ord, '表格')[:20]}”中{label}为{fmt(a.value)}{ua},"
                       f"表“{names.get(b.table_ord, '表格')[:20]}”中为{fmt(b.value)}{ub},二者不一致。")
            out.append(doc.finding("prose_vs_table", msg,
                                   {"metric": metric, "dimension": dim, a.source + "_value": a.value,
                                    ("table_value" if a.source == "prose" else "table2_value"): b.value},
                                   f"{fmt(a.value)} ≠ {fmt(b.value)}", [doc.cite_fact(a), doc.cite_fact(b)]))
    return out


# --- rule: another body or year named as the report's own ------------------------------------
_BODY_SUFFIX = r"(?:人民政府|街道办事处|办事处|政府|管委会|管理委员会)"
# "现公布王奔镇人民政府2019年政府信息公开工作年度报告", "特发布本单位2018年度…年度报告"
_SELF_REF = re.compile(
    r"(?:现|特|兹|予以|现予|现将)(?:公布|发布|印发|公开)\s*(?P<phrase>[^。;;!\n《》]{0,50}?(?:年度报告|年报|工作报告))")
_BODY_YEAR_REPORT = re.compile(
    rf"(?P<body>[\u4e00-\u9fff]{{2,16}}?(?:镇|乡|街道|区|县|市|州|旗){_BODY_SUFFIX})\s*(?P<year>(?:19|20)\d{{2}})\s*年度?"
    r"[\u4e00-\u9fff]{0,16}?(?:年度报告|年报)")
_BODY_IN = re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,16}}?(?:镇|乡|街道|区|县|市|州|旗|局|委){_BODY_SUFFIX}?)"
                      r"(?=\s*(?:19|20)\d{2}\s*年)")
_YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*年")


def _core_name(name: str) -> str:
    s = re.sub(rf"{_BODY_SUFFIX}$", "", name)
    s = re.sub(r"(街道|镇|乡|区|县|市|州|旗)$", "", s)
    return s


_FUNCTION_WORDS = re.compile(r"^.*(?:本报告|由|的|是|为|在|与|将|把|对|按|了|从|向|及|据)")


def _trim_body(name: str) -> str:
    """'本报告由王奔镇人民政府' -> '王奔镇人民政府' (unless that would eat the name itself: 和平区)."""
    cut = _FUNCTION_WORDS.sub("", name)
    return cut if len(_core_name(cut)) >= 2 else name


def _names_of(doc: _Doc) -> list[str]:
    return [n for n in [doc.body, doc.region, doc.title, *doc.aliases] if n]


def _same_body(name: str, doc: _Doc) -> bool:
    core = _core_name(name)
    if len(core) < 2:
        return True  # too little to judge
    names = _names_of(doc)
    return any(core in n or (len(_core_name(n)) >= 2 and _core_name(n) in name) for n in names)


def _inside_quotes(text: str, pos: int) -> bool:
    """Inside 《…》 (a cited document's title, not a self-reference)."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _other_body(doc: _Doc) -> list[Finding]:
    out, seen = [], set()
    title_end = doc.text.find(doc.title) + len(doc.title) if doc.title and doc.title in doc.text[:300] else 0
    # (start, end, body named, year named); a year only counts in an announcement ("现公布…"), since
    # a report may well mention last year's report ("XX区人民政府2018年…年度报告中指出的问题")
    hits: list[tuple[int, int, str | None, int | None]] = []
    for m in _SELF_REF.finditer(doc.text):
        phrase = m.group("phrase")
        b = _BODY_IN.search(phrase)
        y = _YEAR_IN.search(phrase)
        hits.append((m.start(), m.end(), _trim_body(b.group("body")) if b else None, int(y.group(1)) if y else None))
    for m in _BODY_YEAR_REPORT.finditer(doc.text):
        if m.start() < title_end or _inside_quotes(doc.text, m.start()):
            continue
        if any(s <= m.start() < e for s, e, _, _ in hits):
            continue
        hits.append((m.start(), m.end(), _trim_body(m.group("body")), None))
    for s, e, body, year in sorted(hits):
        # expand to the sentence for the quote
        qs = max(doc.text.rfind(ch, 0, s) for ch in "。\n;!?") + 1
        qe = min([i for i in (doc.text.find(ch, e) for ch in "。\n;!?") if i >= 0] or [len(doc.text)])
        qe = min(qe + 1, len(doc.text)) if qe < len(doc.text) and doc.text[qe] == "。" else qe
        cite = doc.cite(qs, qe, doc.section_at(s), "text")
        if body and not _same_body(body, doc) and ("body", body) not in seen:
            seen.add(("body", body))
            own = doc.body or doc.region or doc.title
            out.append(doc.finding("other_body", f"报告正文自称是“{body}”的年度报告,与本报告的发布机关“{own}”不符,疑为从其他报告复制后未改。",
                                   {"named_body": body, "report_body": own, "named_year": year, "report_year": doc.year},
                                   f"“{body}” ≠ “{own}”", [cite]))
        if year and doc.year and year != doc.year and ("year", year) not in seen:
            seen.add(("year", year))
            out.append(doc.finding("other_body", f"报告正文称公布的是{year}年的年度报告,而本报告统计的是{doc.year}年,疑为沿用了其他年份的文字。",
                                   {"named_year": year, "report_year": doc.year, "named_body": body},
                                   f"{year} ≠ {doc.year}", [cite]))
    return out


# --- entry points --------------------------------------------------------------------------
RULES = (_template_identity, _parts_sum, _percentages, _prose_vs_table, _other_body)


def audit_report(store: SQLStore, report_id: int) -> list[Finding]:
    doc = _load(store, report_id)
    if doc is None:
        return []
    out: list[Finding] = []
    for rule in RULES:
        out += rule(doc)
    out.sort(key=lambda f: (_SEV_ORDER.get(f.severity, 9), f.citations[0].start if f.citations else 0))
    return out


def audit_all(store: SQLStore) -> list[Finding]:
    out: list[Finding] = []
    for r in store.list_reports():
        out += audit_report(store, r.id)
    return out


__all__ = ["Finding", "audit_report", "audit_all", "pct_consistent", "BREAKDOWN_OF", "SEVERITY"]
