"""index/metrics.yaml + index/metrics.py: catalogue integrity and label matching."""
import re

import pytest

from index.metrics import load_catalogue, normalize_label


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_catalogue_integrity(cat):
    assert len(cat) >= 70  # the national template's rows, the pre-2019 附表 and common prose statistics
    ids = [m.id for m in cat.metrics]
    assert len(ids) == len(set(ids))
    for m in cat.metrics:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", m.id), m.id
        assert m.name and m.category
        assert all(cat.get(s) for s in m.see_also), m.id


def test_received_and_new_are_separate_but_grouped(cat):
    new, recv = cat.get("apply_new"), cat.get("apply_received")
    assert new and recv and new.id != recv.id
    assert new.group == recv.group != ""


def test_as_rows(cat):
    rows = cat.as_rows()
    assert len(rows) == len(cat)
    r = next(r for r in rows if r["id"] == "apply_received")
    assert set(r) == {"id", "name", "category", "unit", "synonyms"}
    assert "受理政府信息公开申请" in r["synonyms"] and "当面申请" in r["synonyms"]


@pytest.mark.parametrize("label,norm", [
    ("(一)收到申请数", "收到申请"),
    ("3﹒网络申请数", "网络申请"),
    ("十六、实现统一认证占比", "实现统一认证占比"),
    ("其中:主动公开规范性文件数", "主动公开规范性文件"),
    ("(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)", "主动公开政府信息"),
    ("(七)总计", "总计"),
])
def test_normalize_label(label, norm):
    assert normalize_label(label) == norm


