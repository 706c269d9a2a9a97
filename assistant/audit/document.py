"""The report an audit reads, as ingestion stored it in SQL (reports, tables, cells, facts, sections),
the ``Finding`` every rule returns, and the small helpers the rules share. Read-only: nothing here
changes a stored figure."""
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
from index.tables import strip_numbering


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

    def figures(self) -> list[float]:
        """The report's figures (and the computed ones) the finding is about, without bookkeeping
        (a table's index, a share's decimals)."""
        return [float(v) for k, v in self.values.items() if k not in BOOKKEEPING
                and isinstance(v, (int, float)) and not isinstance(v, bool)]


# Keys of ``Finding.values`` that locate or format a figure rather than state one.
BOOKKEEPING = frozenset({"table_ord", "decimals", "column"})


# --- reading the stored report -------------------------------------------------------------
@dataclass
class DocCell:
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
class DocTable:
    ord: int
    kind: str
    title: str
    section_path: str
    labels: list[str]  # row label path per grid row
    cells: dict[tuple[int, int], DocCell]
    col_labels: dict[int, str]


@dataclass
class DocFact:
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
    label: str = ""  # the report's words naming the quantity, "whole › name" for a declared part


@dataclass
class Document:
    id: int
    source: str
    title: str
    body: str
    region: str
    year: int | None
    aliases: list[str]
    text: str
    tables: list[DocTable]
    facts: list[DocFact]
    metric_names: dict[str, str]
    sections: list[tuple[int, int, int, str]]  # start, end, level, path
    # The same body's report of the year before, when one is loaded (cross-year rules; see ``previous_of``).
    previous: Document | None = None

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

    def cite_cell(self, t: DocTable, c: DocCell) -> Citation:
        return self.cite(c.start, c.end, t.section_path, "table", c.row_label, c.col_label)

    def cite_fact(self, f: DocFact) -> Citation:
        return self.cite(f.start, f.end, f.section_path, f.source, f.row_label, f.col_label)

    def finding(self, rule: str, severity: str, message: str, values: dict, arithmetic: str,
                citations: list[Citation]) -> Finding:
        """A finding of rule ``rule`` (its name) about this report, at the rule's ``severity``."""
        return Finding(rule=rule, severity=severity, report_id=self.id, source=self.source,
                       title=self.title, message=message, values=values, arithmetic=arithmetic, citations=citations)

    def metric_label(self, metric: str, dimension: str = "") -> str:
        dim = dimension.replace(" 占比", "").replace("占比", "").strip()
        name = metric[len("prose:"):] if metric.startswith("prose:") else self.metric_names.get(metric, metric)
        return f"{name}({dim})" if dim else name


def load(store: SQLStore, report_id: int) -> Document | None:
    """The stored report ``report_id`` with its tables, cells, facts and sections; None if there is none."""
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
            cs[(c["row"], c["col"])] = DocCell(c["row"], c["col"], c["row_label"], c["col_label"], c["raw"],
                                               None if c["uncertain"] else c["value"], c["unit"], c["start"], c["end"])
            col_labels[c["col"]] = c["col_label"]
        tabs.append(DocTable(t["ord"], t["kind"], t["title"], t["section_path"], labels, cs, col_labels))
    fs = [DocFact(f["id"], f["metric_id"], f["dimension"], f["value"], f["unit"], f["source"], f["section_path"],
                  f["start"], f["end"], f["table_ord"], f["row_label"], f["col_label"], bool(f["conflict"]),
                  f.get("label") or "")
          for f in frows]
    return Document(r["id"], r["source"], r["title"], r["body"], r["region"], r["year"],
                    json.loads(r["aliases"] or "[]"), r["text"], tabs, fs, names,
                    [tuple(x) for x in secs])


def previous_of(store: SQLStore, doc: Document) -> Document | None:
    """The same body's report of the year before ``doc``'s (bodies told apart as assistant/bodies.py does:
    one key for 平潭财政金融局 and 平潭综合实验区财政金融局), or None when none is loaded."""
    from assistant.bodies import ReportRef, name_index

    if doc.year is None:
        return None
    rows = store.list_reports()
    refs = [ReportRef(id=r.id, title=r.meta.title, body=r.meta.body, region=r.meta.region, year=r.meta.year,
                      aliases=list(r.meta.aliases)) for r in rows]
    bodies = name_index(refs).bodies
    me = bodies.get(doc.id)
    if me is None:
        return None
    before = [r.id for r in rows if r.meta.year == doc.year - 1 and r.id in bodies and bodies[r.id].key == me.key]
    return load(store, before[0]) if len(before) == 1 else None


# --- small helpers -------------------------------------------------------------------------
def fmt(v: float | None) -> str:
    if v is None:
        return "?"
    r = round(v, 6)
    return str(int(r)) if r == int(r) else f"{r:g}"


def eq(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def short(label: str) -> str:
    """The last part of a row/column label path, without numbering or notes."""
    last = label.split(PATH_SEP)[-1] if label else ""
    s = strip_numbering(last)
    s = re.sub(r"^其中\s*[::]?", "", s)
    s = re.sub(r"\([^()]*\)$", "", s).strip()
    return s or last


def label_path(label: str) -> tuple[str, ...]:
    """A row/column label path ("三、本年度办理结果 › (一)予以公开") as its parts."""
    return tuple(p for p in label.split(PATH_SEP) if p) if label else ()
