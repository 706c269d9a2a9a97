"""The report an audit reads — the stored ``Report`` with its tables, cells and facts, the same models
(index/models.py) the answers read, loaded by ``SQLStore.load_report`` — the ``Finding`` every rule
returns, and the small helpers the rules share. Read-only: nothing here changes a stored figure."""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from sqlalchemy import select

from assistant.answers import Citation
from index.models import Cell, Fact, Report, Table
from index.numbers import format_number
from index.sqlstore import PATH_SEP, SQLStore
from index.sqlstore import metrics as metrics_t
from index.tables import strip_numbering


@dataclass
class Operand:
    """One figure a finding is about, and what it is in the check ("total", "parts_sum", "prose_value",
    "stated_pct", "本年新收" …): a figure of the report, or one computed from them (the sum of parts, a
    share) whose arithmetic is the finding's ``arithmetic``."""

    role: str
    value: float


@dataclass
class Finding:
    rule: str
    severity: str  # high | medium | low
    report_id: int
    source: str
    title: str
    message: str  # one Chinese sentence
    operands: list[Operand] = field(default_factory=list)
    arithmetic: str = ""
    citations: list[Citation] = field(default_factory=list)
    # other_body: the body the report's own text names instead of the body that published it
    named_body: str = ""
    # parts_sum: the parts are a breakdown the table gives no total of its own (it may leave categories out)
    breakdown: bool = False
    # one figure stated twice (in the prose and in a table, or as a count and as the list it counts):
    # the role of the operand an answer about that figure gives ("table_value" when the table was filled
    # in and its row adds up, "prose_value", "listed"); None for the other rules
    preferred: str | None = None
    # figures the check used that are neither side (settled_run: the prose figure that settled a row):
    # shown with the finding, never what ties it to an answer
    context: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    def figures(self) -> list[float]:
        """The report's figures (and the computed ones) the finding is about, in order."""
        return [o.value for o in self.operands]

    def operand(self, role: str) -> float | None:
        """The value of the operand named ``role``, or None."""
        return next((o.value for o in self.operands if o.role == role), None)


# --- the report an audit reads: index/models.py's Report, Table, Cell and Fact, as the answers read them ---
@dataclass
class Document:
    """One stored report (``report``: its text, sections, tables with their cells, and facts) with the
    catalogue's metric names, and the same body's report of the year before when one is loaded
    (cross-year rules; see ``previous_of``)."""

    report: Report
    metric_names: dict[str, str]
    previous: Document | None = None

    id = property(lambda self: self.report.id)
    source = property(lambda self: self.report.source)
    title = property(lambda self: self.report.meta.title)
    body = property(lambda self: self.report.meta.body)
    region = property(lambda self: self.report.meta.region)
    year = property(lambda self: self.report.meta.year)
    aliases = property(lambda self: list(self.report.meta.aliases))
    text = property(lambda self: self.report.text)
    tables = property(lambda self: self.report.tables)
    facts = property(lambda self: self.report.facts)

    def section_at(self, offset: int) -> str:
        """The innermost section holding ``offset`` (its heading path)."""
        sec = self.report.section_at(offset)
        if sec is None:  # between a heading's own text and the next heading: the last one started
            before = [s for s in self.report.sections if s.start <= offset]
            sec = before[-1] if before else None
        return PATH_SEP.join(sec.path) if sec is not None else ""

    def since_stop(self, offset: int, stops: str = "。\n") -> int:
        """Where the sentence (or, with more ``stops``, the clause) holding ``offset`` starts."""
        return since_stop(self.text, offset, stops)

    def cite(self, start: int, end: int, section: str, kind: str, row_label: str = "", col_label: str = "") -> Citation:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return Citation(source=self.source, report=self.title, section=section, quote=self.text[start:end],
                        start=start, end=end, report_id=self.id, body=self.body, year=self.year,
                        row_label=row_label, col_label=col_label, kind=kind)

    def cite_cell(self, t: Table, c: Cell) -> Citation:
        return self.cite(c.start, c.end, PATH_SEP.join(t.section_path), "table", c.row_label, c.col_label)

    def cite_fact(self, f: Fact) -> Citation:
        return self.cite(f.start, f.end, PATH_SEP.join(f.section_path), f.source, f.row_label, f.col_label)

    def finding(self, rule: str, severity: str, message: str, operands: dict[str, float | None], arithmetic: str,
                citations: list[Citation], **about: object) -> Finding:
        """A finding of rule ``rule`` (its name) about this report, at the rule's ``severity``: its
        ``operands`` by role, in order (a role without a figure is left out), and what else it says
        (``named_body``, ``breakdown``, ``preferred``, ``context``)."""
        return Finding(rule=rule, severity=severity, report_id=self.id, source=self.source, title=self.title,
                       message=message, operands=[Operand(k, float(v)) for k, v in operands.items() if v is not None],
                       arithmetic=arithmetic, citations=citations, **about)

    def metric_label(self, metric: str, dimension: str = "") -> str:
        dim = dimension.replace(" 占比", "").replace("占比", "").strip()
        name = metric[len("prose:"):] if metric.startswith("prose:") else self.metric_names.get(metric, metric)
        return f"{name}({dim})" if dim else name


