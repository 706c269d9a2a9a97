"""The source viewer: a report's text around a cited span, the span itself, its section, and (when the span
is a table cell) the cell's whole row with the cell marked. JSON for clients, and an HTML page the chat's
citations open, scrolled to the highlighted span.

Offsets are those of every citation: positions in the report's normalized text (``Report.text``).
"""
from __future__ import annotations

import html
from typing import Any

from ui.render import CELL_MARK, cited_row

DEFAULT_CONTEXT = 600  # characters shown on each side of the span
MAX_CONTEXT = 20_000


class BadSpan(ValueError):
    """Offsets that do not delimit a span of the report's text."""


def window(report: Any, start: int, end: int | None = None, context: int = DEFAULT_CONTEXT,
           store: Any = None) -> dict:
    """The text around ``report.text[start:end]`` (``end`` defaults to ``start``), cut at line breaks near
    the window's edges so it opens on whole lines."""
    text = report.text or ""
    end = start if end is None else end
    if not (0 <= start <= end <= len(text)):
        raise BadSpan(f"start and end must satisfy 0 <= start <= end <= {len(text)} (got {start}, {end})")
    context = max(0, min(int(context), MAX_CONTEXT))
    lo, hi = max(0, start - context), min(len(text), end + context)
    if lo > 0 and (nl := text.find("\n", lo, start)) >= 0:  # open on a whole line
        lo = nl + 1
    if hi < len(text) and (nl := text.rfind("\n", end, hi)) >= 0:  # and close on one
        hi = nl
    sec = report.section_at(start) if hasattr(report, "section_at") else None
    out = {
        "report_id": report.id, "source": report.source, "title": report.meta.title, "body": report.meta.body,
        "year": report.meta.year, "start": start, "end": end, "span": text[start:end],
        "window_start": lo, "window_end": hi, "before": text[lo:start], "after": text[end:hi],
        "text": text[lo:hi], "section": sec.path_str if sec is not None else "",
        "row": [], "row_cell": -1,
    }
    if store is not None and end > start:
        out.update(_row(store, report.id, start, end))
    return out


def _row(store: Any, report_id: int, start: int, end: int) -> dict:
    """A span that is exactly a table cell: the cell's row, its labels, and which entry is the cell."""
    from assistant.answers import Citation
    from assistant.figures import cell_rows

    c = Citation(source="", report="", section="", quote="", start=start, end=end, report_id=report_id, kind="table")
    cell_rows(store, [c])
    return {"row": c.row, "row_cell": c.row_cell} if c.row else {}


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #222; }}
pre {{ white-space: pre-wrap; line-height: 1.7; font-family: inherit; background: #fafafa; padding: 1rem;
       border: 1px solid #ddd; }}
mark {{ background: #ffe066; padding: 0 2px; }}
.meta {{ color: #666; font-size: .9rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; }} td {{ border: 1px solid #ccc; padding: 2px 8px; }}
td.cited {{ background: #ffe066; font-weight: bold; }}
</style></head>
<body>
<h2>{title}</h2>
<p class="meta">{source} · {section} · 第 {start}–{end} 字符</p>
{row}
<pre id="reportqa-source">{more_before}{before}<mark id="reportqa-cited">{span}</mark>{after}{more_after}</pre>
<script>document.getElementById("reportqa-cited").scrollIntoView({{block: "center"}});</script>
</body></html>
"""


def page(w: dict, n_chars: int) -> str:
    """The viewer page of a window: the span highlighted (``<mark id="reportqa-cited">``), the cited cell's
    row as a table with the cell marked."""
    e = html.escape
    row = ""
    if w.get("row"):
        tds = "".join(f'<td class="cited">{e(x)}</td>' if i == w["row_cell"] else f"<td>{e(x)}</td>"
                      for i, x in enumerate(w["row"]))
        row = (f'<p class="meta">表格行(引用的单元格已标出:{e(CELL_MARK[0])}…{e(CELL_MARK[1])}):'
               f'{e(cited_row(w))}</p><table id="reportqa-row"><tr>{tds}</tr></table>')
    return PAGE.format(title=e(w["title"] or w["source"]), source=e(w["source"]), section=e(w["section"] or "—"),
                       start=w["start"], end=w["end"], row=row, before=e(w["before"]), span=e(w["span"]),
                       after=e(w["after"]), more_before="…" if w["window_start"] > 0 else "",
                       more_after="…" if w["window_end"] < n_chars else "")


__all__ = ["BadSpan", "DEFAULT_CONTEXT", "MAX_CONTEXT", "page", "window"]
