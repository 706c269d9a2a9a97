"""An answer from facts matched by their labels: the figure, or the computation over the items with
its arithmetic, every operand cited; or "not found" saying what was looked for and showing the
closest candidates (both, when two different figures matched equally)."""
from __future__ import annotations

from assistant.answers import Answer, Citation, Conflict
from assistant.compose import _fmt, _who
from assistant.match.phrase import Items
from assistant.match.resolve import Resolution

NOT_RESOLVED = "an item of the question matched no fact well enough"


def _cite(r: Resolution) -> Citation:
    return r.best.fact.citation()


def _restated(r: Resolution) -> list[Citation]:
    """Other places stating the chosen figure with the same value and nearly as good a label."""
    best = r.best
    out = []
    for s in r.ranked[1:]:
        if abs(s.fact.value - best.fact.value) < 1e-9 and s.score >= best.score - 0.15 \
                and s.fact.start != best.fact.start:
            out.append(s.fact.citation())
    return out[:2]


def _closest(r: Resolution, n: int = 2) -> list[Citation]:
    out = []
    for s in r.ranked[:n]:
        c = s.fact.citation()
        c.kind = "closest"
        out.append(c)
    return out


def _minus(a, b, more: str = "多", less: str = "少") -> tuple[float, str, str]:  # noqa: ANN001
    """a - b of two facts: (the difference, its arithmetic, the word for its sign)."""
    diff = a.value - b.value
    return diff, f"{_fmt(a.value)}-{_fmt(b.value)}={_fmt(diff)}", more if diff >= 0 else less


def _figure(r: Resolution) -> str:
    f = r.best.fact
    return f"{r.best.name}{_fmt(f.value)}{f.unit}"


def not_found(question: str, items: Items, resolutions: list[Resolution]) -> Answer:
    said, cits = [], []
    for r in resolutions:
        if r.ok:
            continue
        if r.reason == "tie":
            both = [r.best, *r.rivals[:1]]
            said.append(f"「{r.item}」有两个数字与之同样接近("
                        + "、".join(f"{s.name}{_fmt(s.fact.value)}{s.fact.unit}" for s in both) + "),无法确定是哪一个")
            for s in both:
                c = s.fact.citation()
                c.kind = "closest"
                cits.append(c)
        else:
            said.append(f"报告中没有找到与「{r.item}」足够吻合的数字")
            cits += _closest(r)
    if items.op != "lookup" and any(r.ok for r in resolutions):
        found = [r for r in resolutions if r.ok]
        said.append("已找到的" + "、".join(_figure(r) for r in found) + "不足以计算,不给出结果")
    text = ";".join(said) + "。以下是最接近的原文,供核对。"
    return Answer(question=question, answer=text, route="sql", found=False, citations=cits,
                  notes=[NOT_RESOLVED])


def settle_by_unit(resolutions: list[Resolution]) -> None:
    """Operands of one computation are counted in one unit: an item tied between figures of different
    units is settled by the unit every other resolved item has (不予公开 105条 beside 制作获取 473条,
    not the template table's 不予公开 2件)."""
    if len(resolutions) < 2:
        return
    for r in resolutions:
        if r.reason != "tie":
            continue
        others = {o.best.fact.unit for o in resolutions if o is not r and o.ok}
        if len(others) != 1:
            continue
        same = [s for s in [r.best, *r.rivals] if s.fact.unit in others]
        if len({s.fact.value for s in same}) == 1:
            r.best, r.rivals, r.reason = same[0], [], ""


NEAR = 160  # characters: two prose figures this close in one section are stated together


def _together(a, b) -> bool:  # noqa: ANN001
    """Two facts stated together: one table, or one passage of prose (same section, close by)."""
    if a.report_id != b.report_id or a.section_path != b.section_path or a.origin != b.origin:
        return False
    return a.origin == "table" or abs(a.start - b.start) <= NEAR


def _parent(f) -> str:  # noqa: ANN001
    """The whole a prose figure's label puts it under ("印发公文类政府信息 › 主动公开信息" -> the first), or ""."""
    label = getattr(f, "label", "") or ""
    return label.rsplit(" › ", 1)[0] if f.origin == "prose" and " › " in label else ""


