"""The consistency audit: each rule on the sample reports and on small reports written here.

Reports are built with ``build_report`` and saved to a throwaway SQLite store (SQL side only: the
audit never needs vectors)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from assistant.audit import SEVERITY, Finding, audit_all, audit_report, pct_consistent
from index.pipeline import build_report
from index.sqlstore import SQLStore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"
RANGHULU, LIAODONG, HAILING = "000_34cfdbdec91981e1.txt", "001_6e3f4ad97358b0ef.txt", "004_62656ceadc0d90a0.txt"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[SQLStore, dict[str, int]]:
    db = tmp_path_factory.mktemp("audit") / "reportqa.db"
    store = SQLStore(f"sqlite:///{db}")
    ids = {p.name: store.save_report(build_report(p)) for p in sorted(EXAMPLES.glob("*.txt"))}
    return store, ids


@pytest.fixture(scope="module")
def sample_findings(sample_store) -> dict[str, list[Finding]]:  # noqa: ANN001
    store, ids = sample_store
    return {name: audit_report(store, rid) for name, rid in ids.items()}


def _store_with(tmp_path: Path, text: str, name: str = "fixture.txt") -> tuple[SQLStore, int]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    store = SQLStore(f"sqlite:///{tmp_path / 'db.sqlite'}")
    return store, store.save_report(build_report(path))


def _has(findings: list[Finding], rule: str, arithmetic: str) -> bool:
    return any(f.rule == rule and arithmetic in f.arithmetic for f in findings)


# --- the samples ---------------------------------------------------------------------------
@pytest.mark.parametrize("report, rule, arithmetic", [
    (HAILING, "prose_vs_table", "44 ≠ 32"),  # 网络申请: prose 44, 附表 32
    (HAILING, "prose_vs_table", "3 ≠ 15"),  # 当面申请: prose 3, 附表 15
    (HAILING, "parts_sum", "0 + 3 + 0 + 0 + 0 + 48 + 3 = 54 ≠ 70"),  # (四)申请来源 vs (一)收到申请数
    (RANGHULU, "percentage", "3 / 54 × 100 = 5.56% ≠ 0.06%"),
    (RANGHULU, "percentage", "1 / 54 × 100 = 1.85% ≠ 0.02%"),
])
def test_sample_findings(sample_findings, report, rule, arithmetic):  # noqa: ANN001
    assert _has(sample_findings[report], rule, arithmetic), [f.arithmetic for f in sample_findings[report]]


def test_copy_paste_body_is_found(sample_findings):  # noqa: ANN001
    found = [f for f in sample_findings[LIAODONG] if f.rule == "other_body"]
    assert found and found[0].named_body == "王奔镇人民政府"
    assert "王奔镇人民政府" in found[0].citations[0].quote
    assert found[0].severity == "medium"


def test_prose_vs_table_names_both_sides(sample_findings):  # noqa: ANN001
    f = next(f for f in sample_findings[HAILING] if f.rule == "prose_vs_table" and "44 ≠ 32" in f.arithmetic)
    assert "44" in f.message and "32" in f.message and "网络申请" in f.message
    kinds = [c.kind for c in f.citations]
    assert kinds == ["prose", "table"]
    assert "网络申请44件" in f.citations[0].quote and f.citations[1].quote == "32"


@pytest.mark.parametrize("report, rule, arithmetic", [
    (RANGHULU, "percentage", "1658"),  # 1658 of 1880 is 88.2%: right
    (RANGHULU, "percentage", "50 / 54"),  # 92.6%: right
    (HAILING, "percentage", "64 / 70"),  # 申请来源统计表 91.4%: right
    (LIAODONG, "template_identity", ""),  # all-zero 2019 template adds up
    (LIAODONG, "parts_sum", ""),
])
def test_consistent_figures_are_not_flagged(sample_findings, report, rule, arithmetic):  # noqa: ANN001
    assert not _has(sample_findings[report], rule, arithmetic)


def test_every_finding_is_complete_and_cites_exact_spans(sample_store, sample_findings):  # noqa: ANN001
    store, _ = sample_store
    texts = {r.id: store.load_report(r.id).text for r in store.list_reports()}
    all_findings = [f for fs in sample_findings.values() for f in fs]
    assert all_findings
    for f in all_findings:
        assert f.severity == SEVERITY[f.rule] and f.severity in ("high", "medium", "low")
        assert f.message and f.message.endswith("。") and f.arithmetic and f.operands
        assert f.citations, f
        for c in f.citations:
            assert texts[f.report_id][c.start:c.end] == c.quote
            assert c.report == f.title and c.source == f.source
        assert f.to_dict()["rule"] == f.rule


def test_audit_all_covers_every_report_and_changes_nothing(sample_store, sample_findings):  # noqa: ANN001
    store, _ = sample_store
    before = store.counts()
    with store.engine.connect() as conn:
        snap = conn.exec_driver_sql("select id, value, conflict from facts order by id").all()
    everything = audit_all(store)
    assert len(everything) == sum(len(v) for v in sample_findings.values())
    assert store.counts() == before
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("select id, value, conflict from facts order by id").all() == snap


def test_unknown_report_gives_no_findings(sample_store):  # noqa: ANN001
    store, _ = sample_store
    assert audit_report(store, 10_000) == []


# --- small reports of our own ----------------------------------------------------------------
APPENDIX = """
测试区人民政府2018年政府信息公开工作年度报告

