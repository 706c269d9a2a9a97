"""Understanding: the LLM's structured reading of a figure question the deterministic parser abstained on.

The reply must be one JSON object of the schema below; anything else is discarded.  A quantity is a
phrase naming what is counted (never a value: a phrase with a digit is refused); the phrases are then
resolved to facts by the same matcher as every question (``assistant/match``).  An optional ``sql`` goes
through the same guard as any SQL (``assistant/guard.py``) and only narrows the facts matched against.
"""
from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

OPERATIONS = ("lookup", "sum", "difference", "percent")
SYSTEM = ("你是政府信息公开工作年度报告问答系统的问题解析器。只输出一个JSON对象,不要输出其他文字。"
          "你不回答问题,不给出任何数字;报告里的数字由系统自己查找。")
SCHEMA_HINT = ('{"bodies": ["机关或地区名"], "years": [2023], "quantities": ["所问的量,用报告的说法,不含数字"], '
               '"operation": "lookup|sum|difference|percent", "sql": null}')


class Reading(BaseModel):
    bodies: list[str] = Field(default_factory=list, max_length=4)
    years: list[int] = Field(default_factory=list, max_length=4)
    quantities: list[str] = Field(min_length=1, max_length=4)
    operation: Literal["lookup", "sum", "difference", "percent"] = "lookup"
    sql: str | None = Field(default=None, max_length=2000)

    @field_validator("years")
    @classmethod
    def _years(cls, v: list[int]) -> list[int]:
        if any(not 1990 <= y <= 2100 for y in v):
            raise ValueError("a year out of range")
        return v

    @field_validator("quantities")
    @classmethod
    def _phrases(cls, v: list[str]) -> list[str]:
        out = [p.strip() for p in v if p and p.strip()]
        if not out:
            raise ValueError("no quantity phrase")
        if any(len(p) > 40 or re.search(r"[0-9０-９]", p) for p in out):
            raise ValueError("a quantity phrase is too long or carries a number")
        return out


class ReadingRejected(Exception):
    """The reply is no valid reading (the message says why)."""


def prompt(question: str, report_titles: list[str]) -> str:
    shown = "\n".join(f"- {t}" for t in report_titles[:40])
    return (f"已载入的报告:\n{shown}\n\n问题:{question}\n\n"
            f"按以下格式输出对这个问题的解析(quantities 是所问的量的名称;sum/difference/percent 时列出各项,"
            f"percent 为[部分, 整体]):\n{SCHEMA_HINT}")


def _json_object(text: str) -> dict:
    t = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip())
    a, b = t.find("{"), t.rfind("}")
    if a < 0 or b <= a:
        raise ReadingRejected("the reply is not JSON")
    try:
        obj = json.loads(t[a:b + 1])
    except json.JSONDecodeError as exc:
        raise ReadingRejected(f"malformed JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise ReadingRejected("the reply is not a JSON object")
    return obj


def parse_reading(text: str) -> Reading:
    try:
        return Reading.model_validate(_json_object(text))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise ReadingRejected(f"the reading fails the schema: {where} {first.get('msg', '')}".strip()) from None


__all__ = ["Reading", "ReadingRejected", "parse_reading", "prompt", "SYSTEM", "OPERATIONS"]
