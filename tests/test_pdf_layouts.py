"""One report, six files: what a user pastes (TXT), the office's Word file (DOCX), the site's page
(HTML), the Word file exported by LibreOffice (PDF; once more with table rows allowed to break across
pages, which cuts a label of the application table in two) and the page printed by Chromium (PDF)
must give the same text, the same heading tree and the same facts.

The files are made by ``scripts/make_pdf_fixtures.py`` (2021 national template: wrapped paragraphs,
three ruled template tables with merged header cells, the application table cut by a page break, a
postal address with a house number, page numbers, a browser's running header and footer) and
committed under ``tests/fixtures/layout/``. Synthetic PDFs below (reportlab) cover ruled layouts that
are not tables.
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from index.pipeline import build_report
from index.readers import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layout"
REFERENCE = "report.txt"
PDFS = ["report_libreoffice.pdf", "report_libreoffice_rowsplit.pdf", "report_chromium.pdf"]
OTHERS = ["report.docx", "report.html", *PDFS]
TITLE = "江南市青溪区人民政府2023年政府信息公开工作年度报告"
HEADINGS = ["一、总体情况", "(一)主动公开", "(二)依申请公开", "(三)政府信息管理", "(四)平台建设", "(五)监督保障",
            "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
ADDRESS = "通讯地址:江南市青溪区人民路188号区行政中心3号楼,邮政编码:215300,联系电话:0512-66881234。"

_reports: dict[str, object] = {}


def report(name: str):  # noqa: ANN201
    if name not in _reports:
        _reports[name] = build_report(FIXTURES / name)
    return _reports[name]


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def fact_keys(rep) -> Counter:  # noqa: ANN001
    return Counter((f.metric, f.dimension, f.value, f.source, tuple(f.section_path)) for f in rep.facts)


# --- the reader: same text ----------------------------------------------------------------------

@pytest.mark.parametrize("name", OTHERS)
def test_reader_text_matches_the_pasted_text(name: str) -> None:
    """Line for line (blank lines aside): paragraphs whole, headings on their own lines, tables as the
    same pipe rows, no page numbers or running headers."""
    assert lines(read_file(FIXTURES / name).text) == lines(read_file(FIXTURES / REFERENCE).text)


@pytest.mark.parametrize("name", [REFERENCE, *OTHERS])
def test_headings_and_address_stay_lines(name: str) -> None:
    text_lines = lines(read_file(FIXTURES / name).text)
    assert text_lines[0] == TITLE
    for h in HEADINGS:
        assert h in text_lines
    assert ADDRESS in text_lines


@pytest.mark.parametrize("name", OTHERS)
def test_no_prose_line_becomes_a_table_row(name: str) -> None:
    rows = [line for line in lines(read_file(FIXTURES / name).text) if line.startswith("|")]
    assert len(rows) == 14 + 28 + 4  # active, application (3 header rows), review tables
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) in (4, 10, 15)
        assert not any(re.search(r"[。;]", c) or len(c) > 60 for c in cells), row


@pytest.mark.parametrize("name", PDFS)
def test_pdf_furniture_is_dropped(name: str) -> None:
    text = read_file(FIXTURES / name).text
    assert not re.search(r"^\s*-\s*\d+\s*-\s*$", text, re.M)  # "- 3 -"
    assert "file://" not in text and not re.search(r"\b\d+/\d+\b", text)  # the browser's footer and n/N
    assert not re.search(r"\d{1,2}:\d{2}\s*[AP]M", text)  # the browser's date header
    assert text.count(TITLE) == 1


# --- the pipeline: same sections and facts --------------------------------------------------------

@pytest.mark.parametrize("name", OTHERS)
def test_same_section_paths(name: str) -> None:
    assert [s.path for s in report(name).sections] == [s.path for s in report(REFERENCE).sections]


def test_reference_has_the_whole_heading_tree() -> None:
    paths = [s.path for s in report(REFERENCE).sections]
    assert paths[0] == [TITLE]
    assert ["一、总体情况", "(五)监督保障"] in paths and ["六、其他需要报告的事项"] in paths


@pytest.mark.parametrize("name", OTHERS)
def test_same_facts(name: str) -> None:
    ref, got = fact_keys(report(REFERENCE)), fact_keys(report(name))
    assert got == ref, {"missing": sorted(ref - got)[:10], "extra": sorted(got - ref)[:10]}


def test_reference_facts_cover_the_three_tables_and_the_prose() -> None:
    facts = report(REFERENCE).facts
    table = {(f.metric, f.dimension): f.value for f in facts if f.source == "table"}
    assert table[("apply_new", "")] == 86 and table[("apply_new", "自然人")] == 78
    assert table[("result_total", "")] == 80 and table[("apply_carry_forward", "")] == 10
    assert table[("active_normative_docs", "现行有效件数")] == 41
    assert len([f for f in facts if f.source == "table" and f.metric.startswith(("admin_review", "litigation"))]) == 15
    assert any(f.source == "prose" and f.value == 260 for f in facts)  # 培训工作人员260人次, a wrapped line in the PDFs


@pytest.mark.parametrize("name", [REFERENCE, *OTHERS])
def test_address_numbers_are_not_facts(name: str) -> None:
    for f in report(name).facts:
        assert f.value not in (188, 3, 215300, 66881234) or "号" not in f.quote and "邮政编码" not in f.quote, f
        assert "人民路" not in f.quote and "0512" not in f.quote, f


# --- the file's own metadata ----------------------------------------------------------------------

FIELDS = {
    "report.txt": {},
    "report.docx": {"title": TITLE, "author": "江南市青溪区人民政府办公室", "created": "2024-01-20T09:30:00+00:00"},
    "report.html": {"title": TITLE, "ArticleTitle": TITLE, "SiteName": "江南市青溪区人民政府门户网站",
                    "ColumnName": "政府信息公开年报", "PubDate": "2024-01-20 09:30", "ContentSource": "江南市青溪区人民政府办公室"},
    "report_libreoffice.pdf": {"title": TITLE, "author": "江南市青溪区人民政府办公室"},
    "report_libreoffice_rowsplit.pdf": {"title": TITLE, "author": "江南市青溪区人民政府办公室"},
    "report_chromium.pdf": {"title": TITLE},
}


@pytest.mark.parametrize(("name", "expected"), FIELDS.items(), ids=list(FIELDS))
def test_fields(name: str, expected: dict[str, str]) -> None:
    fields = read_file(FIXTURES / name).fields
    created = fields.pop("created", None)
    if name.endswith(".pdf"):  # the export's own time
        assert created and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", created)
    elif "created" in expected:
        assert created == expected["created"]
    assert fields == {k: v for k, v in expected.items() if k != "created"}


# --- ruled layouts that are not tables (reportlab) ------------------------------------------------

def _canvas():  # noqa: ANN202
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    return c, buf


PROSE = ["本年度我区紧紧围绕区委区政府中心工作,持续深化政务公开,全面推进决策、执",
         "行、管理、服务、结果公开,切实保障人民群众的知情权参与权和监督权,取得",
         "了较好成效。"]


ADDRESS_LINE = "联系地址\uff1a某区人民路188号"  # short, no full stop: still no table row


def _read(tmp_path: Path, c, buf, name: str = "x.pdf") -> str:  # noqa: ANN001
    c.showPage()
    c.save()
    p = tmp_path / name
    p.write_bytes(buf.getvalue())
    return read_file(p).text


def test_prose_inside_a_ruled_frame_above_a_table_is_prose(tmp_path: Path) -> None:
    """Letter paper: a frame and a rule under every line, joined to a real table below it. The frame's
    rows are one cell wide; before, each line came out repeated across the table's columns."""
    c, buf = _canvas()
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    c.drawString(72, 760, "一、总体情况")
    top, x0, x1 = 750, 60, 525
    y = top
    for line in [*PROSE, ADDRESS_LINE]:
        y -= 22
        c.drawString(72, y + 6, line)
        c.line(x0, y, x1, y)
    widths = [225, 120, 120]
    for label, value in [("信息内容", "本年制发件数"), ("规章", "2"), ("行政规范性文件", "5")]:
        y -= 22
        x = x0
        for w, text in zip(widths, [label, value, value if value.isdigit() else "现行有效件数"]):
            c.drawString(x + 4, y + 6, text)
            x += w
        c.line(x0, y, x1, y)
    c.line(x0, top, x1, top)
    c.line(x0, top, x0, y)
    c.line(x1, top, x1, y)
    for xv in (x0 + 225, x0 + 345):  # column rules only where the table is
        c.line(xv, top - 22 * (len(PROSE) + 1), xv, y)
    text = _read(tmp_path, c, buf)
    rows = [line for line in text.split("\n") if line.startswith("|")]
    assert rows == ["| 信息内容 | 本年制发件数 | 现行有效件数 |", "| 规章 | 2 | 2 |", "| 行政规范性文件 | 5 | 5 |"]
    assert "".join(PROSE) in text.split("\n")  # one paragraph again
    assert unicodedata.normalize("NFKC", ADDRESS_LINE) in text.split("\n")
    assert text.split("\n")[1] == "一、总体情况"


