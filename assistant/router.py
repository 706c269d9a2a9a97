"""Routing: a figure question goes to SQL over facts, a qualitative one to passage retrieval.

Deterministic cue-word rules over the parsed question; ``both`` means SQL first with retrieval as
the fallback (the figure is only reachable through prose labels, or the question asks for both).
"""
from __future__ import annotations

import re
from enum import StrEnum

from assistant.question import ParsedQuestion, normalize


class Route(StrEnum):
    SQL = "sql"
    TEXT = "text"
    BOTH = "both"


# Cues of a question answered by a passage, not a number.
_QUALITATIVE = re.compile(r"(哪些|什么|如何|怎样|怎么|为何|为什么|问题|措施|做法|举措|渠道|改进|打算|困难|不足|经验|"
                          r"栏目|途径|目标|计划|安排|介绍|概述|总结|主要内容|哪几|方式有|原因|意义|作用|成效|特点|要求)")
# Asking for contact details: a phone number is digits but never a statistic.
_CONTACT = re.compile(r"(电话|地址|邮箱|电子邮件地址|网址|邮编|邮政编码|联系方式|传真号|办公时间|工作时间|在哪里|在哪儿)")
# Cues of a figure.
_FIGURE = re.compile(r"(多少|几[个件条项家户人次天份期名批]|几件|几条|几项|几次|几人|几家|数量|数目|比例|占比|百分|金额|"
                     r"费用|经费|总数|合计|加起来|一共|最多|最少|排名|几倍|多大|多高|多长|是否收取|收取了)")
_NUMERIC_OPS = {"sum", "difference", "compare", "percent", "ratio", "max", "min", "rank", "count"}


def route(parsed: ParsedQuestion, has_sql_facts: bool = True) -> Route:
    q = normalize(parsed.text)
    contact = bool(_CONTACT.search(q))
    qualitative = bool(_QUALITATIVE.search(q))
    figure = bool(_FIGURE.search(q)) or parsed.is_figure_question or parsed.operation in _NUMERIC_OPS
    catalogue_metric = bool(parsed.metrics)
    claim_figure = parsed.is_claim and (parsed.claim_value is not None or catalogue_metric or bool(parsed.label_terms))

    # "联系电话是多少" asks for contact details; "热线电话督办合计多少件次" still counts something.
    if contact and not (catalogue_metric or parsed.unit_hint or parsed.operation in _NUMERIC_OPS):
        return Route.TEXT
    if not (figure or claim_figure):
        return Route.TEXT
    if qualitative and not (catalogue_metric or claim_figure or parsed.operation in _NUMERIC_OPS):
        return Route.TEXT
    if not has_sql_facts:
        return Route.TEXT
    if qualitative:
        return Route.BOTH  # a figure and an explanation
    if catalogue_metric or parsed.operation in _NUMERIC_OPS or claim_figure:
        return Route.SQL
    # Only prose-label words to go on: SQL over prose facts, with retrieval as the fallback.
    return Route.BOTH


__all__ = ["Route", "route"]
