"""Place names and body names: administrative units, the place part of a body, its level."""
from __future__ import annotations

import logging
import re
from collections import Counter
from functools import lru_cache

HAN = r"[\u4e00-\u9fff]"
# Administrative unit suffixes (行政区划: 省级, 地级, 县级, 乡级), plus the 综合实验区/开发区 kind
# of functional zone that governs like a district.
PLACE_SUFFIX = r"(?:省|自治区|特别行政区|市|自治州|州|盟|地区|综合实验区|实验区|新区|开发区|区|自治县|县|旗|镇|乡|街道)"
# What a body's name ends with: governments, their offices, departments, agencies.
ORG_SUFFIX = (
    "人民政府办公室", "人民政府办公厅", "人民政府", "政府办公室", "政府办", "街道办事处", "办事处", "政府",
    "管理委员会", "委员会", "管委会", "管理局", "局", "委", "办公室", "办", "厅", "中心", "院", "署", "所", "站",
    "队", "部", "处", "会",
)
DEPT_SUFFIX = ("局", "委", "委员会", "管委会", "管理委员会", "办公室", "办", "厅", "中心", "院", "署", "所", "站", "队",
               "部", "处")
GENERIC_PLACES = {"全市", "我市", "本市", "该市", "全区", "我区", "本区", "全县", "我县", "全省", "我省",
                  "城区", "社区", "园区", "市区", "辖区", "地区", "新区", "景区", "全镇", "我镇", "我街", "片区"}
_LEVELS = (
    (("省", "自治区", "特别行政区"), "province"),
    (("市", "自治州", "州", "盟", "地区"), "city"),
    (("区", "新区", "实验区", "开发区"), "district"),
    (("县", "自治县", "旗"), "county"),
    (("镇", "乡"), "town"),
    (("街道", "街道办事处", "办事处"), "street"),
)

_PLACE_UNIT = re.compile(rf"{HAN}{{1,6}}?{PLACE_SUFFIX}")


@lru_cache(maxsize=4096)
def _word_ends(name: str) -> frozenset[int]:
    """Offsets where jieba ends a word in ``name``: 平潭|市场|监督管理局 has no end after 平潭市."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    ends, pos = set(), 0
    for w in jieba.cut(name, HMM=False):
        pos += len(w)
        ends.add(pos)
    return frozenset(ends)


def place_units(name: str) -> list[str]:
    """Leading administrative units of a name: 泰州市海陵区政府 -> [泰州市, 海陵区]. A unit must end
    where a word ends (平潭市场监督管理局 is 平潭 + 市场监督管理局, not 平潭市 + 场...)."""
    units, pos = [], 0
    while m := _PLACE_UNIT.match(name, pos):
        unit, end = m.group(0), m.end()
        # 温州市 / 通州区 / 新乡市: 州/乡/镇 were part of the name, not its suffix.
        if unit[-1] in "州乡镇" and end < len(name) and name[end] in "市区县":
            unit, end = unit + name[end], end + 1
        ends = _word_ends(name)
        if end < len(name) and end not in ends and (end - 1 in ends or end - 1 == 0):
            break  # the suffix character starts the next word (平潭|市场), not ends this one
        if unit in GENERIC_PLACES or (len(unit) == 2 and unit[0] in "全我本该各市区县省镇乡"):
            break
        units.append(unit)
        pos = end
    return units


def place_of(name: str) -> str:
    """The place part of a body name: 泰州市海陵区政府 -> 泰州市海陵区, 辽东街道办事处 -> 辽东街道."""
    return "".join(place_units(name))


def ends_like_body(name: str) -> bool:
    return bool(re.search(rf"(?:{PLACE_SUFFIX}|{'|'.join(ORG_SUFFIX)})$", name))


def is_department(body: str) -> bool:
    place = place_of(body)
    rest = body[len(place):] if place else body
    return bool(rest) and rest not in ("人民政府", "政府") and body.endswith(DEPT_SUFFIX)


def level_of(body: str, region: str) -> str:
    if body.endswith(("街道办事处", "办事处", "街道办")):
        return "street"
    if is_department(body):
        return "department"  # 局/委/办/厅...: 市教育局, 区政府办公室
    tail = region or place_of(body)
    for suffixes, level in _LEVELS:
        if tail.endswith(suffixes):
            return level
    return ""


@lru_cache(maxsize=1)
def _jieba_posseg():  # noqa: ANN202
    import jieba

    jieba.setLogLevel(logging.WARNING)
    import jieba.posseg as pseg

    return pseg


def place_names(text: str) -> Counter[str]:
    """Administrative place names jieba tags as ns (only those with an admin suffix)."""
    pseg = _jieba_posseg()
    names = Counter()
    for word, flag in pseg.cut(text):
        if flag == "ns" and re.fullmatch(rf"{HAN}{{2,8}}{PLACE_SUFFIX}", word) and word not in GENERIC_PLACES:
            names[word] += 1
    return names


def fuller_place(place: str, text: str, known: Counter[str]) -> str:
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
