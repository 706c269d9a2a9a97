"""Which loaded report(s) a question names.

A report's issuing body is ``<place units><function>``: 平潭综合实验区 + 市场监督管理局, 泰州市 + 海陵区 +
人民政府. A question names it by the full name or by short forms generated from it by the general rules of
``bodies.yaml`` (a place shortened to its core or to its unit's self-reference, 监督管理 -> 监管, 经济发展 -> 经发,
…), never by a list of names per body:

    平潭综合实验区市场监督管理局 = 平潭市场监管局 = 实验区市场监管局 = 区市场监管局 = 市场监管局

A place's name alone names only its government or administering office (海陵区 = 海陵区人民政府, 金井片区 =
金井片区管理局); a department always needs its function word. A name whose place is not a loaded body's
(福州市交通运输局 when only 宁德市交通运输局 is loaded, 城关街道办事处) is *unresolved*: the engine says "not
found" instead of answering from a body of the same kind. A place that differs from exactly one loaded place by
one character (an OCR variant, 沐阳县/沭阳县) resolves to it with a note saying how the report writes it.
"""
from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.textnorm import to_simplified

DATA_PATH = Path(__file__).with_name("bodies.yaml")
_CJK = r"\u4e00-\u9fff"
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?度?")


@dataclass
class ReportRef:
    id: int
    title: str = ""
    body: str = ""
    region: str = ""
    year: int | None = None
    aliases: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), simplified characters, no spaces: the form every matcher works on
    (reports are simplified; a question in traditional characters must match too)."""
    t = to_simplified(unicodedata.normalize("NFKC", text or ""))
    return re.sub(r"\s+", "", t)


# ---------------------------------------------------------------------------------------------
# vocabulary (bodies.yaml)

@dataclass(frozen=True)
class Vocab:
    units: tuple[str, ...]  # longest first
    not_units: tuple[str, ...]
    self_reference: dict[str, tuple[str, ...]]
    offices: dict[str, tuple[str, ...]]  # office word -> unit types it governs (() = any)
    organ_suffixes: tuple[str, ...]  # longest first
    abbreviations: tuple[tuple[str, str, bool], ...]  # (full, short, suffix only)
    conjunctions: tuple[str, ...]
    across_years: tuple[str, ...]
    generic_places: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def vocab() -> Vocab:
    d = yaml.safe_load(DATA_PATH.read_text("utf-8"))
    return Vocab(
        units=tuple(sorted(d["place_units"]["units"], key=len, reverse=True)),
        not_units=tuple(d["not_units"]["words"]),
        self_reference={k: tuple(v) for k, v in d["self_reference"]["forms"].items()},
        offices={k: tuple(v or ()) for k, v in d["government_offices"]["offices"].items()},
        organ_suffixes=tuple(sorted(d["organ_suffixes"]["suffixes"], key=len, reverse=True)),
        abbreviations=tuple((a["full"], a["short"], bool(a.get("suffix"))) for a in d["abbreviations"]),
        conjunctions=tuple(d["first_character"]["conjunctions"]),
        across_years=tuple(d["across_years"]["cues"]),
        generic_places=tuple(d["generic_places"]["words"]),
    )


# ---------------------------------------------------------------------------------------------
# names -> (place units, function)

def unit_suffix(unit: str) -> str:
    """The unit type a place name ends with ('' for a bare core such as 平潭)."""
    return next((s for s in vocab().units if unit.endswith(s) and len(unit) - len(s) >= 2), "")


def unit_core(unit: str) -> str:
    suf = unit_suffix(unit)
    return unit[:len(unit) - len(suf)] if suf else unit


def _unit_at(name: str, i: int) -> str:
    """The place unit starting at ``name[i]`` (core of >= 2 characters + a unit suffix), or ''."""
    v = vocab()
    for j in range(i + 3, min(len(name), i + 14) + 1):
        seg = name[i:j]
        suf = next((s for s in v.units if seg.endswith(s) and len(seg) - len(s) >= 2), None)
        if suf is None:
            continue
        if any(name.startswith(w, j - len(suf)) for w in v.not_units if len(w) > len(suf)):
            continue  # 平潭市场…: 市 starts 市场, no unit ends here
        return seg
    return ""


def split_name(name: str, hints: tuple[str, ...] = ()) -> tuple[list[str], str]:
    """(place units, rest): 泰州市海陵区人民政府 -> ([泰州市, 海陵区], 人民政府). ``hints`` are place names known
    from elsewhere (the report's region, other reports' places) for a place written without a unit suffix
    (平潭市场监督管理局 -> [平潭], 市场监督管理局)."""
    units: list[str] = []
    i = 0
    while True:
        u = _unit_at(name, i)
        if not u:
            h = next((h for h in sorted(hints, key=len, reverse=True)
                      if len(h) >= 2 and name.startswith(h, i) and len(name) > i + len(h)), "")
            if not h or units:
                break
            u = h
        units.append(u)
        i += len(u)
    return units, name[i:]


_REPORT_WORDS = re.compile(r"关于|落实|《|政府信息公开|政务公开|信息公开|工作年度报告|年度报告|工作报告|报告")


def name_from_title(title: str) -> str:
    """The body a title names: 2017年海陵区政务公开工作年度报告 -> 海陵区."""
    t = normalize(title)
    t = re.sub(r"^标题[::]", "", t)
    parts = [p for p in _YEAR.split(t) if p]
    for p in parts:
        m = _REPORT_WORDS.search(p)
        head = p[:m.start()] if m else p
        if head.endswith("人民"):
            head += "政府"
        if len(head) >= 2 and re.fullmatch(rf"[{_CJK}()()]+", head):
            return head
    return ""


def _looks_like_body(name: str) -> bool:
    if not name or not re.search(rf"[{_CJK}]", name) or re.search(r"[A-Za-z0-9]", name):
        return False
    units, rest = split_name(name)
    v = vocab()
    return (bool(units) and (not rest or rest in v.offices)) or any(name.endswith(s) for s in v.organ_suffixes) \
        or any(name.endswith(o) for o in v.offices)


# ---------------------------------------------------------------------------------------------
# the forms of one body

def function_forms(fn: str) -> set[str]:
    """A department's function word and its standard short forms: 市场监督管理局 -> {市场监管局, 市监局, …},
    综合执法与应急管理局 -> {执法应急局, …}, 经济发展局 -> {经发局}."""
    v = vocab()
    forms = {fn}
    frontier = {fn}
    for _ in range(3):  # each rule is optional; a few rounds reach every combination
        new: set[str] = set()
        for f in frontier:
            for full, short, suffix_only in v.abbreviations:
                if suffix_only:
                    if f.endswith(full) and len(f) > len(full):
                        new.add(f[:-len(full)] + short)
                elif full in f and f != full:
                    new.add(f.replace(full, short))
        frontier = new - forms
        forms |= frontier
    for f in list(forms):
        suf = next((s for s in v.organ_suffixes if f.endswith(s) and len(f) > len(s)), "")
        stem = f[:len(f) - len(suf)]
        parts = [p for p in re.split("|".join(map(re.escape, v.conjunctions)), stem) if p] if v.conjunctions else [stem]
        if len(parts) >= 2:
            forms.add("".join(parts) + suf)  # 执法与应急局 -> 执法应急局
            if all(len(p) == 2 for p in parts):
                forms.add("".join(p[0] for p in parts) + suf)  # 教育和体育局 -> 教体局
        elif len(stem) == 4 and suf and stem not in v.offices:  # 人民政府办公室 is not 人政办公室
            forms.add(stem[0] + stem[2] + suf)  # 经济发展局 -> 经发局
    return {f for f in forms if len(f) >= 2}


def _generic_alias(a: str) -> bool:
    """Does the alias name a kind of body rather than this one (办事处, 交通运输局, 街道办事处, 区政府, 全区)?"""
    v = vocab()
    if a in v.generic_places or a in v.units or any(a in forms for forms in v.self_reference.values()):
        return True
    # no place of its own and ending like a body: a kind of body
    return not split_name(a)[0] and a.endswith(tuple(v.organ_suffixes) + tuple(v.offices))


def _place_variants(unit: str) -> list[str]:
    core = unit_core(unit)
    return [unit] + ([core] if core != unit and len(core) >= 2 else [])


@dataclass
class Body:
    """One report's issuing body as the resolver sees it."""

    ref_id: int
    year: int | None
    units: tuple[str, ...]
    function: str  # '' = the place's own government / administering office
    place_forms: frozenset[str]  # names of its place (海陵区, 海陵, 泰州市海陵区, …)
    self_forms: frozenset[str]  # its unit's self-references (区, 实验区): only before a function word
    ancestor_forms: frozenset[str]  # names of the places above it (泰州市, 泰州): not its names
    fn_forms: frozenset[str]
    aliases: frozenset[str]

    @property
    def key(self) -> tuple[str, str]:
        """Two reports of one body share this key (海陵区 / 泰州市海陵区人民政府; 平潭 / 平潭综合实验区 + 市场…)."""
        return (unit_core(self.units[-1]) if self.units else "", self.function)

    @property
    def name(self) -> str:
        return "".join(self.units) + self.function


