"""Writes behind the optional API key, hostile file names and sizes, content-typed uploads, delete.

The fast tests run the real app (routes, middleware, upload checks) over the fake assistant, whose
indexer records what reaches ``ingest``; the slow ones delete a real sample report.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from index.settings import load_settings
from ui.server import make_app
from ui.uploads import UploadRefused, check_content, ingest_upload, safe_filename, upload_path

REPORT = ("青山县2019年政府信息公开工作年度报告\n\n一、总体情况\n青山县政务公开工作稳步推进。\n\n"
          "二、收到和处理政府信息公开申请情况\n2019年共收到政府信息公开申请78件。\n")
KEY = "k3y-Secret-7f1d"


def _client(tmp_path: Path, fake_assistant, **overrides) -> TestClient:
    app = make_app(load_settings(data_dir=tmp_path / "data", **overrides), assistant=fake_assistant)
    return TestClient(app)


def _stored(root: Path) -> list[str]:
    uploads = root / "data" / "uploads"
    return sorted(p.name for p in uploads.iterdir()) if uploads.is_dir() else []


def _files_outside_uploads(root: Path) -> list[Path]:
    """Every file under ``root`` that is not in data/uploads (what a traversal would leave behind)."""
    uploads = root / "data" / "uploads"
    return [p for p in root.rglob("*") if p.is_file() and uploads not in p.parents]


# -- the API key ------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/reports", {"files": {"file": ("a.txt", REPORT.encode())}}),
    ("delete", "/api/v1/reports/1", {}),
    ("post", "/api/v1/reindex", {}),
]
READS = [
    ("get", "/api/v1/health", {}),
    ("get", "/api/v1/reports", {}),
    ("get", "/api/v1/reports/1", {}),
    ("get", "/api/v1/audit", {}),
    ("get", "/api/v1/reports/1/audit", {}),
    ("post", "/api/v1/ask", {"json": {"question": "海陵区2017年收到多少件申请?"}}),
    ("post", "/api/v1/check", {"json": {"claim": "海陵区2017年收到申请超过一百件"}}),
]


@pytest.mark.parametrize("method, url, kw", WRITES)
@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"X-API-Key": "wrong"}, 401),
    ({"X-API-Key": ""}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"X-API-Key": KEY}, 200),
    ({"Authorization": f"Bearer {KEY}"}, 200),
])
def test_writes_need_the_key_when_one_is_set(tmp_path, fake_assistant, method, url, kw, headers, status):
    with _client(tmp_path, fake_assistant, api_key=KEY) as client:
        r = getattr(client, method)(url, headers=headers, **kw)
    assert r.status_code == status, r.text
    if status == 401:
        assert KEY not in r.text and "API key" in r.json()["detail"]
        assert not fake_assistant.indexer.ingested and not fake_assistant.indexer.deleted
        assert not (tmp_path / "data" / "uploads" / "a.txt").exists(), "a refused upload is never written"


@pytest.mark.parametrize("method, url, kw", READS)
def test_reads_stay_open_with_a_key_set(tmp_path, fake_assistant, method, url, kw):
    with _client(tmp_path, fake_assistant, api_key=KEY) as client:
        assert getattr(client, method)(url, **kw).status_code == 200


@pytest.mark.parametrize("method, url, kw", WRITES)
def test_no_key_configured_means_writes_are_open(tmp_path, fake_assistant, method, url, kw, monkeypatch):
    monkeypatch.delenv("REPORTQA_API_KEY", raising=False)
    with _client(tmp_path, fake_assistant) as client:
        assert getattr(client, method)(url, **kw).status_code == 200


def test_key_from_the_environment(tmp_path, fake_assistant, monkeypatch):
    monkeypatch.setenv("REPORTQA_API_KEY", KEY)
    with _client(tmp_path, fake_assistant) as client:
        assert client.post("/api/v1/reindex").status_code == 401
        assert client.post("/api/v1/reindex", headers={"X-API-Key": KEY}).status_code == 200


def test_the_key_never_reaches_the_logs(tmp_path, fake_assistant, caplog, monkeypatch):
    """uvicorn's access log and reportqa's own loggers, at DEBUG, with a right and a wrong key."""
    import uvicorn

    app = make_app(load_settings(data_dir=tmp_path / "data", api_key=KEY), assistant=fake_assistant)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # log_config=None: uvicorn leaves logging alone, so the handlers below are what it logs to.
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, log_level="debug",
                                        access_log=True))
    thread = threading.Thread(target=srv.run, daemon=True)
    caplog.set_level(logging.DEBUG)
    # An earlier uvicorn in this process may have set its loggers not to propagate: listen on them directly.
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "reportqa"):
        lg = logging.getLogger(name)
        monkeypatch.setattr(lg, "propagate", False)
        monkeypatch.setattr(lg, "level", logging.DEBUG)
        monkeypatch.setattr(lg, "disabled", False)
        lg.addHandler(caplog.handler)
    try:
        thread.start()
        _serve_and_request(thread, srv, port)
    finally:
        for name in ("uvicorn", "uvicorn.access", "uvicorn.error", "reportqa"):
            logging.getLogger(name).removeHandler(caplog.handler)
    access = [r for r in caplog.records if r.name == "uvicorn.access"]
    assert len(access) >= 3, "the access log was captured (else this test proves nothing)"
    assert KEY not in caplog.text


def _serve_and_request(thread: threading.Thread, srv, port: int) -> None:  # noqa: ANN001
    import httpx

    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/api/v1/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        ok = httpx.post(f"{url}/api/v1/reports", headers={"X-API-Key": KEY},
                        files={"file": ("a.txt", REPORT.encode())}, timeout=30)
        bad = httpx.post(f"{url}/api/v1/reindex", headers={"Authorization": f"Bearer {KEY}x"}, timeout=30)
        deleted = httpx.delete(f"{url}/api/v1/reports/1", headers={"X-API-Key": KEY}, timeout=30)
    finally:
        srv.should_exit = True
        thread.join(timeout=30)
    assert (ok.status_code, bad.status_code, deleted.status_code) == (200, 401, 200)


# -- CORS is off ------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["testserver", "reports.example.org", "127.0.0.1:7860"])
def test_no_cors_on_the_api(tmp_path, fake_assistant, host):
    """Not on answers, and no preflight approval (Gradio's mount at "/" would give one for a public host)."""
    origin = {"Origin": "https://evil.example", "Host": host}
    with _client(tmp_path, fake_assistant) as client:
        r = client.get("/api/v1/reports", headers=origin)
        pre = client.options("/api/v1/reports/1", headers={**origin, "Access-Control-Request-Method": "DELETE"})
        post = client.post("/api/v1/ask", json={"question": "海陵区2017年收到多少件申请?"}, headers=origin)
    for resp in (r, pre, post):
        assert not any(h.startswith("access-control-") for h in resp.headers), resp.headers
    assert pre.status_code == 405


# -- file names -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, safe", [
    ("report.txt", "report.txt"),
    ("海陵区2017年报告.txt", "海陵区2017年报告.txt"),
    ("/etc/cron.d/x.txt", "x.txt"),
    ("C:\\Users\\me\\报告.pdf", "报告.pdf"),
    ("dir/sub/a b.md", "a_b.md"),
    (".hidden.txt", "hidden.txt"),
    ("a..b.txt", "a.b.txt"),
    ("x" * 300 + ".txt", "x" * 196 + ".txt"),
    ("<script>.html", "script_.html"),
])
def test_safe_filename_keeps_the_base_name(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize("raw", ["../../etc/passwd.txt", "..\\..\\x.txt", "a/../b.txt", "..", "a\x00.txt",
                                 "a\nb.txt", "", "///", "...", " .. /x.txt"])
def test_safe_filename_refuses_hostile_names(raw):
    with pytest.raises(UploadRefused) as err:
        safe_filename(raw)
    assert err.value.status == 400


def test_upload_path_stays_inside_the_uploads_folder(tmp_path):
    settings = load_settings(data_dir=tmp_path / "data")
    assert upload_path(settings, "a.txt").parent == (tmp_path / "data" / "uploads").resolve()
    for bad in ("../a.txt", "/etc/a.txt", "sub/a.txt"):
        with pytest.raises(UploadRefused):
            upload_path(settings, bad)


@pytest.mark.parametrize("name, status, stored", [
    ("../../escape.txt", 400, None),
    ("..\\..\\escape.txt", 400, None),
    ("/tmp/elsewhere/abs.txt", 200, "abs.txt"),
    ("sub/dir/nested.txt", 200, "nested.txt"),
])
def test_upload_names_cannot_escape(tmp_path, fake_assistant, name, status, stored):
    with _client(tmp_path, fake_assistant) as client:
        r = client.post("/api/v1/reports", files={"file": (name, REPORT.encode())})
    assert r.status_code == status, r.text
    assert not _files_outside_uploads(tmp_path)
    uploads = tmp_path / "data" / "uploads"
    assert _stored(tmp_path) == ([stored] if stored else [])
    assert not (tmp_path / "escape.txt").exists() and not Path("/tmp/elsewhere/abs.txt").exists()
    if stored:
        assert r.json()["path"] == stored and fake_assistant.indexer.ingested == [uploads / stored]


def test_upload_name_with_a_raw_nul_byte_is_refused(tmp_path, fake_assistant):
    # httpx percent-encodes control characters in names, so write the multipart body by hand.
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\n" + REPORT.encode() + b"\r\n--B--\r\n")
    with _client(tmp_path, fake_assistant) as client:
        r = client.post("/api/v1/reports", content=body, headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert r.status_code == 400, r.text
    assert not fake_assistant.indexer.ingested


# -- size -------------------------------------------------------------------------------------

def test_oversize_upload_is_413_before_ingestion(tmp_path, fake_assistant):
    big = (REPORT * 10_000).encode()[: 1024 * 1024 + 100_000]
    with _client(tmp_path, fake_assistant, max_upload_mb=1) as client:
        r = client.post("/api/v1/reports", files={"file": ("big.txt", big)})
        fits = client.post("/api/v1/reports", files={"file": ("fits.txt", (REPORT * 2000).encode()[:1000_000])})
    assert r.status_code == 413 and "1 MB" in r.json()["detail"]
    assert fits.status_code == 200, fits.text
    assert [p.name for p in fake_assistant.indexer.ingested] == ["fits.txt"]


def test_oversize_without_content_length_is_413(tmp_path, fake_assistant):
    """A chunked body (no Content-Length) passes the middleware; the handler's own bounded read refuses it."""
    big = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n" + \
        (REPORT * 10_000).encode()[: 1024 * 1024 + 10] + b"\r\n--B--\r\n"

    def chunks():
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]
    with _client(tmp_path, fake_assistant, max_upload_mb=1) as client:
        r = client.post("/api/v1/reports", content=chunks(),
                        headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert r.status_code == 413, r.text
    assert not fake_assistant.indexer.ingested


def test_ingest_upload_checks_size_itself(tmp_path, fake_assistant):
    settings = load_settings(data_dir=tmp_path / "data", max_upload_mb=1)
    out = ingest_upload(fake_assistant.indexer, settings, "big.txt", b"x" * (1024 * 1024 + 1))
    assert (out.status, out.http_status) == ("failed", 413)


# -- type by content --------------------------------------------------------------------------

def _zip(names: list[str]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "x")
    return buf.getvalue()


@pytest.mark.parametrize("name, data, status", [
    ("random.txt", bytes(range(256)) * 64, 415),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16, 415),
    ("archive.txt", _zip(["a.bin"]), 415),
    ("legacy.md", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, 415),
    ("elf.html", b"\x7fELF\x02\x01\x01" + b"\x00" * 50 + bytes(range(256)) * 8, 415),
    ("fake.pdf", b"just some text pretending", 415),
    ("fake.docx", REPORT.encode(), 415),
    ("notword.docx", _zip(["a.bin"]), 415),  # a zip, but not a Word document
    ("program.exe", b"MZ\x90\x00", 415),
    ("noext", REPORT.encode(), 415),
    ("blank.txt", b"  \n\t\n", 422),
])
def test_upload_type_is_told_by_content(tmp_path, fake_assistant, name, data, status):
    with _client(tmp_path, fake_assistant) as client:
        r = client.post("/api/v1/reports", files={"file": (name, data)})
    assert r.status_code == status, r.text
    assert r.json()["detail"].startswith(name), "the reason names the file"
    if status == 415:
        assert not fake_assistant.indexer.ingested, "refused before it reaches the indexer"
    assert _stored(tmp_path) == [], "nothing refused stays on disk"


def _docx(text: str) -> bytes:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for para in text.split("\n"):
        d.add_paragraph(para)
    buf = BytesIO()
    d.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name, data", [
    ("report.docx", _docx(REPORT)),
    ("utf8.txt", REPORT.encode("utf-8")),
    ("gbk.txt", REPORT.encode("gbk")),
    ("utf16.txt", REPORT.encode("utf-16")),
    ("page.html", f"<html><body><h1>报告</h1><p>{REPORT}</p></body></html>".encode()),
    ("notes.md", ("# " + REPORT).encode()),
])
def test_real_text_in_any_encoding_is_accepted(name, data):
    check_content(name, data, 10 * 2**20)  # does not raise


