"""The canonical metric catalogue (index/metrics.yaml) and label -> metric matching.

``Catalogue.match(label)`` answers "which metric is this row label / phrase?";
``Catalogue.resolve(label, context, table_kind, unit)`` also returns the dimension (the part of a
breakdown, e.g. 当面申请 of 收到申请数) and honours each metric's context / table-kind limits.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.tables import strip_numbering

DEFAULT_PATH = Path(__file__).with_name("metrics.yaml")

_PUNCT = re.compile(r"[\s“”\"'‘’《》<>「」、,,.。;;::!!??·\-—/]+")
# Words around a figure that say nothing about what is counted.
_LEAD = re.compile(r"^(其中|截至目前|截止目前|截至年底|目前|今年以来|今年|全年|本年度|年内|共计|累计|合计|总计|共|已经|已有|已|"
                   r"先后|全区|全市|全县|我区|我市|我局|我县|本级|另外|此外|同时|并|还|均|都|等|达到|达)+")
_TAIL = re.compile(r"(总数量|数量|总数|总计|合计|共计|共|累计|达到|达|约|近|为|有|的|数|个数|情况)+$")


def normalize_label(s: str) -> str:
    """Canonical form of a label for matching (numbering, 其中, notes, punctuation, 数 suffixes gone)."""
    s = unicodedata.normalize("NFKC", s or "").replace("\u00a0", " ").strip()
    s = strip_numbering(s)
    s = re.sub(r"^其中\s*[::,,]?", "", s)
    s = re.sub(r"\([^()]*\)", "", s)
    s = _PUNCT.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _LEAD.sub("", s) or s
        s = _TAIL.sub("", s) or s  # a label that is only "总计" stays "总计"
    return s


def strip_fillers(s: str) -> str:
    """``s`` without the words around a figure that say nothing (截至目前, 已有, 共计 …), "" when
    nothing else is left (normalize_label keeps such a label whole instead)."""
    prev = None
    while prev != s:
        prev = s
        s = _TAIL.sub("", _LEAD.sub("", s))
    return s


@dataclass
class Metric:
    id: str
    name: str
    category: str
    unit: str = ""
    synonyms: list[str] = field(default_factory=list)
    group: str = ""
    see_also: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    dimension_units: dict[str, str] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=dict)
    free_parts: bool = False
    context: list[str] = field(default_factory=list)
    table_kinds: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    zero_phrases: list[str] = field(default_factory=list)
    category_dims: bool = False
    parent: str = ""  # "metric_id" or "metric_id/dimension": the row this metric is a breakdown of
    equivalents: list[dict] = field(default_factory=list)  # crosswalk entries, see metrics.yaml header

    def unit_for(self, dimension: str) -> str:
        return self.dimension_units.get(dimension, self.unit)


@dataclass
class Resolved:
    metric: Metric
    dimension: str
    score: float


class Catalogue:
    def __init__(self, metrics: list[Metric]):
        self.metrics = metrics
        self._by_id = {m.id: m for m in metrics}
        # normalized phrase lists, computed once
        self._syn = {m.id: _norms([m.name, *m.synonyms]) for m in metrics}
        self._parts = {m.id: {d: _norms(ph) for d, ph in m.parts.items()} for m in metrics}
        self._ctx = {m.id: _norms(m.context) for m in metrics}
        self._crosswalk = crosswalk(metrics)
        self._parents = parents(metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def get(self, id: str) -> Metric | None:  # noqa: A002
        return self._by_id.get(id)

    def match(self, label: str) -> Metric | None:
        r = self.resolve(label)
        return r.metric if r else None

    def resolve(self, label: str, context: list[str] | None = None, table_kind: str | None = None,
                unit: str | None = None) -> Resolved | None:
        """Best (metric, dimension) for ``label``: exact synonyms first, then the longest synonym the
        label contains.  ``context`` = ancestor labels / the preceding clause's subject.
        ``table_kind`` None means prose (template-only metrics are skipped unless no kind is given
        at all via ``match``)."""
        nl = normalize_label(label)
        if not nl:
            return None
        ctx = "".join(normalize_label(c) for c in (context or []))
        best: Resolved | None = None
        for m in self.metrics:
            if m.table_kinds and table_kind is not None and table_kind not in m.table_kinds:
                continue
            if m.table_kinds and table_kind is None and context is not None:
                continue  # prose never fills a template-only metric
            if table_kind and table_kind.startswith("template_") and not m.table_kinds:
                continue  # template rows only map to template metrics
            if m.units and unit not in m.units:
                continue
            if unit and _unit_clash(unit, m):
                continue  # "依申请公开信息数317条" is no 依申请公开信息收取的费用 (万元)
            if self._ctx[m.id] and not any(c in ctx or c in nl for c in self._ctx[m.id]):
                continue
            score = _score(nl, self._syn[m.id])
            if score and (best is None or score > best.score):
                best = Resolved(m, "", score)
            if m.parts:
                parent_in_ctx = m.free_parts or any(s in ctx for s in self._syn[m.id]) or bool(self._ctx[m.id])
                if not parent_in_ctx:
                    continue
                for dim, phrases in self._parts[m.id].items():
                    ps = _score(nl, phrases)
                    if ps:
                        ps += 0.5  # a breakdown phrase is more specific than a bare synonym
                        if best is None or ps > best.score:
                            best = Resolved(m, dim, ps)
        return best

    def column_of(self, label: str, near: str) -> Resolved | None:
        """(metric, dimension) when ``label`` is only a column heading that counts ("现行有效件数") and
        exactly one metric related to ``near`` (it, its see_also, or one that sees it) has that column:
        "本年度制发规范性文件34件,现行有效件数424件" names the 现行有效件数 of 规范性文件, the subject of the
        figure before it."""
        nl = normalize_label(label)
        me = self.get(near)
        if not nl or me is None:
            return None
        family = [me, *(self.get(x) for x in me.see_also), *(m for m in self.metrics if near in m.see_also)]
        # a heading that counts (…件数, …数量), not a category of the whole (自然人, 网络申请)
        hits = {(m.id, d) for m in family if m is not None for d in m.dimensions
                if d.endswith("数") or d.endswith("数量") if normalize_label(d) == nl}
        if len(hits) != 1:
            return None
        mid, dim = next(iter(hits))
        return Resolved(self._by_id[mid], dim, 1.0)

    def dimension_of(self, metric: Metric, col_label: str) -> str:
        """Canonical dimension for a column label: 总计/合计 -> '', known names kept, notes dropped."""
        last = col_label.split(" › ")[-1] if col_label else ""
        last = re.sub(r"\([^()]*\)", "", unicodedata.normalize("NFKC", last)).strip()
        if last in ("总计", "合计", "小计", ""):
            return ""
        for d in metric.dimensions:
            if d == last or normalize_label(d) == normalize_label(last):
                return d
        for d, phrases in metric.parts.items():
            if normalize_label(last) in self._parts[metric.id][d]:
                return d
        return last

    def zero_metrics(self, phrase: str) -> list[tuple[Metric, int]]:
        """Metrics whose zero phrase occurs in ``phrase`` (with its position), for 未发生/未接到."""
        out = []
        for m in self.metrics:
            pos = [phrase.find(z) for z in m.zero_phrases if z in phrase]
            if pos:
                out.append((m, min(pos)))
        return out

    def equivalents(self, metric_id: str, dimension: str = "") -> list[tuple[str, str]]:
        """Other (metric, dimension) pairs stating the same figure (the crosswalk), nearest first."""
        return self._crosswalk.get((metric_id, dimension), [])

    def parent_of(self, metric_id: str) -> tuple[str, str] | None:
        """(metric, dimension) of the row ``metric_id`` is a breakdown of, if known."""
        return self._parents.get(metric_id)

    def children_of(self, metric_id: str, dimension: str = "") -> list[str]:
        """Metrics whose rows break down (metric_id, dimension), in catalogue order: the sub-rows a
        template row without a figure of its own ((三)不予公开) is the sum of."""
        return [mid for mid, (p, d) in self._parents.items() if p == metric_id and d == dimension]

    def as_rows(self) -> list[dict]:
        return [{"id": m.id, "name": m.name, "category": m.category, "unit": m.unit,
                 "synonyms": list(dict.fromkeys([*m.synonyms, *[p for ps in m.parts.values() for p in ps]]))}
                for m in self.metrics]


# --- crosswalk and hierarchy (work on Metric objects or plain dicts shaped like metrics.yaml entries) ---

def _get(m: object, key: str, default: object = None) -> object:
    return m.get(key, default) if isinstance(m, dict) else getattr(m, key, default)


def _pair(ref: str) -> tuple[str, str]:
    mid, _, dim = ref.partition("/")
    return mid.strip(), dim.strip()


def crosswalk(entries: list) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(metric, dimension) -> the other pairs of its equivalence class (symmetric, transitive closure
    of every entry's ``equivalents``), so a 2019-template question reaches the pre-2019 row and back."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    order: list[tuple[str, str]] = []
    for m in entries:
        mid = str(_get(m, "id", "") or "")
        for e in _get(m, "equivalents", None) or []:
            if isinstance(e, (tuple, list)):
                own, other = ("", (str(e[0]), str(e[1]))) if len(e) == 2 else (str(e[0]), (str(e[1]), str(e[2])))
            else:
                own = str(e.get("this_dimension", "") or "")
                other = (str(e.get("metric", "") or mid), str(e.get("dimension", "") or ""))
            a = (mid, own)
            for x in (a, other):
                if x not in order:
                    order.append(x)
            parent[find(a)] = find(other)
    classes: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for x in order:
        classes.setdefault(find(x), []).append(x)
    return {x: [y for y in cls if y != x] for cls in classes.values() for x in cls}


def parents(entries: list) -> dict[str, tuple[str, str]]:
    """metric id -> (metric, dimension) of its parent row: the declared ``parent``, else for a name
    "X-Y" (不予公开-属于国家秘密) the metric whose name or synonym is X."""
    names: dict[str, str] = {}
    for m in entries:
        for n in [_get(m, "name", ""), *(_get(m, "synonyms", None) or [])]:
            names.setdefault(normalize_label(str(n or "")), str(_get(m, "id", "")))
    out: dict[str, tuple[str, str]] = {}
    for m in entries:
        mid = str(_get(m, "id", "") or "")
        declared = str(_get(m, "parent", "") or "")
        if declared:
            out[mid] = _pair(declared)
            continue
        head, sep, _ = str(_get(m, "name", "") or "").partition("-")
        pid = names.get(normalize_label(head)) if sep else None
        if pid and pid != mid:
            out[mid] = (pid, "")
    return out


def _norms(phrases: list[str]) -> list[str]:
    out = []
    for p in phrases:
        n = normalize_label(p)
        if n and n not in out:
            out.append(n)
    return out


# Classes of measure word no count can stand for (index/units.yaml): an amount, a share, a duration.
_MEASURES = frozenset({"money", "ratio", "time"})


def _unit_clash(unit: str, m: Metric) -> bool:
    """The figure is an amount, share or duration and the metric a count, or the other way round
    (index/units.yaml classes: 317条 is no 依申请公开信息收取的费用 in 万元). Counts of different things
    (件次 and 人次, 个 and 家) are left to the labels: reports mix them."""
    from index.units import unit_class

    have = unit_class(unit)
    kinds = {unit_class(u) for u in (m.unit, *m.dimension_units.values()) if u}
    if not have or not kinds or "" in kinds or have in kinds:
        return False
    return have in _MEASURES or bool(kinds & _MEASURES)


def _score(nl: str, phrases: list[str]) -> float:
    best = 0.0
    for p in phrases:
        if p == nl:
            return 1000.0 + len(p)
        if len(p) >= 2 and p in nl and (len(p) >= 3 or len(nl) <= 4):
            best = max(best, float(len(p)))
        elif len(nl) >= 4 and nl in p:
            best = max(best, len(nl) - 0.5)
    return best


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    data = yaml.safe_load(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    sets = data.get("dimension_sets", {})
    metrics = []
    for d in data["metrics"]:
        dims = d.get("dimensions", [])
        if isinstance(dims, str):
            dims = sets[dims]
        metrics.append(Metric(
            id=d["id"], name=d["name"], category=d.get("category", ""), unit=str(d.get("unit", "")),
            synonyms=[str(s) for s in d.get("synonyms", [])], group=d.get("group", ""),
            see_also=d.get("see_also", []), dimensions=list(dims) + [p for p in d.get("parts", {}) if p not in dims],
            dimension_units=d.get("dimension_units", {}), parts={k: [str(x) for x in v] for k, v in d.get("parts", {}).items()},
            free_parts=bool(d.get("free_parts", False)), context=d.get("context", []),
            table_kinds=d.get("table_kinds", []), units=d.get("units", []), zero_phrases=d.get("zero_phrases", []),
            category_dims=bool(d.get("category_dims", False)), parent=str(d.get("parent", "") or ""),
            equivalents=[{k: str(v if v is not None else "") for k, v in e.items()} for e in d.get("equivalents", [])],
        ))
    ids = [m.id for m in metrics]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate metric ids in catalogue: {sorted(dup)}")
    return Catalogue(metrics)


__all__ = ["Metric", "Resolved", "Catalogue", "load_catalogue", "normalize_label", "crosswalk", "parents"]