一、概述
根据《中华人民共和国政府信息公开条例》的规定,现公布{body}{year}年政府信息公开工作年度报告。

二、依申请公开情况
2018年共收到政府信息公开申请40件,其中当面申请10件,网络申请{net_prose}件,信函申请5件。已经公开的30件,占总数的75%;部分公开的4件,占总数的{pct}%。

三、附表
| 统计指标 | 单位 | 合计 |
| (一)收到申请数 | 件 | 40 |
| 1.当面申请数 | 件 | 10 |
| 2.网络申请数 | 件 | {net_table} |
| 3.信函申请数 | 件 | 5 |
| (二)申请来源 | | |
| 1.公民 | 件 | {citizens} |
| 2.企业 | 件 | 5 |
| 四、行政复议数量 | 件 | 6 |
| (一)维持具体行政行为数 | 件 | 3 |
| (二)被依法纠错数 | 件 | 1 |
| (三)其他情形数 | 件 | {review_other} |
"""
CLEAN = dict(body="测试区人民政府", year=2018, net_prose=25, net_table=25, pct=10, citizens=35, review_other=2)


def test_consistent_fixture_has_no_findings(tmp_path):  # noqa: ANN001
    store, rid = _store_with(tmp_path, APPENDIX.format(**CLEAN))
    assert audit_report(store, rid) == []


# The prose breakdown "40件,其中当面申请10件,网络申请X件,信函申请5件" is itself checked (declared_parts):
# where a change breaks it too, that finding is expected beside the rule under test.
ALSO = {"net_prose": {"declared_parts", "prose_vs_table"}}


@pytest.mark.parametrize("change, rule, arithmetic", [
    (dict(net_prose=30), "prose_vs_table", "30 ≠ 25"),
    (dict(net_table=20, net_prose=20), "parts_sum", "10 + 20 + 5 = 35 ≠ 40"),
    (dict(net_prose=20), "declared_parts", "10+20+5=35 ≠ 40"),  # and prose_vs_table: 20 ≠ 25
    (dict(citizens=30), "parts_sum", "30 + 5 = 35 ≠ 40"),  # 申请来源 has no total: against 收到申请数
    (dict(review_other=1), "parts_sum", "3 + 1 + 1 = 5 ≠ 6"),
    (dict(pct=0.1), "percentage", "4 / 40 × 100 = 10.00% ≠ 0.1%"),
    (dict(pct=12), "percentage", "4 / 40 × 100 = 10.00% ≠ 12%"),
    (dict(body="示例镇人民政府"), "other_body", "“示例镇人民政府” ≠ “测试区人民政府”"),
    (dict(year=2017), "other_body", "2017 ≠ 2018"),
])
def test_each_rule_on_a_fixture(tmp_path, change, rule, arithmetic):  # noqa: ANN001
    store, rid = _store_with(tmp_path, APPENDIX.format(**{**CLEAN, **change}))
    findings = audit_report(store, rid)
    assert _has(findings, rule, arithmetic), [(f.rule, f.arithmetic) for f in findings]
    allowed = {rule}.union(*(ALSO[k] for k in change if k in ALSO and change[k] != CLEAN[k]))
    assert all(f.rule in allowed for f in findings), [(f.rule, f.arithmetic) for f in findings]


TEMPLATE = """
样例市样例县人民政府2020年政府信息公开工作年度报告