def settle_by_neighbours(resolutions: list[Resolution]) -> None:
    """Operands of one computation are stated together more often than not: an item tied between
    figures is settled when exactly one value among them stands beside every other resolved operand
    ("主动公开政府信息121条、依申请公开128条": 依申请公开 128, not 收到申请 3 of another section)."""
    if len(resolutions) < 2:
        return
    for r in resolutions:
        if r.reason != "tie":
            continue
        others = [o.best.fact for o in resolutions if o is not r and o.ok]
        if not others:
            continue
        used = {o.fact_id for o in others}  # another operand's own fact is not this one
        cands = [s for s in [r.best, *r.rivals] if s.fact.fact_id not in used]
        # siblings of one list first ("印发公文类政府信息 › 主动公开信息" beside "… › 依申请公开信息",
        # not the list's whole), then figures of one passage
        for together in (lambda f, o: bool(_parent(f)) and _parent(f) == _parent(o), _together):
            near = [s for s in cands if all(together(s.fact, o) for o in others)]
            if near and len({s.fact.value for s in near}) == 1:
                r.best, r.rivals, r.reason = near[0], [], ""
                break


def settle_units_across(rs: list[Resolution]) -> None:
    """One quantity compared over reports is read in one unit: a report whose best figure is in another
    unit than the others' but which states the same value in their unit as well (a table's 545件 and the
    prose's 545起) is read from that statement. The value never changes, only which statement is cited."""
    units = [r.best.fact.unit for r in rs if r.ok]
    for r in rs:
        if not r.ok:
            continue
        others = {u for u in units if u != r.best.fact.unit}
        if len(others) != 1 or units.count(r.best.fact.unit) > 1:
            continue
        twin = next((s for s in r.ranked if s.fact.unit in others and abs(s.fact.value - r.best.fact.value) < 1e-9), None)
        if twin is not None:
            r.best = twin


def compose(question: str, items: Items, resolutions: list[Resolution]) -> Answer:
    settle_by_unit(resolutions)
    settle_by_neighbours(resolutions)
    if not resolutions or not all(r.ok for r in resolutions):
        return not_found(question, items, resolutions)
    ids = [r.best.fact.fact_id for r in resolutions]
    if len(set(ids)) < len(ids):  # two items read as one figure: the items were not told apart
        for r in resolutions[1:]:
            if r.best.fact.fact_id in ids[:resolutions.index(r)]:
                r.reason = "tie"
                r.rivals = [s for s in r.ranked[1:2]]
        return not_found(question, items, resolutions)
    facts = [r.best.fact for r in resolutions]
    who = _who(facts[0])
    cits = []
    for r in resolutions:
        cits.append(_cite(r))
        cits += _restated(r)
    units = {f.unit for f in facts}
    if items.op == "lookup":
        f, name = facts[0], resolutions[0].best.name
        text = f"{who}「{name}」为{_fmt(f.value)}{f.unit}(报告原文:「{f.quote}」)。"
        return Answer(question=question, answer=text, route="sql", value=f.value, unit=f.unit or None,
                      citations=cits)
    if items.op in ("sum", "difference") and len(units) > 1:
        r = resolutions[0]
        return Answer(question=question, route="sql", found=False, citations=[c for c in cits],
                      answer="、".join(_figure(r) for r in resolutions) + "的单位不同,不能相加减。",
                      notes=[NOT_RESOLVED])
    unit = facts[0].unit
    if items.op == "sum":
        total = sum(f.value for f in facts)
        arith = "+".join(_fmt(f.value) for f in facts) + f"={_fmt(total)}"
        text = f"{who}" + "、".join(_figure(r) for r in resolutions) + f",合计{_fmt(total)}{unit}({arith})。"
        return Answer(question=question, answer=text, route="sql", value=total, unit=unit or None,
                      arithmetic=arith, citations=cits)
    if items.op == "difference":
        diff, arith, word = _minus(*facts)
        text = (f"{who}{_figure(resolutions[0])},{_figure(resolutions[1])},"
                f"前者比后者{word}{_fmt(abs(diff))}{unit}({arith})。")
        return Answer(question=question, answer=text, route="sql", value=diff, unit=unit or None,
                      arithmetic=arith, citations=cits)
    # percent: part of whole
    part, whole = facts
    if not whole.value:
        return not_found(question, items, resolutions)
    pct = round(part.value / whole.value * 100, 2)
    arith = f"{_fmt(part.value)}÷{_fmt(whole.value)}×100%≈{_fmt(pct)}%"
    text = (f"{who}{_figure(resolutions[0])},占{_figure(resolutions[1])}的{_fmt(pct)}%({arith})。")
    return Answer(question=question, answer=text, route="sql", value=pct, unit="%", arithmetic=arith,
                  citations=cits)


