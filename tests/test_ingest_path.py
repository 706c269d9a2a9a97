"""One ingest path for the CLI, the API upload and the chat upload (``index.pipeline``).

Proved here with the real Indexer and the real faces, over in-memory vector and embedding stand-ins
(no model is loaded, so the module runs in seconds):

* a file is read from disk once, hashed once and parsed once per ingest, on every face;
* an upload is parsed once: the parse that validates it is the Report that is stored;
* the CLI, the API and the chat take and refuse exactly the same extensions, from ``SUPPORTED``;
* the size limit is checked once per file, by ``check_size``, with the same message on each face.
  (The server's request guard also applies ``check_size`` to a Content-Length, so a huge body is
  refused before it is spooled; its count is left out here: tests/test_access.py covers it.)
"""
from __future__ import annotations

import hashlib
import io
import pathlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import index.pipeline as pipeline
import ui.server  # noqa: F401  (imported first: its request guard keeps the unpatched check_size, see below)
from index.pipeline import SUPPORTED, Indexer
from index.settings import load_settings

REPORT = ("青山县2019年政府信息公开工作年度报告\n\n一、总体情况\n2019年,青山县全面推进政务公开工作。\n\n"
          "二、收到和处理政府信息公开申请情况\n2019年共收到政府信息公开申请78件,全部按时答复。\n")


# -- stand-ins for the model and the vector store -------------------------------------------------

class _Embedder:
    dim, name, space = 4, "test-embedder", "test-space"

    def embed_passages(self, texts):  # noqa: ANN001, ANN201
        return [[1.0, 0.0, 0.0, 0.0] for _ in texts]


class _Sparse:
    def encode_document(self, text):  # noqa: ANN001, ANN201
        return ([0], [1.0])


class _Vectors:
    def __init__(self) -> None:
        self.points: dict[int, object] = {}

    def ensure(self, dim: int) -> None:
        pass

    def exists(self) -> bool:
        return True

    def upsert(self, points) -> None:  # noqa: ANN001
        self.points.update({p.id: p for p in points})

    def delete_report(self, rid: int) -> None:
        self.points = {k: p for k, p in self.points.items() if p.payload.get("report_id") != rid}

    def close(self) -> None:
        pass


def _indexer(settings) -> Indexer:  # noqa: ANN001
    ix = Indexer(settings, vectors=_Vectors(), embedder=_Embedder())
    ix._sparse = _Sparse()
    return ix


@pytest.fixture
def settings(tmp_path):  # noqa: ANN001, ANN201
    return load_settings(data_dir=tmp_path / "data", max_upload_mb=1)


@pytest.fixture
def counts(monkeypatch):  # noqa: ANN001, ANN201
    """Counts, per content, the disk reads, hashes, size checks, reader calls and parses of the ingest path."""
    seen = {"open": [], "sha256": [], "check_size": 0, "read_bytes": 0, "build_report": 0}
    real_open, real_sha = pathlib.Path.open, hashlib.sha256
    real_check, real_read, real_build = pipeline.check_size, pipeline.read_bytes, pipeline.build_report

    def open_(self, mode="r", *a, **kw):  # noqa: ANN001, ANN202
        if "r" in mode:
            seen["open"].append(Path(self).name)
        return real_open(self, mode, *a, **kw)

    def sha(data=b"", *a, **kw):  # noqa: ANN001, ANN202
        seen["sha256"].append(bytes(data))
        return real_sha(data, *a, **kw)

    def bump(key, real):  # noqa: ANN001, ANN202
        def call(*a, **kw):  # noqa: ANN202
            seen[key] += 1
            return real(*a, **kw)
        return call

    monkeypatch.setattr(pathlib.Path, "open", open_)
    monkeypatch.setattr(hashlib, "sha256", sha)
    monkeypatch.setattr(pipeline, "check_size", bump("check_size", real_check))
    monkeypatch.setattr(pipeline, "read_bytes", bump("read_bytes", real_read))
    monkeypatch.setattr(pipeline, "build_report", bump("build_report", real_build))
    return seen


def _reads(counts: dict, *names: str) -> list[str]:
    return [n for n in counts["open"] if n in names]


