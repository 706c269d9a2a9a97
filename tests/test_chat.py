"""The chat's Markdown rendering of an answer, and the Blocks it builds."""
from __future__ import annotations

import gradio as gr
import pytest

from index.models import Metadata
from index.pipeline import SUPPORTED
from index.settings import load_settings
from index.sqlstore import ReportRow
from ui.chat import (EXAMPLES, answer_markdown, audit_handler, check_handler, citation_markdown, findings_markdown,
                     make_chat, md_escape, report_choices, reports_markdown, upload_handler, verdict_markdown)


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


# -- 核查说法 (claims) ----------------------------------------------------------------------------

def test_verdict_markdown_badge_figures_explanation_and_sources(fake_assistant):
    md = verdict_markdown(fake_assistant.check("有人说海陵区2017年收到申请超过一百件,对吗?").to_dict())
    assert md.startswith("### 🔴 不实 · refuted")
    assert "说法中的数字:\\> 100件" in md and "报告中的数字:52件" in md
    order = [md.index(s) for s in ("不实", "报告写的是52件", "判定规则", "**来源**", "**[1]", "「收到政府信息公开申请52件」")]
    assert order == sorted(order)


@pytest.mark.parametrize("verdict, badge", [
    ("supported", "🟢 属实 · supported"), ("refuted", "🔴 不实 · refuted"),
    ("conflicting", "🟠 有矛盾 · conflicting"), ("not_found", "⚪ 未找到 · not found"),
])
def test_verdict_badges(verdict, badge):
    assert verdict_markdown({"verdict": verdict, "claim": "说法 *x*"}).splitlines()[0] == f"### {badge}"
    assert "说法 \\*x\\*" in verdict_markdown({"verdict": verdict, "claim": "说法 *x*"})


def test_check_handler(fake_assistant):
    assert "请输入要核查的说法" in check_handler(fake_assistant, "  ")
    assert fake_assistant.claims == []
    assert "不实" in check_handler(fake_assistant, "海陵区2017年收到申请超过一百件")

    class Broken:
        def check(self, claim):
            raise RuntimeError("store <closed>")
    assert check_handler(Broken(), "x") == "⚠️ 出错了:store \\<closed\\>"


# -- 一致性检查 (audit) ---------------------------------------------------------------------------

def test_report_choices_start_with_all(fake_assistant):
    assert report_choices(fake_assistant.reports()) == [("全部报告", "all"), ("2017年 · 海陵区2017年政府信息公开工作年度报告", "1")]
    assert report_choices([]) == [("全部报告", "all")]


def test_findings_markdown_per_report(fake_assistant):
    rows = fake_assistant.reports()
    other = ReportRow(id=2, source="b.txt", content_hash="", format="txt", meta=Metadata(title="另一份报告"))
    md = findings_markdown([f.to_dict() for f in fake_assistant.audit()], rows + [other])
    order = [md.index(s) for s in ("### 海陵区2017年", "发现 1 处问题", "🔴 **高**", "分项之和与总数不符", "计算:`30 ≠ 52`",
                                   "**[1]", "「网络申请30件」", "### 另一份报告", "✅ 未发现不一致")]
    assert order == sorted(order)
    assert findings_markdown([], []) == "尚未导入报告。"


@pytest.mark.parametrize("choice, audited, shown", [
    ("all", [None], "发现 1 处问题"),
    (None, [None], "发现 1 处问题"),
    ("1", [1], "发现 1 处问题"),
    ("7", [], "找不到这份报告"),
])
def test_audit_handler(fake_assistant, choice, audited, shown):
    assert shown in audit_handler(fake_assistant, choice)
    assert fake_assistant.audited == audited


# -- 上传报告 (uploads) ---------------------------------------------------------------------------

REPORT = "青山县2019年政府信息公开工作年度报告\n\n一、总体情况\n2019年共收到政府信息公开申请78件。\n"


