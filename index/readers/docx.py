"""DOCX: paragraphs and tables in body order, tables as pipe rows; core properties go to ``fields``."""
from __future__ import annotations

import io

from index.models import IngestError
from index.readers.rows import clean_cell, pipe_row
from index.readers.sniff import is_docx


def docx_fields(document) -> dict[str, str]:  # noqa: ANN001
    """Core properties title/author/created, when the file has them."""
    props = document.core_properties
    fields: dict[str, str] = {}
    for key, value in (("title", props.title), ("author", props.author), ("created", props.created)):
        text = value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()
        if text:
            fields[key] = text
    return fields


def read(data: bytes, warnings: list[str], fields: dict[str, str]) -> tuple[str, str | None]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    if not is_docx(data):
        raise IngestError("not a DOCX file (not a Word zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises a zoo of errors on damaged packages
        raise IngestError(f"corrupt DOCX file: {exc}") from exc
    try:
        fields.update(docx_fields(document))
    except Exception:  # noqa: BLE001 - damaged core.xml must not cost the text
        warnings.append("unreadable document properties (ignored)")
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, DocxTable):
            lines.append("")
            for row in block.rows:
                # python-docx repeats a merged cell in every grid position it spans: keep that.
                cells = [clean_cell(cell.text) for cell in row.cells]
                if any(cells):
                    lines.append(pipe_row(cells))
            lines.append("")
    return "\n".join(lines), None
