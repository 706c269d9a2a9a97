"""Run a gold set through the assistant (the same ``ask`` the API uses) and score it.

    python -m eval.run eval/qa_dev.jsonl [--data-dir D] [--json] [--out DIR]
                       [--min-numeric X] [--min-citation X] [--max-fabricated N]

``reportqa eval`` calls ``run_cli``. Scoring rules live in ``eval/scoring.py``.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from eval.gates import GATES, threshold_failures

from eval import scoring as sc

KIND_ORDER = ("lookup", "sum", "percent", "compare", "cross_report", "conflict", "claim_true", "claim_false", "text")
REQUIRED = ("question", "report", "section", "route", "kind")


# ---------------------------------------------------------------- gold


class GoldError(ValueError):
    pass


def load_gold(path: str | Path) -> list[dict]:
    """Gold items, one JSON object a line (blank lines and '#' lines skipped)."""
    items: list[dict] = []
    p = Path(path)
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{p.name}:{n}: not JSON ({e.msg})") from e
        missing = [k for k in REQUIRED if k not in item]
        if missing:
            raise GoldError(f"{p.name}:{n}: missing field(s) {', '.join(missing)}")
        item.setdefault("id", f"{p.stem}-{n}")
        items.append(item)
    return items


# ---------------------------------------------------------------- per item

MISS_LABELS = (
    ("passed", "wrong answer"),
    ("numeric_ok", "wrong value"),
    ("report_ok", "wrong report cited"),
    ("section_any", "section not cited"),
    ("evidence_ok", "evidence not in quotes"),
    ("route_ok", "wrong route"),
)


@dataclass
class ScoredItem:
    id: str
    kind: str
    question: str
    gold: dict
    answer: str = ""
    value: float | None = None
    unit: str | None = None
    route: str = "none"
    found: bool = False
    citations: list[dict] = field(default_factory=list)  # trimmed: source, section, quote
    arithmetic: str | None = None
    conflicts: list[dict] = field(default_factory=list)
    latency_ms: float = 0.0
    error: str | None = None
    # scores (None = not applicable to this item)
    numeric_ok: bool | None = None
    scale_ok: bool | None = None
    report_ok: bool | None = None
    section_top1: bool | None = None
    section_any: bool | None = None
    section_hit5: bool | None = None
    evidence_ok: bool | None = None
    route_ok: bool | None = None
    keyphrase_recall: float | None = None
    text_ok: bool | None = None
    conflict_ok: bool | None = None
    claim_verdict: str | None = None
    claim_ok: bool | None = None  # None: claim check not available
    fabricated: list[str] = field(default_factory=list)
    passed: bool | None = None  # the item's kind-level correctness
    # numeric items: a figure was stated (found, with a value) and it is not the gold one. A wrong
    # figure is worse than "not found", so this is reported beside accuracy everywhere.
    confidently_wrong: bool | None = None

    def misses(self) -> list[str]:
        """Why this item needs a look (empty when it is clean)."""
        out = []
        if self.error:
            out.append("error")
        for name, label in MISS_LABELS:
            if getattr(self, name) is False:
                out.append(label)
        if self.fabricated:
            out.append("fabricated numbers")
        return out


def _trim_citation(c: Any) -> dict:
    g = sc._get
    return {"source": g(c, "source", ""), "report": g(c, "report", ""), "section": g(c, "section", ""),
            "quote": g(c, "quote", ""), "kind": g(c, "kind", ""), "row_label": g(c, "row_label", ""),
            "col_label": g(c, "col_label", "")}


def score_item(item: dict, answer: Any, latency_ms: float = 0.0, verdict: str | None = None,
               claim_available: bool = False, error: str | None = None) -> ScoredItem:
    """Every score of one gold item against one answer (``answer`` None when ask failed)."""
    g = sc._get
    kind = item.get("kind", "")
    s = ScoredItem(id=str(item.get("id", "")), kind=kind, question=item["question"], gold=item,
                   latency_ms=round(latency_ms, 1), error=error)
    if answer is not None:
        s.answer = g(answer, "answer", "") or ""
        s.value, s.unit = g(answer, "value"), g(answer, "unit")
        s.route = g(answer, "route", "none") or "none"
        s.found = bool(g(answer, "found", True))
        s.citations = [_trim_citation(c) for c in sc.citations(answer)]
        s.arithmetic = g(answer, "arithmetic")
        s.conflicts = [{"metric": g(c, "metric", ""), "values": list(g(c, "values", []) or [])}
                       for c in (g(answer, "conflicts", None) or [])]

    gold_value = item.get("answer_value")
    numeric = gold_value is not None
    if numeric:
        s.numeric_ok = answer is not None and sc.numbers_match(s.value, s.unit, gold_value, item.get("unit"))
        s.scale_ok = answer is not None and s.value is not None and sc.scale_match(
            s.value, s.unit, gold_value, item.get("unit"))
        s.evidence_ok = answer is not None and sc.evidence_in_quote(answer, item)
        stated = answer is not None and s.found and s.value is not None
        s.confidently_wrong = bool(stated and not s.numeric_ok)

    reports = item.get("reports") or item["report"]
    s.report_ok = answer is not None and sc.cites_report(answer, reports, sc.evidence_numbers(item))
    if item.get("section") not in (None, "", "*"):
        s.section_top1 = answer is not None and sc.cites_section(answer, item["section"], top_k=1)
        s.section_any = answer is not None and sc.cites_section(answer, item["section"])
        if not numeric:
            s.section_hit5 = answer is not None and sc.cites_section(answer, item["section"], top_k=5)
    s.route_ok = sc.route_match(s.route, item.get("route", ""))
    if answer is not None:
        s.fabricated = sc.fabricated_numbers(answer)

    if not numeric:
        quotes = "\n".join(c["quote"] for c in s.citations)
        s.keyphrase_recall = round(sc.keyphrase_recall(s.answer + "\n" + quotes, item.get("answer_text", "")), 3)
        s.text_ok = s.keyphrase_recall >= sc.KEYPHRASE_PASS

    if kind == "conflict":
        s.conflict_ok = answer is not None and sc.conflict_found(answer, item)

    if kind in sc.EXPECTED_VERDICT or item.get("verdict"):
        s.claim_verdict = verdict
        if claim_available:
            s.claim_ok = verdict == sc.expected_verdict(item)

    # kind-level correctness
    if kind == "conflict":
        s.passed = s.conflict_ok
    elif kind in sc.EXPECTED_VERDICT:
        s.passed = s.claim_ok  # None when claim check is not available
    elif numeric:
        s.passed = s.numeric_ok
    else:
        s.passed = s.text_ok
    return s


# ---------------------------------------------------------------- summary


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100); None for no values."""
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 1)


