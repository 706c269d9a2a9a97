"""Scale-out to PostgreSQL: the same schema, pipeline, answers and SQL fences as on SQLite.

A real PostgreSQL (Debian's ``postgresql`` package, started by ``scripts/pg.sh`` in a temporary folder on a
free loopback port) holds the SQL side; the tests are skipped, with the reason, where its binaries are missing.
To keep the model out of the loop twice, the PostgreSQL database is filled by the real pipeline with a
tiny hashing embedder, and the end-to-end assistant on PostgreSQL reads the real vectors of the session's
SQLite sample folder (same report ids: asserted before use).
"""
from __future__ import annotations

import glob
import hashlib
import json
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

psycopg = pytest.importorskip("psycopg", reason="psycopg (extra 'postgres') is not installed")

from sqlalchemy import create_engine, inspect, select, text  # noqa: E402

from assistant.guard import SQLRefused, SQLTimeout, allowed_schema, guard_sql, run_readonly  # noqa: E402
from assistant.sqlgen import to_postgres  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.sqlstore import SQLStore, meta, normalize_url  # noqa: E402
from test_guard import HOSTILE  # noqa: E402  (the same hostile statements as on SQLite)

ROOT = Path(__file__).resolve().parent.parent
PG_SH = ROOT / "scripts" / "pg.sh"
DEV = ROOT / "eval" / "qa_dev.jsonl"
SQL_QUESTIONS = [q for q in map(json.loads, DEV.read_text(encoding="utf-8").splitlines()) if q.get("route") == "sql"]


