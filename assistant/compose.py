"""Turn SQL fact rows or retrieved passages into an Answer.

Rule 1 of the product lives here: a figure in the answer is a stored fact's value, or is
computed from such values with the arithmetic written out. Nothing else writes numbers.
"""
from __future__ import annotations

import re
from collections import OrderedDict

from assistant.answers import Answer, Citation, Conflict
from index.numbers import format_number


# A figure no catalogue metric names, found by a word of its quote: the label matcher has the last word.
BY_QUOTE_WORDS = "found by a word of the quote, not by a catalogue metric"
_CATALOGUE_FREE = ("prose:", "table:")


_fmt = format_number  # the one number format (index/numbers.py)


def _who(f) -> str:  # noqa: ANN001
    """Who a figure belongs to: a government by its (fuller) region, any other body by its own name
    (平潭综合实验区财政金融局, not the 平潭综合实验区 it sits in)."""
    government = not f.body or f.body.endswith(("人民政府", "政府")) or f.body == f.region
    name = (f.region or f.body or f.title) if government else f.body
    return f"{name}{f.year}年" if f.year else name


def _metric_name(f, catalogue) -> str:  # noqa: ANN001
    if f.metric_id.startswith("prose:"):
        return f.metric_id.removeprefix("prose:")
    m = catalogue.get(f.metric_id) if catalogue is not None else None
    name = getattr(m, "name", None) or f.metric_id
    if f.dimension:
        name = f"{name}({f.dimension})"
    return name


def _slots(facts: list) -> "OrderedDict[tuple, list]":
    """Rows grouped by (asked part, report), in SQL order (the SQL ranks the best row first).

    Rows of part -1 matched only by label words; they serve when no asked part was found.
    """
    slots: OrderedDict[tuple, list] = OrderedDict()
    for f in facts:
        slots.setdefault((f.part, f.report_id), []).append(f)
    asked = OrderedDict((k, v) for k, v in slots.items() if k[0] >= 0)
    return asked or slots


def _restated(group: list) -> list:
    """Other rows stating the chosen row's quantity with the same value elsewhere in the report
    (the 总体情况 sentence and the table cell): cited too, so the reader sees both places."""
    best = group[0]
    out, seen = [], {(best.section_path if isinstance(best.section_path, str) else tuple(best.section_path or ()))}
    for f in group[1:]:
        where = f.section_path if isinstance(f.section_path, str) else tuple(f.section_path or ())
        # the group holds the rows of one asked quantity (its metric and the metrics the catalogue says
        # answer the same question: 收到申请 in prose, 本年新收 in the table)
        if f.dimension == best.dimension and (f.unit or "") == (best.unit or "") \
                and round(f.value, 6) == round(best.value, 6) and where not in seen:
            seen.add(where)
            out.append(f)
    return out[:2]


def _conflicts(group: list, catalogue) -> list[Conflict]:  # noqa: ANN001
    """Other rows stating the same quantity as the chosen one with another value: the same metric,
    dimension and scope (a running total is not the year's figure), marked at ingestion as the
    same figure stated differently in prose and a table (index/facts.py mark_conflicts) — prose
    repeating a metric for a sub-scope ("共发布2047条…其中在网站发布1880条") is no conflict."""
    from index.facts import is_cumulative

    best = group[0]
    if not getattr(best, "conflict", True):
        return []
    others = [f for f in group[1:] if f.metric_id == best.metric_id and f.dimension == best.dimension
              and (f.unit or "") == (best.unit or "") and round(f.value, 6) != round(best.value, 6)
              and getattr(f, "conflict", True) and is_cumulative(f) == is_cumulative(best)]
    if not others:
        return []
    where = lambda x: "表格" if x.origin == "table" else "正文"  # noqa: E731
    note = "报告自身数字不一致:" + "、".join(f"{where(x)}写{_fmt(x.value)}{x.unit}" for x in [best, *others])
    return [Conflict(metric=_metric_name(best, catalogue), values=[best.value] + [o.value for o in others],
                     citations=[best.citation()] + [o.citation() for o in others], note=note)]


