"""The SQL guard: hostile statements never run, the database file stays byte-for-byte the same."""
from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from assistant.guard import SQLRefused, SQLTimeout, allowed_schema, guard_sql, run_readonly
from index.models import Fact, Metadata, Report
from index.sqlstore import QUERYABLE, SQLStore


@pytest.fixture()
def store(tmp_path: Path) -> SQLStore:
    st = SQLStore(f"sqlite:///{tmp_path / 'guard.db'}")
    facts = [Fact(metric="apply_received", dimension="", value=float(v), unit="件", source="table",
                  section_path=["八、附表"], quote=f"收到申请{v}件", start=i, end=i + 3, table_ord=0)
             for i, v in enumerate((70, 32, 3, 23))]
    st.save_report(Report(source="a.txt", content_hash="h", format="txt", text="收到申请70件",
                          meta=Metadata(title="海陵区报告", region="泰州市海陵区", year=2017), facts=facts))
    st.engine.dispose()  # flush WAL into the main file so the hash sees a settled database
    with sqlite3.connect(tmp_path / "guard.db") as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return st


def _db_hash(st: SQLStore) -> str:
    path = Path(st.url.removeprefix("sqlite:///"))
    h = hashlib.sha256(path.read_bytes())
    for extra in (path.with_name(path.name + "-wal"),):
        if extra.exists():
            h.update(extra.read_bytes())
    return h.hexdigest()


HOSTILE = [
    ("drop", "DROP TABLE reports"),
    ("delete", "DELETE FROM facts"),
    ("update", "UPDATE facts SET value = 0"),
    ("insert", "INSERT INTO facts (report_id, metric_id, value) VALUES (1, 'x', 1)"),
    ("replace", "REPLACE INTO facts (id, value) VALUES (1, 0)"),
    ("create", "CREATE TABLE evil (x INT)"),
    ("create_as", "CREATE TABLE evil AS SELECT * FROM facts"),
    ("alter", "ALTER TABLE facts ADD COLUMN evil TEXT"),
    ("attach", "ATTACH DATABASE '/tmp/evil.db' AS evil"),
    ("detach", "DETACH DATABASE main"),
    ("pragma", "PRAGMA writable_schema = 1"),
    ("pragma_read", "PRAGMA table_info(facts)"),
    ("vacuum", "VACUUM"),
    ("vacuum_into", "VACUUM INTO '/tmp/copy.db'"),
    ("stacked", "SELECT 1; DROP TABLE reports"),
    ("stacked_trailing_comment", "SELECT * FROM facts WHERE 1=1; --"),
    ("comment_hides_second", "SELECT * FROM facts /* hi */; DELETE FROM facts -- bye"),
    ("line_comment_newline", "SELECT * FROM facts --\n; DROP TABLE facts"),
    ("union_sqlite_master", "SELECT metric_id FROM facts UNION SELECT sql FROM sqlite_master"),
    ("sqlite_schema", "SELECT * FROM sqlite_schema"),
    ("sqlite_temp_master", "SELECT name FROM sqlite_temp_master"),
    ("cte_shadow_master", "WITH x AS (SELECT * FROM sqlite_master) SELECT * FROM x"),
    ("load_extension", "SELECT load_extension('x')"),
    ("load_extension_nested", "SELECT value FROM facts WHERE value > (SELECT length(load_extension('/tmp/x.so')))"),
    ("readfile", "SELECT readfile('/etc/passwd')"),
    ("writefile", "SELECT writefile('/tmp/x', 'y')"),
    ("fts3_tokenizer", "SELECT fts3_tokenizer('simple')"),
    ("unknown_table", "SELECT * FROM secrets"),
    ("unknown_table_in_subquery", "SELECT * FROM facts WHERE id IN (SELECT id FROM secrets)"),
    ("unknown_column", "SELECT password FROM reports"),
    ("unknown_column_qualified", "SELECT f.nope FROM facts AS f"),
    ("cte_write", "WITH x AS (DELETE FROM facts RETURNING *) SELECT * FROM x"),
    ("cte_insert", "WITH x AS (INSERT INTO facts (id) VALUES (9) RETURNING id) SELECT * FROM x"),
    ("pragma_function", "SELECT * FROM pragma_table_info('facts')"),
    ("pragma_function_join", "SELECT f.id FROM facts AS f JOIN pragma_database_list AS d"),
    ("schema_qualified", "SELECT * FROM main.sqlite_master"),
    ("attached_schema", "SELECT * FROM evil.facts"),
    ("begin", "BEGIN TRANSACTION"),
    ("select_into", "SELECT * INTO evil FROM facts"),
    ("reindex", "REINDEX facts"),
    ("analyze", "ANALYZE"),
    ("pg_read_file", "SELECT pg_read_file('/etc/passwd')"),
    ("pg_catalog", "SELECT * FROM pg_catalog.pg_tables"),
    ("pg_sleep", "SELECT pg_sleep(100)"),
    ("garbage", "SELEC * FORM facts"),
    ("empty", "   "),
    ("only_comment", "-- nothing"),
]


