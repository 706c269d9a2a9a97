from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.models import Metadata, Report
from index.readers import read_file
from index.sections import cn_to_int, parse_sections

REPORTS = Path(__file__).resolve().parent.parent / "examples" / "reports"


def _sample(prefix: str) -> str:
    (path,) = REPORTS.glob(f"{prefix}_*.txt")
    return read_file(path).text


def _headings(text: str, level: int | None = None) -> list[str]:
    return [s.heading for s in parse_sections(text) if level is None or s.level == level]


# --- the sample reports: full heading lists (level, heading) ------------------------------

SAMPLE_TREES = {
    "000": [
        (0, "让胡路区2013年政府信息公开工作年度报告"),
        (1, "一、概述"),
        (2, "(一)强化组织领导,保障公开工作有序进行"),
        (2, "(二)深入整章建制,着力保障公开工作全面落实"),
        (2, "(三)拓宽工作渠道,有序推进信息公开基础工作"),
        (1, "二、主动公开政府信息情况"),
        (2, "(一)主动公开的政府信息数量和内容"),
        (3, "1、主动公开的信息数量"),
        (3, "2、主动公开的政府信息内容"),
        (4, "(1)区政府及区政府办公室文件"),
        (4, "(2)区政府重大决策、2013国民经济和社会发展计划执行情况、城乡建设规划"),
        (4, "(3)财政信息"),
        (4, "(4)行政执法情况"),
        (4, "(5)拆迁征地信息"),
        (4, "(6)重大基本建设项目信息"),
        (4, "(7)突发公共事件的应急预案、预警信息及应对情况"),
        (4, "(8)人事管理信息"),
        (4, "(9)行政机关机构职能信息"),
        (4, "(10)工作动态"),
        (2, "(二)公开的载体"),
        (3, "1、政府网站等媒体"),
        (3, "2、公共查阅点"),
        (3, "3.其它渠道"),
        (1, "三、依申请公开政府信息情况"),
        (1, "四、行政复议、行政诉讼和申诉情况"),
        (1, "五、对公民、法人和其他组织收费情况"),
        (1, "六、主要问题和改进措施"),
        (2, "(一)进一步建设政务公开网站载体"),
        (2, "(二)辟建政府信息公开基层示范点"),
        (2, "(三)加强监督考核"),
        (1, "七、其他需报告的事项"),
    ],
    "001": [
        (0, "辽东街道办事处信息公开工作年度报告"),
        (1, "一、 总体情况"),
        (2, "(一)健全工作机制"),
        (2, "(二)加大督促检查工作力度"),
        (2, "(三)强化宣传培训工作"),
        (2, "(四)完善政府信息公开平台建设"),
        (1, "二、主动公开政府信息情况"),
        (1, "三、收到和处理政府信息公开申请情况"),
        (1, "四、政府信息公开行政复议、行政诉讼情况"),
        (1, "五、存在的主要问题及改进情况"),
        (1, "六、其他需要报告的事项"),
    ],
    "002": [
        (0, "湘潭市人民政府落实《2014年政府信息公开工作要点》工作情况报告"),
        (1, "一、突出重点,狠抓重点领域信息公开"),
        (1, "二、制定政策,做好热点舆情解读回应"),
        (1, "三、严格把关,做好政府信息依申请公开工作"),
        (1, "四、强化平台建设、制度建设和基础建设"),
        (1, "五、高质高效,12345市长热线平台日趋完善"),
        (2, "(一)深入推进重点领域信息公开"),
        (2, "(二)提升依申请公开工作水平"),
        (2, "(三)完善政府门户网站栏目建设"),
        (2, "(四)加强市长热线平台建设"),
    ],
    "003": [
        (0, "365bet体育平台关于2014年度政府信息公开工作进展情况的报告"),
        (1, "一、2014年度政府信息公开基本开展情况"),
        (2, "(一)健全工作机构"),
        (2, "(二)明确责任分工"),
        (2, "(三)强化载体建设"),
        (2, "(四)加强宣传培训"),
        (1, "二、2014年度政府信息公开工作落实情况"),
        (2, "(一)主动公开情况"),
        (2, "(二)依申请公开情况"),
        (2, "(三)存在困难"),
        (1, "三、2015年度政府信息公开工作推进计划"),
        (2, "(一)总体要求"),
        (2, "(二)目标任务"),
    ],
    "004": [
        (0, "2017年海陵区政务公开工作年度报告"),
        (1, "一、概述"),
        (2, "(一)坚持强化制度体系建设"),
        (2, "(二)加快完善网站平台建设"),
        (2, "(三)积极建设“互联网+政务服务”"),
        (2, "(四)不断加强政策解读工作"),
        (1, "二、政府信息主动公开情况"),
        (2, "(一)政府信息公开情况"),
        (2, "(二)公共企事业单位信息公开情况"),
        (1, "三、依申请公开办理情况"),
        (1, "四、因政府信息公开被申请行政复议、提起行政诉讼的情况"),
        (1, "五、深化“放管服”改革信息公开情况"),
        (1, "六、政务公开工作要点落实完成情况"),
        (1, "七、存在的不足和改进措施"),
        (1, "八、附表"),
    ],
}