# -- delete and reindex -----------------------------------------------------------------------

def test_delete_unknown_report_is_404(tmp_path, fake_assistant):
    with _client(tmp_path, fake_assistant) as client:
        assert client.delete("/api/v1/reports/999").status_code == 404
        assert client.delete("/api/v1/reports/abc").status_code == 422
    assert not fake_assistant.indexer.deleted


def test_delete_drops_the_stored_upload_so_reindex_does_not_revive_it(tmp_path, fake_assistant):
    with _client(tmp_path, fake_assistant) as client:
        assert client.post("/api/v1/reports", files={"file": ("hailing_2017.txt", REPORT.encode())}).status_code == 200
        assert client.post("/api/v1/reports", files={"file": ("other.txt", REPORT.encode())}).status_code == 200
        r = client.delete("/api/v1/reports/1")
        assert r.status_code == 200 and r.json()["deleted"] == 1 and r.json()["source"] == "hailing_2017.txt"
        assert fake_assistant.indexer.deleted == [1]
        assert client.get("/api/v1/reports").json() == []
        assert client.get("/api/v1/reports/1").status_code == 404
        fake_assistant.indexer.ingested.clear()
        again = client.post("/api/v1/reindex")
    assert again.status_code == 200
    body = again.json()
    assert [x["name"] for x in body["results"]] == ["other.txt"]
    assert body["counts"] == {"added": 0, "replaced": 0, "unchanged": 1, "failed": 0}
    assert [p.name for p in fake_assistant.indexer.ingested] == ["other.txt"]


