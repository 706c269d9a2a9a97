"""Traditional -> simplified Chinese for matching questions against simplified reports.

Reports are in simplified characters; a question typed in traditional ones ("海陵區…申請") must
match the same names and metrics. OpenCC's t2s tables (opencc-python-reimplemented) convert
phrase by phrase and leave simplified text unchanged. Conversions are cached because the
question parser normalizes the same catalogue phrases on every question.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - loading the dictionaries takes ~0.25 s: once per process
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """``text`` with traditional characters mapped to simplified ones (ASCII returned as is)."""
    if not text or text.isascii():
        return text
    return _converter().convert(text)


__all__ = ["to_simplified"]
