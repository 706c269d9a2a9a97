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


@dataclass
class Conflict:
    metric: str
    values: list[float]
    citations: list[Citation]
    note: str = ""
    # "values": the report states this same figure differently (values are the alternatives);
    # "audit": a failed consistency rule touches the figure (values are the rule's operands).
    kind: str = "values"


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

    def to_dict(self) -> dict:
        return asdict(self)
