"""``prose_vs_template``: a figure the prose states about applications against the row of the national
template's table that counts the same thing (国办公开办函〔2019〕60号 /〔2021〕30号, table 三).

Reports summarise their own table in prose ("共收到政府信息公开申请3件,予以公开1件,不予公开2件").
The prose figure and the table row are one quantity stated twice when

- the prose figure's catalogue metric is the row's, or the row's equivalent in the crosswalk
  (index/metrics.yaml ``equivalents``: the pre-2019 "同意公开" answers are the template's 予以公开), or
- its words name one of the template's result rows ("因无法提供相关信息答复2件" → (四)无法提供).

A result row the template splits into sub-rows ((三)不予公开, (四)无法提供 …) has no figure of its own:
its value is the sum of its sub-rows, each of which must be stated. Received applications are the year's
new ones, or those and the ones carried over from last year (本年新收 + 上年结转), so either reading
agrees. ``prose_vs_table`` already covers a prose figure and a row of one metric both stated
(``facts.conflict``); this rule skips those."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from assistant.audit.document import OTHER_PERIOD, Document, Finding, eq, fmt
from index.models import Fact
from index.facts import is_cumulative
from index.metrics import Catalogue, load_catalogue, normalize_label
from index.sqlstore import PATH_SEP

NAME = "prose_vs_template"
SEVERITY = "high"
TITLE = "正文与表格数字不一致"  # what a user is shown for the rule

TABLE_KIND = "template_apply"
# Received applications (prose) against the table: 本年新收, or 本年新收 + 上年结转 (the template's identity).
RECEIVED = "apply_received"
RECEIVED_READINGS = (("apply_new",), ("apply_new", "apply_carried_over"))
# A received-applications figure says it received them ("共收到申请4件"); "依申请公开政府信息6件" counts documents.
_RECEIVED_VERB = re.compile(r"收到|受理|新收|接到|接收")
# A label naming two rows or more ("予以公开或部分公开8件") is none of them.
_SEVERAL = re.compile(r"[或和及与、]")


class _Template(NamedTuple):
    catalogue: Catalogue
    rows: dict[str, str]  # the top-level rows' names (normalized name/synonym -> metric id)
    applicant_words: list[str]  # words naming one kind of applicant: another quantity than the row's total
    applicants: list[str]  # the applicant columns


@lru_cache(maxsize=1)
def _template() -> _Template:
    """The catalogue, the names of the template's top-level rows (for a prose figure named by its
    words), and the applicant columns."""
    cat = load_catalogue()
    rows: dict[str, str] = {}
    applicants: list[str] = []
    for m in cat.metrics:
        if TABLE_KIND not in m.table_kinds:
            continue
        applicants += [d for d in m.dimensions if d not in applicants]
        if cat.parent_of(m.id) is None:
            for name in (m.name, *m.synonyms):
                n = normalize_label(name)
                if len(n) >= 4:
                    rows.setdefault(n, m.id)
    # the columns' group heading "法人或其他组织" is written "法人" in prose ("法人申请1件")
    return _Template(cat, rows, [a for a in applicants if len(a) >= 3] + ["法人"], applicants)


def _table_value(doc: Document, metric: str, columns: tuple[str, ...] = ("",)) -> tuple[float, list[Fact]] | None:
    """The template table's figure for ``metric`` in ``columns`` (the 总计 column by default, or the
    applicant columns a prose figure names, summed): its own cells, else the sum of its sub-rows'
    (every one stated); None when it is not stated or stated twice differently."""
    cat = _template().catalogue
    cells = []
    for col in columns:
        own = [f for f in doc.facts if f.source == "table" and f.metric == metric and f.dimension == col]
        if not own:
            break
        if any(not eq(f.value, own[0].value) for f in own):
            return None
        cells.append(own[0])
    else:
        return sum(f.value for f in cells), cells
    kids = cat.children_of(metric)
    if len(kids) < 2:
        return None
    parts = []
    for k in kids:
        got = _table_value(doc, k, columns)
        if got is None:
            return None
        parts += got[1]
    return sum(f.value for f in parts), parts


def _columns(label: str) -> tuple[str, ...] | None:
    """The applicant columns a prose figure counts: the 总计 column ("", also for "公民、法人和其他组织"),
    自然人 (公民), or the five columns of 法人或其他组织 ("法人申请1件"); None when its words name
    another column."""
    applicants = _template().applicant_words
    last = label.split(PATH_SEP)[-1]
    person, body = "自然人" in last or "公民" in last, "法人" in last
    if person and body:  # "收到公民、法人和其他组织…申请28件": every applicant
        return ("",)
    if person:
        return ("自然人",)
    if body:
        return tuple(a for a in _template().applicants if a != "自然人")
    if any(a in label for a in applicants):
        return None
    return ("",)


def _rows_for(f: Fact) -> list[str]:
    """The template rows the prose figure ``f`` states, by its metric or its words ([] if none)."""
    cat, rows = _template().catalogue, _template().rows
    if f.metric == RECEIVED and (not f.dimension or _columns(f.label) != ("",)):
        return [RECEIVED] if _RECEIVED_VERB.search(f.label) else []
    metric = cat.get(f.metric)
    if metric is not None and TABLE_KIND in metric.table_kinds and not f.dimension:
        return [f.metric]
    same = [mid for mid, dim in cat.equivalents(f.metric, f.dimension) if not dim
            and (m := cat.get(mid)) is not None and TABLE_KIND in m.table_kinds]
    if same:
        return same[:1]
    if metric is not None and not f.dimension:  # the catalogue read it as another quantity
        return []
    name = normalize_label(f.label.split(PATH_SEP)[-1])
    hits = sorted((n for n in rows if n in name), key=len, reverse=True)
    return [rows[hits[0]]] if hits else []


def _row_adds_up(doc: Document, metric: str) -> bool:
    """The template row's applicant columns add up to its 总计 column (or are not all stated)."""
    applicants = _template().applicants
    cells = {f.dimension: f.value for f in doc.facts if f.source == "table" and f.metric == metric}
    if "" not in cells or any(a not in cells for a in applicants):
        return True
    return eq(sum(cells[a] for a in applicants), cells[""])


