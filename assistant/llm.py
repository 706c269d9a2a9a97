"""Optional LLM adapter (OpenAI-compatible endpoint such as Ollama or vLLM, via llama-index).

The LLM never writes a figure: it may only rephrase the extractive answer from the given quotes.
A rephrasing that introduces any number not present in the quotes is discarded.
"""
from __future__ import annotations

import re

from index.settings import Settings

_NUM = re.compile(r"\d+(?:\.\d+)?")


class Rephraser:
    def __init__(self, settings: Settings):
        from llama_index.core import Settings as LISettings
        from llama_index.llms.openai_like import OpenAILike

        self.llm = OpenAILike(model=settings.llm_model, api_base=settings.llm_base_url,
                              api_key=settings.llm_api_key or "none", is_chat_model=True, timeout=30)
        LISettings.llm = self.llm  # set explicitly: llama-index must never fall back to a default (networked) LLM

    def rephrase(self, question: str, quotes: list[str]) -> str | None:
        prompt = ("只根据下面的引文回答问题,用一两句中文,不要添加引文里没有的任何数字或事实。\n"
                  f"问题:{question}\n引文:\n" + "\n".join(f"- {q}" for q in quotes))
        try:
            text = str(self.llm.complete(prompt)).strip()
        except Exception:  # noqa: BLE001 - an unreachable LLM must not break answering
            return None
        allowed = set(_NUM.findall(" ".join(quotes)))
        if any(n not in allowed for n in _NUM.findall(text)):
            return None
        return text or None


def make_rephraser(settings: Settings) -> Rephraser | None:
    if not (settings.llm_base_url and settings.llm_model):
        return None
    return Rephraser(settings)