def test_prose_in_ruled_boxes_is_no_table(tmp_path: Path) -> None:
    """A two-column ruled layout (a cover form) whose right cells hold running text."""
    c, buf = _canvas()
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    y = 760
    for label in ("总体情况", "主要问题"):
        c.rect(60, y - 70, 100, 70)
        c.rect(160, y - 70, 365, 70)
        c.drawString(64, y - 20, label)
        for k, line in enumerate(PROSE):
            c.drawString(164, y - 20 - 18 * k, line[:28])
        y -= 70
    text = _read(tmp_path, c, buf)
    assert not any(line.startswith("|") for line in text.split("\n"))


def test_underlines_and_a_box_are_no_table(tmp_path: Path) -> None:
    c, buf = _canvas()
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    c.line(60, 780, 525, 780)  # the red-header rule
    c.line(60, 777, 525, 777)
    c.rect(60, 600, 465, 120)  # a box around the summary
    for k, line in enumerate(PROSE):
        c.drawString(72, 700 - 22 * k, line)
    text = _read(tmp_path, c, buf)
    assert not any(line.startswith("|") for line in text.split("\n"))
    assert "".join(PROSE) in text.split("\n")


def test_headings_break_full_lines_and_bare_page_numbers_go(tmp_path: Path) -> None:
    """A full-width line without a full stop is followed by a heading: the heading starts a line.
    Bare page numbers at the foot of each page are dropped, and a paragraph continues across pages."""
    c, buf = _canvas()
    full = "围绕群众关切做好政策解读和回应工作推进政务公开标准化规范化建设并积极做好"  # 36 chars, no full stop
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    c.drawString(72, 760, full)
    c.drawString(72, 738, "(一)主动公开情况")
    c.drawString(72, 716, full)
    c.drawString(290, 40, "1")
    c.showPage()
    c.setFont("STSong-Light", 12)
    c.drawString(72, 790, "各项工作。")
    c.drawString(72, 768, "2.依申请公开情况")
    c.drawString(290, 40, "2")
    text = _read(tmp_path, c, buf)
    assert text.split("\n") == ["某区2023年政府信息公开工作年度报告", full, "(一)主动公开情况", full + "各项工作。",
                                "2.依申请公开情况"]


