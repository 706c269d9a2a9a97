"""PDF (text layer only) via pdfplumber, laid out as the report was written.

* **Tables only where the page has one:** pdfplumber's ruling lines (``find_tables`` with the "lines"
  strategy; a table without left/right border gets its sides from the ends of its row rules) give
  the cells; a grid is a table when it has at least two columns and two rows that are
  split into several cells, and no cell holds running prose. Cells are placed on the grid their edges
  make, merged cells repeated into every position they cover (as the HTML and DOCX readers do), a
  label wrapped inside its cell joined back. A table the page break cut is one table again: the
  header rows the writer repeats are dropped, a row split across the break is joined, and merged
  label cells that print on the first page only lend their labels to the rows on the next.
* **Prose as paragraphs:** a line that reaches the right margin (or stopped short because the next
  line's first word or number did not fit) continues on the next line when that line starts at the
  left margin (not indented, not a heading) and the first line does not end a sentence (。!?;:, also
  inside closing quotes; 》 is no end) - or does, but the document marks paragraphs by first-line
  indents or by extra space that this line break lacks. A title wrapped over centred lines is one
  line; headings (一、 / (一) / 1. / 第一部分 ...) always start a line.
* **No page furniture:** page numbers, and headers/footers repeated at the top or bottom of the pages
  (a browser's date, title, address and ``n/N``), are dropped.
* The document info (Title, Author, CreationDate) goes to ``fields`` as "title", "author", "created".
"""
from __future__ import annotations

import io
import logging
import math
import re
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from index.models import IngestError
from index.readers.rows import clean_cell, pipe_row

_PAGE_NUMBER = re.compile(
    r"^\s*([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|共\s*\d+\s*页\s*第\s*\d+\s*页|[Pp]age\s*\d+(\s*of\s*\d+)?)\s*$")
_BARE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")  # a page number when it sits in the top/bottom margin
_BAND = 0.12  # share of the page height at the top and bottom where running headers/footers live
_HEADING = re.compile(r"^\s*(第[一二三四五六七八九十\d]+(部分|章)|[一二三四五六七八九十]{1,3}\s*[、.]|"
                      r"\([一二三四五六七八九十]{1,3}\)|\d{1,2}\s*[、.](?!\d)|\(\d{1,2}\))")
_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")  # ideographs, CJK punctuation
_WORD_CHAR = re.compile(r"[0-9A-Za-z@#%&+\-./_~]")
_UNBREAKABLE = re.compile(r"[0-9A-Za-z@#%&+\-./_~:?=]")  # a number, word or address never breaks
# Never starts a line (the layout engine pulls a character down with it); NFKC forms.
_CLOSING = set("。,、;:!?)」』》〉】〕”’%")
# CJK Radicals Supplement characters that fonts' ToUnicode maps give instead of the ideograph (NFKC
# leaves them; Kangxi radicals U+2F00.. are handled by NFKC, except where it picks a traditional form).
_RADICALS = str.maketrans({
    "\u2ea0": "民", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠", "\u2ec9": "贝",
    "\u2ecb": "车", "\u2ed3": "长", "\u2ed4": "门", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2ee0": "饣", "\u2ee2": "马",
    "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee8": "麦", "\u2ee9": "黄",
    "\u2eec": "齐", "\u2eee": "齿", "\u2ef0": "龙", "\u2f3e": "户",
})

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


# --- characters -> text ----------------------------------------------------------------------

