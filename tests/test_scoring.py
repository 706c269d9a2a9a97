"""Table-driven tests of eval/scoring.py on crafted right and wrong answers."""
from __future__ import annotations

import pytest

from assistant.answers import Answer, Citation, Conflict
from eval import scoring as sc


def cit(source="r.txt", section="一、概述", quote="", report="某区2017年政府信息公开工作年度报告", **kw):
    return Citation(source=source, report=report, section=section, quote=quote, start=0, end=len(quote), **kw)


def ans(text="", value=None, unit=None, citations=(), **kw):
    return Answer(question="q", answer=text, route=kw.pop("route", "sql"), value=value, unit=unit,
                  citations=list(citations), **kw)


# ---------------------------------------------------------------- normalize_number

@pytest.mark.parametrize("value, unit, expected", [
    (2047, "条", 2047),
    (1.7, "万", 17000),
    ("1.7万", None, 17000),
    ("约1.7万", None, 17000),
    ("约1.7万", "条", 17000),
    ("1.7万", "条", 17000),
    ("1万余人", None, 10000),
    (90.2, "万元", 902000),
    ("90.2万元", None, 902000),
    (3, "亿元", 3e8),
    (2, "千人", 2000),
    (5, "百户", 500),
    (3, "千米", 3),  # a unit, not a scale
    (60.5, "%", 60.5),
    ("60.5%", None, 60.5),
    ("60.5%", None, 60.5),  # full-width percent
    (0.605, None, 0.605),
    ("12+6=18条", None, 18),
    ("98/162≈60.5%", None, 60.5),
    ("1,234.5元", None, 1234.5),
    ("17,248件次", None, 17248),
    ("共54条", None, 54),
    ("abc", None, None),
    ("", None, None),
    (None, "条", None),
    (0, "件", 0),
])
def test_normalize_number(value, unit, expected):
    got = sc.normalize_number(value, unit)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize("value, expected", [
    (60.5, 1), (84.18, 2), (70, 0), (70.0, 0), (0, 0), ("60.50", 2), ("98/162≈60.5%", 1), (92.6, 1),
])
def test_decimals_of(value, expected):
    assert sc.decimals_of(value) == expected


# ---------------------------------------------------------------- numbers_match / scale_match

@pytest.mark.parametrize("got, got_unit, gold, gold_unit, expected", [
    # exact and rounding to the gold's decimals (TAT-QA)
    (2047, "条", 2047, "条", True),
    (2046, "条", 2047, "条", False),
    (60.46, "%", 60.5, "%", True),
    (60.46, "%", 60.4, "%", False),
    (60.44, "%", 60.5, "%", False),
    (60.49382716, "%", 60.5, "%", True),
    (84.183, "%", 84.18, "%", True),
    (84.2, "%", 84.18, "%", False),  # no partial credit for fewer decimals
    (70.4, "件", 70, "件", True),
    (70.6, "件", 70, "件", False),
    # percent forms
    (0.605, None, 60.5, "%", True),
    (0.6049, None, 60.5, "%", True),
    (0.605, "", 60.5, "%", True),
    (0.605, "%", 60.5, "%", False),  # 0.605% is not 60.5%
    ("60.5%", None, 60.5, "%", True),
    (60.5, None, 60.5, "%", True),
    (1.5, None, 60.5, "%", False),
    # scale words
    ("1.7万", None, 17000, "条", True),
    (17000, "条", "1.7万", None, True),
    (17000, None, "1.7万", None, True),
    (1.7, "万条", 17000, "条", True),
    (10000, "人", 1, "万人", True),
    (17000, "人", 1, "万人", False),
    (902000, "元", 90.2, "万元", True),
    (90.2, "元", 90.2, "万元", False),
    (90.2, None, 90.2, "万元", True),  # number right; scale scored separately
    (90.2, "万元", 90.2, "万元", True),
    ("约1.7万", None, 17000, "条", True),
    ("12+6=18条", None, 18, "条", True),
    # count nouns are not scales
    (54, "件", 54, "条", True),
    # missing answers
    (None, None, 54, "条", False),
    (None, None, None, None, True),
])
def test_numbers_match(got, got_unit, gold, gold_unit, expected):
    assert sc.numbers_match(got, got_unit, gold, gold_unit) is expected


