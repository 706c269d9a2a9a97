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
    """(id, best score, gap to the best other-valued candidate, best right, any candidate right), from
    the engine's own ranking (``Assistant.rank_asked``) of each single-report lookup item."""
    from assistant.engine import Assistant
    from eval.scoring import numbers_match
    from index.settings import Settings

    a = Assistant(Settings(data_dir=Path(data_dir)))
    out = []
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item.get("kind") != "lookup" or item.get("answer_value") is None:
            continue
        ranked = [s for s in a.rank_asked(item["question"], semantic=semantic) if s.score > 0]
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