def _rate(flags: Iterable[bool | None]) -> float | None:
    xs = [bool(f) for f in flags if f is not None]
    return sum(xs) / len(xs) if xs else None


def summarize(items: list[ScoredItem]) -> dict:
    numeric = [i for i in items if i.numeric_ok is not None]
    text = [i for i in items if i.gold.get("answer_value") is None]
    claims = [i for i in items if i.kind in sc.EXPECTED_VERDICT]
    claim_available = any(i.claim_ok is not None for i in claims)
    by_kind: dict[str, dict] = {}
    for kind in [k for k in KIND_ORDER if any(i.kind == k for i in items)] + sorted(
            {i.kind for i in items} - set(KIND_ORDER)):
        group = [i for i in items if i.kind == kind]
        by_kind[kind] = {"n": len(group), "accuracy": _rate(i.passed for i in group),
                         "numeric_accuracy": _rate(i.numeric_ok for i in group),
                         "wrong_rate": _rate(i.confidently_wrong for i in group)}
    routes: dict[str, list[float]] = {}
    for i in items:
        routes.setdefault(i.route, []).append(i.latency_ms)
    latency = {"all": {"n": len(items), "p50_ms": percentile((i.latency_ms for i in items), 50),
                       "p95_ms": percentile((i.latency_ms for i in items), 95)}}
    for r, xs in sorted(routes.items()):
        latency[r] = {"n": len(xs), "p50_ms": percentile(xs, 50), "p95_ms": percentile(xs, 95)}
    return {
        "n_items": len(items),
        "n_numeric": len(numeric),
        "n_text": len(text),
        "errors": sum(1 for i in items if i.error),
        "numeric_accuracy": _rate(i.numeric_ok for i in numeric),
        "confidently_wrong_rate": _rate(i.confidently_wrong for i in numeric),
        "abstained_rate": _rate((i.numeric_ok is False and not i.confidently_wrong) for i in numeric),
        "scale_accuracy": _rate(i.scale_ok for i in numeric),
        "citation_report_accuracy": _rate(i.report_ok for i in items),
        "citation_section_top1": _rate(i.section_top1 for i in items),
        "citation_section_any": _rate(i.section_any for i in items),
        "evidence_in_quote_rate": _rate(i.evidence_ok for i in numeric),
        "routing_accuracy": _rate(i.route_ok for i in items),
        "text_keyphrase_pass_rate": _rate(i.text_ok for i in text),
        "text_section_hit1": _rate(i.section_top1 for i in text),
        "text_section_hit5": _rate(i.section_hit5 for i in text),
        "fabricated_numbers": sum(len(i.fabricated) for i in items),
        "items_with_fabricated_numbers": sum(1 for i in items if i.fabricated),
        # Conflict notes: on every gold conflict item, and on as few other figure answers as possible
        # (a note that compares different quantities is noise a journalist learns to ignore).
        "conflict_recall": _rate(bool(i.conflicts) for i in items if i.kind == "conflict"),
        "n_conflicts": sum(1 for i in items if i.kind == "conflict"),
        "conflict_unasked_rate": _rate(bool(i.conflicts) for i in numeric if i.kind != "conflict"),
        "claim_check_available": claim_available,
        "claim_accuracy": _rate(i.claim_ok for i in claims) if claim_available else None,
        "n_claims": len(claims),
        "accuracy_by_kind": by_kind,
        "latency": latency,
    }


