"""Gambling spam injected into hijacked pages (``365bet体育平台``): never used as a name.

The patterns live in ``vocab.yaml`` with their source. Junk removal never deletes a word of a
real name: 体育 or 娱乐 alone are words of bodies (文化体育局), only their spam compounds go.
"""
from __future__ import annotations

import re
from functools import lru_cache

from index.metadata.vocab import vocab


@lru_cache(maxsize=1)
def _spam() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in vocab()["spam_patterns"]), re.I)


def is_spam(s: str) -> bool:
    return bool(_spam().search(s))


def remove_spam(s: str) -> str:
    return _spam().sub("", s).strip(" -_·|:")
