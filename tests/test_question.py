"""parse_question: reports, years, metrics, dimensions, operations, claims, multi-turn, SQL smuggling."""
from __future__ import annotations

import pytest

from assistant.question import (
    ParsedQuestion,
    ReportRef,
    asked_rate,
    detect_sql,
    find_years,
    normalize,
    parse_question,
)
from assistant.bodies import make_body
from question_fixtures import CATALOGUE, REPORTS, MetricObj


def parse(text: str, context: ParsedQuestion | None = None, reports: list[ReportRef] | None = None) -> ParsedQuestion:
    return parse_question(text, CATALOGUE, REPORTS if reports is None else reports, context)


# -- reports ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, expected", [
    ("海陵区2017年收到多少件申请?", [5]),
    ("泰州市海陵区2017年收到多少件申请?", [5]),
    ("海陵2017年收到多少件申请?", [5]),
    ("海陵区2018年收到多少件申请?", [6]),
    ("2018年度海陵区政府收到多少件申请?", [6]),
    ("辽东街道2019年行政复议有几件?", [2]),
    ("辽东街道办事处的行政复议有几件?", [2]),
    ("让胡路区行政诉讼数量是多少?", [1]),
    ("宁德市交通运输局收到了多少件申请?", [4]),  # the bureau, not the city government
    ("宁德市2014年收到了多少件申请?", [7]),  # the city itself is the more specific match
    ("湘潭政府采购网公开了多少条公告?", [3]),
    ("让胡路区2013年和海陵区2017年收到的申请合计多少件?", [1, 5]),
])
def test_report_resolution(question: str, expected: list[int]) -> None:
    assert parse(question).report_ids == expected


def test_unknown_body_and_missing_year_resolve_to_nothing() -> None:
    assert parse("北京市朝阳区收到多少件申请?").report_ids == []
    # An explicit year no report covers leaves the mention unresolved instead of answering another year.
    p = parse("辽东街道2015年收到多少件申请?")
    assert p.report_ids == [] and p.body_mentions == ["辽东街道"]


def test_no_name_with_year_means_every_report_of_that_year() -> None:
    assert parse("2014年哪个地方收到的申请最多?").report_ids == [3, 4, 7]


def test_body_names_strip_suffixes_and_generic_words() -> None:
    b = make_body(ReportRef(9, "", "泰州市海陵区人民政府", "泰州市海陵区", 2017))
    assert {"海陵区", "海陵", "泰州市海陵区", "泰州海陵区"} <= b.place_forms
    # the city above it is a known place, but not a name of the district's report
    assert {"泰州市", "泰州"} <= b.ancestor_forms and not b.place_forms & {"泰州市", "泰州"}
    assert not b.place_forms & {"人民政府", "政府", "区", "市"}


# -- years ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, context_year, expected", [
    ("2017年收到多少", None, [2017]),
    ("17年收到多少", None, [2017]),
    ("2017年度收到多少", None, [2017]),
    ("2013年和2017年", None, [2013, 2017]),
    ("去年收到多少", 2018, [2017]),
    ("今年收到多少", 2018, [2018]),
    ("去年收到多少", None, []),
    ("收到12345件", None, []),
])
def test_years(text: str, context_year: int | None, expected: list[int]) -> None:
    assert find_years(text, context_year) == expected


# -- metrics and dimensions ------------------------------------------------------------------------

@pytest.mark.parametrize("question, metric, dimension", [
    ("海陵区2017年行政复议数量是多少?", "review_count", ""),
    ("2013年让胡路区因政府信息公开被提起的行政复议有几件?", "review_count", ""),
    ("海陵区2017年行政诉讼数量是多少?", "lawsuit_count", ""),
    ("海陵区2017年收到政府信息公开申请多少件?", "apply_received", ""),
    ("让胡路区共受理了多少条政府信息公开申请?", "apply_received", ""),
    ("让胡路区2013年通过网络提出的信息公开申请有几条?", "apply_received", "网络申请"),
    ("海陵区网络申请有多少件?", "apply_received", "网络申请"),
    ("海陵区自然人提出的申请有多少件?", "apply_received", "自然人"),
    ("海陵区法人或其他组织收到申请多少件?", "apply_received", "法人或其他组织"),
    ("海陵区2017年实现统一认证的业务占比是多少?", "auth_ratio", ""),
])
def test_metric_matching(question: str, metric: str, dimension: str) -> None:
    p = parse(question)
    assert [(m.metric_id, m.dimension) for m in p.metrics][:1] == [(metric, dimension)]