@dataclass
class EvalReport:
    gold_path: str
    summary: dict
    items: list[ScoredItem]

    def to_dict(self) -> dict:
        return {"gold": self.gold_path, "summary": self.summary, "items": [asdict(i) for i in self.items]}

    def misses(self) -> list[ScoredItem]:
        return [i for i in self.items if i.misses()]


# ---------------------------------------------------------------- running


def run_eval(gold_path: str | Path, assistant: Any, out_dir: str | Path | None = None,
             limit: int | None = None) -> EvalReport:
    """Ask every gold question, score it, and (with ``out_dir``) write summary.json, report.md
    and accuracy_by_kind.png."""
    gold = load_gold(gold_path)
    if limit is not None:
        gold = gold[:limit]
    has_check = hasattr(assistant, "check")
    scored: list[ScoredItem] = []
    for item in gold:
        answer, error = None, None
        t0 = time.perf_counter()
        try:
            answer = assistant.ask(item["question"], session_id=item.get("session_id"))
        except Exception as e:  # one broken item must not stop the run; it is scored as a miss
            error = f"{type(e).__name__}: {e}"
            traceback.print_exc(file=sys.stderr)
        latency = (time.perf_counter() - t0) * 1000
        verdict = None
        if has_check and item.get("kind") in sc.EXPECTED_VERDICT:
            try:
                verdict = sc._get(assistant.check(item.get("claim") or item["question"]), "verdict")
            except Exception as e:
                error = (error + "; " if error else "") + f"check: {type(e).__name__}: {e}"
        scored.append(score_item(item, answer, latency, verdict, has_check, error))
    report = EvalReport(str(gold_path), summarize(scored), scored)
    if out_dir is not None:
        write_outputs(report, Path(out_dir))
    return report


# ---------------------------------------------------------------- outputs

SUMMARY_ROWS = (
    ("numeric_accuracy", "Numeric accuracy"),
    ("confidently_wrong_rate", "Confidently wrong (numeric)"),
    ("abstained_rate", "Not found (numeric)"),
    ("scale_accuracy", "Scale/unit accuracy"),
    ("citation_report_accuracy", "Citation: right report"),
    ("citation_section_top1", "Citation: section (top-1)"),
    ("citation_section_any", "Citation: section (any cited)"),
    ("evidence_in_quote_rate", "Evidence in quote"),
    ("routing_accuracy", "Routing accuracy"),
    ("text_keyphrase_pass_rate", "Text key-phrase pass"),
    ("text_section_hit1", "Text section hit@1"),
    ("text_section_hit5", "Text section hit@5"),
    ("claim_accuracy", "Claim accuracy"),
    ("conflict_recall", "Conflict noted (gold conflicts)"),
    ("conflict_unasked_rate", "Conflict notes elsewhere"),
    ("fabricated_numbers", "Fabricated numbers (target 0)"),
)


