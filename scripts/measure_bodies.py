"""How often a gold question resolves to a report set holding its gold report(s).

    python3 scripts/measure_bodies.py [--gold eval/qa_dev2.jsonl] [--reports examples/corpus/reports]
                                      [--metadata] [--misses]

Report names come from each file's "标题: <title>" line (body = the title before its year, region = its leading
place units), so the question side is measured independently of index/metadata.py; ``--metadata`` uses
``extract_metadata`` on the file text instead. No stores, no embeddings.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.question import ReportRef, parse_question  # noqa: E402
from index.metrics import load_catalogue  # noqa: E402

# Leading place units of a title's body (市 not followed by 场: 平潭市场监督管理局 is 平潭 + 市场…).
_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:综合实验区|新区|开发区|自治州|自治县|省|市(?!场)|区|县))+")


def ref_from_title(i: int, path: Path) -> ReportRef:
    first = path.read_text("utf-8").splitlines()[0]
    title = re.sub(r"\s+", "", first.split(":", 1)[1] if first.startswith("标题") else first)
    y = re.search(r"(?:19|20)\d{2}", title)
    body = re.sub(r"关于$", "", title[:y.start()]) if y else ""
    m = _PLACE.match(body)
    return ReportRef(id=i, title=title, body=body, region=m.group(0) if m else "", year=int(y.group(0)) if y else None)


def ref_from_metadata(i: int, path: Path) -> ReportRef:
    from index.metadata import extract_metadata

    m = extract_metadata(path.read_text("utf-8"), path.name)
    return ReportRef(id=i, title=m.title, body=m.body, region=m.region, year=m.year, aliases=list(m.aliases))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(ROOT / "eval" / "qa_dev2.jsonl"))
    ap.add_argument("--reports", default=str(ROOT / "examples" / "corpus" / "reports"))
    ap.add_argument("--metadata", action="store_true")
    ap.add_argument("--misses", action="store_true")
    a = ap.parse_args()
    files = sorted(Path(a.reports).glob("*.txt"))
    make = ref_from_metadata if a.metadata else ref_from_title
    refs = [make(i, p) for i, p in enumerate(files, 1)]
    name_of = {r.id: p.name for r, p in zip(refs, files)}
    cat = load_catalogue()
    items = [json.loads(x) for x in Path(a.gold).read_text("utf-8").splitlines() if x.strip()]
    contains = exact = 0
    misses = []
    for it in items:
        gold = set(it.get("reports") or [it["report"]])
        got = {name_of[i] for i in parse_question(it["question"], cat, refs).report_ids}
        contains += gold <= got
        exact += gold == got
        if not gold <= got:
            misses.append(f"{it['id']} {sorted(gold)} -> {sorted(got)[:4]}{'…' if len(got) > 4 else ''}: {it['question']}")
    n = len(items)
    print(f"{len(refs)} reports, {n} questions: gold ⊆ resolved {contains}/{n} ({contains / n:.1%}), "
          f"exact {exact}/{n} ({exact / n:.1%})")
    if a.misses:
        print(*misses, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
