"""index/tables.py: flat, pipe and digit-run layouts; template-aware column assignment."""
import unicodedata
from pathlib import Path

import pytest

from index.models import Section
from index.tables import APPLY_COLS, find_tables, split_digit_run

REPORTS = Path(__file__).resolve().parents[1] / "examples" / "reports"


def norm(s: str) -> str:
    try:
        from index.normalize import normalize_text  # the real normalizer when present
        return normalize_text(s)
    except Exception:  # noqa: BLE001
        return unicodedata.normalize("NFKC", s).replace("\u00a0", " ")


def load(prefix: str) -> str:
    return norm(next(REPORTS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8"))


def cell(t, row_leaf, col=None):
    for c in t.cells:
        if c.row_label.split(" › ")[-1].endswith(row_leaf) and (col is None or c.col_label.endswith(col)):
            return c
    raise AssertionError(f"no cell {row_leaf!r}/{col!r}")


def check_offsets(text, tables):
    for t in tables:
        for c in t.cells:
            assert text[c.start:c.end] == c.raw


FLAT_APPLY = """三、收到和处理政府信息公开申请情况

申请人情况

自然人

法人或其他组织

总计

商业企业

科研机构

社会公益组织

法律服务机构

其他

一、本年新收政府信息公开申请数量

12

1

 

 

 

 

13

二、上年结转政府信息公开申请数量

 

 

 

 

 

 

2

三、本年度办理结果

(一)予以公开

5

四、结转下年度继续办理

0

"""


def test_flat_template_apply_assigns_from_right():
    (t,) = find_tables(FLAT_APPLY, [])
    assert t.kind == "template_apply" and t.layout == "flat"
    assert cell(t, "本年新收政府信息公开申请数量", "自然人").value == 12
    assert cell(t, "本年新收政府信息公开申请数量", "商业企业").value == 1
    assert cell(t, "本年新收政府信息公开申请数量", "总计").value == 13
    assert cell(t, "上年结转政府信息公开申请数量").col_label == "总计"
    c = cell(t, "予以公开")
    assert c.col_label == "总计" and c.value == 5
    assert c.row_label == "三、本年度办理结果 › (一)予以公开"
    check_offsets(FLAT_APPLY, [t])


def test_section_path_and_title():
    text = "二、附表\n\n" + FLAT_APPLY
    secs = [Section(ord=0, level=1, heading="二、附表", path=["二、附表"], start=0, end=len(text))]
    (t,) = find_tables(text, secs)
    assert t.section_path == ["二、附表"]
    assert "收到和处理政府信息公开申请情况" in t.title


APPENDIX = """八、附表

统计指标

单位

合计

一、主动公开情况

(一)主动公开政府信息数

(不同渠道和方式公开相同信息计1条)

9585

其中:主动公开规范性文件数

8468

三、依申请公开情况

(一)收到申请数

70

1﹒当面申请数

15

八、依申请公开信息收取的费用

万元

0

(五)政府信息公开专项经费

万元

90.2
"""


def test_appendix_label_unit_value():
    text = norm(APPENDIX)
    (t,) = find_tables(text, [])
    assert t.kind == "appendix"
    assert cell(t, "主动公开政府信息数(不同渠道和方式公开相同信息计1条)").value == 9585
    assert cell(t, "当面申请数").row_label == "三、依申请公开情况 › (一)收到申请数 › 1.当面申请数"
    fee = cell(t, "依申请公开信息收取的费用")
    assert (fee.value, fee.unit) == (0, "万元")
    assert cell(t, "政府信息公开专项经费").value == 90.2
    check_offsets(text, [t])


PIPE = """表1 政府信息公开申请情况

| 申请人情况 | 申请人情况 | 自然人 | 法人或其他组织 | 法人或其他组织 | 法人或其他组织 | 法人或其他组织 | 法人或其他组织 | 总计 |
|---|---|---|---|---|---|---|---|---|
| 申请人情况 | 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
| 一、本年新收政府信息公开申请数量 | 一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 24 |
| 三、本年度办理结果 | (一)予以公开 | 10 | 2 | 0 | 0 | 0 | 0 | 12 |
| 三、本年度办理结果 | (二)部分公开 | 1 |  |  |  |  |  | 1 |
"""

GENERIC_PIPE = """| 部门 | 主动公开(条) | 依申请(件) |
| --- | --- | --- |
| 区教育局 | 120 | 3 |
| 区民政局 | 85 | 0 |
"""


def test_pipe_template_apply():
    (t,) = find_tables(PIPE, [])
    assert (t.kind, t.layout) == ("template_apply", "pipe")
    assert cell(t, "本年新收政府信息公开申请数量", "法律服务机构").value == 1
    assert cell(t, "予以公开", "总计").value == 12
    assert cell(t, "予以公开").row_label == "三、本年度办理结果 › (一)予以公开"
    assert cell(t, "部分公开", "自然人").value == 1  # blank pipe cells keep their positions
    check_offsets(PIPE, [t])


def test_pipe_generic_units_from_header():
    (t,) = find_tables(GENERIC_PIPE, [])
    assert t.kind == "generic" and t.notes
    c = cell(t, "区教育局", "主动公开(条)")
    assert (c.value, c.unit) == (120, "条")
    assert cell(t, "区民政局", "依申请(件)").value == 0


def test_split_digit_run_unique():
    assert split_digit_run("21710000218") == [["217", "1", "0", "0", "0", "0", "218"]]


def test_split_digit_run_ambiguous():
    assert len(split_digit_run("101000011")) == 2


DIGITS = """三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量21710000218
二、上年结转政府信息公开申请数量0
三、本年度办理结果
(一)予以公开101000011
(二)部分公开5
四、结转下年度继续办理3
"""


def test_digit_run_table():
    (t,) = find_tables(DIGITS, [])
    assert (t.kind, t.layout) == ("template_apply", "digits")
    new = [c for c in t.cells if "本年新收" in c.row_label]
    assert [c.value for c in new] == [217, 1, 0, 0, 0, 0, 218]
    assert [c.col_label for c in new] == APPLY_COLS
    amb = [c for c in t.cells if "予以公开" in c.row_label]
    # 101000011: 10+1 or 1+0+10 …: the applicant cells differ between cuts and stay unread (kept as
    # written); the cells every cut places at the same characters (the 0s at the end, 总计 11) are read
    unread = [c for c in amb if c.value is None]
    assert unread and all(c.uncertain and c.raw == "101000011" for c in unread)
    assert {c.col_label: c.value for c in amb if c.value is not None}.get("总计") == 11
    assert any("101000011" in n for n in t.notes)
    assert cell(t, "上年结转政府信息公开申请数量").col_label == "总计"
    check_offsets(DIGITS, [t])


def test_sample_001_template_tables():
    text = load("001")
    tables = find_tables(text, [])
    kinds = [t.kind for t in tables]
    assert kinds.count("template_active") == 5
    assert "template_apply" in kinds and "template_review" in kinds
    active = tables[0]
    assert active.title == "第二十条第(一)项"
    assert cell(active, "规范性文件", "本年新制作数量").value == 2
    review = next(t for t in tables if t.kind == "template_review")
    assert len(review.cells) == 15
    apply_ = next(t for t in tables if t.kind == "template_apply")
    assert all(c.col_label == "总计" for c in apply_.cells)
    check_offsets(text, tables)


def test_sample_004_appendix_and_source_table():
    text = load("004")
    tables = find_tables(text, [])
    assert [t.kind for t in tables] == ["appendix", "generic"]
    app, src = tables
    assert cell(app, "网络申请数").value == 32
    assert cell(app, "实现统一认证占比").value == 84.18
    assert cell(app, "接受培训人员数").unit == "人次"
    assert src.title == "2017年度政府信息公开申请来源统计表"
    assert cell(src, "公民", "占比(%)").value == 91.4
    check_offsets(text, tables)


@pytest.mark.parametrize("prefix", ["000", "002", "003"])
def test_prose_reports_have_no_numeric_tables(prefix):
    assert find_tables(load(prefix), []) == []


# --- run-together exports (after index/reflow.py): one row a line, cells written together ------
_RUN_TABLES = """二、主动公开政府信息情况
第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数
规章000
行政规范性文件505
第二十条第(五)项信息内容本年处理决定数量
行政许可12
第二十条第(八)项信息内容本年收费金额(单位:万元)行政事业性收费16220.85
第二十条第(九)项信息内容采购项目数量采购总金额 政府集中采购 9
152.2万元
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量20 0 0 0 02
二、上年结转政府信息公开申请数量0000000
三、本年度办理结果
(一)予以公开1 0 0 0 0 01
(四)无法提供
1.本机关不掌握相关政府信息1000001
(七)总计2000002
四、结转下年度继续办理0 0 0 0 0 00
四、政府信息公开行政复议、行政诉讼情况
行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计100000000000000
七、附表
指标名称 计量单位 2017年度 历年累计 主动公开文件数 条 51 256
其中:1.政府网站公开数条7392238
2.政府公报公开数 条 0 0
受理政府信息公开申请总数 条 0 0
"""


def _cells_of(kind: str):  # noqa: ANN202
    from index.sections import parse_sections

    tables = find_tables(_RUN_TABLES, parse_sections(_RUN_TABLES))
    return [t for t in tables if t.kind == kind]


@pytest.mark.parametrize(("kind", "row", "col", "value"), [
    ("template_active", "行政规范性文件", "本年制发件数", 5),
    ("template_active", "行政规范性文件", "现行有效件数", 5),
    ("template_active", "行政许可", "本年处理决定数量", 12),
    # a row on its header's line, the unit in the header; a row's amount run on into the next line
    ("template_active", "行政事业性收费", "本年收费金额", 16220.85),
    ("template_active", "政府集中采购", "采购项目数量", 9),
    ("template_active", "政府集中采购", "采购总金额", 152.2),
    ("template_apply", "一、本年新收政府信息公开申请数量", "自然人", 2),
    ("template_apply", "(七)总计", "总计", 2),
    ("template_apply", "本机关不掌握相关政府信息", "总计", 1),
    ("template_review", "", "行政复议 › 结果维持", 1),
    ("template_review", "", "行政复议 › 总计", 0),
    ("appendix", "主动公开文件数", "年度", 51),
    ("appendix", "主动公开文件数", "历年累计", 256),
])
def test_run_together_rows(kind: str, row: str, col: str, value: float) -> None:
    cells = [c for t in _cells_of(kind) for c in t.cells if row in c.row_label and c.col_label == col]
    assert cells and cells[0].value == value
    assert _RUN_TABLES[cells[0].start:cells[0].end] == cells[0].raw  # the quote is the cell as written


def test_money_columns_keep_their_unit() -> None:
    cells = {(c.row_label, c.col_label): c for t in _cells_of("template_active") for c in t.cells}
    assert cells[("行政事业性收费", "本年收费金额")].unit == "万元"
    assert cells[("政府集中采购", "采购总金额")].unit == "万元"
    assert cells[("政府集中采购", "采购项目数量")].unit is None


def test_review_identity_break_is_flagged_and_glued_cumulative_kept_uncertain() -> None:
    (review,) = _cells_of("template_review")
    assert review.row_checks[0][2] == "inconsistent"
    (stat,) = _cells_of("appendix")
    status = {label: st for label, _, st in stat.row_checks}
    assert status["其中:1.政府网站公开数"] == "uncertain"  # 7|392238, 73|92238, 739|2238 all keep 累计 ≥ 年度
    assert any(c.uncertain and c.value is None for c in stat.cells)


def test_active_table_sub_headers_and_merged_cells() -> None:
    """The 2021 主动公开 table as HTML/DOCX/PDF readers render it: each 第二十条 block has its own 信息内容
    row, and a figure in a cell merged over three columns is repeated by the reader: one cell, not three."""
    from index.sections import parse_sections

    text = ("二、主动公开政府信息情况\n"
            "| 第二十条第(一)项 | 第二十条第(一)项 | 第二十条第(一)项 | 第二十条第(一)项 |\n"
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
            "| 规章 | 0 | 0 | 3 |\n"
            "| 第二十条第(五)项 | 第二十条第(五)项 | 第二十条第(五)项 | 第二十条第(五)项 |\n"
            "| 信息内容 | 本年处理决定数量 | 本年处理决定数量 | 本年处理决定数量 |\n"
            "| 行政许可 | 1532 | 1532 | 1532 |\n")
    (t,) = find_tables(text, parse_sections(text))
    cells = {(c.row_label.split(" › ")[-1], c.col_label.split(" › ")[-1]): c.value for c in t.cells}
    assert cells[("行政许可", "本年处理决定数量")] == 1532
    assert not any(r == "行政许可" and col != "本年处理决定数量" for r, col in cells)
    assert cells[("规章", "现行有效件数")] == 3


@pytest.mark.parametrize(("row", "cells"), [
    ("政府集中采购 9 152.2万元", {"采购项目数量": (9, None), "采购总金额": (152.2, "万元")}),
    ("政府集中采购 0 0", {"采购项目数量": (0, None), "采购总金额": (0, None)}),
    ("政府集中采购2832995元", {"采购总金额": (None, None)}),  # 2|832995, 28|32995 …: kept as written
])
def test_procurement_row_with_its_money_unit(row: str, cells: dict) -> None:
    from index.sections import parse_sections

    text = f"二、主动公开政府信息情况\n第二十条第(九)项信息内容采购项目数量采购总金额\n{row}\n"
    (t,) = find_tables(text, parse_sections(text))
    assert {c.col_label: (c.value, c.unit) for c in t.cells} == cells
