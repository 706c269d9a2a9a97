"""Question understanding: which reports, which years, which metrics, which operation.

``parse_question`` turns a Chinese question into a :class:`ParsedQuestion` without any model:
report names are resolved by assistant/bodies.py (full names and their general short forms), metrics
by the catalogue's names and synonyms (longest match wins), and the operation by cue words. The
question text is only ever data: nothing here executes it, and SQL smuggled into it is merely flagged
(``sql_in_text``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from assistant.bodies import ReportRef, asks_across_years, latest_per_body, normalize, resolve, resolve_mentions
from index.metrics import crosswalk, parents

MAX_QUESTION_CHARS = 400

OPERATIONS = ("lookup", "sum", "difference", "compare", "ratio", "percent", "max", "min", "rank", "list",
              "count", "none")


@dataclass
class MetricMatch:
    metric_id: str
    phrase: str  # the words of the question that matched
    score: float  # 1.0 exact name/synonym, lower for derived forms
    dimension: str = ""  # "" = the metric's total, else e.g. 网络申请 / 自然人
    family: list[str] = field(default_factory=list)  # ids answering the same question (group, see_also)
    unit: str = ""
    role: str = ""  # part | whole for percent questions
    pos: int = 0  # offset of the phrase in the normalized question
    # The same figure under another template's (metric, dimension): the catalogue's crosswalk, e.g.
    # 部分公开 (2019 row) = 申请答复数/同意部分公开 (pre-2019 附表 and prose).
    equivalents: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ParsedQuestion:
    text: str
    report_ids: list[int] = field(default_factory=list)
    body_mentions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    metrics: list[MetricMatch] = field(default_factory=list)
    label_terms: list[str] = field(default_factory=list)  # content words for prose facts
    operation: str = "none"
    is_figure_question: bool = False
    is_claim: bool = False
    claim_value: float | None = None
    sql_in_text: bool = False
    parts: list[str] = field(default_factory=list)  # enumerated items of a sum ("当面申请", "信函申请")
    unit_hint: str = ""  # the measure word asked for (条, 件, 项, 万元, %)
    is_follow_up: bool = False
    years_explicit: bool = False
    # Names no loaded report answers to (福州市交通运输局 when only 宁德's is loaded): the answer is "not found".
    unresolved: list[str] = field(default_factory=list)
    # What the answer must say about how the question was read (报告写作沭阳县; 未指明年份,按最新的2024年报告回答).
    notes: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        return self.years[0] if self.years else None

    @property
    def metric_ids(self) -> list[str]:
        out: list[str] = []
        for m in self.metrics:
            for mid in [m.metric_id, *m.family]:
                if mid not in out:
                    out.append(mid)
        return out


# ---------------------------------------------------------------------------------------------
# text helpers

_CJK = r"\u4e00-\u9fff"


# ---------------------------------------------------------------------------------------------
# catalogue access: objects or dicts with id, name, category, unit, synonyms, group, see_also

def _get(m: object, key: str, default: object = None) -> object:
    if isinstance(m, dict):
        return m.get(key, default)
    return getattr(m, key, default)


def catalogue_entries(catalogue: object) -> list[object]:
    if catalogue is None:
        return []
    if isinstance(catalogue, (list, tuple)):
        return list(catalogue)
    for attr in ("metrics", "entries", "items"):
        val = getattr(catalogue, attr, None)
        if isinstance(val, (list, tuple)):
            return list(val)
        if isinstance(val, dict):
            return list(val.values())
    if isinstance(catalogue, dict):
        return list(catalogue.values())
    try:
        return list(catalogue)  # type: ignore[call-overload]
    except TypeError:
        rows = getattr(catalogue, "as_rows", None)
        return list(rows()) if rows else []


# ---------------------------------------------------------------------------------------------
# years

_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR2 = re.compile(r"(?<!\d)(\d{2})年(?!\d)")
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "上年": -1, "上一年": -1, "今年": 0, "本年度": 0, "当年": 0}


def find_years(q: str, context_year: int | None) -> list[int]:
    years: list[int] = []
    for m in _YEAR4.finditer(q):
        years.append(int(m.group(1)))
    for m in _YEAR2.finditer(q):
        y = int(m.group(1))
        years.append(2000 + y if y < 50 else 1900 + y)
    if context_year:
        for word, delta in _RELATIVE_YEARS.items():
            if word in q and not (word == "本年度" and years):
                years.append(context_year + delta)
    return list(dict.fromkeys(years))


# ---------------------------------------------------------------------------------------------
# metrics

# Dimension words of the application tables and their canonical stored forms.
DIMENSIONS: list[tuple[str, str]] = [
    ("法人或其他组织", "法人或其他组织"), ("法人或者其他组织", "法人或其他组织"), ("法人", "法人或其他组织"),
    ("自然人", "自然人"), ("公民", "自然人"),  # 申请来源 公民 = the template's 自然人 column (crosswalk)
    ("当面申请", "当面申请"), ("当面", "当面申请"), ("现场申请", "当面申请"),
    ("网络申请", "网络申请"), ("网上申请", "网络申请"), ("通过网络", "网络申请"), ("网络提交", "网络申请"),
    ("网络提出", "网络申请"), ("在线申请", "网络申请"),
    ("信函申请", "信函申请"), ("信函", "信函申请"), ("邮寄", "信函申请"),
    ("传真申请", "传真申请"), ("传真", "传真申请"),
    ("电子邮件申请", "电子邮件申请"), ("电子邮件", "电子邮件申请"), ("邮件申请", "电子邮件申请"),
]

# Question phrasings that do not literally contain a catalogue name; each is rewritten to the phrase
# the catalogue is searched for (the catalogue decides which metric that is).
_REWRITES: list[tuple[re.Pattern[str], list[str]]] = [
    (re.compile(r"(?:收到|受理|新收|接收|办理)[^,,。?!;]{0,14}?申请|(?:受理|收到|申请)总数"),
     ["收到申请数", "本年新收", "收到申请"]),
    (re.compile(r"(?:提出|提交)[^,,。?!;]{0,10}?申请"), ["收到申请数", "本年新收", "收到申请"]),
    (re.compile(r"主动公开的?(?:政府信息)?(?:总数|总量|信息总数)"), ["主动公开政府信息数", "主动公开政府信息"]),
    (re.compile(r"被?(?:申请|提起)?的?行政复议"), ["行政复议数量", "行政复议"]),
    (re.compile(r"被?(?:提起)?的?行政诉讼"), ["行政诉讼数量", "行政诉讼"]),
]

_NAME_TAIL = re.compile(r"(?:的?(?:数量|总数|总量|总计|合计|件数|条数|次数|人数|个数|情况|数|量))$")
# Filler a question may put inside a catalogue phrase: 实现统一认证[的业务]占比.
_FILLER = r"(?:的业务|的工作|的|了|业务)?"


@dataclass
class _Phrase:
    text: str
    metric_id: str
    score: float


@dataclass
class _MetricInfo:
    id: str
    name: str
    unit: str
    family: list[str]
    dim_phrases: list[tuple[str, str]]  # (phrase, dimension) from parts and column dimensions
    free_parts: bool


def _metric_phrases(entries: list[object]) -> list[_Phrase]:
    out: list[_Phrase] = []
    for m in entries:
        mid = str(_get(m, "id", ""))
        if not mid:
            continue
        names = [str(_get(m, "name", "") or "")] + [str(s) for s in (_get(m, "synonyms", None) or [])]
        for n in names:
            n = normalize(n)
            if len(n) >= 2:
                out.append(_Phrase(n, mid, 1.0))
            short = _NAME_TAIL.sub("", n)
            if short != n and len(short) >= 3:
                out.append(_Phrase(short, mid, 0.9))
    return out


def _family(entries: list[object], mid: str) -> list[str]:
    """Metrics that answer the same question: same ``group`` or linked by ``see_also``."""
    by_id = {str(_get(m, "id", "")): m for m in entries}
    me = by_id.get(mid)
    if me is None:
        return []
    fam: list[str] = []
    group = _get(me, "group", None)
    mine = _get(me, "see_also", None) or []
    for m in entries:
        oid = str(_get(m, "id", ""))
        if oid == mid:
            continue
        if (group and (_get(m, "group", None) == group or oid == group)) or mid in (_get(m, "see_also", None) or []) \
                or oid in mine:
            fam.append(oid)
    return fam


_MEMO: dict[tuple, tuple[list[object], object]] = {}


def _memo(kind: str, entries: list[object], build):  # noqa: ANN001, ANN202
    """Per-catalogue derived tables, built once: the entries are the same objects question after question
    (the entries are kept with the value so their ids stay theirs)."""
    key = (kind, tuple(map(id, entries)))
    hit = _MEMO.get(key)
    if hit is None:
        if len(_MEMO) > 32:
            _MEMO.clear()
        hit = _MEMO[key] = (list(entries), build(entries))
    return hit[1]


def _infos(entries: list[object]) -> dict[str, _MetricInfo]:
    return _memo("infos", entries, _build_infos)


def _build_infos(entries: list[object]) -> dict[str, _MetricInfo]:
    out = {}
    for m in entries:
        mid = str(_get(m, "id", ""))
        dims: list[tuple[str, str]] = []
        for key, phrases in (_get(m, "parts", None) or {}).items():
            for ph in [key, *phrases]:
                dims.append((normalize(ph), key))
        for d in _get(m, "dimensions", None) or []:
            dims.append((normalize(d), d))
            short = _NAME_TAIL.sub("", normalize(d))
            if short != normalize(d) and len(short) >= 2:
                dims.append((short, d))
        out[mid] = _MetricInfo(mid, normalize(str(_get(m, "name", "") or "")), str(_get(m, "unit", "") or ""),
                               _family(entries, mid), [(p, k) for p, k in dims if len(p) >= 2],
                               bool(_get(m, "free_parts", False)))
    return out


def _find_dimensions(q: str, extra: list[tuple[str, str]] | None = None) -> list[tuple[int, int, str]]:
    """Non-overlapping dimension mentions (longest first): the catalogue's parts/columns, then generic words."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(q)
    table = [*(extra or []), *DIMENSIONS]
    for word, canon in sorted(table, key=lambda d: -len(d[0])):
        for m in re.finditer(re.escape(word), q):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), m.end(), canon))
    return sorted(found)


