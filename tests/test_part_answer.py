"""A question naming a part of the national template is answered from that part's section
(assistant/question/parts.py reads the question, index/sections.py names the sections,
assistant/part_answer.py quotes them)."""
from __future__ import annotations

import pytest

from assistant.part_answer import QUOTE_CAP, answer_part, part_sections
from assistant.question.cues import DIFFERENCE
from assistant.question.parts import AskedPart, asked_part
from index.models import Metadata, Report
from index.sections import parse_sections, part_aspect, template_part

HALVES = """某某局2023年政府信息公开工作年度报告
本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况和其他需要报告的事项等六个部分。
一、总体情况
2023年,我局认真落实政务公开工作要求,及时解决工作中存在的问题。
二、主动公开政府信息情况
全年主动公开政府信息52条。
五、存在的主要问题及改进情况
(一)存在问题
一是公开意识有待加强。二是解读形式较为单一。
(二)改进措施
一是加强培训。二是丰富解读形式。
六、其他需要报告的事项
无。
"""

ONE_PART = """某某局2016年政府信息公开工作年度报告
一、概述
2016年我局认真做好信息公开。
六、政府信息公开工作存在的主要问题及改进措施
2016年,我局仍存在不足:一是公开内容需深化;二是机制不够完善。针对上述问题,我们将采取以下举措:
(一)深化政府信息公开内容 加大公开的力度。
(二)扩展政府信息公开形式 加强平台建设。
七、需要说明的其他事项
无。
"""


def _report(text: str, year: int) -> Report:
    rep = Report(source="r.txt", content_hash="h", format="txt", text=text, meta=Metadata(title="某某局报告", year=year), id=1)
    rep.sections = parse_sections(text)
    return rep


@pytest.mark.parametrize("heading, part", [
    ("五、存在的主要问题及改进情况", "problems"),
    ("六、政府信息公开工作存在的主要问题及改进措施", "problems"),
    ("六、存在的主要问题和改进情况", "problems"),
    ("一、总体情况", "overview"),
    ("一、概述", "overview"),
    ("二、主动公开政府信息情况", "active"),
    ("三、收到和处理政府信息公开申请情况", "applications"),
    ("四、政府信息公开行政复议、行政诉讼情况", "review"),
    ("六、其他需要报告的事项", "other"),
    ("(三)加强平台建设", None),
])
def test_template_part_of_a_heading(heading: str, part: str | None) -> None:
    assert template_part(heading) == part


@pytest.mark.parametrize("heading, aspect", [
    ("(一)存在问题", "shortfalls"),
    ("(一)主要问题1.配备的人员少", "shortfalls"),
    ("(二)改进措施", "measures"),
    ("(二)整改措施一是进一步提高认识", "measures"),
    ("(一)深化政府信息公开内容", None),
])
def test_part_aspect_of_a_subheading(heading: str, aspect: str | None) -> None:
    assert part_aspect("problems", heading) == aspect


@pytest.mark.parametrize("question, years, want", [
    ("存在哪些不足?", [2023], {"shortfalls"}),
    ("年报认为存在哪些差距,准备怎样改进?", [2023], {"shortfalls", "measures"}),
    ("提出了哪些整改措施?", [2023], {"measures"}),
    ("下一步工作有什么打算?", [2023], {"measures"}),
    ("2023年度报告提出2024年要做好哪些方面的工作?", [2023, 2024], {"measures"}),  # next year: the plans
    ("采取了哪些措施加强主动公开?", [2023], None),  # a bare 措施 is asked of part 1 as well
    ("申请主要涉及哪些方面?", [2023], None),
    ("2023年要做好哪些方面的工作?", [2023], None),  # its own year: not the plans
])
def test_asked_part(question: str, years: list[int], want: set[str] | None) -> None:
    got = asked_part(question, 2023, years)
    assert (got.aspects if got else None) == (frozenset(want) if want else None)
    if got:
        assert got.part == "problems"


@pytest.mark.parametrize("question, arithmetic", [
    ("存在哪些差距?", False),
    ("有什么差距?", False),
    ("两年的申请数差距是多少?", True),
    ("相差几件?", True),
])
def test_difference_cue_is_no_noun_asked_about(question: str, arithmetic: bool) -> None:
    assert bool(DIFFERENCE.search(question)) is arithmetic


def test_one_half_asked_quotes_that_half() -> None:
    rep = _report(HALVES, 2023)
    ans = answer_part("存在哪些不足?", asked_part("存在哪些不足?", 2023, [2023]), [rep], {1: "某某局报告"})
    assert ans is not None and len(ans.citations) == 1
    c = ans.citations[0]
    assert c.section.endswith("(一)存在问题")
    assert "公开意识有待加强" in c.quote and "加强培训" not in c.quote
    assert HALVES[c.start:c.end] == c.quote  # an exact span of the report


def test_both_halves_asked_quote_the_whole_part() -> None:
    rep = _report(HALVES, 2023)
    q = "存在哪些问题,下一步怎么改进?"
    ans = answer_part(q, asked_part(q, 2023, [2023]), [rep], {})
    assert ans is not None and len(ans.citations) == 1
    quote = ans.citations[0].quote
    assert "公开意识有待加强" in quote and "丰富解读形式" in quote and "无。" not in quote
    assert "六个部分" not in ans.answer  # the opening list of parts shares every word, and is no answer


def test_a_part_without_halves_is_quoted_whole() -> None:
    rep = _report(ONE_PART, 2016)
    ans = answer_part("存在哪些不足?", AskedPart("problems", frozenset({"shortfalls"})), [rep], {})
    assert ans is not None
    assert "机制不够完善" in ans.citations[0].quote and "加强平台建设" in ans.citations[0].quote


def test_no_such_part_leaves_it_to_retrieval() -> None:
    rep = _report("某局报告\n一、总体情况\n做了工作。\n二、主动公开政府信息情况\n公开52条。\n", 2023)
    assert part_sections(rep, AskedPart("problems", frozenset({"shortfalls"}))) == []
    assert answer_part("存在哪些不足?", AskedPart("problems", frozenset({"shortfalls"})), [rep], {}) is None


def test_a_long_part_is_cut_at_a_sentence_end() -> None:
    long = HALVES.replace("一是加强培训。", "一是加强培训。" + "进一步提高公开质量。" * 200)
    rep = _report(long, 2023)
    ans = answer_part("下一步怎么改进?", AskedPart("problems", frozenset({"measures"})), [rep], {})
    quote = ans.citations[0].quote
    assert len(quote) <= QUOTE_CAP and quote.endswith("。")
    assert long[ans.citations[0].start:ans.citations[0].end] == quote
