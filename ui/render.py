"""One renderer for every face (CLI, HTTP API, chat): labels, number formatting, verdicts, citation
lines, a cited table row, and the table of figures, defined once.

The faces only add their markup: the chat escapes Markdown and adds bold and links, the CLI prints
plain lines, the API returns the same strings beside its JSON. Everything here accepts either the
models (``assistant.answers``) or their ``to_dict()`` form; nothing here imports another ui module,
so ui/ has no import circle (``tests/test_render.py`` holds the import graph acyclic).
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, is_dataclass
from typing import Any
from urllib.parse import urlencode

from index.numbers import format_number

VERDICT_LABELS = {
    "supported": ("属实", "supported", "🟢"),
    "refuted": ("不实", "refuted", "🔴"),
    "conflicting": ("有矛盾", "conflicting", "🟠"),
    "not_found": ("未找到", "not found", "⚪"),
}
SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
SEVERITY_ICONS = {"high": "🔴", "medium": "🟠", "low": "🟡"}
COMPARISON_WORDS = {"eq": "=", "gt": ">", "lt": "<", "approx": "≈", "about_more": "≥ (余/多)", "nearly": "≤ (近)"}

# The columns of a table of figures as every face heads them: (field, heading).
TABLE_COLUMNS = (("label", "项目"), ("body", "机关"), ("year", "年度"), ("value", "数值"), ("unit", "单位"),
                 ("change", "变化"))
MISSING = "未载入"  # a year (or body) no loaded report states the figure for: said, never filled
CELL_MARK = ("【", "】")  # the cited cell inside its table row


def as_dict(x: Any) -> dict:
    """A model (dataclass) or its dict, as a dict."""
    if x is None:
        return {}
    return asdict(x) if is_dataclass(x) else dict(x)


def fmt_num(v: Any) -> str:
    """A figure without float noise: 70.0 -> 70, 90.2 -> 90.2; None -> ""."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return format_number(v)


def fmt_signed(v: Any) -> str:
    """A change: +12, -3, 0."""
    if v is None:
        return ""
    s = fmt_num(v)
    return s if s.startswith("-") or s == "0" else "+" + s


def one_line(s: str | None) -> str:
    return " ".join((s or "").split())


def verdict_label(verdict: str) -> str:
    zh, en, _ = VERDICT_LABELS.get(verdict, (verdict, verdict, ""))
    return f"{zh} / {en}"


def verdict_badge(verdict: str) -> tuple[str, str, str]:
    """(中文, English, dot) of a verdict; an unknown verdict shows as itself."""
    return VERDICT_LABELS.get(verdict, (verdict, verdict, "❔"))


def comparison_word(cmp: str) -> str:
    return COMPARISON_WORDS.get(cmp, cmp)


# -- citations ---------------------------------------------------------------------------------

def cell_label(c: Any) -> str:
    """A table cell's row and column labels: "自然人 / 本年新收" ("" for prose)."""
    c = as_dict(c)
    return " / ".join(x for x in (c.get("row_label"), c.get("col_label")) if x)


def citation_title(c: Any) -> str:
    c = as_dict(c)
    return c.get("report") or c.get("source") or "?"


def citation_where(c: Any, with_report: bool = True) -> str:
    """"report › section" (the section alone when the report is said elsewhere)."""
    c = as_dict(c)
    return " › ".join(x for x in (citation_title(c) if with_report else "", c.get("section")) if x)


def cited_row(c: Any) -> str:
    """A cited table cell's whole row, the cell marked: "(一)予以公开 | 3 | 【32】 | 0" ("" when the
    citation is no table cell or its row is not known)."""
    c = as_dict(c)
    row = c.get("row") or []
    if not row:
        return ""
    k = c.get("row_cell", -1)
    cells = [f"{CELL_MARK[0]}{x}{CELL_MARK[1]}" if i == k else x for i, x in enumerate(row)]
    return " | ".join(one_line(x) for x in cells)


def quote_text(c: Any) -> str:
    return f"「{one_line(as_dict(c).get('quote', ''))}」"


def citation_line(c: Any, with_report: bool = True) -> str:
    """One citation as one line: where (cell labels) 「quote」."""
    c = as_dict(c)
    cell = cell_label(c)
    return citation_where(c, with_report) + (f"  ({cell})" if cell else "") + f"  {quote_text(c)}"