@pytest.mark.parametrize("got, got_unit, gold, gold_unit, expected", [
    (90.2, "万元", 90.2, "万元", True),
    (902000, "元", 90.2, "万元", False),
    (90.2, None, 90.2, "万元", False),
    (54, "件", 54, "条", True),
    (54, None, 54, "条", True),
    (60.5, "%", 60.5, "%", True),
    (0.605, None, 60.5, "%", False),
    ("60.5%", None, 60.5, "%", True),
    ("1.7万", None, 17000, "条", False),
    (17000, "条", 17000, "条", True),
    (5, "个", 5, None, True),
])
def test_scale_match(got, got_unit, gold, gold_unit, expected):
    assert sc.scale_match(got, got_unit, gold, gold_unit) is expected


# ---------------------------------------------------------------- citations

GOLD = {"report": "004_x.txt", "section": "(二)加快完善网站平台建设", "answer_value": 308, "unit": "件",
        "answer_text": "308件", "evidence": "全年区长信箱收到308件", "kind": "lookup"}


@pytest.mark.parametrize("citations, gold_report, expected", [
    ([cit(source="004_x.txt")], "004_x.txt", True),
    ([cit(source="/data/in/004_x.txt")], "004_x.txt", True),
    ([cit(source="000_y.txt"), cit(source="004_x.txt")], "004_x.txt", True),
    ([cit(source="000_y.txt")], "004_x.txt", False),  # wrong report cited
    ([], "004_x.txt", False),
    ([cit(source="000_y.txt"), cit(source="004_x.txt")], ["000_y.txt", "004_x.txt"], True),
    ([cit(source="004_x.txt")], ["000_y.txt", "004_x.txt"], False),
])
def test_cites_report(citations, gold_report, expected):
    assert sc.cites_report(ans(citations=citations), gold_report) is expected


@pytest.mark.parametrize("quotes, evidence_nums, expected", [
    (["(一)收到申请数\n\n70"], ["70"], True),
    (["收到申请数 70", "共受理政府信息公开申请54条"], ["54", "70"], True),
    (["共受理政府信息公开申请54条", "收到申请数 70"], ["70"], False),  # only the top quote counts
    (["共办理依申请公开政府信息69件"], ["70"], False),
    (["收到申请数 700"], ["70"], False),  # 70 must be a whole number token
])
def test_cites_report_star_uses_top_quote(quotes, evidence_nums, expected):
    a = ans(citations=[cit(source=f"r{i}.txt", quote=q) for i, q in enumerate(quotes)])
    assert sc.cites_report(a, "*", evidence_nums) is expected


@pytest.mark.parametrize("cited, gold, expected", [
    ("二、主动公开政府信息情况 › (一)政府信息公开情况", "(一)政府信息公开情况", True),  # NFKC brackets
    ("二、主动公开政府信息情况 › (一)政府信息公开情况", "二、主动公开政府信息情况", True),  # any element
    ("一、 总体情况", "一、 总体情况", True),  # NBSP/space folding
    ("一、总体情况", "一、 总体情况", True),
    ("一、突出重点,狠抓重点领域信息公开", "一、突出重点,狠抓重点领域信息公开", True),  # full-width comma
    ("一、突出重点,狠抓重点领域信息公开。重点领域政府信息公开工作", "一、突出重点,狠抓重点领域信息公开", True),
    ("八、附表", "八、附表", True),
    ("三、依申请公开办理情况", "八、附表", False),
    (["二、主动公开政府信息情况", "(一)政府信息公开情况"], "(一)政府信息公开情况", True),
    ("(一)", "(一)政府信息公开情况", False),  # a bare ordinal is not a match
    ("", "八、附表", False),
])
def test_section_matches(cited, gold, expected):
    assert sc.section_matches(cited, gold) is expected


def test_cites_section_top1_vs_any_vs_top5():
    cits = [cit(section="一、概述")] + [cit(section=f"其他{i}") for i in range(5)] + [cit(section="八、附表")]
    a = ans(citations=cits)
    assert sc.cites_section(a, "一、概述", top_k=1)
    assert not sc.cites_section(a, "八、附表", top_k=1)
    assert not sc.cites_section(a, "八、附表", top_k=5)
    assert sc.cites_section(a, "八、附表")


