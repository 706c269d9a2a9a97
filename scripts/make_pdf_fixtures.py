#!/usr/bin/env python3
"""Regenerate tests/fixtures/layout/: one annual report (2021 national template) in six files.

* ``report.txt``   - the text a user would paste: one paragraph a line, tables as pipe rows;
* ``report.docx``  - the same report as a Word document (python-docx): 三号 body with a two-character
  first-line indent, wrapped paragraphs, the three template tables with merged header cells, a
  ``- N -`` page-number footer and core properties (title, author, created);
* ``report.html``  - the same report as a government site page (``<meta name=...>`` tags, bordered tables);
* ``report_libreoffice.pdf`` - ``report.docx`` exported by LibreOffice (``soffice --headless --convert-to pdf``),
  as offices export Word/WPS files;
* ``report_libreoffice_rowsplit.pdf`` - the same with Word's default of letting table rows break across
  pages and a deeper top margin, so the page break cuts a row of the application table mid-label;
* ``report_chromium.pdf`` - ``report.html`` printed by Chromium (``--print-to-pdf``) with the browser's own
  running header (date, page title) and footer (address, ``n/N``), as users print web pages.

The generated files are committed, so tests need neither LibreOffice nor Chromium. Needs
``apt-get install libreoffice-writer-nogui chromium`` and CJK fonts (fonts-noto-cjk) to run::

    python3 scripts/make_pdf_fixtures.py
"""
from __future__ import annotations

import datetime as dt
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "layout"

BODY = "江南市青溪区人民政府"
TITLE = "江南市青溪区人民政府2023年政府信息公开工作年度报告"
OFFICE = "江南市青溪区人民政府办公室"
ADDRESS = "通讯地址:江南市青溪区人民路188号区行政中心3号楼,邮政编码:215300,联系电话:0512-66881234。"