三、收到和处理政府信息公开申请情况
| 本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |
| 一、本年新收政府信息公开申请数量 | 10 | 2 | 0 | 0 | 1 | 0 | 13 |
| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 三、本年度办理结果 › (一)予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
| 三、本年度办理结果 › (二)部分公开(区分处理的,只计这一情形,不计其他情形) | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
| 三、本年度办理结果 › (三)不予公开 › 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 › (三)不予公开 › 2.其他法律行政法规禁止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 三、本年度办理结果 › (四)无法提供 › 1.本机关不掌握相关政府信息 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |
| 三、本年度办理结果 › (五)不予处理 › 1.信访举报投诉类申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 › (六)其他处理 | 0 | 0 | 0 | 0 | 1 | 0 | 1 |
| 三、本年度办理结果 › (七)总计 | 10 | 2 | 0 | 0 | 1 | 0 | {grand} |
| 四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
"""


def test_template_that_adds_up_has_no_findings(tmp_path):  # noqa: ANN001
    store, rid = _store_with(tmp_path, TEMPLATE.format(grand=13))
    assert audit_report(store, rid) == []


@pytest.mark.parametrize(("sentence", "expect"), [
    ("本年度共收到政府信息公开申请13件。", None),
    ("本年度共收到政府信息公开申请14件。", None),  # 新收 13 + 上年结转 1
    ("本年度共收到政府信息公开申请15件。", "15 ≠ 13"),
    ("本年度共收到政府信息公开申请13件,予以公开7件。", "7 ≠ 6"),
    ("本年度共收到政府信息公开申请13件,其他处理2件。", "2 ≠ 1"),
    ("本年度共收到政府信息公开申请13件,其中自然人申请10件。", None),  # one applicant column, not the total
    ("本年度共收到政府信息公开申请13件,其中自然人申请12件。", "12 ≠ 10"),
    ("本年度共收到政府信息公开申请13件,其中法人申请3件。", None),  # the five columns of 法人或其他组织: 2+0+0+1+0
    ("本年度共收到公民、法人和其他组织政府信息公开申请13件。", None),
    ("本年度制作政府信息20条,其中主动公开9条,依申请公开9条,不予公开2条。", None),  # documents, not applications
    ("上年共收到政府信息公开申请9件。", None),  # another year
    # not the row's quantity (found by review): a declared part, a part of the year, documents, two rows
    ("本年度共收到政府信息公开申请13件,其中企业申请2件。", None),
    ("本年度共收到政府信息公开申请13件,其中区政府本级收到申请4件。", None),
    ("其中上半年收到政府信息公开申请5件。", None),
    ("1-6月收到政府信息公开申请5件。", None),
    ("本年度依申请公开政府信息6件。", None),
    ("本年度共收到政府信息公开申请13件,予以公开或部分公开8件。", None),
])
def test_prose_vs_template(tmp_path, sentence, expect):  # noqa: ANN001
    table = TEMPLATE.format(grand=13).split("\n三、", 1)
    store, rid = _store_with(tmp_path, f"{table[0]}\n一、总体情况\n{sentence}\n\n三、{table[1]}")
    found = [f for f in audit_report(store, rid) if f.rule == "prose_vs_template"]
    if expect is None:
        assert found == [], [f.message for f in found]
    else:
        assert any(f.arithmetic.startswith(expect) for f in found), [f.arithmetic for f in found]
        assert all(f.citations[0].kind == "prose" for f in found)  # the prose figure is cited first


def test_prose_vs_template_row_of_sub_rows(tmp_path):  # noqa: ANN001
    """(四)无法提供 has no figure of its own: the prose is checked against the sum of its sub-rows."""
    full = TEMPLATE.format(grand=13).replace(
        "| 三、本年度办理结果 › (四)无法提供 › 1.本机关不掌握相关政府信息 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |",
        "| 三、本年度办理结果 › (四)无法提供 › 1.本机关不掌握相关政府信息 | 2 | 1 | 0 | 0 | 0 | 0 | 3 |\n"
        "| 三、本年度办理结果 › (四)无法提供 › 2.没有现成信息需要另行制作 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| 三、本年度办理结果 › (四)无法提供 › 3.补正后申请内容仍不明确 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |")
    head, rest = full.split("\n三、", 1)
    for stated, expect in ((3, None), (2, "2 ≠ 3")):
        sentence = f"本年度共收到政府信息公开申请13件,因无法提供相关信息答复{stated}件。"
        (tmp_path / str(stated)).mkdir()
        store, rid = _store_with(tmp_path / str(stated), f"{head}\n一、总体情况\n{sentence}\n\n三、{rest}")
        found = [f.arithmetic for f in audit_report(store, rid) if f.rule == "prose_vs_template"]
        assert found == ([] if expect is None else [expect + "(3个分项中仅一项为3)"]), found


def test_template_identity_and_sums(tmp_path):  # noqa: ANN001
    store, rid = _store_with(tmp_path, TEMPLATE.format(grand=14))
    findings = audit_report(store, rid)
    got = {(f.rule, f.arithmetic) for f in findings}
    assert ("template_identity", "13 + 1 = 14 ≠ 14 + 1 = 15") in got
    # (一)…(六) against (七)总计 in the 总计 column; 不予公开/无法提供 are summed from their sub-rows
    assert ("parts_sum", "6 + 2 + 0 + 1 + 3 + 0 + 1 = 13 ≠ 14") in got
    # the applicant columns of the (七)总计 row against its 总计 column
    assert ("parts_sum", "10 + 2 + 0 + 0 + 1 + 0 = 13 ≠ 14") in got
    assert all(f.severity == "high" for f in findings)


# --- the percentage tolerance ------------------------------------------------------------------
@pytest.mark.parametrize("stated, part, total, decimals, ok", [
    (88.2, 1658, 1880, 1, True),  # 88.19 -> 88.2
    (92.6, 50, 54, 1, True),  # 92.59
    (2, 38, 1880, 0, True),  # 2.02 -> 2
    (0.06, 3, 54, 2, False),  # 5.56
    (0.02, 1, 54, 2, False),
    (4.3, 3, 70, 1, True),  # 4.29
    (4.2, 3, 70, 1, True),  # truncated instead of rounded: allowed (one unit of the last digit)
    (4.0, 3, 70, 1, False),
    (33, 1, 3, 0, True),
    (50, 1, 0, 0, False),  # no total
])
def test_pct_consistent(stated, part, total, decimals, ok):  # noqa: ANN001
    assert pct_consistent(stated, part, total, decimals) is ok


@pytest.mark.parametrize("sentence, expect", [
    ("现公布王奔镇人民政府2019年政府信息公开工作年度报告。", "“王奔镇人民政府” ≠"),
    ("本报告由王奔镇人民政府2019年政府信息公开工作年度报告改写。", "“王奔镇人民政府” ≠"),
    ("现公布测试区人民政府2018年政府信息公开工作年度报告。", None),  # its own name
    ("现公布测试区2018年度政府信息公开工作年度报告。", None),
    ("现公布2016年政府信息公开工作年度报告。", "2016 ≠ 2018"),
    ("根据《某市人民政府2018年政府信息公开工作年度报告编写要求》编制。", None),  # a cited title
    ("测试区人民政府2017年政府信息公开工作年度报告中指出的问题已整改。", None),  # last year's own report
])
def test_other_body_phrases(tmp_path, sentence, expect):  # noqa: ANN001
    _expect_rule(tmp_path, f"{sentence}本年度共收到申请40件。", "other_body", expect)


def _expect_rule(tmp_path, sentence: str, rule: str, expect: str | None) -> None:  # noqa: ANN001
    """The rule's findings on a one-sentence report: none, or one whose arithmetic holds ``expect``."""
    text = f"测试区人民政府2018年政府信息公开工作年度报告\n\n一、概述\n{sentence}\n"
    store, rid = _store_with(tmp_path, text)
    found = [f for f in audit_report(store, rid) if f.rule == rule]
    if expect is None:
        assert found == [], [f.message for f in found]
    else:
        assert any(expect in f.arithmetic for f in found), [f.arithmetic for f in found]


