"""A stated count of kinds and the list it introduces: "主动公开类别有七类,分别是A、B、…、I等政府信息".

Reports state how many kinds of something there are and then name them, separated by 、 (the
enumeration comma of written Chinese). The count is a figure people ask about ("分成了几个类别"), and
the list is the report's own evidence for it: ``read_counts`` finds both, so ingestion stores the count as
a fact and the audit (assistant/audit/rules/listed_count.py) checks it against the names listed.

Only a count followed by an opener (分别是 / 包括 / 即 / : …) is read: "三类内部事务信息" names a kind of
information, not a list. The list ends at the first , ; or 。 after it. A list closed by 等 may name only
some of the kinds; an item holding 和 / 及 / 与 may be one kind ("社会保障和就业") or two, so its length is
then a range (``low``..``high``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.numbers import cn_to_number
from index.units import words_of

# Words that open the list of the kinds just counted (written-Chinese connectives; cf. index/facts.py _OPENS)
_OPENERS = ("分别是", "分别为", "具体包括", "主要包括", "包括", "主要有", "具体为", "涵盖", "即", ":", "：")
_JOINERS = re.compile(r"和|及|与|以及")


@dataclass(frozen=True)
class ListedCount:
    """A count of kinds (``value`` ``unit``, at ``start``..``end``, named by ``label`` from ``at``) and the list that
    follows it (``items``, at ``list_start``..``list_end``)."""

    value: float
    unit: str
    at: int  # where the words naming the count start
    start: int
    end: int
    label: str
    items: tuple[str, ...]
    list_start: int
    list_end: int
    partial: bool  # the list ends in 等: it may name only some of the kinds

    @property
    def low(self) -> int:
        """The fewest kinds the list can name."""
        return len(self.items)

    @property
    def high(self) -> int:
        """The most kinds the list can name (an item holding 和 / 及 / 与 may be two)."""
        return len(self.items) + sum(1 for i in self.items if _JOINERS.search(i))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    units = "|".join(sorted(map(re.escape, words_of("kinds")), key=len, reverse=True))
    openers = "|".join(map(re.escape, _OPENERS))
    return re.compile(
        rf"(?P<label>[\u4e00-\u9fff]{{2,12}}?)(?:共有|共分为|共分|分为|分成|共计|共|有|计)?"
        rf"(?P<num>\d+|[零一二两三四五六七八九十]+)(?P<unit>{units})(?P<noun>[\u4e00-\u9fff]{{0,6}}?)[,，]?\s*(?P<open>{openers})\s*"
        r"(?P<list>[^,，。;；!?\n]+)")


def _split(text: str) -> list[tuple[int, int]]:
    """Spans of the 、-separated items of ``text`` (a 、 inside brackets or quotes separates nothing)."""
    spans, s, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "《“(（":
            depth += 1
        elif ch in "》”)）" and depth:
            depth -= 1
        elif ch == "、" and depth == 0:
            spans.append((s, i))
            s = i + 1
    spans.append((s, len(text)))
    return spans


def read_counts(text: str, start: int = 0, end: int | None = None) -> list[ListedCount]:
    """Every stated count of kinds in ``text[start:end]`` that introduces a list of two or more names."""
    end = len(text) if end is None else end
    out = []
    for m in _pattern().finditer(text, start, end):
        value = float(m.group("num")) if m.group("num").isdigit() else cn_to_number(m.group("num"))
        if value is None or value < 2:
            continue
        body = m.group("list")
        partial = False
        spans = _split(body)
        last_a, last_b = spans[-1]
        cut = body.rfind("等", last_a, last_b)
        if cut > last_a:  # "…安全生产应急管理等政府信息": the last name ends at 等
            spans[-1], partial = (last_a, cut), True
        items = tuple(body[a:b].strip() for a, b in spans)
        if len(items) < 2 or any(not i or len(i) > 24 for i in items):
            continue  # not a list of names
        ls = m.start("list")
        out.append(ListedCount(value, m.group("unit"), m.start(), m.start("num"), m.end("unit"),
                               m.group("label") + m.group("noun"), items, ls, m.end("list"), partial))
    return out


__all__ = ["ListedCount", "read_counts"]
