"""The reportqa command: ingest lines and exit codes, ask output, the locked-store message."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.models import Metadata
from index.sqlstore import ReportRow
from ui.cli import (cli, collect_files, format_answer, format_audit, format_result, format_verdict, is_store_locked,
                    resolve_report)

REPORT_A = """青山县2019年政府信息公开工作年度报告

本报告由青山县人民政府办公室编制。

一、总体情况
2019年,青山县认真贯彻落实《中华人民共和国政府信息公开条例》,全面推进政务公开工作。

二、主动公开政府信息情况
全年通过政府网站主动公开政府信息1234条,其中政策文件56条。

三、收到和处理政府信息公开申请情况
2019年共收到政府信息公开申请78件,全部按时答复。

四、存在的主要问题及改进情况
一是公开内容不够全面;二是政策解读形式单一。下一步将加强培训。
"""

REPORT_B = """白水区2020年政府信息公开工作年度报告

一、总体情况
2020年,白水区政务公开工作稳步推进。

二、主动公开政府信息情况
全年主动公开政府信息876条。

三、收到和处理政府信息公开申请情况
2020年共收到政府信息公开申请15件。

四、政府信息公开行政复议、行政诉讼情况
全年未发生政府信息公开行政复议案件。
"""


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    d = tmp_path / "in" / "nested"
    d.mkdir(parents=True)
    (d.parent / "qingshan_2019.txt").write_text(REPORT_A, encoding="utf-8")
    (d / "baishui_2020.md").write_text(REPORT_B, encoding="utf-8")
    (d / "notes.csv").write_text("a,b\n", encoding="utf-8")  # not a report format: skipped in folders
    (d / ".hidden.txt").write_text(REPORT_B, encoding="utf-8")
    return d.parent


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- fast ---------------------------------------------------------------------------------------

def test_collect_files_walks_folders_for_known_formats(reports_dir, tmp_path):
    stray = tmp_path / "odd.xyz"
    stray.write_text("x")
    files, missing = collect_files([reports_dir, stray, reports_dir / "qingshan_2019.txt", tmp_path / "gone.txt"])
    assert sorted(f.name for f in files) == ["baishui_2020.md", "odd.xyz", "qingshan_2019.txt"]
    assert missing == [(str(tmp_path / "gone.txt"), "no such file or folder")]


def test_format_answer_lists_citations_sql_and_conflicts(fake_assistant):
    text = format_answer(fake_assistant.ask("q").to_dict())
    lines = text.splitlines()
    assert lines[0] == "海陵区2017年共收到政府信息公开申请52件。"
    assert "[1] 海陵区2017年政府信息公开工作年度报告 › 三、依申请公开政府信息情况" in lines
    assert "    「收到政府信息公开申请52件」" in lines
    assert "SQL:" in lines and any("SELECT value FROM facts" in ln for ln in lines)
    assert any(ln.startswith("conflict: apply_total: 52 / 50") for ln in lines)  # one number format (ui/render.py)


def test_format_answer_shows_table_cell_labels():
    cite = {"report": "R", "section": "八、附表", "quote": "70", "row_label": "(一)收到申请数", "col_label": "合计"}
    text = format_answer({"answer": "70件", "citations": [cite]})
    assert "[1] R › 八、附表  ((一)收到申请数 / 合计)" in text.splitlines()


@pytest.mark.parametrize("message, locked", [
    ("Storage folder /x/qdrant is already accessed by another instance of Qdrant client. If you", True),
    ("the data folder /x/qdrant is in use by another reportqa process (probably `reportqa serve`)", True),
    ("no such table: reports", False),
])
def test_is_store_locked(message, locked):
    assert is_store_locked(RuntimeError(message)) is locked


def test_help_lists_every_command():
    out = _run("--help").output
    for cmd in ("ingest", "ask", "check", "audit", "serve", "reports", "eval", "demo"):
        assert cmd in out


def test_empty_question_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(cli, ["ask", "  ", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "please ask a question" in r.output


def test_missing_path_fails_without_opening_stores(tmp_path):
    r = _run("ingest", str(tmp_path / "nothing.txt"), "--data-dir", str(tmp_path / "data"))
    assert r.exit_code == 1
    assert f"{tmp_path / 'nothing.txt'}: no such file or folder" in r.stderr


def test_ingest_line_shows_the_metadata_read():
    from index.pipeline import IngestResult

    r = IngestResult("in/q.txt", "added", 1, "ok", "青山县2019年政府信息公开工作年度报告", 4, 6, 9,
                     body="青山县人民政府", year=2019, publish_date="2020-01-15")
    assert format_result(r) == ("added     in/q.txt  (title: 青山县2019年政府信息公开工作年度报告; body: 青山县人民政府; "
                                "year: 2019; published: 2020-01-15; 4 sections, 9 facts)")
    r.status, r.publish_date = "unchanged", None
    assert format_result(r).endswith("year: 2019; published: ?)")


def test_reports_lists_title_body_year_date_and_source(reports_dir, tmp_path):
    from index.pipeline import build_report
    from index.settings import load_settings
    from index.sqlstore import SQLStore

    data = tmp_path / "data"
    data.mkdir()
    store = SQLStore(load_settings(data_dir=data).sqlalchemy_url)
    rep = build_report(reports_dir / "qingshan_2019.txt")
    store.save_report(rep)
    (line,) = _run("reports", "--data-dir", str(data)).stdout.splitlines()
    m = rep.meta
    assert m.title and m.body and m.year
    assert line.endswith(f"title: {m.title}; body: {m.body}; year: {m.year}; published: {m.publish_date or '?'}; "
                         f"region: {m.region or '?'}; source: qingshan_2019.txt")
    (row,) = json.loads(_run("reports", "--data-dir", str(data), "--json").stdout)
    assert {"title", "body", "year", "publish_date", "source"} <= set(row)


# -- real: the lead's Indexer and Assistant -----------------------------------------------------

@pytest.fixture
def needs_engine():
    root = Path(__file__).resolve().parent.parent
    for f in ("index/pipeline.py", "assistant/engine.py"):
        if not (root / f).is_file():
            pytest.skip(f"{f} is not written yet")


def test_ingest_reingest_and_bad_file(needs_engine, reports_dir, tmp_path):
    data = tmp_path / "data"
    r = _run("ingest", str(reports_dir), "--data-dir", str(data))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    added = [ln for ln in lines if ln.startswith("added")]
    assert len(added) == 2, r.stdout
    assert any("qingshan_2019.txt" in ln and "青山县2019年政府信息公开工作年度报告" in ln for ln in added), added
    assert all("sections" in ln and "facts" in ln and "; body: " in ln and "; published: " in ln for ln in added)
    assert any("qingshan_2019.txt" in ln and "year: 2019" in ln for ln in added), added
    assert lines[-1] == "2 added, 0 replaced, 0 unchanged, 0 failed"

    r = _run("ingest", str(reports_dir), "--data-dir", str(data))
    assert r.exit_code == 0
    assert sum(ln.startswith("unchanged") for ln in r.stdout.splitlines()) == 2
    assert r.stdout.splitlines()[-1] == "0 added, 0 replaced, 2 unchanged, 0 failed"

    # An edited file replaces its earlier version.
    (reports_dir / "qingshan_2019.txt").write_text(REPORT_A.replace("78件", "79件"), encoding="utf-8")
    r = _run("ingest", str(reports_dir / "qingshan_2019.txt"), "--data-dir", str(data))
    assert r.exit_code == 0 and r.stdout.startswith("replaced"), r.output

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    r = _run("ingest", str(bad), str(reports_dir / "qingshan_2019.txt"), "--data-dir", str(data))
    assert r.exit_code == 1
    err = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{bad}: ") or ln.startswith("broken.pdf: ")]
    assert err and len(err[0].split(": ", 1)[1]) > 3, r.stderr
    assert r.stdout.splitlines()[-1].endswith("1 failed")

    r = _run("reports", "--data-dir", str(data), "--json")
    rows = json.loads(r.stdout)
    assert sorted(x["source"] for x in rows) == ["baishui_2020.md", "qingshan_2019.txt"]


def test_ask_json_gives_citations(needs_engine, reports_dir, tmp_path):
    from index.settings import load_settings
    from index.sqlstore import SQLStore

    data = tmp_path / "data"
    assert _run("ingest", str(reports_dir), "--data-dir", str(data)).exit_code == 0
    r = _run("ask", "青山县2019年共收到多少件政府信息公开申请?", "--data-dir", str(data), "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert "\\u" not in r.stdout, "JSON keeps Chinese readable (ensure_ascii=False)"
    assert d["citations"], d
    store = SQLStore(load_settings(data_dir=data).sqlalchemy_url)
    by_source = {row.source: row.id for row in store.list_reports()}
    for c in d["citations"]:
        rep = store.load_report(c.get("report_id") or by_source[c["source"]])
        assert rep.text[c["start"]:c["end"]] == c["quote"]
    assert any("78" in c["quote"] for c in d["citations"]), "the figure asked for is quoted"

    human = _run("ask", "青山县2019年共收到多少件政府信息公开申请?", "--data-dir", str(data)).stdout
    assert "[1] " in human and "「" in human


@pytest.mark.parametrize("engine", ["edge", "qdrant"])
def test_ingest_while_server_holds_the_store(needs_engine, reports_dir, tmp_path, monkeypatch, engine):
    from index.settings import load_settings
    from index.vectors import open_vector_store

    monkeypatch.setenv("REPORTQA_VECTOR_ENGINE", engine)
    data = tmp_path / "data"
    holder = open_vector_store(load_settings(data_dir=data))  # what a running `reportqa serve` holds
    try:
        r = _run("ingest", str(reports_dir), "--data-dir", str(data))
    finally:
        holder.close()
    assert r.exit_code == 2, r.output
    assert f"the data folder {data} is in use by a running `reportqa serve`" in r.stderr
    assert "POST /api/v1/reports" in r.stderr


@pytest.mark.parametrize("args, host, port", [
    (["serve"], "127.0.0.1", 7860),
    (["serve", "--host", "0.0.0.0", "--port", "9001"], "0.0.0.0", 9001),
    (["demo", "--port", "9002"], "127.0.0.1", 9002),
])
def test_serve_and_demo_pass_settings(monkeypatch, tmp_path, args, host, port):
    import ui.cli
    import ui.server

    served, ingested = [], []
    monkeypatch.delenv("REPORTQA_HOST", raising=False)
    monkeypatch.delenv("REPORTQA_PORT", raising=False)
    monkeypatch.setattr(ui.server, "serve", served.append)
    monkeypatch.setattr(ui.cli, "run_ingest", lambda settings, paths, echo=None: ingested.append(paths) or 0)
    r = _run(*args, "--data-dir", str(tmp_path))
    assert r.exit_code == 0, r.output
    (settings,) = served
    assert (settings.host, settings.port, settings.data_dir) == (host, port, tmp_path)
    if args[0] == "demo":
        assert ingested == [[ui.cli.EXAMPLES_DIR]] and ui.cli.EXAMPLES_DIR.is_dir()
        assert f"http://127.0.0.1:{port}/" in r.stdout
    else:
        assert ingested == []


def test_eval_passes_options_to_run_cli(monkeypatch, tmp_path):
    import eval.run

    calls = []
    monkeypatch.setattr(eval.run, "run_cli", lambda gold, **kw: calls.append((gold, kw)) or 1)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "q"}\n', encoding="utf-8")
    r = _run("eval", str(gold), "--data-dir", str(tmp_path), "--json", "--out", str(tmp_path / "out"),
             "--min-numeric", "0.9", "--min-citation", "0.8", "--max-fabricated", "0", "--limit", "5",
             "--min-section", "0.85", "--max-wrong", "0.1", "--max-unasked-conflicts", "0.05",
             "--min-text", "0.7", "--min-claims", "0.6", "--min-conflicts", "0.85")
    assert r.exit_code == 1, "run_cli's code is the exit code"
    assert calls == [(gold, {"data_dir": tmp_path, "as_json": True, "out_dir": tmp_path / "out",
                             "min_numeric": 0.9, "min_citation": 0.8, "max_fabricated": 0, "limit": 5,
                             "min_section": 0.85, "max_wrong": 0.1, "max_unasked_conflicts": 0.05,
                             "min_text": 0.7, "min_claims": 0.6, "min_conflicts": 0.85})]
    # --api: the server is asked like any client; no data folder is opened
    calls.clear()
    r = _run("eval", str(gold), "--api", "http://127.0.0.1:9", "--limit", "1")
    assert calls and calls[0][1]["api"] == "http://127.0.0.1:9" and "data_dir" not in calls[0][1]


# -- claims and audit ---------------------------------------------------------------------------

def test_format_verdict_shows_verdict_figures_rule_and_citations(fake_assistant):
    text = format_verdict(fake_assistant.check("有人说海陵区2017年收到申请超过一百件,对吗?").to_dict())
    lines = text.splitlines()
    assert lines[0] == "verdict: 不实 / refuted"
    assert "claim: 海陵区2017年收到政府信息公开申请超过一百件" in lines
    assert "claimed: > 100件" in lines and "report: 52件" in lines
    assert any(ln.startswith("rule: 报告数字大于") for ln in lines)
    assert any(ln.startswith("explanation: 报告写的是52件") for ln in lines)
    assert "[1] 海陵区2017年政府信息公开工作年度报告 › 三、依申请公开政府信息情况" in lines
    assert "    「收到政府信息公开申请52件」" in lines


@pytest.mark.parametrize("verdict, label", [
    ("supported", "属实 / supported"), ("refuted", "不实 / refuted"),
    ("conflicting", "有矛盾 / conflicting"), ("not_found", "未找到 / not found"),
])
def test_verdict_labels_are_bilingual(verdict, label):
    assert format_verdict({"verdict": verdict, "claim": "x"}).splitlines()[0] == f"verdict: {label}"


def test_not_found_verdict_has_no_figures_or_sources():
    text = format_verdict({"verdict": "not_found", "claim": "某县2030年收到申请5件", "claimed_value": 5.0,
                           "comparison": "eq", "report_values": [], "unit": "件", "citations": [],
                           "explanation": "在已载入的报告中没有找到能核实这一说法的数字。"})
    assert "claimed: = 5件" in text and "report:" not in text and "[1]" not in text


def test_format_audit_groups_by_report(fake_assistant):
    rows = fake_assistant.reports()
    other = ReportRow(id=2, source="other.txt", content_hash="y" * 64, format="txt", meta=Metadata(title="另一份报告"))
    text = format_audit([f.to_dict() for f in fake_assistant.audit()], rows + [other])
    lines = text.splitlines()
    assert lines[0] == "== 海陵区2017年政府信息公开工作年度报告 (hailing_2017.txt, id 1): 1 finding"
    assert lines[1] == "[high 高] parts_sum: 分项之和与总数不符。"
    assert "    arithmetic: 30 ≠ 52" in lines
    assert "    [1] 三、依申请公开政府信息情况" in lines and "        「网络申请30件」" in lines
    assert "== 另一份报告 (other.txt, id 2): no findings" in lines


@pytest.mark.parametrize("ref, expected", [("1", 1), ("2", 2), ("b.txt", 2), ("/some/dir/a.txt", 1),
                                           ("3", None), ("c.txt", None), ("  2 ", 2)])
def test_resolve_report_by_id_or_file_name(ref, expected):
    rows = [ReportRow(id=i, source=s, content_hash="", format="txt", meta=Metadata()) for i, s in ((1, "a.txt"),
                                                                                                 (2, "b.txt"))]
    hit = resolve_report(rows, ref)
    assert (hit.id if hit else None) == expected


def test_ingest_progress_lines_on_stderr_when_not_a_tty(needs_engine, reports_dir, tmp_path):
    r = _run("ingest", str(reports_dir), "--data-dir", str(tmp_path / "data"))
    assert r.exit_code == 0, r.output
    progress = [ln for ln in r.stderr.splitlines() if ln.startswith("[")]
    assert [ln.split("]")[0] + "]" for ln in progress] == ["[1/2]", "[2/2]"]
    assert not any(ln.startswith("[") for ln in r.stdout.splitlines()), "progress never pollutes stdout"


def test_check_and_audit_commands_on_the_samples(needs_engine, sample_data_copy):
    data = sample_data_copy()
    claim = "有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"
    r = _run("check", claim, "--data-dir", str(data), "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["verdict"] in ("supported", "refuted", "conflicting", "not_found")
    assert d["claim_review"]["@type"] == "ClaimReview"
    assert d["verdict"] != "not_found" and d["citations"], "the samples hold 海陵区's 2017 application count"
    human = _run("check", claim, "--data-dir", str(data)).stdout
    assert human.splitlines()[0].startswith("verdict: ") and "[1] " in human and "「" in human

    rows = json.loads(_run("reports", "--data-dir", str(data), "--json").stdout)
    all_findings = json.loads(_run("audit", "--data-dir", str(data), "--json").stdout)
    assert all_findings, "the samples contain known inconsistencies"
    for f in all_findings:
        assert {"rule", "severity", "report_id", "message", "arithmetic", "citations"} <= set(f)
    one = rows[0]
    by_id = json.loads(_run("audit", str(one["id"]), "--data-dir", str(data), "--json").stdout)
    by_name = json.loads(_run("audit", one["source"], "--data-dir", str(data), "--json").stdout)
    assert by_id == by_name == [f for f in all_findings if f["report_id"] == one["id"]]
    human = _run("audit", "--data-dir", str(data)).stdout
    assert sum(ln.startswith("== ") for ln in human.splitlines()) == len(rows)
    r = _run("audit", "no_such_report.txt", "--data-dir", str(data))
    assert r.exit_code == 1 and "no report 'no_such_report.txt'" in r.stderr


def test_check_empty_claim_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(cli, ["check", " ", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and "please give a claim" in r.output
