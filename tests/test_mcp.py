"""The MCP face through the SDK's own client: over stdio (a ``reportqa mcp`` subprocess) and over streamable
HTTP (``/mcp`` of a ``reportqa serve`` subprocess), on the five sample reports.

The ``served`` fixture (a real ``reportqa serve`` process) is imported by tests/test_openai_api.py too.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import pytest

pytest.importorskip("mcp", reason="the mcp SDK is a dependency (pip install -e .)")
from mcp import Client, StdioServerParameters  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOOLS = {"ask", "check_claim", "audit", "list_reports", "report_section", "query_facts"}
QUESTION = "让胡路区2013年共受理了多少条政府信息公开申请?"  # eval/qa_dev.jsonl dev-003: 54条
CLAIM = "有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"  # the report says 70
HOSTILE = [
    "DELETE FROM facts",
    "DROP TABLE reports",
    "UPDATE facts SET value = 0",
    "SELECT 1; DELETE FROM facts",
    "INSERT INTO facts (report_id, metric_id, value) VALUES (1, 'x', 1)",
    "ATTACH DATABASE '/tmp/evil.db' AS evil",
    "PRAGMA writable_schema = ON",
    "SELECT load_extension('/tmp/evil.so')",
    "WITH x AS (DELETE FROM facts RETURNING *) SELECT * FROM x",
    "SELECT * FROM sqlite_master",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_command(*args: str) -> list[str]:
    """``reportqa ARGS`` as this interpreter runs it (the console script's own entry point)."""
    return [sys.executable, "-m", "ui.cli", *args]


@contextmanager
def reportqa_serve(data_dir: Path, log: Path) -> Iterator[str]:
    """``reportqa serve`` on a free loopback port; yields the base URL once /api/v1/health answers."""
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(cli_command("serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
                                            "--port", str(port)), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, f"reportqa serve exited while starting:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no /api/v1/health within 300 s:\n{log.read_text()[-3000:]}"
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()  # uvicorn shuts down cleanly on SIGTERM (closes the stores)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sample_data_dir: Path) -> Iterator[tuple[str, Path]]:
    """A ``reportqa serve`` process over its own copy of the sample reports: (base URL, data folder)."""
    root = tmp_path_factory.mktemp("served")
    data = root / "data"
    shutil.copytree(sample_data_dir, data)
    with reportqa_serve(data, root / "serve.log") as url:
        yield url, data


def db_digest(data_dir: Path) -> str:
    """Schema plus every row of every table, read straight from the SQLite file (read-only)."""
    conn = sqlite3.connect(f"file:{data_dir / 'reportqa.db'}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        tables = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        h.update(repr(tables).encode())
        for (name, sql) in tables:
            if sql and sql.upper().startswith("CREATE TABLE"):
                h.update(repr(conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()).encode())
        return h.hexdigest()
    finally:
        conn.close()


async def exercise(client: Client, data_dir: Path) -> None:
    """What an agent does: list tools, ask, check a claim, read a section and a resource, try hostile SQL."""
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for t in tools.values():
        assert t.input_schema["type"] == "object" and t.description, t.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in t.description), f"{t.name}: no Chinese description"
        assert any(ch.isascii() and ch.isalpha() for ch in t.description), f"{t.name}: no English description"
        assert t.annotations is not None and t.annotations.read_only_hint, f"{t.name} is not marked read-only"
    assert tools["ask"].input_schema["required"] == ["question"]

    r = await client.call_tool("ask", {"question": QUESTION})
    assert not r.is_error, r.content
    d = r.structured_content
    assert d["value"] == 54 and d["unit"] == "条", d["answer"]
    cite = d["citations"][0]
    assert "54" in cite["quote"] and cite["report"] == "让胡路区2013年政府信息公开工作年度报告"
    text = (await client.read_resource(f"reportqa://reports/{cite['report_id']}/text")).contents[0].text
    assert text[cite["start"]:cite["end"]] == cite["quote"], "the cited quote is the report's own text"

    r = await client.call_tool("check_claim", {"claim": CLAIM})
    assert not r.is_error, r.content
    assert r.structured_content["verdict"] == "refuted" and r.structured_content["report_values"] == [70]

    r = await client.call_tool("report_section", {"report_id": cite["report_id"], "section": cite["section"]})
    assert not r.is_error and cite["quote"] in r.structured_content["text"]
    r = await client.call_tool("list_reports", {"body": "让胡路", "year": 2013})
    assert [x["id"] for x in r.structured_content["result"]] == [cite["report_id"]]
    uris = {str(x.uri) for x in (await client.list_resources()).resources}
    assert {f"reportqa://reports/{cite['report_id']}/{k}" for k in ("text", "sections")} <= uris and len(uris) == 10
    tree = json.loads((await client.read_resource(f"reportqa://reports/{cite['report_id']}/sections")).contents[0].text)
    assert cite["section"] in json.dumps(tree, ensure_ascii=False)

    count = "SELECT COUNT(*) AS n, SUM(value) AS total FROM facts"
    before_rows = (await client.call_tool("query_facts", {"sql": count})).structured_content["rows"]
    before = db_digest(data_dir)
    for sql in HOSTILE:
        r = await client.call_tool("query_facts", {"sql": sql})
        assert r.is_error, f"not refused: {sql}"
        assert "refused" in r.content[0].text, r.content[0].text
    assert db_digest(data_dir) == before, "the database changed"
    r = await client.call_tool("query_facts", {"sql": count})
    assert not r.is_error and r.structured_content["rows"] == before_rows and before_rows[0][0] > 0


def test_mcp_over_stdio(sample_data_copy):
    """``reportqa mcp --data-dir D`` as a subprocess, driven by the SDK's stdio client."""
    data = sample_data_copy()
    params = StdioServerParameters(command=sys.executable, args=["-m", "ui.cli", "mcp", "--data-dir", str(data)],
                                   cwd=str(ROOT), env=dict(os.environ))

    async def main() -> None:
        async with Client(params) as client:
            await exercise(client, data)
    anyio.run(main)


def test_mcp_over_http(served):
    """The streamable-HTTP transport at /mcp of a running ``reportqa serve``."""
    url, data = served

    async def main() -> None:
        async with Client(f"{url}/mcp") as client:
            await exercise(client, data)
    anyio.run(main)


def test_mcp_stdio_on_a_served_folder_says_so(served):
    """The embedded store admits one process: ``reportqa mcp`` on a served folder exits 2 and names /mcp."""
    _, data = served
    out = subprocess.run(cli_command("mcp", "--data-dir", str(data)), cwd=ROOT, input=b"", capture_output=True,
                         timeout=300)
    assert out.returncode == 2, out.stderr.decode()[-2000:]
    assert "/mcp" in out.stderr.decode()


def test_mcp_tool_errors_are_results_not_crashes(served):
    url, _ = served

    async def main() -> None:
        async with Client(f"{url}/mcp") as client:
            for name, args, says in [("ask", {"question": "   "}, "empty"),
                                     ("report_section", {"report_id": 999, "section": "一、"}, "no report"),
                                     ("report_section", {"report_id": 1, "section": "没有这一节"}, "no such section"),
                                     ("audit", {"report_id": 999}, "no report")]:
                r = await client.call_tool(name, args)
                assert r.is_error and says in r.content[0].text, (name, r.content)
    anyio.run(main)
