"""The metric catalogue as the parser sees it: entries, the phrases that name each metric, per-metric
breakdown words (parts and columns), families, and the generic dimension words of the application tables.

Entries are objects or dicts with id, name, category, unit, synonyms, group, see_also, parts, dimensions
(index/metrics.yaml); tables derived from them are built once per catalogue.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from assistant.question.cues import NAME_TAIL
from assistant.question.text import normalize

T = TypeVar("T")

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
GENERIC_DIMENSIONS = frozenset(c for _, c in DIMENSIONS)


def get(m: object, key: str, default: object = None) -> object:
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


_MEMO: dict[tuple, tuple[list[object], object]] = {}


def memo(kind: str, entries: list[object], build: Callable[[list[object]], T]) -> T:
    """Per-catalogue derived tables, built once: the entries are the same objects question after question
    (the entries are kept with the value so their ids stay theirs)."""
    key = (kind, tuple(map(id, entries)))
    hit = _MEMO.get(key)
    if hit is None:
        if len(_MEMO) > 32:
            _MEMO.clear()
        hit = _MEMO[key] = (list(entries), build(entries))
    return hit[1]  # type: ignore[return-value]


@dataclass
class Phrase:
    text: str
    metric_id: str
    score: float


@dataclass
class MetricInfo:
    id: str
    name: str
    unit: str
    family: list[str]
    dim_phrases: list[tuple[str, str]]  # (phrase, dimension) from parts and column dimensions
    free_parts: bool


def metric_phrases(entries: list[object]) -> list[Phrase]:
    """Every metric's name and synonyms (score 1.0), and those without a 数量/总数 tail (0.9)."""
    out: list[Phrase] = []
    for m in entries:
        mid = str(get(m, "id", ""))
        if not mid:
            continue
        names = [str(get(m, "name", "") or "")] + [str(s) for s in (get(m, "synonyms", None) or [])]
        for n in names:
            n = normalize(n)
            if len(n) >= 2:
                out.append(Phrase(n, mid, 1.0))
            short = NAME_TAIL.sub("", n)
            if short != n and len(short) >= 3:
                out.append(Phrase(short, mid, 0.9))
    return out


def _family(entries: list[object], mid: str) -> list[str]:
    """Metrics that answer the same question: same ``group`` or linked by ``see_also``."""
    by_id = {str(get(m, "id", "")): m for m in entries}
    me = by_id.get(mid)
    if me is None:
        return []
    fam: list[str] = []
    group = get(me, "group", None)
    mine = get(me, "see_also", None) or []
    for m in entries:
        oid = str(get(m, "id", ""))
        if oid == mid:
            continue
        if (group and (get(m, "group", None) == group or oid == group)) or mid in (get(m, "see_also", None) or []) \
                or oid in mine:
            fam.append(oid)
    return fam


def metric_infos(entries: list[object]) -> dict[str, MetricInfo]:
    return memo("infos", entries, _build_infos)


def _build_infos(entries: list[object]) -> dict[str, MetricInfo]:
    out = {}
    for m in entries:
        mid = str(get(m, "id", ""))
        dims: list[tuple[str, str]] = []
        for key, phrases in (get(m, "parts", None) or {}).items():
            for ph in [key, *phrases]:
                dims.append((normalize(ph), key))
        for d in get(m, "dimensions", None) or []:
            dims.append((normalize(d), d))
            short = NAME_TAIL.sub("", normalize(d))
            if short != normalize(d) and len(short) >= 2:
                dims.append((short, d))
        out[mid] = MetricInfo(mid, normalize(str(get(m, "name", "") or "")), str(get(m, "unit", "") or ""),
                              _family(entries, mid), [(p, k) for p, k in dims if len(p) >= 2],
                              bool(get(m, "free_parts", False)))
    return out


def find_dimensions(q: str, extra: list[tuple[str, str]] | None = None) -> list[tuple[int, int, str]]:
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


__all__ = ["DIMENSIONS", "GENERIC_DIMENSIONS", "MetricInfo", "Phrase", "catalogue_entries", "find_dimensions", "get",
           "memo", "metric_infos", "metric_phrases"]
