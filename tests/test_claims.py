"""Claim checking: parsing Chinese number forms and comparisons, the verdict rules, and the whole
check through the real assistant on the sample reports."""
from __future__ import annotations

import pytest

from assistant.answers import Answer, Citation, Conflict
from assistant.claims import (
    ClaimParts,
    ClaimVerdict,
    check_claim,
    holds,
    parse_claim,
    strip_wrapper,
    verdict_for,
)


# --- wrappers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, claim", [
    ("有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", "让胡路区2013年共受理政府信息公开申请64条"),
    ("让胡路区2013年共受理54条政府信息公开申请,这个说法准确吗?", "让胡路区2013年共受理54条政府信息公开申请"),
    ("有报道称海陵区2017年依申请公开收取了费用,属实吗?", "海陵区2017年依申请公开收取了费用"),
    ("据报道,海陵区收到申请70件,是真的吗?", "海陵区收到申请70件"),
    ("网传湘潭市接听来电1.7万余件次。这是真的吗?", "湘潭市接听来电1.7万余件次"),
    ("请核实:海陵区培训班38个", "海陵区培训班38个"),
    ("海陵区收到申请70件", "海陵区收到申请70件"),
])
def test_strip_wrapper(text, claim):  # noqa: ANN001
    assert strip_wrapper(text) == claim


# --- number forms and comparisons ------------------------------------------------------------
@pytest.mark.parametrize("text, value, unit, comparison, precision, raw", [
    ("共受理申请64条", 64, "条", "eq", 1, "64条"),
    ("接听来电1.7万余件次", 17000, "件次", "about_more", 1000, "1.7万余件次"),
    ("发布信息两万条", 20000, "条", "eq", 10000, "两万条"),
    ("发布信息超过两万条", 20000, "条", "gt", 10000, "超过两万条"),
    ("发布信息逾2万条", 20000, "条", "gt", 10000, "逾2万条"),
    ("发布信息多于300条", 300, "条", "gt", 1, "多于300条"),
    ("公开率为百分之九十", 90, "%", "eq", 1, "百分之九十"),
    ("公民申请占九成", 90, "%", "eq", 10, "九成"),
    ("公开率92.6%", 92.6, "%", "eq", 0.1, "92.6%"),
    ("收到申请不到100件", 100, "件", "lt", 1, "不到100件"),
    ("收到申请不足100件", 100, "件", "lt", 1, "不足100件"),
    ("收到申请少于一百件", 100, "件", "lt", 100, "少于一百件"),
    ("收到申请约70件", 70, "件", "approx", 10, "约70件"),
    ("收到申请大约70件", 70, "件", "approx", 10, "大约70件"),
    ("收到申请70件左右", 70, "件", "approx", 10, "70件左右"),
    ("收到申请近百件", 100, "件", "nearly", 100, "近百件"),
    ("收到申请将近70件", 70, "件", "nearly", 10, "将近70件"),
    ("发布信息300多条", 300, "条", "about_more", 100, "300多条"),
    ("发布信息1万余条", 10000, "条", "about_more", 10000, "1万余条"),
    ("发布信息1000条以上", 1000, "条", "gt", 1, "1000条以上"),
    ("收费30万元", 30, "万元", "eq", 1, "30万元"),
    ("收到申请一千二百件", 1200, "件", "eq", 100, "一千二百件"),
])
def test_parse_claim_numbers(text, value, unit, comparison, precision, raw):  # noqa: ANN001
    p = parse_claim(text)
    assert (p.value, p.unit, p.comparison, p.precision, p.raw) == (value, unit, comparison, precision, raw)
    assert not p.yes_no


@pytest.mark.parametrize("text, question", [
    ("有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", "让胡路区2013年共受理政府信息公开申请多少条?"),
    ("让胡路区2013年共受理54条政府信息公开申请,这个说法准确吗?", "让胡路区2013年共受理多少条政府信息公开申请?"),
    # years and names with digits stay; the statistic (with a unit) is the claimed figure
    ("湘潭市12345市长热线2014年共接听市民来电1.7万余件次,对吗?", "湘潭市12345市长热线2014年共接听市民来电多少件次?"),
    ("宁德市交通运输局2014年梳理了12大项共计484项权力内容,对吗?", "宁德市交通运输局2014年梳理了12大项共计多少项权力内容?"),
    ("海陵区2017年通过区政府网站发布动态信息超过两万条,是真的吗?", "海陵区2017年通过区政府网站发布动态信息多少条?"),
    ("海陵区2017年公开率为百分之九十", "海陵区2017年公开率为多少?"),
])
def test_figure_question(text, question):  # noqa: ANN001
    assert parse_claim(text).question == question