def _assistant(fake_assistant, settings):  # noqa: ANN001, ANN202
    """The conftest stand-in for the Assistant, with the real Indexer behind it."""
    fake_assistant.indexer = _indexer(settings)
    return fake_assistant


def _cli(args: list[str], settings, monkeypatch):  # noqa: ANN001, ANN202
    from ui.cli import cli

    monkeypatch.setattr(pipeline, "Indexer", lambda s: _indexer(s))
    return CliRunner().invoke(cli, [*args, "--data-dir", str(settings.data_dir)], catch_exceptions=False,
                              env={"REPORTQA_MAX_UPLOAD_MB": str(settings.max_upload_mb)})


def _api(fake_assistant, settings, name: str, data: bytes):  # noqa: ANN001, ANN202
    from ui.server import make_app

    with TestClient(make_app(settings, assistant=_assistant(fake_assistant, settings))) as client:
        return client.post("/api/v1/reports", files={"file": (name, data)})


def _chat(fake_assistant, settings, path: Path) -> dict:  # noqa: ANN001
    from ui.uploads import ingest_paths

    (out,) = ingest_paths(_assistant(fake_assistant, settings).indexer, settings, [path])
    return out.to_dict()


# -- one read, one hash, one parse ------------------------------------------------------------------

def test_cli_ingest_reads_hashes_and_parses_each_file_once(tmp_path, settings, counts, monkeypatch):
    src = tmp_path / "in"
    src.mkdir()
    files = {"a.txt": REPORT.encode(), "b.md": REPORT.replace("青山县", "白水区").encode("utf-8")}
    for name, data in files.items():
        (src / name).write_bytes(data)
    r = _cli(["ingest", str(src)], settings, monkeypatch)
    assert r.exit_code == 0, r.output
    assert sorted(_reads(counts, *files)) == ["a.txt", "b.md"], "each file is read from disk once"
    assert sorted(d for d in counts["sha256"] if d in files.values()) == sorted(files.values()), "hashed once"
    assert counts["check_size"] == counts["read_bytes"] == counts["build_report"] == 2

    for k in ("open", "sha256"):
        counts[k].clear()
    counts["read_bytes"] = 0
    r = _cli(["ingest", str(src)], settings, monkeypatch)
    assert r.stdout.splitlines()[-1] == "0 added, 0 replaced, 2 unchanged, 0 failed"
    assert sorted(_reads(counts, *files)) == ["a.txt", "b.md"] and counts["read_bytes"] == 0, "unchanged: read, not parsed"
    assert len([d for d in counts["sha256"] if d in files.values()]) == 2


def test_api_upload_is_parsed_once_and_that_report_is_stored(fake_assistant, settings, counts):
    r = _api(fake_assistant, settings, "a.txt", REPORT.encode())
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "added" and r.json()["title"] == "青山县2019年政府信息公开工作年度报告"
    assert counts["read_bytes"] == counts["build_report"] == counts["check_size"] == 1
    assert [d for d in counts["sha256"] if d == REPORT.encode()] == [REPORT.encode()]
    assert "a.txt" not in counts["open"], "the stored copy is written, never read back"
    stored = fake_assistant.indexer.sql.find_by_source("a.txt")
    assert stored is not None and stored.content_hash == hashlib.new("sha256", REPORT.encode()).hexdigest()

    from ui.uploads import ingest_upload

    again = ingest_upload(fake_assistant.indexer, settings, "a.txt", REPORT.encode())
    assert again.status == "unchanged" and counts["read_bytes"] == 1, "the same bytes again: hashed, not parsed"


def test_chat_upload_reads_the_temp_file_once_and_parses_once(tmp_path, fake_assistant, settings, counts):
    tmp = tmp_path / "gradio" / "a.txt"
    tmp.parent.mkdir()
    tmp.write_bytes(REPORT.encode())
    out = _chat(fake_assistant, settings, tmp)
    assert out["status"] == "added", out
    assert _reads(counts, "a.txt") == ["a.txt"], "the temp file is read once; the stored copy is not read back"
    assert counts["read_bytes"] == counts["build_report"] == counts["check_size"] == 1
    assert len([d for d in counts["sha256"] if d == REPORT.encode()]) == 1


