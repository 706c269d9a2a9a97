"""``declared_parts``: a prose total against the parts its sentence declares (其中 / 涵盖 / 包括 …).

"主动公开政府信息40条,其中A 1条、B 4条…": the parts an enumeration (其中 / 涵盖 / 包括) declares of the
figure just named must add up to it. Only parts the text declares of that figure count (their label
is "total › part", index/facts.py); a list that ends in 等 names only some parts, so it is flagged only
when its parts exceed the total."""
from __future__ import annotations

import re

from assistant.audit.document import Document, Finding, eq, fmt, names_other_year
from assistant.match.clause import figure_at
from index.units import interchangeable
from index.sqlstore import PATH_SEP

NAME = "declared_parts"
SEVERITY = "medium"
TITLE = "分项与总数不符"  # what a user is shown for the rule

def _core(name: str) -> str:
    return name.replace("的", "")


def _semicolon(gap: str) -> bool:
    return ";" in gap or "\uff1b" in gap


def _inside_brackets(between: str) -> bool:
    return between.count("(") + between.count("（") > between.count(")") + between.count("）")


def _same_measure(total_unit: str, parts: list, unit: str) -> bool:
    """A part's measure word fits the list: the first part's is the total's or one used for the same
    documents (index/units.yaml: "发布信息607条,其中主动公开380份" counts in 条 and 份), and
    every later part's is the first part's (a change of measure word ends the list: "…97条;…1件")."""
    if parts:
        return unit == parts[0].unit
    return interchangeable(unit, total_unit)


def check(doc: Document) -> list[Finding]:
    """Each prose total whose declared parts (two or more, one unit) do not add up to it.

    The parts are the figures that follow the total in its sentence and that the text declares of it,
    without a break; a list with a figure that could not be read (a bare number) is not checked."""
    out = []
    facts = [f for f in doc.facts if f.source == "prose"]
    prose = [f for f in facts if f.label and f.unit != "%"]
    for i, total in enumerate(prose):
        name = _core(total.label.split(PATH_SEP)[-1])
        stop = doc.text.find("。", total.end)
        stop = len(doc.text) if stop < 0 else stop
        parts = []
        for f in prose[i + 1:]:
            if f.start >= stop:
                break
            whole = f.label.split(PATH_SEP)[0] if f.label.count(PATH_SEP) == 1 else ""
            # "…,其中商业企业申请3件,较2017年收到申请20件": a year named after the total gives the figure to it
            if _core(whole) != name or not _same_measure(total.unit, parts, f.unit) \
                    or names_other_year(doc.text, doc.year, total.end, f.end, sentence=False):
                if parts:
                    break  # the list has ended (another whole, or another unit: "…97条;办理依申请公开1件")
                continue
            at = figure_at(f.quote, f.value, f.unit)  # the figure within its clause
            before = doc.text[total.end:f.start] + (f.quote[:at] if at >= 0 else "")
            if before.endswith("各") or _inside_brackets(before):
                continue  # "兼职人员7名(各支队各1名)": a per-unit figure or a bracketed aside is no part
            real = [p for p in parts if not eq(p.value, total.value)]  # without a restatement of the total
            if len(real) >= 2 and _semicolon(doc.text[real[-1].end:f.start]) \
                    and eq(sum(p.value for p in real), total.value):
                break  # "共510条,其中A169条,B317条,C24条;全年通过网站公开D类5条…": the list was complete
            parts.append(f)
        parts = list({(p.start, p.value, p.label): p for p in parts}.values())
        if len(parts) > 2:  # "在…90条…中,全文电子化的…共90条,A1条;B10条…": a restatement is no part
            parts = [p for p in parts if not eq(p.value, total.value)]
        if len(parts) < 2:
            continue
        last = parts[-1]
        spans = [(f.start, f.end) for f in facts]
        rest = doc.text[last.end:stop]
        if re.match(r"\s*[;;]", rest):
            rest = ""  # the figures after a semicolon are another list
        if re.search(r"\d", rest) and not all(any(a <= last.end + m.start() < b for a, b in spans)
                                               for m in re.finditer(r"\d+", rest)):
            continue  # a figure of the list could not be read: its sum says nothing
        partial = bool(re.search(r"等\s*$", doc.text[last.start:last.end])) or doc.text[last.end:last.end + 1] == "等"
        got = sum(p.value for p in parts)
        # a list ending in 等 names only some parts, and parts in another measure word than the total's
        # ("信息120条,其中规范性文件5件…") may be some of them: either can fall short of the total, never exceed it
        some = partial or parts[0].unit != total.unit
        if eq(got, total.value) or (some and got < total.value):
            continue
        unit, part_unit = total.unit or "", parts[0].unit or ""
        arith = "+".join(fmt(p.value) for p in parts) + f"={fmt(got)}"
        msg = (f"报告称{total.label.split(PATH_SEP)[-1]}{fmt(total.value)}{unit},但其后列出的分项相加为"
               f"{fmt(got)}{part_unit}({arith}),与总数不符。")
        out.append(doc.finding(NAME, SEVERITY, msg, {"total": total.value, "parts_sum": got},
                               f"{arith} ≠ {fmt(total.value)}", [doc.cite_fact(total), *map(doc.cite_fact, parts)]))
    return out
