"""A total its own parts contradict is not given as the answer.

When the one figure an answer found is a stated total that the parts the report lists under it do not
add up to (a table's 总计 row against its rows, "在…90条…中" against the categories listed), neither
reading is picked: the answer has no value, names both, and cites each (rule 2: a wrong figure is
worse than none; rule 3: both sides shown).  Prose and a table disagreeing on a figure is a different
case: the table's cell is given, with the prose's figure noted beside it (assistant/compose.py).
"""
from __future__ import annotations

from assistant.answers import Answer
from assistant.compose import _fmt

WITHHELD = "the report states this figure two ways; no single value is given"


def withhold_conflicted(ans: Answer) -> Answer:
    if ans.value is None or len({c.report_id for c in ans.citations if c.kind != "closest"}) > 1:
        return ans  # a comparison over reports stands on each report's figure, its notes beside it
    cited = {(c.report_id, c.start, c.end) for c in ans.citations}
    # the answer's figure is the total itself (the finding's first value and first citation)
    same = [c for c in ans.conflicts if c.kind == "parts" and c.values and c.values[0] is not None
            and abs(c.values[0] - ans.value) < 1e-9 and c.citations
            and (c.citations[0].report_id, c.citations[0].start, c.citations[0].end) in cited]
    if not same:
        return ans
    unit = ans.unit or ""
    values = list(dict.fromkeys(v for c in same for v in c.values if v is not None))
    shown = "、".join(f"{_fmt(v)}{unit}" for v in values)
    notes = ";".join(c.note.rstrip("。") for c in same if c.note)
    ans.answer = (f"报告自身对这个数字有不同的说法({shown})" + (f":{notes}" if notes else "")
                  + "。无法确定哪一个正确,不给出单一数字,请核对下列原文。")
    ans.value = None
    ans.found = False
    ans.notes.append(WITHHELD)
    return ans


__all__ = ["withhold_conflicted", "WITHHELD"]
