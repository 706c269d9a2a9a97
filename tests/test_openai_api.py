"""The OpenAI-compatible face through the official ``openai`` client: a running ``reportqa serve`` on the
sample reports (cited answers, streaming, follow-ups, errors), and the same routes over the fake assistant
(how many asks a follow-up costs)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

openai = pytest.importorskip("openai", reason="the openai client is a dependency (pip install -e .)")

from test_mcp import QUESTION, served  # noqa: E402,F401  (the same `reportqa serve` fixture, one per module)

FOLLOW_UP = "那网络申请呢?"
FIRST = "让胡路区2013年政府信息公开申请一共收到多少条?"  # never asked elsewhere: its follow-up is replayed


@pytest.fixture(scope="module")
def server(served: tuple[str, Path]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def client(server: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server}/v1", api_key="not-needed", max_retries=0, timeout=600)


def _user(text: str | list) -> dict:
    return {"role": "user", "content": text}


def _check_cited(content: str, d: dict, server: str) -> None:
    """Every citation is a numbered footnote "[n] report › section 「quote」" and the report's exact text."""
    assert d["citations"], d
    for i, c in enumerate(d["citations"], 1):
        line = next((ln for ln in content.splitlines() if ln.startswith(f"[{i}] ")), "")
        assert f"{c['report']} › {c['section']}" in line and f"「{c['quote']}」" in line, (line, c)
        rep = httpx.get(f"{server}/api/v1/reports/{c['report_id']}", params={"include_text": True}, timeout=60)
        assert rep.json()["text"][c["start"]:c["end"]] == c["quote"]


def test_models_lists_reportqa(client):
    assert [m.id for m in client.models.list().data] == ["reportqa"]
    assert client.models.retrieve("reportqa").id == "reportqa"


def test_cited_answer(client, server):
    r = client.chat.completions.create(model="reportqa", messages=[_user(QUESTION)])
    msg = r.choices[0].message
    assert msg.role == "assistant" and r.choices[0].finish_reason == "stop" and r.object == "chat.completion"
    d = r.model_extra["reportqa"]
    assert (d["value"], d["unit"]) == (54, "条") and d["sql"].startswith("SELECT")
    assert "54" in msg.content.splitlines()[0] and "[1]" in msg.content.splitlines()[0]
    _check_cited(msg.content, d, server)


def test_cited_answer_streamed(client, server):
    whole = client.chat.completions.create(model="reportqa", messages=[_user(QUESTION)]).choices[0].message.content
    chunks = list(client.chat.completions.create(model="reportqa", messages=[_user(QUESTION)], stream=True))
    assert len(chunks) > 2 and chunks[0].choices[0].delta.role == "assistant"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    d = last.model_extra["reportqa"]
    assert d["value"] == 54
    _check_cited(text, d, server)


@pytest.mark.parametrize("first", [QUESTION, FIRST], ids=["remembered", "replayed"])
def test_follow_up_uses_the_earlier_messages(client, server, first):
    """"那网络申请呢?" after a question about 让胡路区 2013 is its 网络申请: 31条. The first history was
    answered by this server before (its session is reused), the second never (its questions are replayed)."""
    r1 = client.chat.completions.create(model="reportqa", messages=[_user(first)]) if first == QUESTION else None
    history = [{"role": "system", "content": "你是报告问答助手。"}, _user(first),
               {"role": "assistant", "content": r1.choices[0].message.content if r1 else "54条。"},
               _user(FOLLOW_UP)]
    r = client.chat.completions.create(model="reportqa", messages=history)
    d = r.model_extra["reportqa"]
    assert (d["value"], d["unit"]) == (31, "条"), d["answer"]
    assert d["question"] == FOLLOW_UP
    assert any("网络申请31条" in c["quote"] and c["report"].startswith("让胡路区2013") for c in d["citations"])
    _check_cited(r.choices[0].message.content, d, server)


def test_empty_message_list_is_an_openai_error(client, server):
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="reportqa", messages=[])
    e = err.value
    assert e.status_code == 400 and e.param == "messages" and e.type == "invalid_request_error"
    raw = httpx.post(f"{server}/v1/chat/completions", json={"model": "reportqa", "messages": []}, timeout=60)
    assert raw.status_code == 400 and set(raw.json()) == {"error"}
    assert set(raw.json()["error"]) == {"message", "type", "param", "code"} and raw.json()["error"]["message"]


@pytest.mark.parametrize("body, status, param", [
    ({"model": "reportqa", "messages": [{"role": "system", "content": "只有系统消息"}]}, 400, "messages"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": "   "}]}, 400, "messages"),
    ({"model": "reportqa", "messages": [{"role": "wizard", "content": "x"}]}, 400, "messages.0.role"),
    ({"model": "reportqa"}, 400, "messages"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}, 404, "model"),
    ({"model": "reportqa", "messages": [{"role": "user", "content": "问" * 10_001}]}, 400, "messages"),
])
def test_bad_requests_get_the_openai_error_shape(server, body, status, param):
    r = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=60)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["param"] == param and err["message"] and err["type"] == "invalid_request_error"


def test_not_json_is_an_openai_error(server):
    r = httpx.post(f"{server}/v1/chat/completions", content=b"{not json", timeout=60,
                   headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"


# -- fast: the routes over the fake assistant ------------------------------------------------------

@pytest.fixture
def fake_openai(tmp_path, fake_assistant) -> Iterator[openai.OpenAI]:
    from fastapi.testclient import TestClient

    from index.settings import load_settings
    from ui.server import make_app

    with TestClient(make_app(load_settings(data_dir=tmp_path), assistant=fake_assistant)) as http:
        yield openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=http, max_retries=0)


def test_a_remembered_conversation_costs_one_ask(fake_openai, fake_assistant):
    a = fake_openai.chat.completions.create(model="reportqa", messages=[_user("海陵区2017年收到多少件申请?")])
    history = [_user("海陵区2017年收到多少件申请?"), {"role": "assistant", "content": a.choices[0].message.content}]
    fake_openai.chat.completions.create(model="reportqa", messages=[*history, _user(FOLLOW_UP)])
    (q1, s1), (q2, s2) = fake_assistant.questions
    assert (q1, q2) == ("海陵区2017年收到多少件申请?", FOLLOW_UP) and s1 and s1 == s2


def test_an_unknown_conversation_is_replayed_into_a_fresh_session(fake_openai, fake_assistant):
    fake_openai.chat.completions.create(model="reportqa", messages=[
        _user("甲?"), {"role": "assistant", "content": "…"}, _user([{"type": "text", "text": "乙?"}]),
        {"role": "assistant", "content": "…"}, _user(FOLLOW_UP)])
    asked = fake_assistant.questions
    assert [q for q, _ in asked] == ["甲?", "乙?", FOLLOW_UP]
    assert len({s for _, s in asked}) == 1 and asked[0][1]


def test_footnotes_number_every_citation(fake_openai, fake_assistant):
    content = fake_openai.chat.completions.create(model="reportqa", messages=[_user("问")]).choices[0].message.content
    head, *rest = content.splitlines()
    assert head == "海陵区2017年共收到政府信息公开申请52件。[1][2]"
    assert any(ln.startswith("[1] 海陵区2017年政府信息公开工作年度报告 › 三、依申请公开政府信息情况")
               and ln.endswith("「收到政府信息公开申请52件」") for ln in rest)
    assert any(ln.startswith("[2] ") and "「公开内容不够全面 | 更新不够及时 *重点* <b>」" in ln for ln in rest)
