"""One figure stated twice with different values, answered through the real indexer and engine: the
side the audit prefers is given, the other noted, both cited (assistant/engine.py _give_figure)."""
from __future__ import annotations

import pytest

from ingested import assistant_over

LISTED = """测试区市场监督管理局2016年度政府信息公开工作年度报告

一、概述
我局高度重视信息公开工作。

二、主动公开政府信息的情况
我局2016年度共主动公开政府信息201条。主动公开类别有七类,分别是机构职能、政策规范性文件、规划计划、行政许可、重大建设项目信息、为民办实事、民政扶贫救灾社会保障就业、科教文体卫生、安全生产应急管理等政府信息。
"""

SETTLED = """测试区人民政府办公室2022年政府信息公开工作年度报告

一、总体情况
建成规范性文件库,本年度制发规范性文件34件,现行有效件数424件。

二、主动公开政府信息情况
第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000
行政规范性文件34089
第二十条第(五)项信息内容本年处理决定数量
行政许可0
"""


ROW = """测试区{body}2024年政府信息公开工作年度报告

一、总体情况
2024年,我局{said}已公开在“行政规范性文件”栏目下。

二、主动公开政府信息情况
第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数
规章000
行政规范性文件15621
第二十条第(五)项信息内容本年处理决定数量
行政许可3
"""
# "15621" cuts as 15|6|21, 15|62|1, 1|56|21, 156|2|1 …: the prose's two figures leave one, its one figure two
SETTLES = ROW.format(body="行政审批局", said="废止规范性文件6件,制定规范性文件15件,")
HALF = ROW.format(body="农业农村局", said="制定规范性文件15件,")
# "12012" read by 制发 12 as 12|0|12 contradicts 现行有效 15: a note for 现行有效, none for 制发 (found by review)
# the prose states the asked cell itself (现行有效规范性文件20件) against the reading 15|0|21 (found by review)
SAID = ROW.format(body="教育局", said="制定规范性文件15件,现行有效规范性文件20件,").replace("15621", "15021")
OTHER_CELL = SETTLED.replace("人民政府办公室", "财政局").replace("34件", "12件").replace("424件", "15件").replace(
    "34089", "12012")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    a = assistant_over(tmp_path_factory.mktemp("twice"), {"listed.txt": LISTED, "settled.txt": SETTLED,
                                                                   "settles.txt": SETTLES, "half.txt": HALF,
                                                                   "other_cell.txt": OTHER_CELL, "said.txt": SAID})
    yield a
    a.close()


def test_a_count_of_kinds_is_answered_by_its_list(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("2016年测试区市场监督管理局主动公开的信息分成了几个类别?")
    assert ans.value == 9 and ans.unit == "类"  # the nine names listed, not the 七类 said of them
    (conflict,) = ans.conflicts
    assert sorted(conflict.values) == [7, 9] and conflict.kind == "values"
    assert "七类" in ans.answer and "安全生产应急管理" in ans.answer
    assert ans.citations[0].quote.startswith("机构职能") and any("七类" in c.quote for c in ans.citations)


def test_a_row_the_prose_settles_is_noted(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("2022年测试区人民政府办公室现行有效的行政规范性文件有多少件?")
    assert ans.value == 424  # the prose's figure: the table's 89 is only inferred from its digits
    (conflict,) = ans.conflicts
    assert sorted(conflict.values) == [89, 424]
    assert "34089" in ans.answer and ans.citations[0].quote == "现行有效件数424件"
    assert [c.quote for c in conflict.citations] == ["现行有效件数424件", "34089", "本年度制发规范性文件34件"]


def test_the_settling_figure_itself_is_answered_plainly(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("2022年测试区人民政府办公室本年制发的规范性文件有多少件?")
    assert ans.value == 34


def test_a_row_the_prose_settles_answers_its_other_cell(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("截至2024年底,测试区行政审批局现行有效的行政规范性文件有几件?")
    assert ans.value == 21 and not ans.conflicts
    assert "15621" in ans.answer and "15、6、21" in ans.answer and ans.arithmetic == "「15621」= 15 | 6 | 21"
    # the run, then the prose figures that settled it in column order (本年制发, 本年废止)
    assert [c.quote for c in ans.citations] == ["15621", "制定规范性文件15件", "我局废止规范性文件6件"]


def test_a_row_the_prose_leaves_open_is_not_read(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("截至2024年底,测试区农业农村局现行有效的行政规范性文件有几件?")
    assert ans.value is None  # 15|6|21 or 15|62|1: the prose's 制定15件 does not tell
    assert "15621" in ans.answer and "不止一种" in ans.answer


def test_the_settling_figure_is_not_answered_with_the_other_cell(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("2022年测试区财政局本年制发的规范性文件有多少件?")
    assert ans.value == 12 and not ans.conflicts  # the finding is about 现行有效 15 vs 12, not about 制发
    noted = assistant.ask("2022年测试区财政局现行有效的行政规范性文件有多少件?")
    assert noted.value == 15 and sorted(noted.conflicts[0].values) == [12, 15]


def test_a_cell_the_prose_states_is_not_read_from_the_run(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("截至2024年底,测试区教育局现行有效的行政规范性文件有几件?")
    assert ans.value != 21  # the report's own 20, or not found; never the reading the report contradicts
    assert not any(n.startswith("row settled") for n in ans.notes)
