"""What a parsed question is: the matched metrics and the parsed question itself (plain data)."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_QUESTION_CHARS = 400

OPERATIONS = ("lookup", "sum", "difference", "compare", "ratio", "percent", "max", "min", "rank", "list",
              "count", "none")


@dataclass
class MetricMatch:
    metric_id: str
    phrase: str  # the words of the question that matched
    score: float  # 1.0 exact name/synonym, lower for derived forms
    dimension: str = ""  # "" = the metric's total, else e.g. 网络申请 / 自然人
    family: list[str] = field(default_factory=list)  # ids answering the same question (group, see_also)
    unit: str = ""
    role: str = ""  # part | whole for percent questions
    pos: int = 0  # offset of the phrase in the normalized question
    # The same figure under another template's (metric, dimension): the catalogue's crosswalk, e.g.
    # 部分公开 (2019 row) = 申请答复数/同意部分公开 (pre-2019 附表 and prose).
    equivalents: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ParsedQuestion:
    text: str
    report_ids: list[int] = field(default_factory=list)
    body_mentions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    metrics: list[MetricMatch] = field(default_factory=list)
    label_terms: list[str] = field(default_factory=list)  # content words for prose facts
    operation: str = "none"
    is_figure_question: bool = False
    is_claim: bool = False
    claim_value: float | None = None
    sql_in_text: bool = False
    parts: list[str] = field(default_factory=list)  # enumerated items of a sum ("当面申请", "信函申请")
    unit_hint: str = ""  # the measure word asked for (条, 件, 项, 万元, %)
    is_follow_up: bool = False
    years_explicit: bool = False
    # Names no loaded report answers to (福州市交通运输局 when only 宁德's is loaded): the answer is "not found".
    unresolved: list[str] = field(default_factory=list)
    # What the answer must say about how the question was read (报告写作沭阳县; 未指明年份,按最新的2024年报告回答).
    notes: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None

    @property
    def metric_ids(self) -> list[str]:
        out: list[str] = []
        for m in self.metrics:
            for mid in [m.metric_id, *m.family]:
                if mid not in out:
                    out.append(mid)
        return out


__all__ = ["MAX_QUESTION_CHARS", "OPERATIONS", "MetricMatch", "ParsedQuestion"]
