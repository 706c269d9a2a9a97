"""A template row's uncertain digit run read with the prose's help (index/settle.py), only through figures
that are the body's own for the year (assistant/audit/document.py own_figure), table-driven."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audit.document import own_figure
from index.metrics import load_catalogue
from index.pipeline import build_report
from index.settle import settle

REPORT = """测试市财政局2022年政府信息公开工作年度报告

一、总体情况
{prose}

二、主动公开政府信息情况
第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数
规章000
行政规范性文件{run}
第二十条第(五)项信息内容本年处理决定数量
行政许可3
"""


def _reading(tmp_path: Path, prose: str, run: str):  # noqa: ANN202
    path = tmp_path / "r.txt"
    path.write_text(REPORT.format(prose=prose, run=run), encoding="utf-8")
    report = build_report(path)
    cat = load_catalogue()
    facts = [f for f in report.facts if own_figure(report.text, report.meta.year, f)]
    runs = [(t, c) for t in report.tables for c in t.cells if c.uncertain and c.value is None]
    assert runs, "the row should be an uncertain run"
    s = settle(cat, *runs[0], facts)
    return None if s is None else s.values


@pytest.mark.parametrize(("prose", "run", "reading"), [
    ("2022年,我局废止规范性文件6件,制定规范性文件15件。", "15621", (15, 6, 21)),
    ("2022年,我局制定规范性文件15件。", "15621", None),  # 15|6|21 or 15|62|1
    # not the body's own figure for the year (found by review)
    ("截至目前,共制定规范性文件156件。", "15621", None),  # a running total
    ("自机构改革以来,共废止规范性文件56件。", "15621", None),
    ("指导全市各区县共制定规范性文件123件。", "12345", None),  # another scope
    ("全市共废止规范性文件62件,本局制定规范性文件15件。", "15621", None),
    ("备案审查区县政府制定规范性文件15件。", "15021", None),
    ("制定和废止规范性文件共8件。", "62800", None),  # two quantities joined
    ("计划制定规范性文件15件。", "15021", None),  # a plan
    ("制定规范性文件配套政策解读材料15件。", "15021", None),  # mentions the documents, counts something else
    ("2021年,我局制定规范性文件15件,废止规范性文件6件。", "15621", None),  # another year
])
def test_settle(tmp_path, prose, run, reading):  # noqa: ANN001
    assert _reading(tmp_path, prose, run) == reading
