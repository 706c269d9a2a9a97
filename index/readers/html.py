"""HTML pages: site furniture dropped, data tables as pipe rows (rowspan/colspan expanded),
layout tables as ordinary blocks; ``<meta name=... content=...>`` and ``<title>`` go to ``fields``."""
from __future__ import annotations

import codecs
import re

from index.readers.encoding import decode_bytes
from index.readers.rows import clean_cell, pipe_row

_DROP_TAGS = ("script", "style", "nav", "header", "footer", "noscript", "template", "iframe",
              "svg", "canvas", "button", "select", "input", "textarea", "object", "embed")
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "aside", "li", "ul", "ol", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "address", "figure", "figcaption",
    "center", "form", "fieldset", "hr", "body", "tbody", "thead", "tfoot", "caption", "br",
}
_HTML_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _decode_html(data: bytes) -> tuple[str, str]:
    m = _HTML_META_CHARSET.search(data[:4096])
    if m and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = m.group(1).decode("ascii").lower()
        if enc.replace("-", "").replace("_", "") in {"gbk", "gb2312", "gb18030", "cp936"}:
            enc = "gb18030"
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_bytes(data)


_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


def _squash_ws(s: str) -> str:
    """HTML whitespace: a source line break between two CJK characters is no space at all."""
    return re.sub(r"[ \t\r\n\f]+", " ", _CJK_BREAK.sub("", s))


def _cell_text(el) -> str:  # noqa: ANN001
    from bs4 import NavigableString

    parts = []
    for node in el.descendants:  # inline pieces join as they are; blocks and <br> get a space
        if isinstance(node, NavigableString):
            parts.append(str(node))
        elif node.name in ("br", "p", "div", "li", "tr", "td", "th"):
            parts.append(" ")
    return clean_cell(_squash_ws("".join(parts)))


def _is_layout_table(table) -> bool:  # noqa: ANN001
    """Pages built with tables for layout: nested tables or cells holding whole paragraphs."""
    if table.find("table") is not None:
        return True
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    if max((len(tr.find_all(["td", "th"], recursive=False)) for tr in rows), default=0) < 2:
        return True  # a one-column "table" is a box around text, not data
    for cell in table.find_all(["td", "th"]):
        if len(cell.get_text(strip=True)) > 300:
            return True
    return False


def _int_attr(el, name: str) -> int:  # noqa: ANN001
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def html_table_rows(table) -> list[list[str]]:  # noqa: ANN001
    """A <table> as a grid, rowspan/colspan expanded by repeating the cell's text."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            for dr in range(_int_attr(cell, "rowspan")):
                for dc in range(_int_attr(cell, "colspan")):
                    grid.setdefault((r + dr, c + dc), text)
            c += _int_attr(cell, "colspan")
    if not grid:
        return []
    n_rows = len(rows)
    n_cols = max(c for _, c in grid) + 1
    out = []
    for r in range(n_rows):
        row = [grid.get((r, c), "") for c in range(n_cols)]
        if any(row):
            out.append(row)
    return out


def html_fields(soup) -> dict[str, str]:  # noqa: ANN001
    """``<meta name=... content=...>`` pairs keyed by their name, and the ``<title>`` text as "title"."""
    fields: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip()
        content = re.sub(r"\s+", " ", str(meta.get("content") or "")).strip()
        if name and content and name not in fields:
            fields[name] = content
    if soup.title:
        title = re.sub(r"\s+", " ", soup.title.get_text(" ", strip=True)).strip()
        if title:
            fields["title"] = title
    return fields


def html_to_text(html: str, fields: dict[str, str] | None = None) -> str:
    """Page text, one block a line; the page's metadata is added to ``fields`` when given."""
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
    if fields is not None:
        fields.update(html_fields(soup))
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    if soup.head:
        soup.head.decompose()

    parts: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        for child in node.children:
            if isinstance(child, NavigableString):
                parts.append(_squash_ws(str(child)))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name == "table" and not _is_layout_table(child):
                    rows = html_table_rows(child)
                    parts.append("\n" + "\n".join(pipe_row(r) for r in rows) + "\n")
                elif name == "br":
                    parts.append("\n")
                elif name in ("td", "th"):
                    walk(child)  # cells of a layout table: ordinary blocks
                    parts.append("\n")
                elif name in _BLOCK_TAGS or name in ("table", "tr"):
                    parts.append("\n")
                    walk(child)
                    parts.append("\n")
                else:
                    walk(child)

    walk(soup.body or soup)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    if page_title and page_title not in text:
        text = page_title + "\n" + text
    return text




def read(data: bytes, warnings: list[str], fields: dict[str, str]) -> tuple[str, str | None]:
    text, encoding = _decode_html(data)
    return html_to_text(text, fields), encoding
