"""The journalist's workbench (issue 12): a table of cited figures with a chart, downloads (CSV, XLSX, JSON),
the source viewer, the cross-year audit, the series questions, and the CLI's text table."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from assistant.answers import Answer, Citation, Figure
from index.settings import load_settings
from ui.export import COLUMNS
from ui.server import make_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "carry_over"
BODY = "泰州市海陵区人民政府"
TREND_Q = "海陵区2015到2018年收到的申请数怎么变化?"


def trend_answer(fake, question: str = TREND_Q) -> Answer:
    """A trend answer over the fake report's text: 2015 and 2017 stated (one citation each), 2016 and 2018
    not loaded."""
    q = "收到政府信息公开申请52件"
    s = fake.text.index(q)
    c17 = Citation(source="hailing_2017.txt", report=fake.meta.title, section="三、依申请公开政府信息情况", quote=q,
                   start=s, end=s + len(q), report_id=1, body=BODY, year=2017, kind="prose")
    q2 = "网络申请30件"
    s2 = fake.text.index(q2)
    c15 = Citation(source="hailing_2017.txt", report=fake.meta.title, section="三、依申请公开政府信息情况", quote=q2,
                   start=s2, end=s2 + len(q2), report_id=1, body=BODY, year=2015, kind="prose")
    rows = [Figure(label="收到申请", body=BODY, year=2015, value=30.0, unit="件", citation=c15, report_id=1),
            Figure(label="收到申请", body=BODY, year=2016, value=None, unit="件"),
            Figure(label="收到申请", body=BODY, year=2017, value=52.0, unit="件", citation=c17, report_id=1,
                   change=22.0, arithmetic="52-30=22"),
            Figure(label="收到申请", body=BODY, year=2018, value=None, unit="件")]
    return Answer(question=question, answer="海陵区「收到申请」:2015年30件,2017年52件。2016年、2018年未载入。",
                  route="sql", value=22.0, unit="件", arithmetic="52-30=22", citations=[c15, c17],
                  sql="SELECT value FROM facts", table=rows, chart_kind="line")


@pytest.fixture
def trend_client(tmp_path, fake_assistant, monkeypatch):
    monkeypatch.setattr(fake_assistant, "ask", lambda question, session_id=None: trend_answer(fake_assistant, question))
    with TestClient(make_app(load_settings(data_dir=tmp_path), assistant=fake_assistant)) as client:
        yield client


# -- API: table, chart, export, source ---------------------------------------------------------

def test_ask_returns_table_rows_and_chart_url(trend_client, fake_assistant):
    d = trend_client.post("/api/v1/ask", json={"question": TREND_Q}).json()
    assert [r["year"] for r in d["table"]] == [2015, 2016, 2017, 2018]
    for r in d["table"]:
        assert {"label", "body", "year", "value", "unit", "citation"} <= set(r)
    stated = [r for r in d["table"] if r["value"] is not None]
    assert [r["value"] for r in stated] == [30.0, 52.0]
    for r in stated:  # one citation per figure, its quote the report's own text at its offsets
        c = r["citation"]
        assert c["quote"] == fake_assistant.text[c["start"]:c["end"]] and str(int(r["value"])) in c["quote"]
    assert all(r["citation"] is None for r in d["table"] if r["value"] is None), "a missing year is never filled"
    assert d["table"][2]["arithmetic"] == "52-30=22"
    assert d["chart"].startswith("/api/v1/charts/") and d["chart"].endswith(".png")
    assert set(d["exports"]) == {"csv", "xlsx", "json"}


def test_chart_png_size_and_dimensions(trend_client):
    from PIL import Image

    from ui.charts import DPI, HEIGHT_IN, WIDTH_IN

    url = trend_client.post("/api/v1/ask", json={"question": TREND_Q}).json()["chart"]
    r = trend_client.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert 10_000 < len(r.content) < 500_000
    img = Image.open(io.BytesIO(r.content))
    assert img.format == "PNG" and img.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert trend_client.get("/api/v1/charts/0000.png").status_code == 404


def test_answer_without_figures_has_no_chart_or_table(fake_client_plain):
    d = fake_client_plain.post("/api/v1/ask", json={"question": "海陵区2017年收到多少件申请?"}).json()
    assert d["table"] == [] and d["chart"] is None and d["exports"] is None


@pytest.fixture
def fake_client_plain(tmp_path, fake_assistant):
    with TestClient(make_app(load_settings(data_dir=tmp_path), assistant=fake_assistant)) as client:
        yield client


def _check_rows(rows: list[dict], fake) -> None:  # noqa: ANN001
    assert [r["year"] for r in rows] == ["2015", "2016", "2017", "2018"]
    by_year = {r["year"]: r for r in rows}
    assert by_year["2017"]["value"] == "52" and by_year["2017"]["quote"] == "收到政府信息公开申请52件"
    assert by_year["2017"]["source"] == "hailing_2017.txt" and by_year["2017"]["report"] == fake.meta.title
    assert by_year["2017"]["section"] == "三、依申请公开政府信息情况" and by_year["2017"]["sql"] == "SELECT value FROM facts"
    assert by_year["2017"]["arithmetic"] == "52-30=22" and by_year["2017"]["body"] == BODY
    assert by_year["2016"]["value"] == "" and by_year["2016"]["quote"] == "" and by_year["2016"]["note"] == "未载入"


def test_export_csv_reads_back(trend_client, fake_assistant):
    r = trend_client.post("/api/v1/export", json={"question": TREND_Q, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    reader = csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))
    assert tuple(reader.fieldnames) == COLUMNS
    _check_rows(list(reader), fake_assistant)


def test_export_xlsx_reads_back(trend_client, fake_assistant):
    import openpyxl

    r = trend_client.post("/api/v1/export", json={"question": TREND_Q, "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    head, *body = [list(row) for row in ws.iter_rows(values_only=True)]
    assert tuple(head) == COLUMNS
    rows = [{k: ("" if v is None else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
             for k, v in zip(head, row)} for row in body]
    _check_rows(rows, fake_assistant)
    assert isinstance(body[2][COLUMNS.index("value")], (int, float)), "numbers stay numbers in the workbook"


def test_export_json_and_kept_links(trend_client):
    rows = trend_client.post("/api/v1/export", json={"question": TREND_Q, "format": "json"}).json()
    assert [r["value"] for r in rows] == [30.0, None, 52.0, None]
    links = trend_client.post("/api/v1/ask", json={"question": TREND_Q}).json()["exports"]
    assert trend_client.get(links["csv"]).content.decode("utf-8-sig").startswith(",".join(COLUMNS))
    assert trend_client.get("/api/v1/exports/nope.csv").status_code == 404


@pytest.mark.parametrize("payload, status", [
    ({"question": TREND_Q, "format": "pdf"}, 422), ({"question": ""}, 422), ({"format": "csv"}, 422)])
def test_export_rejects_bad_requests(trend_client, payload, status):
    assert trend_client.post("/api/v1/export", json=payload).status_code == status


def test_export_of_an_answer_without_figures_is_404(fake_client_plain):
    r = fake_client_plain.post("/api/v1/export", json={"question": "海陵区2017年收到多少件申请?"})
    assert r.status_code == 404 and "no figures" in r.json()["detail"]


def test_source_window_holds_the_quote_at_its_offsets(fake_client_plain, fake_assistant):
    q = "网络申请30件"
    s = fake_assistant.text.index(q)
    d = fake_client_plain.get("/api/v1/reports/1/source", params={"start": s, "end": s + len(q), "context": 10}).json()
    assert d["span"] == q and d["start"] == s and d["end"] == s + len(q)
    assert d["text"] == d["before"] + q + d["after"] and q in d["text"]
    assert fake_assistant.text[d["window_start"]:d["window_end"]] == d["text"]
    assert d["section"] == "三、依申请公开政府信息情况" and d["title"] == fake_assistant.meta.title
    page = fake_client_plain.get("/api/v1/reports/1/source", params={"start": s, "end": s + len(q), "format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert f'<mark id="reportqa-cited">{q}</mark>' in page.text


@pytest.mark.parametrize("params, status", [
    ({"start": 5, "end": 2}, 422), ({"start": 0, "end": 10**6}, 422), ({"start": -1}, 422), ({}, 422)])
def test_source_rejects_bad_spans(fake_client_plain, params, status):
    assert fake_client_plain.get("/api/v1/reports/1/source", params=params).status_code == status
    assert fake_client_plain.get("/api/v1/reports/9/source", params={"start": 0}).status_code == 404


# -- a cited table cell shows its row --------------------------------------------------------------

def test_cited_cell_gets_its_row_from_the_stored_table(tmp_path):
    from assistant.figures import cell_rows
    from index.pipeline import build_report
    from index.sqlstore import SQLStore
    from index.sqlstore import cells
    from sqlalchemy import select
    from ui.source import window

    store = SQLStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    rid = store.save_report(build_report(FIXTURES / "office_2024.txt"))
    rep = store.load_report(rid)
    with store.engine.connect() as conn:
        cell = next(c for c in conn.execute(select(cells).where(cells.c.report_id == rid))
                    if c.row_label.endswith("本年新收政府信息公开申请数量") and c.col_label == "总计")
    cite = Citation(source=rep.source, report=rep.meta.title, section="", quote=cell.raw, start=cell.start,
                    end=cell.end, report_id=rid, kind="table")
    cell_rows(store, [cite])
    assert cite.row[0].endswith("本年新收政府信息公开申请数量") and cite.row[cite.row_cell] == "19"
    assert cite.row_cell == len(cite.row) - 1  # 总计 is the last column
    from ui.render import cited_row
    assert cited_row(cite).endswith("| 【19】")
    w = window(rep, cell.start, cell.end, store=store)
    assert w["span"] == "19" and w["row"] == cite.row and w["row_cell"] == cite.row_cell


# -- cross-year audit ------------------------------------------------------------------------------

def test_carry_over_findings_cite_both_reports(tmp_path):
    from assistant.audit import TITLE, audit_report
    from index.pipeline import build_report
    from index.sqlstore import SQLStore

    store = SQLStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ids = {p.stem: store.save_report(build_report(p)) for p in sorted(FIXTURES.glob("*.txt"))}
    found = [f for f in audit_report(store, ids["office_2024"]) if f.rule == "carry_over"]
    by_kind = {("规范性文件" in f.message): f for f in found}
    assert len(found) == 2 and TITLE["carry_over"] == "跨年数字衔接不上"
    carried = by_kind[False]
    assert carried.arithmetic == "0 ≠ 1" and {c.year for c in carried.citations} == {2023, 2024}
    assert {c.report_id for c in carried.citations} == {ids["office_2023"], ids["office_2024"]}
    normative = by_kind[True]
    assert normative.arithmetic == "30 + 3 − 1 = 32 ≠ 35" and normative.figures()[:2] == [30.0, 3.0]
    assert {c.year for c in normative.citations} == {2023, 2024}
    for f in found:  # each citation quotes its own report
        for c in f.citations:
            assert store.load_report(c.report_id).text[c.start:c.end] == c.quote
    # the earlier year has no report before it: nothing to carry over
    assert not [f for f in audit_report(store, ids["office_2023"]) if f.rule == "carry_over"]


# -- question parsing: which questions are series ------------------------------------------------

def _refs():
    from assistant.bodies import ReportRef

    out, n = [], 0
    for body, years in (("平潭综合实验区财政金融局", (2019, 2022, 2024)), ("平潭综合实验区苏平片区管理局", (2022, 2024)),
                        ("平潭综合实验区金井片区管理局", (2022, 2024)), ("平潭综合实验区行政审批局", (2024,))):
        for y in years:
            n += 1
            out.append(ReportRef(id=n, title=f"{body}{y}年政府信息公开工作年度报告", body=body, region="平潭综合实验区",
                                 year=y))
    return out


@pytest.mark.parametrize("question, kind, years, n_reports", [
    ("平潭财政金融局2019到2024年收到的申请数怎么变化", "trend", [2019, 2020, 2021, 2022, 2023, 2024], 3),
    ("2024年哪个部门收到的申请最多", "rank", [2024], 4),
    ("列出各片区2022年行政复议数", "rank", [2022], 2),
    ("平潭财政金融局2024年收到多少件申请", None, None, None),
    ("截至2024年,平潭财政金融局历年累计主动公开了多少条政府信息?", None, None, None),  # a running total
    ("平潭财政金融局历年收到的申请数", "trend", [2019, 2022, 2024], 3),
    ("平潭财政金融局2024年比2019年多收到多少件申请", None, None, None),
])
def test_series_questions(question, kind, years, n_reports):
    from assistant.question import parse_question
    from assistant.question.series import parse_series
    from index.metrics import load_catalogue

    refs = _refs()
    s = parse_series(parse_question(question, load_catalogue(), refs), refs)
    if kind is None:
        assert s is None
        return
    assert (s.kind, s.years, len(s.report_ids)) == (kind, years, n_reports)


def test_change_asked_with_ji_is_a_difference():
    from assistant.question.series import asks_change, year_range

    assert asks_change("苏平片区管理局2024年收到的信息公开申请比2021年多几件?")
    assert asks_change("XX局2024年比2020年多收到多少件")
    assert not asks_change("苏平片区管理局2024年收到几件申请?")
    assert year_range("2019到2024年") == [2019, 2020, 2021, 2022, 2023, 2024]
    assert year_range("2019年至2021年") == [2019, 2020, 2021] and year_range("2019年") == []


# -- CLI: the text table and --csv ------------------------------------------------------------------

def test_cli_prints_a_text_table_and_writes_csv(fake_assistant, monkeypatch, tmp_path):
    import assistant.engine
    from ui.cli import cli

    class Fake:
        def __init__(self, settings):  # noqa: ANN001
            pass

        def ask(self, question, session_id=None):  # noqa: ANN001
            return trend_answer(fake_assistant, question)

        def close(self):
            pass

    monkeypatch.setattr(assistant.engine, "Assistant", Fake)
    out = tmp_path / "figures.csv"
    r = CliRunner().invoke(cli, ["ask", TREND_Q, "--data-dir", str(tmp_path), "--csv", str(out)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("项目"))
    assert lines[head].split() == ["项目", "机关", "年度", "数值", "单位", "变化", "来源"]
    table = lines[head + 2:head + 6]
    assert [ln.split()[2] for ln in table] == ["2015", "2016", "2017", "2018"]
    assert "未载入" in table[1] and "未载入" in table[3] and table[0].endswith("[1]") and table[2].endswith("[2]")
    assert "+22(52-30=22)" in table[2]
    assert "[2] 海陵区2017年政府信息公开工作年度报告 › 三、依申请公开政府信息情况" in lines
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 4 and rows[2]["quote"] == "收到政府信息公开申请52件"
    assert "wrote 4 figures" in r.stderr
