"""Readers: one file -> ``Document`` (normalized, furniture-stripped text).

Structured formats render each table as pipe rows (``| a | b | c |``, one row a line) so a
single table parser (``index/tables.py``) serves every format. Every failure is an
``IngestError`` whose message is a reason a user can act on.
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from index.models import Document, IngestError
from index.normalize import normalize_text, strip_furniture

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_ALIASES = {".text": ".txt", ".markdown": ".md", ".xhtml": ".html", ".shtml": ".html"}


# --- encodings ----------------------------------------------------------------------------

_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GBK/GB2312 are subsets of GB18030: decode with the superset so rare characters survive.
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "cp936", "hz", "euc_cn", "gb2312-80"}


def _junk_ratio(text: str) -> float:
    """Share of characters that no text file contains (controls, U+FFFD, unassigned)."""
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        if ch in "\n\r\t\f\v":
            continue
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Cc", "Cs", "Co", "Cn"):
            bad += 1
    return bad / len(text)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): BOM, then strict UTF-8, then charset-normalizer's guess.

    Raises IngestError for empty input or binary content.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise IngestError("empty file")
    boms = [enc for bom, enc in _BOMS if data.startswith(bom)]
    for enc in boms:  # FF FE 00 00 is UTF-32 LE, or UTF-16 LE text starting with U+0000
        try:
            return data.decode(enc), enc.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    if boms:  # a BOM but damaged or truncated data: keep what decodes, unless it is junk
        text = data.decode(boms[0], errors="replace")
        if _junk_ratio(text) > 0.02:
            raise IngestError("not a text file (binary content)")
        return text, boms[0].replace("-sig", "")
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if _junk_ratio(text) > 0.02:
                raise IngestError("not a text file (binary content)")
            return text, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    enc = best.encoding.lower() if best is not None else None
    if b"\x00" in data and (enc is None or not enc.startswith("utf_16") and not enc.startswith("utf_32")):
        raise IngestError("not a text file (binary content)")
    if enc is None or enc.replace("_", "") in {e.replace("_", "") for e in _GB_FAMILY}:
        enc = "gb18030"
    elif enc not in ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_8", "big5", "big5hkscs"):
        # Single-byte guesses (cp1252, koi8...) on Chinese reports are almost always GBK
        # misread: take GB18030 when it decodes strictly.
        try:
            data.decode("gb18030")
            enc = "gb18030"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(enc, errors="replace") if enc != "gb18030" else data.decode("gb18030", "replace")
    if _junk_ratio(text) > 0.02:
        raise IngestError("not a text file (binary content)")
    return text, enc.replace("_", "-")


# --- sniffing -----------------------------------------------------------------------------

def _sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip()
    if b"%PDF-" in data[:1024]:
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        return ".docx" if _is_docx(data) else ".zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"  # OLE2: legacy Word/Excel
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return ".html"
    return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


# --- HTML ---------------------------------------------------------------------------------

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
    return re.sub(r"\s+", " ", _squash_ws("".join(parts))).strip().replace("|", "/")


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


def pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.strip() for c in cells) + " |"


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(html, "lxml")
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


# --- DOCX ---------------------------------------------------------------------------------

def _docx_to_text(data: bytes) -> str:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    if not _is_docx(data):
        raise IngestError("not a DOCX file (not a Word zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises a zoo of errors on damaged packages
        raise IngestError(f"corrupt DOCX file: {exc}") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, DocxTable):
            lines.append("")
            for row in block.rows:
                # python-docx repeats a merged cell in every grid position it spans: keep that.
                cells = [re.sub(r"\s+", " ", cell.text).replace("|", "/") for cell in row.cells]
                if any(c.strip() for c in cells):
                    lines.append(pipe_row(cells))
            lines.append("")
    return "\n".join(lines)


# --- PDF ----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


_CID = re.compile(r"\(cid:\d+\)")


def _pdf_check(data: bytes) -> str:
    """Cheap structural checks; returns the password to open with ('' or None)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError("corrupt or truncated PDF: no end-of-file marker")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Owner-password-only files open with the empty user password.
            if not reader.decrypt(""):
                raise IngestError("password-protected PDF")
            return ""
        _ = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"corrupt or truncated PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises dependency errors (e.g. no AES lib) here too
        if "crypt" in type(exc).__name__.lower() or "AES" in str(exc):
            raise IngestError("password-protected PDF") from exc
        raise IngestError(f"corrupt or truncated PDF: {exc}") from exc
    return ""