# -- one list of formats -----------------------------------------------------------------------------

def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in REPORT.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf() -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(REPORT.splitlines()):
        c.drawString(72, 800 - 22 * i, line)
    c.save()
    return buf.getvalue()


def _content(suffix: str) -> bytes:
    if suffix == ".docx":
        return _docx()
    if suffix == ".pdf":
        return _pdf()
    if suffix in (".html", ".htm"):
        return f"<html><body><pre>{REPORT}</pre></body></html>".encode()
    return REPORT.encode()


OTHERS = ["", ".doc", ".xyz", ".text", ".markdown", ".csv", ".exe"]


@pytest.mark.parametrize("suffix", [*SUPPORTED, ".TXT", *OTHERS])
def test_cli_api_and_chat_take_and_refuse_the_same_extensions(tmp_path, fake_assistant, settings, monkeypatch,
                                                              suffix):
    name = f"report{suffix}"
    data = _content(suffix.lower())
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(data)
    taken = suffix.lower() in SUPPORTED

    cli = _cli(["ingest", str(path)], settings, monkeypatch)
    api = _api(fake_assistant, load_settings(data_dir=tmp_path / "api_data"), name, data)
    chat = _chat(fake_assistant, load_settings(data_dir=tmp_path / "chat_data"), path)  # (the chat's list: test_chat)
    if taken:
        assert cli.exit_code == 0 and cli.stdout.startswith("added"), cli.output
        assert api.status_code == 200 and api.json()["status"] == "added", api.text
        assert chat["status"] == "added", chat
        return
    reason = f"unsupported file type {suffix or '(no extension)'} (supported: {', '.join(SUPPORTED)})"
    assert cli.exit_code == 1 and f"{path}: {reason}" in cli.stderr
    assert api.status_code == 415 and api.json()["detail"] == f"{name}: {reason}"
    assert chat["status"] == "failed" and chat["message"] == f"{name}: {reason}"


def test_a_folder_walk_takes_exactly_the_supported_formats(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for suffix in [*SUPPORTED, *OTHERS]:
        (folder / "sub" / f"r{suffix}").write_bytes(b"x")
    (folder / ".hidden.txt").write_bytes(b"x")
    found = pipeline.expand_paths([folder, folder / "sub" / "r.txt"])
    assert sorted(p.suffix for p in found) == sorted(SUPPORTED), "each file once, hidden ones skipped"


# -- one size check, one message ---------------------------------------------------------------------

def test_size_limit_is_checked_once_with_the_same_message_on_each_face(tmp_path, fake_assistant, settings,
                                                                        counts, monkeypatch):
    data = (REPORT.encode() * 20_000)[: 2**20 + 10_240]  # 1.01 MB: over the limit, under the API's slack
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    reason = "file too large (1.01 MB > 1 MB limit; raise max_upload_mb to allow it)"

    cli = _cli(["ingest", str(path)], settings, monkeypatch)
    assert cli.exit_code == 1 and f"{path}: {reason}" in cli.stderr
    assert counts["check_size"] == 1

    api = _api(fake_assistant, settings, "big.txt", data)
    assert api.status_code == 413 and api.json()["detail"] == f"big.txt: {reason}"
    assert counts["check_size"] == 2

    chat = _chat(fake_assistant, settings, path)
    assert chat["message"] == f"big.txt: {reason}" and chat["http_status"] == 413
    assert counts["check_size"] == 3
    assert counts["read_bytes"] == 0 and not [d for d in counts["sha256"] if d == data], "refused before hashing"


def test_a_file_known_to_be_too_large_is_not_read(tmp_path, settings):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 100 MB on paper
        fh.truncate(100 * 2**20)
    data, size = pipeline.read_capped(big, settings.max_upload_mb)
    assert (data, size) == (b"", 100 * 2**20)
    with pytest.raises(pipeline.FileTooLarge, match=r"^file too large \(100 MB > 1 MB limit"):
        pipeline.open_file(big, settings.max_upload_mb)
