"""Text normalization and site-furniture stripping.

Two steps, always in this order: ``normalize_text`` (character level) then
``strip_furniture`` (line level). The result is ``Report.text``: every offset refers to it.

Decision on metadata carried by furniture lines: lines such as
``作者:admin发布时间:2014年03月21日点击数:`` or ``... 发布时间:2015-06-29 08:31 【字体:``
carry the publish date, so ``strip_furniture`` keeps any line holding a date label
(发布时间/发布日期/发文日期/成文日期) and only trims the furniture fragments inside it
(``点击数:``, ``【字体: 大 中 小】``, ...). ``extract_metadata`` therefore runs on the stripped
text and still finds the date.
"""
from __future__ import annotations

import re
import unicodedata

# Spaces NFKC leaves alone (or that web pages sprinkle everywhere) -> plain space.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_ZERO_WIDTH = re.compile("[\u200c\u200d\u2060]")


def normalize_text(s: str) -> str:
    """NFKC, odd spaces to ' ', CR/CRLF to LF, trailing spaces stripped per line.

    Blank lines are kept as they are: flattened tables put one blank line between cells.
    Chinese punctuation that NFKC keeps (、。) stays.
    """
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _ZERO_WIDTH.sub("", s)
    s = _ODD_SPACES.sub(" ", s)
    s = unicodedata.normalize("NFKC", s)
    # NFKC maps some characters to spaces again (e.g. U+3000 already handled); tabs stay tabs.
    s = _ODD_SPACES.sub(" ", s)
    return "\n".join(line.rstrip() for line in s.split("\n"))


# --- furniture ----------------------------------------------------------------------------

# A line that is *only* one of these (after stripping spaces) is page furniture.
_FURNITURE_LINE = [
    r"(【[^】]{1,8}】\s*)+",  # 【关闭本页】【打印本页】【返回顶部】
    r"\[?(打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|收藏|打印此页|保存|纠错)\]?"
    r"(\s*\[?(打印本页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|收藏|打印此页|保存|纠错)\]?)*",
    r"(点击数|点击量|点击次数|浏览次数|浏览量|访问量|阅读量|阅读次数)\s*[::]?\s*\d*\s*(次)?",
    r"【?\s*字体\s*[::]?\s*(大\s*中\s*小)?\s*】?",
    r"(分享到|分享)\s*[::].{0,40}",
    r"(当前位置|您现在的位置|您的位置|现在位置|所在位置)\s*[::].{0,80}",
    r"(来\s*源|信息来源|来源单位)\s*[::].{0,30}(责任编辑|编辑)\s*[::]?.{0,20}",
    r"(责任编辑|编辑|审核|校对)\s*[::].{0,20}",
    r"(来\s*源)\s*[::].{0,30}",
    r"政府信息公开检索\s*[::]?",
    r"(站内)?(搜索|检索)\s*[::]?",
    r"(网站地图|设为首页|加入收藏|联系我们|无障碍|English|手机版|繁體|简体)(\s*[|丨]?\s*"
    r"(网站地图|设为首页|加入收藏|联系我们|无障碍|English|手机版|繁體|简体))*",
    r"(版权所有|主办单位|承办单位|技术支持|主办|承办|ICP备|网站标识码|公安备案|京ICP|.{0,20}ICP备).{0,80}",
    r"(上一篇|下一篇|上一条|下一条)\s*[::].{0,60}",
    r"(相关链接|相关文章|相关阅读|扫一扫.{0,10})\s*[::]?",
]
_FURNITURE_RE = re.compile(r"^(?:" + "|".join(_FURNITURE_LINE) + r")$")

# Navigation words: a menu line is many short tokens, most of them nav words.
_NAV_WORDS = (
    "首页", "政府信息公开", "信息公开", "指南", "目录", "年度报告", "规定", "依申请公开", "监督",
    "保障", "制度", "机构", "概况", "新闻", "动态", "政务", "公开", "办事", "服务", "互动", "交流",
    "专题", "专栏", "领导", "通知", "公告", "法规", "文件", "投资", "走进", "网上", "在线",
)

# Date labels: a line holding one keeps living even if it also holds furniture.
_DATE_LABEL = re.compile(r"(发布时间|发布日期|发文日期|成文日期|印发日期|日期)\s*[::]")

# Inline fragments trimmed out of kept (date-bearing) lines.
_INLINE_FURNITURE = re.compile(
    r"(点击数|点击量|浏览次数|浏览量|访问量|阅读量)\s*[::]\s*\d*\s*(次)?"
    r"|【\s*字体\s*[::]?\s*(大\s*中\s*小)?\s*】?"
    r"|【(打印本页|关闭窗口|关闭本页|返回顶部|打印|关闭)】"
    r"|(打印本页|关闭窗口)"
)

_NUMBER_LINE = re.compile(r"^\s*\d{1,6}\s*$")


def _is_menu_line(line: str) -> bool:
    tokens = [t for t in re.split(r"[\s丨·/]+", line.strip()) if t]
    if len(tokens) < 4 or any(len(t) > 12 for t in tokens):
        return False
    if any(re.search(r"[。,;:0-9]", t) for t in tokens):
        return False
    navish = sum(1 for t in tokens if any(w in t for w in _NAV_WORDS))
    return tokens[0] == "首页" or navish >= max(3, int(0.6 * len(tokens)))


def _is_furniture(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 120 or s.startswith("|"):  # pipe rows are table content
        return False
    if _DATE_LABEL.search(s):
        return False
    return bool(_FURNITURE_RE.match(s)) or _is_menu_line(s)


def strip_furniture(s: str) -> str:
    """Drop whole lines that are site navigation / page furniture; keep everything else.

    Conservative: a line goes only when it is entirely furniture (short and matching a
    furniture pattern, or a menu line of many short nav words). A bare number sitting
    between furniture lines (a share counter after ``分享到:``) goes with them. Lines carrying
    a publish date keep their text minus inline furniture fragments (see module doc).
    """
    lines = s.split("\n")
    furn = [_is_furniture(line) for line in lines]

    # A lone small number whose nearest non-empty neighbours are furniture (or the edge of
    # the text on one side) is a counter, not report content.
    def neighbour(i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        return j if 0 <= j < len(lines) else None

    for i, line in enumerate(lines):
        if furn[i] or not _NUMBER_LINE.match(line):
            continue
        prev, nxt = neighbour(i, -1), neighbour(i, 1)
        prev_f = prev is not None and furn[prev]
        next_f = nxt is not None and furn[nxt]
        if (prev_f and (next_f or nxt is None)) or (next_f and prev is None):
            furn[i] = True

    out: list[str] = []
    for line, is_f in zip(lines, furn):
        if is_f:
            continue
        if _DATE_LABEL.search(line):
            line = _INLINE_FURNITURE.sub("", line).rstrip()
        out.append(line)
    text = "\n".join(out)
    # Removing lines can leave long runs of blank lines at the edges: trim the edges only.
    # Exports that ran a whole report into one line get their heading and row breaks back.
    from index.reflow import reflow

    return reflow(text.strip("\n"))
