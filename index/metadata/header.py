"""Header lines above a page's text: ``标题: …``, ``发布机构: …``, ``发布时间: …`` (several may
share one line: ``发布机构: 海陵区政府 发文日期: 2018-02-27``).

Only the head of the text is read (the lines before the first long prose line or a ``=== 正文 ===``
separator), so a ``来源:`` in a page footer is never taken for the publisher.
"""
from __future__ import annotations

import re

from index.metadata.vocab import header_label_re, label_key

_SEPARATOR = re.compile(r"^\s*[=\-—*#]{3,}.*$|^\s*正文\s*$")
HEAD_LINES = 40


def _canon(label: str) -> str:
    return label_key().get(re.sub(r"\s+", "", label), "")


def header_fields(lines: list[str]) -> tuple[dict[str, str], set[int]]:
    """({key: value}, indexes of the header lines). Keys: title, publisher, date, docno, index_no,
    column, url. The first non-empty value of a key wins; empty values are skipped."""
    fields: dict[str, str] = {}
    used: set[int] = set()
    pat = header_label_re()
    for i, line in enumerate(lines[:HEAD_LINES]):
        if _SEPARATOR.match(line):
            used.add(i)
            break
        matches = list(pat.finditer(line))
        if not matches:
            if len(line.strip()) > 120:  # prose has started
                break
            continue
        if matches[0].start() > 0 and line[: matches[0].start()].strip():
            continue  # a label in the middle of a sentence, not a header line
        used.add(i)
        for m, nxt in zip(matches, matches[1:] + [None]):
            value = line[m.end(): nxt.start() if nxt else len(line)].strip()
            key = _canon(m.group(1))
            if key and value and key not in fields:
                fields[key] = value
    return fields, used
