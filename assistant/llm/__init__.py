"""The optional LLM (an OpenAI-compatible endpoint): it reads questions the deterministic parser abstains
on, may pick among tied facts by index, and phrases text answers from retrieved quotes — and is never the
source of a figure. ``client`` is the adapter and its status, ``reading`` / ``choose`` / ``phrase`` the
three uses, ``grounding`` the checks every output passes, ``consult`` where they meet the engine."""
from assistant.llm.client import LLMClient, LLMFailed, client_for, configured, llm_status

__all__ = ["LLMClient", "LLMFailed", "client_for", "configured", "llm_status"]
