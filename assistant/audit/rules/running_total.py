"""``running_total``: a running total the prose states ("截止2018年,共公开文件累计257份", "历年累计主动公开
政府信息582条") against the 历年累计 column of the report's 统计表 (the pre-2019 table of 指标/单位/年度/
历年累计) for the row that names the same thing.

The row is the one whose name holds the prose figure's words, or whose words the prose figure's name
holds ("公开文件" ↔ "主动公开文件数"), and it must be the only such row. "2022年累计主动公开90条" and
"全年累计" are the year's figure, not a running total, and are not checked here."""
from __future__ import annotations

import re

from assistant.audit.document import OTHER_PERIOD, Document, Finding, eq, fmt, short
from index.models import Cell, Fact, Table
from index.units import interchangeable
from index.metrics import normalize_label
from index.sqlstore import PATH_SEP

NAME = "running_total"
SEVERITY = "high"
TITLE = "正文与表格数字不一致"  # what a user is shown for the rule

_RUNNING = re.compile(r"累计")
_YEARS_OWN = re.compile(r"(\d{4}\s*年|全年|本年|当年|年度|今年)(度)?\s*累计")
_FILLER = re.compile(r"历年|累计|共计|总共|共|达|截[止至]\d{4}年(底|末)?")


def _core(words: str) -> str:
    return normalize_label(_FILLER.sub("", words))


def _running(doc: Document, f: Fact) -> bool:
    clause = doc.text[doc.since_stop(f.start, ",,。;;\n"):f.end]
    return bool(_RUNNING.search(clause)) and not _YEARS_OWN.search(clause) and not OTHER_PERIOD.search(clause)


def _running_cells(doc: Document) -> list[tuple[Table, Cell]]:
    return [(t, c) for t in doc.tables for c in t.cells
            if c.known is not None and "累计" in (c.col_label or "")]


def check(doc: Document) -> list[Finding]:
    cells = _running_cells(doc)
    if not cells:
        return []
    out = []
    for f in doc.facts:
        if f.source != "prose" or not f.label or f.unit == "%" or not _running(doc, f):
            continue
        name = _core(f.label.split(PATH_SEP)[-1])
        if len(name) < 2:
            continue
        rows = {}
        for t, c in cells:
            row = _core(short(c.row_label))
            if len(row) >= 2 and (name in row or row in name) and interchangeable(c.unit or "", f.unit or ""):
                rows.setdefault((t.ord, c.row), (t, c))
        if len(rows) != 1:
            continue  # no row, or several rows the words fit: which one is meant is not known
        t, c = next(iter(rows.values()))
        if eq(c.value, f.value):
            continue
        said = f.label.split(PATH_SEP)[-1]
        msg = (f"正文称{said}{'' if '累计' in said else '累计'}{fmt(f.value)}{f.unit or ''},"
               f"表“{(t.title or '统计表')[:20]}”中“{short(c.row_label)}”历年累计为{fmt(c.value)}{c.unit or ''},二者不一致。")
        out.append(doc.finding(NAME, SEVERITY, msg, {"prose_value": f.value, "table_value": c.value},
                               f"{fmt(f.value)} ≠ {fmt(c.value)}", [doc.cite_fact(f), doc.cite_cell(t, c)],
                               preferred="table_value"))
    return out
