"""A stated count of kinds and the list it introduces (index/enumerations.py), table-driven."""
from __future__ import annotations

import pytest

from index.enumerations import read_counts

NINE = "机构职能、政策规范性文件、规划计划、行政许可、重大建设项目信息、为民办实事、民政扶贫救灾社会保障就业、科教文体卫生、安全生产应急管理"


@pytest.mark.parametrize(("text", "value", "low", "high", "partial"), [
    (f"主动公开类别有七类,分别是{NINE}等政府信息。", 7, 9, 9, True),
    ("信息分为三类:政策文件、规划计划、统计数据。", 3, 3, 3, False),
    ("信息分为三类：政策文件、规划计划、统计数据。", 3, 3, 3, False),  # a full-width colon
    ("我局公开五类信息,包括政策、规划和计划等。", 5, 2, 3, True),  # 规划和计划: one kind or two
    ("共分为4大类,即政务动态、政策法规、“机构、职能”、其他。", 4, 4, 4, False),  # a 、 inside quotes
])
def test_counts_and_their_lists(text, value, low, high, partial):  # noqa: ANN001
    (c,) = read_counts(text)
    assert (c.value, c.low, c.high, c.partial) == (value, low, high, partial)
    assert text[c.start:c.end].endswith(c.unit) and text[c.list_start:c.list_end].startswith(c.items[0])


@pytest.mark.parametrize("text", [
    "属于三类内部事务信息的不予公开。",  # a kind named, no list
    "梳理了12大项共计448项权力内容。",
    "主动公开一类,即政务动态。",  # one kind is no list
    "信息分为三类,其中政策文件5条。",  # no opener of a list
])
def test_no_list(text):  # noqa: ANN001
    assert read_counts(text) == []
