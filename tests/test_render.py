"""The one renderer every face uses (ui/render.py), and ui/ without an import circle."""
from __future__ import annotations

import ast
from pathlib import Path

from assistant.answers import Citation
from ui.render import (cited_row, citation_line, citation_lines, figure_cells, fmt_num, fmt_signed, source_url,
                       text_table, verdict_badge, verdict_label)

UI = Path(__file__).resolve().parent.parent / "ui"


def ui_import_graph() -> dict[str, set[str]]:
    """ui module -> the ui modules it imports anywhere (top level or inside a function)."""
    graph: dict[str, set[str]] = {}
    for path in UI.glob("*.py"):
        name = f"ui.{path.stem}"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module] if node.level == 0 else [f"ui.{node.module}"]
                if node.module == "ui":
                    mods = [f"ui.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            else:
                continue
            deps |= {m for m in mods if m.startswith("ui.") and m != name}
        graph[name] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str]:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return []

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return []


def test_ui_has_no_import_circle():
    graph = ui_import_graph()
    assert {"ui.chat", "ui.cli", "ui.server", "ui.render"} <= set(graph)
    assert find_cycle(graph) == [], " → ".join(find_cycle(graph))
    assert not graph["ui.render"], "the renderer imports no other ui module"
    assert "ui.cli" not in graph["ui.chat"], "the chat takes its labels from the renderer, not the CLI"


def test_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_numbers_and_verdicts():
    assert [fmt_num(x) for x in (70.0, 90.2, None, 3, 1e-7)] == ["70", "90.2", "", "3", "0"]
    assert [fmt_signed(x) for x in (3.0, -2.0, 0.0, None)] == ["+3", "-2", "0", ""]
    assert verdict_label("refuted") == "不实 / refuted"
    assert verdict_badge("supported") == ("属实", "supported", "🟢")
    assert verdict_badge("odd")[0] == "odd"


def test_citation_line_and_cited_row_from_model_or_dict():
    c = Citation(source="a.txt", report="某局2020年报告", section="三、收到和处理 › 表", quote="32", start=5, end=7,
                 report_id=4, row_label="(一)予以公开", col_label="自然人", kind="table",
                 row=["(一)予以公开", "3", "32", "0"], row_cell=2)
    assert cited_row(c) == "(一)予以公开 | 3 | 【32】 | 0"
    assert citation_line(c) == "某局2020年报告 › 三、收到和处理 › 表  ((一)予以公开 / 自然人)  「32」"
    lines = citation_lines([c.__dict__])
    assert lines[0].startswith("[1] 某局2020年报告") and lines[2] == "    行:(一)予以公开 | 3 | 【32】 | 0"
    assert source_url(c) == "/api/v1/reports/4/source?start=5&end=7&format=html"
    assert source_url({"quote": "x"}) == ""


def test_text_table_aligns_cjk_and_says_missing_years():
    cite = {"report": "R", "section": "S", "quote": "12"}
    rows = [{"label": "收到申请", "body": "某局", "year": 2019, "value": 12.0, "unit": "件", "citation": cite},
            {"label": "收到申请", "body": "某局", "year": 2020, "value": None, "unit": "件", "citation": None},
            {"label": "收到申请", "body": "某局", "year": 2021, "value": 15.0, "unit": "件", "citation": cite,
             "change": 3.0, "arithmetic": "15-12=3"}]
    text = text_table(rows)
    lines = text.splitlines()
    assert lines[0].split() == ["项目", "机关", "年度", "数值", "单位", "变化", "来源"]
    assert "未载入" in lines[3] and "[1]" in lines[2] and "[2]" in lines[4] and "[" not in lines[3]
    assert "+3(15-12=3)" in lines[4]
    assert figure_cells(rows[1])["value"] == "未载入"
