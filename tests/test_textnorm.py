"""Questions in traditional characters resolve like their simplified forms (OpenCC t2s)."""
from __future__ import annotations

import pytest

from assistant.question import normalize, parse_question
from assistant.router import route
from assistant.textnorm import to_simplified
from index.metrics import load_catalogue
from tests.question_fixtures import REPORTS

CONVERSIONS = [
    ("海陵區2017年收到多少件政府信息公開申請?", "海陵区2017年收到多少件政府信息公开申请?"),
    ("網絡申請", "网络申请"),
    ("行政復議數量", "行政复议数量"),
    ("寧德市交通運輸局", "宁德市交通运输局"),
    ("政府信息公开", "政府信息公开"),  # simplified text is left alone
    ("SELECT 1; -- ascii", "SELECT 1; -- ascii"),
    ("", ""),
]


@pytest.mark.parametrize(("traditional", "simplified"), CONVERSIONS)
def test_to_simplified(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified


def test_simplified_sample_reports_are_unchanged(examples_dir) -> None:  # noqa: ANN001
    # t2s must be the identity on simplified report text, or matching would drift.
    for p in sorted(examples_dir.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        assert to_simplified(text) == text, p.name


PAIRS = [
    ("海陵區2017年收到多少件政府信息公開申請?", "海陵区2017年收到多少件政府信息公开申请?"),
    ("海陵區2018年行政復議數量是多少?", "海陵区2018年行政复议数量是多少?"),
    ("寧德市交通運輸局2014年主動公開政府信息多少條?", "宁德市交通运输局2014年主动公开政府信息多少条?"),
    ("讓胡路區2013年存在哪些問題?", "让胡路区2013年存在哪些问题?"),
    ("海陵區2017年和2018年網絡申請分別是多少件?", "海陵区2017年和2018年网络申请分别是多少件?"),
]


@pytest.mark.parametrize(("traditional", "simplified"), PAIRS)
def test_traditional_question_parses_like_simplified(traditional: str, simplified: str) -> None:
    cat = load_catalogue()
    t = parse_question(traditional, cat, REPORTS)
    s = parse_question(simplified, cat, REPORTS)
    assert t.report_ids == s.report_ids and t.report_ids, t
    assert t.years == s.years
    assert t.metric_ids == s.metric_ids
    assert t.operation == s.operation
    assert t.body_mentions == s.body_mentions
    assert t.label_terms == s.label_terms
    assert t.is_figure_question == s.is_figure_question
    assert route(t) == route(s)
    assert t.text == traditional  # the question is kept as asked; only matching is simplified


def test_normalize_simplifies_and_squeezes() -> None:
    assert normalize("海陵區 2017 年\u3000申請") == "海陵区2017年申请"
