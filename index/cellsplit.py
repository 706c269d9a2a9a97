"""Splitting a table row's run of digits back into its cells.

Text exports write a template row's cells together: "3000003", partly spaced "20 0 0 0 02", or
spaced "0 0 0 0 0 0 0". A space always separates two cells; inside a block of digits any cut is
possible. The national template's identities choose among the cuts:

* a row of the application table: 自然人 + the five 法人或其他组织 columns = 总计;
* a row of the review table: in each of its three groups, 维持 + 纠正 + 其他 + 尚未审结 = 总计;
* the table as a whole: 本年新收 + 上年结转 = 办理结果总计 + 结转下年度, column by column
  (``resolve_with_identity``).

A row with more than one cut left is *uncertain*: it is kept as written and never answered from
as if it were certain. A row whose only possible cut breaks an identity is *inconsistent* (the
report's own error, kept as written and flagged).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

MAX_SOLUTIONS = 200


@dataclass
class Split:
    """The cells a run may hold: ``cells`` when exactly one cut is left, else the candidates."""

    run: str
    candidates: list[list[str]] = field(default_factory=list)
    status: str = ""  # determined | uncertain | inconsistent | none
    why: str = ""

    @property
    def cells(self) -> list[str] | None:
        return self.candidates[0] if len(self.candidates) == 1 and self.status != "uncertain" else None


def _ok(s: str) -> bool:
    return s == "0" or not s.startswith("0")


@lru_cache(maxsize=4096)
def _cuts(block: str, k: int) -> tuple[tuple[str, ...], ...]:
    """All ways to cut ``block`` into ``k`` numbers without leading zeros."""
    if k == 1:
        return ((block,),) if _ok(block) else ()
    out = []
    for i in range(1, len(block) - k + 2):
        head = block[:i]
        if not _ok(head):
            continue
        for rest in _cuts(block[i:], k - 1):
            out.append((head, *rest))
    return tuple(out)


def _compositions(blocks: list[str], n: int) -> Iterator[list[str]]:
    """Every cut of the space-separated ``blocks`` into ``n`` cells in all."""
    if not blocks:
        if n == 0:
            yield []
        return
    first, rest = blocks[0], blocks[1:]
    min_rest = len(rest)
    max_rest = sum(len(b) for b in rest)
    for k in range(1, min(len(first), n - min_rest) + 1):
        if n - k > max_rest:
            continue
        for head in _cuts(first, k):
            for tail in _compositions(rest, n - k):
                yield [*head, *tail]


def candidates(run: str, n: int, check: Callable[[list[int]], bool]) -> tuple[list[list[str]], int]:
    """(cuts of ``run`` into ``n`` cells that pass ``check``, number of cuts tried)."""
    blocks = re.findall(r"\d+", run)
    if sum(len(b) for b in blocks) < n or len(blocks) > n:
        return [], 0
    out, tried = [], 0
    for cells in _compositions(blocks, n):
        tried += 1
        if check([int(c) for c in cells]):
            out.append(cells)
            if len(out) > MAX_SOLUTIONS:
                break
    return out, tried


def apply_row_check(v: list[int]) -> bool:
    return sum(v[:6]) == v[6]


def review_row_check(v: list[int]) -> bool:
    return all(sum(v[g:g + 4]) == v[g + 4] for g in (0, 5, 10))


def split_row(run: str, n: int, check: Callable[[list[int]], bool]) -> Split:
    """Cut one row's run; with no cut passing ``check``, a run of exactly ``n`` one-digit cells (or
    ``n`` spaced numbers) is still its cells, flagged inconsistent."""
    sols, tried = candidates(run, n, check)
    if len(sols) == 1:
        return Split(run, sols, "determined")
    if len(sols) > 1:
        return Split(run, sols, "uncertain", f"{len(sols)} cuts satisfy the row identity")
    blocks = re.findall(r"\d+", run)
    forced = [list(b) for b in blocks] if sum(len(b) for b in blocks) == n else None
    if len(blocks) == n:
        return Split(run, [blocks], "inconsistent", "the row's cells break the row identity")
    if forced is not None:
        return Split(run, [[c for b in blocks for c in b]], "inconsistent", "the row's cells break the row identity")
    return Split(run, [], "none", "no cut of the run satisfies the row identity" if tried else "run too short/long")


def resolve_with_identity(new: Split | None, carried: Split | None, total: Split | None, carry_out: Split | None,
                          ) -> None:
    """Narrow uncertain rows of the application table with 本年新收 + 上年结转 = 总计 + 结转下年度
    (column by column). Rows left with one candidate become determined; when determined rows
    break the identity, all four are marked inconsistent."""
    rows = [new, carried, total, carry_out]
    if any(r is None or not r.candidates for r in rows):
        return
    options = [r.candidates for r in rows]
    if max(len(o) for o in options) > 50:
        return
    good = []
    for a in options[0]:
        for b in options[1]:
            for c in options[2]:
                for d in options[3]:
                    if all(int(x) + int(y) == int(z) + int(w) for x, y, z, w in zip(a, b, c, d)):
                        good.append((a, b, c, d))
    if not good:
        if all(r.status == "determined" for r in rows):
            for r in rows:
                r.status, r.why = "inconsistent", "本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度"
        return
    for k, r in enumerate(rows):
        kept = [list(x) for x in dict.fromkeys(tuple(g[k]) for g in good)]
        if r.status == "uncertain" and len(kept) == 1:
            r.candidates, r.status, r.why = kept, "determined", "cut chosen by 本年新收 + 上年结转 = 总计 + 结转下年度"
        elif r.status == "uncertain":
            r.candidates = kept