def citation_lines(cites: list, with_report: bool = True) -> list[str]:
    """Numbered citations for plain text: "[1] where (cells)", the quote, and a cited cell's row."""
    out = []
    for i, c in enumerate(cites or [], 1):
        c = as_dict(c)
        cell = cell_label(c)
        out.append(f"[{i}] {citation_where(c, with_report)}" + (f"  ({cell})" if cell else ""))
        out.append(f"    {quote_text(c)}")
        row = cited_row(c)
        if row:
            out.append(f"    行:{row}")
    return out


def source_url(c: Any, html: bool = True) -> str:
    """Where the source viewer shows a citation's span in its report ("" without a report id)."""
    c = as_dict(c)
    if c.get("report_id") is None or c.get("start") is None:
        return ""
    q = {"start": c["start"], "end": c.get("end", c["start"])}
    if html:
        q["format"] = "html"
    return f"/api/v1/reports/{c['report_id']}/source?{urlencode(q)}"


def conflict_values(k: Any) -> str:
    return " / ".join(fmt_num(v) for v in as_dict(k).get("values") or [])


# -- tables of figures -------------------------------------------------------------------------

def figure_cells(row: Any) -> dict[str, str]:
    """One figure as the table shows it (every value a string; a missing figure says so)."""
    r = as_dict(row)
    value = fmt_num(r.get("value"))
    return {"label": r.get("label") or "", "body": r.get("body") or "",
            "year": str(r["year"]) if r.get("year") else "",
            "value": value if value else MISSING, "unit": r.get("unit") or "",
            "change": (f"{fmt_signed(r.get('change'))}({r['arithmetic']})" if r.get("arithmetic")
                       else fmt_signed(r.get("change")))}


def table_columns(rows: list) -> list[tuple[str, str]]:
    """The columns worth showing: 变化 only when some row has a change, 项目 only when labels differ."""
    cols = list(TABLE_COLUMNS)
    ds = [as_dict(r) for r in rows]
    if not any(d.get("change") is not None for d in ds):
        cols = [c for c in cols if c[0] != "change"]
    return cols


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, n: int) -> str:
    return s + " " * (n - _width(s))


def text_table(rows: list) -> str:
    """The table of figures as aligned plain text (CJK characters count two columns), each row
    followed by its citation number."""
    if not rows:
        return ""
    cols = table_columns(rows)
    cells = [figure_cells(r) for r in rows]
    head = [h for _, h in cols] + ["来源"]
    body, n = [], 0
    for c, r in zip(cells, rows):  # numbered like the citation list under it (a missing figure has none)
        n += bool(as_dict(r).get("citation"))
        body.append([c[k] for k, _ in cols] + [f"[{n}]" if as_dict(r).get("citation") else ""])
    widths = [max(_width(x) for x in col) for col in zip(head, *body)]
    line = lambda xs: "  ".join(_pad(x, w) for x, w in zip(xs, widths)).rstrip()  # noqa: E731
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, body)])


def table_citations(rows: list) -> list:
    """The citation of each row, in row order (None for a missing figure)."""
    return [as_dict(r).get("citation") for r in rows]


# -- audit findings ----------------------------------------------------------------------------

def group_findings(findings: list[dict], rows: list[Any]) -> list[tuple[Any, list[dict]]]:
    """(report row, its findings) for every row, in listing order. A finding citing several reports
    (a cross-year carry-over) is listed under the report it is about (its ``report_id``)."""
    by_id: dict[int, list[dict]] = {}
    for f in findings:
        by_id.setdefault(f.get("report_id"), []).append(f)
    return [(r, by_id.get(r.id, [])) for r in rows]


def severity_label(sev: str) -> str:
    return SEVERITY_LABELS.get(sev, sev)


__all__ = ["CELL_MARK", "COMPARISON_WORDS", "MISSING", "SEVERITY_ICONS", "SEVERITY_LABELS", "TABLE_COLUMNS",
           "VERDICT_LABELS", "as_dict", "cell_label", "citation_line", "citation_lines", "citation_title",
           "citation_where", "cited_row", "comparison_word", "conflict_values", "figure_cells", "fmt_num",
           "fmt_signed", "group_findings", "one_line", "quote_text", "severity_label", "source_url",
           "table_citations", "table_columns", "text_table", "verdict_badge", "verdict_label"]
