"""Choose the label matcher's threshold and margin on a gold set (assistant/match/resolve.py).

For every single-report lookup item, ranks the report's facts by label and prints, per threshold,
how many items would be answered, how many of those right, and how many wrong (the gold value is
not the chosen fact's value) — the table THRESHOLD and MARGIN were read from.

    python -m eval.calibrate eval/qa_dev2.jsonl --data-dir DIR
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def collect(gold_path: str, data_dir: str, semantic: bool = True) -> list[tuple[str, float, float, bool, bool]]:
    """(id, best score, gap to the best other-valued candidate, best right, any candidate right)."""
    from assistant.engine import Assistant
    from assistant.match import asked_class, split_items
    from assistant.match.score import rank
    from assistant.question import parse_question
    from assistant.sqlgen import facts_of_reports
    from eval.scoring import numbers_match
    from index.settings import Settings

    a = Assistant(Settings(data_dir=Path(data_dir)))
    sem = a.semantic if semantic else None
    out = []
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("kind") != "lookup" or item.get("answer_value") is None:
            continue
        parsed = parse_question(item["question"], a.catalogue, a.report_refs(), None)
        if len(parsed.report_ids) != 1:
            continue
        items = split_items(parsed.text, parsed.body_mentions, "lookup")
        _, _, _, facts = a._run(facts_of_reports(parsed.report_ids), row_limit=20_000)
        ranked = rank(items.items[0], facts, a._label_weights(), parsed.unit_hint,
                      asked_class(item["question"], parsed.unit_hint), items.context, sem)
        if not ranked:
            continue
        best = ranked[0]
        rival = next((s for s in ranked[1:] if abs(s.fact.value - best.fact.value) > 1e-9), None)
        gap = best.score - (rival.score if rival else 0.0)
        ok = numbers_match(best.fact.value, best.fact.unit, item["answer_value"], item.get("unit"))
        anyok = any(numbers_match(s.fact.value, s.fact.unit, item["answer_value"], item.get("unit"))
                    for s in ranked[:5])
        out.append((item["id"], best.score, gap, ok, anyok))
    a.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.calibrate")
    ap.add_argument("gold")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--no-semantic", action="store_true", help="word overlap only, without the embedding signal")
    args = ap.parse_args(argv)
    rows = collect(args.gold, args.data_dir, semantic=not args.no_semantic)
    n = len(rows)
    print(f"{n} single-report lookup items; best candidate right for {sum(r[3] for r in rows)}, "
          f"right among top 5 for {sum(r[4] for r in rows)}")
    print("threshold margin answered right wrong")
    for th in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
        for mg in (0.0, 0.03, 0.06, 0.1):
            ans = [r for r in rows if r[1] >= th and r[2] >= mg]
            print(f"{th:9.2f} {mg:6.2f} {len(ans):8d} {sum(r[3] for r in ans):5d} {sum(not r[3] for r in ans):5d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