def _chars_to_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into visual lines (top within half a character), each sorted by x."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= 0.5 * max(ch["size"], 1):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _join_chars(chars: list[dict]) -> str:
    """One visual line from its characters' positions, not from the PDF's space characters: a gap of
    most of a character is a space (columns of a table without rules), a word space only where no CJK
    character is next to it; CJK characters spaced apart for justification, CJK/Latin autospacing or
    distributed alignment (分散对齐) join up."""
    chars = [c for c in chars if c["text"].strip()]
    if not chars:
        return ""
    size = sorted(c["size"] for c in chars)[len(chars) // 2] or 10.0
    gaps = [b["x0"] - a["x1"] for a, b in zip(chars, chars[1:])]
    spread = len(gaps) >= 3 and all(g > 0.8 * size for g in gaps)
    out = chars[0]["text"]
    for gap, a, b in zip(gaps, chars, chars[1:]):
        cjk = _CJK_CHAR.match(a["text"][-1]) or _CJK_CHAR.match(b["text"][0])
        if not spread and (gap > 0.8 * size or (not cjk and gap > 0.15 * size)):
            out += " "
        out += b["text"]
    return out


def _join_pieces(pieces: list[str]) -> str:
    """Lines of one paragraph or cell: Latin words get a space between them, CJK none."""
    out = ""
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        if out and _WORD_CHAR.match(out[-1]) and _WORD_CHAR.match(p[0]) and not out.endswith("-"):
            out += " "
        out += p
    return out


# --- tables ------------------------------------------------------------------------------------

@dataclass
class _Grid:
    page: int
    top: float
    bottom: float
    xs: list[float]  # column edges
    cells: list[list]  # [r0, r1, c0, c1, text] (r1/c1 exclusive)
    n_rows: int

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def grid(self) -> list[list[str]]:
        """Every grid position, merged cells repeated into each position they cover."""
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for r0, r1, c0, c1, text in self.cells:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    grid[r][c] = text
        return grid

    def rows(self) -> list[list[str]]:
        return [row for row in self.grid() if any(row)]


def _edges(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _cell_text(chars: list[dict], bbox: tuple[float, float, float, float]) -> str:
    x0, top, x1, bottom = bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    return clean_cell(_join_pieces([_join_chars(line) for line in _chars_to_lines(inside)]))


def _prose(text: str) -> bool:
    """Running text, which no data-table cell holds (labels have no full stop and stay short)."""
    return bool(re.search(r"[。;!?]", text)) or len(text) > 80 or (len(text) > 45 and "," in text)


def _grids(page, table, page_no: int) -> list[_Grid]:  # noqa: ANN001
    """The data tables in one set of connected rules, as grids of cells; none when the rules do not
    make one. Rows that one prose cell fills from rule to rule (lines on ruled paper, a frame) are
    not table rows: they split the grid and stay text."""
    cells = [tuple(c) for c in table.cells]
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 3:
        return []  # one column or one row: a box or an underline, not a table
    placed = []
    for bbox in cells:
        c0, c1 = _nearest(xs, bbox[0]), _nearest(xs, bbox[2])
        r0, r1 = _nearest(ys, bbox[1]), _nearest(ys, bbox[3])
        if c1 > c0 and r1 > r0:
            placed.append([r0, r1, c0, c1, _cell_text(page.chars, bbox)])
    # A row-wide cell with a sentence, or a clause (an address line "地址:...188号,邮编:..."), is text;
    # a row-wide label ("第二十条第(一)项", a caption) is the table's.
    prose_rows = {r0 for r0, r1, c0, c1, text in placed
                  if r1 == r0 + 1 and c0 == 0 and c1 == len(xs) - 1 and (_prose(text) or re.search(r"[:,]", text))}
    if any(_prose(text) for r0, *_, text in placed if r0 not in prose_rows):
        return []  # paragraphs in ruled boxes: a layout, not data
    out, run = [], []
    for r in [*range(len(ys) - 1), None]:
        if r is not None and r not in prose_rows:
            run.append(r)
            continue
        seg = [list(c) for c in placed if run and run[0] <= c[0] <= run[-1]]
        run = []
        if not seg:
            continue
        seg_xs = _edges([xs[c[2]] for c in seg] + [xs[c[3]] for c in seg])
        seg_ys = _edges([ys[c[0]] for c in seg] + [ys[c[1]] for c in seg])
        for c in seg:
            c[0], c[1] = _nearest(seg_ys, ys[c[0]]), _nearest(seg_ys, ys[c[1]])
            c[2], c[3] = _nearest(seg_xs, xs[c[2]]), _nearest(seg_xs, xs[c[3]])
        # A data table splits at least two rows into several cells.
        per_row = Counter(r for r0, r1, *_ in seg for r in range(r0, r1))
        if len(seg_xs) >= 3 and sum(1 for n in per_row.values() if n >= 2) >= 2:
            out.append(_Grid(page_no, seg_ys[0], seg_ys[-1], seg_xs, seg, len(seg_ys) - 1))
    return out


def _open_sides(page, tables) -> list[dict]:  # noqa: ANN001
    """Vertical rules a table leaves out (no left or right border): where the horizontal rules of the
    table's rows reach beyond its outermost vertical rules, the ends of the horizontal rules are its
    sides. Also a table whose only vertical rules are inner ones is found this way."""
    h_edges = [e for e in page.edges if e["orientation"] == "h"]
    boxes = [t.bbox for t in tables]
    # Inner rules with no cell found: rules crossing two or more horizontal rules.
    for e in page.edges:
        if e["orientation"] == "v" and not any(b[0] - 1 <= e["x0"] <= b[2] + 1 and b[1] - 1 <= e["top"] <= b[3] + 1
                                               for b in boxes):
            crossed = [h for h in h_edges if h["x0"] < e["x0"] < h["x1"] and e["top"] - 1 <= h["top"] <= e["bottom"] + 1]
            if len(crossed) >= 2:
                boxes.append((e["x0"], e["top"], e["x1"], e["bottom"]))
    sides = []
    for x0, top, x1, bottom in boxes:
        rules = [h for h in h_edges if top - 1 <= h["top"] <= bottom + 1 and h["x0"] <= x1 and h["x1"] >= x0]
        if len(rules) < 2:
            continue
        left, right = min(h["x0"] for h in rules), max(h["x1"] for h in rules)
        t, b = min(h["top"] for h in rules), max(h["top"] for h in rules)
        for x, open_side in ((left, sum(1 for h in rules if h["x0"] < x0 - 5) >= 2),
                             (right, sum(1 for h in rules if h["x1"] > x1 + 5) >= 2)):
            if open_side:
                sides.append({"object_type": "line", "x0": x, "x1": x, "top": t, "bottom": b, "width": 0,
                              "height": b - t, "doctop": t + page.initial_doctop, "orientation": "v"})
    return sides


def _regrid(grid: _Grid, xs: list[float]) -> bool:
    """Put a grid on finer column edges (a fragment whose rows all merge some columns has no rule
    between them); False when its edges are not a subset of ``xs``."""
    index = [_nearest(xs, x) for x in grid.xs]
    if any(abs(xs[i] - x) > 3 for i, x in zip(index, grid.xs)) or index[0] != 0 or index[-1] != len(xs) - 1:
        return False
    for cell in grid.cells:
        cell[2], cell[3] = index[cell[2]], index[cell[3]]
    grid.xs = list(xs)
    return True


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d[\d,]*(\.\d+)?%?", text))


def _drop_repeated_header(prev: _Grid, cur: _Grid) -> None:
    """Header rows the writer repeats at the top of every page ("重复标题行") are not data."""
    prev_rows, cur_rows = prev.grid(), cur.grid()
    k = 0
    while k < min(len(prev_rows), len(cur_rows) - 1) and prev_rows[k] == cur_rows[k] \
            and not any(_is_number(c) for c in cur_rows[k]):
        k += 1
    if k:
        cur.cells = [c for c in cur.cells if c[1] > k]
        for c in cur.cells:
            c[0], c[1] = max(c[0] - k, 0), c[1] - k
        cur.n_rows -= k


def _join_split_row(prev: _Grid, cur: _Grid) -> None:
    """A row the page break split (Word lets rows break across pages): the continuation's first row
    holds only the ends of labels wrapped in their cells, no figures and no numbering of its own.
    The ends join the labels above; a merged cell that goes on down keeps the whole label."""
    if not cur.n_rows or not prev.n_rows:
        return
    first = [c for c in cur.cells if c[0] == 0]
    above = [c for c in prev.cells if c[1] == prev.n_rows]
    texts = [c[4] for c in first if c[4]]
    if not texts or any(_is_number(t) or _HEADING.match(t) for t in texts):
        return
    if not any(_is_number(c[4]) for c in above):
        return
    for c in first:
        if c[4]:
            target = next((a for a in above if a[2] <= c[2] < a[3]), None)
            if target is None:
                return
            target[4] = _join_pieces([target[4], c[4]])
            if c[1] > 1:
                c[4] = target[4]
    cur.cells = [c for c in cur.cells if c[1] > 1]
    for c in cur.cells:
        c[0], c[1] = max(c[0] - 1, 0), c[1] - 1
    cur.n_rows -= 1


def _continue_grid(prev: _Grid, cur: _Grid) -> None:
    """A table the page break cut, on the same column edges: a merged label cell prints its text on
    the first page only, so cells of the continuation's first row left blank take the label above."""
    if prev.n_cols != cur.n_cols or any(abs(a - b) > 3 for a, b in zip(prev.xs, cur.xs)):
        if not (_regrid(prev, cur.xs) if prev.n_cols < cur.n_cols else _regrid(cur, prev.xs)):
            return
    _drop_repeated_header(prev, cur)
    _join_split_row(prev, cur)
    rows = prev.rows()
    last = rows[-1] if rows else []
    for cell in cur.cells:
        r0, _, c0, _, text = cell
        if r0 == 0 and not text and c0 < len(last):
            above = last[c0]
            if above and not _is_number(above):
                cell[4] = above


# --- lines -------------------------------------------------------------------------------------

@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float
    first_w: float  # width of the line's first unbreakable piece (a word, or a character with its closing mark)
    band: bool = False  # in the top or bottom margin band
    drop: bool = False  # page furniture


def _first_width(chars: list[dict]) -> float:
    if not chars:
        return 0.0
    k = 1
    if _UNBREAKABLE.match(chars[0]["text"]):
        while k < len(chars) and _UNBREAKABLE.match(chars[k]["text"]):
            k += 1
    while k < len(chars) and chars[k]["text"] in _CLOSING:
        k += 1
    return chars[k - 1]["x1"] - chars[0]["x0"]


def _page_lines(page, grids: list[_Grid], page_no: int) -> list[_Line]:  # noqa: ANN001
    boxes = [(g.xs[0], g.top, g.xs[-1], g.bottom) for g in grids]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in boxes)

    rest = page.filter(outside) if boxes else page
    h = float(page.height)
    out = []
    for ln in rest.extract_text_lines(strip=True, return_chars=True):
        # A character of several letters (a ligature, "fi") is listed once per letter.
        chars = [c for c in {id(c): c for c in ln["chars"]}.values() if c["text"].strip()]
        text = _join_chars(chars).strip()
        if not text:
            continue
        size = sorted(c["size"] for c in chars)[len(chars) // 2] if chars else 10.0
        band = ln["top"] < _BAND * h or ln["bottom"] > (1 - _BAND) * h
        out.append(_Line(page_no, ln["top"], ln["bottom"], ln["x0"], ln["x1"], text, size, _first_width(chars), band))
    return out


def _drop_furniture(pages: list[list[_Line]]) -> None:
    """Mark page numbers and running headers/footers (the same first/last line on most pages)."""
    def key(s: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", s))

    for lines in pages:
        for ln in lines:
            if _PAGE_NUMBER.match(ln.text) or (ln.band and _BARE_NUMBER.match(ln.text)):
                ln.drop = True
    if len(pages) < 2:
        return
    need = max(2, math.ceil(0.5 * len(pages)))
    done: set[int] = set()  # lines judged already (kept running titles)
    for _ in range(2):  # a header or footer of two lines goes in two passes
        ends = []
        for lines in pages:
            live = [ln for ln in lines if not ln.drop and id(ln) not in done]
            ends.append([ln for ln in live[:1] + live[-1:] if ln.band])
        seen: dict[str, set[int]] = {}
        for no, edge in enumerate(ends):
            for ln in edge:
                seen.setdefault(key(ln.text), set()).add(no)
        for no, edge in enumerate(ends):
            for ln in edge:
                if len(seen[key(ln.text)]) >= need:
                    # A running header that is the report's title stays once, as the title.
                    if (no == 0 and ln is next((x for x in pages[0] if not x.drop), None)
                            and ln.text.endswith("报告") and not re.search(r"[/:]", ln.text)):
                        done.add(id(ln))
                    else:
                        ln.drop = True


# --- paragraphs ----------------------------------------------------------------------------------

@dataclass
class _Layout:
    body: float  # body font size
    left: float  # text block edges
    right: float
    indented: bool  # paragraphs open with a first-line indent
    pitch: float  # baseline-to-baseline distance inside a paragraph
    spaced: bool  # paragraphs are set apart by extra space


def _layout(lines: list[_Line]) -> _Layout:
    sizes = Counter(round(ln.size, 1) for ln in lines)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    body_lines = [ln for ln in lines if abs(ln.size - body) < 0.6] or lines
    # The text block's edges: the outermost positions that several lines reach (one overlong line,
    # a URL, must not move the margin; a page of one-line indented paragraphs must not either).
    need = 1 if len(body_lines) < 6 else 2 if len(body_lines) < 20 else 3  # few lines: the extremes
    x0s = sorted(ln.x0 for ln in body_lines)
    x1s = sorted((ln.x1 for ln in body_lines), reverse=True)
    left = next((v for v in x0s if sum(1 for x in x0s if x <= v + 0.5 * body) >= need), 0.0)
    right = next((v for v in x1s if sum(1 for x in x1s if x >= v - 0.5 * body) >= need), 0.0)
    indented = sum(1 for ln in body_lines if 1.5 * body <= ln.x0 - left <= 2.6 * body) >= 2
    steps = Counter(round(b.top - a.top) for a, b in zip(body_lines, body_lines[1:])
                    if a.page == b.page and body <= b.top - a.top < 3 * body)
    # The line pitch: the smallest step that recurs (paragraph gaps are larger, as frequent or not).
    pitch = float(min((st for st, n in steps.items() if n >= 2), default=min(steps, default=1.5 * body)))
    spaced = sum(n for st, n in steps.items() if st >= pitch + 0.3 * body) >= 2
    return _Layout(body, left, right, indented, pitch, spaced)


def _ends_sentence(text: str) -> bool:
    """。!?;: or …, also inside closing quotes (。”); a closing bracket alone (…通知》) is not an end."""
    return text.rstrip("”’」』)》〉】〕\"'").endswith(("。", "!", "?", ";", ":", "…"))


def _joins(prev: _Line, nxt: _Line, lay: _Layout) -> bool:
    """Whether ``nxt`` continues the paragraph (or title) that ``prev`` ends."""
    if _HEADING.match(nxt.text):
        return False
    center = (lay.left + lay.right) / 2
    if min(prev.size, nxt.size) > 1.1 * lay.body:  # a title wrapped over centred lines
        centred = all(abs((ln.x0 + ln.x1) / 2 - center) < 1.5 * ln.size for ln in (prev, nxt))
        return centred and prev.page == nxt.page and nxt.top - prev.bottom < 1.5 * nxt.size \
            and not _ends_sentence(prev.text)
    cw = max(lay.body, 1.0)
    if abs(prev.size - nxt.size) > 0.6:
        return False
    full = prev.x1 + nxt.first_w + 0.6 * cw >= lay.right  # the next line's first piece did not fit here
    starts_ok = prev.x0 <= lay.left + 2.6 * cw  # at the margin or a first-line indent (not centred/right)
    flush = nxt.x0 <= lay.left + 0.5 * cw  # a continuation line is never indented
    if not (full and starts_ok and flush):
        return False
    if lay.indented or not _ends_sentence(prev.text):
        return True
    # A full line ending a sentence: the paragraph goes on when paragraphs are set apart by space
    # and this line is not.
    return lay.spaced and prev.page == nxt.page and nxt.top - prev.top <= lay.pitch + 0.2 * cw


# --- the document ------------------------------------------------------------------------------

@contextmanager
def _quiet_pdfminer():
    """pdfminer logs a warning per glyph for fonts with incomplete descriptors (browser PDFs)."""
    log = logging.getLogger("pdfminer")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _pdf_date(raw: str) -> str:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", raw.strip())
    if not m:
        return raw.strip()
    y, mo, d, hh, mi, ss = m.groups()
    if not mo or not d:
        return y
    return f"{y}-{mo}-{d}" + (f"T{hh}:{mi or '00'}:{ss or '00'}" if hh else "")


def pdf_fields(info: dict) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, name in (("Title", "title"), ("Author", "author"), ("CreationDate", "created")):
        value = info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        value = unicodedata.normalize("NFKC", str(value or "")).strip().strip("\x00")
        if value:
            fields[name] = _pdf_date(value) if name == "created" else value
    return fields


def _clean_chars(page):  # noqa: ANN001, ANN202
    """Characters once (fake bold prints a glyph twice over; pdfplumber's ``dedupe_chars`` does this
    too but costs more than parsing the page), and in NFKC forms so that (一) is (一) and 1 is 1."""
    seen: set[tuple] = set()
    keep: set[int] = set()
    for ch in page.chars:
        ch["text"] = unicodedata.normalize("NFKC", ch["text"].translate(_RADICALS))
        key = (ch["text"], round(ch["x0"]), round(ch["top"]))
        if key not in seen:
            seen.add(key)
            keep.add(id(ch))
    if len(keep) == len(page.chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)


TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def _pdf_to_text(data: bytes, warnings: list[str], fields: dict[str, str]) -> str:
    import pdfplumber

    password = _pdf_check(data)
    pages: list[list[_Line | _Grid]] = []
    empty_pages: list[int] = []
    try:
        with _quiet_pdfminer(), pdfplumber.open(io.BytesIO(data), password=password) as pdf:
            try:
                fields.update(pdf_fields(pdf.metadata or {}))
            except Exception:  # noqa: BLE001 - a damaged info dictionary must not cost the text
                warnings.append("unreadable document info (ignored)")
            for no, page in enumerate(pdf.pages, start=1):
                page = _clean_chars(page)
                tables = page.find_tables(TABLE_SETTINGS)
                sides = _open_sides(page, tables)
                if sides:
                    tables = page.find_tables({**TABLE_SETTINGS, "explicit_vertical_lines": sides})
                grids = [g for t in tables for g in _grids(page, t, no)]
                lines = _page_lines(page, grids, no)
                if not lines and not grids:
                    empty_pages.append(no)
                pages.append(sorted([*lines, *grids], key=lambda it: it.top))
    except IngestError:
        raise
    except Exception as exc:  # pdfminer's errors have no common base worth naming
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise IngestError("password-protected PDF") from exc
        raise IngestError(f"corrupt or truncated PDF: {name}: {exc}") from exc

    _drop_furniture([[it for it in p if isinstance(it, _Line)] for p in pages])
    items = [it for p in pages for it in p if not (isinstance(it, _Line) and it.drop)]
    lay = _layout([it for it in items if isinstance(it, _Line)])
    for a, b in zip(items, items[1:]):
        if isinstance(a, _Grid) and isinstance(b, _Grid) and b.page == a.page + 1:
            _continue_grid(a, b)
    out: list[str] = []
    prev: _Line | _Grid | None = None
    for it in items:
        if isinstance(it, _Grid):
            out.append("\n".join(pipe_row(r) for r in it.rows()))
        elif isinstance(prev, _Line) and _joins(prev, it, lay):
            out[-1] = _join_pieces([out[-1], it.text])
        else:
            out.append(it.text)
        prev = it
    text = "\n".join(out)
    if not text.strip():
        raise IngestError("no text layer; OCR is not supported")
    if empty_pages:
        warnings.append(f"pages without a text layer (skipped): {empty_pages}")
    # Fonts without a Unicode map come out as "(cid:1234)": unreadable, so say so.
    cid_chars = sum(len(m) for m in _CID.findall(text))
    if cid_chars > 0.3 * len(text):
        raise IngestError("no usable text layer (fonts without Unicode mapping); OCR is not supported")
    if cid_chars:
        warnings.append("some characters had no Unicode mapping and were dropped")
        text = _CID.sub("", text)
    return text


def read(data: bytes, warnings: list[str], fields: dict[str, str]) -> tuple[str, str | None]:
    return _pdf_to_text(data, warnings, fields), None
