"""SYNTHETIC corpora for scale runs, made by varying the real sample reports.

Report i is sample ``i % 5``; the first five are the samples unchanged. Every other copy gets
its place name replaced by an invented one, every year shifted by the same offset, and every
other figure scaled by one random factor, so tables and prose stay consistent within a report.
Files go into a temp folder given by the caller and are never committed.
"""
from __future__ import annotations

import random
import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "reports"
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?=\s*年)")
_FIGURE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.]*\s*(?:年|月|日|号))")
_PLACE = "东南西北青白金银红安宁和平兴隆永丰长乐新华明光高阳清河广泽云峰"


def _place_name(rng: random.Random, suffix: str) -> str:
    return "".join(rng.choice(_PLACE) for _ in range(3)) + suffix


def vary(text: str, meta_region: str, seed: int) -> str:
    rng = random.Random(seed)
    # 1. the place: the last administrative unit of the region (e.g. 让胡路区 of 大庆市让胡路区)
    m = re.search(r"([^区县市镇乡街道]{2,6})(区|县|市|街道|镇|乡)$", meta_region or "")
    if m:  # the stem too, so short aliases (让胡路) change with the full name
        text = text.replace(m.group(1), _place_name(rng, ""))
    # 2. years, all by one offset
    shift = rng.randint(-6, 6)
    text = _YEAR.sub(lambda y: str(int(y.group(1)) + shift), text)

    # 3. figures, all by one factor (keeps table totals roughly consistent; not exact sums)
    factor = rng.uniform(0.5, 1.8)

    def scale(mo: re.Match) -> str:
        raw = mo.group(1)
        n = int(raw.replace(",", ""))
        if n <= 20 or 1980 <= n <= 2049:  # ordinals, section numbers, years
            return raw
        v = max(1, round(n * factor))
        return f"{v:,}" if "," in raw else str(v)

    return _FIGURE.sub(scale, text)


def make_corpus(n: int, out_dir: Path, seed: int = 0) -> list[Path]:
    from index.metadata import extract_metadata
    from index.readers import read_file

    samples = sorted(EXAMPLES.glob("*.txt"))
    regions = {p: extract_metadata(read_file(p).text, p.name).region for p in samples}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        src = samples[i % len(samples)]
        text = src.read_text(encoding="utf-8", errors="replace")
        if i >= len(samples):
            text = vary(text, regions[src], seed * 1_000_003 + i)
            name = f"synthetic_{i:05d}_{src.stem}.txt"
        else:
            name = src.name
        p = out_dir / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths
