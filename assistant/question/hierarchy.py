"""How catalogue rows relate, applied to matched metrics: the crosswalk (the same figure under another
template's row), child rows named by a modifier (专职 + 从事…人员 -> 专职人员), and the whole a share's part
belongs to. The catalogue's data (index/metrics.py: crosswalk, parents) drives all of them."""
from __future__ import annotations

from dataclasses import replace

from assistant.question.catalogue import get, memo, metric_infos
from assistant.question.cues import NAME_TAIL
from assistant.question.model import MetricMatch
from assistant.question.text import normalize
from index.metrics import crosswalk, parents


def attach_equivalents(metrics: list[MetricMatch], entries: list[object]) -> None:
    """Give each match the (metric, dimension) pairs the catalogue's crosswalk says state the same figure."""
    cw = memo("crosswalk", entries, crosswalk)
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
    for cid, (pid, pdim) in memo("parents", entries, parents).items():
        if not pdim:
            out.setdefault(pid, []).append(cid)
    return out


def modified_children(q: str, metrics: list[MetricMatch], entries: list[object]) -> list[MetricMatch]:
    """'专职' + a phrase of 从事政府信息公开工作的人员 is the child row 专职人员: a child whose name is a
    modifier plus the parent phrase's head noun, with the modifier written right before that phrase."""
    kids = _children(entries)
    if not kids:
        return metrics
    by_id = {str(get(e, "id", "")): e for e in entries}
    infos = None
    out = list(metrics)
    for i, m in enumerate(metrics):
        if m.dimension or m.metric_id not in kids:
            continue
        hit = None
        for cid in kids[m.metric_id]:
            e = by_id.get(cid)
            names = [str(get(e, "name", "") or "")] + [str(x) for x in (get(e, "synonyms", None) or [])]
            for syn in {NAME_TAIL.sub("", normalize(n)) for n in names}:
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
            infos = infos or metric_infos(entries)
            cid, pre = hit
            info = infos.get(cid)
            out[i] = replace(m, metric_id=cid, phrase=pre + m.phrase, pos=m.pos - len(pre),
                             family=list(info.family) if info else [], unit=info.unit if info else m.unit)
    return out


def implied_whole(part: MetricMatch, entries: list[object]) -> MetricMatch | None:
    """The whole of a share when the question names only the part: the part's own total for a breakdown
    (网络申请 -> 收到申请数), else the row it is a breakdown of in the catalogue (专职人员数 -> 从事…人员数)."""
    par = memo("parents", entries, parents)
    infos = metric_infos(entries)
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


__all__ = ["attach_equivalents", "implied_whole", "modified_children"]