def load(store: SQLStore, report_id: int) -> Document | None:
    """The stored report ``report_id`` with its tables, cells, facts and sections; None if there is none."""
    report = store.load_report(report_id, figures=True)
    if report is None:
        return None
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(metrics_t.c.id, metrics_t.c.name)).all())
    if not names:  # reports saved without Indexer (no metrics rows): fall back to the catalogue file
        from index.metrics import load_catalogue
        names = {m.id: m.name for m in load_catalogue().metrics}
    return Document(report, names)


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
# Words that put a prose figure in another period than the report's year, or in a part of it.
OTHER_PERIOD = re.compile(r"上年|上一年|去年|同比|以来|近[一二三四五六七八九十两\d]+年|[上下]半年|季度"
                          r"|\d+\s*[-—~至到]\s*\d+\s*月|\d+\s*月份?")


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def since_stop(text: str, offset: int, stops: str = "。\n") -> int:
    """Where the sentence (or, with more ``stops``, the clause) of ``text`` holding ``offset`` starts: right
    after the last stop character before it, else 0."""
    return max(text.rfind(ch, 0, offset) for ch in stops) + 1


def names_other_year(text: str, year: int | None, start: int, end: int, sentence: bool = True) -> bool:
    """The sentence holding a figure at ``start``..``end`` names, up to the figure, a year other than the
    report's ``year`` ("较2021年制发规范性文件34件", "2021年,制发…"): the figure is that year's. With
    ``sentence=False`` only ``start``..``end`` itself is read."""
    if year is None:
        return False
    begin = since_stop(text, start) if sentence else start
    return any(int(y) != year for y in _YEAR.findall(text[begin:end]))


@lru_cache(maxsize=1)
def _own_words() -> dict[str, re.Pattern]:
    data = yaml.safe_load((Path(__file__).with_name("own_figure.yaml")).read_text(encoding="utf-8"))
    return {k: re.compile("|".join(map(re.escape, sorted(v["words"], key=len, reverse=True)))) for k, v in data.items()}


def own_figure(text: str, year: int | None, f: Fact) -> bool:
    """A prose figure that is the body's own for the report's year (own_figure.yaml): its sentence up to
    the figure names no other year, no running total or span of years, no wider scope (全市, 指导, 备案),
    no plan, and its label joins no two quantities; not a running total (``is_cumulative``) nor of
    another period (``OTHER_PERIOD``)."""
    from index.facts import is_cumulative

    if f.source != "prose" or is_cumulative(f) or OTHER_PERIOD.search(f.label or ""):
        return False
    if names_other_year(text, year, f.start, f.end):
        return False
    words = _own_words()
    before = text[since_stop(text, f.start):f.end]
    if any(words[k].search(before) for k in ("span", "scope", "plan")):
        return False
    return not words["joined"].search((f.label or "").split(PATH_SEP)[-1])


def fmt(v: float | None) -> str:
    """A figure in a finding's message (index/numbers.py's format; "?" for one not stated)."""
    return "?" if v is None else format_number(v)


def eq(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def short(label: str) -> str:
    """The last part of a row/column label path, without numbering or notes."""
    last = label.split(PATH_SEP)[-1] if label else ""
    s = strip_numbering(last)
    s = re.sub(r"^其中\s*[::]?", "", s)
    s = re.sub(r"\([^()]*\)$", "", s).strip()
    return s or last


def certain(c: Cell | None) -> Cell | None:
    """The cell when its value was read with certainty, else None (no cell, or a run of digits that
    splits more than one way: no rule reads a figure the table does not state)."""
    return c if c is not None and c.known is not None else None


def label_path(label: str) -> tuple[str, ...]:
    """A row/column label path ("三、本年度办理结果 › (一)予以公开") as its parts."""
    return tuple(p for p in label.split(PATH_SEP) if p) if label else ()
