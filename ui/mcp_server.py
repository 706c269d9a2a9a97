"""The MCP face, on the official ``mcp`` SDK (``MCPServer``): six read-only tools and two resources per report.

Tools: ask, check_claim, audit, list_reports, report_section, query_facts (read-only SQL through the same
guard and read-only connection as the engine's own SQL). Resources: ``reportqa://reports/{id}/text`` and
``reportqa://reports/{id}/sections``. Uploads and deletes are not offered here: they stay behind the API key.

``reportqa mcp`` serves it over stdio with its own Assistant; ``reportqa serve`` mounts the streamable-HTTP
transport at ``/mcp`` over the server's shared one (``mcp_http``).
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import Resource, ToolAnnotations
from pydantic import Field

from index.sqlstore import PATH_SEP
from ui.api import MAX_QUESTION_CHARS, report_detail, report_summary

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
TEXT_URI = "reportqa://reports/{report_id}/text"
SECTIONS_URI = "reportqa://reports/{report_id}/sections"
INSTRUCTIONS = ("reportqa 回答关于中国政府信息公开工作年度报告的问题,每个数字都附原文引用(报告 › 章节 「原文」)。"
                "reportqa answers questions about Chinese government information-disclosure annual reports; "
                "every figure comes with a citation (report › section 「quote」). Ask in Chinese.")


def run_facts_sql(assistant: Any, sql: str) -> dict:
    """One read-only SELECT: ``assistant.guard.guard_sql`` then ``run_readonly`` on the store's read-only
    connection, with the settings' row and time limits (the path ``Assistant._run`` takes)."""
    from assistant.guard import allowed_schema, guard_sql, run_readonly

    store, settings = assistant.sql, assistant.settings
    checked = guard_sql(sql, allowed_schema(store), row_limit=settings.sql_row_limit)
    if store.engine.dialect.name == "postgresql":
        from assistant.sqlgen import to_postgres
        checked = to_postgres(checked)
    cols, rows = run_readonly(store.readonly, checked, settings.sql_row_limit, settings.sql_time_limit_s)
    return {"sql": checked, "columns": cols, "rows": [list(r) for r in rows], "row_count": len(rows)}


def schema_text() -> str:
    """The queryable tables and their columns, for the query_facts description."""
    from assistant.guard import allowed_schema

    return "; ".join(f"{t}({', '.join(sorted(cols))})" for t, cols in sorted(allowed_schema().items()))


def section_tree(rep: Any) -> list[dict]:
    """The report's sections nested by parent, each as ``report_detail`` lists it plus ``children``."""
    nodes = {s.ord: {**d, "children": []} for s, d in zip(rep.sections, report_detail(rep)["sections"])}
    roots: list[dict] = []
    for s in rep.sections:
        parent = nodes.get(s.parent) if s.parent is not None else None
        (parent["children"] if parent is not None else roots).append(nodes[s.ord])
    return roots


def find_section(rep: Any, section: str) -> dict:
    """The section named by its path ("一、… › (一)…") or its heading, with the text of it and its subsections."""
    want = "".join(section.split())
    hits = [s for s in rep.sections if "".join(s.path_str.split()) == want] or \
        [s for s in rep.sections if "".join(s.heading.split()) == want]
    if len(hits) != 1:
        known = "; ".join(s.path_str for s in rep.sections if s.level > 0)
        why = "several sections have this heading; give the full path" if hits else "no such section"
        raise ToolError(f"{why}: {section!r}. Sections of report {rep.id}: {known}")
    s = hits[0]
    end = max([s.end] + [t.end for t in rep.sections if t.path[:len(s.path)] == s.path])
    return {"report_id": rep.id, "title": rep.meta.title, "source": rep.source, "section": s.path_str,
            "start": s.start, "end": end, "text": rep.text[s.start:end]}