# --- the application table (national template, 7 value columns) -----------------------------
APPLY_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# (numbering group, sub-group, leaf label, six values: 自然人 .. 其他); totals are computed.
RESULT_LEAVES: list[tuple[str, str, list[int]]] = [
    ("(一)予以公开", "", [40, 3, 0, 1, 1, 0]),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "", [8, 1, 0, 0, 0, 0]),
    ("(三)不予公开", "1.属于国家秘密", [0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "3.危及“三安全一稳定”", [1, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "4.保护第三方合法权益", [2, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "5.属于三类内部事务信息", [0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "6.属于四类过程性信息", [3, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "7.属于行政执法案卷", [0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "8.属于行政查询事项", [1, 0, 0, 0, 0, 0]),
    ("(四)无法提供", "1.本机关不掌握相关政府信息", [10, 1, 0, 0, 1, 0]),
    ("(四)无法提供", "2.没有现成信息需要另行制作", [2, 0, 0, 0, 0, 0]),
    ("(四)无法提供", "3.补正后申请内容仍不明确", [0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "1.信访举报投诉类申请", [3, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "2.重复申请", [1, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "3.要求提供公开出版物", [0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "4.无正当理由大量反复申请", [0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "5.要求行政机关确认或重新出具已获取信息", [0, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [1, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "3.其他", [0, 0, 0, 0, 0, 0]),
]
NEW = [78, 5, 0, 1, 2, 0]
CARRIED_IN = [4, 0, 0, 0, 0, 0]


def _with_total(vals: list[int]) -> list[int]:
    return vals + [sum(vals)]


RESULT_TOTAL = [sum(v[2][i] for v in RESULT_LEAVES) for i in range(6)]
CARRIED_OUT = [n + c - t for n, c, t in zip(NEW, CARRIED_IN, RESULT_TOTAL)]
assert all(v >= 0 for v in CARRIED_OUT)

REVIEW = [2, 1, 0, 0, 3, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0]  # 复议 5, 未经复议起诉 5, 复议后起诉 5
ACTIVE = {"规章": (0, 0, 3), "行政规范性文件": (5, 2, 41), "行政许可": 1532, "行政处罚": 286, "行政强制": 17,
          "行政事业性收费": "125.6"}

# A table as rows of cells (text, rowspan, colspan), as HTML writes it.
Spec = list[list[tuple[str, int, int]]]


def active_table() -> Spec:
    rows: Spec = []

    def part(item: str, head: list[str], body: list[tuple[str, list[str]]]) -> None:
        rows.append([(f"第二十条第({item})项", 1, 4)])
        span = 4 - len(head)
        rows.append([("信息内容", 1, 1)] + [(h, 1, span if k == len(head) - 1 else 1) for k, h in enumerate(head)])
        for label, vals in body:
            rows.append([(label, 1, 1)] + [(v, 1, span if k == len(vals) - 1 else 1) for k, v in enumerate(vals)])

    part("一", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [(k, [str(x) for x in ACTIVE[k]]) for k in ("规章", "行政规范性文件")])
    part("五", ["本年处理决定数量"], [("行政许可", [str(ACTIVE["行政许可"])])])
    part("六", ["本年处理决定数量"], [(k, [str(ACTIVE[k])]) for k in ("行政处罚", "行政强制")])
    part("八", ["本年收费金额(单位:万元)"], [("行政事业性收费", [str(ACTIVE["行政事业性收费"])])])
    return rows


def apply_table() -> Spec:
    nums = lambda vals: [(str(v), 1, 1) for v in _with_total(vals)]  # noqa: E731
    rows: Spec = [
        [("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(c, 1, 1) for c in APPLY_COLS[1:6]],
        [("一、本年新收政府信息公开申请数量", 1, 3)] + nums(NEW),
        [("二、上年结转政府信息公开申请数量", 1, 3)] + nums(CARRIED_IN),
    ]
    groups: dict[str, int] = {}
    for g, _, _ in RESULT_LEAVES:
        groups[g] = groups.get(g, 0) + 1
    seen: set[str] = set()
    n_result_rows = len(RESULT_LEAVES) + 1  # + (七)总计
    for i, (g, leaf, vals) in enumerate(RESULT_LEAVES):
        row: list[tuple[str, int, int]] = []
        if i == 0:
            row.append(("三、本年度办理结果", n_result_rows, 1))
        if not leaf:
            row.append((g, 1, 2))
        elif g not in seen:
            row.append((g, groups[g], 1))
        if leaf:
            row.append((leaf, 1, 1))
        seen.add(g)
        rows.append(row + nums(vals))
    rows.append([("(七)总计", 1, 2)] + nums(RESULT_TOTAL))
    rows.append([("四、结转下年度继续办理", 1, 3)] + nums(CARRIED_OUT))
    return rows


def review_table() -> Spec:
    res = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(r, 2, 1) for r in res] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(r, 1, 1) for r in res * 2],
        [(str(v), 1, 1) for v in REVIEW],
    ]


def expand(spec: Spec) -> list[list[str]]:
    """The grid with merged cells repeated in every position they cover (as the readers render it)."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(spec):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    n_cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(n_cols)] for r in range(len(spec))]


# --- the report ------------------------------------------------------------------------------
new_total, result_total, out_total = sum(NEW), sum(RESULT_TOTAL), sum(CARRIED_OUT)
BLOCKS: list[tuple[str, object]] = [
    ("title", TITLE),
    ("p", "本报告依据《中华人民共和国政府信息公开条例》(以下简称《条例》)和《国务院办公厅政府信息与政务公开办公室关于"
          "印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》(国办公开办函〔2021〕30号)要求编制,全文包括总体情况、"
          "主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进"
          "情况、其他需要报告的事项。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。本报告电子版可在"
          "江南市青溪区人民政府门户网站下载。如对本报告有疑问,请与青溪区人民政府办公室联系。"),
    ("p", ADDRESS),
    ("h", "一、总体情况"),
    ("p", "2023年,青溪区坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻落实党的二十大精神,认真执行《条例》,"
          "围绕区委、区政府中心工作,持续深化政务公开,以公开促落实、强监管、优服务,切实保障人民群众的知情权、参与权、"
          "表达权和监督权,政府信息公开工作取得新的成效。"),
    ("h", "(一)主动公开"),
    ("p", "全年通过区政府门户网站主动公开政府信息3215条,其中政策文件148条、政策解读63条、财政预决算信息95条;"
          "通过政务新媒体发布信息1207条,召开新闻发布会12场,举办政府开放日活动4次,及时回应社会关切,"
          "做到应公开尽公开。"),
    ("h", "(二)依申请公开"),
    ("p", f"全年共收到政府信息公开申请{new_total}件,上年结转{sum(CARRIED_IN)}件,已办结{result_total}件,"
          f"结转下年度继续办理{out_total}件。所有申请均在法定期限内答复,未发生因依申请公开引发的重大舆情,"
          "申请人对答复结果总体满意。"),
    ("h", "(三)政府信息管理"),
    ("p", "严格落实公文公开属性源头认定制度,发文时同步明确公开方式,坚持“先审查、后公开”和“一事一审”原则,"
          "全年清理行政规范性文件52件,修改2件,废止2件,并在门户网站及时发布清理结果。"),
    ("h", "(四)平台建设"),
    ("p", "持续优化政府门户网站政府信息公开专栏,完善政策文件库检索功能,推进政务新媒体规范化管理,全年关停整合"
          "政务新媒体账号6个,网站和政务新媒体信息发布审核机制进一步健全。"),
    ("h", "(五)监督保障"),
    ("p", "将政务公开工作纳入全区高质量发展综合考核,组织开展业务培训3期,培训工作人员260人次,对各部门、各街道"
          "政务公开工作开展季度检查,通报检查结果,督促整改到位。"),
    ("h", "二、主动公开政府信息情况"),
    ("table", active_table()),
    ("h", "三、收到和处理政府信息公开申请情况"),
    ("table", apply_table()),
    ("h", "四、政府信息公开行政复议、行政诉讼情况"),
    ("table", review_table()),
    ("h", "五、存在的主要问题及改进情况"),
    ("p", "2023年,我区政府信息公开工作取得了一定成效,但对照上级要求和群众期盼,仍存在一些不足:部分单位政策解读"
          "形式较为单一,基层政务公开标准化规范化建设还不够深入。2024年,我区将着力做好以下工作:一是丰富政策解读"
          "形式,更多运用图文、视频等方式解读政策;二是深化基层政务公开标准化规范化建设,完善公开事项目录;三是加强"
          "业务培训,提升工作人员依法公开的能力和水平。"),
    ("h", "六、其他需要报告的事项"),
    ("p", "依据《政府信息公开信息处理费管理办法》,本年度未收取信息处理费。本年度收到人大代表建议和政协提案"
          "共计58件,均已按期办结,办理结果已按规定公开。"),
    ("sign", OFFICE),
    ("sign", "2024年1月20日"),
]


_FULL_WIDTH = str.maketrans(",:;()!?", "\uff0c\uff1a\uff1b\uff08\uff09\uff01\uff1f")


def full_width(value):  # noqa: ANN001, ANN201
    """Chinese punctuation as reports type it (full-width ,:;()); digits and decimal points stay."""
    if isinstance(value, str):
        return value.translate(_FULL_WIDTH)
    return [[(full_width(t), rs, cs) for t, rs, cs in row] for row in value]


BLOCKS = [(kind, full_width(value)) for kind, value in BLOCKS]


def write_txt(path: Path) -> None:
    lines: list[str] = []
    for kind, value in BLOCKS:
        if kind == "table":
            lines.append("")
            lines.extend("| " + " | ".join(row) + " |" for row in expand(value))  # type: ignore[arg-type]
            lines.append("")
        else:
            lines.append(str(value))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# Column widths (cm) by column count: the text block is 15.6 cm wide.
_COL_CM = {4: [6.0, 3.2, 3.2, 3.2], 10: [1.6, 2.0, 4.3] + [1.1] * 7, 15: [1.04] * 15}


def write_docx(path: Path, rows_split: bool = False, top_cm: float = 3.7) -> None:
    """``rows_split``: rows may break across pages (Word's default); otherwise each row stays whole."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(top_cm), Cm(3.5), Cm(2.8), Cm(2.6)

    def font(run_or_style, size: float, name: str = "Noto Serif CJK SC", bold: bool = False) -> None:
        f = run_or_style.font
        f.size, f.bold, f.name = Pt(size), bold, name
        rpr = run_or_style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), name)

    font(d.styles["Normal"], 16)
    d.styles["Normal"].paragraph_format.space_after = Pt(0)
    d.styles["Normal"].paragraph_format.line_spacing = Pt(28)

    # Footer: "- N -" page numbers, centred.
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    fld.append(r)
    fp._p.append(fld)
    fp.add_run(" -")

    for kind, value in BLOCKS:
        if kind == "title":
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            font(p.add_run(str(value)), 20, bold=True)
            p.paragraph_format.space_after = Pt(16)
        elif kind in ("p", "h"):
            p = d.add_paragraph(str(value))
            p.paragraph_format.first_line_indent = Pt(32)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if kind == "h" and str(value)[0] in "一二三四五六":
                font(p.runs[0], 16, "Noto Sans CJK SC")
        elif kind == "sign":
            p = d.add_paragraph(str(value))
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "table":
            spec: Spec = value  # type: ignore[assignment]
            grid = expand(spec)
            table = d.add_table(rows=len(grid), cols=len(grid[0]))
            table.style = d.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            occupied: set[tuple[int, int]] = set()
            for r_i, row in enumerate(spec):
                c = 0
                for text, rs, cs in row:
                    while (r_i, c) in occupied:
                        c += 1
                    cell = table.cell(r_i, c)
                    if rs > 1 or cs > 1:
                        cell = cell.merge(table.cell(r_i + rs - 1, c + cs - 1))
                    cell.text = text
                    for para in cell.paragraphs:
                        para.paragraph_format.first_line_indent = Pt(0)
                        para.paragraph_format.line_spacing = 1.0
                        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        for run in para.runs:
                            font(run, 9)
                    for dr in range(rs):
                        for dc in range(cs):
                            occupied.add((r_i + dr, c + dc))
                    c += cs
            widths = _COL_CM[len(grid[0])]
            table.autofit = False
            for k, col in enumerate(table.columns):
                col.width = Cm(widths[k])
            for row in table.rows:
                for k, cell in enumerate(row.cells):
                    cell.width = Cm(widths[k])
            for row in table.rows if not rows_split else ():  # rows do not break across pages
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            d.add_paragraph()
    props = d.core_properties
    props.title, props.author = TITLE, OFFICE
    props.created = props.modified = dt.datetime(2024, 1, 20, 9, 30, 0)
    props.last_modified_by = OFFICE
    d.save(str(path))


def _html_table(spec: Spec) -> str:
    rows = []
    for row in spec:
        cells = "".join(
            f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{html.escape(t)}</td>"
            for t, rs, cs in row)
        rows.append(f"<tr>{cells}</tr>")
    return '<table class="t">' + "\n".join(rows) + "</table>"


def write_html(path: Path) -> None:
    body = []
    for kind, value in BLOCKS:
        if kind == "title":
            body.append(f"<h1>{html.escape(str(value))}</h1>")
        elif kind in ("p", "h"):
            body.append(f"<p>{html.escape(str(value))}</p>")
        elif kind == "sign":
            body.append(f'<p class="sign">{html.escape(str(value))}</p>')
        else:
            body.append(_html_table(value))  # type: ignore[arg-type]
    metas = {"SiteName": f"{BODY}门户网站", "ColumnName": "政府信息公开年报", "ArticleTitle": TITLE,
             "PubDate": "2024-01-20 09:30", "ContentSource": OFFICE}
    head = "\n".join(f'<meta name="{k}" content="{html.escape(v)}">' for k, v in metas.items())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(TITLE)}</title>
{head}
<style>
body {{ font-family: "Noto Serif CJK SC", serif; font-size: 16px; line-height: 1.8; margin: 0 40px; }}
h1 {{ font-size: 22px; text-align: center; }}
p {{ text-indent: 2em; margin: 0; }}
p.sign {{ text-align: right; }}
table.t {{ border-collapse: collapse; margin: 8px auto; font-size: 12px; line-height: 1.3; }}
table.t td {{ border: 1px solid #000; padding: 3px 4px; text-align: center; }}
tr {{ break-inside: avoid; }}
</style></head>
<body>
{chr(10).join(body)}
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    write_txt(OUT / "report.txt")
    write_docx(OUT / "report.docx")
    write_html(OUT / "report.html")
    soffice, chromium = shutil.which("soffice"), shutil.which("chromium")
    if not soffice or not chromium:
        print("need soffice (libreoffice-writer-nogui) and chromium to make the PDFs", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        write_docx(Path(tmp) / "report_libreoffice_rowsplit.docx", rows_split=True, top_cm=4.0)
        for docx_path in (OUT / "report.docx", Path(tmp) / "report_libreoffice_rowsplit.docx"):
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", tmp, str(docx_path)], check=True, capture_output=True, timeout=300)
        shutil.move(f"{tmp}/report.pdf", OUT / "report_libreoffice.pdf")
        shutil.move(f"{tmp}/report_libreoffice_rowsplit.pdf", OUT / "report_libreoffice_rowsplit.pdf")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp}/chrome",
                        f"--print-to-pdf={OUT / 'report_chromium.pdf'}", (OUT / "report.html").as_uri()],
                       check=True, capture_output=True, timeout=300)
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(OUT.parent.parent.parent)}  {p.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
