"""Section-bounded chunks for retrieval, with exact offsets into ``Report.text``.

A chunk is packed from *units*, the smallest spans we never cut:

* a sentence (ends at 。!?; or their half-width forms, or at a line break);
* a table row: a pipe row ``| a | b |`` is one line; in flattened tables (one cell a
  line, blank lines between cells) a label line absorbs the value/unit lines after it;
* a clause of an over-long sentence (cut after , or 、 but never inside a number).

Units never cross a section, so neither do chunks.  ``chunk_context`` is the prefix
(body/region, year, section path) put before a chunk's text for both the dense and the
BM25 encoding: without it, table chunks of near-identical reports of other years or
other bodies outrank the right one.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

from index.models import Chunk, Metadata, Section, Table

MAX_CHARS = 300

_SENT_END = "。!?;!?;"
_CLOSERS = "”’」』)）】》\"'"
_CLAUSE_END = ",,、::"
_NUMBER_CHARS = set("0123456789.,%‰．")

# A line that is only a value or a unit: in flattened tables it belongs to the label above.
_NUM = r"[-+]?\d+(?:[.,．]\d+)*\s*[%‰]?"
_UNIT = r"(?:万元|亿元|元|人次|件次|件|条|个|次|人|项|家|天|份|期|篇|场|户|万|亿|%)"
_VALUE_LINE = re.compile(rf"^\s*(?:{_NUM}\s*{_UNIT}?|{_UNIT}|[-—–－/]+)\s*$")


def make_chunks(
    text: str,
    sections: list[Section],
    tables: list[Table] | None = None,
    max_chars: int = MAX_CHARS,
) -> list[Chunk]:
    """Split ``text`` into chunks of at most ``max_chars`` (a single unit may exceed it)."""
    spans = _regions(text, sections)
    protected = _table_rows(tables or [])
    table_edges = sorted({t.start for t in tables or []} | {t.end for t in tables or []})
    chunks: list[Chunk] = []
    for sec, lo, hi in spans:
        units = split_units(text, lo, hi, max_chars)
        units = _merge_protected(units, protected)
        for start, end in _pack(units, max_chars, table_edges):
            if sec is not None and _only_heading(text, start, end, sec):
                continue  # the heading is already in every child chunk's context
            chunks.append(
                Chunk(
                    ord=len(chunks),
                    section_ord=sec.ord if sec is not None else -1,
                    section_path=list(sec.path) if sec is not None else [],
                    text=text[start:end],
                    start=start,
                    end=end,
                )
            )
    return chunks


def chunk_context(meta: Metadata, chunk: Chunk) -> str:
    """Prefix naming who/when/where, e.g. ``"泰州市海陵区 海陵区政府 2017年 | 三、… | "``."""
    who = []
    if meta.region and meta.region not in meta.body:
        who.append(meta.region)
    if meta.body:
        who.append(meta.body)
    if meta.year:
        who.append(f"{meta.year}年")
    parts = [" ".join(who)] if who else []
    if chunk.section_path:
        parts.append(" › ".join(chunk.section_path))
    return "".join(p + " | " for p in parts)


def split_units(text: str, lo: int, hi: int, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Unbreakable spans (stripped, in order) of ``text[lo:hi]``; see the module doc."""
    units: list[tuple[int, int]] = []
    pos = lo
    while pos < hi:
        nl = text.find("\n", pos, hi)
        line_end = hi if nl < 0 else nl
        a, b = _strip(text, pos, line_end)
        pos = line_end + 1
        if a >= b:
            continue
        line = text[a:b]
        if units and _VALUE_LINE.match(line):
            units[-1] = (units[-1][0], b)  # value/unit cell joins its row label
        elif line.startswith("|"):
            units.append((a, b))  # a pipe row is one table row
        else:
            for s, e in _sentences(text, a, b):
                if e - s > max_chars:
                    units.extend(_clauses(text, s, e, max_chars))
                else:
                    units.append((s, e))
    return units


# --- internals ------------------------------------------------------------------------


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _regions(text: str, sections: list[Section]) -> list[tuple[Section | None, int, int]]:
    """Section spans in order, plus any uncovered gaps (attributed to no section)."""
    out: list[tuple[Section | None, int, int]] = []
    pos = 0
    for sec in sorted(sections, key=lambda s: (s.start, s.ord)):
        start, end = max(sec.start, pos), min(max(sec.end, sec.start), len(text))
        if start > pos and text[pos:start].strip():
            out.append((None, pos, start))
        if end > start:
            out.append((sec, start, end))
        pos = max(pos, end)
    if pos < len(text) and text[pos:].strip():
        out.append((None, pos, len(text)))
    return out