@pytest.mark.parametrize("gold_extra, citations, cells, expected", [
    ({}, [cit(quote="全年区长信箱收到308件,回复办结数量308件")], [], True),
    ({}, [cit(quote="全年区长信箱收到3080件")], [], False),
    ({}, [cit(quote="区长信箱")], [{"value": 308, "raw": "308"}], False),  # returned, not cited
    ({}, [cit(quote="308", row_label="全年区长信箱收到", kind="table")], [], True),
    # the same number from another row of the table is not the evidence
    ({"answer_value": 0, "answer_text": "0件", "evidence": "四、结转下年度继续办理 0"},
     [cit(quote="0", row_label="一、本年新收政府信息公开申请数量", col_label="总计", kind="table")], [], False),
    ({"answer_value": 0, "answer_text": "0件", "evidence": "四、结转下年度继续办理 0"},
     [cit(quote="0", row_label="四、结转下年度继续办理", col_label="总计", kind="table")], [], True),
    # a long evidence sentence: only the words at each operand need citing
    ({"answer_value": 60.5, "unit": "%", "answer_text": "98/162≈60.5%", "kind": "percent",
      "evidence": "我局一共制作并主动公开政府信息162条,其中,权力运行类17条,财政资金类14条,人事党建及廉政类33条,公共服务类98条"},
     [cit(quote="公共服务类98条"), cit(quote="主动公开政府信息162条")], [], True),
    ({"answer_value": 60.5, "unit": "%", "answer_text": "98/162≈60.5%", "kind": "percent",
      "evidence": "我局一共制作并主动公开政府信息162条,其中,权力运行类17条,财政资金类14条,人事党建及廉政类33条,公共服务类98条"},
     [cit(quote="98"), cit(quote="162")], [], False),
    # the measure after the number identifies the figure
    ({"answer_value": 1397, "unit": "户", "answer_text": "1397户", "evidence": "22批次、1397户本级廉租住房保障登记名单予以公示"},
     [cit(quote="1397户本级廉租住房保障登记名单予以公示")], [], True),
    # a zero written in words, quote cut short
    ({"answer_value": 0, "answer_text": "没有发生", "evidence": "2013年,全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。"},
     [cit(quote="全区未发生因政府信息公开而提起的行政复议")], [], True),
    ({"answer_value": 90.2, "unit": "万元", "answer_text": "90.2万元",
      "evidence": "(五)政府信息公开专项经费 ... 万元 90.2"},
     [cit(quote="90.2", row_label="九、机构建设和保障经费情况 › (五)政府信息公开专项经费", kind="table")], [], True),
    ({}, [], [], False),
    # derived: operands from the shown arithmetic
    ({"answer_value": 60.5, "unit": "%", "answer_text": "98/162≈60.5%", "kind": "percent",
      "evidence": "主动公开政府信息162条...公共服务类98条"},
     [cit(quote="主动公开政府信息162条"), cit(quote="公共服务类98条")], [], True),
    ({"answer_value": 60.5, "unit": "%", "answer_text": "98/162≈60.5%", "kind": "percent",
      "evidence": "主动公开政府信息162条...公共服务类98条"},
     [cit(quote="公共服务类98条")], [], False),
    # compare without arithmetic: the compared numbers
    ({"answer_value": 13, "answer_text": "行政诉讼(39件)比行政复议(26件)多13件", "kind": "compare",
      "evidence": "四、行政复议数量 26 ... 五、行政诉讼数量 39"},
     [cit(quote="四、行政复议数量\n\n26"), cit(quote="五、行政诉讼数量\n\n39")], [], True),
    # a zero written in words: the evidence span itself
    ({"answer_value": 0, "answer_text": "没有发生", "evidence": "全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。"},
     [cit(quote="2013年,全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。")], [], True),
    ({"answer_value": 0, "answer_text": "没有发生", "evidence": "全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。"},
     [cit(quote="2013年,全区未发生因政府信息公开而向公民收费的情况。")], [], False),
])
def test_evidence_in_quote(gold_extra, citations, cells, expected):
    gold = {**GOLD, **gold_extra}
    assert sc.evidence_in_quote(ans(citations=citations, cells=cells), gold) is expected


# ---------------------------------------------------------------- fabricated numbers

