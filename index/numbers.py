"""Numbers and their units as Chinese reports write them.

``parse_number`` reads one whole string ("84.18", "1,234", "251000元", "1万余人", "两万",
"百分之九十", "九成"); ``find_numbers`` finds every number in running text together with the
counting unit that follows it ("54条", "15个工作日", "30万元", "92.6%") and exact offsets.
Chinese numerals are converted by a small converter of our own (cn2an is used when installed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

def format_number(v: float | None) -> str:
    """A figure as reportqa writes it everywhere (answers, arithmetic, audit notes, exports): without
    float noise or an exponent — 70.0 → 70, 90.2 → 90.2, 16220.85 → 16220.85, 98.571428… → 98.571428 —
    and "" for None."""
    if v is None:
        return ""
    r = round(float(v), 6)
    if r == int(r):
        return str(int(r))
    return f"{r:.6f}".rstrip("0").rstrip(".")


# Longest first so "个工作日" wins over "个" and "万元" over "万".
UNITS = sorted([
    "个工作日", "工作日", "人次", "件次", "万元", "亿元", "元", "批次", "个", "件", "条", "项", "次",
    "户", "家", "%", "人", "天", "期", "篇", "名", "份", "场", "封", "所", "处", "位", "台", "张",
    "栏目", "期次", "万人次", "万人", "万件", "万条",
    "起",  # cases and incidents (作出行政处罚决定784起, 行政复议1起)
], key=len, reverse=True)

# Units that multiply the number they follow and keep a unit of their own: "1.7万" -> 17000.
_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
# Financial numerals (壹贰叁, 伍, 拾) are left out on purpose: 伍 in 队伍 would read as 5.
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL) + "".join(CN_BIG) + "点"

_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
# number, optional 万/亿 multiplier, optional 余/多 (approximate), optional unit
_NUM_RE = re.compile(
    rf"(?P<num>{_ARABIC})(?P<mult>[万亿])?(?P<approx>余|多)?\s?(?P<unit>{_UNIT_RE})?"
)
_CN_NUM_RE = re.compile(
    rf"(?P<pct>百分之)?(?P<num>[{_CN_CHARS}]+)(?P<cheng>成)?(?P<approx>余|多)?(?P<unit>{_UNIT_RE})?"
)


@dataclass
class NumberSpan:
    value: float
    unit: str | None
    start: int
    end: int
    raw: str
    approx: bool = False


def cn_to_number(s: str) -> float | None:
    """Convert a Chinese numeral ("二十三", "1.7万" is not handled here, "两万", "三点五") to a float."""
    if not s:
        return None
    try:  # prefer the library when available
        import cn2an  # type: ignore

        return float(cn2an.cn2an(s, "smart"))
    except Exception:  # noqa: BLE001 - not installed or refused; fall back to our converter
        pass
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = cn_to_number(whole) if whole else 0.0
        if w is None or not frac or any(c not in CN_DIGITS for c in frac):
            return None
        return w + float("0." + "".join(str(CN_DIGITS[c]) for c in frac))
    if all(c in CN_DIGITS for c in s) and len(s) > 1:  # digit by digit: "二〇一九"
        return float("".join(str(CN_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in CN_DIGITS:
            digit = CN_DIGITS[c]
        elif c in CN_SMALL:
            section += (1 if digit is None else digit) * CN_SMALL[c]
            digit = None
        elif c in CN_BIG:
            section += digit or 0
            if section == 0 and total == 0:
                section = 1  # a bare 万 ("万余件") is ten thousand
            total = (total + section) * CN_BIG[c] if c == "亿" else total + section * CN_BIG[c]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


def _unit_value(num: float, mult: str | None, unit: str | None) -> tuple[float, str | None]:
    if mult:
        if unit == "元":  # "30万元": keep the report's own unit, 万元
            return num, "万" + unit
        num *= _MULT[mult]
    return num, unit


def parse_number(s: str) -> tuple[float, str | None] | None:
    """Parse a string that is one number with an optional unit; None if it is anything else."""
    t = s.strip().replace("\u00a0", "").replace(" ", "")
    if not t:
        return None
    m = _NUM_RE.fullmatch(t)
    if m:
        num = float(m.group("num").replace(",", ""))
        return _unit_value(num, m.group("mult"), m.group("unit"))
    m = _CN_NUM_RE.fullmatch(t)
    if m:
        v = cn_to_number(m.group("num"))
        if v is None:
            return None
        if m.group("pct"):
            return v, "%"
        if m.group("cheng"):
            return v * 10, "%"
        return v, m.group("unit")
    return None


def find_numbers(text: str, chinese: bool = True) -> list[NumberSpan]:
    """Every number in ``text`` with the unit that follows it (offsets exact, decimals whole)."""
    out: list[NumberSpan] = []
    for m in _NUM_RE.finditer(text):
        s, e = m.span()
        if s > 0 and (text[s - 1].isdigit() or text[s - 1] == "."):
            continue  # inside a longer token such as a version string
        num = float(m.group("num").replace(",", ""))
        unit = m.group("unit")
        mult = m.group("mult")
        if mult and not unit and mult not in "万亿":
            mult = None
        value, unit = _unit_value(num, mult, unit)
        if not m.group("unit") and not mult:
            e = m.end("num")  # do not swallow a trailing space or 余/多 without a unit
        out.append(NumberSpan(value, unit, s, e, text[s:e], bool(m.group("approx"))))
    if chinese:
        taken = [(n.start, n.end) for n in out]
        for m in _CN_NUM_RE.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            num = m.group("num")
            pct, cheng, unit = m.group("pct"), m.group("cheng"), m.group("unit")
            if not (pct or cheng or unit):
                continue  # bare 一/十 inside words is not a number
            if s > 0 and text[s - 1] in "第初星周统唯之万逐":
                continue  # ordinals and words (第三次, 统一, 唯一)
            if num in ("一", "两") and unit and not pct:
                continue  # "一次研究", "两个方面": prose, not statistics
            if not m.group("approx") and not any(ch in CN_DIGITS or ch in CN_SMALL for ch in num):
                continue  # a scale alone is no number: "(单位:万元)"; "万余件" still is
            if cheng and num in ("一", "两", "二"):
                continue
            v = cn_to_number(num)
            if v is None:
                continue
            if pct:
                out.append(NumberSpan(v, "%", s, m.end("num"), text[s:m.end("num")]))
            elif cheng:
                out.append(NumberSpan(v * 10, "%", s, m.end("cheng"), text[s:m.end("cheng")]))
            else:
                out.append(NumberSpan(v, unit, s, e, text[s:e], bool(m.group("approx"))))
    out.sort(key=lambda n: n.start)
    return out


__all__ = ["NumberSpan", "UNITS", "parse_number", "find_numbers", "cn_to_number"]