_PATTERN_CACHE: dict[str, re.Pattern[str]] = {}


def _phrase_pattern(text: str) -> re.Pattern[str]:
    pat = _PATTERN_CACHE.get(text)
    if pat is None:
        if len(text) >= 4:
            pat = re.compile(_FILLER.join(re.escape(c) for c in text))
        else:
            pat = re.compile(re.escape(text))
        _PATTERN_CACHE[text] = pat
    return pat


_QUESTION_WORDS = re.compile(r"了?(?:多少|几)(?:个工作日|件次|人次|万元|亿元|元|条|件|项|家|户|个|次|人|天|份|期)?|共|了")


def _squeeze(q: str) -> tuple[str, list[int]]:
    """``q`` without question words, and for each kept character its offset in ``q``."""
    keep = [True] * len(q)
    for m in _QUESTION_WORDS.finditer(q):
        for i in range(m.start(), m.end()):
            keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(q[i] for i in index), index


def match_metrics(q: str, entries: list[object]) -> list[MetricMatch]:
    """Catalogue metrics named in ``q``: longest non-overlapping matches, in question order, with dimensions."""
    phrases = _memo("phrases", entries, _metric_phrases)
    infos = _infos(entries)
    cands: list[tuple[int, int, _Phrase]] = []
    # Also match with the question words squeezed out: 发布了多少条信息 still names 发布信息.
    squeezed, index = _squeeze(q)
    for text, idx, penalty in ((q, None, 0.0), (squeezed, index, 0.1)):
        if idx is not None and text == q:
            continue
        for p in phrases:
            for m in _phrase_pattern(p.text).finditer(text):
                s, e = (m.start(), m.end()) if idx is None else (idx[m.start()], idx[m.end() - 1] + 1)
                exact = m.end() - m.start() == len(p.text)
                cands.append((s, e, _Phrase(p.text, p.metric_id, p.score - penalty - (0 if exact else 0.15))))
    lookup: dict[str, _Phrase] = {}
    for p in phrases:
        lookup.setdefault(p.text, p)
    for pat, targets in _REWRITES:
        for m in pat.finditer(q):
            for t in targets:
                p = lookup.get(t)
                if p:
                    cands.append((m.start(), m.end(), _Phrase(t, p.metric_id, 0.8)))
                    break
    # Longest first, then exact before derived; a span is used once.
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2].score, c[0]))
    taken = [False] * len(q)
    chosen: list[tuple[int, int, _Phrase]] = []
    for s, e, p in cands:
        if any(taken[s:e]):
            continue
        for i in range(s, e):
            taken[i] = True
        chosen.append((s, e, p))
    chosen.sort(key=lambda c: c[0])

    def make(mid: str, phrase: str, score: float, dim: str, pos: int) -> MetricMatch:
        info = infos.get(mid)
        return MetricMatch(metric_id=mid, phrase=phrase, score=score, dimension=dim,
                           family=list(info.family) if info else [], unit=info.unit if info else "", pos=pos)

    # Dimension vocabulary: parts/columns of the chosen metrics and of metrics whose parts stand alone.
    extra: list[tuple[str, str]] = []
    owners: dict[str, str] = {}
    for _, _, p in chosen:
        extra += infos[p.metric_id].dim_phrases if p.metric_id in infos else []
    for info in infos.values():
        if info.free_parts:
            for ph, key in info.dim_phrases:
                owners.setdefault(ph, info.id)
                owners.setdefault(key, info.id)
            extra += info.dim_phrases
    dims = _find_dimensions(q, extra)

    out: list[MetricMatch] = []
    used: set[int] = set()
    for s, e, p in chosen:
        name = infos[p.metric_id].name if p.metric_id in infos else ""
        # A breakdown word inside the phrase is its dimension only when it is this metric's own (or a
        # generic applicant/channel word): 部分公开 is not 申请答复数's 同意部分公开 but its crosswalk twin.
        own = {k for _, k in infos[p.metric_id].dim_phrases} if p.metric_id in infos else set()
        inside = [d for d in dims if s <= d[0] and d[1] <= e and d[2] not in name
                  and (d[2] in own or d[2] in {c for _, c in DIMENSIONS})]
        used.update(d[0] for d in dims if s <= d[0] and d[1] <= e)
        out.append(make(p.metric_id, q[s:e], p.score, inside[0][2] if inside else "", s))
    out = _fold_context_metrics(out, infos)
    free = [d for d in dims if d[0] not in used]
    generic = {c for _, c in DIMENSIONS}
    # A breakdown word owned by another metric (已公开 -> 申请答复数) only names a second figure when the
    # question relates two figures; otherwise it is context (通过政府网站发布的动态信息).
    relates = bool(re.search(r"占|比例|比重|加起来|合计|一共|哪个|相差|多多少|和|与|及", q))
    attached: list[tuple[int, int, str]] = []
    for d in list(free):
        # Longest match: a breakdown phrase that strictly holds a matched metric's phrase names the breakdown
        # (同意部分公开 is 申请答复数's part, not the 部分公开 row inside it).
        owner = owners.get(q[d[0]:d[1]]) or owners.get(d[2])
        inner = next((m for m in out if not m.dimension and d[0] <= m.pos and m.pos + len(m.phrase) <= d[1]
                      and len(m.phrase) < d[1] - d[0]), None)
        if owner is not None and inner is not None:
            out[out.index(inner)] = make(owner, q[d[0]:d[1]], inner.score, d[2], d[0])
            free.remove(d)
    anchor = next((m for m in out if not m.dimension), None)
    anchor_dims = {k for _, k in infos[anchor.metric_id].dim_phrases} if anchor and anchor.metric_id in infos else set()
    for d in free:
        owner = owners.get(q[d[0]:d[1]]) or owners.get(d[2])
        if anchor is not None and (d[2] in anchor_dims or d[2] in generic or owner is None):
            attached.append(d)
        elif owner is not None and (anchor is None or relates):
            out.append(make(owner, q[d[0]:d[1]], 0.7, d[2], d[0]))
        elif anchor is None and d[2] in generic:
            app = _application_anchor(lookup)
            if app is not None:
                out.append(make(app.metric_id, q[d[0]:d[1]], 0.7, d[2], d[0]))
    if anchor is not None and attached:
        out = [m for m in out if m is not anchor]
        out += [replace(anchor, dimension=d[2], pos=min(anchor.pos, d[0]) if i == 0 else d[0])
                for i, d in enumerate(attached)]
    out = _category_dimension(q, out, entries, infos)
    seen: set[tuple[str, str]] = set()
    uniq = []
    for m in sorted(out, key=lambda m: m.pos):
        if (m.metric_id, m.dimension) not in seen:
            seen.add((m.metric_id, m.dimension))
            uniq.append(m)
    return uniq


