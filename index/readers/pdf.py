"""PDF (text layer only) via pdfplumber."""
from __future__ import annotations

import io
import re

from index.models import IngestError
from index.readers.rows import pipe_row

_PAGE_NUMBER = re.compile(r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")


_CID = re.compile(r"\(cid:\d+\)")


def _pdf_check(data: bytes) -> str:
    """Cheap structural checks; returns the password to open with ('' or None)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError("corrupt or truncated PDF: no end-of-file marker")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Owner-password-only files open with the empty user password.
            if not reader.decrypt(""):
                raise IngestError("password-protected PDF")
            return ""
        _ = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"corrupt or truncated PDF: {exc}") from exc
    except Exception as exc:  # pypdf raises dependency errors (e.g. no AES lib) here too
        if "crypt" in type(exc).__name__.lower() or "AES" in str(exc):
            raise IngestError("password-protected PDF") from exc
        raise IngestError(f"corrupt or truncated PDF: {exc}") from exc
    return ""


def _pdf_table_rows(page, table) -> list[list[str]]:  # noqa: ANN001
    """Rows of a pdfplumber table with merged cells repeated into each covered position."""
    rows = table.extract()
    # Map each real cell's bbox to its text, to fill the None slots merged cells leave.
    texts: dict[tuple, str] = {}
    for r, row in enumerate(table.rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and r < len(rows) and c < len(rows[r]):
                texts[tuple(bbox)] = rows[r][c] or ""
    cols = table.columns
    out = []
    for r, row in enumerate(rows):
        filled = []
        for c, val in enumerate(row):
            if val is None and r < len(table.rows) and c < len(cols):
                x = (cols[c].bbox[0] + cols[c].bbox[2]) / 2
                y = (table.rows[r].bbox[1] + table.rows[r].bbox[3]) / 2
                val = next((t for b, t in texts.items() if b[0] <= x <= b[2] and b[1] <= y <= b[3]), "")
            filled.append(re.sub(r"\s+", " ", val or "").replace("|", "/"))
        if any(filled):
            out.append(filled)
    return out


_SENTENCE_END = tuple("。:;!?…」”』)》")


def _join_wrapped(page_width: float, items: list[tuple[float, str, dict | None]]) -> list[str]:
    """Re-join body lines the PDF wrapped at the right margin (a sentence split over lines).

    A text line is wrapped when it is long (>= 60% of the page width), ends within about two
    characters of the page's right text edge and does not end a sentence; it is not joined
    to a table or to a line that starts a heading.
    """
    from index.sections import looks_like_heading  # heading look-alikes must stay line starts

    text_lines = [ln for _, _, ln in items if ln is not None]
    right = max((ln["x1"] for ln in text_lines), default=0.0)
    out: list[str] = []
    joinable = False
    for _, text, ln in items:
        starts_heading = ln is not None and looks_like_heading(text)
        if joinable and ln is not None and not starts_heading and out:
            sep = "" if re.match(r"[\u3000-\u9fff\uff00-\uffef]", text[:1] or " ") else " "
            out[-1] = out[-1] + sep + text
        else:
            out.append(text)
        joinable = False
        if ln is not None:
            width = ln["x1"] - ln["x0"]
            char_w = width / max(len(text), 1)
            joinable = (width >= 0.6 * page_width and ln["x1"] >= right - 2.5 * char_w
                        and not out[-1].endswith(_SENTENCE_END))
    return out


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers: the same first/last line on most pages."""
    if len(pages) < 3:
        return pages
    def key(s: str) -> str:
        return re.sub(r"\d+", "#", s.strip())
    out = [list(p) for p in pages]
    for pos in (0, -1):
        counts: dict[str, int] = {}
        for p in pages:
            if p:
                counts[key(p[pos])] = counts.get(key(p[pos]), 0) + 1
        for k, n in counts.items():
            if n >= max(3, int(0.6 * len(pages))) and len(k) <= 40:
                for i, p in enumerate(out):
                    if p and key(p[pos]) == k and not (i == 0 and pos == 0):
                        p.pop(pos)
    return out


def _pdf_to_text(data: bytes, warnings: list[str]) -> str:
    import pdfplumber

    password = _pdf_check(data)
    pages_lines: list[list[str]] = []
    empty_pages: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password) as pdf:
            for no, page in enumerate(pdf.pages, start=1):
                tables = page.find_tables()
                rest = page
                for t in tables:
                    rest = rest.outside_bbox(t.bbox)
                items: list[tuple[float, str, dict | None]] = []
                for line in rest.extract_text_lines(strip=True):
                    if not _PAGE_NUMBER.match(line["text"]):
                        items.append((line["top"], line["text"], line))
                for t in tables:
                    rows = _pdf_table_rows(page, t)
                    if rows:
                        items.append((t.bbox[1], "\n".join(pipe_row(r) for r in rows), None))
                items.sort(key=lambda it: it[0])
                lines = _join_wrapped(float(page.width), items)
                if not any(s.strip() for s in lines):
                    empty_pages.append(no)
                pages_lines.append(lines)
    except IngestError:
        raise
    except Exception as exc:  # pdfminer's errors have no common base worth naming
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise IngestError("password-protected PDF") from exc
        raise IngestError(f"corrupt or truncated PDF: {name}: {exc}") from exc
    pages_out = ["\n".join(p) for p in _drop_running_lines(pages_lines)]
    if not any(p.strip() for p in pages_out):
        raise IngestError("no text layer; OCR is not supported")
    if empty_pages:
        warnings.append(f"pages without a text layer (skipped): {empty_pages}")
    text = "\n".join(pages_out)
    # Fonts without a Unicode map come out as "(cid:1234)": unreadable, so say so.
    cid_chars = sum(len(m) for m in _CID.findall(text))
    if cid_chars > 0.3 * len(text):
        raise IngestError("no usable text layer (fonts without Unicode mapping); OCR is not supported")
    if cid_chars:
        warnings.append("some characters had no Unicode mapping and were dropped")
        text = _CID.sub("", text)
    return text




def read(data: bytes, warnings: list[str], fields: dict[str, str]) -> tuple[str, str | None]:
    return _pdf_to_text(data, warnings), None
