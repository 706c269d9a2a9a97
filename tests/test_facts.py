"""index/facts.py: cells and prose -> facts with exact quotes; conflicts."""
import unicodedata
from pathlib import Path

import pytest

from index.facts import extract_facts, mark_conflicts
from index.metrics import load_catalogue
from index.models import Fact
from index.tables import find_tables

REPORTS = Path(__file__).resolve().parents[1] / "examples" / "reports"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def norm(s: str) -> str:
    try:
        from index.normalize import normalize_text
        return normalize_text(s)
    except Exception:  # noqa: BLE001
        return unicodedata.normalize("NFKC", s).replace("\u00a0", " ")


def facts_of(text, cat):
    text = norm(text)
    fs = extract_facts(text, [], find_tables(text, []), cat)
    for f in fs:
        assert text[f.start:f.end] == f.quote
    return fs


def find(fs, metric, dim="", source=None, unit=None):
    hits = [f for f in fs if f.metric == metric and f.dimension == dim
            and (source is None or f.source == source) and (unit is None or (f.unit == "%") == (unit == "%"))]
    assert hits, f"no fact {metric}/{dim} in {[(f.metric, f.dimension, f.value) for f in fs]}"
    return hits[0]


PROSE = [
    # (text, metric, dimension, value, unit)
    ("截止12月31日,共受理政府信息公开申请54条,其中当面申请12条,传真申请3条,网络申请31条,信函申请6条,其他方式申请2条。",
     "apply_received", "", 54, "条"),
    ("截止12月31日,共受理政府信息公开申请54条,其中当面申请12条,传真申请3条,网络申请31条,信函申请6条,其他方式申请2条。",
     "apply_received", "网络申请", 31, "条"),
    ("截至2013年12月31日,在各类公开载体共发布信息2047条。", "info_published", "", 2047, "条"),
    ("其中,发布工作动态类信息1658条,占总数的88.2%。", "info_published", "工作动态类", 1658, "条"),
    ("其中,发布工作动态类信息1658条,占总数的88.2%。", "info_published", "工作动态类 占比", 88.2, "%"),
    ("答复申请通过网上方式,平均在15个工作日内回复,没有超时现象。", "avg_reply_days", "", 15, "个工作日"),
    ("2013年,全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。", "admin_review", "", 0, "件"),
    ("2013年,全区未发生因政府信息公开而提起的行政复议、诉讼和申诉。", "admin_litigation", "", 0, "件"),
    ("局本级未接到政府信息公开申请,也未接到公众的举报。", "apply_received", "", 0, "件"),
    ("全年区长信箱收到308件,全部办结。", "mayor_mailbox", "", 308, "件"),
    ("今年投入30万元对市政府门户网站进行全面升级改造。", "funds_invested", "", 30, "万元"),
    ("拟取消行政审批项目8项,承接上级下放行政审批项目59项。", "prose:拟取消行政审批项目", "", 8, "项"),
    ("拟取消行政审批项目8项,承接上级下放行政审批项目59项。", "prose:承接上级下放行政审批项目", "", 59, "项"),
    ("我局一共制作并主动公开政府信息162条,其中,权力运行类17条,公共服务类98条。", "active_info_total", "公共服务类", 98, "条"),
    ("2017年,全区因政府信息公开发生行政复议3件,被依法纠错1件;行政诉讼5件,被依法纠错0件。", "admin_litigation", "结果纠正", 0, "件"),
    # a column heading of the subject's row: the 现行有效件数 of 规范性文件 (index/metrics.py column_of)
    ("建成规范性文件库,本年度制发规范性文件34件,现行有效件数424件。", "active_normative_docs", "现行有效件数", 424, "件"),
    ("建成规范性文件库,本年度制发规范性文件34件,现行有效件数424件。", "normative_issued_total", "", 34, "件"),
    # a count of kinds quoted with the list it introduces (index/enumerations.py)
    ("主动公开类别有七类,分别是机构职能、规划计划、行政许可等政府信息。", "prose:主动公开类别", "", 7, "类"),
]


