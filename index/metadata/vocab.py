"""The vocabularies of index/metadata (``vocab.yaml``, every entry with its source)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def vocab() -> dict:
    return yaml.safe_load((Path(__file__).with_name("vocab.yaml")).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def header_label_re() -> re.Pattern[str]:
    """``label: value`` where label is any header label (spaces inside labels allowed: 索 引 号)."""
    labels = sorted({lab for labs in vocab()["header_labels"].values() for lab in labs}, key=len, reverse=True)
    alt = "|".join(r"\s*".join(map(re.escape, lab)) for lab in labels)
    return re.compile(rf"(?<![\u4e00-\u9fff])({alt})\s*[::]")


@lru_cache(maxsize=1)
def label_key() -> dict[str, str]:
    return {lab: key for key, labs in vocab()["header_labels"].items() for lab in labs}
