"""The heading tree of a report.

Levels: 0 = title/preamble, 1 = ``一、`` / ``第一部分`` / ``第一章``, 2 = ``(一)``, 3 = ``1.`` /
``1、``, 4 = ``(1)``. Reports put the same numbering on table row labels (flattened tables:
one cell a line, blank lines between), so a numbered line is only a *candidate*; it becomes a
heading when

* it continues the numbering sequence at its level under its parent (the strongest signal;
  one skipped number is tolerated because real reports have numbering slips), and
* it is not a table row label: its next non-empty line is not a bare number/unit cell, it
  does not sit under a table row label of a higher level, and it does not continue the
  numbering of the table rows seen just before (a "shadow" sequence) while looking like a cell.

A heading may open running text (``(一)强化组织领导,保障公开工作有序进行。成立了...``): the
heading is the text up to the first 。/:/; (at most ~40 characters) and keeps its numbering
prefix, as the gold ``section`` field does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml

from index.models import Section

_CN = "零〇一二三四五六七八九十百"
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# (style, level, regex). The regex matches at the start of the (left-stripped) line; group 1
# is the ordinal. Order matters: "(一)" before "一、".
_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 1, re.compile(rf"第([{_CN}]+|\d{{1,2}})(?:部分|章)[、.:\s]*")),
    ("cn", 1, re.compile(rf"([{_CN}]{{1,3}})\s*[、.]\s*")),
    ("paren_cn", 2, re.compile(rf"\(([{_CN}]{{1,3}})\)\s*[、.]?\s*")),
    ("arabic", 3, re.compile(r"(\d{1,2})\s*[、.](?![\d.])\s*")),
    ("paren_arabic", 4, re.compile(r"\((\d{1,2})\)\s*[、.]?\s*")),
    # "一总体情况": numbering whose 、 was lost; a heading only before a template section title
    ("cn", 1, re.compile(rf"([{_CN}]{{1,2}})(?=[\u4e00-\u9fff])")),
]
_LEAD = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+)?(?:\*\*)?")  # indentation, markdown heading, bold
_TERMINATOR = re.compile(r"[。;:!?]")
_PROSE = re.compile(r"^(?=.{30,}).*[。;]|^.{80,}")  # a sentence-bearing line, never a table cell
_ROW_WITH_CELLS = re.compile(r"[\u4e00-\u9fff)\"”]\s*\d+(?:\s+\d+)*\s*$")
_MAX_HEADING = 40  # characters after the numbering prefix
_CELL_VALUE = re.compile(
    r"^\s*(?:[-+]?\d[\d,]*(?:\.\d+)?\s*%?|[-—–/]|万元|元|%|件|条|次|人次|个|人|项|份|期|家|场|篇|天|日)\s*$"
)


@lru_cache(maxsize=1)
def _template() -> dict:
    """template_sections.yaml, read once: the section ``titles`` and the template's ``parts``."""
    return yaml.safe_load(Path(__file__).with_name("template_sections.yaml").read_text(encoding="utf-8"))


def section_titles() -> list[str]:
    return list(_template()["titles"])


def title_match(after: str) -> tuple[float, int]:
    """(similarity of the text after a numbering to the best template section title, length of the
    heading in ``after`` when it is one, else 0)."""
    best, best_len = 0.0, 0
    for t in section_titles():
        window = after[: len(t) + 8]
        sm = SequenceMatcher(None, t, window, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size >= 2]
        if not blocks or blocks[0].b > 12:
            continue
        score = sum(b.size for b in blocks) / len(t)
        end = blocks[-1].b + blocks[-1].size
        if score >= 0.6:  # the heading ends where the furthest good title match ends
            best_len = max(best_len, end)
        best = max(best, score)
    return best, best_len


def is_template_heading(rest: str) -> bool:
    """``rest`` (a heading after its numbering) starts with a section title of the template."""
    return any(rest.startswith(t) for t in section_titles())


def cn_to_int(s: str) -> int | None:
    """Chinese numeral (一..九十九, 一百) or Arabic digits -> int."""
    if s.isdigit():
        return int(s)
    if not s or any(ch not in _CN_DIGIT and ch not in "十百" for ch in s):
        return None
    total, num = 0, 0
    for ch in s:
        if ch == "百":
            total += (num or 1) * 100
            num = 0
        elif ch == "十":
            total += (num or 1) * 10
            num = 0
        else:
            num = _CN_DIGIT[ch]
    return total + num or None