def _fold_context_metrics(out: list[MetricMatch], infos: dict[str, _MetricInfo]) -> list[MetricMatch]:
    """A matched 'metric' that is really a breakdown of another matched one becomes its dimension
    (政务服务事项中行政许可实际办件 -> 办件情况/行政许可); one whose words sit inside another's name is context."""
    # Slots by position, liveness by index: list membership with dataclass == made this cubic
    # on questions that repeat a metric many times.
    keep: list[MetricMatch | None] = list(out)
    for i, m in enumerate(out):
        for j, other in enumerate(out):
            if i == j or keep[i] is not m or keep[j] is not other:
                continue
            info = infos.get(other.metric_id)
            if info is None:
                continue
            part = next((k for ph, k in info.dim_phrases if ph == normalize(m.phrase) or ph == m.phrase), None)
            if part is not None and not other.dimension:
                keep[j] = replace(other, dimension=part, pos=min(other.pos, m.pos))
                keep[i] = None
            elif len(m.phrase) >= 3 and m.phrase in info.name and m.phrase != info.name:
                keep[i] = None
    return [k for k in keep if k is not None]


_CATEGORY = re.compile(r"类(?:政府)?信息")
_CATEGORY_CUT = re.compile(r"[的了年在和与及、,中]|发布|公开|主动|通过|各类|\d")


