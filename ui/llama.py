"""The llama-index face: ``ReportQARetriever`` (a ``BaseRetriever``) and ``ReportQAQueryEngine`` (wraps ``ask``).

Both take a *source*: a running server's base URL ("http://127.0.0.1:7860", asked through ``/api/v1/ask``;
or an ``httpx.Client`` for it) or an object with ``ask(question, session_id=None)`` (an ``Assistant``).
The nodes are the answer's citations: the exact quote as text, and source, report, section, offsets, body
and year as metadata::

    from ui.llama import ReportQAQueryEngine, ReportQARetriever
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from llama_index.core.base.response.schema import Response
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from pydantic import PrivateAttr

CITATION_KEYS = ("source", "report", "section", "start", "end", "body", "year", "report_id", "row_label",
                 "col_label", "kind")
# Shown to an LLM reading the node: where the quote is from, not its bookkeeping.
_HIDDEN = ["start", "end", "report_id", "row_label", "col_label", "kind"]

Asker = Callable[[str], dict]


def asker(source: Any, session_id: str | None = None, timeout: float = 300.0) -> Asker:
    """question -> ``Answer.to_dict()``: from an object with ``ask``, or from a server through
    ``POST /api/v1/ask`` (its base URL, or an HTTP client with ``post`` whose base_url is the server)."""
    if callable(getattr(source, "ask", None)):
        return lambda question: source.ask(question, session_id=session_id).to_dict()
    if isinstance(source, str):
        source = httpx.Client(base_url=source, timeout=timeout)
    if not callable(getattr(source, "post", None)):
        raise TypeError("source must be a reportqa server URL, an HTTP client for one, or an object with "
                        "ask(question, session_id=None)")

    def over_http(question: str) -> dict:
        r = source.post("/api/v1/ask", json={"question": question, "session_id": session_id})
        if r.status_code >= 400:
            raise ValueError(f"reportqa answered {r.status_code}: {r.json().get('detail', r.text)}")
        return r.json()
    return over_http


def citation_nodes(d: dict) -> list[NodeWithScore]:
    """The answer's citations as nodes, in the answer's order; score is 1/rank (citations carry no score)."""
    out = []
    for i, c in enumerate(d.get("citations") or [], 1):
        meta = {k: c.get(k) for k in CITATION_KEYS}
        node = TextNode(id_=f"{c.get('source')}:{c.get('start')}-{c.get('end')}", text=c.get("quote") or "",
                        metadata=meta, excluded_llm_metadata_keys=_HIDDEN, excluded_embed_metadata_keys=_HIDDEN)
        out.append(NodeWithScore(node=node, score=1.0 / i))
    return out


class ReportQARetriever(BaseRetriever):
    """Retrieves the cited quotes that answer a question (each a ``NodeWithScore`` with citation metadata)."""

    def __init__(self, source: Any, session_id: str | None = None, timeout: float = 300.0, **kwargs: Any):
        self._ask = asker(source, session_id, timeout)
        super().__init__(**kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return citation_nodes(self._ask(query_bundle.query_str))


class ReportQAQueryEngine(CustomQueryEngine):
    """reportqa's own answer as a query engine: the answer text, its citations as source nodes, and the
    structured answer (value, unit, SQL, arithmetic) under ``response.metadata["reportqa"]``."""

    _ask: Asker = PrivateAttr()

    def __init__(self, source: Any, session_id: str | None = None, timeout: float = 300.0, **kwargs: Any):
        super().__init__(**kwargs)
        self._ask = asker(source, session_id, timeout)

    def custom_query(self, query_str: str) -> Response:
        d = self._ask(query_str)
        return Response(response=d.get("answer") or "", source_nodes=citation_nodes(d), metadata={"reportqa": d})


__all__ = ["ReportQARetriever", "ReportQAQueryEngine", "citation_nodes", "asker"]
