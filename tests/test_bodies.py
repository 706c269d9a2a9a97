"""assistant/bodies.py: bodies' full names, their general short forms, and what a question's name resolves to."""
from __future__ import annotations

import pytest

from assistant.bodies import ReportRef, function_forms, make_body, name_from_title, resolve, split_name
from assistant.question import parse_question
from question_fixtures import CATALOGUE

# Bodies of two sites, each with several years, named as their titles name them.
SITE = [
    ReportRef(1, "平潭综合实验区市场监督管理局2020年度政府信息公开工作年度报告", "平潭综合实验区市场监督管理局", "平潭综合实验区", 2020),
    ReportRef(2, "平潭综合实验区市场监督管理局2022年度政府信息公开工作年度报告", "平潭综合实验区市场监督管理局", "平潭综合实验区", 2022),
    ReportRef(3, "平潭市场监督管理局2016年度政府信息公开工作年度报告", "平潭市场监督管理局", "平潭", 2016),
    ReportRef(4, "平潭综合实验区财政金融局2024年度政府信息公开工作年度报告", "平潭综合实验区财政金融局", "平潭综合实验区", 2024),
    ReportRef(5, "平潭综合实验区财政金融局2019年度政府信息公开工作年度报告", "平潭综合实验区财政金融局", "平潭综合实验区", 2019),
    ReportRef(6, "平潭综合实验区金井片区管理局2022年政府信息公开工作年度报告", "平潭综合实验区金井片区管理局",
              "平潭综合实验区", 2022),
    ReportRef(7, "平潭综合实验区综合执法与应急管理局2022年政府信息公开工作年度报告", "平潭综合实验区综合执法与应急管理局",
              "平潭综合实验区", 2022),
    ReportRef(8, "平潭综合实验区经济发展局2022年度政府信息公开工作年度报告", "平潭综合实验区经济发展局", "平潭综合实验区", 2022),
    ReportRef(9, "沭阳县人民政府2019年政府信息公开工作年度报告", "沭阳县人民政府", "宿迁市沭阳县", 2019),
    ReportRef(10, "宿迁市沭阳县财政局2019年政府信息公开工作年度报告", "宿迁市沭阳县财政局", "宿迁市沭阳县", 2019),
    ReportRef(11, "宁德市人民政府2014年政府信息公开工作年度报告", "宁德市人民政府", "宁德市", 2014),
    ReportRef(12, "宁德市交通运输局2014年政府信息公开工作年度报告", "宁德市交通运输局", "宁德市", 2014),
]


def ids(question: str, refs: list[ReportRef] = SITE) -> list[int]:
    return sorted(i for _, found in resolve(question, refs).mentions for i in found)


@pytest.mark.parametrize("full, short", [
    ("市场监督管理局", "市场监管局"),
    ("财政金融局", "财金局"),
    ("发展和改革委员会", "发改委"),
    ("人力资源和社会保障局", "人社局"),
    ("经济发展局", "经发局"),
    ("行政审批局", "行审局"),
    ("综合执法与应急管理局", "执法应急局"),
    ("教育和体育局", "教体局"),
])
def test_function_short_forms_come_from_general_rules(full: str, short: str) -> None:
    assert short in function_forms(full)


def test_split_name_places_and_function() -> None:
    assert split_name("泰州市海陵区人民政府") == (["泰州市", "海陵区"], "人民政府")
    assert split_name("平潭综合实验区金井片区管理局") == (["平潭综合实验区", "金井片区"], "管理局")
    # 市场 is a word, not 平潭市 + 场…; the place comes from a hint (the region or another report's place)
    assert split_name("平潭市场监督管理局") == ([], "平潭市场监督管理局")
    assert split_name("平潭市场监督管理局", ("平潭",)) == (["平潭"], "市场监督管理局")
    assert name_from_title("2017年海陵区政务公开工作年度报告") == "海陵区"


@pytest.mark.parametrize("question", [
    "平潭综合实验区市场监督管理局2020年收到多少件申请?",
    "实验区市场监管局2020年收到多少件申请?",
    "平潭市场监管局2020年收到多少件申请?",
    "区市场监管局2020年收到多少件申请?",
    "有人说区市场监管局2020年收到3件申请,对吗?",
    "市场监管局2020年收到多少件申请?",
])
def test_full_name_and_short_forms_resolve_to_one_body(question: str) -> None:
    assert ids(question) == [1, 2, 3]  # every year of the one body (the year is applied afterwards)


