"""Encoding detection for text files: BOM, strict UTF-8, then charset-normalizer (GB family -> GB18030)."""
from __future__ import annotations

import codecs
import unicodedata

from index.models import IngestError

_BOMS = (  # UTF-32 first: its LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GBK/GB2312 are subsets of GB18030: decode with the superset so rare characters survive.
_GB_FAMILY = {"gbk", "gb2312", "gb18030", "cp936", "hz", "euc_cn", "gb2312-80"}


def _junk_ratio(text: str) -> float:
    """Share of characters that no text file contains (controls, U+FFFD, unassigned)."""
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        if ch in "\n\r\t\f\v":
            continue
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Cc", "Cs", "Co", "Cn"):
            bad += 1
    return bad / len(text)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding): BOM, then strict UTF-8, then charset-normalizer's guess.

    Raises IngestError for empty input or binary content.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise IngestError("empty file")
    boms = [enc for bom, enc in _BOMS if data.startswith(bom)]
    for enc in boms:  # FF FE 00 00 is UTF-32 LE, or UTF-16 LE text starting with U+0000
        try:
            return data.decode(enc), enc.replace("-sig", "")
        except UnicodeDecodeError:
            continue
    if boms:  # a BOM but damaged or truncated data: keep what decodes, unless it is junk
        text = data.decode(boms[0], errors="replace")
        if _junk_ratio(text) > 0.02:
            raise IngestError("not a text file (binary content)")
        return text, boms[0].replace("-sig", "")
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if _junk_ratio(text) > 0.02:
                raise IngestError("not a text file (binary content)")
            return text, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    enc = best.encoding.lower() if best is not None else None
    if b"\x00" in data and (enc is None or not enc.startswith("utf_16") and not enc.startswith("utf_32")):
        raise IngestError("not a text file (binary content)")
    if enc is None or enc.replace("_", "") in {e.replace("_", "") for e in _GB_FAMILY}:
        enc = "gb18030"
    elif enc not in ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_8", "big5", "big5hkscs"):
        # Single-byte guesses (cp1252, koi8...) on Chinese reports are almost always GBK
        # misread: take GB18030 when it decodes strictly.
        try:
            data.decode("gb18030")
            enc = "gb18030"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(enc, errors="replace") if enc != "gb18030" else data.decode("gb18030", "replace")
    if _junk_ratio(text) > 0.02:
        raise IngestError("not a text file (binary content)")
    return text, enc.replace("_", "-")
