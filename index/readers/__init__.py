"""Readers: one file -> ``Document`` (normalized, furniture-stripped text).

One module per format (``text``, ``html``, ``docx``, ``pdf``; encodings in ``encoding``), joined
by the registry ``FORMATS``. Structured formats render each table as pipe rows (``| a | b | c |``,
one row a line) so a single table parser (``index/tables.py``) serves every format, and put the
metadata the file carries outside its text into ``Document.fields``. Every failure is an
``IngestError`` whose message is a reason a user can act on.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.models import Document, IngestError
from index.normalize import normalize_text, strip_furniture
from index.readers import docx, html, pdf, text
from index.readers.encoding import _junk_ratio, decode_bytes
from index.readers.html import html_table_rows, html_to_text
from index.readers.rows import pipe_row
from index.readers.sniff import is_docx, sniff

# A reader: (bytes, warnings to append to, fields to fill) -> (raw text, encoding or None).
ReadFn = Callable[[bytes, list[str], dict[str, str]], tuple[str, "str | None"]]


@dataclass(frozen=True)
class Format:
    name: str  # Document.format
    extensions: tuple[str, ...]
    read: ReadFn
    binary: bool = False  # judged by content: a file of this type named otherwise is read as this type


FORMATS: tuple[Format, ...] = (
    Format("txt", (".txt",), text.read),
    Format("md", (".md",), text.read),
    Format("html", (".html", ".htm"), html.read),
    Format("docx", (".docx",), docx.read, binary=True),
    Format("pdf", (".pdf",), pdf.read, binary=True),
)
_BY_EXT = {ext: f for f in FORMATS for ext in f.extensions}
SUPPORTED = tuple(_BY_EXT)
_ALIASES = {".text": ".txt", ".markdown": ".md", ".xhtml": ".html", ".shtml": ".html"}
_TEXTUAL = tuple(ext for f in FORMATS if not f.binary for ext in f.extensions)

__all__ = ["FORMATS", "SUPPORTED", "Format", "decode_bytes", "html_table_rows", "html_to_text", "is_docx",
           "pipe_row", "read_bytes", "read_file", "sniff", "_junk_ratio"]


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
    sniffed = sniff(data) if data else None
    if not ext:
        ext = sniffed or ".txt"
    if ext not in SUPPORTED:
        shown = ext if ext.startswith(".") else f".{ext}"
        raise IngestError(f"unsupported file type {shown} (supported: {', '.join(SUPPORTED)})")
    if not data.strip():
        raise IngestError("empty file")
    # Content beats the name when it is unambiguous and cheap to tell.
    if ext in _TEXTUAL and sniffed in (".pdf", ".docx"):
        warnings.append(f"file named {ext} holds a {sniffed} document; read as {sniffed}")
        ext = sniffed
    if ext == ".txt" and sniffed == ".html":
        warnings.append("file named .txt holds an HTML page; read as .html")
        ext = ".html"
    if ext in _TEXTUAL and sniffed in (".doc", ".zip"):
        raise IngestError("not a text file (binary content)")
    if ext == ".pdf" and sniffed != ".pdf":
        raise IngestError("not a PDF file (no %PDF header)")
    if ext == ".docx" and sniffed != ".docx":
        raise IngestError("not a DOCX file (not a Word zip archive)")

    fmt = _BY_EXT[ext]
    fields: dict[str, str] = {}
    raw_text, encoding = fmt.read(data, warnings, fields)
    out = strip_furniture(normalize_text(raw_text))
    if not out.strip():
        raise IngestError("empty file" if fmt.name in ("txt", "md") else "no text found")
    return Document(text=out, format=fmt.name, encoding=encoding, warnings=warnings, fields=fields)