@pytest.mark.parametrize("text, comparison", [
    ("有报道称海陵区2017年依申请公开收取了费用,属实吗?", "gt"),  # "收取了" -> more than zero
    ("海陵区2017年依申请公开没有收取费用,对吗?", "eq"),  # "没有" -> zero
    ("海陵区2017年未收取任何费用", "eq"),
])
def test_yes_no_claims(text, comparison):  # noqa: ANN001
    p = parse_claim(text)
    assert p.yes_no and p.value == 0 and p.comparison == comparison
    assert p.question.endswith("多少?") and "没有" not in p.question and "未" not in p.question


# --- the comparison rules ----------------------------------------------------------------------
def _parts(value: float, comparison: str, precision: float = 1, unit: str | None = "件") -> ClaimParts:
    return ClaimParts(claim="x", question="x?", value=value, unit=unit, comparison=comparison, precision=precision)


@pytest.mark.parametrize("report, value, comparison, precision, ok", [
    (54, 54, "eq", 1, True),
    (54, 64, "eq", 1, False),
    (17248, 17000, "eq", 1000, True),  # "1.7万": rounds to the claim's precision
    (17600, 17000, "eq", 1000, False),
    (20903, 20000, "eq", 10000, True),  # "两万"
    (17248, 17000, "about_more", 1000, True),  # "1.7万余": 17000 ≤ x < 18000
    (18000, 17000, "about_more", 1000, False),
    (16999, 17000, "about_more", 1000, False),
    (320, 300, "about_more", 100, True),  # "300多"
    (20903, 20000, "gt", 10000, True),  # "超过两万"
    (20000, 20000, "gt", 10000, False),
    (70, 100, "lt", 1, True),  # "不到100"
    (100, 100, "lt", 1, False),
    (66, 70, "approx", 10, True),  # "约70"
    (75, 70, "approx", 10, False),  # rounds (half-up) to 80 and is 7% away
    (73, 70, "approx", 10, True),  # within 5%
    (90, 70, "approx", 10, False),
    (96, 100, "nearly", 100, True),  # "近百"
    (100, 100, "nearly", 100, True),
    (69, 100, "nearly", 100, False),
    (101, 100, "nearly", 100, False),
    (91.4, 90, "eq", 10, True),  # "九成"
    (91.4, 90, "eq", 1, False),  # "百分之九十"
])
def test_holds(report, value, comparison, precision, ok):  # noqa: ANN001
    assert holds(report, _parts(value, comparison, precision)) is ok


# --- verdicts from answers (no assistant needed) ------------------------------------------------
def _cite(quote: str, kind: str = "prose") -> Citation:
    return Citation(source="r.txt", report="某区2017年报告", section="三、", quote=quote, start=0, end=len(quote),
                    report_id=1, kind=kind)


def _answer(value: float | None, unit: str | None = "件", conflicts: list[Conflict] | None = None,
            found: bool = True) -> Answer:
    return Answer(question="q", answer="a", route="sql", value=value, unit=unit, found=found,
                  citations=[_cite(f"{value}{unit}")] if value is not None else [], conflicts=conflicts or [])


@pytest.mark.parametrize("claimed, comparison, answer, verdict, values", [
    (54, "eq", _answer(54), "supported", [54]),
    (64, "eq", _answer(54), "refuted", [54]),
    (44, "eq", _answer(32, conflicts=[Conflict("网络申请", [32, 44], [_cite("32", "table"), _cite("网络申请44件")])]),
     "conflicting", [32, 44]),
    # a conflict whose values agree about the claim is not a conflicting verdict
    (100, "lt", _answer(32, conflicts=[Conflict("网络申请", [32, 44], [_cite("32", "table"), _cite("44")])]),
     "supported", [32, 44]),
    (64, "eq", _answer(None, found=False), "not_found", []),
    (64, "eq", _answer(None), "not_found", []),
    (30, "eq", _answer(300000, unit="元"), "supported", [30]),  # 30万元 vs 300000元
])
def test_verdict_for(claimed, comparison, answer, verdict, values):  # noqa: ANN001
    got, vals, _ = verdict_for(_parts(claimed, comparison, unit="万元" if answer.unit == "元" else "件"), answer)
    assert got == verdict and vals == values


