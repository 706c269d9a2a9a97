"""A table's total its own rows contradict is not given as the answer.

When the one figure an answer found is a table's 总计 cell that the rows under it do not add up to
(the template defines the total as that sum, so one of the cells is a slip and which one is not
known), neither reading is picked: the answer has no value, names both, and cites each (rule 2: a
wrong figure is worse than none; rule 3: both sides shown).

A total the prose states ("主动公开政府信息40条,其中…") is what the report says, and a prose list need
not name every part: it is given, with the sum of the listed parts noted beside it and both cited.
Asked for the listed parts added up ("主动公开的信息按类别加起来是多少条"), the answer is their sum, the
stated total beside it. Prose and a table disagreeing on a figure is another case: the table's cell is given, with the prose's
figure noted beside it (assistant/compose.py).
"""
from __future__ import annotations

from assistant.answers import Answer, Conflict
from assistant.compose import _fmt
from assistant.question.cues import asks_listed_parts_sum

WITHHELD = "the report states this figure two ways; no single value is given"


def _total_vs_parts(ans: Answer) -> list[Conflict]:
    """The notes saying the answer's figure is a total its listed parts do not add up to (the finding's
    first value and first citation are the total)."""
    cited = {c.span for c in ans.citations}
    return [c for c in ans.conflicts if c.kind == "parts" and len(c.values) >= 2 and c.values[0] is not None
            and abs(c.values[0] - ans.value) < 1e-9 and c.citations
            and c.citations[0].span in cited]


def withhold_conflicted(ans: Answer, question: str = "") -> Answer:
    if ans.value is None or len({c.report_id for c in ans.citations if c.kind != "closest"}) > 1:
        return ans  # a comparison over reports stands on each report's figure, its notes beside it
    stated_twice = _total_vs_parts(ans)
    if stated_twice and question and asks_listed_parts_sum(question):
        return _listed_parts(ans, stated_twice[0])
    same = [c for c in stated_twice if c.citations[0].kind == "table"]
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


def _listed_parts(ans: Answer, note: Conflict) -> Answer:
    """Asked for the listed parts added up ("按类别加起来"): their sum is the answer, the stated total
    beside it; the finding's citations (the total, then each part) and arithmetic are the answer's."""
    unit = ans.unit or ""
    total, got = note.values[0], note.values[1]
    ans.value = got
    ans.citations = list(note.citations)
    ans.answer = (f"报告所列分项相加为{_fmt(got)}{unit};报告称总数为{_fmt(total)}{unit},二者不一致。"
                  + (f"({note.note.rstrip('。')}。)" if note.note else ""))
    ans.notes.append(f"the listed parts added up, as asked: {_fmt(got)} (stated total {_fmt(total)})")
    return ans


__all__ = ["withhold_conflicted", "WITHHELD"]
