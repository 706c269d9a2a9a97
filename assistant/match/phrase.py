"""What a figure question asks for, as phrases: the quantity words left once the body, the years,
the source ("按2022年年报") and the interrogative are taken out; and, for a computation, its items.

    "平潭财政金融局2022年依申请公开的信息和不予公开的信息合计多少条?"
      -> items ["依申请公开的信息", "不予公开的信息"], op sum
    "农业农村局2019年主动公开的173条信息中,行政许可类占比是多少?"
      -> part "行政许可类", whole "主动公开的173条信息" (stated whole 173 条)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.numbers import find_numbers

_YEAR = re.compile(r"(?:截至|截止|到)?(?:19|20)\d{2}\s*年(?:度|底|末|全年|年底)?(?:以来)?")
_SOURCE = re.compile(r"(?:按|据|根据|依据|按照)[^,,。?]{0,24}?(?:年报|年度报告|报告|附表|统计表)(?:正文|的说法|的数据|中|里)?[,,]?")
def _measure_words() -> str:
    from index.units import _data

    ws = {w for cls in _data()["classes"].values() for w in cls if re.match(r"[\u4e00-\u9fff]", str(w))}
    return "|".join(sorted(ws, key=len, reverse=True))


_ASK = re.compile(r"(?:一共|总共|共计|合计|总计|加起来|加在一起|之和)?(?:是|有|为|达到?|约|大约|大概|究竟是|究竟)?"
                  rf"(?:多少|几)(?:{_measure_words()})?"
                  r"|(?:吗|呢|么)$|[??。!!]")
_TAIL = re.compile(r"(?:的数量|的数字|的数目|分别|各自|大约|大概|约|呢|吗|了|过)+$")
_LEAD = re.compile(r"^(?:那么|那|请问|问|在|其(?![他它余])|该[局办委区]?|全年|当年|本年度?|今年|全区|我局)+")
_SEP = re.compile(r"[,,;;]")

# A computation's shape.  Connectives of ordinary Chinese: 和/与/及/以及/加上/跟/同 (and), 比 (than),
# 占 (share of), 中/里/当中/之中 (among).
# Strongest first: "A与B及C合计" is A and "B及C" (one item named with 及).
_AND_ORDER = ("加上", "以及", "和", "与", "或", "及", "跟", "、")
# A sum asked without the parser reading items: only the unambiguous cues (共 alone is "共收到…").
_SUM_ASKED = re.compile(r"合计|一共|总共|共计|加起来|加在一起|之和|总和")
# Reasons listed for one outcome: "以A或B为由拒绝公开的申请", "因A和B而无法提供的".
_REASON = re.compile(r"^(?:以|因为|因|由于)(?P<reasons>.+?)(?:为由|而)(?P<outcome>.*)$")
_SUM_CUE = re.compile(r"(?:合计|一共|总共|共计|总计|加起来|加在一起|之和|总和|共有|共)")
_MORE = re.compile(r"比(?P<b>.+?)(?:多出?|少|高|低|增加|减少)(?:了)?(?:多少|几)")
_RATIO = re.compile(r"(?:占|的)?(?:多大|多少)?(?:占比|比例|比重|百分比|几成)")
_SHARE = re.compile(r"占(?!比)(?:其|了)?(?P<whole>[^,,?]*?)(?:的)?(?:多大|多少|几成|百分之几)?(?:的)?(?:比例|比重|百分比|占比|几成|多少)")
_AMONG_WORDS = ("中", "里", "当中", "之中", "里面")


class _Among:
    """ "X中,Y" split where 中 is a word of its own (never the 中 of 集中 or 其中)."""

    @staticmethod
    def match(text: str):  # noqa: ANN205
        import jieba.posseg as pseg

        from index.sparse import _ensure_jieba

        _ensure_jieba()
        pos = 0
        for w, flag in pseg.lcut(text):  # a localizer (方位词 "f"), not the 中 of 中标
            if w in _AMONG_WORDS and flag == "f" and pos > 0:
                whole, part = text[:pos], text[pos + len(w):].lstrip(",,")
                if part:
                    return _Split(whole, part)
            pos += len(w)
        return None


@dataclass
class _Split:
    whole_text: str
    part_text: str

    def group(self, name: str) -> str:
        return self.whole_text if name == "whole" else self.part_text


_AMONG = _Among()


@dataclass
class Items:
    op: str  # lookup | sum | difference | percent
    items: list[str]  # lookup: [phrase]; sum/difference: [a, b, ...]; percent: [part, whole]
    context: str = ""  # words that scope every item ("主动公开的信息中" for a part asked of a whole)
    stated: dict[int, tuple[float, str]] = field(default_factory=dict)  # item -> a value the question states


def _scope(text: str, mentions: list[str]) -> str:
    """The question without its bodies, years and sources (interrogatives kept: they mark the shape)."""
    q = unicodedata.normalize("NFKC", text)
    for m in sorted((unicodedata.normalize("NFKC", m) for m in mentions if m), key=len, reverse=True):
        q = q.replace(m, " ")
    q = _SOURCE.sub(" ", q)
    q = _YEAR.sub(" ", q)
    return re.sub(r"\s+", "", q)


def strip(text: str, mentions: list[str]) -> str:
    """The question's quantity words: bodies, years, sources and interrogatives removed."""
    return _clean(_scope(text, mentions))


def _clean(s: str) -> str:
    s = _ASK.sub("", s)
    s = re.sub(r"[\s“”\"'‘’「」]+", "", s).strip(",,、的")
    s = _LEAD.sub("", s)
    s = _TAIL.sub("", s)
    s = re.sub(r"[两二三四五六七八九十]类$", "", s)  # "依申请公开和不予公开两类"
    return s.strip(",,、的")


