"""How well a fact's label names the asked quantity: weighted word overlap both ways, negation,
and unit class.  Weights are inverse document frequencies over every fact label in the store, so
words every report repeats (信息, 公开, 政府) count little and the distinguishing ones (三公经费,
不掌握, 粉丝) count most; no per-sample word list is involved.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import jieba

from assistant.match.clause import clause_before
from index.units import compatible
from index.metrics import normalize_label
from index.sparse import _ensure_jieba

_DIGITS = re.compile(r"(?:19|20)\d{2}\s*年度?|\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Negation and direction: 不予公开 ≠ 予以公开, 未办结 ≠ 办结, 非原创 ≠ 原创.
_NEG = re.compile(r"不予|不同意|不再|不是|未|非|无法|不能|不属于|没有|没法|没能|无从")
# Qualifiers that make the asked quantity a complement of a labelled one: "A以外的…" (what a list's
# residual row counts, "其他对外管理服务事项"), "2017年以前的…" (a total less this year's).
EXCEPT = re.compile(r"以外|之外|除了?")
_BEFORE = re.compile(r"以前|之前")
# A running total is another quantity than the year's figure (历年累计 582条 vs 本年 475条).
_CUMULATIVE = re.compile(r"累计|历年")
# A question qualified so: what it asks is no catalogue metric (the metric read is what is excluded).
COMPLEMENT = re.compile(r"以外|之外|除了?|以前|之前|不是")
# A list's residual category (the template's "其他应主动公开的政府信息", "其他处理").
_RESIDUAL = re.compile(r"^(?:\d+\.)?(?:其他|其它|其余)")
_RESIDUAL_WORD = re.compile(r"其他|其它|其余")
SEP = " › "
# Labels of a template table's total column add nothing to the quantity's name.
_TOTAL_COLS = {"总计", "合计", "数量", "小计", "本年", "年度"}


# Words that mark a total, not what is counted: the words index/metrics.py normalize_label strips
# from a label's end (数量, 总数, 合计 …) and the totalizers of questions (全部, 所有: "占全部制作、获取
# 信息的…"), dropped from both sides.
FILLER = frozenset({"数量", "总数", "总数量", "总计", "合计", "共计", "个数", "情况", "是以", "多少", "全部", "所有"})


# Characters that never glue into a word (function words, numerals, measure words): see ``words``.
_LONE = frozenset("的了和与及或在是中对为被将把等其各共有无未不多少几个也都并所以由从向按于占比之这那均已"
                  "年月日件条项次人名家份篇数总类栏一二三四五六七八九十")


def words(text: str) -> list[str]:
    """Content words of ``text``: jieba's words of two or more characters, less FILLER; and a run of
    single characters jieba's dictionary did not join ("制发总数" -> 制 发 总数) taken as one word
    (制发), so a domain verb outside the dictionary still names the quantity."""
    _ensure_jieba()
    text = _DIGITS.sub(" ", text or "")
    out = []
    for w in jieba.lcut_for_search(text):
        w = w.strip()
        if (len(w) >= 2 and _CJK.search(w) or w in ("类", "栏")) and w not in FILLER:
            out.append(w)
    run: list[str] = []
    for t in jieba.lcut(text) + [" "]:
        if len(t) == 1 and _CJK.match(t) and t not in _LONE:
            run.append(t)
            continue
        if len(run) >= 2 and "".join(run) not in out:
            out.append("".join(run))
        run = []
    return out


# A question word no label in the store contains ("申请人要的", "没法") can tell no fact from another:
# it weighs little, so a long colloquial question is not read as a poor match of its one telling word.
UNSEEN = 0.3


class Weights:
    """Inverse document frequency of label words over a set of labels."""

    def __init__(self, labels: list[str]):
        df: Counter[str] = Counter()
        for lab in labels:
            df.update(set(words(lab)))
        self.n = max(1, len(labels))
        self.df = df

    def __call__(self, w: str) -> float:
        df = self.df.get(w, 0)
        if df == 0:
            return UNSEEN
        return math.log((self.n + 1) / (df + 0.5))


@dataclass
class Scored:
    fact: object  # a FactRow
    score: float
    name: str  # the part of the label that names the figure


def name_of(fact) -> tuple[str, str]:  # noqa: ANN001
    """(name, context) of a fact: the last label segment (with a non-total column) and the rest."""
    label = getattr(fact, "label", "") or ""
    if not label:  # facts stored before labels were kept
        label = SEP.join(x for x in (fact.row_label, fact.col_label) if x) or fact.quote
    parts = [p for p in label.split(SEP) if p]
    if fact.origin == "table" and fact.col_label:
        col = normalize_label(fact.col_label.split(SEP)[-1])
        rows = fact.row_label.split(SEP) if fact.row_label else []
        row = normalize_label(rows[-1]) if rows else ""
        if row and not words(row) and len(rows) >= 2:  # "(七)总计" totals its parent: 办理结果 总计
            row = f"{normalize_label(rows[-2])} {row}"
        if not row:  # the 复议/诉讼 table: one row, the quantity is in the column path
            return " ".join(normalize_label(c) for c in fact.col_label.split(SEP)), SEP.join(parts)
        name = row if col in _TOTAL_COLS else f"{row} {col}"
        return name, SEP.join(parts)
    name = parts[-1] if parts else ""
    if len(parts) >= 2 and not words(name):  # a name of only filler words totals its parent
        return f"{parts[-2]} {name}", SEP.join(parts[:-2])
    return name, SEP.join(parts[:-1])


def breakdown(fact) -> str:  # noqa: ANN001
    """A table cell's breakdown column (自然人, 商业企业…), "" for a total column or prose."""
    if fact.origin != "table" or not fact.col_label or not fact.row_label:
        return ""
    col = normalize_label(fact.col_label.split(SEP)[-1])
    return "" if col in _TOTAL_COLS else col


