"""route(): figure questions to SQL, qualitative ones to retrieval; measured against the dev set's gold routes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.question import ParsedQuestion, parse_question
from assistant.router import Route, route
from question_fixtures import CATALOGUE, REPORTS

ROOT = Path(__file__).resolve().parent.parent


def _route(text: str, context: ParsedQuestion | None = None, has_sql_facts: bool = True) -> Route:
    return route(parse_question(text, CATALOGUE, REPORTS, context), has_sql_facts)


@pytest.mark.parametrize("question, expected", [
    # catalogue metrics -> sql
    ("海陵区2017年行政诉讼数量是多少?", Route.SQL),
    ("海陵区2017年收到政府信息公开申请多少件?", Route.SQL),
    ("海陵区2017年行政复议数量和行政诉讼数量哪个多?多多少?", Route.SQL),
    ("这几份报告里,哪个地方收到的政府信息公开申请最多?是多少?", Route.SQL),
    ("让胡路区2013年当面申请和信函申请加起来一共多少条?", Route.SQL),
    ("海陵区2017年实现统一认证的业务占比是多少?", Route.SQL),
    # numeric operations over prose labels -> sql
    ("湘潭政府采购网公开的招标公告、中标公告和成交公告一共多少条?", Route.SQL),
    ("湘潭市长热线电话督办、网上督办和现场督办合计多少件次?", Route.SQL),
    # claims with a number -> sql
    ("有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", Route.SQL),
    ("有报道称海陵区2017年依申请公开收取了费用,属实吗?", Route.SQL),
    # a figure only reachable through prose labels -> both (SQL first, retrieval fallback)
    ("湘潭市2014年拟取消多少项行政审批项目?", Route.BOTH),
    ("宁德市交通运输局梳理并完善了多少项权力内容?", Route.BOTH),
    # a figure plus an explanation -> both
    ("海陵区2017年收到多少件申请,主要涉及哪些方面?", Route.BOTH),
    # qualitative -> text
    ("让胡路区2013年政府信息公开工作存在哪些主要问题?", Route.TEXT),
    ("辽东街道办事处的联系电话是多少?", Route.TEXT),
    ("湘潭市政府门户网站重点领域信息公开设了哪几个一级栏目?", Route.TEXT),
    ("海陵区下一步政务公开工作打算在哪些方面改进?", Route.TEXT),
    ("宁德市交通运输局如何做好依申请公开工作?", Route.TEXT),
    ("海陵区政府信息公开的渠道有什么?", Route.TEXT),
    ("海陵区政府的办公地址在哪里?", Route.TEXT),
    ("你好", Route.TEXT),
])
def test_route_table(question: str, expected: Route) -> None:
    assert _route(question) == expected


def test_no_facts_in_store_sends_figures_to_text() -> None:
    assert _route("海陵区2017年行政诉讼数量是多少?", has_sql_facts=False) == Route.TEXT


def test_follow_up_of_a_figure_question_stays_sql() -> None:
    first = parse_question("海陵区2017年收到政府信息公开申请多少件?", CATALOGUE, REPORTS)
    assert _route("那网络申请呢?", context=first) == Route.SQL
    assert _route("2018年呢?", context=first) == Route.SQL


def test_route_is_a_plain_string() -> None:
    assert str(Route.SQL) == "sql" and Route.BOTH == "both"


def _catalogue() -> object:
    try:
        from index.metrics import load_catalogue

        return load_catalogue()
    except Exception:  # noqa: BLE001 - the real catalogue may not be written yet
        return CATALOGUE


def test_routing_accuracy_on_dev_set() -> None:
    """Measured target: >= 90% of gold routes (``both`` counts as sql: it runs SQL first)."""
    items = [json.loads(line) for line in (ROOT / "eval" / "qa_dev.jsonl").read_text("utf-8").splitlines() if line]
    catalogue = _catalogue()
    misses = []
    for item in items:
        got = route(parse_question(item["question"], catalogue, []), True)
        want = item["route"]
        ok = (got == Route.TEXT) == (want == "text")
        if not ok:
            misses.append(f"{want} -> {got}: {item['question']}")
    accuracy = 1 - len(misses) / len(items)
    print(f"routing accuracy {accuracy:.3f} over {len(items)} items; misses:", *misses, sep="\n  ")
    assert accuracy >= 0.9, misses


def test_router_and_parser_read_one_cue_table() -> None:
    """The figure and qualitative cues are assistant/question/cues.yaml, compiled once, for both."""
    import assistant.router as router_module
    from assistant.question import cues
    from assistant.question import parse as parse_module

    assert router_module.FIGURE is cues.FIGURE is parse_module.FIGURE
    assert router_module.QUALITATIVE is cues.QUALITATIVE is parse_module.QUALITATIVE
    assert router_module.CONTACT is cues.CONTACT is parse_module.CONTACT
