"""The report's title, from whatever the page carries.

Candidates, best first: a header line (``标题: …``), an HTML ``<meta name="ArticleTitle">``, a
markdown heading or the title line of the text, the HTML ``<title>``. A candidate must read like
a report title; a site label, a breadcrumb (``当前页面: 首页 > …``), a section heading (``一、概述``)
or a bare ``年度报告`` never is. A truncated one (``…``) gives way to its full form in the text.
"""
from __future__ import annotations

import re

from index.metadata.vocab import header_label_re
from index.sections import looks_like_heading

TITLE_WORDS = ("报告", "年报", "工作情况", "工作总结")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_BREADCRUMB = re.compile(r"当前(?:位置|页面)|您现在的位置|所在位置|首页\s*(?:>|>>|»|/|\s)|>>|»")
_TRUNCATED = re.compile(r"(?:\.\.\.|…+|\.{2,})\s*$")
_SITE_SPLIT = re.compile(r"\s*(?:[_|｜]|-{1,2}|—+)\s*")


def clean(s: str) -> str:
    return _MD_HEADING.sub("", s or "").strip().strip("*").strip()


def reads_like_title(s: str) -> bool:
    s = clean(s)
    if not 6 <= len(s) <= 90 or _BREADCRUMB.search(s) or looks_like_heading(s):
        return False
    if header_label_re().match(s):
        return False
    core = re.sub(r"[\s\d年度]", "", s)
    if core in ("政府信息公开工作年度报告", "年度报告", "政府信息公开年报", "政务公开工作年度报告"):
        return False  # a column label, not this report's title
    return any(w in s for w in TITLE_WORDS)


def untruncate(title: str, text: str) -> str:
    """``平潭…局2022年度政府信息…`` -> the full title line the text carries, when one starts alike."""
    if not _TRUNCATED.search(title):
        return title
    stem = _TRUNCATED.sub("", title).strip()
    if len(stem) < 6:
        return title
    m = re.search(re.escape(stem) + r"[^\n。]{0,40}?(?:报告|年报)", text)
    return m.group(0) if m else stem


def find_title_line(lines: list[str], window: int = 25, skip: set[int] | None = None) -> int | None:
    """Index of the title line: the first short non-field line that reads like a report title
    (else the first short non-field, non-breadcrumb line)."""
    seen = 0
    fallback = None
    label = header_label_re()
    for i, line in enumerate(lines):
        s = clean(line)
        if not s or (skip and i in skip):
            continue
        seen += 1
        if seen > window:
            break
        if label.search(s) or len(s) > 90 or s.startswith("|") or _BREADCRUMB.search(s):
            continue
        if reads_like_title(s):
            return i
        if fallback is None and len(s) >= 4 and not looks_like_heading(s) and not re.fullmatch(r"[=\-—*#\s正文]+", s):
            fallback = i
    return fallback


def site_title_part(title_tag: str) -> str:
    """``平潭…年度报告_平潭综合实验区`` -> the part that reads like a report title."""
    for part in _SITE_SPLIT.split(title_tag or ""):
        if reads_like_title(part):
            return clean(part)
    return ""


def choose_title(fields: dict[str, str], html: dict[str, str], lines: list[str], header_idx: set[int],
                 text: str) -> tuple[str, int | None]:
    """(title, index of the title line in the text or None)."""
    idx = find_title_line(lines, skip=header_idx)
    line_title = clean(lines[idx]) if idx is not None else ""
    for cand in (fields.get("title", ""), html.get("title", ""), line_title, site_title_part(html.get("page_title", ""))):
        cand = clean(cand)
        if cand and reads_like_title(cand):
            return untruncate(cand, text), idx
    # Nothing reads like a report title: the first short line, else nothing.
    return (line_title or clean(fields.get("title", ""))), idx
