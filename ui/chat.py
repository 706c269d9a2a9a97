"""The browser page (Gradio Blocks): questions (问答), claim checks (核查说法), consistency
findings (一致性检查), and report uploads, all with readable, numbered citations.

Everything the page shows is rendered from the engine's ``to_dict()`` by the ``*_markdown``
functions and the handlers live at module level, so the same text can be tested without a
browser. The theme names only local fonts: nothing is fetched from a font CDN (the machine
may have no network).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import index.settings  # noqa: F401  (sets GRADIO_ANALYTICS_ENABLED=False before gradio is imported)

import gradio as gr  # noqa: E402

from index.pipeline import SUPPORTED  # noqa: E402  (the one list of formats)
from ui.artifacts import payload  # noqa: E402
from ui.render import (SEVERITY_ICONS, as_dict, cell_label, citation_title, cited_row,  # noqa: E402
                       comparison_word, conflict_values, figure_cells, fmt_num, group_findings, severity_label,
                       source_url, table_citations, table_columns, verdict_badge)

EXAMPLES = [
    "海陵区2017年收到多少件政府信息公开申请?",
    "让胡路区2013年政府信息公开工作存在哪些主要问题?",
    "这几份报告里,哪个地方收到的政府信息公开申请最多?",
]

CLAIM_EXAMPLE = "例如:有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"

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


def citation_markdown(n: int, c: dict) -> str:
    """One numbered source: report › section (cells), a link opening the report at the span, the quote,
    and a cited table cell's whole row with the cell marked."""
    head = f"**[{n}] {md_escape(citation_title(c))}**"
    if c.get("section"):
        head += f" › {md_escape(c['section'])}"
    cell = cell_label(c)
    if cell:
        head += f" ({md_escape(cell)})"
    url = source_url(c)
    if url:
        head += f" [查看原文]({url})"
    out = f"{head}\n\n{_quote_block('「' + (c.get('quote') or '').strip() + '」')}"
    row = cited_row(c)
    if row:
        out += f"\n\n<small>表格行:{md_escape(row)}</small>"
    return out


def sources_markdown(cites: list[dict]) -> list[str]:
    """The numbered 来源 block shared by answers and claim verdicts (nothing when there are no citations)."""
    if not cites:
        return []
    return ["**来源**", *(citation_markdown(i, c) for i, c in enumerate(cites, 1))]


def answer_markdown(d: dict) -> str:
    """The chat bubble for one answer: text, sources, SQL, arithmetic and conflicts."""
    parts = [md_escape(d.get("answer") or "")]
    if d.get("table"):
        parts.append(table_markdown(d["table"]))
    if d.get("arithmetic"):
        parts.append(f"计算:`{d['arithmetic']}`")
    if d.get("exports"):
        parts.append("下载数据:" + " · ".join(f"[{f.upper()}]({u})" for f, u in d["exports"].items() if u))
    cites = [c for c in table_citations(d.get("table") or []) if c] or d.get("citations") or []
    parts.extend(sources_markdown(cites))
    for k in d.get("conflicts") or []:
        line = f"⚠️ **数据冲突**:{md_escape(k.get('metric', ''))} 报告中出现不同数值 {md_escape(conflict_values(k))}"
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


def table_markdown(rows: list) -> str:
    """An answer's figures as a Markdown table; each row points at its numbered source below."""
    cols = table_columns(rows)
    lines = ["| " + " | ".join(h for _, h in cols) + " | 来源 |", "|" + "---|" * (len(cols) + 1)]
    n = 0
    for r in rows:
        cells = figure_cells(r)
        cited = bool(as_dict(r).get("citation"))
        n += cited
        lines.append("| " + " | ".join(md_escape(cells[k]) for k, _ in cols) + f" | {f'[{n}]' if cited else ''} |")
    return "\n".join(lines)


def reports_markdown(rows: list[Any]) -> str:
    if not rows:
        return "尚未导入报告。用 `reportqa ingest 文件夹` 或 `POST /api/v1/reports` 导入。"
    lines = [f"**已导入 {len(rows)} 份报告**", ""]
    for r in rows:
        m = r.meta
        year = f"{m.year}年 · " if m.year else ""
        lines.append(f"- {year}{md_escape(m.title or r.source)}")
    return "\n".join(lines)


