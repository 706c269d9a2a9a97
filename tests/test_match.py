"""Matching a question's quantity to a fact by the report's own words (assistant/match/): the items a
question names, unit classes, scoring, calibrated abstention, and answers that show their operands."""
from __future__ import annotations

import pytest

from assistant.engine import FactRow
from assistant.match import Weights, compose, resolve, split_items
from assistant.match.phrase import split_across
from assistant.match.score import name_of, rank
from assistant.match.units import asked_class, compatible, unit_class


def _fact(fid: int, value: float, unit: str, label: str, origin: str = "prose", row: str = "", col: str = "",
          quote: str | None = None, metric: str = "prose:x", section: str = "") -> FactRow:
    if not section:
        section = "三、收到和处理政府信息公开申请情况" if origin == "table" else "二、主动公开政府信息情况"
    return FactRow(fact_id=fid, report_id=1, source="r.txt", title="某局2022年政府信息公开工作年度报告", body="某县某局",
                   region="某县", year=2022, metric_id=metric, dimension="", value=value, unit=unit, origin=origin,
                   section_path=section, quote=quote if quote is not None else f"{label}{value:g}{unit}",
                   start=fid * 10, end=fid * 10 + 5, row_label=row, col_label=col, conflict=False, label=label)


# A small report: the quantities a journalist asks about sit beside look-alikes.
FACTS = [
    _fact(1, 123, "条", "2022年主动公开政府信息"),
    _fact(2, 12, "条", "主动公开政府信息 › 三公经费信息"),
    _fact(3, 90, "条", "主动公开政府信息 › 其他应主动公开的政府信息"),
    _fact(4, 10659, "名", "新浪微博粉丝"),
    _fact(5, 1582, "条", "新浪微博发布信息"),
    _fact(6, 5, "件", "三、本年度办理结果 › (四)无法提供 › 1.本机关不掌握相关政府信息 › 总计", "table",
          row="三、本年度办理结果 › (四)无法提供 › 1.本机关不掌握相关政府信息", col="总计", quote="5"),
    _fact(7, 0, "件", "三、本年度办理结果 › (四)无法提供 › 2.没有现成信息需要另行制作 › 总计", "table",
          row="三、本年度办理结果 › (四)无法提供 › 2.没有现成信息需要另行制作", col="总计", quote="0"),
    _fact(8, 3, "件", "三、本年度办理结果 › (一)予以公开 › 总计", "table", row="三、本年度办理结果 › (一)予以公开",
          col="总计", quote="3"),
    _fact(9, 2, "件", "三、本年度办理结果 › (三)不予公开 › 总计", "table", row="三、本年度办理结果 › (三)不予公开",
          col="总计", quote="2"),
    _fact(10, 3, "件", "三、本年度办理结果 › (一)予以公开 › 自然人", "table", row="三、本年度办理结果 › (一)予以公开",
          col="自然人", quote="3"),
    _fact(11, 473, "条", "制作获取政府信息"),
    _fact(12, 105, "条", "制作获取政府信息 › 不予公开信息"),
    _fact(13, 9116.36, "万元", "行政事业性收费 › 本年收费金额", "table", row="第二十条第(八)项 › 行政事业性收费",
          col="本年收费金额", quote="9116.36"),
]
WEIGHTS = Weights([f.label for f in FACTS] * 3 + ["政府信息公开", "主动公开政府信息", "依申请公开信息"])


@pytest.mark.parametrize(("question", "mentions", "op", "items", "context"), [
    ("某局2022年主动公开的信息中,三公经费信息有多少条?", ["某局"], "lookup", ["三公经费信息"], "主动公开的信息"),
    ("某局2022年依申请公开的信息和不予公开的信息合计多少条?", ["某局"], "sum", ["依申请公开的信息", "不予公开的信息"], ""),
    ("某局2022年主动公开的文件与依申请公开及不予公开的文件合计多少份?", ["某局"], "sum",
     ["主动公开的文件", "依申请公开及不予公开的文件"], ""),
    ("某局2022年不予公开的信息占其制作、获取信息总数的比例是多少?", ["某局"], "percent",
     ["不予公开的信息", "制作、获取信息总数"], ""),
    ("某局2019年主动公开的173条信息中,行政许可类占比是多少?", ["某局"], "percent", ["行政许可类", "主动公开的173条信息"], ""),
    ("2020年某局的微信公众平台文章比主流媒体报道多多少篇?", ["某局"], "difference", ["微信公众平台文章", "主流媒体报道"], ""),
    ("某局2019年政府集中采购的总金额是多少?", ["某局"], "lookup", ["政府集中采购的总金额"], ""),  # 集中 is no "among"
    ("按2022年年报,某局新浪微博粉丝有多少名?", ["某局"], "lookup", ["新浪微博粉丝"], ""),
])
def test_split_items(question, mentions, op, items, context) -> None:  # noqa: ANN001
    got = split_items(question, mentions, op)
    assert got.items == items and got.context == context


def test_a_stated_whole_is_kept() -> None:
    got = split_items("某局2019年主动公开的173条信息中,行政许可类占比是多少?", ["某局"], "percent")
    assert got.stated == {1: (173.0, "条")}


