"""The cue table: cues.yaml's word lists, compiled once.

The parser (this package) and the router (assistant/router.py) import the same compiled patterns, so a
figure cue or a qualitative cue means the same thing to both. The words are data (cues.yaml, each list with
its source); the few patterns around them (an anchor, a window of characters, a look-ahead) are here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

DATA_PATH = Path(__file__).with_name("cues.yaml")
_DATA: dict = yaml.safe_load(DATA_PATH.read_text("utf-8"))


def words(*path: str) -> list[str]:
    """The word list at ``path`` in cues.yaml (``words("compare", "which")``)."""
    node = _DATA
    for key in path:
        node = node[key]
    if isinstance(node, dict):
        node = node["words"]
    return [str(w) for w in node]


def source(*path: str) -> str:
    """Where the list at ``path`` comes from (its ``source:`` line)."""
    node = _DATA
    for key in path:
        node = node[key]
    return str(node.get("source", "")) if isinstance(node, dict) else ""


def alternation(ws: Iterable[str]) -> str:
    """A regex alternation of ``ws``, longest first (人次 is tried before 人), each word literal."""
    uniq = list(dict.fromkeys(ws))
    return "|".join(re.escape(w) for w in sorted(uniq, key=len, reverse=True))


def any_of(*path: str) -> re.Pattern[str]:
    return re.compile(f"(?:{alternation(words(*path))})")


# -- what kind of answer ---------------------------------------------------------------------------

FIGURE = re.compile(f"{alternation(words('figure'))}|几(?:{alternation(words('figure', 'measure_words_after_ji'))})")
QUALITATIVE = any_of("qualitative")
CONTACT = any_of("contact")

# A sum of the parts a total is listed in ("按类别加起来"): both a listed-parts word and a sum word.
LISTED_PARTS = any_of("listed_parts")
_ADDS_UP = re.compile(f"(?:{alternation(words('listed_parts', 'adds_up'))})")


def asks_listed_parts_sum(question: str) -> bool:
    return bool(LISTED_PARTS.search(question) and _ADDS_UP.search(question))


# -- claims ----------------------------------------------------------------------------------------

CLAIM = any_of("claim")
CLAIM_QUESTION = any_of("claim", "question_marks")

# -- operations ------------------------------------------------------------------------------------

_COMPARATIVE = alternation(words("compare", "comparatives"))
_BI_NOUN_TAILS = alternation(n[1:] for n in words("compare", "bi_nouns"))
COMPARE = re.compile(
    f"{alternation(words('compare'))}"
    # A比B多 (比 of 比例/比重/… is no comparison, nor 占比)
    f"|(?<!占)比(?!{_BI_NOUN_TAILS})[^,。?]{{1,20}}(?:{_COMPARATIVE})"
    # 哪个…(更)多 (哪个地方… asks across reports)
    f"|(?:{alternation(words('compare', 'which'))})(?!{alternation(words('compare', 'not_after_which'))})"
    f"[^,。?最]{{1,12}}?更?(?:{_COMPARATIVE})")
DIFFERENCE = re.compile("".join(f"(?<!{re.escape(w)})" for w in words("difference", "not_after"))
                        + f"(?:{alternation(words('difference'))})")
SUM = any_of("sum")
PERCENT = re.compile(f"{alternation(words('percent'))}|占[^,。?]{{0,20}}(?:多少|几)|占[^,。?]{{0,20}}的")
RATIO = any_of("ratio")
MAX = any_of("max")
MIN = any_of("min")
RANK = any_of("rank")
COUNT = any_of("count")
LIST = any_of("list")
ACROSS = any_of("across")
RELATES = any_of("relates")

# -- items of a sum or a comparison ----------------------------------------------------------------

ENUMERATION_END = any_of("enumeration_end")
COMPARE_ITEMS = any_of("compare_items")
# 比 between two compared items (比例/比重/比率/比值/比较 are no such 比)
ITEMS_BI = re.compile(f"比(?!{alternation([*(n[1:] for n in words('compare', 'bi_nouns')), '较'])})")
COMPARATIVE = re.compile(_COMPARATIVE)
ITEM_SPLIT = any_of("items", "split")
ITEM_LEAD = re.compile(f"^(?:{alternation(words('items', 'leads'))})+")
ITEM_TAIL = any_of("items", "predicate_starts")

# -- follow-ups ------------------------------------------------------------------------------------

FOLLOW_UP = re.compile(f"^(?:{alternation(words('follow_up', 'leads'))})"
                       f"|(?:{alternation(words('follow_up', 'tails'))})[?!.。]*$")

# -- units and question words ----------------------------------------------------------------------

UNITS = alternation(words("units"))
UNIT_ASK = re.compile(f"(?:多少|几)({UNITS})")  # group 1: the unit asked for
NOT_A_UNIT = any_of("units", "not_a_unit")
NUMBER_UNITS = alternation(words("units", "after_number"))
NUMBER = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*({NUMBER_UNITS})?")  # group 1: the number, group 2: its unit
QUESTION_WORDS = re.compile(f"了?(?:多少|几)(?:{alternation(words('units', 'squeezed'))})?|共|了")
MEASURE = re.compile(f"^(?:{UNITS})")  # fullmatch: the word is a unit
NAME_TAIL = re.compile(f"(?:的?(?:{alternation(words('name_tails'))}))$")

# -- SQL smuggling ---------------------------------------------------------------------------------

SQL_WORDS = re.compile(f"(?i)(?<![a-z])({alternation(words('sql_words'))})(?![a-z])")


__all__ = ["ACROSS", "CLAIM", "CLAIM_QUESTION", "COMPARATIVE", "COMPARE", "COMPARE_ITEMS", "CONTACT", "COUNT",
           "DATA_PATH", "DIFFERENCE", "ENUMERATION_END", "FIGURE", "FOLLOW_UP", "ITEMS_BI", "ITEM_LEAD", "ITEM_SPLIT",
           "ITEM_TAIL", "LIST", "MAX", "MEASURE", "MIN", "NAME_TAIL", "NOT_A_UNIT", "NUMBER", "NUMBER_UNITS",
           "PERCENT", "QUALITATIVE", "QUESTION_WORDS", "RANK", "RATIO", "RELATES", "SQL_WORDS", "SUM", "UNITS",
           "UNIT_ASK", "alternation", "any_of", "source", "words"]
