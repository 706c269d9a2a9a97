"""Pure scoring functions for the eval suite: numbers, scales, citations, grounding, text recall.

No I/O here. Answers may be ``assistant.answers.Answer`` objects or their ``to_dict()`` form,
so scores can be recomputed from a saved ``summary.json``.

Numeric answers are scored TAT-QA style: the predicted number is rounded to the gold
number's decimals and must then be equal (no partial credit); the scale/unit is scored
separately by ``scale_match``.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

# ---------------------------------------------------------------- text folding


def fold(s: str | None) -> str:
    """NFKC + drop all whitespace (incl. NBSP and full-width space) — for span comparisons."""
    if not s:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute or key access, so Answer objects and their dicts score the same."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# ---------------------------------------------------------------- numbers

# Scale prefixes of a unit ("万元", "亿", "千人次"). Units that merely start with the
# same character (千米, 百分点) are real units, not scales.
_SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_NOT_SCALE = ("千米", "千克", "千瓦", "千伏", "千帕", "百分")
_NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_PERCENT_UNITS = ("%", "%", "‰", "百分比")


def unit_scale(unit: str | None) -> float:
    """The multiplier a unit's leading scale word implies (万元 -> 1e4, 亿元 -> 1e8, 件 -> 1)."""
    u = unicodedata.normalize("NFKC", unit or "").strip()
    factor = 1.0
    # "万亿" stacks; walk leading scale words
    while u and u[0] in _SCALES and not u.startswith(_NOT_SCALE):
        factor *= _SCALES[u[0]]
        u = u[1:]
    return factor


def is_percent_unit(unit: str | None) -> bool:
    u = unicodedata.normalize("NFKC", unit or "").strip()
    return u.startswith(_PERCENT_UNITS) and not u.startswith("百分点")


def _parse_text_number(text: str) -> tuple[float | None, str]:
    """Pull (number, unit-ish suffix) out of a string like '约1.7万', '12+6=18条', '98/162≈60.5%'."""
    s = unicodedata.normalize("NFKC", text).strip()
    # Shown arithmetic: the result is what follows the last '=' or '≈'.
    for sep in ("=", "≈"):
        if sep in s:
            s = s.rsplit(sep, 1)[1]
    m = _NUM_RE.search(s)
    if not m:
        return None, ""
    num = float(m.group(0).replace(",", ""))
    suffix = s[m.end():].strip()
    suffix = re.sub(r"^(?:余|多|左右)", "", suffix).strip()
    return num, suffix


def _parse(value: Any, unit: str | None) -> tuple[float | None, str]:
    """(raw number, effective unit). A unit written inside a string value wins over a bare unit."""
    if value is None or isinstance(value, bool):
        return None, unit or ""
    if isinstance(value, (int, float)):
        return float(value), unit or ""
    num, suffix = _parse_text_number(str(value))
    if num is None:
        return None, unit or ""
    eff = unit or ""
    if suffix and suffix[0] in _SCALES and not suffix.startswith(_NOT_SCALE):
        # "1.7万" with unit "条" -> 万条; the scale written in the value wins
        scale_words = re.match(r"[万亿千百]+", suffix).group(0)  # type: ignore[union-attr]
        eff = scale_words + (suffix[len(scale_words):].strip() or eff.lstrip("万亿千百"))
    elif suffix and is_percent_unit(suffix):
        eff = "%"
    elif suffix and not eff:
        eff = suffix
    return num, eff


def normalize_number(value: Any, unit: str | None = None) -> float | None:
    """A quantity in base units: scale words multiplied out (1.7 万 -> 17000, '约1.7万' -> 17000).

    Percentages stay in percent points ('60.5%' -> 60.5). Strings with shown arithmetic
    ('12+6=18条') give their result. Returns None when there is no number.
    """
    num, eff = _parse(value, unit)
    if num is None:
        return None
    return num * unit_scale(eff)


def effective_unit(value: Any, unit: str | None) -> str:
    """The unit a (value, unit) pair really expresses, folding units written inside the value."""
    return _parse(value, unit)[1]