def compose_figure_answer(question, parsed, plan, facts, catalogue, refs) -> Answer:  # noqa: ANN001
    op = getattr(plan, "operation", None) or getattr(parsed, "operation", "lookup")
    if not facts:
        return Answer(question=question, answer="", route="sql", found=False, notes=["SQL 中没有找到对应的数据"])
    slots = _slots(facts)
    chosen = [group[0] for group in slots.values()]
    conflicts = [c for group in slots.values() for c in _conflicts(group, catalogue)]
    cits = [f.citation() for f in chosen]
    unit = chosen[0].unit or None

    if op in ("max", "min", "rank"):
        per_report: OrderedDict[int, object] = OrderedDict()
        for f in chosen:
            per_report.setdefault(f.report_id, f)
        ordered = sorted(per_report.values(), key=lambda f: f.value, reverse=(op != "min"))
        top = ordered[0]
        listing = ";".join(f"{_who(f)}{_fmt(f.value)}{f.unit}" for f in ordered)
        word = "最少" if op == "min" else "最多"
        text = f"{_who(top)}{word}:{_metric_name(top, catalogue)}为{_fmt(top.value)}{top.unit}。各报告:{listing}。"
        return Answer(question=question, answer=text, route="sql", value=top.value, unit=top.unit or None,
                      citations=[f.citation() for f in ordered], conflicts=conflicts)

    if op == "sum" and len(chosen) >= 2:
        total = sum(f.value for f in chosen)
        arith = "+".join(_fmt(f.value) for f in chosen) + f"={_fmt(total)}"
        one = len({f.report_id for f in chosen}) == 1  # name the report once, not per item
        parts = "、".join(f"{'' if one else _who(f)}{_metric_name(f, catalogue)}{_fmt(f.value)}{f.unit}"
                         for f in chosen)
        text = f"{_who(chosen[0]) if one else ''}合计{_fmt(total)}{unit or ''}({parts};{arith}{unit or ''})。"
        return _cite_restated(Answer(question=question, answer=text, route="sql", value=total, unit=unit,
                                     arithmetic=arith, citations=cits, conflicts=conflicts), slots)

    if op in ("difference", "compare") and len(chosen) >= 2:
        a, b = sorted(chosen[:2], key=lambda f: f.value, reverse=True)
        diff = a.value - b.value
        arith = f"{_fmt(a.value)}-{_fmt(b.value)}={_fmt(diff)}"
        other = _who(b) if (b.report_id != a.report_id) else ""  # two reports (years, bodies): name both
        text = (f"{_who(a)}{_metric_name(a, catalogue)}({_fmt(a.value)}{a.unit})比"
                f"{other}{_metric_name(b, catalogue)}({_fmt(b.value)}{b.unit})多{_fmt(diff)}{a.unit}({arith})。")
        return _cite_restated(Answer(question=question, answer=text, route="sql", value=diff, unit=a.unit or None,
                                     arithmetic=arith, citations=[a.citation(), b.citation()],
                                     conflicts=conflicts), slots)

    if op in ("percent", "ratio"):
        # A share the report states itself beats one we compute.
        stated = next((f for group in slots.values() for f in group if (f.unit or "") == "%"
                       and f.metric_id == group[0].metric_id), None)
        part_whole = _part_whole(slots, plan)
        if stated is not None and (part_whole is None or stated.part in (part_whole[0].part, -1)):
            chosen, cits = [stated], [stated.citation()]
        elif part_whole is not None and part_whole[1].value:
            part, whole = part_whole
            pct = part.value / whole.value * 100
            arith = f"{_fmt(part.value)}/{_fmt(whole.value)}×100%={pct:.2f}%"
            text = (f"{_who(part)}{_metric_name(part, catalogue)}{_fmt(part.value)}{part.unit},"
                    f"占{_metric_name(whole, catalogue)}{_fmt(whole.value)}{whole.unit}的{pct:.1f}%({arith})。")
            return _cite_restated(Answer(question=question, answer=text, route="sql", value=round(pct, 2), unit="%",
                                         arithmetic=arith, citations=[part.citation(), whole.citation()],
                                         conflicts=conflicts), slots)

    # A computed answer with an operand missing is not found: never a part passed off as the result
    # (a share asked and no share stated nor computable: a count is no answer to it).
    n_items = max(len(getattr(parsed, "metrics", []) or []), len(getattr(parsed, "report_ids", []) or []),
                  len(getattr(plan, "parts", []) or []))
    share_missing = op in ("percent", "ratio") and not (chosen and (chosen[0].unit or "") == "%")
    if share_missing or (len(chosen) < 2 and (op in ("difference", "compare") or (op == "sum" and n_items >= 2))):
        have = "、".join(f"{_who(f)}{_metric_name(f, catalogue)}{_fmt(f.value)}{f.unit}" for f in chosen)
        text = f"只找到{have},另一项在已载入的报告中没有找到,无法计算。"
        return Answer(question=question, answer=text, route="sql", found=False, citations=cits,
                      conflicts=conflicts, notes=["an operand of the computation was not found"])

    # lookup (and list): the best fact first, every other slot listed.
    best = chosen[0]
    sub = asked_subset(question, parsed)
    if sub and op in ("lookup", "none") and not _names_subset(best, sub):
        # "主动公开的信息中,科教文体卫生类有多少条": the whole is no answer to a part of it.
        text = (f"报告中没有找到「{sub}」的数字;找到的是{_who(best)}{_metric_name(best, catalogue)}"
                f"{_fmt(best.value)}{best.unit}(总数,不是所问的部分)。")
        return Answer(question=question, answer=text, route="sql", found=False, citations=cits[:1],
                      notes=["the asked part of a whole was not found"])
    by_words = not best.metric_id.startswith(_CATALOGUE_FREE) or None
    if best.metric_id.startswith(_CATALOGUE_FREE):
        # No catalogue name for it: the report's own words say what the figure is.
        text = f"{_who(best)}:据报告原文「{best.quote}」,数字为{_fmt(best.value)}{best.unit}。"
    else:
        text = f"{_who(best)}{_metric_name(best, catalogue)}为{_fmt(best.value)}{best.unit}。"
    if len(chosen) > 1 and op == "list":
        text += "其余:" + ";".join(f"{_metric_name(f, catalogue)}{_fmt(f.value)}{f.unit}" for f in chosen[1:]) + "。"
    for c in conflicts:
        text += f"注意:{c.note}。"
    again = _restated(next(iter(slots.values())))
    if again:
        cits = [cits[0]] + [f.citation() for f in again] + cits[1:]
    return Answer(question=question, answer=text, route="sql", value=best.value, unit=best.unit or None,
                  citations=cits, conflicts=conflicts, notes=[] if by_words else [BY_QUOTE_WORDS])


