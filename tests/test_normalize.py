import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.normalize import normalize_text, strip_furniture


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u00a0b", "a b"),  # non-breaking space
        ("a\u3000b", "a b"),  # ideographic space
        ("a\u2002\u2003\u200bb", "a   b"),  # en/em/zero-width space -> one space each
        ("\ufeff标题", " 标题"),  # BOM inside text
        ("一\r\n二\r三", "一\n二\n三"),  # CRLF / CR
        ("行尾   \n下一行\t ", "行尾\n下一行"),  # trailing spaces stripped per line
        ("\u00a0\u00a0\n正文", "\n正文"),  # a line of only odd spaces becomes empty
        ("(一)予以公开", "(一)予以公开"),  # full-width parens -> ASCII (NFKC)
        ("1﹒当面申请数", "1.当面申请数"),  # U+FE52 small full stop -> "."
        ("2,047条;占比:88.2%", "2,047条;占比:88.2%"),  # full-width punctuation/digits
        ("一、概述。甲、乙", "一、概述。甲、乙"),  # 、 and 。 are kept
        ("单元格\n\n\n\n0", "单元格\n\n\n\n0"),  # blank lines (cell boundaries) kept
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@given(st.text())
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert "\r" not in once
    assert all(line == line.rstrip() for line in once.split("\n"))


FURNITURE = [
    "打印本页",
    "关闭窗口",
    "【关闭本页】 【打印本页】 【返回顶部】",
    "点击数:",
    "点击数:1234",
    "【字体: 大 中 小】",
    "分享到:",
    "当前位置 : 首页 >> 政府信息公开平台 >> 信息公开年度报告",
    "首页 政府信息公开指南 政府信息公开目录 政府信息公开年度报告 政府信息公开规定 依申请公开 信息公开监督保障制度",
    "来 源:系统管理部 责任编辑:",
    "责任编辑:张三",
    "政府信息公开检索:",
]

KEPT = [
    "一、总体情况",
    "本年度共主动公开政府信息2047条,其中网站发布1880条。",
    "索 引 号: 001000/2018-00003 主题分类:",
    "发布机构: 海陵区政府 发文日期: 2018-02-27",
    "0",  # a table cell between report lines
    "首页显要位置设立了政府信息公开专栏",  # starts with 首页 but is report prose
    "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
    "来源渠道",
    "政务公开 依申请公开",  # too few tokens for a menu
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_dropped(line: str) -> None:
    text = f"报告标题\n{line}\n正文第一段。"
    assert strip_furniture(text) == "报告标题\n正文第一段。"


@pytest.mark.parametrize("line", KEPT)
def test_report_lines_are_kept(line: str) -> None:
    text = f"报告标题\n\n{line}\n\n正文第一段。"
    assert strip_furniture(text) == text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("作者:admin发布时间:2014年03月21日点击数:", "作者:admin发布时间:2014年03月21日"),
        ("发布日期:2020-01-13    点击数:", "发布日期:2020-01-13"),
        ("某某网站 发布时间:2015-06-29 08:31 【字体:", "某某网站 发布时间:2015-06-29 08:31"),
        ("发布时间:2015-06-29 【字体: 大 中 小】【打印本页】", "发布时间:2015-06-29"),
    ],
)
def test_date_lines_keep_the_date(line: str, expected: str) -> None:
    assert strip_furniture(f"标题\n{line}\n正文。") == f"标题\n{expected}\n正文。"


def test_share_counter_goes_with_furniture_but_cells_stay() -> None:
    text = "正文最后一段。\n\n分享到:\n0\n来 源:系统管理部 责任编辑:"
    assert strip_furniture(text) == "正文最后一段。"
    table = "行政许可\n\n0\n\n0\n\n其他对外管理服务事项\n\n0"
    assert strip_furniture(table) == table