@pytest.mark.parametrize("text, kw, expected", [
    ("2017年海陵区区长信箱收到308件来信。",
     {"citations": [cit(quote="全年区长信箱收到308件", report="2017年海陵区政务公开工作年度报告")]}, []),
    ("区长信箱收到380件来信。", {"citations": [cit(quote="全年区长信箱收到308件")]}, ["380"]),
    ("区长信箱收到308件,办结率99%。", {"citations": [cit(quote="全年区长信箱收到308件")]}, ["99"]),
    ("2016年区长信箱收到308件。", {"citations": [cit(quote="全年区长信箱收到308件")]}, ["2016"]),
    ("当面申请和信函申请合计18条(12+6=18)。",
     {"citations": [cit(quote="当面申请12条"), cit(quote="信函申请6条")], "arithmetic": "12 + 6 = 18"}, []),
    ("公共服务类占60.5%。",
     {"citations": [cit(quote="162条"), cit(quote="98条")], "arithmetic": "98 / 162 = 0.60494", "value": 60.49}, []),
    ("公共服务类占61%。",
     {"citations": [cit(quote="162条"), cit(quote="98条")], "arithmetic": "98 / 162", "value": 60.49}, ["61"]),
    ("共发布17,248件次[1]。", {"citations": [cit(quote="共接听市民来电17248件次")]}, []),
    ("见第(一)项第1条。", {"citations": [cit(section="三、依申请公开 › 1.收到申请", quote="x")]}, []),
    ("附表为32件,正文为44件。",
     {"citations": [cit(quote="3﹒网络申请数\n32")],
      "conflicts": [Conflict(metric="申请数", values=[32, 44], citations=[cit(quote="网络申请44件")])]}, []),
    ("统计数为5件。", {"cells": [{"metric": "x", "value": 5}]}, []),
    ("统计数为5件。", {"cells": [{"metric": "x", "value": 5.0}]}, []),
    ("统计数为4521件。", {"cells": [{"fact_id": 4521, "report_id": 3, "start": 4521, "end": 4530, "value": 5}]},
     ["4521"]),  # ids and offsets are not evidence
    ("没有找到。", {}, []),
])
def test_fabricated_numbers(text, kw, expected):
    assert sc.fabricated_numbers(ans(text, **kw)) == expected


def test_fabricated_numbers_accepts_dicts():
    a = ans("共受理54条。", citations=[cit(quote="共受理政府信息公开申请54条")]).to_dict()
    assert sc.fabricated_numbers(a) == []
    a["answer"] = "共受理64条。"
    assert sc.fabricated_numbers(a) == ["64"]


@pytest.mark.parametrize("evidence, number, expected", [
    ("(二)举办各类培训班数 38 (三)接受培训人员数 人次 1802", "38", "举办各类培训班数"),
    ("(二)举办各类培训班数 38 (三)接受培训人员数 人次 1802", "1802", "受培训人员数人次"),
    ("其中当面申请12条,传真申请3条,网络申请31条,信函申请6条", "6", "信函申请"),
    ("我局一共制作并主动公开政府信息162条", "162", "主动公开政府信息"),
    ("3﹒网络申请数 32", "32", "网络申请数"),
    ("共54条", "70", ""),
])
def test_number_context(evidence, number, expected):
    assert sc.number_context(evidence, number) == expected


@pytest.mark.parametrize("evidence, number, expected", [
    ("22批次、1397户本级廉租住房保障登记名单予以公示", "1397", "户本级廉租住房保"),
    ("(二)举办各类培训班数 38 (三)接受培训人员数", "38", "三接受培训人员数"),
    ("共54条", "54", "条"),
    ("共54", "54", ""),
])
def test_number_context_after(evidence, number, expected):
    assert sc.number_context(evidence, number, after=True) == expected


@pytest.mark.parametrize("evidence, haystack, expected", [
    ("四、结转下年度继续办理 0", "四、结转下年度继续办理\n0", 1.0),
    ("四、结转下年度继续办理 0", "一、本年新收政府信息公开申请数量 0", 0.0),
    ("70", "whatever", 1.0),  # no words to check
    ("3﹒网络申请数 32", "网络申请数", 1.0),
])
def test_label_coverage(evidence, haystack, expected):
    assert sc.label_coverage(evidence, haystack) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("1,234.50 和 0434-6096345", ["1234.5", "0434", "6096345"]),
    ("12+6=18条", ["12", "6", "18"]),
    ("第2019年", ["2019"]),
])
def test_number_tokens(text, expected):
    assert sc.number_tokens(text) == expected


# ---------------------------------------------------------------- key phrases