def _category_mention(q: str) -> tuple[int, int, str] | None:
    m = _CATEGORY.search(q)
    if not m:
        return None
    head = _CATEGORY_CUT.split(q[:m.start()])[-1]
    if not 2 <= len(head) <= 8:
        return None
    return m.start() - len(head), m.end(), head + "类"


def _category_dimension(q: str, out: list[MetricMatch], entries: list[object],
                        infos: dict[str, _MetricInfo]) -> list[MetricMatch]:
    """'公共服务类信息' is the 公共服务类 dimension of the metrics that break down by category."""
    hit = _category_mention(q)
    cat_ids = [str(_get(e, "id", "")) for e in entries if _get(e, "category_dims", False)]
    if hit is None or not cat_ids:
        return out
    s, e, dim = hit
    for i, mm in enumerate(out):
        near = mm.pos <= e and s <= mm.pos + len(mm.phrase) + 1
        if mm.metric_id in cat_ids and not mm.dimension and near:
            out[i] = replace(mm, dimension=dim)
            return out
    first = MetricMatch(metric_id=cat_ids[0], phrase=q[s:e], score=0.7, dimension=dim,
                        family=cat_ids[1:] + [f for f in infos[cat_ids[0]].family if f not in cat_ids],
                        unit=infos[cat_ids[0]].unit, pos=s)
    return sorted([*out, first], key=lambda x: x.pos)


def _application_anchor(lookup: dict[str, _Phrase]) -> _Phrase | None:
    """Channel/applicant words alone (当面申请, 自然人) are breakdowns of the applications received."""
    for t in _REWRITES[0][1]:
        if t in lookup:
            return lookup[t]
    return None


# ---------------------------------------------------------------------------------------------
# operations, claims, SQL smuggling

_SQL_WORDS = re.compile(r"(?i)(?<![a-z])(select|drop|delete|insert|update|union|pragma|attach|detach|alter|create|"
                        r"replace|vacuum|truncate|exec)(?![a-z])")
_CLAIM = re.compile(r"(对吗|对不对|准确吗|是否准确|准确不准确|属实吗|是否属实|是真的吗|是不是真的|正确吗|是否正确|"
                    r"可信吗|没错吧|是这样吗|有没有错|说法)")
_DIFF = re.compile(r"(多多少|少多少|相差|差多少|差距|差额|多出|少了多少|增加了多少|减少了多少|增长了多少|下降了多少)")
_COMPARE = re.compile(r"(哪个多|哪个少|哪个更多|哪个更少|哪个高|哪个低|谁多|谁少|比较|对比|(?<!占)比(?!例|重|率|值)[^,。?]{1,20}(?:多|少|高|低)"
                      r"|(?:哪个|哪一个|哪项|谁)(?!地方|区|市|县|单位|部门)[^,。?最]{1,12}?(?:更多|更少|多|少|高|低))")
