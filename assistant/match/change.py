"""A question that asks how much a figure changed ("每人每月提高了多少元") is answered by a change the
report states ("较上年增加12件") or by the two figures of a "由X提高到Y" sentence, with the arithmetic
shown; never by either level alone.

The verbs are ordinary Chinese for a change of level (see change.yaml for where they were seen).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _verbs() -> str:
    data = yaml.safe_load((Path(__file__).with_name("change.yaml")).read_text(encoding="utf-8"))
    return "|".join(sorted(data["verbs"], key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    v = _verbs()
    ask = re.compile(rf"(?:{v})了?(?:多少|几)|变化了?(?:多少|几)|(?:增|降)幅(?:是|为)?多少")
    stated = re.compile(rf"{v}|增幅|降幅|增量|变化|较上年|同比|比上年")
    num = r"(\d+(?:\.\d+)?)"
    from_to = re.compile(rf"[由从][^。;;,,]{{0,30}}?{num}[^\d。;;]{{0,6}}?(?:{v})(?:到|至|为)[^\d。;;]{{0,6}}?{num}")
    return ask, stated, from_to


def asks_change(text: str) -> bool:
    return bool(_patterns()[0].search(text or ""))


def states_change(label: str) -> bool:
    return bool(_patterns()[1].search(label or ""))


def from_to(best, facts: list):  # noqa: ANN001, ANN201
    """The (from, to) facts of the "由X…提高到Y" sentence the fact ``best`` is X or Y of, or None."""
    same = [f for f in facts if f.report_id == best.report_id and f.quote == best.quote]
    for m in _patterns()[2].finditer(best.quote or ""):
        a, b = float(m.group(1)), float(m.group(2))
        if abs(best.value - a) > 1e-9 and abs(best.value - b) > 1e-9:
            continue
        fa = next((f for f in same if abs(f.value - a) < 1e-9 and f.unit == best.unit), None)
        fb = next((f for f in same if abs(f.value - b) < 1e-9 and f.unit == best.unit and f is not fa), None)
        if fa is not None and fb is not None:
            return fa, fb
    return None


__all__ = ["asks_change", "states_change", "from_to"]