@pytest.mark.parametrize("text,metric,dim,value,unit", PROSE)
def test_prose_fact(cat, text, metric, dim, value, unit):
    f = find(facts_of(text, cat), metric, dim, "prose", unit)
    assert f.value == value and f.unit == unit


def test_prose_quote_is_the_clause(cat):
    f = find(facts_of("其中,已经公开的50条,占总数的92.6%;部分公开的3条。", cat), "apply_answered", "同意公开")
    assert f.quote == "已经公开的50条"


def test_prose_and_table_share_metric_and_dimension(cat):
    text = "当面申请3件,网络申请44件。\n\n统计指标\n\n单位\n\n合计\n\n(一)收到申请数\n\n70\n\n1.当面申请数\n\n15\n\n3.网络申请数\n\n32\n\n4.信函申请数\n\n23\n"
    fs = facts_of(text, cat)
    prose = find(fs, "apply_received", "网络申请", "prose")
    table = find(fs, "apply_received", "网络申请", "table")
    assert (prose.value, table.value) == (44, 32)
    assert prose.conflict and table.conflict
    assert not find(fs, "apply_received", "信函申请", "table").conflict


def test_mark_conflicts_ignores_prose_only_and_equal_values():
    mk = lambda v, src, t=None: Fact("m", "", v, "件", src, [], "q", 0, 1, table_ord=t)  # noqa: E731
    fs = mark_conflicts([mk(1, "prose"), mk(2, "prose")])
    assert not any(f.conflict for f in fs)
    fs = mark_conflicts([mk(1, "prose"), mk(1, "table", 0)])
    assert not any(f.conflict for f in fs)
    fs = mark_conflicts([mk(1, "prose"), mk(2, "table", 0)])
    assert all(f.conflict for f in fs)


