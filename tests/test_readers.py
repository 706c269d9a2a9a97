"""Readers: formats, encodings, the file's own metadata (``Document.fields``) and the reasons given
for files that cannot be read.

Every fixture here is generated in tmp_path; whole reports as real writers lay them out (LibreOffice,
Chromium) are in tests/test_pdf_layouts.py.
"""
import io
import os
import random
from pathlib import Path

import pytest

from index.models import IngestError
from index.readers import FORMATS, SUPPORTED, decode_bytes, html_table_rows, pipe_row, read_bytes, read_file
from index.sections import parse_sections

REPORT = (
    "某某区2019年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "本年度共主动公开政府信息2047条,其中网站发布1880条。\n"
    "二、主动公开政府信息情况\n"
    "规章\n\n0\n\n规范性文件\n\n2\n"
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# --- encodings ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("utf-16", "utf-16"),  # with BOM (Python writes the native-order BOM)
        ("gbk", "gb18030"),  # GBK is decoded with its superset
        ("gb2312", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_encodings_round_trip(tmp_path: Path, encoding: str, expected: str) -> None:
    doc = read_file(_write(tmp_path, "r.txt", REPORT.encode(encoding)))
    assert doc.text == REPORT.strip("\n")
    assert doc.encoding == expected
    assert doc.format == "txt"


@pytest.mark.parametrize("bom,codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_bom_both_orders(tmp_path: Path, bom: bytes, codec: str) -> None:
    doc = read_file(_write(tmp_path, "r.txt", bom + REPORT.encode(codec)))
    assert doc.text.startswith("某某区2019年")


def test_gb18030_only_characters_survive(tmp_path: Path) -> None:
    text = "䶮和𠀀是GB18030才有的字。" + REPORT  # not encodable in GBK
    doc = read_file(_write(tmp_path, "r.txt", text.encode("gb18030")))
    assert "䶮和𠀀" in doc.text


def test_crlf_and_nbsp_are_normalized(tmp_path: Path) -> None:
    raw = "标题报告\r\n\u00a0\u00a0一、总体情况\u3000\r\n正文。"
    doc = read_file(_write(tmp_path, "r.txt", raw))
    assert doc.text == "标题报告\n  一、总体情况\n正文。"


# --- failures -----------------------------------------------------------------------------

def _scanned_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(72, 600, 300, 150, fill=1)  # shapes only: no text layer
    c.circle(200, 400, 50)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text_pdf(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    y = 800
    for line in lines[:3]:
        c.drawString(72, y, line)
        y -= 22
    if table:
        widths, h = [200, 100, 100], 22
        for r, row in enumerate(table):
            x = 72
            for ci, cell in enumerate(row):
                c.rect(x, y - h, widths[ci], h)
                if cell:
                    c.drawString(x + 4, y - h + 7, cell)
                x += widths[ci]
            y -= h
        y -= 20
    for line in lines[3:]:
        c.drawString(72, y, line)
        y -= 22
    c.showPage()
    c.save()
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_text_pdf(["Annual report 2019"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _rand(n: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    return bytes(rnd.randrange(256) for _ in range(n))


FAILURES = [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\t\r\n   \n", "empty file"),
    ("nbsp.txt", "\u00a0\u3000\n".encode(), "empty file"),
    ("junk.txt", _rand(4000), "not a text file (binary content)"),
    ("ctrl.txt", bytes(range(1, 32)) * 100, "not a text file (binary content)"),
    ("zip.txt", b"PK\x03\x04" + _rand(500), "not a text file (binary content)"),
    ("report.xyz", b"hello", "unsupported file type .xyz (supported: .txt, .md, .html, .htm, .docx, .pdf)"),
    ("report.doc", b"\xd0\xcf\x11\xe0" + _rand(100), "unsupported file type .doc"),
    ("fake.pdf", b"just text, not a pdf", "not a PDF file (no %PDF header)"),
    ("fake.docx", b"just text, not a zip", "not a DOCX file (not a Word zip archive)"),
    ("scan.pdf", _scanned_pdf(), "no text layer; OCR is not supported"),
    ("locked.pdf", _encrypted_pdf(), "password-protected PDF"),
    ("cut.pdf", _text_pdf(["某某区2019年政府信息公开工作年度报告"])[:600], "corrupt or truncated PDF: "),
]


@pytest.mark.parametrize(("name", "data", "reason"), FAILURES, ids=[f[0] for f in FAILURES])
def test_unreadable_files_say_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as err:
        read_file(_write(tmp_path, name, data))
    assert str(err.value).startswith(reason)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file not found"):
        read_file(tmp_path / "nope.txt")


def test_decode_bytes_rejects_nul_bytes() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"\x00\x01\x02abc\x00" * 50)


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    doc = read_file(_write(tmp_path, "misnamed.txt", _text_pdf(["Annual report 2019", "Total 42"])))
    assert doc.format == "pdf" and "Total 42" in doc.text and doc.warnings


# --- markdown -----------------------------------------------------------------------------

def test_markdown_keeps_pipe_tables(tmp_path: Path) -> None:
    md = "# 某区年度报告\n\n## 一、总体情况\n\n正文。\n\n| 信息内容 | 数量 |\n|---|---|\n| 规章 | 3 |\n"
    doc = read_file(_write(tmp_path, "r.md", md))
    assert doc.format == "md"
    assert "| 规章 | 3 |" in doc.text
    assert [s.heading for s in parse_sections(doc.text)][1:] == ["一、总体情况"]


# --- HTML ---------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>某区2019年政府信息公开工作年度报告</title>
<style>.x {{ color: red }}</style><script>var x = "一、脚本不该出现";</script></head>
<body>
<header><a href="/">首页</a></header>
<nav><ul><li>首页</li><li>政府信息公开指南</li><li>政府信息公开目录</li></ul></nav>
<div class="article">
<h1>某区2019年政府信息公开工作年度报告</h1>
<p>发布日期:2020-01-13 点击数:25</p>
<p>一、总体情况</p>
<p>本年度共主动公开政府信息<b>2047</b>条。<br>其中网站发布1880条。</p>
<p>二、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td rowspan="2">本列数据</td><td colspan="2">申请人情况</td><td rowspan="2">总计</td></tr>
<tr><td>自然人</td><td>法人或其他组织</td></tr>
<tr><td>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>6</td></tr>
<tr><td colspan="3">合计 | 全部</td><td>6</td></tr>
</table>
<noscript>请启用脚本</noscript>
</div>
<footer>版权所有 某区人民政府</footer>
</body></html>"""


@pytest.mark.parametrize("charset,codec", [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb2312", "gb18030")])
def test_html(tmp_path: Path, charset: str, codec: str) -> None:
    doc = read_file(_write(tmp_path, "r.html", HTML.format(charset=charset).encode(codec)))
    t = doc.text
    assert doc.format == "html"
    assert "脚本" not in t and "color" not in t and "版权所有" not in t and "政府信息公开指南" not in t
    assert "本年度共主动公开政府信息2047条。\n其中网站发布1880条。" in t  # inline tags join, <br> breaks
    assert "发布日期:2020-01-13" in t and "点击数" not in t
    rows = [line for line in t.split("\n") if line.startswith("|")]
    assert rows == [
        "| 本列数据 | 申请人情况 | 申请人情况 | 总计 |",  # colspan repeated
        "| 本列数据 | 自然人 | 法人或其他组织 | 总计 |",  # rowspan repeated
        "| 一、本年新收政府信息公开申请数量 | 5 | 1 | 6 |",
        "| 合计 / 全部 | 合计 / 全部 | 合计 / 全部 | 6 |",  # a pipe inside a cell is escaped
    ]
    headings = [s.heading for s in parse_sections(t)]
    assert headings[1:] == ["一、总体情况", "二、收到和处理政府信息公开申请情况"]


def test_html_layout_table_is_not_a_data_table(tmp_path: Path) -> None:
    long_para = "本年度政府信息公开工作取得新成效。" * 30
    html = (f"<html><body><table><tr><td>菜单</td><td><table><tr><td>标题报告</td></tr></table>"
            f"<p>一、概述</p><p>{long_para}</p></td></tr></table></body></html>")
    doc = read_file(_write(tmp_path, "layout.htm", html))
    assert not any(line.startswith("|") for line in doc.text.split("\n"))
    assert "一、概述" in doc.text.split("\n")


def test_html_title_only_in_head_is_kept(tmp_path: Path) -> None:
    html = "<html><head><title>某县2018年政府信息公开工作年度报告</title></head><body><p>一、概述</p><p>正文。</p></body></html>"
    doc = read_file(_write(tmp_path, "r.html", html))
    assert doc.text.split("\n")[0] == "某县2018年政府信息公开工作年度报告"


# --- DOCX ---------------------------------------------------------------------------------

def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某镇2019年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度共主动公开政府信息12条。")
    d.add_paragraph("二、主动公开政府信息情况")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "信息内容"
    table.cell(0, 2).text = "数量"
    table.cell(1, 0).text = "规章"
    table.cell(1, 1).text = "本年新制作"
    table.cell(1, 2).text = "0"
    table.cell(2, 0).text = "规范性文件"
    table.cell(2, 1).text = "本年新制作"
    table.cell(2, 2).text = "2"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_in_body_order_with_pipe_tables(tmp_path: Path) -> None:
    doc = read_file(_write(tmp_path, "r.docx", _docx()))
    assert doc.format == "docx"
    lines = [line for line in doc.text.split("\n") if line]
    assert lines == [
        "某镇2019年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度共主动公开政府信息12条。",
        "二、主动公开政府信息情况",
        "| 信息内容 | 信息内容 | 数量 |",  # python-docx repeats the merged cell
        "| 规章 | 本年新制作 | 0 |",
        "| 规范性文件 | 本年新制作 | 2 |",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_corrupt_docx(tmp_path: Path) -> None:
    data = _docx()
    with pytest.raises(IngestError, match="DOCX"):
        read_file(_write(tmp_path, "r.docx", data[: len(data) // 2]))


# --- PDF ----------------------------------------------------------------------------------

def test_pdf_chinese_text_and_table_in_place(tmp_path: Path) -> None:
    """reportlab's built-in CID font STSong-Light gives a real Chinese text layer."""
    pdf = _text_pdf(
        ["某某区2019年政府信息公开工作年度报告", "一、总体情况", "本年共主动公开政府信息123条。",
         "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"],
        table=[["信息内容", "本年新制作数量", "对外公开总数量"], ["规章", "0", "5"], ["规范性文件", "2", "7"]],
    )
    doc = read_file(_write(tmp_path, "r.pdf", pdf))
    assert doc.format == "pdf"
    lines = doc.text.split("\n")
    assert lines[:3] == ["某某区2019年政府信息公开工作年度报告", "一、总体情况", "本年共主动公开政府信息123条。"]
    table_at = lines.index("| 信息内容 | 本年新制作数量 | 对外公开总数量 |")
    assert lines[table_at + 1: table_at + 3] == ["| 规章 | 0 | 5 |", "| 规范性文件 | 2 | 7 |"]
    assert lines.index("三、收到和处理政府信息公开申请情况") > table_at + 2  # table placed where it is
    # the table's words are not repeated as loose text
    assert sum("规范性文件" in line for line in lines) == 1


def test_pdf_merged_cell_is_repeated(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.drawString(72, 800, "Annual report 2019")
    # a 2x3 grid whose first column spans both rows
    c.rect(72, 700, 100, 40)
    for r in range(2):
        for col in range(2):
            c.rect(172 + col * 100, 700 + r * 20, 100, 20)
    c.drawString(76, 715, "Applicant")
    c.drawString(176, 725, "Person")
    c.drawString(276, 725, "5")
    c.drawString(176, 705, "Company")
    c.drawString(276, 705, "2")
    c.showPage()
    c.save()
    doc = read_file(_write(tmp_path, "m.pdf", buf.getvalue()))
    rows = [line for line in doc.text.split("\n") if line.startswith("|")]
    assert rows == ["| Applicant | Person | 5 |", "| Applicant | Company | 2 |"]


def test_pdf_owner_password_only_opens(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_text_pdf(["Annual report 2019"]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    doc = read_file(_write(tmp_path, "open.pdf", buf.getvalue()))
    assert "Annual report 2019" in doc.text


def test_read_bytes_matches_read_file(tmp_path: Path) -> None:
    p = _write(tmp_path, "r.txt", REPORT)
    assert read_bytes(p.read_bytes(), "upload.txt").text == read_file(p).text


def test_supported_list_is_the_documented_one() -> None:
    assert set(SUPPORTED) == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}


@pytest.mark.parametrize("name", sorted(os.listdir(Path(__file__).resolve().parent.parent / "examples" / "reports")))
def test_sample_reports_read(name: str) -> None:
    doc = read_file(Path(__file__).resolve().parent.parent / "examples" / "reports" / name)
    assert doc.encoding == "utf-8" and doc.text and "\u00a0" not in doc.text
    assert "点击数" not in doc.text and "打印本页" not in doc.text and "当前位置" not in doc.text


def test_pdf_pages_rejoin_wrapped_lines_and_drop_running_headers(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    wrapped = "本年度共受理政府信息公开申请五十四件,其中当面申请十二件,传真申请三件,网络申请"  # 37 chars
    for page in range(1, 4):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 800, "某区2019年政府信息公开工作年度报告")  # running header
        c.drawString(72, 770, f"{'一二三'[page - 1]}、第{page}部分情况")
        c.drawString(72, 748, wrapped)
        c.drawString(72, 726, f"三十一件。第{page}页正文。")
        c.drawString(280, 40, f"- {page} -")  # page number footer
        c.showPage()
    c.save()
    doc = read_file(_write(tmp_path, "multi.pdf", buf.getvalue()))
    lines = doc.text.split("\n")
    assert lines.count("某区2019年政府信息公开工作年度报告") == 1  # kept once, as the title
    assert lines.count(wrapped + "三十一件。第2页正文。") == 1  # the sentence is whole again
    assert not any(line.startswith("-") for line in lines)
    assert [s.heading for s in parse_sections(doc.text)][1:] == ["一、第1部分情况", "二、第2部分情况", "三、第3部分情况"]


# --- the registry and the file's own metadata ---------------------------------------------

def test_registry_serves_every_supported_extension_once() -> None:
    exts = [e for f in FORMATS for e in f.extensions]
    assert tuple(exts) == SUPPORTED and len(set(exts)) == len(exts)
    assert {f.name for f in FORMATS} == {"txt", "md", "html", "docx", "pdf"}
    assert pipe_row(["a ", " b"]) == "| a | b |"
    from bs4 import BeautifulSoup

    table = BeautifulSoup("<table><tr><td colspan=2>x</td></tr><tr><td>1</td><td>2</td></tr></table>", "lxml").table
    assert html_table_rows(table) == [["x", "x"], ["1", "2"]]


def test_html_fields_are_meta_pairs_and_title(tmp_path: Path) -> None:
    html = ('<html><head><meta charset="utf-8"><title> 某区2019年报告\n</title>'
            '<meta name="ArticleTitle" content="某区2019年政府信息公开工作年度报告">'
            '<meta name="PubDate" content="2020-01-13 09:30"><meta name="ContentSource" content="某区人民政府办公室">'
            '<meta name="SiteName" content="某区人民政府"><meta name="ColumnName" content="年度报告">'
            '<meta name="keywords" content=""><meta http-equiv="X-UA-Compatible" content="IE=edge">'
            '<meta name="PubDate" content="1999-01-01"></head><body><p>一、概述</p><p>正文。</p></body></html>')
    doc = read_file(_write(tmp_path, "r.html", html))
    assert doc.fields == {"ArticleTitle": "某区2019年政府信息公开工作年度报告", "PubDate": "2020-01-13 09:30",
                          "ContentSource": "某区人民政府办公室", "SiteName": "某区人民政府", "ColumnName": "年度报告",
                          "title": "某区2019年报告"}
    assert "2020-01-13" not in doc.text  # fields are not text


def test_docx_fields_are_core_properties(tmp_path: Path) -> None:
    import datetime as dt

    import docx

    d = docx.Document(io.BytesIO(_docx()))
    d.core_properties.title = "某镇2019年政府信息公开工作年度报告"
    d.core_properties.author = "某镇人民政府"
    d.core_properties.created = dt.datetime(2020, 1, 15, 8, 0, 0)
    buf = io.BytesIO()
    d.save(buf)
    doc = read_file(_write(tmp_path, "r.docx", buf.getvalue()))
    assert doc.fields == {"title": "某镇2019年政府信息公开工作年度报告", "author": "某镇人民政府",
                          "created": "2020-01-15T08:00:00+00:00"}
    d.core_properties.title = ""
    buf = io.BytesIO()
    d.save(buf)
    assert "title" not in read_file(_write(tmp_path, "r2.docx", buf.getvalue())).fields  # empty: left out


def test_pdf_fields_are_the_document_info(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=True)  # invariant: a fixed CreationDate
    c.setTitle("Annual report 2019")
    c.setAuthor("Some district office")
    c.drawString(72, 800, "Annual report 2019")
    c.showPage()
    c.save()
    doc = read_file(_write(tmp_path, "r.pdf", buf.getvalue()))
    assert doc.fields == {"title": "Annual report 2019", "author": "Some district office",
                          "created": "2000-01-01T00:00:00"}


def test_text_files_have_no_fields(tmp_path: Path) -> None:
    assert read_file(_write(tmp_path, "r.txt", REPORT)).fields == {}
