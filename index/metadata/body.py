"""The issuing body, from the title first.

Order: the body the title names (``平潭综合实验区财政金融局2024年度…报告``); a header or HTML
publisher that extends the title's bare place (``海陵区`` + ``发布机构: 海陵区政府``); else the
publisher; else the signature block at the end (``平潭综合实验区财政金融局 2025年1月23日``); else the
government the text names most. A site label (``栏目``), a breadcrumb or a generic word is never
a body. Only when nothing names the body is a department inferred from how the text speaks of
itself (``我局`` + ``市交通运输系统``); that guess is marked ``inferred``.
"""
from __future__ import annotations

import re
from collections import Counter

from index.metadata.dates import DATE, iso
from index.metadata.places import GENERIC_PLACES, HAN, ends_like_body, place_of
from index.metadata.spam import is_spam
from index.metadata.vocab import vocab

_TITLE_STOP = re.compile(
    r"(?:(?:19|20)\d{2}\s*年|关于|落实|政府信息公开|信息公开|政务公开|《|年度|工作年度|工作报告|的报告)"
)
_SIGNATURE = re.compile(rf"([^\s。;:,!?、)]{{3,40}})\s*{DATE}\s*(?:附件下载|附件)?\s*$")


def normalize_name(s: str) -> str:
    return re.sub(r"\s+", "", s or "").strip(" :、,.·-_")


def usable(name: str) -> bool:
    name = normalize_name(name)
    if len(name) < 2 or is_spam(name) or name in GENERIC_PLACES or name[0] in "全我本该各":
        return False
    if name in vocab()["not_a_body"] or re.search(r"[<>/=#:]|https?", name):
        return False
    return ends_like_body(name)


def from_title(title: str) -> str:
    t = re.sub(r"^\s*(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?)?", "", title)  # "2017年海陵区..." -> "海陵区..."
    m = _TITLE_STOP.search(t)
    prefix = normalize_name(t[: m.start()] if m else "")
    return prefix if usable(prefix) else ""


def from_signature(text: str) -> tuple[str, str | None]:
    """(body, ISO date) of a closing signature line ``<body> <date>``, else ("", None)."""
    tail = text[-300:]
    m = _SIGNATURE.search(tail)
    if not m:
        return "", None
    name = _from_place_word(normalize_name(m.group(1)))
    return (name if usable(name) else ""), iso(*m.groups()[1:])


def _from_place_word(s: str) -> str:
    """A signature run into the last sentence (``其他需要报告的事项无平潭…局``): the name starts at
    the first place word jieba finds; with none, the run is kept as it is."""
    from index.metadata.places import _jieba_posseg

    pos = 0
    for word, flag in _jieba_posseg().cut(s):
        if flag == "ns":
            return s[pos:]
        pos += len(word)
    return s


def from_text(text: str, known: Counter[str]) -> str:
    """The government most often named as <place>人民政府 in the text."""
    govs = Counter()
    for name in known:
        n = text.count(name + "人民政府")
        if n:
            govs[name + "人民政府"] = n
    return govs.most_common(1)[0][0] if govs else ""


def inferred_department(text: str, known: Counter[str]) -> str:
    """``我局`` + ``市交通运输系统`` -> ``<city>交通运输局``: a department that never names itself
    (Chinese departments speak of themselves as 我局/我委 and of their field as 全市XX系统)."""
    kinds = Counter(re.findall(r"我(局|委|厅|办|署|中心)", text[:4000]))
    if not kinds:
        return ""
    kind = kinds.most_common(1)[0][0]
    stems = Counter(re.findall(rf"(?:我|全)?(?:省|市|县|区)({HAN}{{2,6}}?)系统", text[:4000]))
    stems = Counter({s: n for s, n in stems.items() if not is_spam(s) and s not in ("政务", "政府")})
    if not stems:
        return ""
    city = [n for n, _ in known.most_common() if n.endswith("市")]
    return (city[0] if city else "") + stems.most_common(1)[0][0] + kind


def fuller_form(full: str, short: str) -> bool:
    """``full`` is the same body as ``short`` written out: longer, ``short``'s characters in order,
    and the same last word (平潭综合实验区市场监督管理局 / 平潭市场监督管理局; 区财政金融局 is the short
    form of 平潭综合实验区财政金融局)."""
    if len(full) <= len(short) or full[-2:] != short[-2:] or full[0] != short[0]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def choose_body(title: str, publisher: str, text: str, known: Counter[str]) -> tuple[str, str]:
    """(body, how it was found: title | publisher | signature | text | inferred | "")."""
    t_body = from_title(title)
    pub = normalize_name(publisher)
    pub = pub if usable(pub) else ""
    # A bare place in the title that the publisher names as a body (海陵区 / 海陵区政府).
    if t_body and pub and place_of(t_body) == t_body and pub.startswith(t_body) and pub != t_body:
        return pub, "publisher"
    if t_body:
        if place_of(t_body) == t_body and t_body + "人民政府" in text:
            return t_body + "人民政府", "title"
        sig, _ = from_signature(text)
        if sig and fuller_form(sig, t_body):  # the title's short form, the signature's full name
            return sig, "signature"
        return t_body, "title"
    if pub:
        return pub, "publisher"
    sig, _ = from_signature(text)
    if sig:
        return sig, "signature"
    gov = from_text(text[:6000], known)
    if gov:
        return gov, "text"
    dept = inferred_department(text, known)
    return (dept, "inferred") if dept else ("", "")


__all__ = ["choose_body", "from_signature", "from_title", "normalize_name"]
