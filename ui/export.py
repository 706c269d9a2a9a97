"""An answer's figures as a download: CSV, XLSX or JSON, one row per figure with its citation and the SQL.

The rows are the answer's table (``Answer.table``: a trend, a ranking, or the figures a figure answer
cites). A year no loaded report states is a row with no value and the note 未载入, never a filled figure.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from ui.render import MISSING, as_dict, cited_row, fmt_num

# Column order of every export (the header row of CSV and XLSX, the keys of JSON).
COLUMNS = ("body", "year", "label", "value", "unit", "change", "arithmetic",
           "source", "report", "section", "quote", "row_label", "col_label", "row", "sql", "note")
FORMATS = {"csv": ("text/csv; charset=utf-8", "csv"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
           "json": ("application/json", "json")}


def export_rows(answer: Any) -> list[dict]:
    """One dict per figure of the answer (a model or its ``to_dict()``), in ``COLUMNS`` order."""
    d = as_dict(answer)
    out = []
    for r in d.get("table") or []:
        r = as_dict(r)
        c = as_dict(r.get("citation"))
        out.append({
            "body": r.get("body") or c.get("body") or "", "year": r.get("year"), "label": r.get("label") or "",
            "value": r.get("value"), "unit": r.get("unit") or "", "change": r.get("change"),
            "arithmetic": r.get("arithmetic") or "", "source": c.get("source", ""), "report": c.get("report", ""),
            "section": c.get("section", ""), "quote": c.get("quote", ""), "row_label": c.get("row_label", ""),
            "col_label": c.get("col_label", ""), "row": cited_row(c), "sql": d.get("sql") or "",
            "note": MISSING if r.get("value") is None else "",
        })
    return out


def _cell(v: Any) -> Any:
    return "" if v is None else v


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese text right."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: fmt_num(r[k]) if isinstance(r[k], float) else _cell(r[k]) for k in COLUMNS})
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "figures"
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append([_cell(r[k]) for k in COLUMNS])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_json(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")


def render(rows: list[dict], fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}[fmt](rows)


def filename(question: str, fmt: str) -> str:
    """An ASCII-safe download name (the question's Chinese goes in the file, not its name)."""
    import hashlib

    return f"reportqa-{hashlib.sha1(question.encode('utf-8')).hexdigest()[:8]}.{FORMATS[fmt][1]}"


__all__ = ["COLUMNS", "FORMATS", "export_rows", "filename", "render", "to_csv", "to_json", "to_xlsx"]