_SUM = re.compile(r"(加起来|合计|一共|总共|共计|之和|总和|加总|相加|共)")
_PERCENT = re.compile(r"(百分之几|百分比|占比|比例|比重|占[^,。?]{0,20}(?:多少|几)|占[^,。?]{0,20}的)")
_RATIO = re.compile(r"(是[^,。?]{1,20}的几倍|倍数|几倍|比值)")
_MAX = re.compile(r"(最多|最高|最大|最长|最多的)")
_MIN = re.compile(r"(最少|最低|最小|最短)")
_RANK = re.compile(r"(排名|排序|排列|前三|前五|前几|依次)")
_COUNT = re.compile(r"(几份报告|多少份报告|几个报告|多少个报告|几个地方|多少个地方|几家单位发布)")
_LIST = re.compile(r"(分别是多少|分别为多少|分别|各是多少|各有多少|列出|列举)")
_ACROSS = re.compile(r"(哪个地方|哪个区|哪个市|哪个县|哪个单位|哪个部门|哪份报告|哪个报告|哪一个|哪家|这几份|各地|所有报告)")
_FIGURE = re.compile(r"(多少|几[个件条项家户人次天年%]|几?个?工作日|数量|数目|比例|占比|百分|金额|费用|经费|总数|合计|"
                     r"加起来|一共|最多|最少|排名|几倍|是几|有几|几件|几条|几项|几次|几人|几家|多大|多高|多长)")
_QUALITATIVE = re.compile(r"(哪些|什么|如何|怎样|怎么|为何|为什么|问题|措施|做法|举措|电话|地址|渠道|改进|打算|困难|"
                          r"不足|经验|栏目|方式有|途径|目标|计划|安排|介绍|概述|总结|主要内容|哪几)")
_UNIT_ASK = re.compile(r"(?:多少|几)(个工作日|件次|人次|万元|亿元|元|条|件|项|家|户|个|次|人|天|份|期|场|篇|名|所|批|%)")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|万元|亿元|元|条|件次|件|项|家|户|个|次|人次|人|天|份|期)?")

_FOLLOW_UP = re.compile(r"^(?:那么?|那个|还有|另外|再问|同样|换成|改成)|呢[?!.。]*$")
# Words stripped before extracting content keywords for prose facts.
_STOP = re.compile(
    r"(请问|请|告诉我|一下|这几份报告里?|这些报告|报告里?|报告中|那么?|呢|吗|吧|啊|是多少|有多少|多少|为多少|是几|有几|几|"
    r"对吗|准确吗|属实吗|这个说法|说法|有人说|有报道称|据说|是否|共计|一共|总共|合计|加起来|共|总|"
    r"分别|各|哪个地方|哪个|最多|最少|是|有|了|的|在|和|与|及|以及|或|把|被|将|对|其中|年度|年|"
    r"全年|本年|今年|去年|通过|方面|情况|数量|数|比例|占比|百分之几|占|如何|怎样|什么|哪些|"
    r"政府信息公开|信息公开|政府信息|政务公开)")
_MEASURE = re.compile(r"^(?:个工作日|件次|人次|万元|亿元|元|条|件|项|家|户|个|次|人|天|份|期|场|篇|名|所|批)")


def detect_sql(raw: str) -> bool:
    return bool(_SQL_WORDS.search(raw or "")) or "--" in (raw or "") or ";" in (raw or "")


def _claim_value(q: str, years: list[int]) -> float | None:
    for m in _NUMBER.finditer(q):
        tail = q[m.end():m.end() + 1]
        if tail == "年" or (m.group(1).isdigit() and int(m.group(1)) in years and len(m.group(1)) == 4):
            continue
        return float(m.group(1))
    return None


def _operation(q: str, n_metrics: int, n_reports: int, n_parts: int) -> str:
    multi = max(n_metrics, n_reports, n_parts) >= 2
    if _COMPARE.search(q) and multi:
        return "compare"  # which is larger (and by how much: the caller shows the difference too)
    if _DIFF.search(q):
        return "difference"
    if _RATIO.search(q):
        return "ratio"
    if _PERCENT.search(q):
        return "percent"
    if _RANK.search(q):
        return "rank"
    if _MAX.search(q):
        return "max"
    if _MIN.search(q):
        return "min"
    if _COUNT.search(q):
        return "count"
    if _SUM.search(q) and multi:
        return "sum"
    if _LIST.search(q) and multi:
        return "list"
    if _ACROSS.search(q) and _FIGURE.search(q):
        return "max"
    return "lookup" if (n_metrics or _FIGURE.search(q)) else "none"


def _content(q: str, mentions: list[str]) -> str:
    for m in sorted(mentions, key=len, reverse=True):
        q = q.replace(m, " ")
    q = re.sub(r"(?:19|20)?\d{2}年度?", " ", q)
    q = re.sub(r"\d+(?:\.\d+)?\s*(?:%|万元|亿元|元|条|件次|件|项|家|户|个|次|人次|人|天|份|期)?", " ", q)
    q = re.sub(r"(?:多少|几)(?:个工作日|件次|人次|万元|亿元|元|条|件|项|家|户|个|次|人|天|份|期|场|篇|名|所|批)", " ", q)
    q = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]+", " ", q)
    return q


@functools.lru_cache(maxsize=1)
def _terms_data() -> dict:
    return yaml.safe_load(Path(__file__).with_name("terms.yaml").read_text("utf-8"))


