"""The llama-index face through llama-index-core itself: the retriever's nodes and the query engine's source
nodes on the sample reports, in-process and over the JSON API, and both inside llama-index's own pipeline
pieces (``RetrieverQueryEngine``, ``QueryEngineTool``)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("llama_index.core", reason="llama-index-core is a dependency (pip install -e .)")
from llama_index.core.base.response.schema import Response  # noqa: E402
from llama_index.core.llms import MockLLM  # noqa: E402
from llama_index.core.query_engine import RetrieverQueryEngine  # noqa: E402
from llama_index.core.schema import MetadataMode, NodeWithScore, TextNode  # noqa: E402
from llama_index.core.tools import QueryEngineTool  # noqa: E402

from ui.llama import ReportQAQueryEngine, ReportQARetriever  # noqa: E402

QUESTION = "让胡路区2013年共受理了多少条政府信息公开申请?"  # eval/qa_dev.jsonl dev-003: 54条
CITATION_META = {"source", "report", "section", "start", "end", "body", "year"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory, sample_data_dir: Path) -> Iterator[Any]:
    """The real app (one Assistant) over a copy of the sample reports, as an httpx client."""
    from fastapi.testclient import TestClient

    from index.settings import load_settings
    from ui.server import make_app

    data = tmp_path_factory.mktemp("llama_data") / "d"
    shutil.copytree(sample_data_dir, data)
    with TestClient(make_app(load_settings(data_dir=data))) as client:
        yield client


@pytest.fixture(scope="module")
def assistant(app_client) -> Any:
    return app_client.app.state.assistant


def _check_nodes(nodes: list, assistant: Any) -> None:
    assert nodes and all(isinstance(n, NodeWithScore) and isinstance(n.node, TextNode) for n in nodes)
    scores = [n.score for n in nodes]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    first = nodes[0].node
    assert CITATION_META <= set(first.metadata)
    m = first.metadata
    assert "54" in first.text and (m["year"], m["source"]) == (2013, "000_34cfdbdec91981e1.txt")
    assert m["report"] == "让胡路区2013年政府信息公开工作年度报告" and m["section"] == "三、依申请公开政府信息情况"
    assert m["body"] == "让胡路区人民政府"
    for n in nodes:
        rep = assistant.report(n.node.metadata["report_id"])
        assert rep.text[n.node.metadata["start"]:n.node.metadata["end"]] == n.node.text, "a node is the report's text"
    llm_view = first.get_content(MetadataMode.LLM)
    assert m["report"] in llm_view and m["section"] in llm_view and "start:" not in llm_view


def test_retriever_returns_cited_nodes(assistant):
    _check_nodes(ReportQARetriever(assistant).retrieve(QUESTION), assistant)


def test_retriever_over_the_json_api(app_client, assistant):
    _check_nodes(ReportQARetriever(app_client).retrieve(QUESTION), assistant)


def test_query_engine_response_carries_source_nodes(assistant):
    response = ReportQAQueryEngine(assistant).query(QUESTION)
    assert isinstance(response, Response) and "54" in str(response)
    _check_nodes(response.source_nodes, assistant)
    d = response.metadata["reportqa"]
    assert (d["value"], d["unit"]) == (54, "条") and d["sql"]
    assert [n.node.text for n in response.source_nodes] == [c["quote"] for c in d["citations"]]


def test_drops_into_llama_index_pipelines(assistant):
    """The retriever under llama-index's own RetrieverQueryEngine (any LLM; a mock here), and the query engine
    as a tool an agent or router picks."""
    engine = RetrieverQueryEngine.from_args(ReportQARetriever(assistant), llm=MockLLM())
    _check_nodes(engine.query(QUESTION).source_nodes, assistant)
    tool = QueryEngineTool.from_defaults(ReportQAQueryEngine(assistant), name="reportqa",
                                         description="政府信息公开年度报告问答 / annual-report Q&A with citations")
    out = tool.call(QUESTION)
    assert "54" in out.content and out.raw_output.source_nodes


def test_a_bad_source_is_refused():
    with pytest.raises(TypeError):
        ReportQARetriever(object())