def _cite_restated(ans: Answer, slots) -> Answer:  # noqa: ANN001
    """After an operand's own citation, the other places of the report stating it with the same value."""
    have = {(c.source, c.start) for c in ans.citations}
    for group in slots.values():
        for f in _restated(group):
            c = f.citation()
            if (c.source, c.start) not in have:
                have.add((c.source, c.start))
                ans.citations.append(c)
    return ans


def closest_citation(sentence, title: str) -> Citation:  # noqa: ANN001
    """A passage shown because it is the closest the report comes to what was asked: kind "closest",
    never a figure's source."""
    p, s, e = sentence
    quote = p.text[s - p.start: e - p.start] if p.start <= s <= e <= p.end else p.text
    return Citation(source=p.source, report=title, section=p.section_path, quote=quote, start=s, end=e,
                    report_id=p.report_id, body=p.body, year=p.year, kind="closest")


_SUBSET = re.compile(r"(?:中|里|当中|之中)[,,、]?(?:关于|属于|有关)?(?P<sub>[\u4e00-\u9fff、“”\"]{2,30}?)"
                     r"(?:的|类|方面)?(?:信息|文件)?(?:有|是|共|一共|为|占)?(?:多少|几)")
_SUB_STOP = re.compile(r"^(?:的|有|共|为)|(?:的|类|信息|文件|情况)$")


