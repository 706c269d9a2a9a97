"""The eval runner on a tiny fake assistant (this tests the runner, not the product), and the
validity of the shipped gold files against the sample reports."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.answers import Answer, Citation, Conflict
from eval import run as er

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "examples" / "reports"

GOLD = [
    {"id": "g1", "report": "a.txt", "question": "Q1 甲区收到申请多少件?", "answer_value": 70, "unit": "件",
     "answer_text": "70件", "evidence": "(一)收到申请数 70", "section": "八、附表", "route": "sql", "kind": "lookup"},
    {"id": "g2", "report": "a.txt", "question": "Q2 甲区行政诉讼多少件?", "answer_value": 39, "unit": "件",
     "answer_text": "39件", "evidence": "五、行政诉讼数量 39", "section": "八、附表", "route": "sql", "kind": "lookup"},
    {"id": "g3", "report": "b.txt", "question": "Q3 公共服务类占比?", "answer_value": 60.5, "unit": "%",
     "answer_text": "98/162≈60.5%", "evidence": "主动公开政府信息162条 ... 公共服务类98条", "section": "(一)主动公开情况",
     "route": "sql", "kind": "percent"},
    {"id": "g4", "report": "b.txt", "question": "Q4 查阅点在哪里?", "answer_value": None, "unit": None,
     "answer_text": "区档案馆和区行政服务中心", "evidence": "指定区档案馆、区行政服务中心为政府信息公开集中查阅点",
     "section": "(二)公开的载体", "route": "text", "kind": "text"},
    {"id": "g5", "report": "a.txt", "question": "Q5 网络申请多少件?", "answer_value": 32, "unit": "件",
     "answer_text": "附表32件;正文44件", "evidence": "3﹒网络申请数 32", "section": "八、附表", "route": "sql",
     "kind": "conflict", "conflicting_values": [44], "conflicting_evidence": "网络申请44件"},
    {"id": "g6", "report": "a.txt", "question": "Q6 有人说收到申请64件,对吗?", "answer_value": 70, "unit": "件",
     "answer_text": "不对,70件", "evidence": "(一)收到申请数 70", "section": "八、附表", "route": "sql", "kind": "claim_false"},
]


def cit(source, section, quote):
    return Citation(source=source, report="甲区2017年政务公开工作年度报告", section=section, quote=quote,
                    start=0, end=len(quote))


ANSWERS = {
    # right value, right report, right section, grounded
    "Q1": Answer("Q1", "甲区2017年收到申请70件。", "sql", 70, "件",
                 citations=[cit("a.txt", "八、附表", "(一)收到申请数\n\n70")]),
    # wrong value (and a number nowhere in the evidence), wrong report
    "Q2": Answer("Q2", "行政诉讼5件。", "sql", 5, "件",
                 citations=[cit("c.txt", "四、因政府信息公开被申请行政复议、提起行政诉讼的情况", "行政诉讼8件")]),
    # percent as a ratio with shown arithmetic, section only second-cited, routed "both"
    "Q3": Answer("Q3", "公共服务类占60.5%(98/162)。", "both", 0.605, None, arithmetic="98 / 162 = 0.605",
                 citations=[cit("b.txt", "二、工作落实情况", "主动公开政府信息162条"),
                            cit("b.txt", "二、工作落实情况 › (一)主动公开情况", "公共服务类98条")]),
    # text answer from the quote; misrouted to sql
    "Q4": Answer("Q4", "集中查阅点见引文。", "sql",
                 citations=[cit("b.txt", "二、主动公开 › (二)公开的载体", "指定区档案馆、区行政服务中心为政府信息公开集中查阅点")]),
    # value right, conflict reported
    "Q5": Answer("Q5", "附表为32件,正文写44件。", "sql", 32, "件",
                 citations=[cit("a.txt", "八、附表", "3﹒网络申请数\n\n32")],
                 conflicts=[Conflict("网络申请", [32, 44], [cit("a.txt", "三、依申请公开办理情况", "网络申请44件")])]),
    "Q6": Answer("Q6", "不对,报告为70件。", "sql", 70, "件", citations=[cit("a.txt", "八、附表", "(一)收到申请数 70")]),
}


class FakeAssistant:
    """Returns the crafted answer for each question (keyed by its 'Qn' prefix)."""

    def __init__(self):
        self.asked: list[tuple[str, str | None]] = []

    def ask(self, question, session_id=None):
        self.asked.append((question, session_id))
        return ANSWERS[question.split()[0]]


class FakeWithCheck(FakeAssistant):
    def __init__(self, verdict):
        super().__init__()
        self.verdict = verdict

    def check(self, claim):
        return type("ClaimVerdict", (), {"verdict": self.verdict})()


class Broken(FakeAssistant):
    def ask(self, question, session_id=None):
        if question.startswith("Q2"):
            raise RuntimeError("index missing")
        return super().ask(question, session_id)


@pytest.fixture
def gold_file(tmp_path):
    p = tmp_path / "gold.jsonl"
    p.write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in GOLD) + "\n\n", encoding="utf-8")
    return p


def test_summary_numbers(gold_file):
    fake = FakeAssistant()
    rep = er.run_eval(gold_file, fake)
    s = rep.summary
    assert [q for q, _ in fake.asked] == [g["question"] for g in GOLD]
    assert s["n_items"] == 6 and s["n_numeric"] == 5 and s["n_text"] == 1
    assert s["numeric_accuracy"] == pytest.approx(4 / 5)  # Q2 wrong
    assert s["scale_accuracy"] == pytest.approx(4 / 5)  # Q3 answered as a ratio, not in %
    assert s["citation_report_accuracy"] == pytest.approx(5 / 6)  # Q2 cites c.txt
    assert s["citation_section_top1"] == pytest.approx(4 / 6)  # Q2 wrong, Q3 second citation only
    assert s["citation_section_any"] == pytest.approx(5 / 6)
    assert s["evidence_in_quote_rate"] == pytest.approx(4 / 5)
    assert s["routing_accuracy"] == pytest.approx(5 / 6)  # Q4 text routed to sql; Q3 "both" is fine
    assert s["text_keyphrase_pass_rate"] == 1.0
    assert s["text_section_hit1"] == 1.0 and s["text_section_hit5"] == 1.0
    assert s["fabricated_numbers"] == 1 and s["items_with_fabricated_numbers"] == 1  # "5" in Q2
    assert s["claim_check_available"] is False and s["claim_accuracy"] is None
    kinds = s["accuracy_by_kind"]
    # Q2 states a wrong figure with confidence: counted apart from "not found"
    assert kinds["lookup"] == {"n": 2, "accuracy": 0.5, "numeric_accuracy": 0.5, "wrong_rate": 0.5}
    assert s["confidently_wrong_rate"] == pytest.approx(1 / 5) and s["abstained_rate"] == 0.0
    assert kinds["percent"]["accuracy"] == 1.0
    assert kinds["conflict"]["accuracy"] == 1.0
    assert kinds["text"]["accuracy"] == 1.0
    assert kinds["claim_false"]["accuracy"] is None and kinds["claim_false"]["numeric_accuracy"] == 1.0
    assert set(s["latency"]) == {"all", "sql", "both"} and s["latency"]["all"]["n"] == 6
    assert [i.id for i in rep.misses()] == ["g2", "g4"]  # g3 cites its section second: not a miss


def test_claims_scored_by_verdict_when_check_exists(gold_file):
    right = er.run_eval(gold_file, FakeWithCheck("refuted")).summary
    wrong = er.run_eval(gold_file, FakeWithCheck("supported")).summary
    assert right["claim_check_available"] and right["claim_accuracy"] == 1.0
    assert right["accuracy_by_kind"]["claim_false"]["accuracy"] == 1.0
    assert wrong["claim_accuracy"] == 0.0


def test_a_failing_ask_is_a_miss_not_a_crash(gold_file):
    rep = er.run_eval(gold_file, Broken())
    g2 = next(i for i in rep.items if i.id == "g2")
    assert g2.error and "index missing" in g2.error and g2.numeric_ok is False and g2.report_ok is False
    assert rep.summary["errors"] == 1
    assert rep.summary["numeric_accuracy"] == pytest.approx(4 / 5)


def test_limit(gold_file):
    assert er.run_eval(gold_file, FakeAssistant(), limit=2).summary["n_items"] == 2


def test_outputs_written(gold_file, tmp_path):
    out = tmp_path / "out"
    er.run_eval(gold_file, FakeAssistant(), out_dir=out)
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["summary"]["n_items"] == 6 and len(data["items"]) == 6
    assert data["items"][1]["fabricated"] == ["5"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| Numeric accuracy | 80.0% |" in md
    assert "### g2 (lookup)" in md and "Q2 甲区行政诉讼多少件?" in md and "`c.txt`" in md
    assert "### g1 " not in md  # clean items are not listed
    assert "claim check not available" in md
    png = (out / "accuracy_by_kind.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


@pytest.mark.parametrize("kwargs, code", [
    ({}, 0),
    ({"min_numeric": 0.8}, 0),
    ({"min_numeric": 0.81}, 1),
    ({"min_citation": 0.8}, 0),
    ({"min_citation": 0.9}, 1),
    ({"max_fabricated": 1}, 0),
    ({"max_fabricated": 0}, 1),
])
def test_run_cli_threshold_exit_code(gold_file, capsys, kwargs, code):
    assert er.run_cli(gold_file, assistant=FakeAssistant(), **kwargs) == code
    out = capsys.readouterr().out
    assert "Numeric accuracy" in out and "80.0%" in out
    assert ("FAIL:" in out) is (code == 1)


def test_run_cli_json(gold_file, capsys):
    assert er.run_cli(gold_file, assistant=FakeAssistant(), as_json=True, max_fabricated=0) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["fabricated_numbers"] == 1
    assert data["threshold_failures"] == ["fabricated numbers 1 > 0"]


def test_run_cli_bad_gold(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q"}\n', encoding="utf-8")
    assert er.run_cli(bad, assistant=FakeAssistant()) == 2
    assert er.run_cli(tmp_path / "missing.jsonl", assistant=FakeAssistant()) == 2
    assert "missing field" in capsys.readouterr().err


def test_main_parses_flags(gold_file, monkeypatch):
    seen = {}
    monkeypatch.setattr(er, "run_cli", lambda gold, **kw: seen.update(gold=gold, **kw) or 0)
    assert er.main([str(gold_file), "--json", "--out", "o", "--min-numeric", "0.9", "--max-fabricated", "0"]) == 0
    assert seen["gold"] == str(gold_file) and seen["as_json"] and seen["out_dir"] == "o"
    assert seen["min_numeric"] == 0.9 and seen["max_fabricated"] == 0 and seen["min_citation"] is None


@pytest.mark.parametrize("values, q, expected", [
    ([], 50, None), ([5.0], 95, 5.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.5), ([float(i) for i in range(1, 101)], 95, 95.0),
])
def test_percentile(values, q, expected):
    assert er.percentile(values, q) == expected


# ---------------------------------------------------------------- the shipped gold files


def _ws(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("gold_name", ["qa_dev.jsonl", "qa_layouts.jsonl"])
def test_gold_items_are_grounded_in_the_sample_reports(gold_name):
    """Every evidence span (parts split on ' ... ' or ' / '), section heading and conflicting
    evidence is really in the report text, whitespace aside."""
    items = er.load_gold(ROOT / "eval" / gold_name)
    assert items
    all_reports = sorted(p.name for p in REPORTS.glob("*.txt"))
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    for it in items:
        names = it.get("reports") or (all_reports if it["report"] == "*" else [it["report"]])
        text = _ws("".join((REPORTS / n).read_text(encoding="utf-8") for n in names))
        for part in re.split(r"\s*(?:\.\.\.|/)\s*", it["evidence"]):
            assert _ws(part) in text, (it["id"], part)
        if it["section"] != "*":
            assert _ws(it["section"]) in text, (it["id"], it["section"])
        if it.get("conflicting_evidence"):
            assert _ws(it["conflicting_evidence"]) in text, it["id"]
        assert it["kind"] in er.KIND_ORDER and it["route"] in ("sql", "text", "both")
        assert (it["answer_value"] is None) == (it["kind"] == "text")


def test_layout_gold_arithmetic_is_consistent():
    """Shown arithmetic in the layouts gold reproduces its answer value (rounded to its decimals)."""
    from eval import scoring as sc

    for it in er.load_gold(ROOT / "eval" / "qa_layouts.jsonl"):
        text = it["answer_text"]
        m = re.match(r"^([\d.+\-/*]+)[=≈]", text)
        if m:
            got = eval(m.group(1))  # noqa: S307 - digits and operators only (checked by the regex)
            if it["unit"] == "%":
                got *= 100
            assert sc.numbers_match(got, it["unit"], it["answer_value"], it["unit"]), it["id"]


# ---------------------------------------------------------------- oracle over the real gold files


class GoldOracle:
    """Answers every gold item the way a perfect assistant would: the gold value and unit, the
    gold evidence spans as quotes (located in the sample reports), the gold section and route.
    ``spoil`` makes it answer off by one and cite the wrong report. It tests that the scorer and
    the gold files agree, not the product."""

    def __init__(self, items: list[dict], spoil: bool = False):
        self.by_q = {it["question"]: it for it in items}
        self.spoil = spoil
        self.texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(REPORTS.glob("*.txt"))}

    def _title(self, name: str) -> str:
        return next((ln.strip() for ln in self.texts[name].splitlines() if "报告" in ln), name)

    def _locate(self, part: str, names: list[str]) -> tuple[str, str]:
        """(report, exact quote) for an evidence part, whitespace in the report allowed."""
        pattern = r"\s*".join(re.escape(ch) for ch in _ws(part))
        for n in names:
            m = re.search(pattern, self.texts[n])
            if m:
                return n, m.group(0)
        raise AssertionError(part)

    def ask(self, question, session_id=None):
        it = self.by_q[question]
        names = it.get("reports") or (sorted(self.texts) if it["report"] == "*" else [it["report"]])
        cits = []
        for part in re.split(r"\s*(?:\.\.\.|/)\s*", it["evidence"]):
            src, quote = self._locate(part, names)
            if self.spoil:
                src = "elsewhere.txt"
            cits.append(Citation(source=src, report=self._title(src) if src in self.texts else src,
                                 section="" if it["section"] == "*" else it["section"], quote=quote,
                                 start=0, end=len(quote)))
        value = it["answer_value"]
        if value is not None and self.spoil:
            value += 1
        derived = it["kind"] in ("sum", "percent", "compare", "cross_report")
        conflicts = []
        if it.get("conflicting_values"):
            conflicts = [Conflict("m", [it["answer_value"], *it["conflicting_values"]],
                                  [Citation(source=it["report"], report="", section="",
                                            quote=it["conflicting_evidence"], start=0, end=0)])]
        text = it["answer_text"] if not self.spoil else f"{it['answer_text']} 共9999件"
        return Answer(question, text, it["route"], value, it["unit"],
                      arithmetic=it["answer_text"] if derived else None, citations=cits, conflicts=conflicts)


@pytest.mark.parametrize("gold_name", ["qa_dev.jsonl", "qa_layouts.jsonl"])
def test_a_perfect_answer_scores_perfectly_on_the_real_gold(gold_name):
    path = ROOT / "eval" / gold_name
    s = er.run_eval(path, GoldOracle(er.load_gold(path))).summary
    for key in ("numeric_accuracy", "scale_accuracy", "citation_report_accuracy", "citation_section_top1",
                "evidence_in_quote_rate", "routing_accuracy", "text_keyphrase_pass_rate", "text_section_hit5"):
        assert s[key] == 1.0, key
    assert s["fabricated_numbers"] == 0
    assert all(d["accuracy"] in (1.0, None) for d in s["accuracy_by_kind"].values())


@pytest.mark.parametrize("gold_name", ["qa_dev.jsonl", "qa_layouts.jsonl"])
def test_a_spoiled_answer_scores_zero_on_the_real_gold(gold_name):
    path = ROOT / "eval" / gold_name
    s = er.run_eval(path, GoldOracle(er.load_gold(path), spoil=True)).summary
    assert s["numeric_accuracy"] == 0.0
    assert s["citation_report_accuracy"] < 0.2  # only '*' items without a report list can still pass
    assert s["items_with_fabricated_numbers"] == s["n_items"]


def test_conflict_note_rates_are_reported_and_gated(gold_file, capsys):
    assert er.run_cli(gold_file, assistant=FakeAssistant(), as_json=True) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert 0.0 <= summary["conflict_unasked_rate"] <= 1.0
    fails = er.threshold_failures({"conflict_unasked_rate": 0.1}, max_unasked_conflicts=0.05)
    assert fails == ["conflict notes on answers without a conflict 10.0% > 5.0%"]
    assert er.threshold_failures({"conflict_unasked_rate": 0.04}, max_unasked_conflicts=0.05) == []


@pytest.mark.parametrize(("summary", "kwargs", "fails"), [
    ({"n_text": 39, "text_keyphrase_pass_rate": 0.8}, {"min_text": 0.9}, ["text key-phrase pass rate"]),
    ({"n_text": 39, "text_keyphrase_pass_rate": 0.95}, {"min_text": 0.9}, []),
    ({"n_text": 0, "text_keyphrase_pass_rate": None}, {"min_text": 0.9}, []),  # no text questions: nothing to gate
    ({"n_claims": 36, "claim_accuracy": 0.8}, {"min_claims": 0.85}, ["claim verdict accuracy"]),
    ({"n_claims": 36, "claim_accuracy": 0.9}, {"min_claims": 0.85}, []),
])
def test_text_and_claim_gates(summary: dict, kwargs: dict, fails: list[str]) -> None:
    got = er.threshold_failures(summary, **kwargs)
    assert len(got) == len(fails) and all(g.startswith(f) for g, f in zip(got, fails))


def test_conflict_recall_is_gated_only_where_there_are_conflicts() -> None:
    fails = er.threshold_failures({"n_conflicts": 20, "conflict_recall": 0.8}, min_conflicts=0.85)
    assert fails == ["conflict notes on gold conflicts 80.0% < 85.0%"]
    assert er.threshold_failures({"n_conflicts": 20, "conflict_recall": 0.9}, min_conflicts=0.85) == []
    assert er.threshold_failures({"n_conflicts": 0, "conflict_recall": None}, min_conflicts=0.85) == []
    with pytest.raises(TypeError):
        er.threshold_failures({}, min_conflict=0.85)  # a misspelt gate is an error, not a silent pass


def test_every_gate_is_a_command_line_option() -> None:
    from click.testing import CliRunner

    from eval.gates import GATES
    from ui.cli import cli

    out = CliRunner().invoke(cli, ["eval", "--help"]).output
    assert all("--" + g.option.replace("_", "-") in out for g in GATES)


def test_a_missing_wrong_rate_fails_its_ceiling() -> None:
    assert er.threshold_failures({"confidently_wrong_rate": None}, max_wrong=0.05) == [
        "confidently wrong rate n/a > 5.0%"]
    assert er.threshold_failures({"conflict_unasked_rate": None}, max_unasked_conflicts=0.05) == []
