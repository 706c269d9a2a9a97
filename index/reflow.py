"""Line breaks back into text exports that lost them.

Some sites' text export writes a whole report as one line: headings run into their text
("一、总体情况2024年,我局…"), and a table's rows into each other ("(一)予以公开1 0 0 0 0 01(二)部分公开…").
The section and table parsers read lines, so a long line gets its breaks back:

* before each heading of the ``一、`` sequence (the longest run of consecutive numbers through the
  line; a tie between a heading and a table row label of the same number goes to the one that
  reads like a section title of the template, ``index/template_sections.yaml``), and after the
  heading when it matches such a title;
* before each ``(一)`` heading of the sequence inside one ``一、`` section;
* between the rows of a table written together: after each row's run of cells, and before each
  numbered row label (``1.属于国家秘密``: a numbering glued to the previous row's digits is split off
  by the sequence it continues).

Only characters are added (``\\n``, or a space turned into ``\\n``); nothing is removed, so every
quote stays the report's own words. Short lines are left alone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.sections import cn_to_int, is_template_heading, title_match

LONG_LINE = 400  # characters: shorter lines are written by people, not run together by an export

_CN_NUM = "一二三四五六七八九十"
_L1 = re.compile(rf"(?<![第{_CN_NUM}])([{_CN_NUM}]{{1,3}})\s*、"
                 rf"|(?<![第{_CN_NUM}\u4e00-\u9fff])([{_CN_NUM}]{{1,2}})(?=[\u4e00-\u9fff])")
_L2 = re.compile(rf"\(([{_CN_NUM}]{{1,3}})\)")
# A run of table cells: digits, maybe spaced, right after a label (not a unit, not a date).
_RUN = re.compile(r"(?<=[\u4e00-\u9fff)\"”])\s*(\d+(?: +\d+)*)(?!\d|[.,]\d|%)")
_UNIT_AFTER = re.compile(r"\s*(?:[件条个人次万元亿年月日号项家户篇期场名份天小时分钟余多批类组部台套位所座起宗]|个工作日)")
_ROW_MARK = re.compile(rf"\([{_CN_NUM}]{{1,3}}\)|[{_CN_NUM}]{{1,3}}、|\d{{1,2}}[.、](?=[\u4e00-\u9fff])|第[{_CN_NUM}]+条第\(")
_SENTENCE_END = re.compile(r"[。;!?]")


def _is_table_row_label(after: str) -> bool:
    from index.tables import APPLY_ROWS  # the template's application-table rows

    head = after[:16]
    return any(head.startswith(r[:6]) for r in APPLY_ROWS if len(r) >= 6)


def _level1(s: str) -> list[tuple[int, int]]:
    """(start, heading end or -1) of the headings of the longest ``一、`` sequence of line ``s``."""
    cands = []
    for m in _L1.finditer(s):
        bare = m.group(2) is not None  # "一总体情况": numbering without its 、 (a typo)
        v = cn_to_int(m.group(1) or m.group(2))
        if v is None:
            continue
        after = s[m.end(): m.end() + 40]
        stop = re.search(r"[。;:!?]|[一二三四五六七八九十]{1,2}、", after)
        after = after[: stop.start()] if stop else after
        if _is_table_row_label(after):
            continue
        score, hlen = title_match(after)
        if bare and not is_template_heading(after):
            continue
        cands.append((m.start(), m.end(), v, score, hlen))
    if not cands:
        return []
    # Longest chain of rising numbers; a gap costs unless the heading reads like a template title.
    n = len(cands)
    best = [0.0] * n
    prev = [-1] * n
    for j in range(n):
        _, _, vj, sj, _ = cands[j]
        best[j] = (1 + sj) - (0.5 * (vj - 1) if vj > 1 else 0)
        for i in range(j):
            vi = cands[i][2]
            if vj <= vi:
                continue
            gap = vj - vi - 1
            cost = 0 if gap == 0 else (0.2 * gap if sj >= 0.6 else 0.8 * gap)
            val = best[i] + 1 + sj - cost
            if val > best[j]:
                best[j], prev[j] = val, i
    j = max(range(n), key=lambda k: best[k])
    chain = []
    while j >= 0:
        chain.append(j)
        j = prev[j]
    if len(chain) < 2:
        return []
    out = []
    for k in reversed(chain):
        start, mend, _, score, hlen = cands[k]
        out.append((start, mend + hlen if score >= 0.6 and hlen else -1))
    return out


def _level2(s: str, lo: int, hi: int, skip: list[tuple[int, int]]) -> list[int]:
    """Starts of the ``(一)`` sequence inside ``s[lo:hi]`` (outside table spans)."""
    out, expect = [], 1
    for m in _L2.finditer(s, lo, hi):
        if any(a <= m.start() < b for a, b in skip):
            continue
        v = cn_to_int(m.group(1))
        if v == expect:
            out.append(m.start())
            expect += 1
        elif v == 1 and out:  # a new list restarts under a later paragraph
            out.append(m.start())
            expect = 2
    return out


@dataclass
class _Run:
    start: int
    end: int
    text: str  # the digits (and spaces) of the run
    alone_ok: bool = False


_UNIT_WORD = r"(?:万元|人次|件次|[条件个元项次人份篇家])"


def _label_start(s: str, lo: int, run_at: int) -> int:
    """Start of the first row's label in a space-separated table (``…历年累计 主动公开文件数 条 201``):
    the last space-delimited word before the run, with its unit word."""
    m = re.search(rf"\s(\S+?(?:\s*{_UNIT_WORD})?)\s*$", s[lo:run_at])
    return lo + m.start(1) if m else run_at


@lru_cache(maxsize=1)
def _template_labels() -> re.Pattern[str]:
    """Row labels of the template's 主动公开 table (规章, 行政规范性文件, 行政许可 …) and its
    per-article headers (第二十条第(一)项, 信息内容): a row starts at one."""
    from index.tables import ACTIVE_ROWS

    labels = sorted(set(ACTIVE_ROWS), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, labels)) + r"|第[二三四五六七八九十]+条第\(")


def _tables(s: str, heads: list[int]) -> tuple[list[int], list[tuple[int, int]]]:
    """Row breaks of tables written together, and the tables' spans (a table never spans a
    heading of ``heads``)."""
    runs: list[_Run] = []
    for m in _RUN.finditer(s):
        end = m.end()
        if _UNIT_AFTER.match(s, end):
            # A row's cells with the next paragraph's year glued on ("…继续办理20000022025年,我局…").
            y = re.search(r"(?:19|20)\d\d$", m.group(1))
            if not (y and s[end:end + 1] == "年" and len(m.group(1)) > 4 and m.group(1)[:-4].strip()):
                continue
            end -= 4
        runs.append(_Run(m.start(), end, s[m.start(1):end]))
        if re.search(r"尚未审结\s*总计\s*$", s[max(0, m.start() - 12): m.start(1)]):
            runs[-1].alone_ok = True  # the review table: its header, then its cells in one run
    groups: list[list[_Run]] = []
    for m in runs:
        if groups:
            gap = s[groups[-1][-1].end: m.start]
            if len(gap) <= 90 and not _SENTENCE_END.search(gap) \
                    and not any(groups[-1][-1].end <= h < m.start for h in heads):
                groups[-1].append(m)
                continue
        groups.append([m])
    breaks: list[int] = []
    spans: list[tuple[int, int]] = []
    for g in groups:
        if len(g) < 3:
            breaks.extend(r.end for r in g if r.alone_ok)
            continue
        # The table starts at the row label of its first run: the last row mark before it.
        lo = max(0, g[0].start - 60)
        marks = [mm.start() for mm in _ROW_MARK.finditer(s, lo, g[0].start)]
        start = marks[-1] if marks else _label_start(s, lo, g[0].start)
        end = g[-1].end
        spans.append((start, end))
        breaks.append(start)
        last_num = 0
        for m in g:
            cut = m.end
            nxt = s[m.end: m.end + 2]
            run = m.text
            if nxt[:1] in ".、" and len(nxt) > 1 and re.match(r"[\u4e00-\u9fff]", nxt[1]):
                want = str(last_num + 1)
                k = len(want) if run.endswith(want) and len(run) > len(want) else 1
                cut = m.end - k
                last_num = int(run[-k:])
            breaks.append(cut)
        for mm in _template_labels().finditer(s, start, end):
            if mm.start() > start and re.match(r"[\u4e00-\u9fff]", s[mm.start() - 1]):
                breaks.append(mm.start())
        for mm in _ROW_MARK.finditer(s, start, end):
            before = s[mm.start() - 1] if mm.start() else ""
            # a numbered label follows its row's label or cells; "02." after a space is a cell + numbering
            ok_before = r"[\u4e00-\u9fff)\"”]" if mm.group(0)[0].isdigit() else r"[\u4e00-\u9fff)\"” ]"
            if mm.start() > start and re.match(ok_before, before) and not s[mm.start() - 2: mm.start()].strip().isdigit():
                breaks.append(mm.start())
                if mm.group(0)[0].isdigit():
                    last_num = int(re.match(r"\d+", mm.group(0)).group(0))
    return breaks, spans


def reflow_line(s: str) -> str:
    breaks: set[int] = set()
    heads = _level1(s)
    row_breaks, spans = _tables(s, [h[0] for h in heads])
    breaks.update(row_breaks)
    for start, hend in heads:
        if any(a < start < b for a, b in spans):
            continue
        breaks.add(start)
        if hend > 0:
            breaks.add(hend)
    starts = [h[0] for h in heads if not any(a < h[0] < b for a, b in spans)] + [len(s)]
    for lo, hi in zip(starts, starts[1:]):
        breaks.update(_level2(s, lo, hi, spans))
    chars = list(s)
    for b in sorted((x for x in breaks if 0 < x < len(s)), reverse=True):
        if s[b] == " ":
            chars[b] = "\n"  # a space becomes the break
        elif s[b - 1] == " ":
            chars[b - 1] = "\n"
        elif chars[b - 1] != "\n":
            chars.insert(b, "\n")
    return "".join(chars)


def reflow(text: str) -> str:
    """Break long run-together lines (see module doc); other lines are returned unchanged."""
    return "\n".join(reflow_line(ln) if len(ln) >= LONG_LINE else ln for ln in text.split("\n"))