def _credit(w: str, text: str) -> float:
    """1 when the word is in the text; for a compound word ("获取信息" in "获取政府信息") the share of
    it that its parts cover."""
    if w in text:
        return 1.0
    if len(w) < 3:
        return 0.0
    parts = [p for p in jieba.lcut_for_search(w) if len(p) >= 2 and p != w]
    covered = {i for p in parts if p in text for k in range(len(w)) if w.startswith(p, k)
               for i in range(k, k + len(p))}
    return 0.8 * len(covered) / len(w)


def _overlap(ws: list[str], text: str, weight, floor: float = 0.0) -> float:  # noqa: ANN001
    total = sum(weight(w) + floor for w in ws)
    if total <= 0:
        return 0.0
    return sum((weight(w) + floor) * _credit(w, text) for w in ws) / total


# Meaning beside words: how much of the score the embedding similarity of the phrase and the fact's
# name carries, and the cosine range it is read over (multilingual-e5-small puts unrelated short
# Chinese phrases near LOW and paraphrases near HIGH; read from the dev questions, see resolve.py).
SEMANTIC_WEIGHT = 0.15
SEM_LOW, SEM_HIGH = 0.80, 0.92


def _semantic(sim: float | None) -> float | None:
    if sim is None:
        return None
    return min(1.0, max(0.0, (sim - SEM_LOW) / (SEM_HIGH - SEM_LOW)))


# The catalogue as one signal among the others: when the catalogue reads an item's words, all of them,
# as a metric (收到的申请 -> apply_received and its family apply_new), a total fact of that metric gains
# CATALOGUE_BONUS and scores at least CATALOGUE_FLOOR: the paraphrase the label words miss (收到 vs 新收)
# is found. An item the catalogue reads only in part ("因为不掌握…无法提供" holds 无法提供) gets nothing:
# the rest of its words may name a child row.
CATALOGUE_BONUS = 0.12
CATALOGUE_FLOOR = 0.5