@pytest.mark.parametrize("got, gold, expected", [
    ("指定区档案馆、区行政服务中心为政府信息公开集中查阅点", "区档案馆和区行政服务中心", 1.0),
    ("指定区档案馆为查阅点", "区档案馆和区行政服务中心", 0.5),
    ("没有找到相关内容", "区档案馆和区行政服务中心", 0.0),
    ("一是公开信息量不够。二是宣传不足,导致群众对政务公开的思想认识不够;三是公开的部门、方式、渠道缺乏统一、协调",
     "公开信息量不够;宣传不足、群众认识不够;公开的部门、方式、渠道缺乏统一协调", 1.0),
    ("一是主动公开意识不强", "主动公开意识不强;一些部门没能及时报送信息公开材料;公开的内容和形式还欠丰富", 1 / 3),
    # clauses are not cut at 和/、 into generic fragments that any answer matches
    ("一是主动公开意识不强。内容包括政府信息主动公开、依申请公开",
     "主动公开意识不强;一些部门没能及时报送信息公开材料;公开的内容和形式还欠丰富", 1 / 3),
    ("电话:0434-6096345", "0434-6096345", 1.0),
    ("信息公开很及时。内容丰富多彩。", "公开的内容", 0.0),  # words scattered over sentences do not count
    ("完善政府信息公开的内容。", "公开的内容", 1.0),
    ("anything", "", 0.0),
])
def test_keyphrase_recall(got, gold, expected):
    assert sc.keyphrase_recall(got, gold) == pytest.approx(expected)


@pytest.mark.parametrize("gold, expected", [
    ("区档案馆和区行政服务中心", ["区档案馆", "区行政服务中心"]),
    ("A;B;C", ["A", "B", "C"]),
    ("公开信息量不够;宣传不足、群众认识不够;公开的部门、方式、渠道缺乏统一协调",
     ["公开信息量不够", "宣传不足、群众认识不够", "公开的部门、方式、渠道缺乏统一协调"]),
    ("新闻发言人制度、政府网站、查阅场所和政府公共服务平台建设", ["新闻发言人制度", "政府网站", "查阅场所", "政府公共服务平台建设"]),
    ("甲、乙,丙", ["甲", "乙", "丙"]),
])
def test_key_phrases(gold, expected):
    assert sc.key_phrases(gold) == expected


# ---------------------------------------------------------------- routing, conflicts, claims

@pytest.mark.parametrize("got, gold, expected", [
    ("sql", "sql", True), ("text", "text", True), ("sql", "text", False), ("text", "sql", False),
    ("both", "sql", True), ("both", "text", True), ("sql", "both", True), ("text", "both", True),
    ("none", "sql", False), ("none", "both", False), (None, "sql", False),
])
def test_route_match(got, gold, expected):
    assert sc.route_match(got, gold) is expected


@pytest.mark.parametrize("conflicts, expected", [
    ([Conflict(metric="网络申请", values=[32, 44], citations=[])], True),
    ([Conflict(metric="网络申请", values=[32.0, 44.0], citations=[])], True),
    ([Conflict(metric="网络申请", values=[32, 45], citations=[])], False),
    ([], False),
])
def test_conflict_found(conflicts, expected):
    gold = {"unit": "件", "conflicting_values": [44]}
    assert sc.conflict_found(ans(conflicts=conflicts), gold) is expected


@pytest.mark.parametrize("gold, expected", [
    ({"kind": "claim_true"}, "supported"), ({"kind": "claim_false"}, "refuted"),
    ({"kind": "claim_false", "verdict": "conflicting"}, "conflicting"), ({"kind": "lookup"}, None),
])
def test_expected_verdict(gold, expected):
    assert sc.expected_verdict(gold) == expected


@pytest.mark.parametrize("gold, expected", [
    ({"answer_value": 54, "answer_text": "54条", "kind": "lookup", "evidence": "共受理政府信息公开申请54条"}, ["54"]),
    ({"answer_value": 18, "answer_text": "12+6=18条", "kind": "sum", "evidence": "当面申请12条,信函申请6条"}, ["12", "6"]),
    ({"answer_value": 60.5, "answer_text": "98/162≈60.5%", "kind": "percent", "evidence": "162条 98条"}, ["98", "162"]),
    ({"answer_value": 13, "answer_text": "行政诉讼(39件)比行政复议(26件)多13件", "kind": "compare",
      "evidence": "四、行政复议数量 26 ... 五、行政诉讼数量 39"}, ["39", "26"]),
    # a year in the answer text is not an operand when the evidence does not write it
    ({"answer_value": 70, "answer_text": "泰州市海陵区2017年,70件", "kind": "cross_report", "evidence": "(一)收到申请数 70"},
     ["70"]),
    ({"answer_value": 90.2, "answer_text": "90.2万元", "kind": "lookup", "evidence": "万元 90.2"}, ["90.2"]),
    ({"answer_value": None, "answer_text": "区档案馆", "kind": "text", "evidence": "x"}, []),
])
def test_key_numbers(gold, expected):
    assert sc.key_numbers(gold) == expected
