"""Uploaded files -> the index: the API and the chat page, through the one ingest path.

An upload is checked before it touches the disk: a safe base name (no directories, no ``..``,
no NUL, inside ``<data_dir>/uploads``), then ``index.pipeline.receive`` (the format list, the size
limit and the hash every face shares) and the real parse (``Incoming.parse``), which tells the type
by content, not by name. The parsed upload is then stored in the uploads folder (so a re-upload of
the same name replaces the report, and ``reindex`` can re-run it) and handed to the indexer as it
is: it is not parsed again.
"""
from __future__ import annotations

import hmac
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.models import IngestError
from index.pipeline import (FILE_ERRORS, FileTooLarge, Incoming, IngestResult, UnsupportedFormat, expand_paths,
                            failure_reason, read_capped, receive)
from index.settings import Settings

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UploadRefused(Exception):
    """A file refused before ingestion; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class UploadOutcome(IngestResult):
    """An ``IngestResult`` for one upload (``path`` holds the stored name) and the HTTP status for it."""

    http_status: int = 200  # what the API answers for this file

    @property
    def name(self) -> str:
        return self.path

    def to_dict(self) -> dict:
        d = asdict(self)
        return {"name": d.pop("path"), **d}


def key_ok(settings: Any, given: str | None) -> bool:
    """No key configured: everything is open. Otherwise a constant-time comparison."""
    want = getattr(settings, "api_key", "") or ""
    if not want:
        return True
    return bool(given) and hmac.compare_digest(str(given).encode(), want.encode())


def upload_limit_mb(settings: Any) -> int:
    """``max_upload_mb`` (0: no limit); the setting's default when a face runs without settings."""
    return int(getattr(settings, "max_upload_mb", Settings.max_upload_mb))


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


def http_status(exc: Exception) -> int:
    """The API's answer for a file the ingest path refused: 413 too large, 415 not a format we read
    (by name or by content), 422 a readable type that holds no usable report."""
    if isinstance(exc, FileTooLarge):
        return 413
    msg = str(exc)
    if isinstance(exc, UnsupportedFormat) or "binary" in msg or msg.startswith("not a "):
        return 415
    return 422


def check_content(name: str, data: bytes, limit_mb: int, size: int | None = None, catalogue: Any = None,
                  stored_hash: str | None = None) -> Incoming:
    """Format, size and content, by the ingest path itself: ``receive`` then the real parse, whose
    Report the returned ``Incoming`` keeps for the ingest. Raises UploadRefused (413 / 415 / 422).

    ``stored_hash``: the hash of the report stored under this name; the same bytes were parsed
    when they were stored, so they are not parsed again (a re-upload or reindex is then a no-op)."""
    try:
        incoming = receive(name, data, limit_mb, size)
        if incoming.content_hash != stored_hash:
            incoming.parse(catalogue)
    except FILE_ERRORS as exc:
        raise UploadRefused(http_status(exc), f"{name}: {failure_reason(exc)}") from None
    return incoming


def ingest_upload(indexer: Any, settings: Any, filename: str, data: bytes, size: int | None = None) -> UploadOutcome:
    """Check (by parsing it), store and ingest one upload. Never raises for a bad file: the outcome says why.

    ``size``: the upload's full size when ``data`` was cut at the limit (``read_capped``)."""
    shown = filename or "upload"
    try:
        name = safe_filename(filename)
        shown = name
        path = upload_path(settings, name)
        # A stand-in indexer without a catalogue or stored hashes gets the defaults: every upload parsed.
        stored = getattr(indexer, "stored_hash", None)
        incoming = check_content(name, data, upload_limit_mb(settings), size, getattr(indexer, "catalogue", None),
                                 stored(name) if stored else None)
    except UploadRefused as exc:
        return UploadOutcome(shown, "failed", message=exc.message, http_status=exc.status)
    path.write_bytes(data)
    incoming.path = path
    (r,) = indexer.ingest([incoming])  # the parsed Report goes in as it is
    if r.status == "failed":
        path.unlink(missing_ok=True)  # a failed file must not come back on reindex
        return UploadOutcome(name, "failed", message=f"{name}: {r.message}", http_status=422)
    return UploadOutcome(**{**asdict(r), "path": name})


def ingest_paths(indexer: Any, settings: Any, paths: Iterable[str | Path],
                 progress: Callable[[int, int, str], None] | None = None) -> list[UploadOutcome]:
    """Uploads that arrive as files on disk (the chat page's temp files, reindex), one at a time."""
    paths = [Path(p) for p in paths]
    out = []
    for i, p in enumerate(paths):
        if progress:
            progress(i, len(paths), p.name)
        try:
            data, size = read_capped(p, upload_limit_mb(settings))
        except (IngestError, OSError) as exc:
            out.append(UploadOutcome(p.name, "failed", message=f"{p.name}: {getattr(exc, 'strerror', None) or exc}",
                                     http_status=400))
            continue
        out.append(ingest_upload(indexer, settings, p.name, data, size))
    return out


def stored_uploads(settings: Any) -> list[Path]:
    """The stored uploads, found by the one folder walk (SUPPORTED formats; safe names are never hidden)."""
    return expand_paths([uploads_dir(settings)])


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
           "http_status", "ingest_upload", "ingest_paths", "stored_uploads", "forget_upload", "uploads_dir",
           "upload_limit_mb"]
