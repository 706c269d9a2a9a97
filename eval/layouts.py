"""How the template rows of a set of reports were read, per table layout.

``python -m eval.layouts examples/corpus/reports`` prints, for each layout (the template the table
follows × how its rows' cells were written), how many template rows were determined and consistent
with the template's identities, flagged uncertain, or inconsistent (the report's own numbers
break an identity), and rows no cut could be found for.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict

from index.pipeline import build_report, expand_paths

_RUN = {"glued": "cells written together", "partly_spaced": "partly spaced", "spaced": "space-separated"}


def template_of(table, report) -> str:  # noqa: ANN001
    """Which template a table follows: 2021 (本年制发件数), 2019 (本年新制作数量), pre-2019 统计表."""
    if table.kind == "appendix":
        return "pre-2019 统计表"
    heads = " ".join(" ".join(h) for t in report.tables for h in t.header)
    edition = "2021 template" if "本年制发件数" in heads else "2019 template" if "本年新制作数量" in heads else "template"
    if edition == "2019 template" and (report.meta.year or 0) >= 2020:
        edition = "2019 template, later year"
    return edition


def layout_counts(paths: list[str]) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for p in expand_paths(paths):
        try:
            r = build_report(p)
        except Exception as e:  # noqa: BLE001 - a bad file is reported, the rest are counted
            print(f"{p}: {e}", file=sys.stderr)
            continue
        for t in r.tables:
            for _label, run, status in t.row_checks:
                run = run.removeprefix("stat_")
                out[f"{template_of(t, r)} / {t.kind.removeprefix('template_')} / {_RUN.get(run, run)}"][status] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.layouts", description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    counts = layout_counts(a.paths)
    if a.json:
        print(json.dumps({k: dict(v) for k, v in sorted(counts.items())}, ensure_ascii=False, indent=2))
        return 0
    cols = ("determined", "uncertain", "inconsistent", "none")
    print(f"| layout | rows | {' | '.join(cols)} |")
    print("|---|---|" + "---|" * len(cols))
    total = Counter()
    for k, c in sorted(counts.items()):
        total += c
        print(f"| {k} | {sum(c.values())} | " + " | ".join(str(c.get(x, 0)) for x in cols) + " |")
    print(f"| all | {sum(total.values())} | " + " | ".join(str(total.get(x, 0)) for x in cols) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