@pytest.mark.parametrize(("sentence", "expect"), [
    ("全局共有政务公开工作人员8名,其中专职人员1名,兼职人员7名(各支队各1名)。", None),  # an aside is no part
    ("全局共有政务公开工作人员8名,其中专职人员2名,兼职人员7名。", "2+7=9 ≠ 8"),
    ("在主动公开的90条政府信息中,全文电子化的主动公开信息数共90条,机构设置类信息共1条;规范性文件类信息10条;"
     "财政资金类信息52条;财政预决算报告信息5条;工作动态类信息25条。", "1+10+52+5+25=93 ≠ 90"),  # a restatement is no part
    # documents counted in 条 and their parts in 份 (one class of measure word); a change of measure word
    # (起) ends the list
    ("通过门户网站发布信息607条,其中主动公开380份,依申请公开319份,作出行政处罚决定545起。", "380+319=699 ≠ 607"),
    ("通过门户网站发布信息699条,其中主动公开380份,依申请公开319份,作出行政处罚决定545起。", None),
    ("全局共有政务公开工作人员8名,其中专职人员2件,兼职人员7件。", None),  # people are no documents
    ("主动公开政府信息120条,其中规范性文件5件,行政处罚决定30件。", None),  # another measure word: some of them
    # a list whose parts add up to the total is complete at a semicolon: what follows breaks down something else
    ("全年印发公文类政府信息共510条,其中主动公开信息数169,依申请公开信息数317条,不予公开24条;全年通过政府门户网站"
     "主动公开政策,规范性文件类信息5条,民政类信息77条。", None),
    ("全年印发公文类政府信息共510条,其中主动公开信息数169,依申请公开信息数317条,不予公开23条;全年通过政府门户网站"
     "主动公开政策,规范性文件类信息5条,民政类信息77条。", "≠ 510"),
    # another year's figure is no part of this year's total (found by review)
    ("2018年共收到申请16件,其中商业企业申请3件,自然人申请13件,较2017年收到申请20件有所减少。", None),
    ("2018年共收到申请16件,其中商业企业申请3件,自然人申请14件,较2017年收到申请20件有所减少。", "3+14=17 ≠ 16"),
    # a year written over the whole sentence (here another year, a slip of the report's) keeps its list whole
    ("2017年,在主动公开的61条政府信息中,全文电子化的主动公开信息数共61条,其中:减税降费5条,财政预算、决算报告共7条;"
     "其他文件共51条等。", "5+7+51=63 ≠ 61"),
])
def test_declared_parts(tmp_path, sentence, expect):  # noqa: ANN001
    _expect_rule(tmp_path, sentence, "declared_parts", expect)


