"""A stated count of kinds and the list it introduces: "主动公开类别有七类,分别是A、B、…、I等政府信息".

Reports state how many kinds of something there are and then name them, separated by 、 (the
enumeration comma of written Chinese). The count is a figure people ask about ("分成了几个类别"), and
the list is the report's own evidence for it: ``read_counts`` finds both, so ingestion stores the count as
a fact and the audit (assistant/audit/rules/listed_count.py) checks it against the names listed.

Only a count followed by an opener (分别是 / 包括 / 即 / : …) is read: "三类内部事务信息" names a kind of
information, not a list. The list ends at the first , ; or 。 after it. A list may name only some of the
kinds (``partial``) when it is closed by 等, opened by 包括 / 主要有 (which need not name every one), or
ends at a comma (it may go on after it); an item holding 和 / 及 / 与 may be one kind ("社会保障和就业") or
two, so its length is then a range (``low``..``high``). Not read as a list of kinds: items numbered as
parts (一是…;二是…), titles of documents (《…》), figures (网络申请5件), a 等 inside the list ("A、B等基础
信息和重点领域信息": a sub-list), and a count inside a word (统一, 唯一)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.numbers import cn_to_number
from index.units import words_of

# Words that open the list of the kinds just counted (written-Chinese connectives; cf. index/facts.py _OPENS)
_OPENERS = ("分别是", "分别为", "具体包括", "主要包括", "包括", "主要有", "具体为", "涵盖", "即", ":", "：")
# Openers of a list that need not name every kind ("共12类,主要包括A、B、C")
_SOME = ("具体包括", "主要包括", "包括", "主要有", "涵盖")
_JOINERS = re.compile(r"和|及|与|以及")
# A count of kinds is a single numeral or a tens numeral (七, 十二, 12), not a run inside words (统一两种)
_CN_COUNT = "[一二两三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?"
# Characters that glue a numeral into a word before it (统一, 唯一, 第三, 之一, 逐一)
_GLUE = "统唯第初之逐万千百零〇一二两三四五六七八九十"
# Items that are parts, titles or figures, not names of kinds
_NOT_NAMES = re.compile(r"^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]|\d|[((][一二三四五六七八九十\d])|《|\d")


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
        rf"(?P<num>\d+|{_CN_COUNT})(?P<unit>{units})(?P<noun>[\u4e00-\u9fff]{{0,6}}?)(?P<comma>[,，]?)\s*"
        rf"(?P<open>{openers})(?![时将刻便使])[\s:：]*"
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
        if value is None or value < 2 or text[m.start("num") - 1:m.start("num")] in tuple(_GLUE):
            continue
        if m.group("open") == "即" and m.group("noun") and not m.group("comma"):
            continue  # "两类热点信息即时发布": 即 opens a list only after the count or a comma
        body = m.group("list")
        stop = text[m.end("list"):m.end("list") + 1]
        partial = m.group("open") in _SOME or stop in ",，"  # a list that need not be, or may not be, whole
        spans = _split(body)
        if any("等" in body[a:b] for a, b in spans[:-1]):
            continue  # a 等 inside the list closes a sub-list: which names are kinds is not known
        last_a, last_b = spans[-1]
        cut = body.find("等", last_a, last_b)
        if cut > last_a:  # "…安全生产应急管理等政府信息": the last name ends at 等
            if _JOINERS.search(body, cut, last_b):
                continue  # "A、B、C等基础信息和重点领域信息": the list goes on after its sub-list
            spans[-1], partial = (last_a, cut), True
        items = tuple(body[a:b].strip() for a, b in spans)
        if len(items) < 2 or any(not i or len(i) > 24 or _NOT_NAMES.search(i) for i in items):
            continue  # not a list of names of kinds
        ls = m.start("list")
        out.append(ListedCount(value, m.group("unit"), m.start(), m.start("num"), m.end("unit"),
                               m.group("label") + m.group("noun"), items, ls, m.end("list"), partial))
    return out


__all__ = ["ListedCount", "read_counts"]
