"""A table row whose digit run cannot be cut with certainty is never answered from, and the answer
says so (issue: Reports from anywhere, tables item), through the real indexer and engine."""
from __future__ import annotations

import pytest

from ingested import assistant_over

REPORT = """某县教育局2022年政府信息公开工作年度报告

一、总体情况

2022年,我局认真落实条例要求,推进政务公开。

三、收到和处理政府信息公开申请情况

一、本年新收政府信息公开申请数量110000011
二、上年结转政府信息公开申请数量0000000
三、本年度办理结果
(一)予以公开110000011
(七)总计110000011
四、结转下年度继续办理0000000
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    a = assistant_over(tmp_path_factory.mktemp("uncertain"), {"report.txt": REPORT})
    yield a
    a.close()


def test_uncertain_cell_is_said_not_answered(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("某县教育局2022年自然人提出的政府信息公开申请有多少件?")
    # 110000011 is 11+0+…=11 or 1+10+…=11 by columns: who applied is not read as certain
    assert ans.value is None
    assert "110000011" in ans.answer and "不止一种" in ans.answer
    assert any(n.startswith("报告表中「一、本年新收政府信息公开申请数量」") for n in ans.notes)


def test_cell_every_cut_agrees_on_is_answered(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("某县教育局2022年收到多少件政府信息公开申请?")
    assert ans.found and ans.value == 11  # the 总计 is 11 in every cut


def test_certain_rows_still_answer(assistant) -> None:  # noqa: ANN001
    ans = assistant.ask("某县教育局2022年结转下年度继续办理的申请有多少件?")
    assert ans.found and ans.value == 0


def test_a_rows_certain_total_answers_a_question_about_totals(assistant) -> None:  # noqa: ANN001
    # both rows' breakdowns are in doubt, their 总计 cells are not: a share of totals is computed
    ans = assistant.ask("某县教育局2022年新收的申请中,予以公开的占多少?")
    assert ans.found and ans.value == 100 and "11÷11" in (ans.arithmetic or "")
