"""Which catalogue metrics a question names: longest non-overlapping matches of names and synonyms (also with
question words squeezed out, and through a few rewrites of common phrasings), with their dimensions
(breakdown words, category words), breakdowns folded into the metric they break down."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.question.catalogue import (
    GENERIC_DIMENSIONS,
    MetricInfo,
    Phrase,
    find_dimensions,
    get,
    memo,
    metric_infos,
    metric_phrases,
)
from assistant.question.cues import RELATES
from assistant.question.model import MetricMatch
from assistant.question.text import normalize, squeeze

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

# Filler a question may put inside a catalogue phrase: 实现统一认证[的业务]占比.
_FILLER = r"(?:的业务|的工作|的|了|业务)?"

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


def match_metrics(q: str, entries: list[object]) -> list[MetricMatch]:
    """Catalogue metrics named in ``q``: longest non-overlapping matches, in question order, with dimensions."""
    phrases = memo("phrases", entries, metric_phrases)
    infos = metric_infos(entries)
    cands: list[tuple[int, int, Phrase]] = []
    # Also match with the question words squeezed out: 发布了多少条信息 still names 发布信息.
    squeezed, index = squeeze(q)
    for text, idx, penalty in ((q, None, 0.0), (squeezed, index, 0.1)):
        if idx is not None and text == q:
            continue
        for p in phrases:
            for m in _phrase_pattern(p.text).finditer(text):
                s, e = (m.start(), m.end()) if idx is None else (idx[m.start()], idx[m.end() - 1] + 1)
                exact = m.end() - m.start() == len(p.text)
                cands.append((s, e, Phrase(p.text, p.metric_id, p.score - penalty - (0 if exact else 0.15))))
    lookup: dict[str, Phrase] = {}
    for p in phrases:
        lookup.setdefault(p.text, p)
    for pat, targets in _REWRITES:
        for m in pat.finditer(q):
            for t in targets:
                p = lookup.get(t)
                if p:
                    cands.append((m.start(), m.end(), Phrase(t, p.metric_id, 0.8)))
                    break
    # Longest first, then exact before derived; a span is used once.
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2].score, c[0]))
    taken = [False] * len(q)
    chosen: list[tuple[int, int, Phrase]] = []
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
    dims = find_dimensions(q, extra)

    out: list[MetricMatch] = []
    used: set[int] = set()
    for s, e, p in chosen:
        name = infos[p.metric_id].name if p.metric_id in infos else ""
        # A breakdown word inside the phrase is its dimension only when it is this metric's own (or a
        # generic applicant/channel word): 部分公开 is not 申请答复数's 同意部分公开 but its crosswalk twin.
        own = {k for _, k in infos[p.metric_id].dim_phrases} if p.metric_id in infos else set()
        inside = [d for d in dims if s <= d[0] and d[1] <= e and d[2] not in name
                  and (d[2] in own or d[2] in GENERIC_DIMENSIONS)]
        used.update(d[0] for d in dims if s <= d[0] and d[1] <= e)
        out.append(make(p.metric_id, q[s:e], p.score, inside[0][2] if inside else "", s))
    out = _fold_context_metrics(out, infos)
    free = [d for d in dims if d[0] not in used]
    generic = GENERIC_DIMENSIONS
    # A breakdown word owned by another metric (已公开 -> 申请答复数) only names a second figure when the
    # question relates two figures; otherwise it is context (通过政府网站发布的动态信息).
    relates = bool(RELATES.search(q))
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


def _fold_context_metrics(out: list[MetricMatch], infos: dict[str, MetricInfo]) -> list[MetricMatch]:
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
                        infos: dict[str, MetricInfo]) -> list[MetricMatch]:
    """'公共服务类信息' is the 公共服务类 dimension of the metrics that break down by category."""
    hit = _category_mention(q)
    cat_ids = [str(get(e, "id", "")) for e in entries if get(e, "category_dims", False)]
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


def _application_anchor(lookup: dict[str, Phrase]) -> Phrase | None:
    """Channel/applicant words alone (当面申请, 自然人) are breakdowns of the applications received."""
    for t in _REWRITES[0][1]:
        if t in lookup:
            return lookup[t]
    return None


__all__ = ["match_metrics"]
