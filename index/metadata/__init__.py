"""Report metadata: title, issuing body, region, level, statistical year, publish date, aliases.

Read from whatever the page carries (see each module): header lines (``header``), HTML
``<meta>``/``<title>`` and DOCX properties (``Document.fields``), markdown headings and the title
line (``title``), the signature block at the end (``body``), the statistical period (``dates``).
The body named in the title wins over a page label; site labels, breadcrumbs and section headings
are never a title or a body; spam removal never deletes a word of a real name (``spam``).
"""
from __future__ import annotations

import re

from index.metadata.body import choose_body, from_signature, from_title
from index.metadata.dates import DATE_LINE, arabic_years, publish_date, stat_year
from index.metadata.header import header_fields
from index.metadata.places import PLACE_SUFFIX, fuller_place, level_of, place_names, place_of, place_units
from index.metadata.spam import is_spam, remove_spam
from index.metadata.title import choose_title, find_title_line
from index.metadata.vocab import vocab
from index.models import Metadata

__all__ = ["extract_metadata", "find_title_line", "is_spam", "remove_spam"]


def _html_fields(fields: dict[str, str] | None) -> dict[str, str]:
    """Document.fields (HTML <meta>, <title>, DOCX/PDF properties) -> title/publisher/date/page_title."""
    fields = fields or {}
    out: dict[str, str] = {}
    for key, names in vocab()["html_meta"].items():
        for n in names:
            if (fields.get(n) or "").strip():
                out[key] = fields[n].strip()
                break
    if (fields.get("title") or "").strip():
        out["page_title"] = fields["title"].strip()
    return out


def _spam_free_title(title: str, body: str) -> str:
    """A spam name in the title's body slot gives way to the body (365bet体育平台关于… -> 宁德市…局关于…)."""
    if not is_spam(title):
        return title
    m = re.search(r"关于|(?:19|20)\d{2}\s*年|政府信息公开|信息公开|政务公开", title)
    rest = title[m.start():] if m else remove_spam(title)
    return (body + rest) if body and m and is_spam(title[: m.start()]) else remove_spam(title)


def _aliases(body: str, region: str, place: str, title_body: str) -> list[str]:
    """Other names of this body, all specific to it: never a generic department name on its own
    (交通运输局), and a bare place only for the place's own government."""
    aliases: list[str] = []

    def add(name: str) -> None:
        name = name.strip()
        if len(name) >= 2 and not is_spam(name) and name not in aliases and name != body:
            aliases.append(name)

    # A place's own government: 海陵区政府, and a 街道's 办事处.
    government = bool(place) and body in (place, place + "人民政府", place + "政府", place + "办事处")
    if government:
        for p in dict.fromkeys((region, place, place_units(place)[-1])):
            if not p:
                continue
            add(p)
            add(p + "人民政府")
            add(p + "政府")
        bare = re.sub(rf"{PLACE_SUFFIX}$", "", place_units(place)[-1])
        if len(bare) >= 2:
            add(bare)  # 海淀区 -> 海淀
    if title_body and title_body != body:
        add(title_body)
    if region and place and body.startswith(place) and region != place:
        add(region + body[len(place):])
    return aliases


def extract_metadata(text: str, source: str, fields: dict[str, str] | None = None) -> Metadata:
    lines = text.split("\n")
    head, head_idx = header_fields(lines)
    html = _html_fields(fields)
    title, title_idx = choose_title(head, html, lines, head_idx, text)
    if not title:
        title = source.rsplit(".", 1)[0]
    title = arabic_years(title)

    known = place_names(text[:6000])
    publisher = head.get("publisher") or html.get("publisher", "")
    body, _how = choose_body(remove_spam(title) if is_spam(title) else title, publisher, text, known)

    place = place_of(body) if body else ""
    region = fuller_place(place, text, known) if place else ""
    if not region:
        top = [n for n, _ in known.most_common(3)]
        region = top[0] if top else ""
    title = _spam_free_title(title, body)

    _, sig_date = from_signature(text)
    published = publish_date(lines, title_idx, head.get("date") or html.get("date"), sig_date)
    skip = set(head_idx) | {i for i, ln in enumerate(lines[:40]) if DATE_LINE.match(ln)}
    body_text = "\n".join(ln for i, ln in enumerate(lines) if i not in skip)
    year = stat_year(title, body_text, published)

    return Metadata(
        title=title,
        body=body,
        region=region,
        level=level_of(body, region),
        year=year,
        publish_date=published,
        aliases=_aliases(body, region, place, from_title(title)),
    )