def _grid_rows(c, x_edges: list[float], top: float, rows: list[list[tuple[str, int]]], h: float = 22) -> float:  # noqa: ANN001
    """Draw ruled rows; each cell is (text, colspan). Returns the bottom y."""
    y = top
    for row in rows:
        k = 0
        for text, span in row:
            x0, x1 = x_edges[k], x_edges[k + span]
            c.rect(x0, y - h, x1 - x0, h)
            if text:
                c.drawString(x0 + 4, y - h + 7, text)
            k += span
        y -= h
    return y


def test_table_cut_by_a_page_break_is_one_table(tmp_path: Path) -> None:
    """Word repeats the header row on the next page and prints a merged label on the first page only."""
    c, buf = _canvas()
    xs = [60, 200, 380, 480]
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    c.drawString(72, 760, "三、收到和处理政府信息公开申请情况")
    _grid_rows(c, xs, 740, [[("办理结果", 2), ("件数", 1)], [("三、本年度办理结果", 1), ("(一)予以公开", 1), ("5", 1)]])
    c.drawString(290, 40, "- 1 -")
    c.showPage()
    c.setFont("STSong-Light", 12)
    _grid_rows(c, xs, 800, [[("办理结果", 2), ("件数", 1)], [("", 1), ("(二)部分公开", 1), ("2", 1)]])
    c.drawString(72, 700, "四、政府信息公开行政复议、行政诉讼情况")
    c.drawString(290, 40, "- 2 -")
    text = _read(tmp_path, c, buf)
    assert [line for line in text.split("\n") if line.startswith("|")] == [
        "| 办理结果 | 办理结果 | 件数 |",
        "| 三、本年度办理结果 | (一)予以公开 | 5 |",
        "| 三、本年度办理结果 | (二)部分公开 | 2 |",
    ]


