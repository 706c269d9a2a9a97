"""A computed answer (share, difference, sum of named items) with an operand missing is "not found",
never the one figure that was found (rule 2: a wrong figure is worse than not found)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.compose import compose_figure_answer
from assistant.engine import FactRow


def _row(value: float, unit: str = "件", part: int = 0, report_id: int = 1, year: int = 2024) -> FactRow:
    return FactRow(fact_id=1, report_id=report_id, source=f"r{report_id}.txt", title="某局报告", body="某县某局",
                   region="某县", year=year, metric_id="apply_new", dimension="", value=value, unit=unit,
                   origin="table", section_path="三、收到和处理政府信息公开申请情况", quote=str(int(value)),
                   start=0, end=1, row_label="本年新收", col_label="总计", conflict=False, part=part)


@pytest.mark.parametrize(("op", "n_metrics"), [("percent", 2), ("ratio", 2), ("difference", 1), ("compare", 1),
                                               ("sum", 2)])
def test_one_operand_found_is_not_an_answer(op: str, n_metrics: int) -> None:
    parsed = SimpleNamespace(operation=op, metrics=[object()] * n_metrics, report_ids=[1])
    ans = compose_figure_answer("q", parsed, SimpleNamespace(operation=op, roles=[]), [_row(12)], None, [])
    assert not ans.found and ans.value is None
    assert ans.citations  # what was found is still shown


def test_a_stated_share_still_answers() -> None:
    parsed = SimpleNamespace(operation="percent", metrics=[object()], report_ids=[1])
    ans = compose_figure_answer("q", parsed, SimpleNamespace(operation="percent", roles=[]), [_row(18, "%")], None, [])
    assert ans.found and ans.value == 18 and ans.unit == "%"


def test_a_single_quantity_sum_question_is_a_lookup() -> None:
    parsed = SimpleNamespace(operation="sum", metrics=[object()], report_ids=[1])  # "一共收到多少件"
    ans = compose_figure_answer("q", parsed, SimpleNamespace(operation="sum", roles=[]), [_row(12)], None, [])
    assert ans.found and ans.value == 12


def test_share_question_is_not_read_as_a_comparison() -> None:
    from assistant.question import _COMPARE, _PERCENT

    q = "区管委会办公室2019年新收的信息公开申请中,予以公开的占比是多少?"
    assert _PERCENT.search(q) and not _COMPARE.search(q)


def test_text_route_never_reads_a_figure_out_of_a_digit_run_row() -> None:
    from assistant.answers import Citation
    from assistant.extract import figure_from_quotes

    parsed = SimpleNamespace(body_mentions=[], years=[])
    row = Citation(source="r.txt", report="r", section="三", quote="6.属于四类过程性信息2000002", start=0, end=20)
    assert figure_from_quotes("以过程性信息为由拒绝公开的申请有几件?", parsed, [row]) is None
    prose = Citation(source="r.txt", report="r", section="一", quote="属于过程性信息的申请2件", start=0, end=12)
    assert figure_from_quotes("以过程性信息为由拒绝公开的申请有几件?", parsed, [prose])[0] == 2


@pytest.mark.parametrize(("q", "phrase", "sub"), [
    ("区经发局2022年主动公开的信息中科教文体卫生类有多少条?", "主动公开的信息", "科教文体卫生"),
    ("区财政金融局2017年主动公开的信息里,关于政府集中采购目录、标准和执行情况的有多少条?", "主动公开的信息",
     "政府集中采购目录、标准和执行"),
    ("海陵区2017年收到的申请中,网络申请有多少件?", "收到的申请", "网络申请"),
    ("海陵区2017年收到多少件申请?", "收到", ""),
])
def test_asked_subset(q: str, phrase: str, sub: str) -> None:
    from assistant.compose import asked_subset

    assert asked_subset(q, SimpleNamespace(metrics=[SimpleNamespace(phrase=phrase)])) == sub


def test_a_whole_is_no_answer_to_its_part() -> None:
    q = "某局2024年主动公开的信息中科教文体卫生类有多少条?"
    parsed = SimpleNamespace(operation="lookup", metrics=[SimpleNamespace(phrase="主动公开的信息")], report_ids=[1])
    total = _row(121, "条")
    ans = compose_figure_answer(q, parsed, SimpleNamespace(operation="lookup", roles=[]), [total], None, [])
    assert not ans.found and ans.value is None and "科教文体卫生" in ans.answer
