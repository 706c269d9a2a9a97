"""Telling a file's format by its content (the name can lie)."""
from __future__ import annotations

import io
import zipfile


def sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip()
    if b"%PDF-" in data[:1024]:
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        return ".docx" if is_docx(data) else ".zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"  # OLE2: legacy Word/Excel
    low = head[:512].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return ".html"
    return None


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False