SHARE_AFTER = 80  # characters: a share the report states for a part follows the part this closely


def stated_share(ans: Answer, part, whole, facts: list) -> None:  # noqa: ANN001
    """A share computed from a part and its whole, beside the share the report states for that part
    ("其中主动公开政府信息69条…。主动公开的政府信息占98.55%"): when the stated share is not part ÷ whole to
    the precision it is stated in, both are shown as one quantity stated two ways, each cited."""
    from assistant.audit.rules.percentage import _decimals, pct_consistent

    name = (part.label or "").split(" › ")[-1].replace("的", "")
    for f in facts:
        if f.unit != "%" or f.report_id != part.report_id or not (0 < f.start - part.end <= SHARE_AFTER):
            continue
        said = (f.label or f.quote).split(" › ")[-1]
        bare = said.rstrip("占").replace("的", "")
        if "占" not in f.quote or not (name and bare and (name in bare or bare in name)):
            continue
        d = _decimals(f.quote, f.value)
        if pct_consistent(f.value, part.value, whole.value, d):
            return
        note = (f"报告写{said.rstrip('占')}占{_fmt(f.value)}%,但按报告自己的数字"
                f"{_fmt(part.value)}÷{_fmt(whole.value)}×100%≈{_fmt(ans.value)}%。")
        ans.conflicts.append(Conflict(metric="百分比与条数不符", values=[f.value, ans.value],
                                      citations=[f.citation(), part.citation(), whole.citation()], note=note))
        ans.answer += "注意:" + note
        return


def compose_share_of_sum(question: str, part: Resolution, whole: str, parts: list[Resolution]) -> Answer:
    """A share of a whole the question writes as a sum of named parts ("A和B合计中,B占多少"): each part
    found, the sum and the share computed with both steps shown; "not found" unless every part is found,
    in one unit, and the part asked is one of them or shares their unit."""
    rs = [part, *parts]
    if not all(r.ok for r in rs) or len({r.best.fact.fact_id for r in parts}) < len(parts):
        return not_found(question, Items("percent", [part.item, whole]), [part, *parts])
    facts = [r.best.fact for r in parts]
    if len({f.unit for f in facts} | {part.best.fact.unit}) > 1:
        return not_found(question, Items("percent", [part.item, whole]), [part, *parts])
    total = sum(f.value for f in facts)
    if not total:
        return not_found(question, Items("percent", [part.item, whole]), [part, *parts])
    p = part.best.fact
    pct = round(p.value / total * 100, 2)
    summed = "+".join(_fmt(f.value) for f in facts)
    arith = f"{summed}={_fmt(total)}; {_fmt(p.value)}÷{_fmt(total)}×100%≈{_fmt(pct)}%"
    cits = []
    for r in rs:
        if all(c.start != r.best.fact.start or c.report_id != r.best.fact.report_id for c in cits):
            cits.append(_cite(r))
    text = (f"{_who(p)}" + "、".join(_figure(r) for r in parts)
            + f",合计{_fmt(total)}{p.unit};其中{_figure(part)},占{_fmt(pct)}%({arith})。")
    return Answer(question=question, answer=text, route="sql", value=pct, unit="%", arithmetic=arith,
                  citations=cits)


def compose_change(question: str, r: Resolution, pair) -> Answer:  # noqa: ANN001
    """The change the question asks for, from the two levels of a "由X提高到Y" sentence; "not found"
    when the report states only a level (a level is not a change)."""
    if pair is None:
        r.reason = "change"
        said = (f"报告中「{r.best.name}」只写了数值{_fmt(r.best.fact.value)}{r.best.fact.unit},"
                "没有写出问题所问的变化量,不给出结果。以下是最接近的原文,供核对。")
        return Answer(question=question, answer=said, route="sql", found=False, citations=_closest(r),
                      notes=[NOT_RESOLVED])
    a, b = pair
    diff, arith, word = _minus(b, a, "增加", "减少")
    text = (f"{_who(a)}由{_fmt(a.value)}{a.unit}变为{_fmt(b.value)}{b.unit},{word}{_fmt(abs(diff))}{a.unit}"
            f"({arith})(报告原文:「{a.quote}」)。")
    return Answer(question=question, answer=text, route="sql", value=abs(diff), unit=a.unit or None,
                  arithmetic=arith, citations=[a.citation(), b.citation()])


