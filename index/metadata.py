"""Report metadata: title, issuing body, region, level, statistical year, publish date, aliases.

Runs on the stripped ``Report.text`` (``strip_furniture`` keeps date-bearing lines, see
``index/normalize.py``). Spam words that hijacked sites put into titles (``365bet体育平台``) are
never used as names: the title gets the inferred body instead.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache

from index.models import Metadata

# --- spam ---------------------------------------------------------------------------------

SPAM = re.compile(
    r"[0-9a-z]*bet[0-9a-z]*|体育(?:平台|投注|在线|官网|网址)?|娱乐(?:城|平台|网址|官网|场)?|彩票|博彩|"
    r"casino|赌场|赌博|棋牌|真人|百家乐|六合彩|时时彩|威尼斯人|葡京|皇冠|亚博|开云|"
    r"(?:www\.)?[0-9a-z-]+\.(?:com|net|cc|vip|me|co)\b",
    re.I,
)


def is_spam(s: str) -> bool:
    return bool(SPAM.search(s))


def remove_spam(s: str) -> str:
    return SPAM.sub("", s).strip(" -_·|:")


# --- title --------------------------------------------------------------------------------

_META_FIELD = re.compile(
    r"(索\s*引\s*号|主题分类|发布机构|发文机关|文\s*号|发文日期|成文日期|发布日期|发布时间|"
    r"点击|来\s*源|作者|生成日期|公开方式|所属机构)\s*[::]"
)
_TITLE_WORDS = ("报告", "年报", "工作情况", "工作总结")


def find_title_line(lines: list[str], window: int = 25) -> int | None:
    """Index of the title line: the first short non-field line that reads like a report title."""
    seen = 0
    fallback = None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > window:
            break
        if _META_FIELD.search(s) or len(s) > 80 or s.startswith("|"):
            continue
        if fallback is None and len(s) >= 4:
            fallback = i
        if any(w in s for w in _TITLE_WORDS):
            return i
    return fallback


# --- places and bodies --------------------------------------------------------------------

_HAN = r"[\u4e00-\u9fff]"
_PLACE_SUFFIX = r"(?:省|自治区|特别行政区|市|自治州|州|盟|地区|新区|区|自治县|县|旗|镇|乡|街道)"
_ORG_SUFFIX = (
    "人民政府办公室", "人民政府办公厅", "人民政府", "政府办公室", "政府办", "街道办事处", "办事处", "政府",
    "委员会", "管理委员会", "局", "委", "办公室", "办", "厅", "中心", "院", "署", "所", "站", "队", "部",
)
_DEPT_SUFFIX = ("局", "委", "委员会", "办公室", "办", "厅", "中心", "院", "署", "所", "站", "队", "部")
_GENERIC_PLACES = {"全市", "我市", "本市", "该市", "全区", "我区", "本区", "全县", "我县", "全省", "我省",
                   "城区", "社区", "园区", "市区", "辖区", "地区", "新区", "景区", "全镇", "我镇", "我街"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_STOP = re.compile(
    r"(?:(?:19|20)\d{2}\s*年|关于|落实|政府信息公开|信息公开|政务公开|《|年度|工作年度|工作报告|的报告)"
)
_PUBLISHER = re.compile(r"(?:发布机构|发文机关|所属机构|发布单位)\s*[::]\s*([^\s:,;]{2,30})")
_LEVELS = (
    (("省", "自治区", "特别行政区"), "province"),
    (("市", "自治州", "州", "盟", "地区"), "city"),
    (("区", "新区"), "district"),
    (("县", "自治县", "旗"), "county"),
    (("镇", "乡"), "town"),
    (("街道", "街道办事处", "办事处"), "street"),
)


_PLACE_UNIT = re.compile(rf"{_HAN}{{1,6}}?{_PLACE_SUFFIX}")


def _place_units(name: str) -> list[str]:
    """Leading administrative units of a name: 泰州市海陵区政府 -> [泰州市, 海陵区]."""
    units, pos = [], 0
    while m := _PLACE_UNIT.match(name, pos):
        unit, end = m.group(0), m.end()
        # 温州市 / 通州区 / 新乡市: 州/乡/镇 were part of the name, not its suffix.
        if unit[-1] in "州乡镇" and end < len(name) and name[end] in "市区县":
            unit, end = unit + name[end], end + 1
        if unit in _GENERIC_PLACES or (len(unit) == 2 and unit[0] in "全我本该各市区县省镇乡"):
            break
        units.append(unit)
        pos = end
    return units


def _place_of(name: str) -> str:
    """The place part of a body name: 泰州市海陵区政府 -> 泰州市海陵区, 辽东街道办事处 -> 辽东街道."""
    return "".join(_place_units(name))


def _strip_org(name: str) -> str:
    for suf in sorted(_ORG_SUFFIX, key=len, reverse=True):
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


@lru_cache(maxsize=1)
def _jieba_posseg():  # noqa: ANN202
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import jieba.posseg as pseg

    return pseg


def _place_names(text: str) -> Counter[str]:
    """Administrative place names jieba tags as ns (only those with an admin suffix)."""
    pseg = _jieba_posseg()
    names = Counter()
    for word, flag in pseg.cut(text):
        if flag == "ns" and re.fullmatch(rf"{_HAN}{{2,8}}{_PLACE_SUFFIX}", word) and word not in _GENERIC_PLACES:
            names[word] += 1
    return names


def _fuller_place(place: str, text: str, known: Counter[str]) -> str:
    """Grow ``place`` with the place names written right before it (泰州市 + 海陵区)."""
    for _ in range(2):
        best = ""
        for m in re.finditer(re.escape(place), text):
            before = text[max(0, m.start() - 8): m.start()]
            for name in known:
                if before.endswith(name) and name not in place and len(name) > len(best):
                    best = name
        if not best:
            break
        place = best + place
    return place


def _body_from_title(title: str) -> str:
    t = re.sub(r"^\s*(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?)?", "", title)  # "2017年海陵区..." -> "海陵区..."
    m = _TITLE_STOP.search(t)
    prefix = (t[: m.start()] if m else "").strip(" :、,")
    if len(prefix) < 2 or is_spam(prefix) or prefix in _GENERIC_PLACES or prefix[0] in "全我本该各":
        return ""
    if not re.search(rf"(?:{_PLACE_SUFFIX}|{'|'.join(_ORG_SUFFIX)})$", prefix):
        return ""
    return prefix


def _clean_title(title: str, body: str) -> str:
    """Drop a spam name from a title; a spam name in the body slot gives way to ``body``."""
    m = _TITLE_STOP.search(title)
    if m and is_spam(title[: m.start()]):
        rest = title[m.start():]
        return body + rest if body else rest
    return remove_spam(title)


def _infer_department(text: str) -> str:
    """``我局`` + ``市交通运输系统`` -> ``交通运输局`` (a department that never names itself)."""
    kinds = Counter(re.findall(r"我(局|委|厅|办|署|中心)", text[:4000]))
    if not kinds:
        return ""
    kind = kinds.most_common(1)[0][0]
    stems = Counter(re.findall(rf"(?:我|全)?(?:省|市|县|区)({_HAN}{{2,6}}?)系统", text[:4000]))
    stems = Counter({s: n for s, n in stems.items() if not is_spam(s) and s not in ("政务", "政府")})
    if not stems:
        return ""
    return stems.most_common(1)[0][0] + kind


# --- dates --------------------------------------------------------------------------------

_DATE = r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
_LABELLED_DATE = re.compile(rf"(?:发布日期|发布时间|发文日期|成文日期|印发日期|日期)\s*[::]\s*{_DATE}")
_DATE_LINE = re.compile(rf"^\s*{_DATE}\s*$")
_STAT_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间|周期)?[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")


def _iso(y: str, m: str, d: str) -> str | None:
    mi, di = int(m), int(d)
    if 1 <= mi <= 12 and 1 <= di <= 31:
        return f"{int(y):04d}-{mi:02d}-{di:02d}"
    return None


def _publish_date(lines: list[str], title_idx: int | None) -> str | None:
    head = "\n".join(lines[:40])
    m = _LABELLED_DATE.search(head)
    if m and (iso := _iso(*m.groups())):
        return iso
    start = (title_idx or 0) + 1
    for line in lines[start: start + 12]:
        m = _DATE_LINE.match(line)
        if m and (iso := _iso(*m.groups())):
            return iso
    for line in reversed([ln for ln in lines[-8:] if ln.strip()]):  # signature date at the end
        m = _DATE_LINE.match(line)
        if m and (iso := _iso(*m.groups())):
            return iso
    return None


def _year(title: str, text: str, lines_skip: set[int], lines: list[str]) -> int | None:
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    body = "\n".join(ln for i, ln in enumerate(lines) if i not in lines_skip)
    m = _STAT_PERIOD.search(body)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(body[:3000]))
    return years.most_common(1)[0][0] if years else None


# --- entry point --------------------------------------------------------------------------

def _level(body: str, region: str) -> str:
    if body.endswith(("街道办事处", "办事处", "街道办")):
        return "street"
    place = _place_of(body)
    rest = body[len(place):] if place else body
    if rest and rest not in ("人民政府", "政府") and body.endswith(_DEPT_SUFFIX):
        return "department"  # 局/委/办/厅...: 市教育局, 区政府办公室
    tail = region or place
    for suffixes, level in _LEVELS:
        if tail.endswith(suffixes):
            return level
    return ""


_CN_YEAR_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _arabic_years(s: str) -> str:
    """二〇一九年 -> 2019年 (years written in Chinese digits)."""
    return re.sub(r"([〇零一二三四五六七八九]{4})(?=\s*年)", lambda m: m.group(1).translate(_CN_YEAR_DIGITS), s)


def _body_in_text(text: str, known: Counter[str]) -> str:
    """Last resort: the government most often named as <place>人民政府 in the text."""
    govs = Counter()
    for name in known:
        n = text.count(name + "人民政府")
        if n:
            govs[name + "人民政府"] = n
    return govs.most_common(1)[0][0] if govs else ""


def extract_metadata(text: str, source: str, fields: dict[str, str] | None = None) -> Metadata:
    lines = text.split("\n")
    title_idx = find_title_line(lines)
    raw_title = lines[title_idx].strip() if title_idx is not None else source.rsplit(".", 1)[0]
    head = "\n".join(lines[:60])

    # Body: the publisher field, else the title's prefix, else a department inferred from text.
    body = ""
    m = _PUBLISHER.search(head)
    if m and not is_spam(m.group(1)):
        body = m.group(1).strip()
    title_body = _body_from_title(_arabic_years(raw_title if not is_spam(raw_title) else remove_spam(raw_title)))
    if not body:
        body = title_body

    known = _place_names(text[:6000])
    dept = ""
    if not body:
        dept = _infer_department(text)
        if dept:
            # A 市-level department (我市/市...系统) lives in the most named 市 of the text.
            city = [n for n, _ in known.most_common() if n.endswith("市")]
            body = (city[0] if city else "") + dept
    if not body:
        body = _body_in_text(text[:6000], known)
    # A bare place in the title becomes "<place>人民政府" when the text names it so.
    if body and _place_of(body) == body and body + "人民政府" in text:
        body = body + "人民政府"

    place = _place_of(body) if body else ""
    region = _fuller_place(place, text, known) if place else ""
    if not region:
        top = [n for n, _ in known.most_common(3)]
        region = top[0] if top else ""

    title = raw_title
    if is_spam(title):
        title = _clean_title(title, body)

    # Year: the title's, else the statistical period, else the commonest year of the body.
    skip = {i for i, ln in enumerate(lines[:40]) if _META_FIELD.search(ln) or _DATE_LINE.match(ln)}
    year = _year(_arabic_years(title), text, skip, lines)

    aliases: list[str] = []

    def add(name: str) -> None:
        name = name.strip()
        if len(name) >= 2 and not is_spam(name) and name not in aliases and name != body:
            aliases.append(name)

    if region:
        add(region)
    if place:
        add(place)
        last = _place_units(place)[-1]
        add(last)  # 北京市海淀区 -> 海淀区
        bare = re.sub(rf"{_PLACE_SUFFIX}$", "", last)
        if len(bare) >= 2 and bare != last:
            add(bare)  # 海淀
    if title_body:
        add(title_body)
    if body:
        if place and body in (place, place + "人民政府", place + "政府"):
            for p in dict.fromkeys((place, _place_units(place)[-1], region)):
                add(p + "人民政府")
                add(p + "政府")
        elif place and body.startswith(place) and len(body) - len(place) >= 2 \
                and not body[len(place):].startswith(("人民政府", "政府")):  # generic alone
            add(body[len(place):])  # 杭州市教育局 -> 教育局
        if region and place and body.startswith(place) and region != place:
            add(region + body[len(place):])
    if dept:
        add(dept)
        if region:
            add(region + dept)
    return Metadata(
        title=title,
        body=body,
        region=region,
        level=_level(body, region),
        year=year,
        publish_date=_publish_date(lines, title_idx),
        aliases=aliases,
    )
