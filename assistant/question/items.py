"""Items a question names by its own words: the enumerated items of a sum ('A、B和C一共' -> [A, B, C]) and the
two things a comparison sets against each other, for figures the catalogue has no name for."""
from __future__ import annotations

import re

from assistant.question.cues import (
    COMPARATIVE,
    COMPARE_ITEMS,
    ENUMERATION_END,
    ITEM_LEAD,
    ITEM_SPLIT,
    ITEM_TAIL,
    ITEMS_BI,
)
from assistant.question.text import CJK, QUOTES
from assistant.question.years import YEAR_MENTION

_ENUMERATION = re.compile(rf"([{CJK}、,,和与及]+?)(?:{ENUMERATION_END.pattern})")
_ENUMERATION_SPLIT = re.compile(r"[、,,]|和|与|及")


def enumerated_items(q: str) -> list[str]:
    """Enumerated items: 'A、B和C一共' -> [A, B, C] (the phrase right before the sum cue)."""
    m = _ENUMERATION.search(q)
    if not m:
        return []
    seg = m.group(1)
    items = [s for s in _ENUMERATION_SPLIT.split(seg) if s]
    if len(items) < 2:
        return []
    # The first item may carry leading context ("公开的招标公告"): keep its last word-ish tail
    # as long as the other items.
    items[0] = items[0][-max(len(items[1]), 2):]
    return items


def compared_items(q: str, mentions: list[str]) -> list[str]:
    """The two things a compare/difference question names ('通过“中国海陵”官方微博和“微海陵”公众号发布的
    信息哪个多' -> [“中国海陵”官方微博, “微海陵”公众号]), for figures the catalogue has no name for."""
    cue = COMPARE_ITEMS.search(q)
    if cue is None:
        return []
    bi = ITEMS_BI.search(q)
    if bi and bi.start() < cue.start():
        tail = COMPARATIVE.split(q[bi.end():], maxsplit=1)[0]
        items = [q[:bi.start()], tail]
    else:
        items = [x for x in ITEM_SPLIT.split(q[:cue.start()]) if x]
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
                year = YEAR_MENTION.match(it)
                it = it[year.end():] if year else it
                it = ITEM_LEAD.sub("", it)
        it = ITEM_LEAD.sub("", it)
        cut = next((m.start() for m in ITEM_TAIL.finditer(it) if m.start() >= 2
                    and not QUOTES.search(it[m.start():])), None)
        if cut is not None:
            it = it[:cut]
        core = QUOTES.sub("", it)
        if len(core) < 2:
            return []
        out.append(it)
    return out if out[0] != out[1] else []


def item_pieces(item: str) -> list[str]:
    """An item's words without quotation marks, for matching a report's quotes ('“微海陵”公众号' ->
    [微海陵, 公众号])."""
    return [p for p in QUOTES.split(item) if len(p) >= 2]


__all__ = ["compared_items", "enumerated_items", "item_pieces"]
