"""``other_body``: text naming another body or year than the report's own ("现公布王奔镇人民政府2019年…年度报告"
in 辽东街道's report): copy-paste left over from another report."""
from __future__ import annotations

import re

from assistant.audit.document import Document, Finding

NAME = "other_body"
SEVERITY = "medium"
TITLE = "疑为其他报告的文字"  # what a user is shown for the rule

_BODY_SUFFIX = r"(?:人民政府|街道办事处|办事处|政府|管委会|管理委员会)"
# "现公布王奔镇人民政府2019年政府信息公开工作年度报告", "特发布本单位2018年度…年度报告"
_SELF_REF = re.compile(
    r"(?:现|特|兹|予以|现予|现将)(?:公布|发布|印发|公开)\s*(?P<phrase>[^。;;!\n《》]{0,50}?(?:年度报告|年报|工作报告))")
_BODY_YEAR_REPORT = re.compile(
    rf"(?P<body>[\u4e00-\u9fff]{{2,16}}?(?:镇|乡|街道|区|县|市|州|旗){_BODY_SUFFIX})\s*(?P<year>(?:19|20)\d{{2}})\s*年度?"
    r"[\u4e00-\u9fff]{0,16}?(?:年度报告|年报)")
_BODY_IN = re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,16}}?(?:镇|乡|街道|区|县|市|州|旗|局|委){_BODY_SUFFIX}?)"
                      r"(?=\s*(?:19|20)\d{2}\s*年)")
_YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*年")


def _core_name(name: str) -> str:
    s = re.sub(rf"{_BODY_SUFFIX}$", "", name)
    s = re.sub(r"(街道|镇|乡|区|县|市|州|旗)$", "", s)
    return s


_FUNCTION_WORDS = re.compile(r"^.*(?:本报告|由|的|是|为|在|与|将|把|对|按|了|从|向|及|据)")


def _trim_body(name: str) -> str:
    """'本报告由王奔镇人民政府' -> '王奔镇人民政府' (unless that would eat the name itself: 和平区)."""
    cut = _FUNCTION_WORDS.sub("", name)
    return cut if len(_core_name(cut)) >= 2 else name


def _names_of(doc: Document) -> list[str]:
    return [n for n in [doc.body, doc.region, doc.title, *doc.aliases] if n]


def _same_body(name: str, doc: Document) -> bool:
    core = _core_name(name)
    if len(core) < 2:
        return True  # too little to judge
    names = _names_of(doc)
    return any(core in n or (len(_core_name(n)) >= 2 and _core_name(n) in name) for n in names)


def _inside_quotes(text: str, pos: int) -> bool:
    """Inside 《…》 (a cited document's title, not a self-reference)."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def check(doc: Document) -> list[Finding]:
    out, seen = [], set()
    title_end = doc.text.find(doc.title) + len(doc.title) if doc.title and doc.title in doc.text[:300] else 0
    # (start, end, body named, year named); a year only counts in an announcement ("现公布…"), since
    # a report may well mention last year's report ("XX区人民政府2018年…年度报告中指出的问题")
    hits: list[tuple[int, int, str | None, int | None]] = []
    for m in _SELF_REF.finditer(doc.text):
        phrase = m.group("phrase")
        b = _BODY_IN.search(phrase)
        y = _YEAR_IN.search(phrase)
        hits.append((m.start(), m.end(), _trim_body(b.group("body")) if b else None, int(y.group(1)) if y else None))
    for m in _BODY_YEAR_REPORT.finditer(doc.text):
        if m.start() < title_end or _inside_quotes(doc.text, m.start()):
            continue
        if any(s <= m.start() < e for s, e, _, _ in hits):
            continue
        hits.append((m.start(), m.end(), _trim_body(m.group("body")), None))
    for s, e, body, year in sorted(hits):
        # expand to the sentence for the quote
        qs = doc.since_stop(s, "。\n;!?")
        qe = min([i for i in (doc.text.find(ch, e) for ch in "。\n;!?") if i >= 0] or [len(doc.text)])
        qe = min(qe + 1, len(doc.text)) if qe < len(doc.text) and doc.text[qe] == "。" else qe
        cite = doc.cite(qs, qe, doc.section_at(s), "text")
        if body and not _same_body(body, doc) and ("body", body) not in seen:
            seen.add(("body", body))
            own = doc.body or doc.region or doc.title
            out.append(doc.finding(NAME, SEVERITY, f"报告正文自称是“{body}”的年度报告,与本报告的发布机关“{own}”不符,疑为从其他报告复制后未改。",
                                   {"named_year": year, "report_year": doc.year},
                                   f"“{body}” ≠ “{own}”", [cite], named_body=body))
        if year and doc.year and year != doc.year and ("year", year) not in seen:
            seen.add(("year", year))
            out.append(doc.finding(NAME, SEVERITY, f"报告正文称公布的是{year}年的年度报告,而本报告统计的是{doc.year}年,疑为沿用了其他年份的文字。",
                                   {"named_year": year, "report_year": doc.year},
                                   f"{year} ≠ {doc.year}", [cite], named_body=body or ""))
    return out