def verdict_markdown(d: dict) -> str:
    """The 核查说法 result: badge, claimed vs report figures, rule, explanation, citations."""
    zh, en, dot = verdict_badge(d.get("verdict", ""))
    unit = md_escape(d.get("unit") or "")
    parts = [f"### {dot} {zh} · {en}", f"**说法**:{md_escape(d.get('claim', ''))}"]
    figs = []
    if d.get("claimed_value") is not None:
        cmp = comparison_word(d.get("comparison", ""))
        figs.append(f"说法中的数字:{md_escape(cmp)} {fmt_num(d['claimed_value'])}{unit}")
    if d.get("report_values"):
        figs.append("报告中的数字:" + " / ".join(f"{fmt_num(v)}{unit}" for v in d["report_values"]))
    if figs:
        parts.append(" ;".join(figs))
    if d.get("explanation"):
        parts.append(md_escape(d["explanation"]))
    if d.get("rounding_rule"):
        parts.append(f"<small>判定规则:{md_escape(d['rounding_rule'])}</small>")
    parts.extend(sources_markdown(d.get("citations") or []))
    return "\n\n".join(parts)


def report_choices(rows: list[Any]) -> list[tuple[str, str]]:
    """Dropdown entries for the audit tab: all reports first, then each report by id."""
    out = [("全部报告", "all")]
    for r in rows:
        year = f"{r.meta.year}年 · " if r.meta.year else ""
        out.append((f"{year}{r.meta.title or r.source}", str(r.id)))
    return out


def findings_markdown(findings: list[dict], rows: list[Any]) -> str:
    """The 一致性检查 result: per report, each finding with severity, message, arithmetic, sources."""
    if not rows:
        return "尚未导入报告。"
    parts = []
    for row, found in group_findings(findings, rows):
        title = md_escape(row.meta.title or row.source)
        parts.append(f"### {title}\n<small>{md_escape(row.source)} · id {row.id}</small>")
        if not found:
            parts.append("✅ 未发现不一致。")
            continue
        parts.append(f"发现 {len(found)} 处问题")
        for f in found:
            sev = f.get("severity", "")
            parts.append(f"{SEVERITY_ICONS.get(sev, '•')} **{severity_label(sev)}** "
                         f"<small>({md_escape(f.get('rule', ''))})</small> {md_escape(f.get('message', ''))}")
            if f.get("arithmetic"):
                parts.append(f"计算:`{f['arithmetic']}`")
            parts.extend(citation_markdown(i, c) for i, c in enumerate(f.get("citations") or [], 1))
    return "\n\n".join(parts)


UPLOAD_STATUS = {"added": "✅ 已新增", "replaced": "🔄 已替换", "unchanged": "⏸ 未变化", "failed": "❌ 失败"}


def upload_markdown(outcomes: list[dict]) -> str:
    """One line per uploaded file: what happened and why."""
    if not outcomes:
        return "没有选择文件。"
    lines = []
    for o in outcomes:
        line = f"- {UPLOAD_STATUS.get(o['status'], o['status'])}:{md_escape(o['name'])}"
        if o["status"] == "failed":
            reason = o.get("message") or ""
            reason = reason.split(": ", 1)[1] if reason.startswith(o["name"] + ": ") else reason
            line += f"({md_escape(reason)})"
        elif o.get("title"):
            line += f" → {md_escape(o['title'])}"
            if o["status"] != "unchanged":
                line += f"({o.get('n_sections', 0)} 个章节,{o.get('n_facts', 0)} 个数字)"
        lines.append(line)
    counts = {k: sum(o["status"] == k for o in outcomes) for k in UPLOAD_STATUS}
    head = "**导入完成**:" + ",".join(f"{UPLOAD_STATUS[k].split()[-1]} {v}" for k, v in counts.items() if v)
    return head + "\n\n" + "\n".join(lines)


# -- handlers (module level so tests call them without a browser) ---------------------------------

def check_handler(assistant: Any, claim: str) -> str:
    claim = (claim or "").strip()
    if not claim:
        return "请输入要核查的说法,例如:有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"
    try:
        return verdict_markdown(assistant.check(claim).to_dict())
    except Exception as exc:  # noqa: BLE001 — the page must stay usable and say what happened
        return f"⚠️ 出错了:{md_escape(str(exc) or type(exc).__name__)}"