def make_body(ref: ReportRef, hints: tuple[str, ...] = ()) -> Body:
    v = vocab()
    region = normalize(ref.region)
    name = normalize(ref.body)
    if not _looks_like_body(name):
        name = name_from_title(ref.title) or name
    r_units, _ = split_name(region)
    units, rest = split_name(name, tuple(r_units) + tuple(unit_core(u) for u in r_units) + (region,) + hints)
    if units and r_units and not name.startswith(region) and len(units) == 1:
        # 海陵区 with region 泰州市海陵区: the region supplies the places above it.
        if unit_core(r_units[-1]) == unit_core(units[0]):
            units = r_units[:-1] + units
    if not units and r_units:
        units = list(r_units)
    function = rest
    office = rest in v.offices and (not v.offices[rest] or (units and unit_suffix(units[-1]) in v.offices[rest]))
    if not rest or office:
        function = ""
    place: set[str] = set()
    ancestors: set[str] = set()
    if units:
        last = units[-1]
        for k in range(len(units)):  # chains ending at the last unit: 海陵区, 泰州市海陵区, 泰州海陵区, …
            for combo in itertools.product(*[_place_variants(u) for u in units[k:]]):
                place.add("".join(combo))
        for k, u in enumerate(units[:-1]):
            for combo in itertools.product(*[_place_variants(x) for x in units[:k + 1]]):
                ancestors.add("".join(combo))
        selfs = set(v.self_reference.get(unit_suffix(last), ()))
        # 实验区金井片区: a multi-character self-reference of an ancestor may lead the chain
        for a in units[:-1]:
            for s in v.self_reference.get(unit_suffix(a), ()):
                if len(s) >= 2:
                    place.update(s + x for x in _place_variants(last))
    else:
        selfs = set()
    aliases = {a for a in (normalize(x) for x in ref.aliases or ()) if len(a) >= 2 and not _generic_alias(a)}
    return Body(ref_id=ref.id, year=ref.year, units=tuple(units), function=function,
                place_forms=frozenset(place), self_forms=frozenset(selfs), ancestor_forms=frozenset(ancestors - place),
                fn_forms=frozenset(function_forms(function)) if function else frozenset(), aliases=frozenset(aliases))