@pytest.mark.parametrize("question, expected", [
    ("平潭财金局2019年收到多少件申请?", [4, 5]),
    ("区财政金融局2019年收到多少件申请?", [4, 5]),
    ("平潭执法应急局2022年作出多少件行政处罚?", [7]),
    ("平潭经发局2022年收到多少件申请?", [8]),
    ("2022年金井片区收到几件申请?", [6]),
    ("“平潭金井”公众号2022年发布了多少篇信息?", [6]),
    ("金井片区管理局2022年收到几件申请?", [6]),
    ("宿迁市沭阳县财政局2019年收到多少件申请?", [10]),
    ("沭阳县2019年收到多少件申请?", [9]),  # the place alone names its government, not its bureau
])
def test_other_bodies(question: str, expected: list[int]) -> None:
    assert ids(question) == expected


@pytest.mark.parametrize("question", [
    "福州市交通运输局2014年主动公开多少条信息?",
    "鼓楼区市场监管局2020年收到多少件申请?",
    "城关街道办事处2019年收到多少件申请?",
    "苏平片区管理局2022年收到几件申请?",
    # a district government is not its offices or departments
    "平潭综合实验区2022年收到多少件申请?",
    "平潭综合实验区人民政府2022年收到多少件申请?",
    # a city is not its county
    "宿迁市2019年收到多少件申请?",
])
def test_other_bodies_of_the_same_kind_are_not_found(question: str) -> None:
    r = resolve(question, SITE)
    assert r.mentions == [] and r.unresolved


def test_one_character_variant_resolves_with_a_note() -> None:
    r = resolve("沐阳县2019年收到多少件申请?", SITE)
    assert r.mentions == [("沐阳县", [9])] and r.notes == ["报告写作沭阳县"]
    # two loaded places that close: no guess
    two = [*SITE, ReportRef(12, "沫阳县人民政府2019年报告", "沫阳县人民政府", "沫阳县", 2019)]
    assert resolve("沐阳县2019年收到多少件申请?", two).mentions == []
    # a real place one character away from a loaded one is another place
    assert resolve("宁波市2014年收到多少件申请?", SITE).mentions == []


def test_latest_year_when_no_year_is_asked() -> None:
    p = parse_question("平潭财政金融局收到多少件申请?", CATALOGUE, SITE)
    assert p.report_ids == [4] and p.notes == ["未指明年份,按最新的2024年报告回答"]
    p = parse_question("平潭财政金融局2019年收到多少件申请?", CATALOGUE, SITE)
    assert p.report_ids == [5] and p.notes == []
    # asking across years keeps them all
    p = parse_question("平潭财政金融局哪一年收到的申请最多?", CATALOGUE, SITE)
    assert sorted(p.report_ids) == [4, 5] and p.notes == []


def test_place_forms_of_a_body() -> None:
    b = make_body(SITE[5])
    assert {"金井片区", "金井", "平潭金井", "平潭综合实验区金井片区"} <= b.place_forms and b.function == ""
    assert "平潭综合实验区" in b.ancestor_forms
    m = make_body(SITE[2])
    assert m.key == make_body(SITE[0]).key  # 平潭市场监督管理局 (2016) is the same body


@pytest.mark.parametrize("body, region, question, resolved", [
    ("上海市浦东新区人民政府", "上海市浦东新区", "浦东新区2020年收到多少件申请?", True),
    ("上海市浦东新区人民政府", "上海市浦东新区", "浦东2020年收到多少件申请?", True),
    ("上海市浦东新区人民政府", "上海市浦东新区", "上海市2020年收到多少件申请?", False),
    ("广州市黄埔区发展和改革局", "广州市黄埔区", "黄埔区发改局2020年收到多少件申请?", True),
    ("广州市黄埔区发展和改革局", "广州市黄埔区", "天河区发改局2020年收到多少件申请?", False),
    ("苏州工业园区管理委员会", "苏州工业园区", "苏州工业园区2020年收到多少件申请?", True),
    ("杭州市西湖区卫生健康局", "杭州市西湖区", "区卫健局2020年收到多少件申请?", True),
    ("沭阳县人民政府办公室", "宿迁市沭阳县", "沭阳县政府办2020年收到多少件申请?", True),
    # the government's office is not the government
    ("沭阳县人民政府办公室", "宿迁市沭阳县", "沭阳县2020年收到多少件申请?", False),
])
def test_names_of_other_sites(body: str, region: str, question: str, resolved: bool) -> None:
    ref = ReportRef(1, f"{body}2020年政府信息公开工作年度报告", body, region, 2020)
    r = resolve(question, [ref])
    assert (r.mentions == [(r.mentions[0][0], [1])] if resolved else (not r.mentions and r.unresolved)), r


def test_generic_aliases_are_ignored() -> None:
    ref = ReportRef(1, "辽东街道办事处信息公开工作年度报告", "辽东街道办事处", "双辽市辽东街道", 2019,
                    ["办事处", "街道办事处", "交通运输局", "区政府", "全区", "辽东", "双辽市辽东街道办事处"])
    assert make_body(ref).aliases == {"辽东", "双辽市辽东街道办事处"}
    assert resolve("城关街道办事处2019年收到多少件申请?", [ref]).mentions == []