def audit_handler(assistant: Any, choice: str | None) -> str:
    try:
        rows = assistant.reports()
        if choice and choice != "all":
            rows = [r for r in rows if str(r.id) == str(choice)]
            if not rows:
                return "找不到这份报告(可能已被删除),请刷新报告列表。"
            findings = assistant.audit(rows[0].id)
        else:
            findings = assistant.audit()
        return findings_markdown([f.to_dict() for f in findings], rows)
    except Exception as exc:  # noqa: BLE001
        return f"⚠️ 出错了:{md_escape(str(exc) or type(exc).__name__)}"


def upload_handler(assistant: Any, settings: Any, files: list | None, key: str | None = None):  # noqa: ANN201
    """Generator: a status line while ingesting, then one line per file."""
    from ui.uploads import ingest_paths, key_ok

    paths = [getattr(f, "name", f) for f in (files or [])]
    if not paths:
        yield "没有选择文件。"
        return
    if not key_ok(settings, key):
        yield "❌ 需要正确的 API 密钥才能上传报告。"
        return
    yield f"⏳ 正在导入 {len(paths)} 个文件……(解析和向量化较慢,请稍候)"
    done: list[dict] = []
    for i, p in enumerate(paths):
        yield f"⏳ 正在导入第 {i + 1}/{len(paths)} 个文件:{md_escape(_base(p))}……"
        try:
            done += [o.to_dict() for o in ingest_paths(assistant.indexer, settings, [p])]
        except Exception as exc:  # noqa: BLE001 — one broken file must not hide the others' results
            done.append({"name": _base(p), "status": "failed", "message": str(exc) or type(exc).__name__})
    yield upload_markdown(done)


def figures_outputs(d: dict | None) -> tuple:
    """The chat's chart and download buttons for an answer (``artifacts.payload``): a Gradio plot of its
    figures and CSV / XLSX files of them, each hidden when the answer gives no figures."""
    from ui import artifacts
    from ui.charts import chart_title, figure
    from ui.export import export_rows, filename, render

    rows = export_rows(d) if d else []
    kind = artifacts.chart_kind(d) if d else ""
    plot = gr.Plot(value=figure(d["table"], kind, chart_title(d)), visible=True) if kind else gr.Plot(value=None,
                                                                                                       visible=False)
    if not rows:
        return plot, gr.DownloadButton(value=None, visible=False), gr.DownloadButton(value=None, visible=False)
    folder = Path(tempfile.gettempdir()) / "reportqa-exports"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt in ("csv", "xlsx"):
        path = folder / filename(d.get("question") or "", fmt)
        path.write_bytes(render(rows, fmt))
        files.append(gr.DownloadButton(value=str(path), visible=True))
    return (plot, *files)


def _base(p: Any) -> str:
    return str(p).replace("\\", "/").rsplit("/", 1)[-1]