def _sentences(text: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    start = a
    i = a
    while i < b:
        if text[i] in _SENT_END:
            j = i + 1
            while j < b and (text[j] in _SENT_END or text[j] in _CLOSERS):
                j += 1
            s, e = _strip(text, start, j)
            if e > s:
                yield s, e
            start = i = j
        else:
            i += 1
    s, e = _strip(text, start, b)
    if e > s:
        yield s, e


def _inside_number(text: str, i: int) -> bool:
    """True if a cut before position ``i`` would split a number (e.g. 84.18, 1,234, 2047)."""
    if i <= 0 or i >= len(text):
        return False
    left, right = text[i - 1], text[i]
    if left.isdigit() and right.isdigit():
        return True
    if left in ".,．" and right.isdigit() and i >= 2 and text[i - 2].isdigit():
        return True
    if left.isdigit() and (right in "%‰" or (right in ".,．" and i + 1 < len(text) and text[i + 1].isdigit())):
        return True  # "92.6" / "1,234" / "84%" (also when the % ends the text)
    return left.isascii() and left.isalnum() and right.isascii() and right.isalnum()


def _clauses(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence after , or 、 (not inside numbers), then hard-cut leftovers."""
    cuts = [a]
    for i in range(a, b - 1):
        if text[i] in _CLAUSE_END and not _inside_number(text, i + 1) and not (
            text[i] == "," and i > a and text[i - 1].isdigit() and text[i + 1].isdigit()
        ):
            cuts.append(i + 1)
    cuts.append(b)
    out: list[tuple[int, int]] = []
    for s, e in zip(cuts, cuts[1:]):
        s, e = _strip(text, s, e)
        while e - s > max_chars:
            cut = s + max_chars
            while cut > s + 1 and _inside_number(text, cut):
                cut -= 1
            if _inside_number(text, cut):  # a number longer than max_chars: keep it whole
                cut = s + max_chars
                while cut < e and _inside_number(text, cut):
                    cut += 1
            out.append(_strip(text, s, cut))
            s = _strip(text, cut, e)[0]
        if e > s:
            out.append((s, e))
    return [u for u in out if u[1] > u[0]]


def _table_rows(tables: list[Table]) -> list[tuple[int, int]]:
    """Spans of table rows from their cells: a chunk boundary must not fall inside one."""
    spans: list[tuple[int, int]] = []
    for t in tables:
        rows: dict[int, list[int]] = {}
        for c in t.cells:
            r = rows.setdefault(c.row, [c.start, c.end])
            r[0], r[1] = min(r[0], c.start), max(r[1], c.end)
        spans.extend((s, e) for s, e in rows.values() if e > s)
    return sorted(spans)


def _merge_protected(units: list[tuple[int, int]], protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join neighbouring units when one table row spans the boundary between them."""
    if not protected or not units:
        return units
    # protected is sorted by start: a prefix maximum of ends answers "does any span starting
    # before prev_end reach past s" by bisection (a scan per unit was quadratic on big files).
    starts = [ps for ps, _ in protected]
    reach = list(accumulate((pe for _, pe in protected), max))
    out = [units[0]]
    for s, e in units[1:]:
        prev_end = out[-1][1]
        k = bisect_left(starts, prev_end)
        if k and reach[k - 1] > s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _pack(units: list[tuple[int, int]], max_chars: int, edges: list[int]) -> list[tuple[int, int]]:
    """Greedy packing of consecutive units; a table start/end always starts a new chunk."""
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in units:
        k = bisect_left(edges, cur[1]) if cur is not None else len(edges)
        crosses_edge = k < len(edges) and edges[k] <= s  # an edge in [cur end, s]
        if cur is None:
            cur = (s, e)
        elif e - cur[0] <= max_chars and not crosses_edge:
            cur = (cur[0], e)
        else:
            out.append(cur)
            cur = (s, e)
    if cur is not None:
        out.append(cur)
    return out


def _only_heading(text: str, start: int, end: int, sec: Section) -> bool:
    body = text[start:end]
    return start <= sec.start + len(sec.heading) and body.strip() == sec.heading.strip()