@pytest.mark.parametrize(("question", "item"), [
    ("某局2024年主动公开的政府信息比2020年多几条?", "主动公开的政府信息"),
    ("某局2020年、2022年、2025年中哪一年主动公开的政府信息最多?", "主动公开的政府信息"),
    ("某局2024年作出的行政处罚决定比2020年少多少起?", "作出的行政处罚决定"),
])
def test_split_across(question: str, item: str) -> None:
    assert split_across(question, ["某局"]) == item


@pytest.mark.parametrize(("asked", "cls", "fact", "ok"), [
    ("件", "items", "条", True),  # 统计表 writes 条 for applications
    ("", "people", "名", True),
    ("", "money", "万元", True),
    ("", "people", "条", False),
    ("", "money", "件", False),
    ("", "ratio", "条", False),
])
def test_unit_compatibility(asked: str, cls: str, fact: str, ok: bool) -> None:
    assert (compatible(asked, cls, fact) > 0) is ok


def test_asked_class_from_cue_words() -> None:
    assert asked_class("某局2022年收取了多少钱的费用?") == "money"
    assert asked_class("某局新浪微博有多少人关注?") == "people"
    assert unit_class("人次") == "people"


@pytest.mark.parametrize(("phrase", "context", "unit", "want"), [
    ("三公经费信息", "主动公开的信息", "条", 12),  # the part, not the whole it belongs to
    ("主动公开的政府信息", "", "条", 123),  # the whole, not the residual 其他应主动公开
    ("新浪微博粉丝", "", "", 10659),  # not the 微博 count next to it
    ("因本机关不掌握而无法提供的申请", "", "件", 5),  # the template row in the question's own words
    ("予以公开的申请", "", "件", 3),  # direction: 予以 ≠ 不予, total column not 自然人
    ("不予公开的申请", "", "件", 2),
    ("制作、获取信息总数", "", "", 473),
    ("行政事业性收费金额", "", "万元", 9116.36),
])
def test_best_fact(phrase: str, context: str, unit: str, want: float) -> None:
    res = resolve(phrase, FACTS, WEIGHTS, unit, asked_class(phrase, unit), context)
    assert res.ok, (res.reason, [(s.name, s.score) for s in res.ranked])
    assert res.best.fact.value == want


def test_nothing_like_it_is_not_found() -> None:
    res = resolve("空气质量预报条数", FACTS, WEIGHTS, "条", "items")
    assert not res.ok and res.reason in ("weak", "empty")


def test_two_different_figures_matching_equally_are_a_tie() -> None:
    twins = [_fact(1, 7, "条", "规范性文件类信息"), _fact(2, 9, "条", "规范性文件类信息")]
    res = resolve("规范性文件类信息", twins, WEIGHTS, "条", "items")
    assert res.reason == "tie" and {s.fact.value for s in [res.best, *res.rivals]} == {7, 9}


def test_the_same_figure_stated_twice_is_no_tie() -> None:
    twice = [_fact(1, 7, "条", "规范性文件类信息"), _fact(2, 7, "条", "规范性文件类信息")]
    assert resolve("规范性文件类信息", twice, WEIGHTS, "条", "items").ok


def test_table_cell_names() -> None:
    assert name_of(FACTS[5])[0] == "本机关不掌握相关政府信息"  # numbering gone, total column silent
    assert name_of(FACTS[9])[0] == "予以公开 自然人"


def test_sum_shows_arithmetic_and_cites_every_operand() -> None:
    items = split_items("某局2022年三公经费信息和新浪微博发布信息合计多少条?", ["某局"], "sum")
    rs = [resolve(i, FACTS, WEIGHTS, "条", "items") for i in items.items]
    ans = compose("q", items, rs)
    assert ans.found and ans.value == 12 + 1582 and ans.arithmetic == "12+1582=1594"
    assert {c.start for c in ans.citations} >= {20, 50}


def test_an_unresolved_item_makes_the_computation_not_found() -> None:
    items = split_items("某局2022年三公经费信息和空气质量预报合计多少条?", ["某局"], "sum")
    rs = [resolve(i, FACTS, WEIGHTS, "条", "items") for i in items.items]
    ans = compose("q", items, rs)
    assert not ans.found and ans.value is None and "空气质量预报" in ans.answer
    assert all(c.kind == "closest" for c in ans.citations)


def test_percent_is_part_over_whole() -> None:
    items = split_items("某局2022年不予公开的信息占制作、获取信息总数的比例是多少?", ["某局"], "percent")
    pool = [f for f in FACTS if f.unit != "%"]
    rs = [resolve(i, pool, WEIGHTS) for i in items.items]
    ans = compose("q", items, rs)
    assert ans.found and ans.value == 22.2 and ans.unit == "%" and "105÷473" in ans.arithmetic


def test_calibration_table_runs(sample_data_dir, capsys) -> None:  # noqa: ANN001
    from eval.calibrate import main

    gold = "eval/qa_dev.jsonl"
    assert main([gold, "--data-dir", str(sample_data_dir)]) == 0
    out = capsys.readouterr().out
    assert "single-report lookup items" in out and "threshold margin answered right wrong" in out
