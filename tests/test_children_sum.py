"""A template row without a figure of its own ((三)不予公开, (四)无法提供 in the 2019/2021 table) is
answered as the sum of its sub-rows, with the arithmetic shown and every sub-row cited; when a
sub-row is missing the sum is not offered."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.engine import Assistant
from index.metrics import load_catalogue
from index.pipeline import build_report
from index.settings import load_settings
from index.sqlstore import SQLStore

COLS = "| 本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"
WITHHELD = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
            "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
UNABLE = ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]


def _row(label: str, person: int, firm: int) -> str:
    return f"| {label} | {person} | {firm} | 0 | 0 | 0 | 0 | {person + firm} |"


def _report(withheld: list[tuple[int, int]], unable: list[tuple[int, int]], skip: str = "") -> str:
    rows = [_row("一、本年新收政府信息公开申请数量", 30, 5), _row("二、上年结转政府信息公开申请数量", 0, 0),
            _row("三、本年度办理结果 › (一)予以公开", 10, 1)]
    rows += [_row(f"三、本年度办理结果 › (三)不予公开 › {lab}", *v) for lab, v in zip(WITHHELD, withheld)
             if lab != skip]
    rows += [_row(f"三、本年度办理结果 › (四)无法提供 › {lab}", *v) for lab, v in zip(UNABLE, unable)]
    return "样例市样例县人民政府2020年政府信息公开工作年度报告\n\n三、收到和处理政府信息公开申请情况\n" + \
        "\n".join([COLS, *rows]) + "\n"


def _assistant(tmp_path: Path, text: str) -> Assistant:
    data = tmp_path / "data"
    data.mkdir()
    src = tmp_path / "样例县2020.txt"
    src.write_text(textwrap.dedent(text), encoding="utf-8")
    store = SQLStore(f"sqlite:///{data / 'reportqa.db'}")
    store.save_report(build_report(src))  # SQL only: these questions never reach vectors
    return Assistant(load_settings(data_dir=data))


W = [(1, 0), (0, 2), (3, 0), (0, 0), (1, 1), (4, 0), (0, 0), (2, 0)]
U = [(5, 1), (0, 0), (2, 0)]


@pytest.mark.parametrize("question, pairs, col", [
    ("样例县2020年不予公开的申请有多少件?", W, None),
    ("样例县2020年无法提供的申请有多少件?", U, None),
    ("样例县2020年自然人申请中不予公开的有多少件?", W, 0),
])
def test_parent_row_is_summed_from_its_sub_rows(tmp_path, question, pairs, col):  # noqa: ANN001
    a = _assistant(tmp_path, _report(W, U))
    try:
        ans = a.ask(question)
    finally:
        a.close()
    want = sum(p[col] if col is not None else sum(p) for p in pairs)
    assert ans.found and ans.value == want, ans.answer
    assert ans.arithmetic.endswith(f"={want}") and ans.arithmetic.count("+") == len(pairs) - 1
    assert len(ans.citations) == len(pairs)
    assert all(c.quote.strip().isdigit() for c in ans.citations)  # each sub-row's cell is cited
    assert "分项" in ans.answer and ans.sql


def test_no_sum_when_a_sub_row_is_missing(tmp_path):  # noqa: ANN001
    a = _assistant(tmp_path, _report(W, U, skip=WITHHELD[3]))
    try:
        ans = a.ask("样例县2020年不予公开的申请有多少件?")
    finally:
        a.close()
    assert "分项" not in ans.answer
    assert ans.value != sum(sum(p) for p in W)


@pytest.mark.parametrize("metric, dimension, kids", [
    ("result_withheld", "", 8),
    ("result_unable", "", 3),
    ("apply_answered", "不同意公开", 1),  # refused_reasons: its parts are dimensions, one child metric
    ("result_open", "", 0),
])
def test_children_of(metric, dimension, kids):  # noqa: ANN001
    cat = load_catalogue()
    got = cat.children_of(metric, dimension)
    assert len(got) == kids, got
    assert all(cat.parent_of(k) == (metric, dimension) for k in got)