def _upload_files(tmp_path, files: dict[str, bytes]) -> list[str]:
    out = []
    for i, (name, data) in enumerate(files.items()):
        d = tmp_path / "gradio" / str(i)  # Gradio keeps each upload's own name in its own folder
        d.mkdir(parents=True)
        (d / name).write_bytes(data)
        out.append(str(d / name))
    return out


def test_upload_handler_reports_each_file(tmp_path, fake_assistant):
    settings = load_settings(data_dir=tmp_path / "data")
    paths = _upload_files(tmp_path, {"青山县2019.txt": REPORT.encode(), "junk.txt": bytes(range(256)) * 40,
                                     "bad.txt": b"FAIL " + REPORT.encode(), "x.exe": b"MZ"})
    steps = list(upload_handler(fake_assistant, settings, paths))
    assert steps[0].startswith("⏳ 正在导入 4 个文件")
    assert any("第 2/4 个文件:junk.txt" in s for s in steps[1:-1])
    final = steps[-1]
    assert final.startswith("**导入完成**:已新增 1,失败 3")
    assert "- ✅ 已新增:青山县2019.txt → 青山县2019 报告(3 个章节,5 个数字)" in final
    assert "- ❌ 失败:junk.txt(not a text file \\(binary content\\))" in final
    assert "- ❌ 失败:bad.txt(no text found)" in final
    assert "- ❌ 失败:x.exe(unsupported file type" in final
    assert [p.name for p in fake_assistant.indexer.ingested] == ["青山县2019.txt", "bad.txt"]
    again = list(upload_handler(fake_assistant, settings, paths[:1]))[-1]
    assert "⏸ 未变化:青山县2019.txt" in again


def test_upload_handler_needs_the_key_when_set(tmp_path, fake_assistant):
    settings = load_settings(data_dir=tmp_path / "data", api_key="s3cret")
    paths = _upload_files(tmp_path, {"a.txt": REPORT.encode()})
    assert list(upload_handler(fake_assistant, settings, paths, "")) == ["❌ 需要正确的 API 密钥才能上传报告。"]
    assert list(upload_handler(fake_assistant, settings, paths, "wrong"))[-1].startswith("❌")
    assert not fake_assistant.indexer.ingested
    assert "已新增" in list(upload_handler(fake_assistant, settings, paths, "s3cret"))[-1]
    assert list(upload_handler(fake_assistant, settings, [], "s3cret")) == ["没有选择文件。"]


def test_upload_handler_respects_the_size_limit(tmp_path, fake_assistant):
    settings = load_settings(data_dir=tmp_path / "data", max_upload_mb=1)
    paths = _upload_files(tmp_path, {"big.txt": REPORT.encode() * 20_000})
    final = list(upload_handler(fake_assistant, settings, paths))[-1]
    assert "big.txt(file too large \\(2.3 MB \\> 1 MB limit; raise max\\_upload\\_mb to allow it\\))" in final
    assert not fake_assistant.indexer.ingested


def test_make_chat_has_the_check_audit_and_upload_controls(fake_assistant):
    blocks = make_chat(fake_assistant)
    comps = list(blocks.blocks.values())
    tabs = [c.label for c in comps if type(c).__name__ == "Tab"]
    assert tabs == ["问答", "核查说法", "一致性检查"]
    ids = {getattr(c, "elem_id", None) for c in comps}
    assert {"reportqa-claim", "reportqa-check", "reportqa-verdict", "reportqa-audit-report", "reportqa-findings",
            "reportqa-upload", "reportqa-upload-status"} <= ids
    (upload,) = [c for c in comps if type(c).__name__ == "File"]
    assert upload.file_count == "multiple"
    assert list(upload.file_types) == list(SUPPORTED), "the one list of formats"
    (key,) = [c for c in comps if getattr(c, "elem_id", None) == "reportqa-key"]
    assert key.visible is False, "no key configured: no key box"
