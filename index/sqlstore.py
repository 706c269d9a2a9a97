"""The SQL store: reports, sections, chunks, tables, cells, metrics and facts.

SQLAlchemy Core, so the same schema runs on SQLite (default) and PostgreSQL
(``REPORTQA_DATABASE_URL``). docs/schema.md documents what text-to-SQL and users see.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy import Table as SATable
from sqlalchemy import (
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from index.models import Cell, Chunk, Fact, Metadata, Report, Section, Table

meta = MetaData()

reports = SATable(
    "reports", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(512), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default=""),
    Column("region", Text, nullable=False, default=""),
    Column("level", String(32), nullable=False, default=""),
    Column("year", Integer),
    Column("publish_date", String(32)),
    Column("aliases", Text, nullable=False, default="[]"),  # JSON list
    Column("text", Text, nullable=False),
    # False until the report's vectors are written too: a crash in between leaves it invisible and
    # the next Indexer removes it, so a report is either fully in or not at all.
    Column("complete", Boolean, nullable=False, default=False),
)

sections = SATable(
    "sections", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("ord", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("heading", Text, nullable=False),
    Column("path", Text, nullable=False),  # " › "-joined heading path
    Column("parent_ord", Integer),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

chunks = SATable(
    "chunks", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("ord", Integer, nullable=False),
    Column("section_ord", Integer, nullable=False),
    Column("section_path", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

tables = SATable(
    "tables", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("ord", Integer, nullable=False),
    Column("section_path", Text, nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("kind", String(32), nullable=False),
    Column("layout", String(16), nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("n_cols", Integer, nullable=False),
    Column("grid", Text, nullable=False),  # JSON: {"header": [[...]], "rows": [[...]]}
    Column("notes", Text, nullable=False, default="[]"),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

cells = SATable(
    "cells", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_id", Integer, ForeignKey("tables.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("col", Integer, nullable=False),
    Column("row_label", Text, nullable=False),
    Column("col_label", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("value", Float),
    Column("unit", String(32)),
    Column("uncertain", Boolean, nullable=False, default=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

metrics = SATable(
    "metrics", meta,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("unit", String(32), nullable=False, default=""),
    Column("synonyms", Text, nullable=False, default="[]"),  # JSON list
)

facts = SATable(
    "facts", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("metric_id", String(64), nullable=False, index=True),
    Column("dimension", Text, nullable=False, default=""),
    Column("value", Float, nullable=False),
    Column("unit", String(32), nullable=False, default=""),
    Column("source", String(16), nullable=False),  # table | prose
    Column("section_path", Text, nullable=False),
    Column("quote", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("table_ord", Integer),
    Column("row_label", Text, nullable=False, default=""),
    Column("col_label", Text, nullable=False, default=""),
    Column("conflict", Boolean, nullable=False, default=False),
    Column("label", Text, nullable=False, default=""),  # the report's words naming the quantity
)

# Facts about the data folder itself (e.g. the embedding space its vectors are in); never queryable.
store_meta = SATable(
    "store_meta", meta,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Tables that text-to-SQL (and users' own SQL) may read; reports.text is readable too.
QUERYABLE = ("reports", "sections", "tables", "cells", "metrics", "facts", "chunks")
PATH_SEP = " › "


@dataclass
class ReportRow:
    id: int
    source: str
    content_hash: str
    format: str
    meta: Metadata
    complete: bool = True


# Backstop for read-only connections that no caller limits further (run_readonly sets its own).
READONLY_TIMEOUT_MS = 30_000


def normalize_url(url: str) -> str:
    """``postgresql://`` / ``postgres://`` mean PostgreSQL through psycopg 3 (SQLAlchemy's bare default is psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _rec):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
    return engine


