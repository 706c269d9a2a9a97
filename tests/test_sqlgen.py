"""build_sql: the SQL for each operation runs on a real store, passes the guard and transpiles to PostgreSQL."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from assistant.guard import allowed_schema, guard_sql, run_readonly
from assistant.question import MetricMatch, ParsedQuestion, ReportRef, parse_question
from assistant.sqlgen import build_sql, to_postgres
from index.facts import mark_conflicts
from index.models import Fact, Metadata, Report
from index.sqlstore import SQLStore
from question_fixtures import CATALOGUE


def _fact(metric: str, value: float, source: str = "table", dimension: str = "", unit: str = "件",
          quote: str = "", start: int = 0) -> Fact:
    return Fact(metric=metric, dimension=dimension, value=value, unit=unit, source=source, section_path=["八、附表"],
                quote=quote or f"{metric} {value:g}", start=start, end=start + 5,
                table_ord=0 if source == "table" else None)


@pytest.fixture()
def store(tmp_path: Path) -> tuple[SQLStore, list[ReportRef]]:
    st = SQLStore(f"sqlite:///{tmp_path / 'facts.db'}")
    st.sync_metrics(CATALOGUE)
    reps = [
        ("a.txt", Metadata(title="2017年海陵区政务公开工作年度报告", body="海陵区人民政府", region="泰州市海陵区", year=2017), [
            _fact("apply_received", 44, "prose", "网络申请", quote="网络申请44件", start=50),
            _fact("apply_received", 70, "prose", quote="共收到政府信息公开申请70件", start=40),
            _fact("apply_received", 32, "table", "网络申请", start=400),
            _fact("apply_received", 70, "table", start=300),
            _fact("apply_received", 3, "table", "当面申请", start=310),
            _fact("apply_received", 23, "table", "信函申请", start=320),
            _fact("review_count", 3, "table", start=500),
            _fact("lawsuit_count", 5, "table", start=510),
            _fact("prose:全年区长信箱收到", 308, "prose", quote="全年区长信箱收到308件", start=20),
            _fact("prose:回复办结数量", 308, "prose", quote="回复办结数量308件", start=30),
        ]),
        ("b.txt", Metadata(title="让胡路区2013年政府信息公开工作年度报告", body="让胡路区人民政府", region="让胡路区", year=2013), [
            _fact("apply_received", 54, "prose", quote="共受理政府信息公开申请54条", start=10),
            _fact("review_count", 0, "prose", start=90),
        ]),
        ("c.txt", Metadata(title="辽东街道办事处信息公开工作年度报告", body="辽东街道办事处", region="辽东街道", year=2019), [
            _fact("apply_new", 0, "table", start=10),
        ]),
        ("d.txt", Metadata(title="湘潭市人民政府2014年工作情况报告", body="湘潭市人民政府", region="湘潭市", year=2014), [
            _fact("prose:拟取消行政审批项目", 8, "prose", unit="项", quote="拟取消行政审批项目8项", start=10),
            _fact("prose:承接上级下放行政审批项目", 59, "prose", unit="项", quote="承接上级下放行政审批项目59项", start=30),
            _fact("prose:发布招标公告", 900, "prose", unit="条", quote="发布招标公告900条", start=60),
            _fact("prose:中标公告", 600, "prose", unit="条", quote="中标公告600条", start=70),
            _fact("prose:成交公告", 343, "prose", unit="条", quote="成交公告343条", start=80),
        ]),
    ]
    refs = []
    for source, meta, facts in reps:
        rid = st.save_report(Report(source=source, content_hash=source, format="txt", text="x" * 600, meta=meta,
                                    facts=mark_conflicts(facts)))  # as ingestion marks them
        refs.append(ReportRef(rid, meta.title, meta.body, meta.region, meta.year, []))
    return st, refs


def _run(st: SQLStore, refs: list[ReportRef], question: str, context: ParsedQuestion | None = None):  # noqa: ANN202
    parsed = parse_question(question, CATALOGUE, refs, context)
    plan = build_sql(parsed)
    assert plan is not None
    sql = guard_sql(plan.sql, allowed_schema(st))
    cols, rows = run_readonly(st.readonly, sql, 200, 2.0)
    return parsed, plan, [dict(zip(cols, r)) for r in rows]


def test_lookup_orders_table_before_prose_and_total_first(store) -> None:  # noqa: ANN001
    st, refs = store
    _, plan, rows = _run(st, refs, "海陵区2017年收到政府信息公开申请多少件?")
    assert plan.operation == "lookup" and plan.report_ids == [refs[0].id]
    first = rows[0]
    assert (first["metric_id"], first["origin"], first["dimension"], first["value"]) == ("apply_received", "table", "", 70)
    assert {"fact_id", "quote", "start", "end", "source", "title", "year", "conflict"} <= set(first)


def test_lookup_with_dimension_returns_both_conflicting_values(store) -> None:  # noqa: ANN001
    st, refs = store
    _, _, rows = _run(st, refs, "海陵区2017年通过网络提交的政府信息公开申请有多少件?")
    catalogue_rows = [r for r in rows if r["match_rank"] == 0]
    assert [(r["origin"], r["value"]) for r in catalogue_rows] == [("table", 32), ("prose", 44)]


def test_received_family_reaches_the_2019_metric(store) -> None:  # noqa: ANN001
    st, refs = store
    _, plan, rows = _run(st, refs, "辽东街道2019年收到的政府信息公开申请有多少件?")
    assert "apply_new" in plan.metric_ids
    assert rows[0]["metric_id"] == "apply_new" and rows[0]["value"] == 0


def test_prose_label_fallback_ranks_by_label_words(store) -> None:  # noqa: ANN001
    st, refs = store
    _, _, rows = _run(st, refs, "湘潭市2014年承接了多少项上级下放的行政审批项目?")
    assert rows[0]["metric_id"] == "prose:承接上级下放行政审批项目" and rows[0]["value"] == 59
    _, _, rows = _run(st, refs, "湘潭市2014年拟取消多少项行政审批项目?")
    assert rows[0]["metric_id"] == "prose:拟取消行政审批项目"
    _, _, rows = _run(st, refs, "海陵区2017年区长信箱收到多少件来信?")
    assert rows[0]["metric_id"] == "prose:全年区长信箱收到"


def test_sum_fetches_each_part(store) -> None:  # noqa: ANN001
    st, refs = store
    _, plan, rows = _run(st, refs, "海陵区2017年当面申请和信函申请加起来一共多少条?")
    assert plan.operation == "sum" and len(plan.parts) == 2
    best = {r["part"]: r["value"] for r in reversed(rows) if r["part"] >= 0}
    assert best == {0: 3, 1: 23}

    _, plan, rows = _run(st, refs, "湘潭政府采购网公开的招标公告、中标公告和成交公告一共多少条?")
    assert plan.parts == ["招标公告", "中标公告", "成交公告"]
    best = {}
    for r in rows:
        best.setdefault(r["part"], r["value"])
    assert [best[i] for i in range(3)] == [900, 600, 343]


def test_sum_across_reports(store) -> None:  # noqa: ANN001
    st, refs = store
    parsed, plan, rows = _run(st, refs, "让胡路区2013年和海陵区2017年收到的政府信息公开申请合计多少件?")
    assert plan.operation == "sum" and set(plan.report_ids) == {refs[0].id, refs[1].id}
    per_report: dict[int, float] = {}
    for r in rows:
        if r["match_rank"] == 0 and r["dimension"] == "":
            per_report.setdefault(r["report_id"], r["value"])
    assert per_report == {refs[0].id: 70, refs[1].id: 54}


def test_compare_fetches_both_metrics(store) -> None:  # noqa: ANN001
    st, refs = store
    _, plan, rows = _run(st, refs, "海陵区2017年行政复议数量和行政诉讼数量哪个多?多多少?")
    assert plan.operation == "compare"
    first = {}
    for r in rows:
        first.setdefault(r["part"], (r["metric_id"], r["value"]))
    assert first[0] == ("review_count", 3) and first[1] == ("lawsuit_count", 5)


def test_max_across_reports_picks_one_fact_per_report(store) -> None:  # noqa: ANN001
    st, refs = store
    _, plan, rows = _run(st, refs, "这几份报告里,哪个地方收到的政府信息公开申请最多?是多少?")
    assert plan.operation == "max"
    assert [(r["report_id"], r["value"]) for r in rows] == [(refs[0].id, 70), (refs[1].id, 54), (refs[2].id, 0)]
    assert rows[0]["origin"] == "table"  # the table total beats the prose copy of it

    _, plan, rows = _run(st, refs, "哪个地方的行政复议数量最少?")
    assert plan.operation == "min" and rows[0]["value"] == 0


def test_nothing_to_look_up_gives_no_plan() -> None:
    assert build_sql(ParsedQuestion(text="你好")) is None


def test_user_words_are_literals_not_sql(store) -> None:  # noqa: ANN001
    st, refs = store
    hostile = "x'); DROP TABLE facts; --"
    parsed = ParsedQuestion(text=hostile, label_terms=[hostile, "a%b_c"], operation="lookup")
    plan = build_sql(parsed)
    tree = sqlglot.parse_one(plan.sql, read="sqlite")
    assert isinstance(tree, exp.Select)
    assert any(isinstance(lit, exp.Literal) and "DROP TABLE facts" in lit.this for lit in tree.find_all(exp.Literal))
    cols, rows = run_readonly(st.readonly, guard_sql(plan.sql, allowed_schema(st)), 200, 2.0)
    assert rows == [] and "fact_id" in cols
    assert st.counts()["facts"] == 18


@pytest.mark.parametrize("question", [
    "海陵区2017年收到政府信息公开申请多少件?",
    "海陵区2017年通过网络提交的政府信息公开申请有多少件?",
    "海陵区2017年当面申请和信函申请加起来一共多少条?",
    "海陵区2017年行政复议数量和行政诉讼数量哪个多?多多少?",
    "海陵区从事政府信息公开工作的人员中兼职人员占多少比例?",
    "这几份报告里,哪个地方收到的政府信息公开申请最多?是多少?",
    "各地收到的申请数量排名如何?",
    "湘潭市2014年承接了多少项上级下放的行政审批项目?",
])
def test_sql_transpiles_to_postgres(question: str) -> None:
    parsed = parse_question(question, CATALOGUE, [ReportRef(1, "海陵区报告", "海陵区人民政府", "泰州市海陵区", 2017)])
    plan = build_sql(parsed)
    assert plan is not None
    pg = to_postgres(plan.sql)
    tree = sqlglot.parse_one(pg, read="postgres")
    assert isinstance(tree, exp.Select)
    assert "facts" in {t.name for t in tree.find_all(exp.Table)}
    # Round trip keeps the literals (the user-derived parts) intact.
    lits = {lit.this for lit in sqlglot.parse_one(plan.sql, read="sqlite").find_all(exp.Literal) if lit.is_string}
    assert lits == {lit.this for lit in tree.find_all(exp.Literal) if lit.is_string}


def test_percent_plan_carries_roles() -> None:
    parsed = ParsedQuestion(text="q", operation="percent", metrics=[
        MetricMatch("staff_total", "人员", 1.0, role="whole"), MetricMatch("staff_parttime", "兼职", 1.0, role="part")])
    plan = build_sql(parsed)
    assert plan.parts == ["staff_total", "staff_parttime"] and plan.roles == ["whole", "part"]


# -- integration with the real catalogue and fact extraction over the sample reports ------------------

@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    pipeline = pytest.importorskip("index.pipeline")
    metrics = pytest.importorskip("index.metrics")
    root = Path(__file__).resolve().parent.parent / "examples" / "reports"
    cat = metrics.load_catalogue()
    st = SQLStore(f"sqlite:///{tmp_path_factory.mktemp('samples') / 'facts.db'}")
    st.sync_metrics(cat.as_rows())
    for f in sorted(root.glob("*.txt")):
        st.save_report(pipeline.build_report(f, None, cat))
    refs = [ReportRef(r.id, r.meta.title, r.meta.body, r.meta.region, r.meta.year, r.meta.aliases)
            for r in st.list_reports()]
    return st, refs, cat


@pytest.mark.parametrize("question, metric, quote_has", [
    # a table cell (附表), a prose statistic matched to the catalogue, and a prose label with no metric
    ("海陵区2017年行政诉讼数量是多少?", "admin_litigation", "行政诉讼"),
    ("湘潭市2014年承接了多少项上级下放的行政审批项目?", "prose:", "承接"),
    ("辽东街道2019年本年新制作的规范性文件有几件?", "active_normative_docs", ""),
    ("海陵区2017年区长信箱收到多少件来信?", "mayor_mailbox", "区长信箱"),
])
def test_first_row_is_the_asked_figure_in_sample_reports(sample_store, question: str, metric: str,  # noqa: ANN001
                                                        quote_has: str) -> None:
    st, refs, cat = sample_store
    parsed = parse_question(question, cat, refs)
    plan = build_sql(parsed)
    cols, rows = run_readonly(st.readonly, guard_sql(plan.sql, allowed_schema(st)), 200, 2.0)
    top = dict(zip(cols, rows[0]))
    assert top["metric_id"].startswith(metric) and quote_has in top["quote"] + top["row_label"] + top["metric_id"]
    report = st.load_report(top["report_id"])
    # The figure is really in the report, at the cited span.
    assert report.text[top["start"]:top["end"]] == top["quote"]


# -- crosswalk pairs, implied wholes, stated rates and compare items on a small two-template store ------

@pytest.fixture()
def xstore(tmp_path: Path) -> tuple[SQLStore, list[ReportRef]]:
    """A pre-2019 report (附表 breakdown rows, prose) and a 2019-template report, both made up."""
    st = SQLStore(f"sqlite:///{tmp_path / 'x.db'}")
    st.sync_metrics(CATALOGUE)
    reps = [
        ("old.txt", Metadata(title="青山区2016年政府信息公开工作年度报告", body="青山区人民政府", region="青山区", year=2016), [
            _fact("apply_received", 40, "prose", quote="共受理政府信息公开申请40条", unit="条", start=10),
            _fact("apply_answered", 30, "prose", "同意公开", unit="条", quote="已经公开的30条", start=20),
            _fact("apply_answered", 75, "prose", "同意公开 占比", unit="%", quote="占总数的75%", start=30),
            _fact("apply_answered", 4, "prose", "同意部分公开", unit="条", quote="部分公开的4条", start=40),
            _fact("apply_answered", 10, "prose", "同意部分公开 占比", unit="%", quote="占总数的10%", start=50),
            _fact("apply_source", 36, "table", "公民", start=60),
            _fact("apply_source", 90, "table", "公民 占比", unit="%", start=70),
            replace(_fact("apply_source", 38, "table", "公民", start=75), table_ord=1),  # a second table disagrees
            _fact("staff_total", 20, "table", unit="人", start=80),
            _fact("staff_fulltime", 5, "table", unit="人", start=90),
            _fact("hotline_calls", 9000, "prose", unit="件次", quote="市长热线共接听来电9000件次", start=100),
            _fact("prose:办结率", 99.5, "prose", unit="%", quote="办结率99.5%", start=110),
            _fact("prose:回访群众满意率", 96.2, "prose", unit="%", quote="回访群众满意率96.2%", start=120),
            _fact("info_published", 800, "prose", unit="条", quote="通过“青山发布”公众号发布政府信息800条", start=130),
            _fact("prose:通过青山区政务官方微博公开政府信息", 950, "prose", unit="条",
                  quote="通过“青山区政务”官方微博公开政府信息950条", start=140),
        ]),
        ("new.txt", Metadata(title="绿水街道2020年政府信息公开工作年度报告", body="绿水街道办事处", region="绿水街道", year=2020), [
            _fact("apply_new", 12, "table", start=10),
            _fact("apply_new", 9, "table", "自然人", start=11),
            _fact("result_public", 7, "table", start=20),
            _fact("result_public", 6, "table", "自然人", start=21),
            _fact("result_partial", 2, "table", start=30),
            _fact("result_partial", 1, "table", "自然人", start=31),
        ]),
    ]
    refs = []
    for source, meta, facts in reps:
        rid = st.save_report(Report(source=source, content_hash=source, format="txt", text="x" * 600, meta=meta,
                                    facts=mark_conflicts(facts)))  # as ingestion marks them
        refs.append(ReportRef(rid, meta.title, meta.body, meta.region, meta.year, []))
    return st, refs


def _answer(st: SQLStore, refs: list[ReportRef], question: str):  # noqa: ANN202
    """The composed answer (assistant/compose.py takes the first row per part and report)."""
    from assistant.compose import compose_figure_answer
    from assistant.engine import FactRow

    parsed, plan, rows = _run(st, refs, question)
    facts = [FactRow(**{k: v for k, v in r.items() if k in FactRow.__dataclass_fields__}) for r in rows]
    return compose_figure_answer(question, parsed, plan, facts, None, refs), plan, rows


@pytest.mark.parametrize("question, value, metric, dimension", [
    # 2019 row name asked of a pre-2019 report, and pre-2019 wording asked of a 2019 report
    ("青山区2016年部分公开的申请有几条?", 4, "apply_answered", "同意部分公开"),
    ("青山区2016年予以公开的申请有几条?", 30, "apply_answered", "同意公开"),
    ("绿水街道2020年同意部分公开的申请有几件?", 2, "result_partial", ""),
    ("绿水街道2020年已公开的申请有多少件?", 7, "result_public", ""),
    # the template's own row still answers with its total, not a column
    ("绿水街道2020年部分公开的申请有几件?", 2, "result_partial", ""),
    # a column crosswalked to a 申请来源 row
    ("青山区2016年公民申请有多少件?", 36, "apply_source", "公民"),
    ("绿水街道2020年自然人申请有多少件?", 9, "apply_new", "自然人"),
])
def test_crosswalk_reaches_the_other_template(xstore, question: str, value: float, metric: str,  # noqa: ANN001
                                              dimension: str) -> None:
    st, refs = xstore
    ans, _, rows = _answer(st, refs, question)
    assert (rows[0]["metric_id"], rows[0]["dimension"]) == (metric, dimension)
    assert ans.value == value


@pytest.mark.parametrize("question, value, arithmetic", [
    # only the part named: the whole is the catalogue parent row
    ("青山区2016年专职人员占多少比例?", 25.0, "5/20×100%=25.00%"),
    # a stated share of the crosswalked row beats computing
    ("青山区2016年公民申请占多少?", 90, None),
    ("青山区2016年部分公开的申请占比是多少?", 10, None),
])
def test_percent_with_implied_whole_or_stated_share(xstore, question: str, value: float,  # noqa: ANN001
                                                    arithmetic: str | None) -> None:
    st, refs = xstore
    ans, plan, _ = _answer(st, refs, question)
    assert plan.operation == "percent"
    assert ans.value == value and ans.unit == "%" and ans.arithmetic == arithmetic


@pytest.mark.parametrize("question, value, quote", [
    ("青山区2016年市长热线的回访群众满意率是多少?", 96.2, "回访群众满意率96.2%"),
    ("青山区2016年市长热线办结率是多少?", 99.5, "办结率99.5%"),
])
def test_stated_rates_are_found_by_their_word(xstore, question: str, value: float, quote: str) -> None:  # noqa: ANN001
    st, refs = xstore
    ans, _, rows = _answer(st, refs, question)
    assert ans.value == value and rows[0]["quote"] == quote


def test_compare_two_figures_named_by_their_words(xstore) -> None:  # noqa: ANN001
    st, refs = xstore
    ans, plan, rows = _answer(st, refs, "青山区2016年通过“青山区政务”官方微博和“青山发布”公众号发布的政府信息哪个多?多多少条?")
    assert plan.operation == "compare" and len(plan.parts) == 2
    first = {}
    for r in rows:
        first.setdefault(r["part"], r["value"])
    assert first[0] == 950 and first[1] == 800  # one a prose label, the other a catalogue fact: both by quote
    assert ans.value == 150 and ans.arithmetic == "950-800=150"


def test_stated_share_is_the_first_row_of_its_part(xstore) -> None:  # noqa: ANN001
    """The share row leads its part, so the answer's conflicts are about the share (none here), not the
    two tables' disagreeing counts beside it."""
    st, refs = xstore
    ans, _, rows = _answer(st, refs, "青山区2016年公民申请占比是多少?")
    assert (rows[0]["dimension"], rows[0]["value"]) == ("公民 占比", 90)
    assert ans.value == 90 and ans.conflicts == []
    ans, _, rows = _answer(st, refs, "青山区2016年公民申请有多少件?")
    assert ans.value == 36 and [c.values for c in ans.conflicts] == [[36, 38]]