# -- the server ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """URL of a fresh PostgreSQL server (database ``reportqa``), stopped and removed afterwards."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.skip("PostgreSQL server binaries not installed (scripts/system-deps.sh installs Debian's postgresql)")
    # Under /tmp, not pytest's 0700 tmp tree: as root the server runs as user postgres and must reach it.
    folder = tempfile.mkdtemp(prefix="reportqa-pg-", dir="/tmp")
    t0 = time.perf_counter()
    started = subprocess.run(["bash", str(PG_SH), "start", folder, str(_free_port())],
                             capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, f"scripts/pg.sh start failed:\n{started.stdout}\n{started.stderr}"
    url = started.stdout.strip().splitlines()[-1]
    print(f"\nPostgreSQL up in {time.perf_counter() - t0:.1f}s at {url}")
    try:
        yield url
    finally:
        subprocess.run(["bash", str(PG_SH), "stop", folder], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _new_database(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


class HashEmbedder:
    """Deterministic stand-in for the model: the pipeline's SQL side does not depend on vectors."""

    name = "hash-16"
    dim = 16

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.array([np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], dtype=np.uint8) for t in texts],
                       dtype=np.float32) + 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    embed_queries = embed_passages = _embed


@pytest.fixture(scope="module")
def pg_loaded(pg_server: str, tmp_path_factory: pytest.TempPathFactory, examples_dir: Path):
    """A PostgreSQL database holding the five sample reports, written by the real pipeline."""
    from index.pipeline import Indexer

    url = _new_database(pg_server, "loaded")
    indexer = Indexer(load_settings(data_dir=tmp_path_factory.mktemp("pg_vectors"), database_url=url),
                      embedder=HashEmbedder())
    t0 = time.perf_counter()
    try:
        results = indexer.ingest(sorted(examples_dir.glob("*.txt")))
        print(f"\npipeline into PostgreSQL (hash embedder): {time.perf_counter() - t0:.1f}s")
        again = indexer.ingest(sorted(examples_dir.glob("*.txt")))
    finally:
        indexer.close()
    return url, results, again


@pytest.fixture(scope="module")
def sqlite_copy(sample_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("pg_cmp") / "sqlite_side"
    shutil.copytree(sample_data_dir, dest)
    return dest


def _rows(engine, table) -> list[tuple]:  # noqa: ANN001
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
    return [tuple(r) for r in rows]


# -- configuration and schema ----------------------------------------------------------------

@pytest.mark.parametrize("given, expected", [
    ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_is_normalized_to_psycopg(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_plain_postgresql_url_from_environment_runs_on_psycopg(pg_server: str, monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    url = _new_database(pg_server, "envcheck").replace("postgresql+psycopg://", "postgresql://")
    monkeypatch.setenv("REPORTQA_DATABASE_URL", url)
    store = SQLStore(load_settings(data_dir=tmp_path).sqlalchemy_url)
    try:
        assert (store.engine.dialect.name, store.engine.dialect.driver) == ("postgresql", "psycopg")
        assert set(inspect(store.engine).get_table_names()) == set(meta.tables)
    finally:
        store.engine.dispose()


def test_schema_on_postgres_matches_the_metadata(pg_loaded) -> None:  # noqa: ANN001
    engine = create_engine(pg_loaded[0])
    try:
        insp = inspect(engine)
        for name, table in meta.tables.items():
            assert {c["name"] for c in insp.get_columns(name)} == {c.name for c in table.columns}, name
        # reserved words ("end", "row", ...) are real columns, quoted by SQLAlchemy and sqlglot alike
        with engine.connect() as conn:
            assert conn.execute(text('SELECT COUNT(*) FROM cells WHERE "row" >= 0 AND "end" > "start"')).scalar() > 0
    finally:
        engine.dispose()


def test_pipeline_writes_the_same_rows_as_on_sqlite(pg_loaded, sqlite_copy: Path) -> None:  # noqa: ANN001
    url, results, again = pg_loaded
    assert [r.status for r in results] == ["added"] * 5, [r.message for r in results]
    assert [r.status for r in again] == ["unchanged"] * 5  # content hashes round-trip through PostgreSQL
    pg = create_engine(url)
    lite = create_engine(f"sqlite:///{sqlite_copy / 'reportqa.db'}")
    try:
        for name, table in meta.tables.items():
            if name == "store_meta":  # each folder records the embedding space of its own embedder
                assert _rows(pg, table) == [("embedding_space", HashEmbedder.name)]
                continue
            assert _rows(pg, table) == _rows(lite, table), f"table {name} differs"
    finally:
        pg.dispose()
        lite.dispose()


# -- the same answers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def assistants(pg_loaded, sqlite_copy: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001
    """(SQLite assistant, PostgreSQL assistant) over the same reports and the same vectors."""
    from assistant.engine import Assistant

    vec_copy = tmp_path_factory.mktemp("pg_cmp") / "pg_side"
    shutil.copytree(sqlite_copy, vec_copy)
    (vec_copy / "reportqa.db").unlink()  # the PostgreSQL side has no SQLite file: nothing can fall back to it
    lite = Assistant(load_settings(data_dir=sqlite_copy, database_url=""))
    pg = Assistant(load_settings(data_dir=vec_copy, database_url=pg_loaded[0]))
    assert pg.sql.engine.dialect.name == "postgresql" and lite.sql.engine.dialect.name == "sqlite"
    # The vectors' payloads carry report ids: both SQL sides must number the reports alike.
    assert [(r.id, r.source) for r in pg.reports()] == [(r.id, r.source) for r in lite.reports()]
    yield lite, pg
    lite.close()
    pg.close()


def _cells(cells: list[dict]) -> list[dict]:
    # sqlite3 returns booleans as 0/1; PostgreSQL as bool
    return [{k: int(v) if isinstance(v, bool) else v for k, v in c.items()} for c in cells]


def _view(ans) -> dict:  # noqa: ANN001
    return {"answer": ans.answer, "value": ans.value, "unit": ans.unit, "route": ans.route, "found": ans.found,
            "arithmetic": ans.arithmetic,
            "citations": [(c.source, c.start, c.end, c.quote, c.section) for c in ans.citations],
            "conflicts": [(c.metric, list(c.values)) for c in ans.conflicts],
            "cells": _cells(ans.cells)}


@pytest.mark.parametrize("q", SQL_QUESTIONS, ids=[q.get("id", str(i)) for i, q in enumerate(SQL_QUESTIONS)])
def test_sql_route_answers_are_identical_on_postgres(assistants, q: dict) -> None:  # noqa: ANN001
    lite, pg = assistants
    a, b = lite.ask(q["question"]), pg.ask(q["question"])
    assert _view(b) == _view(a)
    if a.cells:  # it ran SQL: on PostgreSQL that was the transpiled statement
        assert b.sql == to_postgres(a.sql)


def test_most_dev_sql_questions_really_ran_sql_on_postgres(assistants) -> None:  # noqa: ANN001
    _, pg = assistants
    ran = sum(bool(pg.ask(q["question"]).cells) for q in SQL_QUESTIONS)
    assert ran >= len(SQL_QUESTIONS) // 2, f"only {ran}/{len(SQL_QUESTIONS)} questions were answered from SQL rows"


# -- the read-only fence on PostgreSQL -------------------------------------------------------

def _fingerprint(store: SQLStore) -> tuple:
    with store.engine.connect() as conn:
        total = conn.execute(text("SELECT COALESCE(SUM(value), 0), COUNT(*) FROM facts")).one()
    return tuple(sorted(store.counts().items())), tuple(total)


@pytest.fixture(scope="module")
def pg_store(pg_loaded) -> Iterator[SQLStore]:  # noqa: ANN001
    store = SQLStore(pg_loaded[0])
    yield store
    store.engine.dispose()


@pytest.mark.parametrize("name, sql", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_statements_are_refused_on_postgres(pg_store: SQLStore, name: str, sql: str) -> None:
    before = _fingerprint(pg_store)
    with pytest.raises(SQLRefused):
        guarded = guard_sql(sql, allowed_schema(pg_store))
        run_readonly(pg_store.readonly, to_postgres(guarded), 200, 1.0)  # only if the guard let it through
    assert _fingerprint(pg_store) == before


UNGUARDED_WRITES = [
    "DELETE FROM facts",
    "UPDATE facts SET value = 0",
    "INSERT INTO metrics (id, name, category) VALUES ('x', 'x', 'x')",
    "DROP TABLE cells",
    "TRUNCATE facts",
    "CREATE TABLE evil (x INT)",
    "COMMIT; DELETE FROM facts",  # stacked: would leave the read-only transaction on the simple protocol
    "ROLLBACK; DELETE FROM facts",
    "SELECT 1; UPDATE facts SET value = 0",
    "SET TRANSACTION READ WRITE",
]


@pytest.mark.parametrize("sql", UNGUARDED_WRITES)
def test_readonly_connection_refuses_writes_that_skip_the_guard(pg_store: SQLStore, sql: str) -> None:
    before = _fingerprint(pg_store)
    with pytest.raises(SQLRefused):
        run_readonly(pg_store.readonly, sql, 200, 1.0)
    assert _fingerprint(pg_store) == before


def test_readonly_transaction_is_read_only_and_undone(pg_store: SQLStore) -> None:
    before = _fingerprint(pg_store)
    with pg_store.readonly() as conn:
        cur = conn.cursor()
        cur.execute("SHOW transaction_read_only")
        assert cur.fetchone()[0] == "on"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            cur.execute("DELETE FROM facts")
    # session settings changed inside the read-only transaction do not leak into the pool
    run_readonly(pg_store.readonly, "SELECT set_config('statement_timeout', '1', false)", 10, 1.0)
    with pg_store.engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
        assert conn.execute(text("SHOW transaction_read_only")).scalar() == "off"  # writes still work
    assert _fingerprint(pg_store) == before


@pytest.mark.parametrize("sql, guarded", [
    ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c", True),
    ("SELECT pg_sleep(5)", False),  # the guard refuses pg_sleep; the server's timeout is the second fence
])
def test_statement_timeout_stops_runaway_queries(pg_store: SQLStore, sql: str, guarded: bool) -> None:
    if guarded:
        sql = to_postgres(guard_sql(sql, allowed_schema(pg_store)))
    t0 = time.monotonic()
    with pytest.raises(SQLTimeout):
        run_readonly(pg_store.readonly, sql, 200, 0.3)
    assert time.monotonic() - t0 < 3
    # the pooled connection is usable afterwards
    assert run_readonly(pg_store.readonly, "SELECT COUNT(*) FROM reports", 10, 1.0)[1] == [(5,)]


def test_valid_guarded_select_gives_the_same_rows_as_sqlite(pg_store: SQLStore, sqlite_copy: Path) -> None:
    lite = SQLStore(f"sqlite:///{sqlite_copy / 'reportqa.db'}")
    sql = guard_sql("SELECT r.source, f.metric_id, f.value, f.\"end\" FROM facts AS f JOIN reports AS r "
                    "ON r.id = f.report_id WHERE f.quote LIKE '%申请%' ORDER BY f.id", allowed_schema(lite))
    try:
        a = run_readonly(lite.readonly, sql, 500, 2.0)
        b = run_readonly(pg_store.readonly, to_postgres(sql), 500, 2.0)
    finally:
        lite.engine.dispose()
    assert a[1] and a == b