def _split_and(body: str) -> list[str]:
    """Items joined by the strongest connective; a part that is itself a 、-list is split too, unless it
    names examples of one item ("抢险救灾、优抚、救济、社会捐助等款物")."""
    for w in _AND_ORDER:
        if w in body:
            out = []
            for part in (_clean(x) for x in body.split(w)):
                if part and w != "、" and "、" in part and "等" not in part:
                    out += [p for p in (_clean(x) for x in part.split("、")) if p]
                elif part:
                    out.append(part)
            return out
    return [body]


def _stated(piece: str) -> tuple[float, str] | None:
    nums = [n for n in find_numbers(piece) if n.unit]
    return (nums[0].value, nums[0].unit) if len(nums) == 1 else None


# A whole written as a sum of named parts: "主流媒体报道和微信公众平台文章合计", "A与B之和".
_SUMMED = re.compile(r"^(?P<body>.+?)(?:的)?(?:合计|总和|之和|加起来|总数|总量)$")
_SUM_BRACKET = re.compile(r"[((]([^()()]*?(?:合计|总和|之和))[))]")


def summed_parts(whole: str) -> list[list[str]]:
    """The ways ``whole`` reads as a sum of named parts, the fewest parts first: split at its first
    connective ("主动公开与依申请公开及不予公开" -> 主动公开 | 依申请公开及不予公开, when the report states the
    second as one figure), then at every connective; [] when it names no sum."""
    m = _SUMMED.match(whole or "")
    if not m:
        return []
    body = m.group("body")
    out: list[list[str]] = []
    if any(w in body for w in _AND_ORDER[:-1]):
        k, w = min((body.find(w), w) for w in _AND_ORDER[:-1] if w in body)
        pair = [_clean(body[:k]), _clean(body[k + len(w):])]
        if all(pair):
            out.append(pair)
    every = _split_and(body)
    if len(every) >= 2 and every not in out:
        out.append(every)
    return out


def split_items(text: str, mentions: list[str], op: str) -> Items:
    """The items a figure question names, for the operation the parser read (lookup, sum, difference,
    compare, percent)."""
    flat = _scope(text, mentions)
    if op == "percent":
        # "文件中(主动公开与依申请公开及不予公开合计),主动公开占多少": a bracket that sums defines the whole
        bracket = _SUM_BRACKET.search(flat)
        if bracket:
            flat = flat[:bracket.start()] + "," + flat[bracket.end():]
        m = _SHARE.search(flat)
        cue = _RATIO.search(flat)
        head, whole = (flat[:m.start()], _clean(m.group("whole"))) if m else \
            ((flat[:cue.start()], "") if cue else ("", ""))
        among = _AMONG.match(head)
        part = _clean(among.group("part")) if among else _clean(head)
        if not whole and among:
            whole = _clean(among.group("whole"))
        if bracket:
            whole = _clean(bracket.group(1))
            part = _clean(re.split(r"[,,]", part)[-1]) or part
        if part and whole:
            out = Items("percent", [part, whole])
            st = _stated(whole)
            if st:
                out.stated[1] = st
            return out
    if op in ("difference", "compare"):
        m = _MORE.search(flat)
        if m:
            a, b = _clean(flat[:m.start()]), _clean(m.group("b"))
            among = _AMONG.match(a)
            ctx = ""
            if among:
                ctx, a = _clean(among.group("whole")), _clean(among.group("part"))
            if a and b:
                return Items("difference", [a, b], context=ctx)
    if op == "sum" or (op in ("lookup", "none", "") and _SUM_ASKED.search(flat)):
        # a lookup the parser read with no items may still ask "以A或B为由…一共几件"
        cue = _SUM_CUE.search(flat)
        body = flat[:cue.start()] if cue else flat
        among = _AMONG.match(body)
        ctx = ""
        if among and len(_split_and(among.group("part"))) >= 2:
            ctx, body = _clean(among.group("whole")), among.group("part")
        parts = _split_and(body)
        reason = _REASON.match(body)
        if reason and len(parts) >= 2:
            # "以内部事务信息或过程性信息为由拒绝公开的申请": reasons of one outcome, each an item
            parts, ctx = _split_and(reason.group("reasons")), _clean(reason.group("outcome")) or ctx
        if len(parts) >= 2:
            return Items("sum", parts, context=ctx)
    flat = _ASK.sub("", flat)
    phrase = _clean(_SEP.sub("", flat))
    among = _AMONG.match(flat)
    if among and op in ("lookup", "none", ""):
        return Items("lookup", [_clean(among.group("part")) or phrase], context=_clean(among.group("whole")))
    return Items("lookup", [phrase])


__all__ = ["Items", "split_items", "strip"]


# Words of a comparison across reports that name no quantity: 哪一年最多, 比2020年多几条, 怎么变化.
_ACROSS = re.compile(r"中?哪一?年|中?哪个(?:部门|单位|片区|地方)?|最多|最少|最高|最低|更多|更少|"
                     r"比(?:上一?年|去年|前一年)?(?:多出?|少|增加|减少|增长|下降|提高|降低)了?|怎么变化|如何变化|变化|分别|各自|各|中$")


def split_across(text: str, mentions: list[str]) -> str:
    """The one quantity a comparison over reports (years or bodies) asks for."""
    flat = _ACROSS.sub("", _scope(text, mentions))
    flat = re.sub(r"[、,,和与及]+(?=$|[的中])", "", flat)
    return _clean(_ASK.sub("", flat)).strip("、,,和与")


__all__ += ["split_across"]