def _fmt(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.1%}"
    return str(v)


def format_summary(summary: dict) -> str:
    """A plain-text table for the terminal."""
    lines = [f"items: {summary['n_items']} ({summary['n_numeric']} numeric, {summary['n_text']} text)"
             + (f", errors: {summary['errors']}" if summary["errors"] else "")]
    width = max(len(label) for _, label in SUMMARY_ROWS) + 2
    for key, label in SUMMARY_ROWS:
        v = summary.get(key)
        if key == "claim_accuracy" and not summary.get("claim_check_available"):
            lines.append(f"{label:<{width}}claim check not available ({summary['n_claims']} items)")
            continue
        lines.append(f"{label:<{width}}{_fmt(v)}")
    lines.append("accuracy by kind:")
    for kind, d in summary["accuracy_by_kind"].items():
        acc = "claim check not available" if d["accuracy"] is None and kind in sc.EXPECTED_VERDICT else _fmt(d["accuracy"])
        wrong = d.get("wrong_rate")
        lines.append(f"  {kind:<14}{acc:<10} wrong {_fmt(wrong):<7} (n={d['n']})")
    lat = summary["latency"]
    lines.append("latency p50/p95 ms: " + ", ".join(
        f"{r} {d['p50_ms']}/{d['p95_ms']} (n={d['n']})" for r, d in lat.items()))
    return "\n".join(lines)


def _md_cell(s: Any, limit: int = 160) -> str:
    t = " ".join(str(s if s is not None else "").split()).replace("|", "\\|")
    return t if len(t) <= limit else t[: limit - 1] + "…"


def _value_str(value: Any, unit: str | None) -> str:
    return "" if value is None else f"value {value}{' ' + unit if unit else ''}; "


def format_markdown(report: EvalReport) -> str:
    s = report.summary
    out = [f"# Eval report: `{Path(report.gold_path).name}`", "",
           f"{s['n_items']} items ({s['n_numeric']} numeric, {s['n_text']} text), {s['errors']} errors.", "",
           "| metric | value |", "|---|---|"]
    for key, label in SUMMARY_ROWS:
        v = "claim check not available" if key == "claim_accuracy" and not s["claim_check_available"] else _fmt(s.get(key))
        out.append(f"| {label} | {v} |")
    out += ["", "## Accuracy by kind", "", "| kind | n | accuracy | numeric accuracy | confidently wrong |",
            "|---|---|---|---|---|"]
    for kind, d in s["accuracy_by_kind"].items():
        out.append(f"| {kind} | {d['n']} | {_fmt(d['accuracy'])} | {_fmt(d['numeric_accuracy'])} "
                   f"| {_fmt(d.get('wrong_rate'))} |")
    out += ["", "## Latency (ms)", "", "| route | n | p50 | p95 |", "|---|---|---|---|"]
    for r, d in s["latency"].items():
        out.append(f"| {r} | {d['n']} | {d['p50_ms']} | {d['p95_ms']} |")
    misses = report.misses()
    out += ["", f"## Misses ({len(misses)})", ""]
    for i in misses:
        g = i.gold
        out += [f"### {i.id} ({i.kind}) — {', '.join(i.misses())}", "",
                f"- **Question:** {_md_cell(i.question, 300)}",
                f"- **Expected:** {_md_cell(g.get('answer_text'))} ({_value_str(g.get('answer_value'), g.get('unit'))}"
                f"report `{g.get('report')}`, section {_md_cell(g.get('section'))})",
                f"- **Evidence:** {_md_cell(g.get('evidence'), 300)}",
                f"- **Got:** {_md_cell(i.answer, 300)} ({_value_str(i.value, i.unit)}route {i.route})"]
        if i.error:
            out.append(f"- **Error:** {_md_cell(i.error, 300)}")
        if i.citations:
            c = i.citations[0]
            out.append(f"- **Top citation:** `{c['source']}` › {_md_cell(c['section'])}: “{_md_cell(c['quote'])}”")
        else:
            out.append("- **Top citation:** none")
        if i.fabricated:
            out.append(f"- **Fabricated numbers:** {', '.join(i.fabricated)}")
        if i.keyphrase_recall is not None:
            out.append(f"- **Key-phrase recall:** {i.keyphrase_recall:.2f}")
        if i.kind in sc.EXPECTED_VERDICT:
            out.append(f"- **Claim verdict:** {i.claim_verdict or 'claim check not available'}")
        out.append("")
    return "\n".join(out)


