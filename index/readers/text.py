"""Plain text and markdown: decoded as they are (markdown pipe tables are rows already)."""
from __future__ import annotations

from index.readers.encoding import decode_bytes


def read(data: bytes, warnings: list[str], fields: dict[str, str]) -> tuple[str, str | None]:
    return decode_bytes(data)
