"""The JSON API: shape of every route, JSON errors (never a 5xx for bad input), real answers' citations."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from index.settings import load_settings
from ui.server import make_app


# -- fast: the routes over a fake assistant ----------------------------------------------------

@pytest.fixture
def fake_client(tmp_path, fake_assistant):
    app = make_app(load_settings(data_dir=tmp_path), assistant=fake_assistant)
    with TestClient(app) as client:
        yield client
    assert fake_assistant.closed, "the server closes the assistant on shutdown"


def test_health_fake(fake_client):
    r = fake_client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["reports"] == 1


def test_reports_listing_fields(fake_client):
    (row,) = fake_client.get("/api/v1/reports").json()
    assert {"id", "source", "title", "body", "region", "year", "publish_date"} <= set(row)
    assert row["title"] == "海陵区2017年政府信息公开工作年度报告" and row["year"] == 2017


def test_report_sections_and_text(fake_client, fake_assistant):
    body = fake_client.get("/api/v1/reports/1", params={"include_text": True}).json()
    assert [s["ord"] for s in body["sections"]] == [0, 1, 2]
    for s in body["sections"]:
        assert {"ord", "level", "heading", "path", "start", "end"} <= set(s)
        assert body["text"][s["start"]:].startswith(s["heading"])
    assert "text" not in fake_client.get("/api/v1/reports/1").json()


def test_ask_passes_question_and_session(fake_client, fake_assistant):
    r = fake_client.post("/api/v1/ask", json={"question": "海陵区2017年收到多少件申请?", "session_id": "s1"})
    assert r.status_code == 200
    d = r.json()
    assert fake_assistant.questions == [("海陵区2017年收到多少件申请?", "s1")]
    assert {"question", "answer", "route", "value", "unit", "sql", "arithmetic", "citations", "conflicts",
            "found"} <= set(d)
    assert d["citations"][0]["quote"] == fake_assistant.text[d["citations"][0]["start"]:d["citations"][0]["end"]]


@pytest.mark.parametrize("method, url, payload, status", [
    ("get", "/api/v1/reports/999", None, 404),
    ("get", "/api/v1/reports/abc", None, 422),
    ("post", "/api/v1/ask", {"question": ""}, 422),
    ("post", "/api/v1/ask", {"question": "   \n "}, 422),
    ("post", "/api/v1/ask", {"question": "问" * 10_001}, 422),
    ("post", "/api/v1/ask", {}, 422),
    ("post", "/api/v1/ask", {"question": 123}, 422),
    ("post", "/api/v1/ask", {"question": ["a"]}, 422),
    ("post", "/api/v1/ask", "not json", 422),
    ("get", "/api/v1/nope", None, 404),
])
def test_bad_input_is_a_json_4xx(fake_client, method, url, payload, status):
    kw = {"content": payload, "headers": {"content-type": "application/json"}} if isinstance(payload, str) \
        else ({"json": payload} if payload is not None else {})
    r = getattr(fake_client, method)(url, **kw)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert detail and len(str(detail)) < 2000, "a short readable message, not an echo of the input"


def test_check_returns_the_verdict_with_its_claim_review(fake_client, fake_assistant):
    r = fake_client.post("/api/v1/check", json={"claim": "有人说海陵区2017年收到申请超过一百件,对吗?"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert fake_assistant.claims == ["有人说海陵区2017年收到申请超过一百件,对吗?"]
    assert {"claim", "verdict", "claimed_value", "comparison", "report_values", "rounding_rule", "citations",
            "explanation", "claim_review"} <= set(d)
    assert d["verdict"] == "refuted" and d["claim_review"]["@type"] == "ClaimReview"
    assert d["claim_review"]["reviewRating"]["alternateName"] == "不实"


@pytest.mark.parametrize("payload", [{"claim": ""}, {"claim": "  "}, {}, {"claim": 5}, {"claim": "说" * 10_001}])
def test_check_bad_input_is_422(fake_client, fake_assistant, payload):
    r = fake_client.post("/api/v1/check", json=payload)
    assert r.status_code == 422 and r.json()["detail"]
    assert fake_assistant.claims == []


def test_audit_all_and_per_report(fake_client, fake_assistant):
    all_ = fake_client.get("/api/v1/audit")
    one = fake_client.get("/api/v1/reports/1/audit")
    assert all_.status_code == one.status_code == 200
    assert all_.json() == one.json() and len(one.json()) == 1
    f = one.json()[0]
    assert {"rule", "severity", "report_id", "source", "title", "message", "operands", "arithmetic",
            "citations"} <= set(f)
    assert fake_assistant.audited == [None, 1]
    assert fake_client.get("/api/v1/reports/999/audit").status_code == 404
    assert fake_client.get("/api/v1/reports/x/audit").status_code == 422


def test_longest_allowed_question_is_accepted(fake_client):
    assert fake_client.post("/api/v1/ask", json={"question": "问" * 10_000}).status_code == 200


@pytest.mark.parametrize("filename, data, status", [
    ("evil.exe", b"MZ", 415),
    ("empty.txt", b"", 422),
])
def test_upload_rejects_bad_files(fake_client, filename, data, status):
    r = fake_client.post("/api/v1/reports", files={"file": (filename, data)})
    assert r.status_code == status and filename in r.json()["detail"]


def test_upload_requires_api_key_when_configured(tmp_path, fake_assistant):
    app = make_app(load_settings(data_dir=tmp_path, api_key="sekret"), assistant=fake_assistant)
    with TestClient(app) as client:
        r = client.post("/api/v1/reports", files={"file": ("a.txt", "x".encode())})
        assert r.status_code == 401
        # reads stay open
        assert client.get("/api/v1/reports").status_code == 200


def test_chat_page_is_mounted_at_root(fake_client):
    r = fake_client.get("/")
    assert r.status_code == 200 and "<html" in r.text.lower()
    assert "fonts.googleapis.com" not in r.text, "no external fonts (the machine may be offline)"


# -- real: the five sample reports -------------------------------------------------------------

@pytest.fixture(scope="module")
def real_client(tmp_path_factory, sample_data_dir):
    import shutil
    data = tmp_path_factory.mktemp("api_data") / "d"
    shutil.copytree(sample_data_dir, data)
    with TestClient(make_app(load_settings(data_dir=data))) as client:
        yield client


def test_real_health_counts(real_client):
    d = real_client.get("/api/v1/health").json()
    assert d["status"] == "ok" and d["reports"] == 5
    assert d["chunks"] is None or d["chunks"] > 5


def test_real_reports_have_metadata(real_client, examples_dir):
    rows = real_client.get("/api/v1/reports").json()
    assert sorted(r["source"] for r in rows) == sorted(p.name for p in examples_dir.glob("*.txt"))
    for r in rows:
        assert r["title"].endswith("报告"), r
        assert isinstance(r["year"], int) and 2000 < r["year"] < 2100, r


def test_real_report_sections_point_at_headings(real_client):
    for row in real_client.get("/api/v1/reports").json():
        d = real_client.get(f"/api/v1/reports/{row['id']}", params={"include_text": True}).json()
        assert d["sections"], f"{row['source']}: no sections"
        for s in d["sections"]:
            assert 0 <= s["start"] <= s["end"] <= len(d["text"])
            if s["level"] > 0:
                assert d["text"][s["start"]:s["end"]].lstrip().startswith(s["heading"].strip()[:4]), s


@pytest.mark.parametrize("question", [
    "海陵区2017年收到多少件政府信息公开申请?",
    "让胡路区2013年政府信息公开工作存在哪些主要问题?",
])
def test_real_ask_citations_quote_the_report(real_client, question):
    d = real_client.post("/api/v1/ask", json={"question": question}).json()
    assert d["question"] == question and d["answer"]
    assert d["citations"], d
    texts: dict[int, dict] = {}
    for c in d["citations"]:
        assert c["quote"].strip()
        rid = c.get("report_id")
        if rid is None:
            rid = next(r["id"] for r in real_client.get("/api/v1/reports").json() if r["source"] == c["source"])
        if rid not in texts:
            texts[rid] = real_client.get(f"/api/v1/reports/{rid}", params={"include_text": True}).json()
        rep = texts[rid]
        assert rep["text"][c["start"]:c["end"]] == c["quote"], "a quote is the exact report text slice"
        assert c["report"] == rep["title"]
        paths = {s["path"] for s in rep["sections"]}
        assert c["section"] in paths, f"{c['section']!r} is not a section of {rep['source']}"


@pytest.mark.parametrize("payload", [{"question": "   "}, {"question": "x" * 20_000}, {"question": "?"}])
def test_real_odd_questions_never_5xx(real_client, payload):
    r = real_client.post("/api/v1/ask", json=payload)
    assert r.status_code < 500, r.text


def test_real_check_and_audit(real_client):
    d = real_client.post("/api/v1/check", json={"claim": "有人说海陵区2017年收到政府信息公开申请超过一百件,对吗?"}).json()
    assert d["verdict"] in ("supported", "refuted", "conflicting")
    assert d["claim_review"]["claimReviewed"] == d["claim"]
    assert d["citations"]
    for c in d["citations"]:
        rep = real_client.get(f"/api/v1/reports/{c['report_id']}", params={"include_text": True}).json()
        assert rep["text"][c["start"]:c["end"]] == c["quote"]
    rows = real_client.get("/api/v1/reports").json()
    findings = real_client.get("/api/v1/audit").json()
    assert findings and {f["report_id"] for f in findings} <= {r["id"] for r in rows}
    for r in rows:
        mine = real_client.get(f"/api/v1/reports/{r['id']}/audit").json()
        assert mine == [f for f in findings if f["report_id"] == r["id"]]


def test_real_upload_then_ask(tmp_path):
    """A report uploaded to a running server is answerable at once, and re-uploading is a no-op."""
    report = ("青山县2019年政府信息公开工作年度报告\n\n一、总体情况\n青山县政务公开工作稳步推进。\n\n"
              "二、收到和处理政府信息公开申请情况\n2019年共收到政府信息公开申请78件。\n")
    with TestClient(make_app(load_settings(data_dir=tmp_path / "data"))) as client:
        assert client.get("/api/v1/health").json()["reports"] == 0
        r = client.post("/api/v1/reports", files={"file": ("青山县2019.txt", report.encode("utf-8"))})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "added" and r.json()["title"] == "青山县2019年政府信息公开工作年度报告"
        again = client.post("/api/v1/reports", files={"file": ("青山县2019.txt", report.encode("utf-8"))})
        assert again.json()["status"] == "unchanged"
        bad = client.post("/api/v1/reports", files={"file": ("broken.pdf", b"%PDF-1.4 not a pdf")})
        assert bad.status_code == 422 and bad.json()["detail"].startswith("broken.pdf: ")

        d = client.post("/api/v1/ask", json={"question": "青山县2019年共收到多少件政府信息公开申请?"}).json()
        assert d["citations"] and any("78" in c["quote"] for c in d["citations"]), d
        assert [r["source"] for r in client.get("/api/v1/reports").json()] == ["青山县2019.txt"]
