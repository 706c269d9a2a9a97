"""Uploaded files -> the index: one pipeline for the API and the chat page.

An upload is checked before it touches the disk: a safe base name (no directories, no ``..``,
no NUL, inside ``<data_dir>/uploads``), a size limit (``settings.max_upload_mb``), and a type
told by content, not by name (``index.readers.read_bytes`` sniffs PDF/DOCX/HTML and refuses
binary content under a text name). Then it is stored in the uploads folder (so a re-upload of
the same name replaces the report, and ``reindex`` can re-run it) and ingested.
"""
from __future__ import annotations

import hmac
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.models import IngestError

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UploadRefused(Exception):
    """A file refused before ingestion; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UploadOutcome:
    name: str
    status: str  # added | replaced | unchanged | failed
    message: str = ""
    report_id: int | None = None
    title: str = ""
    n_sections: int = 0
    n_chunks: int = 0
    n_facts: int = 0
    http_status: int = 200  # what the API answers for this file

    def to_dict(self) -> dict:
        return asdict(self)


def key_ok(settings: Any, given: str | None) -> bool:
    """No key configured: everything is open. Otherwise a constant-time comparison."""
    want = getattr(settings, "api_key", "") or ""
    if not want:
        return True
    return bool(given) and hmac.compare_digest(str(given).encode(), want.encode())


def max_upload_bytes(settings: Any) -> int:
    return int(getattr(settings, "max_upload_mb", 50) or 50) * 1024 * 1024


def uploads_dir(settings: Any) -> Path:
    base = Path(getattr(settings, "data_dir", None) or tempfile.gettempdir()) / "uploads"
    base.mkdir(parents=True, exist_ok=True)
    return base


def safe_filename(name: str) -> str:
    """The base name to store an upload under; raises UploadRefused(400) for a hostile name.

    A client's directories are dropped ("C:\\x\\a.txt" -> "a.txt"), but a name that tries to
    climb (``..``) or smuggles a NUL/control character is refused outright: it is never a slip.
    """
    raw = name or ""
    if _CONTROL.search(raw):
        raise UploadRefused(400, f"{raw!r}: file name contains control characters")
    parts = re.split(r"[\\/]+", raw)
    if any(p.strip() == ".." for p in parts):
        raise UploadRefused(400, f"{raw}: file name must not contain '..'")
    base = parts[-1] if parts else ""
    # Keep CJK and word characters; everything else becomes "_"; no leading dot (hidden files).
    base = re.sub(r"[^\w.\-\u3000-\u9fff\uff00-\uffef]+", "_", base).strip("._ ")
    base = re.sub(r"\.{2,}", ".", base)
    if not base:
        raise UploadRefused(400, f"{raw or '(empty)'}: no usable file name")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def upload_path(settings: Any, name: str) -> Path:
    """Where ``name`` (already safe) is stored; refuses anything resolving outside the uploads folder."""
    base = uploads_dir(settings).resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise UploadRefused(400, f"{name}: file name resolves outside the uploads folder")
    return path


def check_content(name: str, data: bytes, limit: int) -> None:
    """Size, extension and content checks; raises UploadRefused (413 / 415 / 422)."""
    if len(data) > limit:
        raise UploadRefused(413, f"{name}: larger than {limit // 2**20} MB")
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused(415, f"{name}: unsupported file type (accepted: {', '.join(UPLOAD_SUFFIXES)})")
    if not data.strip():
        raise UploadRefused(422, f"{name}: empty file")
    if suffix in _TEXT_SUFFIXES:
        # Cheap for text: the reader's own sniffing and decoding decide (a .txt holding a PDF
        # is read as PDF, one holding binary junk is refused).
        from index.readers import read_bytes
        try:
            read_bytes(data, name)
        except IngestError as exc:
            raise UploadRefused(415 if "binary" in str(exc) or "not a" in str(exc) else 422,
                                f"{name}: {exc}") from None
    elif suffix == ".pdf" and b"%PDF-" not in data[:1024]:
        raise UploadRefused(415, f"{name}: not a PDF file (no %PDF header)")
    elif suffix == ".docx" and not _is_word_zip(data):
        raise UploadRefused(415, f"{name}: not a DOCX file (not a Word zip archive)")


def _is_word_zip(data: bytes) -> bool:
    # Reading the zip's directory is cheap; parsing the document is left to the pipeline.
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def ingest_upload(indexer: Any, settings: Any, filename: str, data: bytes) -> UploadOutcome:
    """Check, store and ingest one upload. Never raises for a bad file: the outcome says why."""
    shown = filename or "upload"
    try:
        name = safe_filename(filename)
        shown = name
        check_content(name, data, max_upload_bytes(settings))
        path = upload_path(settings, name)
    except UploadRefused as exc:
        return UploadOutcome(shown, "failed", exc.message, http_status=exc.status)
    path.write_bytes(data)
    (r,) = indexer.ingest([path])
    if r.status == "failed":
        path.unlink(missing_ok=True)  # a failed file must not come back on reindex
        return UploadOutcome(name, "failed", f"{name}: {r.message}", http_status=422)
    return UploadOutcome(name, r.status, r.message, r.report_id, r.title, r.n_sections, r.n_chunks, r.n_facts)


def ingest_paths(indexer: Any, settings: Any, paths: Iterable[str | Path],
                 progress: Callable[[int, int, str], None] | None = None) -> list[UploadOutcome]:
    """Uploads that arrive as files on disk (the chat page's temp files), one at a time."""
    paths = [Path(p) for p in paths]
    out = []
    limit = max_upload_bytes(settings)
    for i, p in enumerate(paths):
        if progress:
            progress(i, len(paths), p.name)
        try:
            size = p.stat().st_size
        except OSError as exc:
            out.append(UploadOutcome(p.name, "failed", f"{p.name}: {exc.strerror or exc}", http_status=400))
            continue
        if size > limit:
            out.append(UploadOutcome(p.name, "failed", f"{p.name}: larger than {limit // 2**20} MB", http_status=413))
            continue
        out.append(ingest_upload(indexer, settings, p.name, p.read_bytes()))
    return out


def stored_uploads(settings: Any) -> list[Path]:
    base = uploads_dir(settings)
    return sorted(p for p in base.iterdir() if p.is_file() and p.suffix.lower() in UPLOAD_SUFFIXES)


def forget_upload(settings: Any, source: str) -> bool:
    """Remove the stored copy of a deleted report (so reindex does not bring it back)."""
    try:
        path = upload_path(settings, safe_filename(source))
    except UploadRefused:
        return False
    if path.is_file():
        path.unlink()
        return True
    return False


__all__ = ["UploadRefused", "UploadOutcome", "key_ok", "safe_filename", "upload_path", "check_content",
           "ingest_upload", "ingest_paths", "stored_uploads", "forget_upload", "uploads_dir", "max_upload_bytes",
           "UPLOAD_SUFFIXES"]
