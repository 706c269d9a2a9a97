"""The answer every face (CLI, API, chat, eval) receives, and its citations."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    source: str  # ingested file name
    report: str  # report title
    section: str  # heading path, " › "-joined
    quote: str  # exact span of the report's normalized text
    start: int
    end: int
    report_id: int | None = None
    body: str = ""
    year: int | None = None
    # For table cells
    row_label: str = ""
    col_label: str = ""
    kind: str = "text"  # text | prose | table
    # A cited table cell's whole row as the report prints it (row label, then every cell's text) and
    # which entry is the cited cell; empty for prose (filled by assistant/figures.py).
    row: list[str] = field(default_factory=list)
    row_cell: int = -1

    @property
    def span(self) -> tuple[int | None, int, int]:
        """Where the quote stands: (report id, start, end) — one cited figure, however it is quoted."""
        return (self.report_id, self.start, self.end)


@dataclass
class Conflict:
    metric: str
    values: list[float]
    citations: list[Citation]
    note: str = ""
    # "values": the report states this same figure differently (values are the alternatives);
    # "audit": a failed consistency rule touches the figure (values are the rule's operands);
    # "parts": the figure is a stated total its own listed parts do not add up to (values: the total
    # and the parts' sum — two readings of one quantity).
    kind: str = "values"


@dataclass
class Figure:
    """One row of an answer's table of figures: one quantity of one body in one year, with its citation.
    ``value`` is None when no loaded report states it (a missing year is said, never filled); ``change``
    is computed from the row before (a trend), with its ``arithmetic`` shown."""

    label: str  # the report's words for the quantity
    body: str
    year: int | None
    value: float | None
    unit: str
    citation: Citation | None = None
    change: float | None = None
    arithmetic: str = ""
    report_id: int | None = None


@dataclass
class Answer:
    question: str
    answer: str
    route: str  # sql | text | both | none
    value: float | None = None
    unit: str | None = None
    sql: str | None = None
    arithmetic: str | None = None
    citations: list[Citation] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # rows the SQL returned
    found: bool = True
    notes: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The figures the answer gives, one cited row each (assistant/figures.py, assistant/series.py), and
    # the chart they call for: "line" (one body over years), "bar" (bodies ranked) or "" (none).
    table: list[Figure] = field(default_factory=list)
    chart_kind: str = ""
    # issue 14: what the optional LLM did (assistant/llm/): None when none is configured, else
    # {"used": bool, "model": str, "discarded": reason its output was thrown away or "", "task": str}.
    llm: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)