def _pdf_table_rows(page, table) -> list[list[str]]:  # noqa: ANN001
    """Rows of a pdfplumber table with merged cells repeated into each covered position."""
    rows = table.extract()
    # Map each real cell's bbox to its text, to fill the None slots merged cells leave.
    texts: dict[tuple, str] = {}
    for r, row in enumerate(table.rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and r < len(rows) and c < len(rows[r]):
                texts[tuple(bbox)] = rows[r][c] or ""
    cols = table.columns
    out = []
    for r, row in enumerate(rows):
        filled = []
        for c, val in enumerate(row):
            if val is None and r < len(table.rows) and c < len(cols):
                x = (cols[c].bbox[0] + cols[c].bbox[2]) / 2
                y = (table.rows[r].bbox[1] + table.rows[r].bbox[3]) / 2
                val = next((t for b, t in texts.items() if b[0] <= x <= b[2] and b[1] <= y <= b[3]), "")
            filled.append(re.sub(r"\s+", " ", val or "").replace("|", "/"))
        if any(filled):
            out.append(filled)
    return out


_SENTENCE_END = tuple("。:;!?…」”』)》")


def _join_wrapped(page_width: float, items: list[tuple[float, str, dict | None]]) -> list[str]:
    """Re-join body lines the PDF wrapped at the right margin (a sentence split over lines).

    A text line is wrapped when it is long (>= 60% of the page width), ends within about two
    characters of the page's right text edge and does not end a sentence; it is not joined
    to a table or to a line that starts a heading.
    """
    from index.sections import looks_like_heading  # heading look-alikes must stay line starts

    text_lines = [ln for _, _, ln in items if ln is not None]
    right = max((ln["x1"] for ln in text_lines), default=0.0)
    out: list[str] = []
    joinable = False
    for _, text, ln in items:
        starts_heading = ln is not None and looks_like_heading(text)
        if joinable and ln is not None and not starts_heading and out:
            sep = "" if re.match(r"[\u3000-\u9fff\uff00-\uffef]", text[:1] or " ") else " "
            out[-1] = out[-1] + sep + text
        else:
            out.append(text)
        joinable = False
        if ln is not None:
            width = ln["x1"] - ln["x0"]
            char_w = width / max(len(text), 1)
            joinable = (width >= 0.6 * page_width and ln["x1"] >= right - 2.5 * char_w
                        and not out[-1].endswith(_SENTENCE_END))
    return out


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers: the same first/last line on most pages."""
    if len(pages) < 3:
        return pages
    def key(s: str) -> str:
        return re.sub(r"\d+", "#", s.strip())
    out = [list(p) for p in pages]
    for pos in (0, -1):
        counts: dict[str, int] = {}
        for p in pages:
            if p:
                counts[key(p[pos])] = counts.get(key(p[pos]), 0) + 1
        for k, n in counts.items():
            if n >= max(3, int(0.6 * len(pages))) and len(k) <= 40:
                for i, p in enumerate(out):
                    if p and key(p[pos]) == k and not (i == 0 and pos == 0):
                        p.pop(pos)
    return out


def _pdf_to_text(data: bytes, warnings: list[str]) -> str:
    import pdfplumber

    password = _pdf_check(data)
    pages_lines: list[list[str]] = []
    empty_pages: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password) as pdf:
            for no, page in enumerate(pdf.pages, start=1):
                tables = page.find_tables()
                rest = page
                for t in tables:
                    rest = rest.outside_bbox(t.bbox)
                items: list[tuple[float, str, dict | None]] = []
                for line in rest.extract_text_lines(strip=True):
                    if not _PAGE_NUMBER.match(line["text"]):
                        items.append((line["top"], line["text"], line))
                for t in tables:
                    rows = _pdf_table_rows(page, t)
                    if rows:
                        items.append((t.bbox[1], "\n".join(pipe_row(r) for r in rows), None))
                items.sort(key=lambda it: it[0])
                lines = _join_wrapped(float(page.width), items)
                if not any(s.strip() for s in lines):
                    empty_pages.append(no)
                pages_lines.append(lines)
    except IngestError:
        raise
    except Exception as exc:  # pdfminer's errors have no common base worth naming
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise IngestError("password-protected PDF") from exc
        raise IngestError(f"corrupt or truncated PDF: {name}: {exc}") from exc
    pages_out = ["\n".join(p) for p in _drop_running_lines(pages_lines)]
    if not any(p.strip() for p in pages_out):
        raise IngestError("no text layer; OCR is not supported")
    if empty_pages:
        warnings.append(f"pages without a text layer (skipped): {empty_pages}")
    text = "\n".join(pages_out)
    # Fonts without a Unicode map come out as "(cid:1234)": unreadable, so say so.
    cid_chars = sum(len(m) for m in _CID.findall(text))
    if cid_chars > 0.3 * len(text):
        raise IngestError("no usable text layer (fonts without Unicode mapping); OCR is not supported")
    if cid_chars:
        warnings.append("some characters had no Unicode mapping and were dropped")
        text = _CID.sub("", text)
    return text


# --- entry point --------------------------------------------------------------------------

def read_file(path: Path) -> Document:
    """Read, normalize and strip one report file. Raises IngestError with a user-facing reason."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError("file not found") from exc
    except IsADirectoryError as exc:
        raise IngestError("is a directory, not a file") from exc
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> Document:
    """As ``read_file`` for bytes already in memory (uploads); ``name`` gives the extension."""
    ext = _ALIASES.get(Path(name).suffix.lower(), Path(name).suffix.lower())
    warnings: list[str] = []
    sniffed = _sniff(data) if data else None
    if not ext:
        ext = sniffed or ".txt"
    if ext not in SUPPORTED:
        shown = ext if ext.startswith(".") else f".{ext}"
        raise IngestError(f"unsupported file type {shown} (supported: {', '.join(SUPPORTED)})")
    if not data.strip():
        raise IngestError("empty file")
    # Content beats the name when it is unambiguous and cheap to tell.
    if ext in (".txt", ".md", ".html", ".htm") and sniffed in (".pdf", ".docx"):
        warnings.append(f"file named {ext} holds a {sniffed} document; read as {sniffed}")
        ext = sniffed
    if ext == ".txt" and sniffed == ".html":
        warnings.append("file named .txt holds an HTML page; read as .html")
        ext = ".html"
    if ext in (".txt", ".md", ".html", ".htm") and sniffed in (".doc", ".zip"):
        raise IngestError("not a text file (binary content)")
    if ext == ".pdf" and sniffed != ".pdf":
        raise IngestError("not a PDF file (no %PDF header)")
    if ext == ".docx" and sniffed != ".docx":
        raise IngestError("not a DOCX file (not a Word zip archive)")

    readers: dict[str, Callable[[], tuple[str, str | None]]] = {
        ".txt": lambda: decode_bytes(data),  # markdown stays as text: pipe tables are rows already
        ".md": lambda: decode_bytes(data),
        ".html": lambda: (lambda t, e: (_html_to_text(t), e))(*_decode_html(data)),
        ".htm": lambda: (lambda t, e: (_html_to_text(t), e))(*_decode_html(data)),
        ".docx": lambda: (_docx_to_text(data), None),
        ".pdf": lambda: (_pdf_to_text(data, warnings), None),
    }
    raw_text, encoding = readers[ext]()
    text = strip_furniture(normalize_text(raw_text))
    if not text.strip():
        raise IngestError("empty file" if ext in (".txt", ".md") else "no text found")
    fmt = {".htm": "html"}.get(ext, ext.lstrip("."))
    return Document(text=text, format=fmt, encoding=encoding, warnings=warnings)