@pytest.mark.parametrize("question, expected", [
    # a breakdown row of another metric, named on its own (free_parts)
    ("让胡路区2013年已公开的申请有多少件?", [("apply_answered", "同意公开")]),
    # a matched metric that is a breakdown of another matched one folds into it; context words drop out
    ("海陵区2017年政务服务事项中行政许可实际办件数是多少?", [("service_cases", "行政许可")]),
    # table column dimensions, also in short form
    ("辽东街道2019年政府集中采购总金额是多少?", [("procurement", "采购总金额")]),
    ("辽东街道2019年本年新制作的规范性文件有几件?", [("normative_docs", "本年新制作数量")]),
    # category breakdowns ("发布X类信息")
    ("宁德市交通运输局2014年主动公开的公共服务类信息有多少条?", [("active_total", "公共服务类")]),
    # a breakdown word owned by another metric is context when the question relates no two figures
    ("海陵区2017年主动公开政府信息中同意公开的有多少?", [("active_total", "")]),
])
def test_catalogue_parts_and_dimensions(question: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.metric_id, m.dimension) for m in parse(question).metrics] == expected


def test_percent_of_a_breakdown_and_a_category() -> None:
    p = parse("让胡路区2013年已公开的申请占受理总数的百分之几?")
    assert p.operation == "percent"
    assert [(m.metric_id, m.dimension, m.role) for m in p.metrics] == [
        ("apply_answered", "同意公开", "part"), ("apply_received", "", "whole")]
    q = parse("宁德市交通运输局2014年公共服务类信息占主动公开总数的比例是多少?")
    assert [(m.metric_id, m.dimension, m.role) for m in q.metrics] == [
        ("active_total", "公共服务类", "part"), ("active_total", "", "whole")]


def test_received_family_reaches_pre_and_post_2019_metrics() -> None:
    p = parse("辽东街道2019年收到的政府信息公开申请有多少件?")
    assert {"apply_received", "apply_new"} <= set(p.metric_ids)


def test_longest_match_wins() -> None:
    # "从事政府信息公开工作的人员" must not be read as a shorter metric inside it.
    p = parse("海陵区从事政府信息公开工作的人员中兼职人员占多少比例?")
    assert [m.metric_id for m in p.metrics] == ["staff_total", "staff_parttime"]


def test_catalogue_of_objects_works_like_dicts() -> None:
    objs = [MetricObj(**m) for m in CATALOGUE]
    p = parse_question("海陵区2017年行政复议数量是多少?", objs, REPORTS)
    assert p.metrics[0].metric_id == "review_count"


def test_prose_label_terms_when_no_metric_matches() -> None:
    p = parse("湘潭市2014年承接了多少项上级下放的行政审批项目?")
    assert p.metrics == []
    assert {"承接", "上级", "下放", "行政审批", "项目"} <= set(p.label_terms)
    assert p.unit_hint == "项"
    assert "湘潭" not in "".join(p.label_terms)


# -- operations --------------------------------------------------------------------------------