def load(prefix):
    return next(REPORTS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_sample_004_conflicts_and_table_facts(cat):
    fs = facts_of(load("004"), cat)
    net = [f for f in fs if (f.metric, f.dimension) == ("apply_received", "网络申请")]
    assert {(f.source, f.value) for f in net} == {("prose", 44), ("table", 32)}
    assert all(f.conflict for f in net)
    assert find(fs, "special_funds", "", "table").value == 90.2
    # a 附表 row no catalogue metric names is still a fact, named by its row label
    assert any(f.source == "table" and f.value == 84.18 and "统一认证占比" in f.label for f in fs)
    assert find(fs, "admin_litigation", "", "table").value == 39


def test_sample_001_template_facts(cat):
    fs = facts_of(load("001"), cat)
    assert find(fs, "active_normative_docs", "本年新制作数量", "table").value == 2
    assert find(fs, "apply_new", "", "table").value == 0
    assert find(fs, "active_procurement", "采购总金额", "table").unit == "万元"
    assert find(fs, "litigation_after_review", "", "table").value == 0


def test_every_sample_table_cell_maps(cat):
    for p in sorted(REPORTS.glob("*.txt")):
        text = norm(p.read_text(encoding="utf-8"))
        tables = find_tables(text, [])
        fs = extract_facts(text, [], tables, cat)
        n_cells = sum(1 for t in tables for c in t.cells if c.value is not None)
        assert sum(1 for f in fs if f.source == "table") == n_cells, p.name


# --- labels: the report's own words for each figure -------------------------------------------
@pytest.mark.parametrize(("text", "value", "label"), [
    ("新浪微博粉丝10659名。", 10659, "新浪微博粉丝"),
    ("梳理了12大项共计448项权力内容。", 448, "梳理了12大项权力内容"),  # the noun after the figure names it
    ("选认47名区级科技特派员、21名省级个人科技特派员。", 47, "选认区级科技特派员"),
    ("2022年制作、获取政府信息总数473条。", 473, "制作获取政府信息"),  # 、-joined words name one figure
    # a heading run into the text: the words after its year modify the figure
    ("(一)主动公开政府信息的数量2019年制作、获取政府信息总数330条。", 330, "制作获取政府信息"),
    ("全年共制发政府信息487条,其中,主动公开政府信息117条(涵盖政策类10条、其他类107条)、依申请公开274条。",
     117, "制发政府信息 › 主动公开政府信息"),
    ("全年共制发政府信息487条,其中,主动公开政府信息117条(涵盖政策类10条、其他类107条)、依申请公开274条。",
     10, "主动公开政府信息 › 政策类"),  # a bracketed sub-list breaks down the figure before the bracket
    ("全年共制发政府信息487条,其中,主动公开政府信息117条(涵盖政策类10条、其他类107条)、依申请公开274条。",
     274, "制发政府信息 › 依申请公开"),  # and the outer list goes on after it
    ("全年主动公开135条,其中政策类1条,其他类134条;办理依申请公开1件。", 1, "办理依申请公开"),  # ; ends a list
    ("印发公文类政府信息510条。主动公开的信息中,规范性文件类信息5条。", 5, "主动公开的信息 › 规范性文件类信息"),
    # a numbered frame names its figure and holds the sentence's list together across semicolons
    ("在主动公开的90条政府信息中,机构设置类信息共1条;规范性文件类信息10条;财政预决算报告信息5条。", 90, "主动公开政府信息"),
    ("在主动公开的90条政府信息中,机构设置类信息共1条;规范性文件类信息10条;财政预决算报告信息5条。", 5,
     "主动公开政府信息 › 财政预决算报告信息"),
    # after a semicolon an enumeration goes on with figures of its unit that are no catalogue quantity
    ("全年主动公开61条,其中:减税降费5条,政策解读共1条;财政资金直达基层12条;其他文件共51条等。", 12,
     "主动公开 › 财政资金直达基层"),
    ("全年主动公开135条,其中政策类1条,其他类134条;依申请公开12条。", 12, "依申请公开"),
    # a bare count named by a 数 label takes its list's unit: the next figure's, or the one before at the end
    ("其中主动公开信息数169,依申请公开信息数317条。", 169, "主动公开信息"),
    ("政府信息总数330条,其中主动公开政府信息90条,作为依申请公开信息数161条,不予公开信息数79。", 79,
     "政府信息 › 不予公开信息"),
])
def test_fact_labels(cat, text: str, value: float, label: str) -> None:  # noqa: ANN001
    labels = [f.label for f in facts_of(text, cat) if f.value == value and f.unit != "%"]
    assert label in labels, labels


def test_a_bare_count_without_a_list_has_no_unit(cat) -> None:  # noqa: ANN001
    assert not [f for f in facts_of("不予公开信息数79。", cat) if f.value == 79]


def test_a_scale_word_is_no_figure(cat) -> None:  # noqa: ANN001
    assert not [f for f in facts_of("本年收费金额(单位:万元)。", cat) if f.value == 10000]


def test_a_running_total_is_no_conflict_with_the_years_figure(cat) -> None:  # noqa: ANN001
    """历年累计 582条 and the year's 475条 of the same metric are two quantities, not one stated twice."""
    from index.facts import mark_conflicts
    from index.models import Fact

    fs = [Fact("active_info_total", "", 582, "条", "prose", "", "q", 0, 1, label="历年累计主动公开政府信息"),
          Fact("active_info_total", "", 475, "条", "table", "", "q", 2, 3, row_label="主动公开政府信息",
               col_label="年度", label="主动公开政府信息 › 年度"),
          Fact("active_info_total", "", 580, "条", "table", "", "q", 4, 5, row_label="主动公开政府信息",
               col_label="历年累计", label="主动公开政府信息 › 历年累计")]
    mark_conflicts(fs)
    assert [f.conflict for f in fs] == [True, False, True]