# ---------------------------------------------------------------------------------------------
# the index over all loaded reports

@dataclass
class NameIndex:
    bodies: dict[int, Body]
    functions: dict[str, list[Body]]  # function form -> bodies
    places: dict[str, list[Body]]  # place form -> bodies at that place
    known_places: set[str]  # every place form (incl. ancestors)
    self_forms: set[str]
    aliases: dict[str, list[Body]]
    fuzzy: dict[str, set[str]]  # one-character wildcard key -> full place forms
    max_len: int
    standalone: set[str]  # names that may stand alone: places and aliases
    fuzzy_lengths: set[int]  # lengths of the place forms a one-character variant may be of

    def compatible(self, form: str, body: Body) -> bool:
        return form in body.place_forms or form in body.ancestor_forms


_INDEX_CACHE: dict[tuple, NameIndex] = {}
# The refs list last seen (held, so its id stays its own), its length and its index: one tuple, read once, so
# threads asking while another swaps it never pair one list with another's index.
_LAST: tuple = (None, 0, None)


def name_index(refs: list[ReportRef]) -> NameIndex:
    """The names of every loaded report, built once per set of reports (the engine hands the same list to every
    question; a key over 1,000 reports' names costs milliseconds, so the list itself is checked first)."""
    global _LAST
    last = _LAST
    if refs is last[0] and len(refs) == last[1]:
        return last[2]
    key = tuple((r.id, r.title, r.body, r.region, r.year, tuple(r.aliases or ())) for r in refs)
    hit = _INDEX_CACHE.get(key)
    if hit is None:
        if len(_INDEX_CACHE) > 8:
            _INDEX_CACHE.clear()
        hit = _INDEX_CACHE[key] = _build_index(refs)
    _LAST = (refs, len(refs), hit)
    return hit


