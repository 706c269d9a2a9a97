"""Typed records passed between reportqa's stages.

Every character offset (``start``/``end``) points into ``Report.text``, the report's
normalized text, so any span can be quoted back exactly as ``report.text[start:end]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """What a reader returns: normalized text plus how it was read.

    Readers of structured formats (HTML, DOCX, PDF) render each table as pipe rows
    (``| a | b | c |``, one table row per line) so that one table parser serves all formats.
    """

    text: str
    format: str  # txt | md | html | pdf | docx
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Metadata the file carries outside its text: HTML <meta name=... content=...> and <title>
    # (key "title"), DOCX core properties; read by index/metadata.py alongside the text.
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Metadata:
    title: str = ""
    body: str = ""  # issuing body (发布机构), e.g. 泰州市海陵区人民政府
    region: str = ""  # e.g. 泰州市海陵区
    level: str = ""  # province | city | district | county | town | street | department | ""
    year: int | None = None  # statistical year the report covers
    publish_date: str | None = None  # ISO date
    aliases: list[str] = field(default_factory=list)  # other names the report answers to


@dataclass
class Section:
    ord: int  # position in document order, 0-based
    level: int  # 0 = title/preamble, 1 = 一、, 2 = (一), 3 = 1. / 1、, 4 = (1)
    heading: str
    path: list[str]  # headings from the top level down to this one (inclusive)
    start: int  # heading start
    end: int  # end of the section's own text (before the next heading of any level)
    parent: int | None = None

    @property
    def path_str(self) -> str:
        return " › ".join(self.path)


@dataclass
class Cell:
    row: int
    col: int
    row_label: str  # row label path joined with " › "
    col_label: str  # column label path joined with " › "
    raw: str
    value: float | None
    unit: str | None
    start: int
    end: int
    uncertain: bool = False

    @property
    def known(self) -> float | None:
        """The cell's value when it was read with certainty, else None (a run of digits that splits
        more than one way)."""
        return None if self.uncertain else self.value


@dataclass
class Table:
    ord: int
    section_path: list[str]
    title: str
    kind: str  # template_active | template_apply | template_review | appendix | generic
    layout: str  # flat | pipe | html | docx | pdf | digits
    header: list[list[str]]
    rows: list[list[str]]  # grid incl. row label column
    cells: list[Cell]
    start: int
    end: int
    notes: list[str] = field(default_factory=list)
    # How each template row's cells were read from a run of digits: (row label, how the run was
    # written: glued | partly_spaced | spaced, determined | uncertain | inconsistent | none).
    row_checks: list[tuple[str, str, str]] = field(default_factory=list)

    def row_labels(self) -> list[str]:
        """The row label path of each grid row."""
        return [(row[0] if row else "") for row in self.rows]

    def column_labels(self) -> dict[int, str]:
        """Column index -> its label path, for the columns that hold cells."""
        return {c.col: c.col_label for c in self.cells}

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at grid position (row, col), or None."""
        grid = self.__dict__.get("_grid")
        if grid is None or len(grid) != len(self.cells):  # indexed once (again if cells were added)
            grid = self.__dict__["_grid"] = {(c.row, c.col): c for c in self.cells}
        return grid.get((row, col))


@dataclass
class Fact:
    metric: str  # canonical metric id from index/metrics.yaml
    dimension: str  # "" for the total, else e.g. 自然人 / 网络申请
    value: float
    unit: str
    source: str  # table | prose
    section_path: list[str]
    quote: str
    start: int
    end: int
    table_ord: int | None = None
    row_label: str = ""
    col_label: str = ""
    conflict: bool = False
    # The report's own words that name the quantity: a cell's row label path and column label, a prose
    # figure's naming words ("新浪微博粉丝"), preceded by what a 其中 breakdown belongs to
    # ("主动公开政府信息 › 政策、规范性文件类信息"). What index-free matching reads (assistant/match/).
    label: str = ""


@dataclass
class Chunk:
    ord: int
    section_ord: int
    section_path: list[str]
    text: str  # exact report.text[start:end]
    start: int
    end: int


@dataclass
class Report:
    source: str  # ingested file name
    content_hash: str
    format: str
    text: str
    meta: Metadata
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    id: int | None = None

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds ``offset``."""
        best = None
        for s in self.sections:
            if s.start <= offset < max(s.end, s.start + 1):
                if best is None or s.level >= best.level:
                    best = s
        return best


class IngestError(Exception):
    """A file that cannot be ingested; the message is shown to the user as ``file: reason``."""
