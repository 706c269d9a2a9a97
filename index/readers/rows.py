"""Pipe rows: how every structured reader renders a table (one table row a line)."""
from __future__ import annotations

import re


def pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.strip() for c in cells) + " |"


def clean_cell(text: str | None) -> str:
    """A cell's text on one line, with a literal pipe escaped as "/"."""
    return re.sub(r"\s+", " ", text or "").strip().replace("|", "/")
