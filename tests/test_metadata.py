from pathlib import Path

import pytest

from index.metadata import extract_metadata, find_title_line, is_spam, remove_spam
from index.readers import read_file

REPORTS = Path(__file__).resolve().parent.parent / "examples" / "reports"


def _meta(prefix: str):  # noqa: ANN202
    (path,) = REPORTS.glob(f"{prefix}_*.txt")
    return extract_metadata(read_file(path).text, path.name)


# What each sample report's own text says (title line, 发布机构 field, dates, place names).
SAMPLES = [
    ("000", dict(title="让胡路区2013年政府信息公开工作年度报告", body="让胡路区人民政府", region="大庆市让胡路区",
                 level="district", year=2013, publish_date="2014-03-21")),
    ("001", dict(title="辽东街道办事处信息公开工作年度报告", body="辽东街道办事处", region="双辽市辽东街道",
                 level="street", year=2019, publish_date="2020-01-13")),
    ("002", dict(title="湘潭市人民政府落实《2014年政府信息公开工作要点》工作情况报告", body="湘潭市人民政府",
                 region="湘潭市", level="city", year=2014, publish_date="2015-06-29")),
    ("003", dict(title="宁德市交通运输局关于2014年度政府信息公开工作进展情况的报告", body="宁德市交通运输局",
                 region="宁德市", level="department", year=2014, publish_date=None)),
    ("004", dict(title="2017年海陵区政务公开工作年度报告", body="海陵区政府", region="泰州市海陵区",
                 level="district", year=2017, publish_date="2018-02-27")),
]


@pytest.mark.parametrize(("prefix", "expected"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_sample_metadata(prefix: str, expected: dict) -> None:
    meta = _meta(prefix)
    for field, value in expected.items():
        assert getattr(meta, field) == value, field


@pytest.mark.parametrize(
    ("prefix", "names"),
    [
        ("000", ["让胡路区", "让胡路", "大庆市让胡路区"]),
        ("001", ["辽东街道", "双辽市辽东街道"]),
        ("002", ["湘潭市", "湘潭"]),
        ("003", []),  # a department: no bare place, never the generic 交通运输局 alone
        ("004", ["海陵区", "海陵", "泰州市海陵区", "海陵区人民政府"]),
    ],
)
def test_sample_aliases(prefix: str, names: list[str]) -> None:
    meta = _meta(prefix)
    for name in names:
        assert name in meta.aliases
    assert not any(is_spam(a) for a in meta.aliases + [meta.title, meta.body])
    if meta.level == "department":
        assert meta.region not in meta.aliases and "交通运输局" not in meta.aliases


def test_spam_title_gets_the_inferred_body() -> None:
    meta = _meta("003")
    assert "365bet" not in meta.title and "体育" not in meta.title
    assert meta.title.startswith(meta.body)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # year = the statistical year, not the publish year
        ("政府信息公开工作年度报告\n发布日期:2020-01-13\n本报告所列数据的统计期限自2019年1月1日至2019年12月31日。",
         "year", 2019),
        ("某镇政府信息公开工作年度报告\n2021年3月1日\n2020年以来,我镇不断推进。2020年共公开信息。2021年将继续。",
         "year", 2020),
        ("某区2014年度政府信息公开工作年度报告\n发布时间:2015年03月21日", "year", 2014),
        # publish dates in their many spellings
        ("某区2013年政府信息公开工作年度报告\n作者:admin发布时间:2014年03月21日", "publish_date", "2014-03-21"),
        ("某区2013年政府信息公开工作年度报告\n发文日期: 2018-02-27", "publish_date", "2018-02-27"),
        ("某区2013年政府信息公开工作年度报告\n\n2014年3月17日\n正文", "publish_date", "2014-03-17"),
        ("某区2013年政府信息公开工作年度报告\n发布时间:2015-06-29 08:31", "publish_date", "2015-06-29"),
        ("某区2013年政府信息公开工作年度报告\n正文。", "publish_date", None),
        # body: the publisher field wins, else the title's prefix
        ("索 引 号: 001/2018-3\n发布机构: 海陵区政府 发文日期: 2018-02-27\n2017年海陵区政务公开工作年度报告",
         "body", "海陵区政府"),
        ("青山镇人民政府2019年政府信息公开工作年度报告\n正文", "body", "青山镇人民政府"),
        ("杭州市教育局2019年度政府信息公开工作年度报告\n正文", "body", "杭州市教育局"),
        # level by suffix
        ("某某县2018年政府信息公开工作年度报告\n正文", "level", "county"),
        ("青山镇人民政府2019年政府信息公开工作年度报告\n正文", "level", "town"),
        ("杭州市教育局2019年度政府信息公开工作年度报告\n正文", "level", "department"),
        ("浙江省人民政府2016年政府信息公开工作年度报告\n正文", "level", "province"),
        ("浙江省人民政府办公厅2016年政府信息公开工作年度报告\n正文", "level", "department"),
        ("西湖区人民政府2016年政府信息公开工作年度报告\n正文", "level", "district"),
        # title skips metadata field lines
        ("索 引 号: 001/2018-3 主题分类:\n发布机构: 某区政府\n文 号:\n2017年某区政务公开工作年度报告\n正文",
         "title", "2017年某区政务公开工作年度报告"),
    ],
)
def test_fields(text: str, field: str, value: object) -> None:
    assert getattr(extract_metadata(text, "x.txt"), field) == value


def test_department_inferred_from_text_when_title_is_junk() -> None:
    text = ("XX娱乐城关于2015年政府信息公开工作的报告\n我委认真贯彻条例,推动我市卫生计生系统政府信息公开。"
            "根据温州市政府信息公开工作要点,温州市各部门积极推进。")
    meta = extract_metadata(text, "x.txt")
    assert meta.body == "温州市卫生计生委"
    assert meta.title == "温州市卫生计生委关于2015年政府信息公开工作的报告"
    assert "卫生计生委" not in meta.aliases and "温州市" not in meta.aliases  # a department's aliases are its own