def _generic_terms() -> frozenset[str]:
    """Words too general for prose labels (terms.yaml)."""
    return frozenset(_terms_data()["generic_terms"]["words"])


def _catalogue_words(entries: list[object]) -> tuple[frozenset[str], tuple[int, ...]]:
    """Words a label term keeps whole: terms.yaml's domain words and the catalogue's names, synonyms, parts and
    columns (the national template's row and column words, index/metrics.yaml), 3-6 characters, without their
    数/数量 tails."""
    words: set[str] = set(_terms_data()["domain_words"]["words"])
    for m in entries:
        names = [str(_get(m, "name", "") or ""), *map(str, _get(m, "synonyms", None) or []),
                 *map(str, _get(m, "dimensions", None) or [])]
        for key, phrases in (_get(m, "parts", None) or {}).items():
            names += [str(key), *map(str, phrases)]
        for n in names:
            for w in {normalize(n), _NAME_TAIL.sub("", normalize(n))}:
                if 3 <= len(w) <= 6 and re.fullmatch(rf"[{_CJK}]+", w):
                    words.add(w)
    return frozenset(words), tuple(sorted({len(w) for w in words}, reverse=True))


def _cut(piece: str, words: frozenset[str], lengths: tuple[int, ...]) -> list[str]:
    """jieba words of ``piece``, with the catalogue's words kept whole (no global jieba dictionary change)."""
    import jieba

    jieba.setLogLevel(60)
    out: list[str] = []
    i = start = 0
    while i < len(piece):
        w = next((piece[i:i + n] for n in lengths if piece[i:i + n] in words), "")
        if w:
            out += jieba.lcut(piece[start:i]) if i > start else []
            out.append(w)
            i = start = i + len(w)
        else:
            i += 1
    return out + (jieba.lcut(piece[start:]) if start < len(piece) else [])


def label_terms_of(content: str, entries: list[object] | None = None) -> list[str]:
    """Content words (jieba, ≥2 chars) of what is left once names, years, numbers and question words go."""
    words, lengths = _memo("words", entries or [], _catalogue_words)
    text = _STOP.sub(" ", content)
    terms: list[str] = []
    for piece in text.split():
        for w in _cut(piece, words, lengths):
            w = w.strip()
            if len(w) >= 2 and re.fullmatch(rf"[{_CJK}A-Za-z0-9]+", w) and not _MEASURE.fullmatch(w) \
                    and w not in _generic_terms() and w not in terms:
                terms.append(w)
    return terms


def _parts(q: str) -> list[str]:
    """Enumerated items: 'A、B和C一共' -> [A, B, C] (the phrase right before the sum cue)."""
    m = re.search(r"([\u4e00-\u9fff、,,和与及]+?)(?:加起来|合计|一共|总共|共计|之和|总和|相加|分别)", q)
    if not m:
        return []
    seg = m.group(1)
    items = [s for s in re.split(r"[、,,]|和|与|及", seg) if s]
    if len(items) < 2:
        return []
    # The first item may carry leading context ("公开的招标公告"): keep its last word-ish tail
    # as long as the other items.
    items[0] = items[0][-max(len(items[1]), 2):]
    return items


# ---------------------------------------------------------------------------------------------
# crosswalk, hierarchy, rates and named items (catalogue data drives all of them)

def attach_equivalents(metrics: list[MetricMatch], entries: list[object]) -> None:
    """Give each match the (metric, dimension) pairs the catalogue's crosswalk says state the same figure."""
    cw = _memo("crosswalk", entries, crosswalk)
    for m in metrics:
        own = {m.metric_id, *m.family}
        eqs: list[tuple[str, str]] = []
        for mid in [m.metric_id, *m.family]:
            for pair in cw.get((mid, m.dimension), []):
                if pair not in eqs and not (pair[0] in own and pair[1] == m.dimension):
                    eqs.append(pair)
        m.equivalents = eqs