@pytest.mark.parametrize("name, sql", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_statements_are_refused_and_change_nothing(store: SQLStore, name: str, sql: str) -> None:
    before = _db_hash(store)
    with pytest.raises(SQLRefused):
        guarded = guard_sql(sql, allowed_schema(store))
        run_readonly(store.readonly, guarded, 200, 1.0)  # only reached if the guard let it through
    assert _db_hash(store) == before
    assert store.counts()["facts"] == 4


def test_hostile_count() -> None:
    assert len(HOSTILE) >= 25


def test_valid_select_runs_readonly(store: SQLStore) -> None:
    sql = guard_sql("SELECT metric_id, value FROM facts WHERE value > 25 ORDER BY value DESC", allowed_schema(store))
    cols, rows = run_readonly(store.readonly, sql, 200, 2.0)
    assert cols == ["metric_id", "value"] and rows == [("apply_received", 70.0), ("apply_received", 32.0)]


@pytest.mark.parametrize("sql, limit", [
    ("SELECT id FROM facts", 200),
    ("SELECT id FROM facts LIMIT 1000000", 200),
    ("SELECT id FROM facts LIMIT 5", 5),
    ("SELECT id FROM facts LIMIT -1", 200),
    ("SELECT id FROM facts LIMIT (SELECT 100000)", 200),
    ("SELECT id FROM facts UNION SELECT id FROM reports LIMIT 999999", 200),
])
def test_limit_is_added_or_clamped(sql: str, limit: int) -> None:
    tree = sqlglot.parse_one(guard_sql(sql, allowed_schema()), read="sqlite")
    assert int(tree.args["limit"].expression.this) == limit


def test_row_limit_applies_to_execution(store: SQLStore) -> None:
    sql = guard_sql("SELECT f.id FROM facts AS f CROSS JOIN facts AS g CROSS JOIN facts AS h", allowed_schema(store),
                    row_limit=10)
    cols, rows = run_readonly(store.readonly, sql, 7, 2.0)
    assert len(rows) == 7


def test_cte_union_and_subqueries_are_allowed(store: SQLStore) -> None:
    sql = guard_sql("WITH t AS (SELECT report_id, SUM(value) AS s FROM facts GROUP BY report_id) "
                    "SELECT r.title, t.s FROM t JOIN reports AS r ON r.id = t.report_id "
                    "WHERE t.s > (SELECT MIN(value) FROM facts)", allowed_schema(store))
    _, rows = run_readonly(store.readonly, sql, 200, 2.0)
    assert rows == [("海陵区报告", 128.0)]


def test_runaway_recursive_cte_is_stopped_by_time_limit(store: SQLStore) -> None:
    before = _db_hash(store)
    sql = guard_sql("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c",
                    allowed_schema(store))
    t0 = time.monotonic()
    with pytest.raises(SQLTimeout):
        run_readonly(store.readonly, sql, 200, 0.3)
    assert time.monotonic() - t0 < 5
    assert _db_hash(store) == before


def test_readonly_connection_rejects_writes(store: SQLStore) -> None:
    before = _db_hash(store)
    with store.readonly() as conn:
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM facts")
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("CREATE TABLE evil (x INT)")
    assert _db_hash(store) == before


def test_unguarded_write_through_run_readonly_is_still_refused(store: SQLStore) -> None:
    """Defence in depth: even a write that skipped guard_sql cannot run on the read-only path."""
    before = _db_hash(store)
    for sql in ("DELETE FROM facts", "SELECT * FROM sqlite_master", "SELECT load_extension('x')"):
        with pytest.raises(SQLRefused):
            run_readonly(store.readonly, sql, 200, 1.0)
    assert _db_hash(store) == before


def test_comments_are_not_executed() -> None:
    out = guard_sql("SELECT id /* ; DROP TABLE facts */ FROM facts -- trailing", allowed_schema())
    assert "DROP" not in out and "/*" not in out and "--" not in out


def test_allowed_schema_matches_sqlalchemy_metadata() -> None:
    schema = allowed_schema()
    assert set(schema) == set(QUERYABLE)
    assert {"report_id", "metric_id", "dimension", "value", "quote", "conflict"} <= schema["facts"]
    assert "text" in schema["reports"]


def test_guarded_sql_is_one_select() -> None:
    out = guard_sql("select f.metric_id, r.year from facts f join reports r on r.id = f.report_id", allowed_schema())
    tree = sqlglot.parse(out, read="sqlite")
    assert len(tree) == 1 and isinstance(tree[0], exp.Select)