def decimals_of(value: Any) -> int:
    """Decimals the gold number is written with (60.5 -> 1, 84.18 -> 2, 70 -> 0, '60.50' -> 2)."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, str):
        s = re.split(r"[=≈]", unicodedata.normalize("NFKC", value))[-1]
        m = _NUM_RE.search(s)
        text = m.group(0) if m else ""
    elif isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        text = str(value)
    return len(text.split(".", 1)[1]) if "." in text else 0


def round_half_up(x: float, decimals: int) -> Decimal:
    # round(…, 10) first removes float noise such as 0.605*100 = 60.49999999999999
    d = Decimal(repr(round(x, 10)))
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def numbers_match(got_value: Any, got_unit: str | None, gold_value: Any, gold_unit: str | None) -> bool:
    """TAT-QA style exact match after rounding the prediction to the gold's decimals.

    Scales are multiplied out when the prediction states a unit (1.7万 == 17000); a prediction
    without a unit may be written in the gold's scale or in base units (scale is scored
    separately by ``scale_match``).
    A ratio (<= 1, no % unit) is accepted for a percent gold (0.605 for 60.5%).
    """
    gold_num, gold_eff = _parse(gold_value, gold_unit)
    got_num, got_eff = _parse(got_value, got_unit)
    if gold_num is None or got_num is None:
        return gold_num is None and got_num is None and gold_value is None and got_value is None
    decimals = decimals_of(gold_value)
    gold_rounded = round_half_up(gold_num, decimals)

    candidates: list[float] = []
    if got_eff.strip():
        candidates.append(got_num * unit_scale(got_eff) / unit_scale(gold_eff))
    else:
        # no unit: either written in the gold's scale or in base units
        candidates += [got_num, got_num / unit_scale(gold_eff)]
    if is_percent_unit(gold_eff) and not is_percent_unit(got_eff) and abs(got_num) <= 1:
        candidates.append(got_num * 100)
    return any(round_half_up(c, decimals) == gold_rounded for c in candidates)


def scale_match(got_value: Any, got_unit: str | None, gold_value: Any, gold_unit: str | None) -> bool:
    """Same scale and percent-ness as the gold (万元 vs 元 -> False; 条 vs 件 -> True)."""
    gold_eff = effective_unit(gold_value, gold_unit)
    got_eff = effective_unit(got_value, got_unit)
    if not gold_eff.strip():
        return True
    return unit_scale(got_eff) == unit_scale(gold_eff) and is_percent_unit(got_eff) == is_percent_unit(gold_eff)


# ---------------------------------------------------------------- number tokens


def canonical_number(tok: str) -> str:
    """Thousands separators removed, trailing decimal zeros dropped ('1,234.50' -> '1234.5')."""
    t = unicodedata.normalize("NFKC", tok).replace(",", "")
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    return t


def number_tokens(text: str | None) -> list[str]:
    """Every number written in ``text``, canonical, in order."""
    if not text:
        return []
    s = unicodedata.normalize("NFKC", str(text))
    return [canonical_number(m.group(0)) for m in _NUM_RE.finditer(s)]


def format_gold_number(value: Any) -> str:
    """A gold number as it would be written in the report (70.0 -> '70', 84.18 -> '84.18')."""
    if isinstance(value, str):
        toks = number_tokens(value)
        return toks[-1] if toks else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return canonical_number(repr(value) if isinstance(value, float) else str(value))


# ---------------------------------------------------------------- citations


def citations(answer: Any) -> list[Any]:
    return list(_get(answer, "citations", None) or [])


def _basename(p: str | None) -> str:
    return re.split(r"[\\/]", p or "")[-1]


def evidence_numbers(gold: dict) -> list[str]:
    """Numbers written in the gold evidence span."""
    return number_tokens(gold.get("evidence"))


def cites_report(answer: Any, gold_report: str, evidence_nums: Iterable[str] = ()) -> bool:
    """Any citation's source is the gold report file.

    ``gold_report`` may be a file name, a list of them (all must be cited), or "*" for
    cross-report items: then the top citation's quote must contain a gold evidence number.
    """
    cits = citations(answer)
    if not cits:
        return False
    if isinstance(gold_report, (list, tuple)):
        return all(cites_report(answer, r) for r in gold_report)
    if gold_report == "*":
        wanted = set(evidence_nums)
        return bool(wanted & set(number_tokens(_get(cits[0], "quote", ""))))
    want = _basename(gold_report)
    return any(_basename(_get(c, "source", "")) == want for c in cits)


def _section_elements(section: Any) -> list[str]:
    if isinstance(section, (list, tuple)):
        parts = [str(p) for p in section]
    else:
        parts = re.split(r"\s*[›>]\s*", str(section or ""))
    return [p for p in (fold(x).rstrip("。.:: ") for x in parts) if p]


def section_matches(cited_section: Any, gold_section: str) -> bool:
    """Gold heading equals or is contained in any element of the cited heading path.

    A cited element that is a (long enough) part of the gold also counts, for parsers that
    cut an inline heading short.
    """
    g = fold(gold_section).rstrip("。.:: ")
    if not g:
        return False
    for el in _section_elements(cited_section):
        if g in el or (el in g and len(el) >= max(4, 0.6 * len(g))):
            return True
    return False


def cites_section(answer: Any, gold_section: str, top_k: int | None = None) -> bool:
    """The gold section is among the first ``top_k`` citations' section paths (all when None)."""
    cits = citations(answer)
    if top_k is not None:
        cits = cits[:top_k]
    return any(section_matches(_get(c, "section", ""), gold_section) for c in cits)


