"""index/facts.py: a named rate ("办结率99.8%") is its own prose figure, while a share ("占总数的92.6%")
stays the previous figure's 占比."""
import pytest

from index.facts import extract_facts
from index.metrics import load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.mark.parametrize("text, metric, dimension, value", [
    ("12345市长热线共接听市民来电17248件次,回访群众满意率95.1%。", "prose:回访群众满意率", "", 95.1),
    ("向各级各部门单位网上交办各类事项3598件,办结率99.8%。", "prose:办结率", "", 99.8),
    ("全年区长信箱收到308件,回复办结数量308件,办结率100%。", "prose:办结率", "", 100),
    ("按时答复率达到98%。", "prose:按时答复率", "", 98),
    # shares keep attaching to the figure before them
    ("其中,已经公开的50条,占总数的92.6%。", "apply_answered", "同意公开 占比", 92.6),
    ("其中,发布工作动态类信息1658条,占总数的88.2%。", "info_published", "工作动态类 占比", 88.2),
])
def test_rates_and_shares(cat, text, metric, dimension, value):
    fs = extract_facts(text, [], [], cat)
    hits = [f for f in fs if (f.metric, f.dimension, f.unit) == (metric, dimension, "%")]
    assert hits, [(f.metric, f.dimension, f.value, f.unit) for f in fs]
    assert hits[0].value == value and text[hits[0].start:hits[0].end] == hits[0].quote


@pytest.mark.parametrize("text", ["办事效率提高20%。", "比上年增长347.7%。"])
def test_words_that_are_not_rates_are_not_rate_labels(cat, text):
    fs = extract_facts(text, [], [], cat)
    assert not any(f.metric.endswith(("效率", "增长率")) for f in fs)