@dataclass
class _Line:
    no: int
    start: int  # offset of the line's first character
    text: str


@dataclass
class _Cand:
    line: int
    start: int  # offset of the heading's first character (after indentation)
    style: str
    level: int
    ordinal: int
    heading: str
    running: bool  # text follows the heading on the same line


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for no, line in enumerate(text.split("\n")):
        out.append(_Line(no, pos, line))
        pos += len(line) + 1
    return out


def _candidate(line: _Line) -> _Cand | None:
    if line.text.lstrip().startswith("|"):
        return None  # pipe rows are table content
    lead = _LEAD.match(line.text)
    body_at = lead.end() if lead else 0
    body = line.text[body_at:]
    for style, level, rx in _PATTERNS:
        m = rx.match(body)
        if not m:
            continue
        ordinal = cn_to_int(m.group(1))
        if ordinal is None:
            return None
        rest = body[m.end():].replace("**", "")
        if not rest.strip() or rest.lstrip()[0] in "、.,)%":
            return None
        if not body[m.start(): m.end()].strip(_CN) and style == "cn" and not is_template_heading(rest):
            return None  # bare numbering: only before a template title
        if _ROW_WITH_CELLS.search(rest) and not _TERMINATOR.search(rest):
            return None  # a table row with its cells written after it ("四、结转下年度继续办理0 0 0 0 0 00")
        t = _TERMINATOR.search(rest)
        cut = t.start() if t else len(rest)
        running = bool(rest[cut:].strip(" 。;:!?"))
        head_rest = rest[:cut].rstrip()
        if len(head_rest) > _MAX_HEADING:
            head_rest, running = head_rest[:_MAX_HEADING].rstrip(), True
        heading = (body[: m.end()] + head_rest).strip().rstrip("。").rstrip()
        return _Cand(line.no, line.start + body_at, style, level, ordinal, heading, running)
    return None


def _after_numbering(heading: str) -> str:
    for _, _, rx in _PATTERNS:
        if m := rx.match(heading):
            return heading[m.end():]
    return heading


def looks_like_heading(line: str) -> bool:
    """Whether a line starts with heading numbering (一、 / (一) / 1. / (1) / 第一部分)."""
    return _candidate(_Line(0, 0, line)) is not None


def _title_line(lines: list[_Line]) -> _Line | None:
    # metadata owns the notion of "title"; imported lazily to keep the module graph flat.
    from index.metadata import find_title_line

    idx = find_title_line([ln.text for ln in lines])
    return lines[idx] if idx is not None else None


def _unlabelled(line: str) -> str:
    """``标题: 某局2024年…报告`` -> the title itself (a header line's label is no heading)."""
    from index.metadata.vocab import header_label_re

    m = header_label_re().match(line)
    return line[m.end():].strip() if m and line[m.end():].strip() else line