@pytest.mark.parametrize("question, op", [
    ("海陵区2017年行政诉讼数量是多少?", "lookup"),
    ("让胡路区2013年当面申请和信函申请加起来一共多少条?", "sum"),
    ("湘潭政府采购网公开的招标公告、中标公告和成交公告一共多少条?", "sum"),
    ("让胡路区2013年和海陵区2017年收到的政府信息公开申请合计多少件?", "sum"),
    ("海陵区2017年行政复议数量和行政诉讼数量哪个多?多多少?", "compare"),
    ("海陵区2017年行政复议数量和行政诉讼数量相差多少?", "difference"),
    ("宁德市交通运输局2014年公共服务类信息占主动公开总数的比例是多少?", "percent"),
    ("海陵区从事政府信息公开工作的人员中兼职人员占多少比例?", "percent"),
    ("海陵区2017年实现统一认证的业务占比是多少?", "lookup"),  # a stored percentage
    ("这几份报告里,哪个地方收到的政府信息公开申请最多?是多少?", "max"),
    ("哪个地方的行政复议数量最少?", "min"),
    ("各地收到的申请数量排名如何?", "rank"),
    ("让胡路区共受理了多少条政府信息公开申请?", "lookup"),  # 共 alone is not a sum
    ("让胡路区2013年政府信息公开工作存在哪些主要问题?", "none"),
])
def test_operations(question: str, op: str) -> None:
    assert parse(question).operation == op


def test_percent_roles() -> None:
    p = parse("海陵区从事政府信息公开工作的人员中兼职人员占多少比例?")
    assert {m.metric_id: m.role for m in p.metrics} == {"staff_total": "whole", "staff_parttime": "part"}


def test_sum_parts_are_enumerated() -> None:
    p = parse("湘潭政府采购网公开的招标公告、中标公告和成交公告一共多少条?")
    assert p.parts == ["招标公告", "中标公告", "成交公告"]
    q = parse("让胡路区2013年当面申请和信函申请加起来一共多少条?")
    assert [m.dimension for m in q.metrics] == ["当面申请", "信函申请"]


# -- claims -------------------------------------------------------------------------------------

@pytest.mark.parametrize("question, is_claim, value", [
    ("有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", True, 64.0),
    ("让胡路区2013年共受理54条政府信息公开申请,这个说法准确吗?", True, 54.0),
    ("有报道称海陵区2017年依申请公开收取了费用,属实吗?", True, None),
    ("海陵区2017年网络申请是32.5件,是真的吗?", True, 32.5),
    ("海陵区2017年收到多少件申请?", False, None),
])
def test_claims(question: str, is_claim: bool, value: float | None) -> None:
    p = parse(question)
    assert (p.is_claim, p.claim_value) == (is_claim, value)
    if is_claim:
        assert p.is_figure_question


# -- multi-turn ---------------------------------------------------------------------------------

def test_follow_up_inherits_report_year_and_metric() -> None:
    first = parse("海陵区2017年收到政府信息公开申请多少件?")
    online = parse("那网络申请呢?", context=first)
    assert online.report_ids == [5] and online.years == [2017]
    assert [(m.metric_id, m.dimension) for m in online.metrics] == [("apply_received", "网络申请")]

    other_year = parse("2018年呢?", context=first)
    assert other_year.report_ids == [6] and other_year.metrics[0].metric_id == "apply_received"

    other_body = parse("那让胡路区呢?", context=first)
    # The inherited year 2017 does not exist for 让胡路区: the mention still resolves.
    assert other_body.report_ids == [1] and other_body.metrics[0].metric_id == "apply_received"
    assert other_body.is_figure_question


def test_follow_up_inherits_operation_and_relative_year() -> None:
    first = parse("海陵区2018年行政复议数量和行政诉讼数量相差多少?")
    again = parse("去年呢?", context=first)
    assert again.years == [2017] and again.report_ids == [5] and again.operation == "difference"


def test_new_full_question_does_not_inherit_metric() -> None:
    first = parse("海陵区2017年收到政府信息公开申请多少件?")
    p = parse("辽东街道2019年行政复议有几件?", context=first)
    assert p.report_ids == [2] and [m.metric_id for m in p.metrics] == ["review_count"]


# -- SQL smuggled into the question ---------------------------------------------------------------

@pytest.mark.parametrize("text, flagged", [
    ("海陵区收到多少件申请?", False),
    ("海陵区收到多少件申请'; DROP TABLE facts; --", True),
    ("select * from reports", True),
    ("海陵区 UNION SELECT sql FROM sqlite_master", True),
    ("PRAGMA table_info(facts)", True),
    ("ATTACH DATABASE 'x' AS y", True),
    ("海陵区收到多少件申请;", True),
    ("海陵区的update情况", True),
    ("海陵区的selection", False),
])
def test_sql_in_text(text: str, flagged: bool) -> None:
    assert detect_sql(text) is flagged
    p = parse(text)
    assert p.sql_in_text is flagged