def test_failed_upload_is_not_kept_for_reindex(tmp_path, fake_assistant):
    with _client(tmp_path, fake_assistant) as client:
        r = client.post("/api/v1/reports", files={"file": ("bad.txt", b"FAIL " + REPORT.encode())})
        assert r.status_code == 422 and r.json()["detail"] == "bad.txt: no text found"
        assert client.post("/api/v1/reindex").json()["results"] == []


def test_delete_removes_a_real_report_from_listing_and_retrieval(sample_data_copy):
    from index.vectors import SearchFilters

    data = sample_data_copy()
    question = "让胡路区2013年政府信息公开工作存在哪些主要问题?"
    with TestClient(make_app(load_settings(data_dir=data))) as client:
        rows = client.get("/api/v1/reports").json()
        target = next(r for r in rows if "让胡路" in (r["title"] or ""))
        rid = target["id"]
        before = client.post("/api/v1/ask", json={"question": question}).json()
        assert any(c["report_id"] == rid for c in before["citations"]), before
        retriever = client.app.state.assistant.retriever
        assert any(p.report_id == rid for p in retriever.search(question, SearchFilters(), k=20))

        r = client.delete(f"/api/v1/reports/{rid}")
        assert r.status_code == 200, r.text
        assert rid not in [x["id"] for x in client.get("/api/v1/reports").json()]
        assert len(client.get("/api/v1/reports").json()) == len(rows) - 1
        assert client.get(f"/api/v1/reports/{rid}").status_code == 404
        assert client.get(f"/api/v1/reports/{rid}/audit").status_code == 404
        assert all(f["report_id"] != rid for f in client.get("/api/v1/audit").json())
        assert not any(p.report_id == rid for p in retriever.search(question, SearchFilters(), k=50))
        after = client.post("/api/v1/ask", json={"question": question}).json()
        assert not any(c["report_id"] == rid for c in after["citations"]), after
        assert client.delete(f"/api/v1/reports/{rid}").status_code == 404
        assert client.get("/api/v1/health").json()["reports"] == len(rows) - 1
