"""The checks every LLM output passes before a user sees it.

* every number in the text equals a figure it may state — a cited fact's value, a number of a cited quote
  (or of the report's title, section or row it cites), or a number of the arithmetic shown — read with the
  same unit scale (``index/numbers.py``: "1.7万" is 17000, never 1.7);
* every citation mark ``[k]`` points at one of the quotes given (1..n), and every sentence carries one.

A check returns "" when the text passes, else the reason it is discarded (logged and shown in the answer's
``llm.discarded``).
"""
from __future__ import annotations

import re

from index.numbers import find_numbers

CITE = re.compile(r"[\[【]\s*(\d{1,3})\s*[\]】]")
_SENTENCE_END = re.compile(r"(?<=[。!?!?;;])")
TOLERANCE = 1e-6


def _values(text: str) -> list[float]:
    return [n.value for n in find_numbers(text or "")]


def allowed_numbers(citations: list, values: list = (), arithmetic: str = "") -> list[float]:  # noqa: ANN001
    """The figures a text grounded in these citations, fact values and arithmetic may state."""
    out = [float(v) for v in values if v is not None]
    for c in citations:
        for part in (c.quote, c.report, c.section, c.row_label, c.col_label, *(c.row or [])):
            out += _values(part)
        if c.year:
            out.append(float(c.year))
    return out + _values(arithmetic or "")


def ungrounded_numbers(text: str, allowed: list[float]) -> list[str]:
    """The numbers of ``text`` (citation marks aside) that equal none of ``allowed``."""
    bare = CITE.sub(" ", text or "")
    return [n.raw for n in find_numbers(bare)
            if not any(abs(n.value - a) <= TOLERANCE * max(1.0, abs(a)) for a in allowed)]


def check_numbers(text: str, allowed: list[float]) -> str:
    bad = ungrounded_numbers(text, allowed)
    return f"numbers not in any cited fact or quote: {', '.join(bad[:5])}" if bad else ""


def check_citations(text: str, n_quotes: int, every_sentence: bool = True) -> str:
    """Citation marks in range; with ``every_sentence``, no sentence without one."""
    marks = [int(m) for m in CITE.findall(text or "")]
    wrong = sorted({m for m in marks if not 1 <= m <= n_quotes})
    if wrong:
        return f"citation numbers point at no retrieved quote: {wrong} (quotes: 1..{n_quotes})"
    if every_sentence:
        bare = [s for s in _SENTENCE_END.split(text or "") if re.search(r"\w", CITE.sub("", s))]
        uncited = [s.strip() for s in bare if not CITE.search(s)]
        if uncited:
            return f"a sentence carries no citation number: {uncited[0][:60]}"
        if not marks:
            return "no citation numbers"
    return ""


def check_text(text: str, citations: list, values: list = (), arithmetic: str = "",  # noqa: ANN001
               cite_marks: bool = False) -> str:
    """Both checks for one text: its numbers against what it cites (quotes, fact values, arithmetic),
    and (``cite_marks``) its citation marks."""
    if cite_marks:
        reason = check_citations(text, len(citations))
        if reason:
            return reason
    return check_numbers(text, allowed_numbers(citations, values, arithmetic))


__all__ = ["allowed_numbers", "ungrounded_numbers", "check_numbers", "check_citations", "check_text", "CITE"]