def _build_index(refs: list[ReportRef]) -> NameIndex:
    first = [make_body(r) for r in refs]
    # Places written without a unit suffix (平潭市场监督管理局) are recognised from the other reports' places.
    hints = tuple(sorted({unit_core(b.units[0]) for b in first if b.units}, key=len, reverse=True))
    bodies = {r.id: make_body(r, hints) for r in refs}
    # The reports of one body answer to all of its names (平潭市场监督管理局 2016 = 平潭综合实验区市场监督管理局).
    groups: dict[tuple[str, str], list[Body]] = {}
    for b in bodies.values():
        groups.setdefault(b.key, []).append(b)
    for group in groups.values():
        if len(group) > 1:
            place = frozenset().union(*(b.place_forms for b in group))
            selfs = frozenset().union(*(b.self_forms for b in group))
            anc = frozenset().union(*(b.ancestor_forms for b in group)) - place
            for b in group:
                b.place_forms, b.self_forms, b.ancestor_forms = place, selfs, anc
    functions: dict[str, list[Body]] = {}
    places: dict[str, list[Body]] = {}
    aliases: dict[str, list[Body]] = {}
    known: set[str] = set()
    selfs: set[str] = set()
    for b in bodies.values():
        for f in b.fn_forms:
            functions.setdefault(f, []).append(b)
        for p in b.place_forms:
            places.setdefault(p, []).append(b)
        for a in b.aliases:
            aliases.setdefault(a, []).append(b)
        known |= b.place_forms | b.ancestor_forms
        selfs |= b.self_forms
    fuzzy: dict[str, set[str]] = {}
    for p in known:
        suf = unit_suffix(p)
        if not suf or len(p) < 3:
            continue
        for i in range(len(p) - len(suf)):
            fuzzy.setdefault(p[:i] + "\0" + p[i + 1:], set()).add(p)
    max_len = max([len(x) for x in [*functions, *known, *aliases, *vocab().offices]] or [2])
    return NameIndex(bodies, functions, places, known, selfs, aliases, fuzzy, max_len, known | set(aliases),
                     {len(p) for p in known if unit_suffix(p) and len(p) >= 3})


# ---------------------------------------------------------------------------------------------
# resolving a question

@dataclass
class Resolution:
    mentions: list[tuple[str, list[int]]] = field(default_factory=list)  # (words of the question, report ids)
    unresolved: list[str] = field(default_factory=list)  # names no loaded body answers to
    notes: list[str] = field(default_factory=list)  # e.g. 报告写作沭阳县


def _pseg(text: str) -> list[tuple[str, str]]:
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    return [(w, f) for w, f in pseg.lcut(text)]


def _real_place(w: str) -> bool:
    """A place jieba's dictionary knows (宁波市 is not an OCR variant of 宁德市; 沐阳县 may be one of 沭阳县)."""
    import jieba.posseg as pseg

    tags = pseg.dt.word_tag_tab
    return any(tags.get(x) == "ns" for x in {w, unit_core(w)} if len(x) >= 2)


def _is_place_token(w: str, flag: str) -> bool:
    return (flag == "ns" and len(w) >= 2) or bool(unit_suffix(w))


def _place_tail(toks: list[tuple[str, str]]) -> int:
    """Length of the place name the tokens end with (0 if none): 福州市; 城关 + 街道; 苏平 + 片区."""
    n = 0
    toks = list(toks)
    if len(toks) >= 2 and toks[-1][0] in vocab().units and toks[-2][1].startswith("n") and len(toks[-2][0]) >= 2:
        n += len(toks.pop()[0]) + len(toks.pop()[0])  # a name before a bare unit word
    while toks and _is_place_token(*toks[-1]):
        n += len(toks.pop()[0])
    return n