@pytest.mark.parametrize("prefix", sorted(SAMPLE_TREES))
def test_sample_heading_tree(prefix: str) -> None:
    got = [(s.level, s.heading) for s in parse_sections(_sample(prefix))]
    assert got == SAMPLE_TREES[prefix]


@pytest.mark.parametrize(
    ("prefix", "table_row"),
    [
        ("001", "一、本年新收政府信息公开申请数量"),
        ("001", "(一)予以公开"),
        ("001", "1.属于国家秘密"),
        ("001", "(三)不予公开"),
        ("001", "四、结转下年度继续办理"),
        ("004", "一、主动公开情况"),
        ("004", "(一)主动公开政府信息数"),
        ("004", "1.当面申请数"),  # "1﹒" after NFKC
        ("004", "九、机构建设和保障经费情况"),
        ("004", "十、政府信息公开会议和培训情况"),
        ("003", "一、全面深化政府信息公开工作"),
        ("003", "四、加强公共资源配置信息公开"),
        ("003", "1.继续深化政府信息主动公开"),
    ],
)
def test_table_row_labels_are_not_sections(prefix: str, table_row: str) -> None:
    text = _sample(prefix)
    assert table_row in text  # the label really is in the report
    assert table_row not in _headings(text)


@pytest.mark.parametrize(
    ("prefix", "heading", "path"),
    [
        ("000", "(一)主动公开的政府信息数量和内容", ["二、主动公开政府信息情况", "(一)主动公开的政府信息数量和内容"]),
        ("000", "3.其它渠道", ["二、主动公开政府信息情况", "(二)公开的载体", "3.其它渠道"]),
        ("000", "三、依申请公开政府信息情况", ["三、依申请公开政府信息情况"]),
        ("002", "(四)加强市长热线平台建设", ["五、高质高效,12345市长热线平台日趋完善", "(四)加强市长热线平台建设"]),
        ("003", "(三)存在困难", ["二、2014年度政府信息公开工作落实情况", "(三)存在困难"]),
    ],
)
def test_paths(prefix: str, heading: str, path: list[str]) -> None:
    (sec,) = [s for s in parse_sections(_sample(prefix)) if s.heading == heading]
    assert sec.path == path
    assert sec.path_str == " › ".join(path)


@pytest.mark.parametrize(
    ("prefix", "phrase", "heading"),
    [
        # A figure really in the report lies inside the section that holds it.
        ("000", "共受理政府信息公开申请54条", "三、依申请公开政府信息情况"),
        ("000", "在各类公开载体共发布信息2047条", "1、主动公开的信息数量"),
        ("001", "本年新收政府信息公开申请数量", "三、收到和处理政府信息公开申请情况"),
        ("002", "共办理依申请公开政府信息69件", "三、严格把关,做好政府信息依申请公开工作"),
        ("003", "我局一共制作并主动公开政府信息162条", "(一)主动公开情况"),
        ("004", "政府信息公开专项经费", "八、附表"),
        ("004", "全年区长信箱收到308件", "(二)加快完善网站平台建设"),
    ],
)
def test_section_at_offsets(prefix: str, phrase: str, heading: str) -> None:
    text = _sample(prefix)
    report = Report(source=prefix, content_hash="", format="txt", text=text, meta=Metadata(),
                    sections=parse_sections(text))
    sec = report.section_at(text.index(phrase))
    assert sec is not None and sec.heading == heading


@pytest.mark.parametrize("prefix", sorted(SAMPLE_TREES))
def test_spans_tile_the_text(prefix: str) -> None:
    text = _sample(prefix)
    secs = parse_sections(text)
    assert secs[0].start == 0 and secs[-1].end == len(text)
    for a, b in zip(secs, secs[1:]):
        assert a.end == b.start and a.start < a.end
    for s in secs:
        assert s.level == 0 or text[s.start: s.start + len(s.heading)] == s.heading
        assert s.ord == secs.index(s)
        if s.parent is not None:
            assert secs[s.parent].level < s.level and s.path[:-1] == secs[s.parent].path


# --- synthetic layouts --------------------------------------------------------------------

def test_running_heading_is_cut_at_first_full_stop() -> None:
    text = "某报告\n一、突出重点,狠抓重点领域信息公开。重点领域政府信息公开工作是重点。\n二、其他。"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["某报告", "一、突出重点,狠抓重点领域信息公开", "二、其他"]
    assert secs[1].start == text.index("一、")