def parse_sections(text: str) -> list[Section]:
    """Headings of ``text`` in document order, with levels, paths, parents and spans."""
    lines = _lines(text)
    nonempty = [i for i, ln in enumerate(lines) if ln.text.strip()]
    next_ne: dict[int, int | None] = {}
    prev_ne: dict[int, int | None] = {}
    for k, i in enumerate(nonempty):
        next_ne[i] = nonempty[k + 1] if k + 1 < len(nonempty) else None
        prev_ne[i] = nonempty[k - 1] if k > 0 else None

    def next_is_cell(c: _Cand) -> bool:
        j = next_ne.get(c.line)
        return j is not None and bool(_CELL_VALUE.match(lines[j].text))

    def next_is_prose(c: _Cand) -> bool:
        j = next_ne.get(c.line)
        return j is not None and bool(_PROSE.search(lines[j].text))

    def short_line(j: int | None) -> bool:
        if j is None:
            return False
        s = lines[j].text.strip()
        return len(s) <= 30 and not s.endswith(("。", ";", ":")) and not s.startswith("|")

    def tableish(c: _Cand) -> bool:
        """Looks like a flattened-table cell: a short standalone line between short lines."""
        if c.running or len(lines[c.line].text.strip()) > 40:
            return False
        return short_line(next_ne.get(c.line)) and short_line(prev_ne.get(c.line))

    accepted: list[tuple[_Cand, int | None]] = []  # (candidate, parent index into accepted)
    stack: list[int] = []  # indices into accepted: the open heading path
    last_main: dict[tuple, int] = {}  # (parent, level, is_part) -> last ordinal
    shadow: dict[int, int] = {}  # level -> last table-row ordinal
    table_level: int | None = None  # level of the outermost table row label seen lately

    def mark_row(c: _Cand) -> None:
        nonlocal table_level
        shadow[c.level] = c.ordinal
        for lv in [lv for lv in shadow if lv > c.level]:
            del shadow[lv]
        if table_level is None or c.level < table_level:
            table_level = c.level

    for ln in lines:
        c = _candidate(ln)
        if c is None:
            if table_level is not None and _PROSE.search(ln.text):
                table_level = None  # flattened tables hold no prose: the table has ended
                shadow.clear()
            continue
        if next_is_cell(c):
            mark_row(c)
            continue
        parents = [i for i in stack if accepted[i][0].level < c.level]
        parent = parents[-1] if parents else None
        key = (parent, c.level, c.style == "part")
        last = last_main.get(key, 0)
        main_ok = c.ordinal == last + 1 or (c.ordinal == last + 2 and not tableish(c)) \
            or (c.level == 1 and c.ordinal > last and is_template_heading(_after_numbering(c.heading)))
        if table_level is not None and c.level > table_level:
            # A sub-row of a table row label, unless it reads like a heading of prose:
            # it continues the real numbering and text follows it.
            if not (main_ok and (c.running or next_is_prose(c))):
                mark_row(c)
                continue
            table_level = None
            shadow.clear()
        shadow_ok = table_level == c.level and shadow.get(c.level) is not None \
            and c.ordinal == shadow[c.level] + 1
        if main_ok and not (shadow_ok and tableish(c)):
            accepted.append((c, parent))
            idx = len(accepted) - 1
            stack = [i for i in stack if accepted[i][0].level < c.level] + [idx]
            last_main[key] = c.ordinal
            if c.style == "part":  # a new part restarts the 一、 numbering
                last_main = {k: v for k, v in last_main.items() if k[1] != 1 or k[2]}
            if table_level is not None and c.level <= table_level:
                table_level = None
                shadow.clear()
        elif shadow_ok or tableish(c):
            mark_row(c)
        # else: a numbered line out of sequence inside prose: plain text.

    sections: list[Section] = []
    first_start = accepted[0][0].start if accepted else len(text)
    offset_shift = 0
    if text[:first_start].strip():
        title = _title_line(lines)
        if title is None or title.start + len(title.text) > first_start:
            title = next(ln for ln in lines if ln.text.strip())
        heading = _unlabelled(title.text.strip())[:80]
        sections.append(Section(ord=0, level=0, heading=heading, path=[heading], start=0, end=first_start))
        offset_shift = 1
    for k, (c, parent) in enumerate(accepted):
        end = accepted[k + 1][0].start if k + 1 < len(accepted) else len(text)
        parent_ord = parent + offset_shift if parent is not None else None
        path = (sections[parent_ord].path if parent_ord is not None else []) + [c.heading]
        sections.append(Section(ord=k + offset_shift, level=c.level, heading=c.heading, path=path,
                                start=c.start, end=end, parent=parent_ord))
    return sections


def _parts() -> dict:
    return dict(_template().get("parts") or {})


def template_part(heading: str) -> str | None:
    """The template part (``problems``, ``active`` …, template_sections.yaml ``parts``) a level-1
    heading titles, or None. The problems part is tried first: its title also names other parts'
    words (存在的主要问题及改进情况 has none, but 主动公开工作存在的问题 has 主动公开)."""
    parts = _parts()
    for name in sorted(parts, key=lambda n: n != "problems"):
        if any(w in heading for w in parts[name].get("heading", [])):
            return name
    return None


def part_aspect(part: str, heading: str) -> str | None:
    """Which aspect of ``part`` a level-2 heading titles ((一)存在问题 → shortfalls), or None."""
    for aspect, ws in (_parts().get(part, {}).get("aspects") or {}).items():
        if any(w in heading for w in ws):
            return aspect
    return None