MATCH = [
    ("(一)收到申请数", "apply_received"),
    ("受理政府信息公开申请", "apply_received"),
    ("一、本年新收政府信息公开申请数量", "apply_new"),
    ("四、行政复议数量", "admin_review"),
    ("六、举报投诉数量", "complaints"),
    ("(五)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "special_funds"),
    ("(三)接受培训人员数", "trainees"),
    ("2.兼职人员数", "staff_parttime"),
    ("十五、实现统一认证业务数", None),  # one sample's 附表 row: no catalogue metric (kept as a label fact)
    ("全年区长信箱收到", "mayor_mailbox"),
    ("在各类公开载体共发布信息", "info_published"),
    ("拟取消行政审批项目", None),
]


@pytest.mark.parametrize("label,metric", MATCH)
def test_match(cat, label, metric):
    m = cat.match(label)
    assert (m.id if m else None) == metric


RESOLVE = [
    # (label, context, table kind, metric, dimension)
    ("1﹒当面申请数", ["(一)收到申请数"], "appendix", "apply_received", "当面申请"),
    ("其中当面申请", [], None, "apply_received", "当面申请"),
    ("(二)被依法纠错数", ["五、行政诉讼数量"], "appendix", "admin_litigation", "结果纠正"),
    ("(二)被依法纠错数", ["四、行政复议数量"], "appendix", "admin_review", "结果纠正"),
    ("行政许可", [], "template_active", "active_licensing", ""),
    ("7.其他", ["(四)申请来源"], "appendix", "apply_source", "其他"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", ["三、本年度办理结果"], "template_apply", "result_partial", ""),
    ("(七)总计", ["三、本年度办理结果"], "template_apply", "result_total", ""),
    ("平均在", [], None, None, None),
]


@pytest.mark.parametrize("label,ctx,kind,metric,dim", RESOLVE)
def test_resolve(cat, label, ctx, kind, metric, dim):
    r = cat.resolve(label, ctx, kind)
    assert ((r.metric.id, r.dimension) if r else (None, None)) == (metric, dim)


def test_prose_never_fills_template_only_metrics(cat):
    r = cat.resolve("本年新收政府信息公开申请", [], None, "件")
    assert r is None or not r.metric.table_kinds


@pytest.mark.parametrize(("label", "near", "expect"), [
    ("现行有效件数", "normative_issued_total", ("active_normative_docs", "现行有效件数")),  # it sees the row
    ("本年废止件数", "active_normative_docs", ("active_normative_docs", "本年废止件数")),
    ("现行有效件数", "apply_received", None),  # no related metric has that column
    ("自然人", "apply_received", None),  # a category of the whole, not a heading that counts
    ("现行有效件数", "no_such_metric", None),
])
def test_column_of(cat, label, near, expect):  # noqa: ANN001
    r = cat.column_of(label, near)
    assert ((r.metric.id, r.dimension) if r else None) == expect


def test_unit_restricted_metric(cat):
    assert cat.resolve("平均在", [], None, "个工作日").metric.id == "avg_reply_days"
    r = cat.resolve("平均在", [], None, "条")
    assert r is None or r.metric.id != "avg_reply_days"


def test_dimension_of(cat):
    m = cat.get("apply_new")
    assert cat.dimension_of(m, "法人或其他组织 › 商业企业") == "商业企业"
    assert cat.dimension_of(m, "总计") == ""
    fees = cat.get("active_fees")
    assert cat.dimension_of(fees, "本年收费金额(单位:万元)") == "本年收费金额"
    assert fees.unit_for("本年收费金额") == "万元"


# -- crosswalk and hierarchy -------------------------------------------------------------------------

from index.metrics import crosswalk, parents  # noqa: E402

XWALK_ENTRIES = [
    {"id": "a", "name": "予以公开", "equivalents": [{"metric": "b", "dimension": "同意公开"}]},
    {"id": "b", "name": "申请答复数", "parts": {"同意公开": ["同意公开"]}},
    # transitive: c/x = b/同意公开 = a
    {"id": "c", "name": "答复结果", "equivalents": [{"this_dimension": "x", "metric": "b", "dimension": "同意公开"}]},
    {"id": "d", "name": "不予公开", "equivalents": [("e", "不同意公开")]},  # tuple form
    {"id": "e", "name": "申请答复数2"},
    {"id": "f", "name": "不予公开-属于国家秘密"},  # implicit parent by "X-Y" name
    {"id": "g", "name": "专职人员数", "parent": "h"},
    {"id": "h", "name": "工作人员数"},
    {"id": "i", "name": "不同意公开的原因", "parent": "b/同意公开"},
    {"id": "j", "name": "其他-无关"},  # X names no metric: no parent
]


@pytest.mark.parametrize("pair, expected", [
    (("a", ""), [("b", "同意公开"), ("c", "x")]),
    (("b", "同意公开"), [("a", ""), ("c", "x")]),
    (("c", "x"), [("a", ""), ("b", "同意公开")]),
    (("d", ""), [("e", "不同意公开")]),
    (("e", "不同意公开"), [("d", "")]),
    (("b", ""), None),  # the total of b is not 同意公开
])
def test_crosswalk_is_symmetric_and_transitive(pair, expected):
    got = crosswalk(XWALK_ENTRIES).get(pair)
    assert (sorted(got) if got is not None else None) == expected


@pytest.mark.parametrize("metric, parent", [
    ("f", ("d", "")), ("g", ("h", "")), ("i", ("b", "同意公开")), ("j", None), ("a", None),
])
def test_parents_declared_and_by_name(metric, parent):
    assert parents(XWALK_ENTRIES).get(metric) == parent


def test_catalogue_crosswalk_and_parents_point_at_real_rows(cat):
    """Every crosswalk pair and parent names a catalogue metric and one of its dimensions (or its total)."""
    def ok(mid, dim):
        m = cat.get(mid)
        return m is not None and (dim == "" or dim in m.dimensions)
    pairs = {p for m in cat.metrics for p in [(m.id, "")] + [(m.id, d) for d in m.dimensions]}
    for p in pairs:
        for q in cat.equivalents(*p):
            assert ok(*q), (p, q)
            assert p in cat.equivalents(*q)  # symmetric
    for m in cat.metrics:
        par = cat.parent_of(m.id)
        if par is not None:
            assert ok(*par) and par[0] != m.id, (m.id, par)


@pytest.mark.parametrize("pair, twin", [
    (("result_partial", ""), ("apply_answered", "同意部分公开")),
    (("result_public", ""), ("apply_answered", "同意公开")),
    (("result_withheld", ""), ("apply_answered", "不同意公开")),
    (("apply_new", "自然人"), ("apply_source", "公民")),
])
def test_catalogue_crosswalk_entries(cat, pair, twin):
    assert twin in cat.equivalents(*pair) and pair in cat.equivalents(*twin)


@pytest.mark.parametrize("metric, parent", [
    ("staff_fulltime", ("staff_total", "")),
    ("withheld_state_secret", ("result_withheld", "")),
    ("unable_not_held", ("result_unable", "")),
    ("litigation_direct", ("admin_litigation", "")),
    ("refused_reasons", ("apply_answered", "不同意公开")),
    ("apply_received", None),
])
def test_catalogue_parents(cat, metric, parent):
    assert cat.parent_of(metric) == parent
