"""The browser chat (Gradio Blocks): answers with readable, numbered citations.

Everything the page shows is rendered from ``Answer.to_dict()`` by ``answer_markdown`` so the
same text can be tested without a browser. The theme names only local fonts: nothing is fetched
from a font CDN (the machine may have no network).
"""
from __future__ import annotations

import re
from typing import Any

import index.settings  # noqa: F401  (sets GRADIO_ANALYTICS_ENABLED=False before gradio is imported)

import gradio as gr  # noqa: E402

EXAMPLES = [
    "海陵区2017年收到多少件政府信息公开申请?",
    "让胡路区2013年政府信息公开工作存在哪些主要问题?",
    "这几份报告里,哪个地方收到的政府信息公开申请最多?",
]

# Local font stacks only (strings become gr.themes.Font, never GoogleFont).
THEME = gr.themes.Default(
    font=["Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"],
    font_mono=["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "monospace"],
)
CSS = """
.reportqa-quote blockquote { border-left: 3px solid #999; }
footer { display: none !important; }
"""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~])")


def md_escape(s: str) -> str:
    """Escape Markdown/HTML so report text (pipes, asterisks, '<') shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", s or "")


def _quote_block(quote: str) -> str:
    # A quote may span several lines (flattened tables); keep each line inside the blockquote.
    lines = [ln.strip() for ln in (quote or "").splitlines() if ln.strip()]
    return "\n".join(f"> {md_escape(ln)}" for ln in lines) if lines else "> "


def _fmt_num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def citation_markdown(n: int, c: dict) -> str:
    title = c.get("report") or c.get("source") or "?"
    head = f"**[{n}] {md_escape(title)}**"
    if c.get("section"):
        head += f" › {md_escape(c['section'])}"
    cell = " / ".join(x for x in (c.get("row_label"), c.get("col_label")) if x)
    if cell:
        head += f" ({md_escape(cell)})"
    return f"{head}\n\n{_quote_block('「' + (c.get('quote') or '').strip() + '」')}"


def answer_markdown(d: dict) -> str:
    """The chat bubble for one answer: text, sources, SQL, arithmetic and conflicts."""
    parts = [md_escape(d.get("answer") or "")]
    if d.get("arithmetic"):
        parts.append(f"计算:`{d['arithmetic']}`")
    cites = d.get("citations") or []
    if cites:
        parts.append("**来源**")
        parts.extend(citation_markdown(i, c) for i, c in enumerate(cites, 1))
    for k in d.get("conflicts") or []:
        values = " / ".join(_fmt_num(v) for v in k.get("values") or [])
        line = f"⚠️ **数据冲突**:{md_escape(k.get('metric', ''))} 报告中出现不同数值 {md_escape(values)}"
        if k.get("note"):
            line += f"({md_escape(k['note'])})"
        parts.append(line)
        for c in k.get("citations") or []:
            parts.append(f"- {md_escape(c.get('report', ''))} › {md_escape(c.get('section', ''))}:"
                         f"「{md_escape((c.get('quote') or '').strip())}」")
    if d.get("sql"):
        # Collapsed: generated SQL is long and most readers want the answer and its sources.
        parts.append(f"<details><summary>SQL</summary>\n\n```sql\n{d['sql'].strip()}\n```\n\n</details>")
    return "\n\n".join(p for p in parts if p)


def reports_markdown(rows: list[Any]) -> str:
    if not rows:
        return "尚未导入报告。用 `reportqa ingest 文件夹` 或 `POST /api/v1/reports` 导入。"
    lines = [f"**已导入 {len(rows)} 份报告**", ""]
    for r in rows:
        m = r.meta
        year = f"{m.year}年 · " if m.year else ""
        lines.append(f"- {year}{md_escape(m.title or r.source)}")
    return "\n".join(lines)


def make_chat(assistant: Any) -> gr.Blocks:
    def respond(message: str, history: list[dict], request: gr.Request):
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            return "", history
        # One session per browser page: follow-ups ("那2018年呢?") resolve against it.
        session_id = getattr(request, "session_hash", None) if request is not None else None
        history.append({"role": "user", "content": message})
        try:
            d = assistant.ask(message, session_id=session_id).to_dict()
            reply = answer_markdown(d)
        except Exception as exc:  # noqa: BLE001 — the page must stay usable and say what happened
            reply = f"⚠️ 出错了:{md_escape(str(exc) or type(exc).__name__)}"
        history.append({"role": "assistant", "content": reply})
        return "", history

    def list_reports() -> str:
        try:
            return reports_markdown(assistant.reports())
        except Exception as exc:  # noqa: BLE001
            return f"无法读取报告列表:{md_escape(str(exc))}"

    with gr.Blocks(title="reportqa · 政府信息公开年报问答", analytics_enabled=False) as blocks:
        gr.Markdown("## reportqa · 政府信息公开工作年度报告问答\n每个回答都附有原文引用(报告 › 章节 「原文」)。")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(label="对话", height=640, elem_id="reportqa-chat",
                                     elem_classes=["reportqa-quote"], buttons=["copy"])
                with gr.Row():
                    box = gr.Textbox(placeholder="输入问题,例如:海陵区2017年收到多少件政府信息公开申请?",
                                     show_label=False, lines=1, max_lines=4, scale=5,
                                     elem_id="reportqa-question", max_length=10_000)
                    send = gr.Button("提问", variant="primary", scale=1, elem_id="reportqa-send")
                gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[box], label="示例问题")
            with gr.Column(scale=1):
                reports_md = gr.Markdown(elem_id="reportqa-reports")
                refresh = gr.Button("刷新报告列表", size="sm")
        box.submit(respond, [box, chatbot], [box, chatbot])
        send.click(respond, [box, chatbot], [box, chatbot])
        refresh.click(list_reports, None, reports_md)
        blocks.load(list_reports, None, reports_md)
    return blocks