def asked_subset(question: str, parsed) -> str:  # noqa: ANN001
    """The part asked of a whole ("…信息中,科教文体卫生类有多少条" -> 科教文体卫生), or ""."""
    q = question.replace("，", ",").replace("？", "?")
    phrases = [m.phrase for m in (getattr(parsed, "metrics", []) or []) if getattr(m, "phrase", "")]
    for ph in phrases:
        i = q.find(ph)
        if i < 0:
            continue
        m = _SUBSET.search(q, i + len(ph), min(len(q), i + len(ph) + 40))
        if m and m.start() - (i + len(ph)) <= 4:
            sub = _SUB_STOP.sub("", m.group("sub")).strip("、“”\"")
            if len(sub) >= 2:
                return sub
    return ""


def _names_subset(f, sub: str) -> bool:  # noqa: ANN001
    """The fact names the asked part: in its dimension, row label or quote (two characters in a row
    of the part are enough for abbreviations)."""
    where = f"{f.dimension} {f.row_label} {f.quote}"
    return any(sub[k:k + 2] in where for k in range(len(sub) - 1))


def _part_whole(slots, plan):  # noqa: ANN001, ANN202
    """(part, whole) rows by the plan's roles, else the smaller and larger of two figures."""
    roles = list(getattr(plan, "roles", []) or [])
    firsts = {k[0]: v[0] for k, v in reversed(list(slots.items()))}
    if "part" in roles and "whole" in roles:
        p, w = firsts.get(roles.index("part")), firsts.get(roles.index("whole"))
        if p is not None and w is not None:
            return p, w
    vals = [v[0] for v in slots.values()]
    if len(vals) >= 2:
        a, b = sorted(vals[:2], key=lambda f: f.value)
        return a, b
    return None


def compose_text_answer(question, parsed, passages, sentences, titles, figure: bool) -> Answer:  # noqa: ANN001
    """Extractive answer: the best sentences, each quoted exactly with its citation."""
    if not passages:
        return Answer(question=question, answer="在已载入的报告中没有找到相关内容。", route="text", found=False)
    cits: list[Citation] = []
    quotes: list[str] = []
    # Sentences from one section read best in the report's own order (一是…二是…).
    if len({(p.report_id, p.section_path) for p, _, _ in sentences}) == 1:
        sentences = sorted(sentences, key=lambda t: t[1])
    for p, s, e in sentences:
        quote = p.text[s - p.start:e - p.start] if p.start <= s <= e <= p.end else p.text
        cits.append(Citation(source=p.source, report=titles.get(p.report_id, p.source), section=p.section_path,
                             quote=quote, start=s, end=e, report_id=p.report_id, body=p.body, year=p.year,
                             kind="text"))
        quotes.append(quote)
    # Then whole passages as further evidence (hit@5 looks at these).
    seen = {(c.report_id, c.section) for c in cits}
    for p in passages:
        if len(cits) >= 6:
            break
        if (p.report_id, p.section_path) in seen:
            continue
        seen.add((p.report_id, p.section_path))
        cits.append(Citation(source=p.source, report=titles.get(p.report_id, p.source), section=p.section_path,
                             quote=p.text, start=p.start, end=p.end, report_id=p.report_id, body=p.body,
                             year=p.year, kind="text"))
    ans = Answer(question=question, answer="", route="text", citations=cits)
    if figure:
        from assistant.extract import figure_from_quotes
        hit = figure_from_quotes(question, parsed, cits)
        if hit is not None:
            value, unit, cit = hit
            ans.value, ans.unit = value, unit
            ans.route = "both"
            ans.answer = f"据报告原文:「{cit.quote}」(出自 {cit.report} › {cit.section.split(' › ')[-1]})"
            ans.citations = [cit] + [c for c in cits if c is not cit]
            return ans
        ans.notes.append("没有在数据表中找到该数字;以下是最相关的原文,未从中提取数字。")
    lead = quotes[0] if quotes else passages[0].text
    ans.answer = "根据报告原文:" + " ".join(f"「{q}」" for q in (quotes or [lead]))
    return ans
