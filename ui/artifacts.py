"""What an answer's charts and downloads are made from, kept for a while under a short key, so a page or
a client can fetch ``/api/v1/charts/{key}.png`` and ``/api/v1/exports/{key}.{csv|xlsx|json}`` after asking.

A key is a digest of the answer's figures: the same table always has the same key, and nothing but the
figures (with their citations and SQL) is kept. Memory is bounded (least recently used entries go first).
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

from ui.render import as_dict

MAX_ENTRIES = 500


class Artifact:
    def __init__(self, question: str, answer: dict):
        self.question = question
        self.answer = answer  # the answer's dict (to_dict()): table, chart_kind, sql

    @property
    def chart_kind(self) -> str:
        return chart_kind(self.answer)


def chart_kind(answer: Any) -> str:
    """The chart an answer's table calls for ("" for none): the kind the engine chose, for two or more
    figures of one unit."""
    d = as_dict(answer)
    rows = [as_dict(r) for r in d.get("table") or []]
    kind = d.get("chart_kind") or ""
    stated = [r for r in rows if r.get("value") is not None]
    if kind not in ("line", "bar") or len(rows) < 2 or not stated or len({r.get("unit") for r in stated}) > 1:
        return ""
    return kind


_lock = threading.Lock()
_store: OrderedDict[str, Artifact] = OrderedDict()


def key_of(answer: dict) -> str:
    blob = json.dumps([answer.get("table"), answer.get("chart_kind"), answer.get("sql")], ensure_ascii=False,
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]


def keep(question: str, answer: Any) -> str | None:
    """Keep an answer's figures; its key, or None when it has no figures."""
    d = as_dict(answer)
    if not d.get("table"):
        return None
    key = key_of(d)
    with _lock:
        _store[key] = Artifact(question, d)
        _store.move_to_end(key)
        while len(_store) > MAX_ENTRIES:
            _store.popitem(last=False)
    return key


def get(key: str) -> Artifact | None:
    with _lock:
        a = _store.get(key)
        if a is not None:
            _store.move_to_end(key)
        return a


def chart_url(key: str | None, answer: Any) -> str | None:
    return f"/api/v1/charts/{key}.png" if key and chart_kind(answer) else None


def export_url(key: str | None, fmt: str) -> str | None:
    return f"/api/v1/exports/{key}.{fmt}" if key else None


def payload(question: str, answer: Any) -> dict:
    """An answer as the API and the chat use it: ``to_dict()`` plus ``chart`` (the PNG's URL under
    /api/v1/charts/, or None) and ``exports`` (CSV / XLSX / JSON downloads of its figures, or None); its
    figures are in ``table``."""
    d = as_dict(answer) if not hasattr(answer, "to_dict") else answer.to_dict()
    key = keep(question, d)
    d["chart"] = chart_url(key, d)
    d["exports"] = {f: export_url(key, f) for f in ("csv", "xlsx", "json")} if key else None
    return d


__all__ = ["Artifact", "payload", "MAX_ENTRIES", "chart_kind", "chart_url", "export_url", "get", "keep", "key_of"]