def _foreign_before(q: str, s: int) -> int:
    """Length of an unknown place name written right before ``q[s]`` (0 if none): 福州市|交通运输局, 城关|街道办事处."""
    seg = q[max(0, s - 10):s]
    if not seg or not re.search(rf"[{_CJK}]$", seg):
        return 0
    return _place_tail(_pseg(seg))


def _unit_only_is_foreign(q: str, start: int, end: int) -> bool:
    """区 in 区市场监管局 refers to the body's own place; in 鼓楼区市场监管局 it ends another place's name."""
    toks = _pseg(q[max(0, start - 10):end])
    if not toks:
        return False
    w, flag = toks[-1]
    form = q[start:end]
    if w == form:
        return _place_tail(toks) > len(form)
    if w.endswith(form):
        return flag == "ns" or len(w) - len(form) >= 2
    return False


def _longest_at(q: str, i: int, table, max_len: int) -> str:  # noqa: ANN001
    for L in range(min(max_len, len(q) - i), 1, -1):
        if q[i:i + L] in table:
            return q[i:i + L]
    return ""


def _fuzzy_at(q: str, i: int, idx: NameIndex, lengths: set[int], end: int | None = None) -> tuple[str, str]:
    """(question words, the loaded place form) where they differ by one character, starting at ``i`` (or ending
    at ``end``); only when exactly one loaded place is that close."""
    for L in sorted(lengths, reverse=True):
        s = i if end is None else end - L
        if s < 0 or s + L > len(q):
            continue
        w = q[s:s + L]
        if w in idx.known_places or not re.fullmatch(rf"[{_CJK}]+", w):
            continue
        cands: set[str] = set()
        for k in range(L):
            cands |= idx.fuzzy.get(w[:k] + "\0" + w[k + 1:], set())
        cands = {c for c in cands if len(c) == L}
        if len(cands) == 1 and not _real_place(w):
            return w, next(iter(cands))
    return "", ""


def _qualifier(q: str, s: int, idx: NameIndex, lengths: set[int]) -> tuple[int, str, str, bool]:
    """The place written right before ``q[s]``: (start, its form, fuzzy note, unit-only?)."""
    start, form, note, unit_only = s, "", "", False
    # the longest known place form (chains included) ending at s
    for L in range(min(idx.max_len, s), 1, -1):
        w = q[s - L:s]
        if w in idx.known_places:
            return s - L, w, "", False
    w, real = _fuzzy_at(q, 0, idx, lengths, end=s)
    if real:
        return s - len(w), real, f"报告写作{real}", False
    for L in range(min(4, s), 0, -1):
        w = q[s - L:s]
        if w in idx.self_forms:
            return s - L, w, "", True
    return start, form, note, unit_only