def score_fact(phrase: str, fact, weight: Weights, unit: str = "", unit_cls: str = "",  # noqa: ANN001
               context: str = "", sims: dict[str, float] | None = None,
               prior: frozenset[str] = frozenset()) -> Scored:
    name, ctx = name_of(fact)
    if fact.origin == "prose":  # the clause around a prose figure ("梳理了12大项共计448项权力内容")
        ctx = f"{ctx} {fact.quote}"
    else:  # a table's section names what its rows count ("收到和处理政府信息公开申请情况")
        ctx = f"{ctx} {fact.section_path}"
    qw = list(dict.fromkeys(words(phrase)))
    own = set(words(getattr(fact, "body", "") or "")) | set(words(getattr(fact, "region", "") or ""))
    nw = [w for w in dict.fromkeys(words(name)) if w not in own]  # "苏平片区主动公开…": the reporter's name
    # The asked words the label holds (its context counting half), and the label's own words the
    # question holds: a label of only common words ("依申请公开") must not win on precision alone.
    own = _overlap(qw, f"{name} {fact.dimension}", weight)
    recall = max(own, 0.5 * own + 0.5 * _overlap(qw, f"{name} {ctx} {fact.dimension}", weight))
    # every extra word of the label costs something, however common (其他应主动公开 ≠ 主动公开)
    precision = _overlap(nw, phrase + context, weight, floor=1.0)
    s = 0.55 * recall + 0.45 * min(precision, recall + 0.25)
    sem = _semantic(sims.get(name)) if sims else None
    if sem is not None:
        s = (1 - SEMANTIC_WEIGHT) * s + SEMANTIC_WEIGHT * sem
    col = breakdown(fact)
    if col and not (len(col) >= 3 and col in phrase or any(w in phrase for w in words(col) if len(w) >= 2 and w != "其他")):
        s *= 0.85  # a breakdown column the question does not name: the total is asked
    if context:
        s += 0.1 * _overlap(list(dict.fromkeys(words(context))), f"{ctx} {name} {fact.section_path}", weight)
    path = getattr(fact, "label", "") or name  # a template row's parents say it too: (四)无法提供 › 1.…
    if fact.origin == "prose":  # and a prose figure's own clause: "累计入库电子证照452149份"
        path = f"{path} {clause_before(fact)}"
    s *= _qualified(phrase, path)
    if _RESIDUAL.match(name) and not _RESIDUAL_WORD.search(phrase) and not EXCEPT.search(phrase):
        s *= 0.7  # "其他应主动公开的政府信息" is the rest of a list, never the whole
    s *= compatible(unit, unit_cls, fact.unit or "")
    if prior and fact.metric_id in prior and s > 0 and not col and not fact.dimension:
        s = min(1.0, max(s + CATALOGUE_BONUS, CATALOGUE_FLOOR))
    return Scored(fact, s, name)


def _qualified(phrase: str, path: str) -> float:
    """Negation and complement: a label must say what the asked quantity excludes."""
    if EXCEPT.search(phrase):
        return 0.9 if _RESIDUAL_WORD.search(path) or EXCEPT.search(path) else 0.45
    if _BEFORE.search(phrase) and not _BEFORE.search(path):
        return 0.45
    if bool(_CUMULATIVE.search(phrase)) != bool(_CUMULATIVE.search(path)):
        return 0.45 if _CUMULATIVE.search(phrase) else 0.6
    if _NEG.search(phrase) and not _NEG.search(path):
        return 0.45
    if _NEG.search(path) and not _NEG.search(phrase):
        return 0.6
    return 1.0


def rank(phrase: str, facts: list, weight: Weights, unit: str = "", unit_cls: str = "",  # noqa: ANN001
         context: str = "", semantic=None, prior: frozenset[str] = frozenset()) -> list[Scored]:  # noqa: ANN001
    """Facts by how well their labels name ``phrase``; ``semantic`` (assistant/match/semantic.py), when
    given, adds the embedding similarity of the phrase and each name; ``prior``, the metric ids the
    catalogue reads the phrase as, adds CATALOGUE_BONUS to their facts."""
    sims = semantic.similarities(phrase, [name_of(f)[0] for f in facts]) if semantic is not None and facts else None
    out = [score_fact(phrase, f, weight, unit, unit_cls, context, sims, prior) for f in facts]
    out.sort(key=lambda s: (-s.score, s.fact.origin != "table", s.fact.start))
    return out


__all__ = ["Weights", "Scored", "rank", "score_fact", "words", "name_of", "CATALOGUE_BONUS", "CATALOGUE_FLOOR"]
