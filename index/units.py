"""Unit compatibility: is a fact's unit the kind of figure the question asks for (units.yaml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load((Path(__file__).with_name("units.yaml")).read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def unit_class(unit: str) -> str:
    """items | organisations | people | money | time | ratio | "" (no unit, or one not listed)."""
    u = (unit or "").strip()
    if not u:
        return ""
    for cls, words in _data()["classes"].items():
        if u in words:
            return cls
    return ""


def words_of(cls: str) -> tuple[str, ...]:
    """The measure words of unit class ``cls`` (units.yaml ``classes``)."""
    return tuple(_data()["classes"].get(cls, ()))


def interchangeable(a: str, b: str) -> bool:
    """The same measure word, or two a report uses for the same documents (units.yaml ``documents``)."""
    a, b = (a or "").strip(), (b or "").strip()
    return a == b or (a in _data()["documents"] and b in _data()["documents"])


def asked_class(question: str, unit_hint: str = "") -> str:
    """The class of figure the question asks for: a cue phrase that holds the measure word named
    ("几个类别" over its 个), else the measure word, else its cue words."""
    cued = [(cls, c) for cls, cues in _data()["asks"].items() for c in cues if c in question]
    if unit_hint:
        fuller = [cls for cls, c in cued if unit_hint in c and len(c) > len(unit_hint) + 1]
        if fuller:
            return fuller[0]
        cls = unit_class(unit_hint)
        if cls:
            return cls
    return cued[0][0] if cued else ""


def compatible(asked_unit: str, asked_cls: str, fact_unit: str) -> float:
    """1.0 same unit, 0.9 same class, 0.7 unknown on either side, 0 another class."""
    if asked_unit and fact_unit == asked_unit:
        return 1.0
    fc = unit_class(fact_unit)
    if not asked_cls or not fc:
        return 0.7
    if fc == asked_cls:
        return 0.9
    return 0.0


__all__ = ["unit_class", "words_of", "interchangeable", "asked_class", "compatible"]