def resolve(q: str, refs: list[ReportRef]) -> Resolution:
    """Every body named in ``q`` (normalized) with the loaded reports that are that body."""
    out = Resolution()
    if not refs or not q:
        return out
    idx = name_index(refs)
    v = vocab()
    fuzzy_lengths = idx.fuzzy_lengths
    anchors_table = set(idx.functions) | set(v.offices)
    # 1. function words (市场监管局) and government office words (人民政府), longest first, not overlapping
    hits: list[tuple[int, int]] = []
    for i in range(len(q)):
        w = _longest_at(q, i, anchors_table, idx.max_len)
        if w:
            hits.append((i, i + len(w)))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken = [False] * len(q)
    chosen = []
    for s, e in hits:
        if not any(taken[s:e]):
            chosen.append((s, e))
            for k in range(s, e):
                taken[k] = True
    chosen.sort()
    covered = [False] * len(q)
    resolved_bodies: list[Body] = []
    for s, e in chosen:
        word = q[s:e]
        qs, form, note, unit_only = _qualifier(q, s, idx, fuzzy_lengths)
        is_office = word not in idx.functions
        if unit_only and _unit_only_is_foreign(q, qs, s):
            form, qs = "", s
            unit_only = False
            foreign = _foreign_before(q, s)
        else:
            foreign = 0 if form else _foreign_before(q, s)
        if foreign:
            out.unresolved.append(q[s - foreign:e])
            for k in range(s - foreign, e):
                covered[k] = True
            continue
        if is_office:
            if not form or unit_only:
                continue  # 人民政府 / 区政府 alone names no one
            cands = [b for b in idx.places.get(form, []) if not b.function]
        elif not form:
            cands = list(idx.functions[word])
        elif unit_only:
            cands = [b for b in idx.functions[word] if form in b.self_forms]
        else:
            cands = [b for b in idx.functions[word] if form in b.place_forms]
        text = q[qs:e]
        for k in range(qs, e):
            covered[k] = True
        if not cands:
            out.unresolved.append(text)
            continue
        if note:
            out.notes.append(note)
        resolved_bodies += cands
        out.mentions.append((text, _ids(cands)))
    # 2. a place alone (海陵区, 金井片区, “平潭金井”) names its government or administering office; aliases
    alone: list[tuple[int, str, list[Body], str]] = []
    i = 0
    while i < len(q):
        if covered[i]:
            i += 1
            continue
        w = _longest_at(q, i, idx.standalone, idx.max_len)
        note = ""
        if not w:
            w, real = _fuzzy_at(q, i, idx, fuzzy_lengths)
            if real:
                note = f"报告写作{real}"
                form = real
            else:
                i += 1
                continue
        else:
            form = w
        if any(covered[i:i + len(w)]):
            i += 1
            continue
        cands = list(idx.aliases.get(form, [])) or [b for b in idx.places.get(form, []) if not b.function]
        alone.append((i, w, cands, note if cands else ""))
        i += len(w)
    for i, w, cands, note in alone:
        form = w if not note else note.removeprefix("报告写作")
        if cands:
            if note:
                out.notes.append(note)
            resolved_bodies += cands
            out.mentions.append((w, _ids(cands)))
        elif not any(idx.compatible(form, b) for b in resolved_bodies):
            out.unresolved.append(w)
    out.mentions.sort(key=lambda m: q.find(m[0]))
    return out


def _ids(bodies: list[Body]) -> list[int]:
    return list(dict.fromkeys(b.ref_id for b in bodies))


def resolve_mentions(q: str, refs: list[ReportRef]) -> list[tuple[str, list[int]]]:
    """Each report mention in ``q`` (normalized) with the report ids it resolves to."""
    return resolve(q, refs).mentions


def generic_places() -> frozenset[str]:
    return frozenset(vocab().generic_places)


def asks_across_years(q: str) -> bool:
    return any(c in q for c in vocab().across_years)


def latest_per_body(ids: list[int], refs: list[ReportRef]) -> tuple[list[int], list[str]]:
    """With several years of one body and no year asked: that body's latest report, and a note saying so."""
    idx = name_index(refs)
    groups: dict[tuple[str, str], list[Body]] = {}
    for i in ids:
        b = idx.bodies.get(i)
        if b is not None:
            groups.setdefault(b.key, []).append(b)
    keep: list[int] = []
    notes: list[str] = []
    for bs in groups.values():
        years = {b.year for b in bs if b.year is not None}
        if len(years) >= 2:
            latest = max(years)
            keep += [b.ref_id for b in bs if b.year == latest]
            notes.append(f"未指明年份,按最新的{latest}年报告回答")
        else:
            keep += [b.ref_id for b in bs]
    keep += [i for i in ids if i not in idx.bodies]
    return [i for i in ids if i in keep], list(dict.fromkeys(notes))


def nearest_reports(names: list[str], refs: list[ReportRef], years: list[int] | None = None) -> list[ReportRef]:
    """Loaded reports closest to names no body answers to: the same function first (another 交通运输局), then
    the same place, nearest year first."""
    idx = name_index(refs)
    qn = "".join(normalize(n) for n in names)
    scored = []
    for r in refs:
        b = idx.bodies[r.id]
        score = 2 * any(f in qn for f in b.fn_forms) + any(p in qn for p in b.place_forms | b.ancestor_forms)
        if score:
            scored.append((-score, abs((r.year or 0) - (years[0] if years else r.year or 0)), -(r.year or 0), r.id, r))
    return [x[-1] for x in sorted(scored, key=lambda x: x[:4])]


__all__ = ["ReportRef", "normalize", "Body", "make_body", "split_name", "function_forms", "name_from_title",
           "name_index", "resolve", "resolve_mentions", "Resolution", "latest_per_body", "asks_across_years",
           "nearest_reports", "generic_places", "vocab"]