def cited_text(answer: Any, with_sql_rows: bool = False) -> str:
    """What the answer cites: quotes and cell labels; with ``with_sql_rows`` also the SQL result
    rows (they ground numbers shown, but a row the SQL returned is not a citation)."""
    parts: list[str] = []
    for c in citations(answer):
        parts += [str(_get(c, "quote", "") or ""), str(_get(c, "row_label", "") or ""),
                  str(_get(c, "col_label", "") or "")]
    if not with_sql_rows:
        return "\n".join(parts)
    for row in _get(answer, "cells", None) or []:
        if isinstance(row, dict):
            parts += [_cell_str(v) for k, v in row.items() if v is not None and not _is_bookkeeping(k)]
        else:
            parts.append(str(row))
    return "\n".join(parts)


def _is_bookkeeping(key: str) -> bool:
    """Ids and offsets in SQL rows are not evidence a number may be grounded in."""
    k = str(key).lower()
    return k == "id" or k.endswith("_id") or k in ("start", "end", "row", "col", "table_ord", "ord", "rowid")


def _cell_str(v: Any) -> str:
    # 70.0 from SQL is written 70 in reports
    return format_gold_number(v) if isinstance(v, float) else str(v)


_OPS_RE = re.compile(r"[+\-−×*/÷]")


def key_numbers(gold: dict) -> list[str]:
    """Numbers a correct answer must show evidence for.

    Lookups: the answer value. Derived answers with shown arithmetic ('98/162≈60.5%'): the
    operands. Compare answers without arithmetic ('39件比26件多13件'): the numbers other than
    the result.
    """
    value = gold.get("answer_value")
    if value is None:
        return []
    result = format_gold_number(value)
    text = unicodedata.normalize("NFKC", str(gold.get("answer_text") or ""))
    kind = gold.get("kind", "")
    if "=" in text or "≈" in text:
        lhs = re.split(r"[=≈]", text)[0]
        if _OPS_RE.search(lhs):
            ops = number_tokens(lhs)
            if ops:
                return ops
    if kind in ("compare", "sum", "percent", "cross_report"):
        written = set(number_tokens(gold.get("evidence")))
        others = [t for t in number_tokens(text) if t != result and t in written]
        if others:
            return others
    return [result]


def _span_found(evidence: str, haystack: str) -> bool:
    """Every ' ... '-separated part of the evidence occurs in the haystack (whitespace-folded)."""
    parts = [fold(p) for p in re.split(r"\s*(?:\.\.\.|…|/)\s*", evidence or "")]
    parts = [p for p in parts if p]
    h = fold(haystack)
    return bool(parts) and all(p in h for p in parts)