def test_spacing_comes_from_positions(tmp_path: Path) -> None:
    """Columns of a table without rules keep a space; autospacing around digits and distributed
    alignment (分散对齐) do not."""
    c, buf = _canvas()
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    for x, s in [(72, "规章"), (250, "0"), (330, "12")]:  # a row of a table drawn without rules
        c.drawString(x, 760, s)
    x = 72
    for s in ["本年共受理申请", "86", "件。"]:  # CJK/Latin autospacing: a quarter of a character
        c.drawString(x, 738, s)
        x += c.stringWidth(s, "STSong-Light", 12) + 3
    for k, ch in enumerate("青溪区人民政府"):  # a signature spread over a fixed width
        c.drawString(300 + 30 * k, 700, ch)
    text = _read(tmp_path, c, buf)
    assert text.split("\n")[1:] == ["规章 0 12", "本年共受理申请86件。", "青溪区人民政府"]


def test_two_line_running_header_and_page_of_footer_go(tmp_path: Path) -> None:
    c, buf = _canvas()
    for page in range(1, 4):
        c.setFont("STSong-Light", 9)
        c.drawString(72, 815, "江南市青溪区人民政府门户网站")
        c.drawString(72, 803, "政府信息公开年报")
        c.drawString(480, 30, f"Page {page} of 3")
        c.setFont("STSong-Light", 12)
        if page == 1:
            c.drawString(72, 760, "某区2023年政府信息公开工作年度报告")
        c.drawString(72, 730, f"{'一二三'[page - 1]}、第{page}部分")
        c.drawString(72, 708, f"第{page}部分的正文。")
        c.showPage()
    text = _read(tmp_path, c, buf)
    assert text.split("\n") == ["某区2023年政府信息公开工作年度报告", "一、第1部分", "第1部分的正文。", "二、第2部分",
                                "第2部分的正文。", "三、第3部分", "第3部分的正文。"]


def _typeset(c, paragraphs: list[str], top: float = 770, left: float = 72, width: float = 432,  # noqa: ANN001
             indent: float = 24, gap: float = 0) -> None:
    """A greedy line breaker as word processors have one: CJK breaks anywhere, a URL or number never,
    closing punctuation hangs in the margin; first lines indented (two characters), or paragraphs
    set apart by ``gap``."""
    y = top
    for para in paragraphs:
        tokens = re.findall(r"[0-9A-Za-z:/._\-]+|.", para)
        line, x0 = "", left + indent
        for tok in tokens:
            fits = x0 + c.stringWidth(line + tok, "STSong-Light", 12) <= left + width
            if fits or not line or tok in "。,、;:)":
                line += tok
                continue
            c.drawString(x0, y, line)
            y -= 20
            line, x0 = tok, left
        c.drawString(x0, y, line)
        y -= 20 + gap


def test_an_overlong_url_does_not_move_the_margin(tmp_path: Path) -> None:
    c, buf = _canvas()
    url = "http://www.qingxi.gov.cn/zwgk/xxgkml/ndbg/2023/t20240120_1234567_annual_report_full_text.html"  # > a line
    paragraphs = [
        "本年度我区紧紧围绕区委区政府中心工作,持续深化政务公开,全面推进决策、执行、管理、服务、结果公开,切实保障人民群众的知情权、参与权和监督权,取得了较好成效。",
        "全年主动公开政府信息3215条,其中政策文件148条、政策解读63条、财政预决算信息95条,召开新闻发布会12场,举办政府开放日活动4次,及时回应社会关切。",
        f"本报告的电子版可登录区政府门户网站{url}查阅全文,如对本报告有疑问,请与区政府办公室联系,联系电话0512-66881234,办公时间为工作日上午九时至下午五时。",
        "全年共收到政府信息公开申请86件,上年结转4件,已办结80件,结转下年度继续办理10件,所有申请均在法定期限内答复,申请人对答复结果总体满意,未发生因依申请公开引发的行政复议。",
        "下一步,我区将进一步丰富政策解读形式,深化基层政务公开标准化规范化建设,完善公开事项目录,加强业务培训,提升工作人员依法公开的能力和水平,推动政务公开工作再上新台阶。",
    ]
    c.drawString(200, 800, "某区2023年政府信息公开工作年度报告")
    _typeset(c, paragraphs)
    text = _read(tmp_path, c, buf)
    assert text.split("\n") == ["某区2023年政府信息公开工作年度报告", *paragraphs]


