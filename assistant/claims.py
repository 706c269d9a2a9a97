"""Claim verification: "有人说让胡路区2013年共受理申请64条,对吗?" -> supported / refuted / conflicting / not_found.

The claim is turned into a figure question (the claim with its number replaced by 多少) and asked
through the assistant, so the report's figure comes from SQL or a quoted span exactly as for any
question.  The comparison then follows the claim's own wording and precision: "1.7万余" holds for
17248 (17000 ≤ x < 18000), "超过两万" for 20903, "64条" only for 64.  The verdict is also given as a
schema.org ClaimReview.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from assistant.answers import Answer, Citation
from assistant.withhold import WITHHELD
from index.numbers import UNITS, cn_to_number, format_number

VERDICTS = ("supported", "refuted", "conflicting", "not_found")
COMPARISONS = ("eq", "gt", "lt", "approx", "about_more", "nearly")
RATING = {"supported": ("属实", 5), "refuted": ("不实", 1), "conflicting": ("有矛盾", 3), "not_found": ("未找到", None)}

# The wrapper around a claim: who says it and the request to check it.
_ASK = re.compile(r"^\s*请(?:帮我|帮忙)?(?:核实|核查|查证|确认|判断)(?:一下)?(?:这个说法|这句话)?\s*[::,,]?\s*")
_LEAD = re.compile(r"^\s*(?:有(?:人|媒体|网友|文章|报道|消息|说法)(?:说|称|报道|表示|指出)?|据(?:报道|说|称|悉)|网传|网上(?:说|称|传)|"
                   r"听说|某(?:媒体|报道|文章)(?:称|说)|报道(?:称|说))\s*[,,::]?\s*")
_TAIL = re.compile(r"\s*[,,。;;]?\s*(?:这个说法|这种说法|此说法|该说法|这一说法|这话|这)?\s*(?:是)?"
                   r"(?:对吗|对不对|准确吗|准不准确|属实吗|是否属实|是否准确|是否正确|是真的吗|真的吗|正确吗|可信吗|"
                   r"靠谱吗|有依据吗|站得住吗|吗)\s*[??!!。]*\s*$")
_SAYS = re.compile(r"^(?:说|称)\s*")

_CN = "零〇一二两三四五六七八九十百千万亿"
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u != "%")
_NUM = re.compile(
    rf"(?P<pct>百分之)?(?:(?P<arabic>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>[万亿千])?"
    rf"|(?P<cn>[{_CN}]+(?:点[{_CN}]+)?))(?P<cheng>成)?(?P<more>余|多)?(?P<unit>{_UNIT_RE})?(?P<sign>%)?"
)
_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3}
# Comparison cues: before the number (longest first) and after it.
_BEFORE = [("将近", "nearly"), ("接近", "nearly"), ("近", "nearly"),
           ("超过", "gt"), ("多于", "gt"), ("高于", "gt"), ("大于", "gt"), ("逾", "gt"), ("超", "gt"),
           ("不到", "lt"), ("不足", "lt"), ("少于", "lt"), ("低于", "lt"), ("小于", "lt"), ("未满", "lt"), ("未达", "lt"),
           ("大约", "approx"), ("大概", "approx"), ("约", "approx"),
           ("等于", "eq"), ("为", "eq"), ("是", "eq")]
_AFTER = [("以上", "gt"), ("有余", "about_more"), ("以下", "lt"), ("以内", "lt"), ("左右", "approx"), ("上下", "approx")]
# Words that would read as "the figure is zero" in a claim without a number.
_NEGATION = re.compile(r"(没有|未曾|未|没|从未|并未|无)")

RULES = {
    "eq": "报告数字四舍五入到说法的精度后相等 / the report's figure rounded to the claim's precision equals the claim",
    "eq_exact": "报告数字与说法完全相等 / the report's figure equals the claim exactly",
    "gt": "报告数字大于说法中的数 / the report's figure is greater than the claimed figure",
    "lt": "报告数字小于说法中的数 / the report's figure is less than the claimed figure",
    "approx": ("报告数字四舍五入到说法的精度后相等,或相差不超过5% / the report's figure rounded to the claim's "
               "precision equals the claim, or is within 5% of it"),
    "about_more": ("报告数字不小于说法中的数,且小于再进一个精度单位的数(如“1.7万余”:17000 ≤ x < 18000) / the report's "
                   "figure is at least the claimed figure and below the next rounding unit"),
    "nearly": ("报告数字不大于说法中的数,且不低于其90% / the report's figure is at most the claimed figure and no "
               "more than 10% below it"),
    "yes_no": "说法断言该数字大于零 / the claim asserts the figure is above zero",
    "yes_no_zero": "说法断言该数字为零 / the claim asserts the figure is zero",
}


@dataclass
class ClaimParts:
    claim: str  # the claim without its wrapper (有人说 … 对吗?)
    question: str  # the figure question asked for it (the number replaced by 多少)
    value: float | None  # the claimed figure (in the claim's unit)
    unit: str | None
    comparison: str  # eq | gt | lt | approx | about_more | nearly
    precision: float = 1.0  # the rounding unit the claim is stated in (1.7万 -> 1000)
    raw: str = ""  # the figure as the claim writes it, with its cue words ("超过两万条", "1.7万余件次")
    start: int = -1  # span of ``raw`` in ``claim``
    end: int = -1
    yes_no: bool = False  # a claim with no number: "收取了费用" (> 0) / "没有收取费用" (= 0)


@dataclass
class ClaimVerdict:
    claim: str
    verdict: str  # supported | refuted | conflicting | not_found
    claimed_value: float | None
    comparison: str
    report_values: list[float] = field(default_factory=list)
    rounding_rule: str = ""
    citations: list[Citation] = field(default_factory=list)
    explanation: str = ""
    answer: Answer | None = None
    claim_review: dict = field(default_factory=dict)
    unit: str | None = None
    question: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


# --- parsing ------------------------------------------------------------------------------
def strip_wrapper(text: str) -> str:
    """'有人说X,对吗?' -> 'X'."""
    s = (text or "").strip().replace("\u00a0", " ")
    prev = None
    while prev != s:
        prev = s
        s = _ASK.sub("", s)
        s = _LEAD.sub("", s)
        s = _SAYS.sub("", s) if s != prev else s
        s = _TAIL.sub("", s)
    return s.strip(" ,,。;;??")


def _place(v: float) -> float:
    """The place value of the last non-zero digit: 300 -> 100, 17000 -> 1000, 64 -> 1, 2.5 -> 0.1."""
    if v == 0:
        return 1.0
    for exp in range(12, -4, -1):
        p = 10.0 ** exp
        if abs(v) >= p and math.isclose(round(v / p) * p, v, rel_tol=0, abs_tol=p * 1e-6):
            return p
    return 10.0 ** -3


def _decimals_place(s: str) -> float:
    return 10.0 ** -len(s.split(".")[1]) if "." in s else 1.0


@dataclass
class _Num:
    value: float
    unit: str | None
    start: int
    end: int
    precision: float
    more: bool
    percent: bool
    cue: bool  # has a unit or percent or multiplier: a statistic, not a name (12345热线)


def _numbers(s: str, years: set[int]) -> list[_Num]:
    out = []
    for m in _NUM.finditer(s):
        a, b = m.span()
        if s[b:b + 1] == "年" or (m.group("arabic") and re.fullmatch(r"(19|20)\d{2}", m.group("arabic"))
                                  and int(m.group("arabic")) in years):
            continue  # a year
        if a > 0 and s[a - 1] in "第初周星":
            continue  # ordinals
        if m.group("arabic"):
            txt = m.group("arabic").replace(",", "")
            v = float(txt)
            mult = m.group("mult")
            prec = _decimals_place(txt)
            if mult and m.group("unit") == "元" and mult in "万亿":
                pass  # "30万元": keep the reports' own unit, 万元 (set below)
            elif mult:
                v *= _MULT[mult]
                prec *= _MULT[mult]
        else:
            cn = m.group("cn")
            stat = m.group("pct") or m.group("cheng") or m.group("unit") or m.group("more")
            before = s[max(0, a - 2):a]
            cued = any(before.endswith(w) for w, _ in _BEFORE if w not in ("为", "是"))
            if not (stat or cued or (len(cn) >= 2 and any(c in cn for c in "十百千万亿"))):
                continue  # 一/两 inside words ("统一", "两个方面" without a figure)
            if cn in ("一", "两", "二") and not (m.group("pct") or m.group("cheng")) and m.group("unit") in ("个", "次", "项") \
                    and not cued:
                continue
            val = cn_to_number(cn)
            if val is None:
                continue
            v = val
            prec = _place(v) if not m.group("pct") else 1.0
        percent = bool(m.group("pct") or m.group("sign") or m.group("cheng"))
        unit = "%" if percent else m.group("unit")
        if unit == "元" and m.group("mult") in ("万", "亿"):
            unit = m.group("mult") + "元"
        if m.group("cheng"):
            v *= 10
            prec = 10.0
        cue = bool(m.group("unit") or percent or (m.group("arabic") and m.group("mult")) or m.group("cn")
                   or m.group("more"))
        out.append(_Num(v, unit, a, b, prec, bool(m.group("more")), percent, cue))
    return out


def parse_claim(text: str) -> ClaimParts:
    """Split a claim into the figure question, the claimed value and how it compares."""
    claim = strip_wrapper(text)
    years = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", claim)}
    nums = _numbers(claim, years)
    pick = None
    if nums:
        cued = [n for n in nums if n.cue]
        pick = (cued or nums)[-1]
    if pick is None:
        return _yes_no(claim)
    a, b = pick.start, pick.end
    comparison = "about_more" if pick.more else "eq"
    before = claim[:a]
    for w, c in _BEFORE:
        if before.endswith(w):
            if c != "eq":
                comparison = c
                a -= len(w)
            break
    after = claim[b:]
    for w, c in _AFTER:
        if after.startswith(w):
            comparison = c
            b += len(w)
            break
    precision = pick.precision
    if comparison in ("approx", "about_more", "nearly"):
        precision = max(precision, _place(pick.value))
    unit = pick.unit
    ask = "多少" + ("" if unit in (None, "%") else unit)
    question = (claim[:a] + ask + claim[b:]).strip()
    if pick.percent and "占" not in question and "比例" not in question and "率" not in question:
        question = question.replace(ask, "占比" + ask, 1)
    return ClaimParts(claim=claim, question=_as_question(question), value=pick.value, unit=unit,
                      comparison=comparison, precision=precision, raw=claim[a:b], start=a, end=b)


def _yes_no(claim: str) -> ClaimParts:
    """'海陵区2017年依申请公开收取了费用' claims the figure is above zero; '没有收取费用' that it is zero."""
    neg = _NEGATION.search(claim)
    body = claim
    if neg:
        body = claim[:neg.start()] + claim[neg.end():]
    body = re.sub(r"(了|过)(?=[\u4e00-\u9fff])", "", body, count=1)
    question = _as_question(body + "是多少")
    return ClaimParts(claim=claim, question=question, value=0.0, unit=None,
                      comparison="eq" if neg else "gt", precision=1.0, yes_no=True)


def _as_question(s: str) -> str:
    s = s.strip(" ,,。;;")
    return s if s.endswith(("?", "?")) else s + "?"


# --- comparing -----------------------------------------------------------------------------
def _round_to(v: float, precision: float) -> float:
    # half-up, as reports and journalists round (Python's round() is half-even)
    return math.floor(v / precision + 0.5 + 1e-9) * precision


def holds(report: float, parts: ClaimParts) -> bool:
    """Does the report's figure make the claim true, under the claim's own wording?"""
    c, p = parts.value, parts.precision
    if c is None:
        return False
    eps = 1e-9 * max(1.0, abs(c))
    if parts.comparison == "gt":
        return report > c + eps
    if parts.comparison == "lt":
        return report < c - eps
    if parts.comparison == "about_more":
        return c - eps <= report < c + p - eps
    if parts.comparison == "nearly":
        return 0.9 * c - eps <= report <= c + eps
    if parts.comparison == "approx":
        return math.isclose(_round_to(report, p), c, abs_tol=eps) or abs(report - c) <= 0.05 * abs(c) + eps
    return math.isclose(_round_to(report, p), c, abs_tol=eps)


def rule_text(parts: ClaimParts) -> str:
    if parts.yes_no:
        return RULES["yes_no" if parts.comparison == "gt" else "yes_no_zero"]
    if parts.comparison == "eq":
        return RULES["eq_exact"] if parts.precision <= _decimals_place(_fmt(parts.value or 0)) else \
            RULES["eq"] + f"(精度 {_fmt(parts.precision)} / precision {_fmt(parts.precision)})"
    return RULES[parts.comparison]


_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def _in_claim_unit(v: float, report_unit: str | None, claim_unit: str | None) -> float:
    if report_unit in _SCALE and claim_unit in _SCALE:
        return v * _SCALE[report_unit] / _SCALE[claim_unit]
    return v


_fmt = format_number  # the one number format (index/numbers.py)


def _report_values(ans: Answer) -> list[float]:
    vals = [ans.value] if ans.value is not None else []
    for c in ans.conflicts:
        if getattr(c, "kind", "values") not in ("values", "parts"):
            continue  # an audit finding's operands are other figures, not readings of this one
        for v in c.values:
            if v is not None and not any(math.isclose(v, w) for w in vals):
                vals.append(v)
    return vals


def _said(parts: ClaimParts) -> str:
    if parts.yes_no:
        return f"“{parts.claim}”"
    return f"说法中的{parts.raw}" + ("" if parts.unit or not parts.raw else "")


def _explain(verdict: str, parts: ClaimParts, values: list[float], unit: str, ans: Answer | None) -> str:
    if verdict == "not_found":
        return "在已载入的报告中没有找到能核实这一说法的数字。"
    shown = "、".join(f"{_fmt(v)}{unit}" for v in values)
    if verdict == "conflicting":
        sides = []
        for c in (ans.conflicts if ans is not None else []):
            for cit, x in zip(c.citations, c.values):
                where = "表格" if cit.kind == "table" else "正文"
                sides.append(f"{where}写{_fmt(_in_claim_unit(x, ans.unit, parts.unit))}{unit}")
        return f"报告自身的数字不一致({'、'.join(sides) or shown}),{_said(parts)}只与其中一处相符。"
    v = values[0]
    if parts.yes_no:
        zero = "为零" if v == 0 else "不为零"
        ok = "相符" if verdict == "supported" else "不符"
        return f"报告写的是{_fmt(v)}{unit}({zero}),与{_said(parts)}的说法{ok}。"
    ok = "相符" if verdict == "supported" else "不符"
    return f"报告写的是{_fmt(v)}{unit},与{_said(parts)}{ok}。"


def claim_review(v: ClaimVerdict, claim_author: str | None = None, appearance: str | None = None) -> dict:
    """schema.org ClaimReview (https://schema.org/ClaimReview) for the verdict."""
    name, value = RATING[v.verdict]
    rating: dict = {"@type": "Rating", "alternateName": name, "ratingExplanation": v.explanation}
    if value is not None:
        rating.update({"ratingValue": value, "bestRating": 5, "worstRating": 1})
    item: dict = {"@type": "Claim"}
    if claim_author:
        item["author"] = {"@type": "Person", "name": claim_author}
    if appearance:
        item["appearance"] = {"@type": "CreativeWork", "url": appearance}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": v.claim,
        "reviewRating": rating,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": "reportqa"},
        "datePublished": date.today().isoformat(),
    }
    if v.citations:
        review["citation"] = [{"@type": "CreativeWork", "name": c.report, "text": c.quote} for c in v.citations[:5]]
    return review


