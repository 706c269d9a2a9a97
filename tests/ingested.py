"""An Assistant over small reports written in a test, ingested through the real indexer."""
from __future__ import annotations

from pathlib import Path


def assistant_over(root: Path, reports: dict[str, str]):  # noqa: ANN201
    """An Assistant over a data folder in ``root`` holding ``reports`` (file name -> text), each
    ingested through the real indexer; the caller closes it."""
    from assistant.engine import Assistant
    from index.pipeline import Indexer
    from index.settings import load_settings

    paths = []
    for name, text in reports.items():
        (root / name).write_text(text, encoding="utf-8")
        paths.append(root / name)
    settings = load_settings(data_dir=root / "data")
    indexer = Indexer(settings)
    try:
        assert [r.status for r in indexer.ingest(paths)] == ["added"] * len(paths)
    finally:
        indexer.close()
    return Assistant(settings)