def _children(entries: list[object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cid, (pid, pdim) in _memo("parents", entries, parents).items():
        if not pdim:
            out.setdefault(pid, []).append(cid)
    return out


def modified_children(q: str, metrics: list[MetricMatch], entries: list[object]) -> list[MetricMatch]:
    """'专职' + a phrase of 从事政府信息公开工作的人员 is the child row 专职人员: a child whose name is a
    modifier plus the parent phrase's head noun, with the modifier written right before that phrase."""
    kids = _children(entries)
    if not kids:
        return metrics
    by_id = {str(_get(e, "id", "")): e for e in entries}
    infos = None
    out = list(metrics)
    for i, m in enumerate(metrics):
        if m.dimension or m.metric_id not in kids:
            continue
        hit = None
        for cid in kids[m.metric_id]:
            e = by_id.get(cid)
            names = [str(_get(e, "name", "") or "")] + [str(x) for x in (_get(e, "synonyms", None) or [])]
            for syn in {_NAME_TAIL.sub("", normalize(n)) for n in names}:
                for k in range(2, len(syn)):
                    pre, tail = syn[:k], syn[k:]
                    if m.phrase.endswith(tail) and q[max(0, m.pos - k):m.pos] == pre:
                        hit = (cid, pre)
                        break
                if hit:
                    break
            if hit:
                break
        if hit:
            infos = infos or _infos(entries)
            cid, pre = hit
            info = infos.get(cid)
            out[i] = replace(m, metric_id=cid, phrase=pre + m.phrase, pos=m.pos - len(pre),
                             family=list(info.family) if info else [], unit=info.unit if info else m.unit)
    return out


def implied_whole(part: MetricMatch, entries: list[object]) -> MetricMatch | None:
    """The whole of a share when the question names only the part: the part's own total for a breakdown
    (网络申请 -> 收到申请数), else the row it is a breakdown of in the catalogue (专职人员数 -> 从事…人员数)."""
    par = _memo("parents", entries, parents)
    infos = _infos(entries)
    if part.dimension:
        mid, dim = part.metric_id, ""
        up = par.get(mid)
        family = list(part.family) + ([up[0]] if up and not up[1] and up[0] not in part.family else [])
    elif part.metric_id in par:
        mid, dim = par[part.metric_id]
        family = list(infos[mid].family) if mid in infos else []
    else:
        return None
    info = infos.get(mid)
    return MetricMatch(metric_id=mid, phrase="", score=0.5, dimension=dim, family=family,
                       unit=info.unit if info else "", role="whole", pos=part.pos + len(part.phrase))


# A named rate asked for ("满意率", "办结率"); 比率/效率/频率… are not report rates.
_RATE_ASK = re.compile(r"[\u4e00-\u9fff]{2}(?<![比效频概汇利税])率(?![先领])")


def asked_rate(q: str) -> str:
    m = _RATE_ASK.search(q)
    return m.group(0) if m else ""


_CMP_CUE = re.compile(r"哪个|哪一个|哪项|谁|相差|差多少|差距|多多少|少多少|多出|比较|对比")
_ITEM_SPLIT = re.compile(r"和|与|及|跟|同|还是|、|,")
_ITEM_LEAD = re.compile(r"^(?:的|通过|经由|经|在|由|从|其中|全年|全区|全市|全县)+")
# Where an item's own name ends and the shared predicate begins (…公众号|发布的政府信息).
_ITEM_TAIL = re.compile(r"的|发布|公开|收到|受理|办理|提出|提交|处理|接到|共|有|是|数量|各|分别")
_QUOTES = re.compile(r"[“”\"'‘’「」『』《》()()\[\]]+")


def compared_items(q: str, mentions: list[str]) -> list[str]:
    """The two things a compare/difference question names ('通过“中国海陵”官方微博和“微海陵”公众号发布的
    信息哪个多' -> [“中国海陵”官方微博, “微海陵”公众号]), for figures the catalogue has no name for."""
    cue = _CMP_CUE.search(q)
    if cue is None:
        return []
    bi = re.search(r"比(?!例|重|率|值|较)", q)
    if bi and bi.start() < cue.start():
        tail = re.split(r"多|少|高|低|大|小", q[bi.end():], maxsplit=1)[0]
        items = [q[:bi.start()], tail]
    else:
        items = [x for x in _ITEM_SPLIT.split(q[:cue.start()]) if x]
    if len(items) != 2:
        return []
    out = []
    for k, it in enumerate(items):
        if k == 0:  # the first item carries the question's report and year
            prev = None
            while prev != it:
                prev = it
                for m in sorted(mentions, key=len, reverse=True):
                    if m and it.startswith(m):
                        it = it[len(m):]
                it = re.sub(r"^(?:19|20)?\d{2}年度?", "", it)
                it = _ITEM_LEAD.sub("", it)
        it = _ITEM_LEAD.sub("", it)
        cut = next((m.start() for m in _ITEM_TAIL.finditer(it) if m.start() >= 2
                    and not _QUOTES.search(it[m.start():])), None)
        if cut is not None:
            it = it[:cut]
        core = _QUOTES.sub("", it)
        if len(core) < 2:
            return []
        out.append(it)
    return out if out[0] != out[1] else []


def item_pieces(item: str) -> list[str]:
    """An item's words without quotation marks, for matching a report's quotes ('“微海陵”公众号' ->
    [微海陵, 公众号])."""
    return [p for p in _QUOTES.split(item) if len(p) >= 2]


# ---------------------------------------------------------------------------------------------
# the parser

def parse_question(text: str, catalogue: object, reports: list[ReportRef],
                   context: ParsedQuestion | None = None) -> ParsedQuestion:
    raw = text or ""
    # A question is a sentence or two; only its head is analysed, so a pasted 10,000-character
    # text costs no more than a long question (the matchers are superlinear in matches).
    q = normalize(raw[:MAX_QUESTION_CHARS])
    entries = catalogue_entries(catalogue)
    reports = list(reports or [])
    ctx_year = context.years[0] if context and context.years else None
    years = find_years(q, ctx_year)
    years_explicit = bool(years)

    resolution = resolve(q, reports)
    mentions = resolution.mentions
    unresolved = list(resolution.unresolved)
    notes = list(resolution.notes)
    body_mentions = [m for m, _ in mentions]
    metrics = modified_children(q, match_metrics(q, entries), entries)
    terms = label_terms_of(_content(q, body_mentions), entries)
    parts = _parts(q)
    follow_up = context is not None and (bool(_FOLLOW_UP.search(q)) or (not metrics and not terms))

    # Multi-turn: a follow-up inherits whatever it does not state itself.
    if context is not None:
        if not body_mentions and not unresolved:
            body_mentions = list(context.body_mentions)
            mentions = [hit for b in body_mentions for hit in resolve_mentions(normalize(b), reports)]
            if not mentions and context.report_ids:
                mentions = [("", list(context.report_ids))]
        if not years:
            years = list(context.years)
    if follow_up and context is not None:
        own_dims_only = bool(metrics) and all(m.score <= 0.7 for m in metrics)  # e.g. "那网络申请呢?"
        if (not metrics or own_dims_only) and context.metrics:
            infos = _infos(entries)
            extra = [d for m in context.metrics for d in (infos[m.metric_id].dim_phrases if m.metric_id in infos else [])]
            dims = _find_dimensions(q, extra)
            base = context.metrics[0]
            if dims:
                metrics = [replace(base, dimension=d[2], phrase=q[d[0]:d[1]], pos=d[0]) for d in dims]
            elif not metrics:
                metrics = [replace(m) for m in context.metrics]
        if not terms:
            terms = list(context.label_terms)
        elif not metrics:
            terms = terms + [t for t in context.label_terms if t not in terms]
        if not parts:
            parts = list(context.parts)

    # 满意率/办结率 are figures of their own (stated rates), not the counts named around them.
    rate = asked_rate(q)
    rate_asked = bool(rate) and not any(m.unit == "%" or rate in normalize(m.phrase) for m in metrics)
    if rate_asked:
        metrics = []
        terms = list(dict.fromkeys([rate, rate[:-1], *terms]))

    # Reports: per mention, those of the asked years; an inherited year never empties a mention, while an
    # explicit year that no report covers leaves it empty (the answer then says so).
    by_id = {r.id: r for r in reports}
    report_ids: list[int] = []
    for _, ids in mentions:
        keep = ids
        if years:
            keep = [i for i in ids if by_id.get(i) is None or by_id[i].year is None or by_id[i].year in years]
            if not keep and not years_explicit:
                keep = ids
        report_ids += [i for i in keep if i not in report_ids]
    if not mentions and years and not unresolved:
        report_ids = [r.id for r in reports if r.year in years]  # no name: every report of that year
    asks_text = bool(_QUALITATIVE.search(q)) and not _FIGURE.search(q)
    if mentions and not years and not asks_across_years(q) and not asks_text:
        # no year asked for a figure: each body's latest report (a question about what a report says
        # searches all of the body's years: the passage may be in any of them)
        report_ids, latest = latest_per_body(report_ids, reports)
        notes += latest

    is_claim = bool(_CLAIM.search(q)) and bool(re.search(r"(吗|吧|\?|不对|是否)", q))
    claim_value = _claim_value(q, years) if is_claim else None
    n_bodies = len(report_ids) if len(body_mentions) >= 2 else len(body_mentions)
    # Two years named: the years are compared (one quantity), never "2021年" as a second item.
    if not parts and len(metrics) < 2 and n_bodies <= 1 and len(years) < 2 and (_COMPARE.search(q) or _DIFF.search(q)):
        parts = compared_items(q, body_mentions)  # two figures named by their own words
    op = _operation(q, len(metrics), n_bodies, len(parts))
    if is_claim and op == "none":
        op = "lookup"
    if follow_up and context is not None and op in ("lookup", "none") and context.operation not in ("none", ""):
        op = context.operation
    # A metric that is itself a percentage is looked up, not computed.
    if op == "percent" and any(m.unit == "%" for m in metrics):
        op = "lookup"
    if op == "percent":
        _percent_roles(q, metrics)
        part = next((m for m in metrics if m.role == "part"), None)
        whole = implied_whole(part, entries) if part and not any(m.role == "whole" for m in metrics) else None
        if whole is not None:
            metrics = [*metrics, whole]
    attach_equivalents(metrics, entries)

    um = _UNIT_ASK.search(re.sub(r"这?几份报告|几个地方", "", q))
    unit_hint = um.group(1) if um else ("%" if op == "percent" or rate_asked else "")
    qualitative = bool(_QUALITATIVE.search(q))
    is_figure = bool(_FIGURE.search(q)) or (bool(metrics) and not qualitative) \
        or op in ("sum", "difference", "compare", "percent", "ratio", "max", "min", "rank", "count") \
        or (is_claim and (claim_value is not None or bool(metrics) or bool(terms))) \
        or (follow_up and context is not None and context.is_figure_question and not qualitative)
    return ParsedQuestion(
        text=raw, report_ids=report_ids, body_mentions=body_mentions, years=years, metrics=metrics,
        label_terms=terms, operation=op, is_figure_question=is_figure, is_claim=is_claim,
        claim_value=claim_value, sql_in_text=detect_sql(raw), parts=parts, unit_hint=unit_hint,
        is_follow_up=follow_up, years_explicit=years_explicit, unresolved=unresolved, notes=notes,
    )


def _percent_roles(q: str, metrics: list[MetricMatch]) -> None:
    """'A中B占C的比例': B is the part; A (before 中) and C (after 占) are wholes."""
    zhan = q.find("占")
    before = [m for m in metrics if zhan < 0 or m.pos < zhan]
    for m in metrics:
        m.role = "whole"
    if before:
        before[-1].role = "part"
    elif metrics:
        metrics[0].role = "part"


__all__ = ["ReportRef", "MetricMatch", "ParsedQuestion", "parse_question", "normalize", "catalogue_entries",
           "resolve_mentions", "find_years", "match_metrics", "label_terms_of", "detect_sql",
           "DIMENSIONS", "OPERATIONS", "attach_equivalents", "modified_children", "implied_whole", "asked_rate",
           "compared_items", "item_pieces"]