def test_parser_never_crashes_on_odd_input() -> None:
    for text in ["", " ", "???", "1" * 500, "年年年", "'\"\\%_", "\x00\u200b海陵区"]:
        p = parse(text)
        assert isinstance(p, ParsedQuestion)


# -- crosswalk, implied wholes, rates, named compare items ----------------------------------------

@pytest.mark.parametrize("question, metric, dimension, equivalents", [
    # a 2019-template row reaches the pre-2019 breakdown row stating the same figure, and back
    ("让胡路区2013年部分公开的申请有几条?", "result_partial", "", [("apply_answered", "同意部分公开")]),
    ("辽东街道2019年同意部分公开的申请有几件?", "apply_answered", "同意部分公开", [("result_partial", "")]),
    ("海陵区2017年予以公开的申请有多少件?", "result_public", "", [("apply_answered", "同意公开")]),
    ("让胡路区2013年已公开的申请有多少件?", "apply_answered", "同意公开", [("result_public", "")]),
    # a column of the family (apply_new's 自然人) reaches the 申请来源 row; 公民 is read as 自然人
    ("海陵区2017年自然人提出的申请有多少件?", "apply_received", "自然人", [("apply_source", "公民")]),
    ("海陵区2017年公民申请有多少件?", "apply_received", "自然人", [("apply_source", "公民")]),
    # no crosswalk entry: nothing added
    ("海陵区2017年收到政府信息公开申请多少件?", "apply_received", "", []),
    ("海陵区2017年网络申请有多少件?", "apply_received", "网络申请", []),
])
def test_crosswalk_equivalents(question: str, metric: str, dimension: str,
                               equivalents: list[tuple[str, str]]) -> None:
    m = parse(question).metrics[0]
    assert (m.metric_id, m.dimension, m.equivalents) == (metric, dimension, equivalents)


def test_breakdown_word_of_another_metric_is_not_this_metrics_dimension() -> None:
    # "部分公开" holds apply_answered's part phrase; it must not become result_partial's dimension.
    assert [(m.metric_id, m.dimension) for m in parse("部分公开的申请有几条?").metrics] == [("result_partial", "")]


@pytest.mark.parametrize("question, expected", [
    # only the part named: the whole is its parent row in the catalogue
    ("海陵区2017年专职人员占多少比例?", [("staff_fulltime", "", "part"), ("staff_total", "", "whole")]),
    # a modifier before the parent's phrase names the child row (专职 + …人员 = 专职人员)
    ("海陵区2017年专职从事政府信息公开工作的人员占工作人员总数的比例是多少?",
     [("staff_fulltime", "", "part"), ("staff_total", "", "whole")]),
    # a breakdown's whole is its metric's total
    ("让胡路区2013年网络申请占多少比例?", [("apply_received", "网络申请", "part"), ("apply_received", "", "whole")]),
    # both named: nothing implied
    ("海陵区从事政府信息公开工作的人员中兼职人员占多少比例?", [("staff_total", "", "whole"), ("staff_parttime", "", "part")]),
    # no parent known: the part alone (a stated share may still answer it)
    ("海陵区2017年行政复议数量占多少比例?", [("review_count", "", "part")]),
])
def test_percent_whole_implied_by_hierarchy(question: str, expected: list[tuple[str, str, str]]) -> None:
    p = parse(question)
    assert p.operation == "percent"
    assert [(m.metric_id, m.dimension, m.role) for m in p.metrics] == expected


def test_modifier_child_outside_percent_questions() -> None:
    p = parse("海陵区2017年兼职从事政府信息公开工作的人员有多少?")
    assert [m.metric_id for m in p.metrics] == ["staff_parttime"]
    q = parse("海陵区2017年从事政府信息公开工作的人员有多少?")
    assert [m.metric_id for m in q.metrics] == ["staff_total"]