def test_long_running_heading_is_capped() -> None:
    body = "这是一段很长的没有任何句号的文字" * 5
    secs = parse_sections(f"标题\n一、{body}\n")
    assert len(secs[1].heading) <= 2 + 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # indented headings, colon terminator, markdown heading marks
        ("标题\n    一、概述:全年情况如下\n  (一)做法\n正文。", ["标题", "一、概述", "(一)做法"]),
        ("# 标题报告\n\n## 一、概述\n\n正文。\n\n## 二、主动公开\n", ["# 标题报告", "一、概述", "二、主动公开"]),
        # 第一部分 / 第一章 are level 1
        ("标题\n第一部分 概述\n正文。\n第二部分 主动公开\n正文。", ["标题", "第一部分 概述", "第二部分 主动公开"]),
        # one skipped number is tolerated; a far jump is not a heading
        ("标题\n一、甲\n正文内容。\n三、丙\n正文内容。\n九、不是标题\n正文内容。", ["标题", "一、甲", "三、丙"]),
        # a new parent restarts the sub-numbering
        ("标题\n一、甲\n(一)子一\n(二)子二\n二、乙\n(一)子三\n", ["标题", "一、甲", "(一)子一", "(二)子二", "二、乙", "(一)子三"]),
        # decimals and years are not numbering
        ("标题\n一、甲\n1.5%的增长来自网站。\n2019年以来成效明显。\n", ["标题", "一、甲"]),
        # no preamble when the text starts with a heading
        ("一、甲\n正文。\n二、乙\n正文。", ["一、甲", "二、乙"]),
    ],
)
def test_synthetic_layouts(text: str, expected: list[str]) -> None:
    assert _headings(text) == expected


def test_flattened_2019_template_without_numbers_is_not_sections() -> None:
    """Rows of the statutory table with empty cells (no numbers) still read as table rows."""
    cells = "\n\n".join(["申请人情况", "自然人", "法人或其他组织", "总计",
                         "一、本年新收政府信息公开申请数量", "", "二、上年结转政府信息公开申请数量", "",
                         "三、本年度办理结果", "(一)予以公开", "(二)部分公开", "(三)不予公开",
                         "1.属于国家秘密", "2.其他法律行政法规禁止公开", "(四)无法提供",
                         "四、结转下年度继续办理"])
    text = (f"某区政府信息公开工作年度报告\n一、总体情况\n全年工作有序推进。\n二、主动公开政府信息情况\n"
            f"主动公开信息100条。\n三、收到和处理政府信息公开申请情况\n\n{cells}\n\n\n"
            f"四、政府信息公开行政复议、行政诉讼情况\n\n行政复议\n\n0\n\n\n五、存在的主要问题及改进情况\n"
            f"一是公开意识不强。\n")
    assert _headings(text, 1) == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
    ]
    assert _headings(text, 2) == [] and _headings(text, 3) == []


def test_pipe_rows_never_hold_headings() -> None:
    text = "标题\n一、概述\n| 一、本年新收 | 5 |\n| (一)予以公开 | 3 |\n二、其他\n"
    assert _headings(text) == ["标题", "一、概述", "二、其他"]


def test_real_subheading_after_a_table_ends() -> None:
    """Table mode ends at the first prose line, so a later (二) is a heading again."""
    text = ("标题\n一、主动公开\n(一)网站公开\n\n统计指标\n\n一、主动公开情况\n\n(一)主动公开数\n\n5\n\n"
            "二、回应情况\n\n3\n\n本节的说明文字写得比较长,用于说明上表的统计口径和数据来源,共计若干条。\n"
            "(二)其他渠道\n正文。\n")
    assert _headings(text) == ["标题", "一、主动公开", "(一)网站公开", "(二)其他渠道"]


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23), ("一百", 100), ("12", 12),
     ("甲", None)],
)
def test_cn_to_int(numeral: str, value: int | None) -> None:
    assert cn_to_int(numeral) == value


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["一、甲", "二、乙", "(一)丙", "1.丁", "(1)戊", "", "0", "正文内容。", "  三、己。庚",
                                 "|a|b|", "第一部分 辛"]), max_size=30))
def test_parse_never_breaks_invariants(parts: list[str]) -> None:
    text = "\n".join(parts)
    secs = parse_sections(text)
    for a, b in zip(secs, secs[1:]):
        assert a.end == b.start
    if secs:
        assert secs[-1].end == len(text)
        assert all(s.start < s.end or s.start == len(text) for s in secs)


def test_subheading_right_after_a_table_under_it() -> None:
    """A table under (三) with 一、/二、 row labels must not swallow the real (四) after it."""
    text = ("标题\n一、主动公开\n(三)依申请公开情况\n\n一、收到申请数\n\n(一)当面申请\n\n5\n\n二、办结数\n\n5\n\n"
            "(四)机构建设情况\n全区共设立政府信息公开工作机构十个,配备工作人员若干名,保障了工作开展。\n")
    # (三) without (一)(二) before it is two steps away: the first-level sequence is 一 only
    text = text.replace("(三)依申请公开情况", "(一)主动公开情况\n正文内容较长的一段话,说明主动公开的基本情况和主要做法。\n"
                                           "(二)其他\n正文。\n(三)依申请公开情况")
    assert _headings(text, 2) == ["(一)主动公开情况", "(二)其他", "(三)依申请公开情况", "(四)机构建设情况"]


def test_other_matters_answered_with_none_is_a_heading() -> None:
    text = "标题\n一、总体情况\n正文。\n二、其他需要报告的事项\n\n无\n"
    assert _headings(text, 1) == ["一、总体情况", "二、其他需要报告的事项"]