def evidence_in_quote(answer: Any, gold: dict) -> bool:
    """The gold evidence shows in what the answer cites.

    Figures: every key number (see ``key_numbers``) is a number written in a cited quote or cell
    label (rows the SQL returned but the answer does not cite do not count), and for each key
    number written in the evidence, the cited text holds the words right before or after it
    there (the row label, the wording of the prose figure): the right row, not just the same number.
    A figure the evidence writes in words (0 as '未发生') needs the evidence's wording cited.
    Otherwise the gold evidence span itself must be inside the cited text.
    """
    haystack = cited_text(answer)
    evidence = str(gold.get("evidence") or "")
    keys = key_numbers(gold)
    if keys:
        written = [k for k in keys if k in set(number_tokens(evidence))]
        if written:
            cited = set(number_tokens(haystack))
            if all(k in cited for k in keys) and all(
                    context_coverage(evidence, k, haystack) >= LABEL_COVERAGE for k in written):
                return True
        elif label_coverage(evidence, haystack) >= LABEL_COVERAGE:
            return True
    return _span_found(evidence, haystack)


LABEL_COVERAGE = 0.6
_CONTEXT_CHARS = 8
_CLAUSE_PUNCT_RE = re.compile(r"[,,。;;::!?!?]")


def number_context(evidence: str, number: str, after: bool = False) -> str:
    """The words right before (or, with ``after``, right after) ``number`` in the evidence, up to
    the neighbouring number or clause mark, at most 8 word characters
    ('(二)举办各类培训班数 38' -> '举办各类培训班数'; '1397户本级廉租住房…' after -> '户本级廉租住房保')."""
    s = unicodedata.normalize("NFKC", evidence)
    nums = list(_NUM_RE.finditer(s))
    for i, m in enumerate(nums):
        if canonical_number(m.group(0)) != number:
            continue
        if after:
            stop = nums[i + 1].start() if i + 1 < len(nums) else len(s)
            parts = _CLAUSE_PUNCT_RE.split(s[m.end():stop])
        else:
            start = nums[i - 1].end() if i > 0 else 0
            parts = list(reversed(_CLAUSE_PUNCT_RE.split(s[start:m.start()])))
        words = next((w for w in (re.sub(r"[\d\W_]+", "", p) for p in parts) if w), "")
        return words[:_CONTEXT_CHARS] if after else words[-_CONTEXT_CHARS:]
    return ""


def context_coverage(evidence: str, number: str, haystack: str) -> float:
    """How well the cited text holds the wording at ``number`` (label before or measure after)."""
    # a single character ('条') says nothing about which figure it is
    contexts = [c for c in (number_context(evidence, number), number_context(evidence, number, after=True))
                if len(c) >= 2]
    return max((label_coverage(c, haystack) for c in contexts), default=1.0)


def label_coverage(words: str, haystack: str) -> float:
    """Share of the character bigrams of ``words`` (numbers and punctuation removed) found in
    the cited text; 1.0 when there are no words to check."""
    w = re.sub(r"[\d\W_]+", "", unicodedata.normalize("NFKC", words))
    grams = [w[i:i + 2] for i in range(len(w) - 1)]
    if not grams:
        return 1.0
    h = re.sub(r"[\d\W_]+", "", unicodedata.normalize("NFKC", haystack))
    return sum(g in h for g in grams) / len(grams)


# ---------------------------------------------------------------- fabricated numbers

_CITE_MARK_RE = re.compile(r"\[\^?\d{1,2}\]|【\d{1,2}】")


def grounding_text(answer: Any) -> str:
    """Every place a number in the answer may legitimately come from."""
    parts = [cited_text(answer, with_sql_rows=True), str(_get(answer, "arithmetic", "") or "")]
    for c in citations(answer):
        parts += [str(_get(c, k, "") or "") for k in ("section", "report", "body", "year")]
    for conf in _get(answer, "conflicts", None) or []:
        parts += [str(v) for v in (_get(conf, "values", None) or [])]
        for c in _get(conf, "citations", None) or []:
            parts += [str(_get(c, k, "") or "") for k in ("quote", "section", "report", "row_label", "col_label")]
    return "\n".join(parts)


def fabricated_numbers(answer: Any) -> list[str]:
    """Numbers in the answer text that appear nowhere in its evidence or shown arithmetic.

    Citation markers like [1] are not numbers. A computed value counts as grounded when the
    answer shows its arithmetic (it may be rounded in the text).
    """
    text = _CITE_MARK_RE.sub(" ", unicodedata.normalize("NFKC", str(_get(answer, "answer", "") or "")))
    grounded = set(number_tokens(grounding_text(answer)))
    value = _get(answer, "value")
    shows_math = bool(_get(answer, "arithmetic"))
    out: list[str] = []
    for tok in number_tokens(text):
        if tok in grounded:
            continue
        if shows_math and value is not None and _rounds_to(value, tok):
            continue
        out.append(tok)
    return out