class ReportQAMCP(MCPServer):
    """``MCPServer`` whose resource listing names each report's two resources as reports come and go."""

    def __init__(self, assistant: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.assistant = assistant
        # One engine call at a time from MCP (the engine and the embedded store are not thread-safe).
        self.limiter = anyio.CapacityLimiter(1)

    async def call(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs), limiter=self.limiter)

    async def list_resources(self) -> list[Resource]:
        listed = await super().list_resources()
        for r in await self.call(self.assistant.reports):
            name = r.meta.title or r.source
            listed.append(Resource(uri=TEXT_URI.format(report_id=r.id), name=f"{name} · text",
                                   description=f"全文 / normalized full text of {r.source}", mime_type="text/plain"))
            listed.append(Resource(uri=SECTIONS_URI.format(report_id=r.id), name=f"{name} · sections",
                                   description=f"章节树 / section tree of {r.source}", mime_type="application/json"))
        return listed


def make_mcp(assistant: Any) -> ReportQAMCP:
    """The MCP server over ``assistant`` (an ``Assistant`` or the web server's shared proxy of one)."""
    mcp = ReportQAMCP(assistant, name="reportqa", title="reportqa", instructions=INSTRUCTIONS,
                      version="0.1.0", log_level="WARNING")
    tool = mcp.tool

    async def report_of(report_id: int | str, error: type[Exception] = ToolError) -> Any:
        rep = await mcp.call(assistant.report, int(report_id)) if str(report_id).isdigit() else None
        if rep is None:
            raise error(f"no report with id {report_id} (see list_reports)")
        return rep

    @tool(annotations=READ_ONLY, description=(
        "回答关于年度报告的问题,数字来自SQL或原文,附引用(报告、章节、原文、偏移)。同一 session_id 下可追问(如「那网络申请呢?」)。\n"
        "Answer a question (in Chinese) about the annual reports. Returns the answer text, the figure (value, unit), "
        "the citations (report, section, exact quote, offsets), the SQL run and any arithmetic. Pass the same "
        "session_id for follow-up questions."))
    async def ask(question: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS,
                                                 description="问题 / the question, e.g. 海陵区2017年收到多少件政府信息公开申请?")],
                  session_id: Annotated[str | None, Field(max_length=200,
                                                          description="会话 / session id for follow-ups")] = None
                  ) -> dict[str, Any]:
        if not question.strip():
            raise ToolError("please ask a question (the question is empty)")
        return (await mcp.call(assistant.ask, question, session_id=session_id)).to_dict()

    @tool(annotations=READ_ONLY, description=(
        "核查一个说法是否与报告一致:属实/不实/有矛盾/未找到,附报告数字、取整规则和引用(含 ClaimReview)。\n"
        "Check a claim against the reports: verdict supported / refuted / conflicting / not_found, with the "
        "report's figures, the rounding rule applied, citations and a schema.org ClaimReview."))
    async def check_claim(claim: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS,
                                                      description="说法 / the claim, e.g. 海陵区2017年收到申请超过一百件")]
                          ) -> dict[str, Any]:
        if not claim.strip():
            raise ToolError("please give a claim to check (the claim is empty)")
        return (await mcp.call(assistant.check, claim)).to_dict()

    @tool(annotations=READ_ONLY, description=(
        "一致性检查:合计、百分比、正文与表格、其他机关名称等问题;给 report_id 查一份,不给查全部。\n"
        "Consistency findings (sums, percentages, prose vs tables, other agencies' names left in) for one report "
        "(report_id) or for all reports, each with severity, message, arithmetic and citations."))
    async def audit(report_id: Annotated[int | None, Field(description="报告编号 / report id; omit for all")] = None
                    ) -> list[dict[str, Any]]:
        if report_id is not None:
            await report_of(report_id)
        return [f.to_dict() for f in await mcp.call(assistant.audit, report_id)]

    @tool(annotations=READ_ONLY, description=(
        "列出已导入的报告(编号、标题、机关、地区、年度、发布日期),可按机关名和年度筛选。\n"
        "List the ingested reports (id, title, body, region, year, publish date), optionally filtered by body "
        "(a substring of the body, region, title or an alias) and by year."))
    async def list_reports(body: Annotated[str | None, Field(description="机关 / body, e.g. 海陵区")] = None,
                           year: Annotated[int | None, Field(description="年度 / report year, e.g. 2017")] = None
                           ) -> list[dict[str, Any]]:
        rows = await mcp.call(assistant.reports)
        if body:
            rows = [r for r in rows if any(body in (x or "") for x in
                                           (r.meta.body, r.meta.region, r.meta.title, *r.meta.aliases))]
        if year is not None:
            rows = [r for r in rows if r.meta.year == year]
        return [report_summary(r) for r in rows]

    @tool(annotations=READ_ONLY, description=(
        f"取一份报告某一章节(含其子章节)的原文。section 为章节路径(用「{PATH_SEP}」连接)或标题。\n"
        f"The text of one section of a report (with its subsections), named by its path (headings joined by "
        f"'{PATH_SEP}') or its heading; offsets are into the report's text resource."))
    async def report_section(report_id: Annotated[int, Field(description="报告编号 / report id (list_reports)")],
                             section: Annotated[str, Field(min_length=1, description="章节路径或标题 / section path "
                                                           "or heading, e.g. 三、依申请公开政府信息情况")]
                             ) -> dict[str, Any]:
        return find_section(await report_of(report_id), section)

    @tool(annotations=READ_ONLY, description=(
        "在报告数据库上执行一条只读 SELECT(SQLite 语法),经与问答相同的 SQL 防护:仅限下列表和列,有行数与时间上限。\n"
        "Run one read-only SELECT (SQLite syntax) over the documented schema (docs/schema.md), through the same "
        "guard as every answer: only these tables and columns, one statement, row and time limits. "
        f"Tables: {schema_text()}. Offsets (start, end) index reports.text."))
    async def query_facts(sql: Annotated[str, Field(min_length=1, max_length=50_000, description=(
            "SQL, e.g. SELECT r.region, r.year, f.dimension, f.value, f.unit FROM facts f JOIN reports r ON "
            "r.id = f.report_id WHERE f.metric_id = 'apply_received'"))]) -> dict[str, Any]:
        from assistant.guard import SQLRefused

        try:
            return await mcp.call(run_facts_sql, assistant, sql)
        except SQLRefused as exc:
            raise ToolError(f"SQL refused: {exc.reason}") from None

    @mcp.resource(TEXT_URI, name="report_text", mime_type="text/plain",
                  description="报告全文(引用偏移所指的规范化文本)/ a report's normalized text, which citation offsets index")
    async def report_text(report_id: str) -> str:
        return (await report_of(report_id, ResourceNotFoundError)).text

    @mcp.resource(SECTIONS_URI, name="report_sections", mime_type="application/json",
                  description="报告章节树 / a report's section tree (heading, level, path, offsets, children)")
    async def report_sections(report_id: str) -> str:
        rep = await report_of(report_id, ResourceNotFoundError)
        return json.dumps({"report_id": rep.id, "title": rep.meta.title, "sections": section_tree(rep)},
                          ensure_ascii=False)

    return mcp


def mcp_http(assistant: Any, host: str) -> tuple[list, Callable[[], AbstractAsyncContextManager]]:
    """The ``/mcp`` route (streamable HTTP) over the server's shared assistant, and the context manager the
    app's lifespan must hold open while serving (the SDK's session manager)."""
    mcp = make_mcp(assistant)
    app = mcp.streamable_http_app(streamable_http_path="/mcp", host=host)

    @asynccontextmanager
    async def running() -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield
    return list(app.routes), running


def serve_stdio(settings: Any) -> None:
    """``reportqa mcp``: its own Assistant on the data folder, served over stdin/stdout until EOF."""
    from assistant.engine import Assistant

    assistant = Assistant(settings)
    try:
        # Take the store's one-process lock and load the model now: a folder held by a running server
        # fails here, before the client's handshake, with the CLI's clear message.
        assistant.indexer.vectors
        assistant.indexer.embedder
        make_mcp(assistant).run("stdio")
    finally:
        assistant.close()


__all__ = ["make_mcp", "mcp_http", "serve_stdio", "run_facts_sql", "section_tree", "find_section"]
