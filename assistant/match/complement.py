"""The rest of a declared whole: "发布的公众号信息中非原创的有多少篇" when the report says "共发布1169篇公众号
信息,其中原创类信息159篇" — the whole less its stated part (1169-159), with both cited.

Only a part the report declares of a whole counts: a prose figure labelled "whole › part" by its
enumeration (index/facts.py), or a table row nested under its parent row ("主动公开文件数 › 其中:1.政府网站
公开数", same column).  The negation is taken off the asked phrase to find the part; a part found only
loosely, or one with no stated whole, leaves the question "not found".
"""
from __future__ import annotations

import re

from assistant.match.score import SEP

# What makes the asked quantity the rest of a whole: 非原创, 不是通过政府网站公开, 未…
_NOT = re.compile(r"非(?!常)|不是|并非|未经?")


_AMONG = re.compile(r"^(?P<whole>.+?)(?:当中|之中|中|里)(?=非|不是|并非|未)")


def negated(phrase: str) -> tuple[str, str]:
    """(the asked part with its negation taken off, the whole it is asked among) — ("", "") when the
    phrase has no negation.  "公众号发布的信息中非原创" -> ("原创", "公众号发布的信息"): split here, since
    a word segmenter reads "中非" as one word."""
    m = _AMONG.match(phrase or "")
    whole, rest = (m.group("whole"), phrase[m.end():]) if m else ("", phrase or "")
    out, n = _NOT.subn("", rest)
    return (out, whole) if n else ("", "")


def whole_of(part, facts: list):  # noqa: ANN001, ANN201
    """The fact the report declares ``part`` a part of, or None."""
    same = [f for f in facts if f.report_id == part.report_id and f.unit == part.unit and f is not part]
    if part.origin == "table":
        rows = (part.row_label or "").split(SEP)
        if len(rows) < 2 or not re.match(r"\s*(?:其中|\d+[.、．])", rows[-1]):
            return None
        parent = SEP.join(rows[:-1])
        return next((f for f in same if f.origin == "table" and f.row_label == parent
                     and f.col_label == part.col_label), None)
    segs = (part.label or "").split(SEP)
    if len(segs) < 2:
        return None
    before = [f for f in same if f.origin == "prose" and f.start <= part.start
              and (f.label or "").split(SEP)[-1] == segs[-2]]
    return max(before, key=lambda f: f.start) if before else None


__all__ = ["negated", "whole_of"]