def _rounds_to(value: Any, tok: str) -> bool:
    try:
        d = len(tok.split(".", 1)[1]) if "." in tok else 0
        return round_half_up(float(value), d) == Decimal(tok) or (
            abs(float(value)) <= 1 and round_half_up(float(value) * 100, d) == Decimal(tok))
    except (InvalidOperation, ValueError, TypeError):
        return False


# ---------------------------------------------------------------- text answers

_CLAUSE_SPLIT_RE = re.compile(r"[;;]")
_ITEM_SPLIT_RE = re.compile(r"[、,,和]")
_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)


def key_phrases(gold_answer_text: str) -> list[str]:
    """Key phrases of a gold text answer.

    A gold written as clauses ('A;B、C;D') splits on ';' only: inside a clause '、' and '和'
    join words of one idea, and splitting there leaves generic fragments ('方式', '公开的内容')
    that match almost any answer. A gold written as a list ('A、B和C') splits on ';、,和'.
    """
    s = unicodedata.normalize("NFKC", gold_answer_text or "")
    splitter = _CLAUSE_SPLIT_RE if _CLAUSE_SPLIT_RE.search(s) else _ITEM_SPLIT_RE
    return [p for p in (fold(x).strip("。.") for x in splitter.split(s)) if p]


def _tokens(phrase: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut(phrase) if not _PUNCT_RE.fullmatch(t)]


def _bigrams(s: str) -> list[str]:
    s = _PUNCT_RE.sub("", s)
    return [s[i:i + 2] for i in range(len(s) - 1)] or ([s] if s else [])


_CLAUSE_RE = re.compile(r"[。;;!!??\n「」『』]+")
_FUNCTION_WORDS = frozenset("的 了 和 与 及 是 在 对 将 等 之 也 还 都 为".split())


def phrase_found(phrase: str, haystack: str) -> bool:
    """One sentence of the haystack holds all of the phrase's jieba tokens (function words
    aside), or >= 60% of its character bigrams. Scoping to a sentence keeps short generic
    phrases from being assembled out of words scattered over a long answer."""
    toks = [t for t in _tokens(phrase) if t not in _FUNCTION_WORDS] or _tokens(phrase)
    grams = _bigrams(phrase)
    for sentence in _CLAUSE_RE.split(haystack or ""):
        h = fold(sentence)
        if not h:
            continue
        if toks and all(t in h for t in toks):
            return True
        if grams and sum(g in h for g in grams) / len(grams) >= 0.6:
            return True
    return False


def keyphrase_recall(answer_text_and_quotes: str, gold_answer_text: str) -> float:
    """Share of the gold's key phrases (see ``key_phrases``) found in the answer text + quotes."""
    phrases = key_phrases(gold_answer_text)
    if not phrases:
        return 0.0
    return sum(phrase_found(p, answer_text_and_quotes) for p in phrases) / len(phrases)


KEYPHRASE_PASS = 0.5


# ---------------------------------------------------------------- routing, claims, conflicts


def route_match(got_route: str | None, gold_route: str) -> bool:
    """'both' on either side counts as right for sql or text; 'none' is never right."""
    got, gold = (got_route or "none"), (gold_route or "")
    if got == "none":
        return False
    if got == gold:
        return True
    return "both" in (got, gold) and {got, gold} <= {"sql", "text", "both"}


EXPECTED_VERDICT = {"claim_true": "supported", "claim_false": "refuted"}


def expected_verdict(gold: dict) -> str | None:
    return gold.get("verdict") or EXPECTED_VERDICT.get(gold.get("kind", ""))


def conflict_found(answer: Any, gold: dict) -> bool:
    """Every gold conflicting value is among the values of one of the answer's conflicts."""
    wanted = gold.get("conflicting_values") or []
    if not wanted:
        return bool(_get(answer, "conflicts", None))
    unit = gold.get("unit")
    got_values = [v for conf in (_get(answer, "conflicts", None) or []) for v in (_get(conf, "values", None) or [])]
    return all(any(numbers_match(v, None, w, unit) for v in got_values) for w in wanted)