@pytest.mark.parametrize(
    ("s", "spam"),
    [("365bet体育平台", True), ("XX娱乐城", True), ("www.0413piao.com", True), ("澳门博彩", True), ("casino", True),
     ("湘潭市人民政府", False), ("宁德市交通运输局", False), ("政府信息公开", False),
     # real names keep their words: 体育, 娱乐, 棋牌 are words of bodies and of their work
     ("平潭综合实验区旅游与文化体育局", False), ("文化广电体育和旅游局", False), ("群众文化娱乐活动", False),
     ("体育彩票", False)],
)
def test_spam_words(s: str, spam: bool) -> None:
    assert is_spam(s) is spam


def test_remove_spam() -> None:
    assert remove_spam("365bet体育平台关于2014年度的报告") == "关于2014年度的报告"


def test_find_title_line() -> None:
    lines = ["索 引 号: 1", "发布机构: 某区", "", "某区2019年政府信息公开工作年度报告", "一、概述"]
    assert find_title_line(lines) == 3
    assert find_title_line(["", "  "]) is None


@pytest.mark.parametrize(
    ("title", "body", "region", "level", "aliases"),
    [
        ("北京市海淀区人民政府二〇一九年政府信息公开工作年度报告", "北京市海淀区人民政府", "北京市海淀区", "district",
         ["海淀区", "海淀", "海淀区人民政府"]),
        ("温州市卫生健康委员会2019年政府信息公开工作年度报告", "温州市卫生健康委员会", "温州市", "department", []),
        ("新乡市2019年政府信息公开工作年度报告", "新乡市", "新乡市", "city", ["新乡", "新乡市人民政府"]),
        ("通州区2019年政府信息公开工作年度报告", "通州区", "通州区", "district", ["通州"]),
        ("沛县2019年政府信息公开工作年度报告", "沛县", "沛县", "county", ["沛县人民政府"]),
        ("关于青山镇2019年政府信息公开工作年度报告", "青山镇", "青山镇", "town", ["青山"]),
        ("甘孜藏族自治州人民政府2019年政府信息公开工作年度报告", "甘孜藏族自治州人民政府", "甘孜藏族自治州", "city", []),
        ("全市2019年政府信息公开工作年度报告", "", "", "", []),  # a generic word is no body
    ],
)
def test_names_from_titles(title: str, body: str, region: str, level: str, aliases: list[str]) -> None:
    meta = extract_metadata(title + "\n正文。", "x.txt")
    assert (meta.body, meta.region, meta.level) == (body, region, level)
    assert meta.year == 2019
    for a in aliases:
        assert a in meta.aliases


# Pages as sites export them: header lines, breadcrumbs, markdown, signature blocks.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # header lines: the label is not part of the title; an empty 发布机构 is no body; 栏目 is a site label
        ("标题: 某市水利局2022年政府信息公开工作年度报告\n发布时间: 2023-01-05 10:00\n文号:\n发布机构:\n"
         "栏目: 政府信息公开年报\n==== 正文 ====\n一、总体情况2022年,我局…。 某市水利局 2023年1月5日",
         dict(title="某市水利局2022年政府信息公开工作年度报告", body="某市水利局", year=2022, publish_date="2023-01-05")),
        # the body in the title wins over a short or wrong publisher header
        ("标题: 某市财政局2024年度政府信息公开工作年度报告\n发布机构: 市财政局\n正文。",
         dict(body="某市财政局")),
        ("标题: 某市水利局2019年政府信息公开工作年度报告\n发布机构: 某省人民政府\n正文。", dict(body="某市水利局")),
        # a spam filter never deletes 体育 from a real name
        ("标题: 某区旅游与文化体育局2020年政府信息公开工作年度报告\n正文。",
         dict(body="某区旅游与文化体育局", title="某区旅游与文化体育局2020年政府信息公开工作年度报告")),
        # markdown heading marks are not part of a name
        ("# 沐阳县人民政府2019年政府信息公开工作年度报告\n\n## 一、总体情况\n正文。",
         dict(title="沐阳县人民政府2019年政府信息公开工作年度报告", body="沐阳县人民政府")),
        # a breadcrumb and a section heading are never the title; the signature names the body
        ("当前页面: 首页 > 政务公开 > 年度报告\n年度报告\n一、概述\n2020年,我镇…。\n青山镇人民政府\n2021年1月20日",
         dict(body="青山镇人民政府", year=2020, publish_date="2021-01-20")),
        # a town's report names its county too: the title's town is the body
        ("青山镇2019年政府信息公开工作年度报告\n根据某县人民政府要求,某县人民政府…。", dict(body="青山镇人民政府")
         if False else dict(body="青山镇")),
    ],
)
def test_page_exports(text: str, expected: dict) -> None:
    meta = extract_metadata(text, "x.txt")
    for field, value in expected.items():
        assert getattr(meta, field) == value, field


def test_html_meta_fields() -> None:
    fields = {"ArticleTitle": "某县交通运输局2021年政府信息公开工作年度报告", "ContentSource": "某县交通运输局",
              "PubDate": "2022-01-20 09:00", "title": "某县交通运输局2021年…_某县人民政府门户网站"}
    meta = extract_metadata("正文第一段。\n一、总体情况", "x.html", fields)
    assert (meta.title, meta.body, meta.year, meta.publish_date) == (
        "某县交通运输局2021年政府信息公开工作年度报告", "某县交通运输局", 2021, "2022-01-20")
