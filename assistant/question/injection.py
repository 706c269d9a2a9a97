"""SQL smuggled into a question: the question text is only ever data, so SQL in it is merely flagged
(``ParsedQuestion.sql_in_text``), never run."""
from __future__ import annotations

from assistant.question.cues import SQL_WORDS


def detect_sql(raw: str) -> bool:
    return bool(SQL_WORDS.search(raw or "")) or "--" in (raw or "") or ";" in (raw or "")


__all__ = ["detect_sql"]