RUNNING = """
测试区人民政府2018年政府信息公开工作年度报告

一、概述
{sentence}

二、附表
指标名称 单位 2018年 历年累计
主动公开文件数 条 51 256
其中:1.政府网站公开数 条 51 256
受理政府信息公开申请总数 件 3 20
"""


@pytest.mark.parametrize(("sentence", "expect"), [
    ("截止2018年,共公开文件累计257份。", "257 ≠ 256"),  # 份 and 条 count the same documents
    ("截止2018年,共公开文件累计256份。", None),
    ("2018年累计主动公开文件30条。", None),  # the year's figure, not a running total
    ("历年累计受理政府信息公开申请21件。", "21 ≠ 20"),
    ("历年累计受理政府信息公开申请21人。", None),  # people are not applications
    ("上半年累计公开文件30份。", None),  # a part of the year, not a running total (found by review)
    ("近三年累计公开文件30份。", None),
    ("自2016年以来累计公开文件30份。", None),
    ("1-12月累计公开文件30份。", None),
])
def test_running_total(tmp_path, sentence, expect):  # noqa: ANN001
    store, rid = _store_with(tmp_path, RUNNING.format(sentence=sentence))
    found = [f for f in audit_report(store, rid) if f.rule == "running_total"]
    if expect is None:
        assert found == [], [f.message for f in found]
    else:
        assert [f.arithmetic for f in found] == [expect]
        assert found[0].citations[0].kind == "prose" and found[0].citations[1].kind == "table"