class SQLStore:
    """Writes whole reports atomically and reads them back as typed records."""

    def __init__(self, url: str):
        self.url = normalize_url(url)
        self.engine = make_engine(url)
        meta.create_all(self.engine)
        self._migrate()

    def _migrate(self) -> None:
        """Add columns that older data folders lack (reports written before them count as complete)."""
        from sqlalchemy import inspect, text

        cols = {c["name"] for c in inspect(self.engine).get_columns("reports")}
        if "complete" not in cols:
            with self.engine.begin() as conn:
                conn.execute(text("ALTER TABLE reports ADD COLUMN complete BOOLEAN NOT NULL DEFAULT TRUE"))
        if "label" not in {c["name"] for c in inspect(self.engine).get_columns("facts")}:
            with self.engine.begin() as conn:  # facts written before labels were kept: matched by quote
                conn.execute(text("ALTER TABLE facts ADD COLUMN label TEXT NOT NULL DEFAULT ''"))

    # -- writes --------------------------------------------------------------------------
    def sync_metrics(self, catalogue: list[dict]) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(metrics))
            if catalogue:
                conn.execute(insert(metrics), [
                    {"id": m["id"], "name": m["name"], "category": m.get("category", ""),
                     "unit": m.get("unit", ""), "synonyms": json.dumps(m.get("synonyms", []), ensure_ascii=False)}
                    for m in catalogue
                ])

    def find_by_source(self, source: str) -> ReportRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(reports).where(reports.c.source == source)).mappings().first()
        return _report_row(row) if row else None

    def delete_report(self, report_id: int) -> None:
        with self.engine.begin() as conn:
            _delete_children(conn, report_id)
            conn.execute(delete(reports).where(reports.c.id == report_id))

    def save_report(self, report: Report, complete: bool = True) -> int:
        """Insert ``report`` (replacing any older version of the same source) in one transaction.

        ``complete=False`` keeps it invisible until ``set_complete(id, True)``: the indexer writes vectors in between."""
        with self.engine.begin() as conn:
            old = conn.execute(select(reports.c.id).where(reports.c.source == report.source)).scalar()
            if old is not None:
                _delete_children(conn, old)
                conn.execute(delete(reports).where(reports.c.id == old))
            m = report.meta
            rid = conn.execute(insert(reports).values(
                source=report.source, content_hash=report.content_hash, format=report.format,
                title=m.title, body=m.body, region=m.region, level=m.level, year=m.year,
                publish_date=m.publish_date, aliases=json.dumps(m.aliases, ensure_ascii=False),
                text=report.text, complete=complete,
            )).inserted_primary_key[0]
            if report.sections:
                conn.execute(insert(sections), [
                    {"report_id": rid, "ord": s.ord, "level": s.level, "heading": s.heading,
                     "path": PATH_SEP.join(s.path), "parent_ord": s.parent, "start": s.start, "end": s.end}
                    for s in report.sections])
            if report.chunks:
                conn.execute(insert(chunks), [
                    {"report_id": rid, "ord": c.ord, "section_ord": c.section_ord,
                     "section_path": PATH_SEP.join(c.section_path), "text": c.text, "start": c.start, "end": c.end}
                    for c in report.chunks])
            for t in report.tables:
                tid = conn.execute(insert(tables).values(
                    report_id=rid, ord=t.ord, section_path=PATH_SEP.join(t.section_path), title=t.title,
                    kind=t.kind, layout=t.layout, n_rows=len(t.rows), n_cols=max((len(r) for r in t.rows), default=0),
                    grid=json.dumps({"header": t.header, "rows": t.rows}, ensure_ascii=False),
                    notes=json.dumps(t.notes, ensure_ascii=False), start=t.start, end=t.end,
                )).inserted_primary_key[0]
                if t.cells:
                    conn.execute(insert(cells), [
                        {"table_id": tid, "report_id": rid, "row": c.row, "col": c.col, "row_label": c.row_label,
                         "col_label": c.col_label, "raw": c.raw, "value": c.value, "unit": c.unit,
                         "uncertain": c.uncertain, "start": c.start, "end": c.end} for c in t.cells])
            if report.facts:
                conn.execute(insert(facts), [
                    {"report_id": rid, "metric_id": f.metric, "dimension": f.dimension, "value": f.value,
                     "unit": f.unit, "source": f.source, "section_path": PATH_SEP.join(f.section_path),
                     "quote": f.quote, "start": f.start, "end": f.end, "table_ord": f.table_ord,
                     "row_label": f.row_label, "col_label": f.col_label, "conflict": f.conflict,
                     "label": f.label}
                    for f in report.facts])
        report.id = rid
        return rid

    def set_complete(self, report_id: int, complete: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(reports.update().where(reports.c.id == report_id).values(complete=complete))

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(store_meta.c.value).where(store_meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(store_meta.delete().where(store_meta.c.key == key))
            conn.execute(store_meta.insert().values(key=key, value=value))

    def incomplete_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(reports.c.id).where(reports.c.complete.is_(False))).scalars())

    # -- reads ---------------------------------------------------------------------------
    def list_reports(self) -> list[ReportRow]:
        """Complete reports only: one whose vectors are not yet written is not answerable."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*[c for c in reports.c if c.name != "text"])
                                .where(reports.c.complete.is_(True)).order_by(reports.c.id)).mappings().all()
        return [_report_row(r) for r in rows]

    def load_report(self, report_id: int, figures: bool = False) -> Report | None:
        """The stored report with its sections and chunks; with ``figures``, its tables (with their
        cells) and facts too (else they stay in SQL)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(reports).where(reports.c.id == report_id)).mappings().first()
            if row is None:
                return None
            secs = conn.execute(select(sections).where(sections.c.report_id == report_id).order_by(sections.c.ord)).mappings().all()
            chs = conn.execute(select(chunks).where(chunks.c.report_id == report_id).order_by(chunks.c.ord)).mappings().all()
            if figures:
                trows = conn.execute(select(tables).where(tables.c.report_id == report_id)
                                     .order_by(tables.c.ord)).mappings().all()
                crows = conn.execute(select(cells).where(cells.c.report_id == report_id)
                                     .order_by(cells.c.table_id, cells.c.row, cells.c.col)).mappings().all()
                frows = conn.execute(select(facts).where(facts.c.report_id == report_id)
                                     .order_by(facts.c.start, facts.c.id)).mappings().all()
        rr = _report_row(row)
        rep = Report(source=rr.source, content_hash=rr.content_hash, format=rr.format, text=row["text"], meta=rr.meta, id=rr.id)
        rep.sections = [Section(ord=s["ord"], level=s["level"], heading=s["heading"], path=s["path"].split(PATH_SEP),
                                start=s["start"], end=s["end"], parent=s["parent_ord"]) for s in secs]
        rep.chunks = [Chunk(ord=c["ord"], section_ord=c["section_ord"], section_path=c["section_path"].split(PATH_SEP),
                            text=c["text"], start=c["start"], end=c["end"]) for c in chs]
        if figures:
            by_table: dict[int, list[Cell]] = {}
            for c in crows:
                by_table.setdefault(c["table_id"], []).append(
                    Cell(row=c["row"], col=c["col"], row_label=c["row_label"], col_label=c["col_label"], raw=c["raw"],
                         value=c["value"], unit=c["unit"], start=c["start"], end=c["end"], uncertain=bool(c["uncertain"])))
            for t in trows:
                grid = json.loads(t["grid"] or "{}")
                rep.tables.append(Table(ord=t["ord"], section_path=_path(t["section_path"]), title=t["title"],
                                        kind=t["kind"], layout=t["layout"], header=grid.get("header", []),
                                        rows=grid.get("rows", []), cells=by_table.get(t["id"], []), start=t["start"],
                                        end=t["end"], notes=json.loads(t["notes"] or "[]")))
            rep.facts = [Fact(metric=f["metric_id"], dimension=f["dimension"], value=f["value"], unit=f["unit"],
                              source=f["source"], section_path=_path(f["section_path"]), quote=f["quote"],
                              start=f["start"], end=f["end"], table_ord=f["table_ord"], row_label=f["row_label"],
                              col_label=f["col_label"], conflict=bool(f["conflict"]), label=f.get("label") or "")
                         for f in frows]
        return rep

    def counts(self) -> dict[str, int]:
        from sqlalchemy import func
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() or 0
                    for t in (reports, sections, chunks, tables, cells, facts, metrics)}

    @contextmanager
    def readonly(self) -> Iterator[object]:
        """A DB-API connection that cannot write: SQLite ``mode=ro``; PostgreSQL read-only transaction."""
        if self.engine.dialect.name == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            try:
                yield conn
            finally:
                conn.close()
        else:
            # PostgreSQL via psycopg 3: a pooled DB-API connection inside one READ ONLY transaction
            # (the server refuses every write in it), always rolled back, so whatever a statement
            # SETs is undone before the connection goes back to the pool.
            raw = self.engine.raw_connection()
            try:
                raw.rollback()  # start clean: SET TRANSACTION must be the first statement of its transaction
                driver = raw.driver_connection
                if getattr(driver, "autocommit", False):
                    driver.autocommit = False  # autocommit would make each statement its own read-write transaction
                cur = raw.cursor()
                cur.execute("SET TRANSACTION READ ONLY")
                cur.execute(f"SET LOCAL statement_timeout = {READONLY_TIMEOUT_MS}")
                cur.close()
                yield raw
            finally:
                try:
                    raw.rollback()
                except Exception:  # noqa: BLE001 - a broken connection must not go back to the pool
                    raw.invalidate()
                raw.close()


def _delete_children(conn, report_id: int) -> None:  # noqa: ANN001
    for t in (facts, cells, tables, chunks, sections):
        conn.execute(delete(t).where(t.c.report_id == report_id))


def _path(joined: str) -> list[str]:
    return joined.split(PATH_SEP) if joined else []


def _report_row(row) -> ReportRow:  # noqa: ANN001
    return ReportRow(
        id=row["id"], source=row["source"], content_hash=row["content_hash"], format=row["format"],
        meta=Metadata(title=row["title"], body=row["body"], region=row["region"], level=row["level"],
                      year=row["year"], publish_date=row["publish_date"], aliases=json.loads(row["aliases"] or "[]")),
        complete=bool(row.get("complete", True)),
    )


__all__ = ["SQLStore", "ReportRow", "normalize_url", "QUERYABLE", "PATH_SEP", "Cell", "Fact", "Table"]