def verdict_for(parts: ClaimParts, ans: Answer | None) -> tuple[str, list[float], str]:
    """(verdict, report values in the claim's unit, unit shown)."""
    withheld = ans is not None and WITHHELD in ans.notes  # the report states it two ways: both are read
    if ans is None or (not ans.found or ans.value is None) and not withheld:
        return "not_found", [], ""
    unit = ans.unit or ""
    if (parts.unit == "%") != (unit == "%") and not parts.yes_no:
        return "not_found", [], unit  # a share against a count (or back): nothing comparable was found
    values = _report_values(ans)
    conv = [_in_claim_unit(x, ans.unit, parts.unit) for x in values]
    shown_unit = parts.unit if (ans.unit in _SCALE and parts.unit in _SCALE) else unit
    results = {holds(x, parts) for x in conv}
    if len(results) > 1:
        return "conflicting", conv, shown_unit
    return ("supported" if results.pop() else "refuted"), conv, shown_unit


def check_claim(assistant, claim: str, claim_author: str | None = None,  # noqa: ANN001
                appearance: str | None = None) -> ClaimVerdict:
    """Check ``claim`` against the loaded reports through ``assistant.ask`` (SQL first, then retrieval)."""
    parts = parse_claim(claim)
    ans = assistant.ask(parts.question) if parts.claim else None
    verdict, values, unit = verdict_for(parts, ans)
    v = ClaimVerdict(claim=parts.claim or (claim or "").strip(), verdict=verdict, claimed_value=parts.value,
                     comparison=parts.comparison, report_values=values, rounding_rule=rule_text(parts),
                     citations=list(ans.citations) if ans is not None and verdict != "not_found" else [],
                     explanation=_explain(verdict, parts, values, unit, ans), answer=ans,
                     unit=parts.unit, question=parts.question)
    if verdict == "conflicting" and ans is not None:
        for c in ans.conflicts:  # cite every side of the disagreement
            for cit in c.citations:
                if cit not in v.citations:
                    v.citations.append(cit)
    v.claim_review = claim_review(v, claim_author, appearance)
    return v


__all__ = ["ClaimParts", "ClaimVerdict", "parse_claim", "check_claim", "strip_wrapper", "holds", "verdict_for",
           "claim_review", "VERDICTS", "COMPARISONS"]
