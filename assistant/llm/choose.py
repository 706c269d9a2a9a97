"""Choosing: among candidate facts that tie, the LLM may name one by its index. It never supplies a value:
the reply is an index into the list it was shown, anything else is discarded."""
from __future__ import annotations

import json
import re

SYSTEM = "你在几个候选数字中挑选问题所问的那一个。只输出 JSON:{\"index\": 序号}。不要输出任何数字以外的内容。"


def prompt(question: str, item: str, labels: list[str]) -> str:
    shown = "\n".join(f"{i}. {lab}" for i, lab in enumerate(labels))
    return f"问题:{question}\n所问的量:{item}\n候选(只看名称,不看数值):\n{shown}\n输出最符合的候选序号。"


def parse_choice(text: str, n: int) -> int | None:
    """The chosen index, or None when the reply names no single candidate of 0..n-1."""
    m = re.search(r"\{.*\}", text, re.S)
    try:
        obj = json.loads(m.group(0)) if m else None
    except json.JSONDecodeError:
        return None
    idx = obj.get("index") if isinstance(obj, dict) else None
    return idx if isinstance(idx, int) and not isinstance(idx, bool) and 0 <= idx < n else None


__all__ = ["SYSTEM", "prompt", "parse_choice"]