@pytest.mark.parametrize("question, rate, metric_ids", [
    # a named rate is its own stated figure: the counts around it are context, the rate word a label term
    ("湘潭市12345市长热线2014年的回访群众满意率是多少?", "满意率", []),
    ("海陵区2017年区长信箱的办结率是多少?", "办结率", []),
    ("湘潭市2014年市长热线办结率是多少?", "办结率", []),
    # a catalogue metric that is itself a percentage stays
    ("海陵区2017年实现统一认证的业务占比是多少?", "", ["auth_ratio"]),
    # not a report rate
    ("海陵区2017年市长热线的工作效率如何?", "", ["hotline_calls"]),
    ("海陵区2017年率先开通市长热线的单位有几家?", "", ["hotline_calls"]),
])
def test_asked_rates(question: str, rate: str, metric_ids: list[str]) -> None:
    p = parse(question)
    assert [m.metric_id for m in p.metrics] == metric_ids
    if rate:
        assert rate in p.label_terms and p.unit_hint == "%" and p.operation == "lookup"
    assert asked_rate(normalize(question)) == rate


@pytest.mark.parametrize("question, parts, operation", [
    ("海陵区2017年通过“中国海陵”官方微博和“微海陵”公众号发布的政府信息哪个多?多多少条?",
     ["“中国海陵”官方微博", "“微海陵”公众号"], "compare"),
    ("让胡路区2013年通过门户网站和政务微博发布的信息哪个多?", ["门户网站", "政务微博"], "compare"),
    ("让胡路区2013年招标公告比中标公告多多少条?", ["招标公告", "中标公告"], "compare"),
    ("湘潭市2014年电话督办与网上督办相差多少件次?", ["电话督办", "网上督办"], "difference"),
    # two catalogue metrics: the metrics are the items
    ("海陵区2017年行政复议数量和行政诉讼数量哪个多?多多少?", [], "compare"),
    # two reports: compared across reports, not by words
    ("让胡路区2013年和海陵区2017年收到的申请哪个多?", [], "compare"),
])
def test_compare_items_named_by_words(question: str, parts: list[str], operation: str) -> None:
    p = parse(question)
    assert p.operation == operation
    assert p.parts == parts


# -- the cue table (assistant/question/cues.yaml) and the terms data --------------------------------

def _word_lists(node: object, path: str = "") -> list[tuple[str, dict]]:
    """Every mapping of a data file that holds a word list, with its path."""
    out: list[tuple[str, dict]] = []
    if isinstance(node, dict):
        if any(isinstance(node.get(k), list) for k in ("words", "leads", "tails")):
            out.append((path, node))
        for k, v in node.items():
            out += _word_lists(v, f"{path}.{k}" if path else str(k))
    return out


@pytest.mark.parametrize("name", ["cues.yaml", "terms.yaml"])
def test_every_word_list_states_its_source(name: str) -> None:
    from pathlib import Path

    import yaml

    import assistant.question as question_pkg

    data = yaml.safe_load((Path(question_pkg.__file__).parent / name).read_text("utf-8"))
    lists = _word_lists(data)
    assert lists
    for path, node in lists:
        assert str(node.get("source", "")).strip(), f"{name}: {path} has no source"
        words = [*node.get("words", []), *node.get("leads", []), *node.get("tails", [])]
        assert words and all(isinstance(w, str) and w for w in words), path


def test_figure_cues_are_the_union_of_the_former_parser_and_router_lists() -> None:
    from assistant.question.cues import FIGURE, QUALITATIVE

    for c in "个件条项家户人次天年%份期名批场篇位起所封张台处类部种栏":
        assert FIGURE.search(f"有几{c}"), c
    for w in ("是否收取", "收取了", "工作日", "是几", "有几"):  # router-only, parser-only
        assert FIGURE.search(w), w
    for w in ("原因", "意义", "作用", "成效", "特点", "要求", "措施", "哪几"):
        assert QUALITATIVE.search(w), w


def test_contact_questions_are_not_figure_questions() -> None:
    p = parse("海陵区政府的办公地址在哪里?")
    assert not p.is_figure_question
    assert parse("辽东街道办事处的联系电话是多少?").is_figure_question  # 多少 is still a figure cue