def test_row_split_by_a_page_break_is_one_row(tmp_path: Path) -> None:
    """Word lets a row break across pages: the label's last line prints on the next page, the figures
    stay on the first. The label is whole again and the figures are not repeated."""
    c, buf = _canvas()
    xs = [60, 300, 380, 460]
    c.drawString(72, 790, "某区2023年政府信息公开工作年度报告")
    _grid_rows(c, xs, 760, [[("情形", 1), ("自然人", 1), ("总计", 1)], [("1.信访举报投诉类申请", 1), ("3", 1), ("3", 1)],
                            [("2.申请人无正当理由逾期不补正、", 1), ("1", 1), ("1", 1)]])
    c.showPage()
    c.setFont("STSong-Light", 12)
    _grid_rows(c, xs, 800, [[("行政机关不再处理其申请", 1), ("", 1), ("", 1)], [("3.其他", 1), ("0", 1), ("0", 1)]])
    text = _read(tmp_path, c, buf)
    assert [line for line in text.split("\n") if line.startswith("|")] == [
        "| 情形 | 自然人 | 总计 |",
        "| 1.信访举报投诉类申请 | 3 | 3 |",
        "| 2.申请人无正当理由逾期不补正、行政机关不再处理其申请 | 1 | 1 |",
        "| 3.其他 | 0 | 0 |",
    ]


def test_paragraphs_set_apart_by_space_not_indent(tmp_path: Path) -> None:
    """Web pages printed to PDF often have no indents: a full line ending in 。 continues its paragraph
    when the gap below it is a line's, not a paragraph's; a line ending in 》 or 《 never ends one."""
    c, buf = _canvas()
    ends_in_bracket = "本报告依据国务院办公厅和省政府的要求及《中华人民共和国政府信息公开条例》"
    ends_in_stop = "全年共收到公开申请八十六件\uff0c上年结转四件\uff0c已办结八十件\uff0c结转下年度十件。"  # full-width commas
    assert len(ends_in_bracket) == len(ends_in_stop) == 36  # one full line each (432 pt of 12 pt characters)
    paragraphs = [
        ends_in_bracket + "要求编制,全文包括总体情况等六个部分。",
        ends_in_stop + "所有申请均在法定期限内答复,申请人对答复结果总体满意,未发生因依申请公开引发的行政复议和行政诉讼。",
        ends_in_stop,
        "全年主动公开政府信息3215条,其中政策文件148条、政策解读63条、财政预决算信息95条,做到应公开尽公开。",
    ]
    c.drawString(200, 800, "某区2023年政府信息公开工作年度报告")
    _typeset(c, paragraphs, indent=0, gap=10)
    text = _read(tmp_path, c, buf)
    assert text.split("\n") == ["某区2023年政府信息公开工作年度报告", *(unicodedata.normalize("NFKC", p) for p in paragraphs)]


def test_fake_bold_prints_once(tmp_path: Path) -> None:
    """Word processors embolden a font that has no bold face by printing each glyph twice, shifted."""
    c, buf = _canvas()
    for dx in (0, 0.3):
        c.drawString(72 + dx, 790, "某区2023年政府信息公开工作年度报告")
    c.drawString(72, 760, "一、总体情况")
    assert _read(tmp_path, c, buf).split("\n") == ["某区2023年政府信息公开工作年度报告", "一、总体情况"]


def test_table_without_outer_side_rules(tmp_path: Path) -> None:
    """Tables whose rules stop at the inner columns (no left and right border) keep their outer columns."""
    c, buf = _canvas()
    c.drawString(72, 790, "二、主动公开政府信息情况")
    rows = [["信息内容", "本年制发件数", "现行有效件数"], ["规章", "2", "5"], ["行政规范性文件", "3", "7"]]
    xs, top, h = [60, 200, 340, 480], 770, 22
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 4, top - h * (r + 1) + 7, text)
    for r in range(len(rows) + 1):
        c.line(xs[0], top - h * r, xs[-1], top - h * r)
    for x in xs[1:-1]:
        c.line(x, top, x, top - h * len(rows))
    c.drawString(72, 680, "三、收到和处理政府信息公开申请情况")
    text = _read(tmp_path, c, buf)
    assert text.split("\n") == ["二、主动公开政府信息情况", "| 信息内容 | 本年制发件数 | 现行有效件数 |", "| 规章 | 2 | 5 |",
                                "| 行政规范性文件 | 3 | 7 |", "三、收到和处理政府信息公开申请情况"]