def _table_preferred(doc: Document, cells: list[Fact]) -> bool:
    """Whether the table's figure is the one to give: the table was filled in (not every figure 0) and
    each row it comes from adds up across its columns ("3000000": 自然人 3 but 总计 0 is a slip)."""
    filled = any(not eq(f.value, 0) for f in doc.facts if f.source == "table" and f.table_ord == cells[0].table_ord)
    return filled and all(_row_adds_up(doc, c.metric) for c in cells)


def readings_of(row: str) -> tuple[tuple[str, ...], ...]:
    """The sums of template rows a prose figure of ``row`` may equal."""
    return RECEIVED_READINGS if row == RECEIVED else ((row,),)


def check(doc: Document) -> list[Finding]:
    if not any(t.kind == TABLE_KIND for t in doc.tables):
        return []
    cat = _template().catalogue
    out = []
    for f in doc.facts:
        if f.source != "prose" or f.conflict or not f.label:
            continue
        columns = _columns(f.label)
        if is_cumulative(f) or OTHER_PERIOD.search(f.label) or columns is None:
            continue
        if PATH_SEP in f.label and columns == ("",):
            continue  # a declared part of another figure ("收到申请…,其中企业申请2件") is not a row's total
        name = f.label.split(PATH_SEP)[-1]
        if _SEVERAL.search(name.replace("公民、法人", "").replace("法人或其他组织", "")):
            continue
        if "申请" not in doc.text[doc.since_stop(f.start):f.start] + f.label:
            continue  # a figure of another subject (主动公开, 复议) that shares a row's words
        for row in _rows_for(f):
            readings = readings_of(row)
            if (f.unit or "") != cat.get(readings[0][0]).unit:
                continue  # "依申请公开316条": documents by how they are released, not applications (件)
            values = [[_table_value(doc, m, columns) for m in reading] for reading in readings]
            values = [v for v in values if all(x is not None for x in v)]
            if not values or any(eq(sum(x[0] for x in v), f.value) for v in values):
                continue
            parts = values[0]
            cells = [c for _, fs in parts for c in fs]
            got = sum(x[0] for x in parts)
            names = "+".join(cat.get(m).name if cat.get(m) else m for m in readings[0])
            where = "" if columns == ("",) else "“" + "、".join(columns) + "”栏"
            shown = [c for c in cells if not eq(c.value, 0)]  # the sub-rows that count, not eight zeros
            arith = ""
            if len(cells) > 1:
                arith = ("+".join(fmt(c.value) for c in shown) + f"={fmt(got)}" if len(shown) > 1 else
                         f"{len(cells)}个分项" + ("均为0" if not shown else f"中仅一项为{fmt(got)}"))
            unit = f.unit or ""
            msg = (f"正文称{f.label.split(PATH_SEP)[-1]}{fmt(f.value)}{unit},表中“{names}”{where}为{fmt(got)}{unit}"
                   f"{'(' + arith + ')' if arith else ''},二者不一致。")
            out.append(doc.finding(NAME, SEVERITY, msg, {"prose_value": f.value, "table_value": got},
                                   f"{fmt(f.value)} ≠ {fmt(got)}" + (f"({arith})" if arith else ""),
                                   [doc.cite_fact(f), *map(doc.cite_fact, cells)],
                                   preferred="table_value" if _table_preferred(doc, cells) else "prose_value"))
    return out