@pytest.mark.parametrize(("sentence", "expect"), [
    # a list closed by its residual (其他应主动公开的政府信息) partitions 主动公开的政府信息: against the report's figure
    ("全年主动公开政府信息169条。全年公开规范性文件类信息5条,民政类信息77条,科教类信息83条,"
     "其他应主动公开的政府信息2条。", "5+77+83+2=167 ≠ 169"),
    ("全年主动公开政府信息167条。全年公开规范性文件类信息5条,民政类信息77条,科教类信息83条,"
     "其他应主动公开的政府信息2条。", None),
    # declared of its total in its own sentence: declared_parts checks it, not this rule
    ("全年主动公开政府信息169条,其中规范性文件类信息5条,民政类信息77条,科教类信息83条,其他应主动公开的政府信息2条。",
     None),
    # a residual the catalogue cannot read as one quantity ("公开信息类文件"): no total to check against
    ("全年主动公开政府信息169条。机构类文件5条,民政类文件77条,其他应公开信息类文件2条。", None),
    ("全年主动公开政府信息169条。依申请公开5条;民政类信息77条,其他应主动公开的政府信息2条。", None),  # too short a list
    # one channel's list may fall short of the whole (found by review), never exceed it
    ("全年主动公开政府信息169条。全年通过政府网站公开规范性文件类信息5条,民政类信息77条,科教类信息60条,"
     "其他应主动公开的政府信息2条。", None),
    ("全年主动公开政府信息169条。全年通过政府网站公开规范性文件类信息5条,民政类信息77条,科教类信息84条,"
     "其他应主动公开的政府信息4条。", "5+77+84+4=170 ≠ 169"),
])
def test_residual_list(tmp_path, sentence, expect):  # noqa: ANN001
    _expect_rule(tmp_path, sentence, "residual_list", expect)


NINE = "机构职能、政策规范性文件、规划计划、行政许可、重大建设项目信息、为民办实事、民政扶贫救灾社会保障就业、科教文体卫生、安全生产应急管理"


