"""The chat's Markdown rendering of an answer, and the Blocks it builds."""
from __future__ import annotations

import gradio as gr
import pytest

from ui.chat import EXAMPLES, answer_markdown, citation_markdown, make_chat, md_escape, reports_markdown


@pytest.mark.parametrize("raw, escaped", [
    ("普通文本", "普通文本"),
    ("| a | b |", "\\| a \\| b \\|"),
    ("*重点*", "\\*重点\\*"),
    ("<script>", "\\<script\\>"),
    ("[链接](http://x)", "\\[链接\\]\\(http://x\\)"),
    ("# 标题", "\\# 标题"),
    ("", ""),
])
def test_md_escape(raw, escaped):
    assert md_escape(raw) == escaped


def test_citation_block_numbers_title_section_and_quote():
    c = {"report": "海陵区2017年政府信息公开工作年度报告", "section": "三、依申请公开政府信息情况",
         "quote": "共收到政府信息公开申请52件", "row_label": "", "col_label": ""}
    assert citation_markdown(1, c) == ("**[1] 海陵区2017年政府信息公开工作年度报告** › 三、依申请公开政府信息情况\n\n"
                                       "> 「共收到政府信息公开申请52件」")


def test_multiline_quote_stays_inside_the_blockquote():
    md = citation_markdown(2, {"report": "R", "section": "S", "quote": "第一行\n\n第二行 | 3"})
    assert md.endswith("> 「第一行\n> 第二行 \\| 3」")


def test_table_cell_labels_are_shown():
    md = citation_markdown(1, {"report": "R", "section": "S", "quote": "12", "row_label": "自然人",
                               "col_label": "本年新收"})
    assert "(自然人 / 本年新收)" in md.splitlines()[0]


def test_answer_markdown_order(fake_assistant):
    md = answer_markdown(fake_assistant.ask("q").to_dict())
    order = [md.index(s) for s in ("海陵区2017年共收到", "**来源**", "**[1]", "**[2]", "数据冲突", "```sql")]
    assert order == sorted(order)
    assert "52 / 50" in md


def test_answer_without_citations_or_sql():
    md = answer_markdown({"answer": "没有找到相关内容。", "citations": [], "conflicts": [], "sql": None})
    assert md == "没有找到相关内容。"


def test_reports_panel(fake_assistant):
    assert "已导入 1 份报告" in reports_markdown(fake_assistant.reports())
    assert "尚未导入报告" in reports_markdown([])


def test_make_chat_builds_blocks_with_examples(fake_assistant):
    blocks = make_chat(fake_assistant)
    assert isinstance(blocks, gr.Blocks)
    kinds = {type(b).__name__ for b in blocks.blocks.values()}
    assert {"Chatbot", "Textbox", "Button", "Markdown", "Dataset"} <= kinds
    assert len(EXAMPLES) >= 3 and all(q.endswith("?") for q in EXAMPLES)