def compose_rest(question: str, part, whole) -> Answer:  # noqa: ANN001
    """The rest of a declared whole: whole - part, both cited."""
    diff, arith, _ = _minus(whole, part)
    text = (f"{_who(whole)}{whole.label.split(' › ')[-1]}{_fmt(whole.value)}{whole.unit},其中"
            f"{part.label.split(' › ')[-1]}{_fmt(part.value)}{part.unit},其余为{_fmt(diff)}{whole.unit}({arith})。")
    return Answer(question=question, answer=text, route="sql", value=diff, unit=whole.unit or None,
                  arithmetic=arith, citations=[whole.citation(), part.citation()])


def compose_other_year(question: str, r: Resolution, year: int, report_year: int) -> Answer:
    """The question is about ``year``, the figure found is the report's own year's: not found."""
    r.reason = "period"
    said = (f"问的是{year}年的数字,报告({report_year}年)中与之吻合的「{r.best.name}」"
            f"{_fmt(r.best.fact.value)}{r.best.fact.unit}是{report_year}年的,不给出结果。以下是最接近的原文,供核对。")
    return Answer(question=question, answer=said, route="sql", found=False, citations=_closest(r),
                  notes=[NOT_RESOLVED])


__all__ = ["compose", "compose_change", "compose_other_year", "compose_rest", "not_found", "NOT_RESOLVED"]


def compose_across(question: str, op: str, per_report: list[tuple[object, Resolution]]) -> Answer:
    """One quantity over several reports (years or bodies): the difference of two, or the largest /
    smallest; every report must state it, or the answer says which do not and gives no result."""
    missing = [ref for ref, r in per_report if not r.ok]
    cits: list[Citation] = []
    for _, r in per_report:
        if r.ok:
            cits.append(_cite(r))
    if missing:
        names = "、".join(f"{getattr(ref, 'year', '')}年" if getattr(ref, "year", None) else getattr(ref, "title", "")
                        for ref in missing)
        found = ";".join(f"{_who(r.best.fact)}{_figure(r)}" for _, r in per_report if r.ok)
        text = (f"{names}的报告中没有找到与「{per_report[0][1].item}」足够吻合的数字,无法比较"
                + (f"(已找到:{found})" if found else "") + "。")
        for _, r in per_report:
            if not r.ok:
                cits += _closest(r, 1)
        return Answer(question=question, answer=text, route="sql", found=False, citations=cits,
                      notes=[NOT_RESOLVED])
    rs = [r for _, r in per_report]
    settle_units_across(rs)
    units = {r.best.fact.unit for r in rs}
    listing = ";".join(f"{_who(r.best.fact)}{_figure(r)}" for r in rs)
    if len(units) > 1:
        return Answer(question=question, answer=f"{listing}。单位不同,无法比较。", route="sql", found=False,
                      citations=cits, notes=[NOT_RESOLVED])
    unit = rs[0].best.fact.unit
    if op == "difference" and len(rs) == 2:
        a, b = rs[0].best.fact, rs[1].best.fact
        diff, arith, word = _minus(a, b)
        text = f"{listing}。{_who(a)}比{_who(b)}{word}{_fmt(abs(diff))}{unit}({arith})。"
        return Answer(question=question, answer=text, route="sql", value=abs(diff), unit=unit or None,
                      arithmetic=arith, citations=cits)
    pick = (max if op != "min" else min)(rs, key=lambda r: r.best.fact.value)
    word = "最少" if op == "min" else "最多"
    text = f"{_who(pick.best.fact)}{word}:{_figure(pick)}。各报告:{listing}。"
    first = [c for c in cits if c.start == pick.best.fact.start and c.report_id == pick.best.fact.report_id]
    return Answer(question=question, answer=text, route="sql", value=pick.best.fact.value, unit=unit or None,
                  citations=first + [c for c in cits if c not in first])


__all__ += ["compose_across"]
