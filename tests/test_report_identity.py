"""Identity of every example report (title, issuing body, statistical year, publish date), checked against a
hand-read table: tests/data/report_identity.jsonl (one row per file; ``note`` says what a reader should know,
e.g. a wrong 发布机构 header or a wrong year in the signature). Strings are stored in NFKC form."""
import json
from pathlib import Path

import pytest

from index.pipeline import build_report

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "data" / "report_identity.jsonl"
ROWS = [json.loads(line) for line in TABLE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", ROWS, ids=[Path(r["file"]).name for r in ROWS])
def test_report_identity(row: dict) -> None:
    meta = build_report(ROOT / row["file"]).meta
    got = {"title": meta.title, "body": meta.body, "year": meta.year}
    want = {"title": row["title"], "body": row["body"], "year": row["year"]}
    if row["publish_date"] is not None:
        got["publish_date"] = meta.publish_date
        want["publish_date"] = row["publish_date"]
    assert got == want, row.get("note", "")