@pytest.mark.parametrize(("sentence", "expect"), [
    (f"主动公开类别有七类,分别是{NINE}等政府信息。", "≠ 7类"),  # more kinds listed than said
    (f"主动公开类别有九类,分别是{NINE}等政府信息。", None),
    ("主动公开信息分为三类:政策文件、规划计划。", "列出2类"),  # fewer, and the list is closed
    ("主动公开信息分为五类,包括政策文件、规划计划等。", None),  # 等: only some of them named
    ("主动公开信息分为二类,包括社会保障和就业、教育、卫生。", None),  # 社会保障和就业: 3 or 4 kinds, not certain
    ("不予公开属于三类内部事务信息的申请2件。", None),
    # found by review: lists that need not be whole, sub-lists, 即 and numerals inside words, titles, figures
    ("主动公开的信息共12类,主要包括机构职能、政策文件、规划计划、财政信息。", None),
    ("主动公开信息分为五类,主要有机构职能、政策文件、规划计划。", None),
    ("主动公开内容分为两类:一是机构职能、领导分工、联系方式;二是政策文件。", None),
    ("主动公开内容分为两类,即机构概况、政策文件、工作动态等基础信息和重点领域信息。", None),
    ("对群众关注的两类热点信息即时发布、同步解读、跟踪回应。", None),
    ("全县统一两种公开方式,即政府网站、政务新媒体。", None),
    ("主动公开信息分为四类:机构职能、政策文件,规划计划、统计数据。", None),  # the list goes on after a comma
    ("重点公开了两类文件,包括《测试区行政许可办法》、《测试区行政处罚规定》、《测试区财政管理办法》。", None),
    ("收到三类申请,包括网络申请5件、信函申请3件。", None),
    ("主动公开信息分为八个类别,分别是机构职能、政策文件、规划计划、财政信息、人事信息、统计数据。", "列出6个类别"),
])
def test_listed_count(tmp_path, sentence, expect):  # noqa: ANN001
    _expect_rule(tmp_path, sentence, "listed_count", expect)


ACTIVE = """
测试区人民政府办公室2022年政府信息公开工作年度报告

一、总体情况
{sentence}

二、主动公开政府信息情况
第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000
行政规范性文件{run}
第二十条第(五)项信息内容本年处理决定数量
行政许可0
"""


@pytest.mark.parametrize(("sentence", "run", "expect"), [
    # 34089 cuts as 3|40|89, 3|408|9, 34|0|89, 340|8|9: the prose's 制发 34 leaves 34|0|89
    ("本年度制发规范性文件34件,现行有效件数424件。", "34089", "424 ≠ 89"),
    ("本年度制发规范性文件34件,现行有效件数89件。", "34089", None),
    ("本年度制发规范性文件3件,现行有效件数424件。", "34089", None),  # 3 leaves two cuts: nothing settled
    ("现行有效规范性文件424件。", "34089", None),  # one figure of the row settles, never contradicts
    ("本年度制发规范性文件34件,现行有效件数424件。", "34 0 89", None),  # certain: prose_vs_table's case
    # another year's figure settles nothing (found by review)
    ("本年度制发规范性文件3件,现行有效件数89件,较2021年制发规范性文件34件有所减少。", "3489", None),
    ("2021年,制发规范性文件34件,现行有效件数424件。", "34089", None),
])
def test_settled_run(tmp_path, sentence, run, expect):  # noqa: ANN001
    store, rid = _store_with(tmp_path, ACTIVE.format(sentence=sentence, run=run))
    found = [f for f in audit_report(store, rid) if f.rule == "settled_run"]
    if expect is None:
        assert found == [], [f.message for f in found]
    else:
        assert [f.arithmetic.split("; ")[-1] for f in found] == [expect]
        f = found[0]
        assert [c.kind for c in f.citations] == ["prose", "table"] and f.preferred == "prose_value"
        assert [c.quote for c in f.context] == ["本年度制发规范性文件34件"]  # what settled the row
        assert f.citations[1].quote == run and "34、0、89" in f.message