def test_share_claim_is_not_compared_with_a_count():
    p = parse_claim("公民申请占九成")
    assert verdict_for(p, _answer(64, unit="件"))[0] == "not_found"


class _Canned:
    """An assistant whose answer is fixed; records the questions it was asked."""

    def __init__(self, answer: Answer):
        self.answer, self.asked = answer, []

    def ask(self, question: str, session_id: str | None = None) -> Answer:
        self.asked.append(question)
        return self.answer


def test_check_claim_flow_and_claim_review():
    a = _Canned(_answer(54, unit="条"))
    v = check_claim(a, "有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", claim_author="某网友",
                    appearance="https://example.org/post")
    assert a.asked == ["让胡路区2013年共受理政府信息公开申请多少条?"]
    assert isinstance(v, ClaimVerdict)
    assert (v.verdict, v.claimed_value, v.comparison, v.report_values) == ("refuted", 64, "eq", [54])
    assert v.explanation == "报告写的是54条,与说法中的64条不符。"
    assert "/" in v.rounding_rule and v.citations and v.answer is a.answer
    r = v.claim_review
    assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
    assert r["claimReviewed"] == "让胡路区2013年共受理政府信息公开申请64条"
    assert r["reviewRating"]["@type"] == "Rating" and r["reviewRating"]["alternateName"] == "不实"
    assert r["reviewRating"]["ratingValue"] == 1 and r["reviewRating"]["ratingExplanation"] == v.explanation
    assert r["itemReviewed"]["@type"] == "Claim" and r["itemReviewed"]["author"]["name"] == "某网友"
    assert r["author"] == {"@type": "Organization", "name": "reportqa"}
    d = v.to_dict()
    assert d["verdict"] == "refuted" and d["claim_review"]["@type"] == "ClaimReview"


def test_not_found_review_has_no_rating_value():
    v = check_claim(_Canned(_answer(None, found=False)), "有人说某区建成了300个服务站,对吗?")
    assert v.verdict == "not_found" and v.citations == []
    assert v.claim_review["reviewRating"]["alternateName"] == "未找到"
    assert "ratingValue" not in v.claim_review["reviewRating"]


# --- the real assistant on the sample reports ---------------------------------------------------
@pytest.fixture(scope="module")
def sample_assistant(sample_data_dir, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """The real assistant over a copy of the shared, once-ingested sample data folder."""
    import shutil

    from assistant.engine import Assistant
    from index.settings import load_settings

    data = tmp_path_factory.mktemp("claims") / "data"
    shutil.copytree(sample_data_dir, data)
    a = Assistant(load_settings(data_dir=data))
    yield a
    a.close()


@pytest.mark.parametrize("claim, verdict, values", [
    ("有人说让胡路区2013年共受理政府信息公开申请64条,对吗?", "refuted", [54]),
    ("让胡路区2013年共受理54条政府信息公开申请,这个说法准确吗?", "supported", [54]),
    ("有报道称海陵区2017年依申请公开收取了费用,属实吗?", "refuted", [0]),
    ("有人说海陵区2017年举办了38个政府信息公开培训班,这个说法准确吗?", "supported", [38]),
    ("有人说宁德市交通运输局2014年梳理了12大项共计484项权力内容,对吗?", "refuted", [448]),
    ("湘潭市12345市长热线2014年共接听市民来电1.7万余件次,对吗?", "supported", [17248]),
    ("海陵区2017年通过区政府网站发布动态信息超过两万条,是真的吗?", "supported", [20903]),
    ("有人说海陵区2017年收到申请不到100件,对吗?", "supported", [70]),
    ("有人说海陵区2017年网络申请44件,对吗?", "conflicting", [32, 44]),  # 附表 32, prose 44
    ("有人说让胡路区2013年建成了300个社区服务站,对吗?", "not_found", []),
])
def test_check_claim_on_samples(sample_assistant, claim, verdict, values):  # noqa: ANN001
    v = check_claim(sample_assistant, claim)
    assert v.verdict == verdict, (v.question, v.answer.answer if v.answer else None)
    assert sorted(v.report_values) == sorted(values)
    if verdict != "not_found":
        assert v.citations and all(c.quote for c in v.citations)
    if verdict == "conflicting":
        assert {c.kind for c in v.citations} >= {"table", "prose"}