def make_chat(assistant: Any, settings: Any = None) -> gr.Blocks:
    settings = settings if settings is not None else getattr(assistant, "settings", None)
    needs_key = bool(getattr(settings, "api_key", "") or "")

    def respond(message: str, history: list[dict], request: gr.Request):
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            return "", history, *figures_outputs(None)
        # One session per browser page: follow-ups ("那2018年呢?") resolve against it.
        session_id = getattr(request, "session_hash", None) if request is not None else None
        history.append({"role": "user", "content": message})
        d = None
        try:
            d = payload(message, assistant.ask(message, session_id=session_id))
            reply = answer_markdown(d)
        except Exception as exc:  # noqa: BLE001 — the page must stay usable and say what happened
            reply = f"⚠️ 出错了:{md_escape(str(exc) or type(exc).__name__)}"
        history.append({"role": "assistant", "content": reply})
        return "", history, *figures_outputs(d)

    def list_reports():  # noqa: ANN202
        try:
            rows = assistant.reports()
        except Exception as exc:  # noqa: BLE001
            return f"无法读取报告列表:{md_escape(str(exc))}", gr.Dropdown(choices=[("全部报告", "all")], value="all")
        return reports_markdown(rows), gr.Dropdown(choices=report_choices(rows))

    def check(claim: str) -> str:
        return check_handler(assistant, claim)

    def run_audit(choice: str | None) -> str:
        return audit_handler(assistant, choice)

    def upload(files: list | None, key: str | None = None):  # noqa: ANN202
        yield from upload_handler(assistant, settings, files, key)

    with gr.Blocks(title="reportqa · 政府信息公开年报问答", analytics_enabled=False) as blocks:
        gr.Markdown("## reportqa · 政府信息公开工作年度报告问答\n每个回答都附有原文引用(报告 › 章节 「原文」)。")
        with gr.Row():
            with gr.Column(scale=3):
                with gr.Tabs():
                    with gr.Tab("问答", id="ask"):
                        chatbot = gr.Chatbot(label="对话", height=600, elem_id="reportqa-chat",
                                             elem_classes=["reportqa-quote"], buttons=["copy"])
                        # The latest answer's figures: its chart and downloads (hidden when it has none).
                        plot = gr.Plot(label="图表", format="png", visible=False, elem_id="reportqa-chart")
                        with gr.Row():
                            csv_btn = gr.DownloadButton("下载 CSV", visible=False, size="sm", elem_id="reportqa-csv")
                            xlsx_btn = gr.DownloadButton("下载 XLSX", visible=False, size="sm",
                                                         elem_id="reportqa-xlsx")
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题,例如:海陵区2017年收到多少件政府信息公开申请?",
                                             show_label=False, lines=1, max_lines=4, scale=5,
                                             elem_id="reportqa-question", max_length=10_000)
                            send = gr.Button("提问", variant="primary", scale=1, elem_id="reportqa-send")
                        gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[box], label="示例问题")
                    with gr.Tab("核查说法", id="check", elem_id="reportqa-check-tab"):
                        gr.Markdown("输入一句含数字的说法,对照已导入的报告判断:属实、不实、报告自相矛盾,或未找到。")
                        with gr.Row():
                            claim_box = gr.Textbox(placeholder=CLAIM_EXAMPLE, show_label=False, lines=2, max_lines=6,
                                                   scale=5, elem_id="reportqa-claim", max_length=10_000)
                            check_btn = gr.Button("核查", variant="primary", scale=1, elem_id="reportqa-check")
                        verdict_md = gr.Markdown(elem_id="reportqa-verdict", elem_classes=["reportqa-quote"])
                    with gr.Tab("一致性检查", id="audit", elem_id="reportqa-audit-tab"):
                        gr.Markdown("检查报告内部的数字:分项之和、百分比、正文与表格是否一致,以及是否残留其他机关的名称。")
                        with gr.Row():
                            audit_pick = gr.Dropdown(choices=[("全部报告", "all")], value="all", label="报告",
                                                     scale=5, elem_id="reportqa-audit-report")
                            audit_btn = gr.Button("检查", variant="primary", scale=1, elem_id="reportqa-audit")
                        audit_md = gr.Markdown(elem_id="reportqa-findings", elem_classes=["reportqa-quote"])
            with gr.Column(scale=1):
                reports_md = gr.Markdown(elem_id="reportqa-reports")
                refresh = gr.Button("刷新报告列表", size="sm")
                files = gr.File(label=f"上传报告({' / '.join(s.lstrip('.') for s in SUPPORTED)},可多选)",
                                file_count="multiple", file_types=list(SUPPORTED), elem_id="reportqa-upload")
                key_box = gr.Textbox(label="API 密钥(上传需要)", type="password", visible=needs_key,
                                     elem_id="reportqa-key")
                upload_btn = gr.Button("导入所选文件", size="sm", elem_id="reportqa-upload-btn")
                upload_md = gr.Markdown(elem_id="reportqa-upload-status")
        box.submit(respond, [box, chatbot], [box, chatbot, plot, csv_btn, xlsx_btn])
        send.click(respond, [box, chatbot], [box, chatbot, plot, csv_btn, xlsx_btn])
        claim_box.submit(check, [claim_box], [verdict_md])
        check_btn.click(check, [claim_box], [verdict_md])
        audit_btn.click(run_audit, [audit_pick], [audit_md])
        audit_pick.change(run_audit, [audit_pick], [audit_md])
        refresh.click(list_reports, None, [reports_md, audit_pick])
        # The key is sent to the server only as an event input; it is never logged or echoed back.
        upload_btn.click(upload, [files, key_box], [upload_md]).then(list_reports, None, [reports_md, audit_pick])
        blocks.load(list_reports, None, [reports_md, audit_pick])
    return blocks