def plot_accuracy_by_kind(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(summary["accuracy_by_kind"])
    accs = [summary["accuracy_by_kind"][k]["accuracy"] for k in kinds]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(kinds) + 2), 4))
    bars = ax.bar(kinds, [a or 0 for a in accs], color=["#4c72b0" if a is not None else "#cccccc" for a in accs])
    for bar, k, a in zip(bars, kinds, accs):
        label = "n/a" if a is None else f"{a:.0%}"
        ax.text(bar.get_x() + bar.get_width() / 2, (a or 0) + 0.02,
                f"{label}\nn={summary['accuracy_by_kind'][k]['n']}", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 1.2)
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy by question kind")
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_outputs(report: EvalReport, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "summary.json").write_text(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (out_dir / "report.md").write_text(format_markdown(report), encoding="utf-8")
    plot_accuracy_by_kind(report.summary, out_dir / "accuracy_by_kind.png")


# ---------------------------------------------------------------- CLI




def run_cli(gold: str | Path, data_dir: str | Path | None = None, as_json: bool = False,
            out_dir: str | Path | None = None, limit: int | None = None, assistant: Any = None,
            api: str | None = None, **limits: float | int | None) -> int:
    """Run, print, and return 0, or 1 when a gate is missed, or 2 when the gold is unusable.

    ``limits`` are the gates to hold the run to (``GATES``: min_numeric=0.85, max_wrong=0.05, …).
    ``assistant`` is for callers that already hold one; by default it is built from settings.
    """
    try:
        load_gold(gold)
    except (OSError, GoldError) as e:
        print(f"eval: {e}", file=sys.stderr)
        return 2
    if assistant is None and api:
        from eval.http import ApiAssistant

        assistant = ApiAssistant(api)
    if assistant is None:
        from assistant.engine import Assistant
        from index.settings import load_settings

        settings = load_settings(data_dir)
        assistant = Assistant(settings)
        if not assistant.reports():
            # Scoring an empty index only prints zeros; say what to do instead.
            print(f"eval: no reports in {settings.data_dir}; load them first, e.g. "
                  f"`reportqa ingest examples/reports --data-dir {settings.data_dir}`", file=sys.stderr)
            assistant.close()
            return 2
    report = run_eval(gold, assistant, out_dir=out_dir, limit=limit)
    fails = threshold_failures(report.summary, **limits)
    if as_json:
        print(json.dumps({"summary": report.summary, "threshold_failures": fails}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(report.summary))
        if out_dir is not None:
            print(f"wrote {Path(out_dir) / 'summary.json'}, report.md, accuracy_by_kind.png")
        for f in fails:
            print(f"FAIL: {f}")
    return 1 if fails else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.run", description="Score reportqa against a gold set.")
    p.add_argument("gold", help="gold JSONL file (e.g. eval/qa_dev.jsonl)")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--out", default=None, help="write summary.json, report.md, accuracy_by_kind.png here")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--api", default=None, help="score a running server (e.g. http://127.0.0.1:7860) through /api/v1")
    for g in GATES:
        p.add_argument("--" + g.option.replace("_", "-"), type=float if g.rate else int, default=None,
                       help=f"fail {'below' if g.floor else 'above'} this {g.says}")
    a = p.parse_args(argv)
    return run_cli(a.gold, data_dir=a.data_dir, as_json=a.json, out_dir=a.out, limit=a.limit, api=a.api,
                   **{g.option: getattr(a, g.option) for g in GATES})


if __name__ == "__main__":
    sys.exit(main())
