"""Rebuild tables from a report's normalized text.

Three layouts reach us as text:

* ``flat``  - one cell a line, cells separated by blank lines, blank cells as space-only lines
  (or missing), a header cell may wrap over two adjacent lines ("本年新\\n制作数量");
* ``pipe``  - ``| a | b |`` rows (markdown, and what readers render from HTML/DOCX/PDF tables);
* ``digits`` - the cells of a template row run together: "一、本年新收政府信息公开申请数量21710000218".

Parsing is template-aware: the national template (国办公开办函〔2019〕60号 / 〔2021〕30号) fixes
the rows and columns of its three tables, so once recognised by their labels the values of a
row are assigned to the known columns from the right (a lone value in the 7-column application
table is the 总计).  The pre-2019 附表 (统计指标/单位/合计) is read as label -> [unit] -> value.
Anything else becomes a ``generic`` grid with a note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.models import Cell, Section, Table
from index.numbers import UNITS, parse_number

SEP = " › "

# --- the national template ---------------------------------------------------------------
APPLY_COLS = ["自然人", "法人或其他组织 › 商业企业", "法人或其他组织 › 科研机构",
              "法人或其他组织 › 社会公益组织", "法人或其他组织 › 法律服务机构",
              "法人或其他组织 › 其他", "总计"]
_REVIEW_RES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REVIEW_COLS = ([f"行政复议 › {c}" for c in _REVIEW_RES]
               + [f"行政诉讼 › 未经复议直接起诉 › {c}" for c in _REVIEW_RES]
               + [f"行政诉讼 › 复议后起诉 › {c}" for c in _REVIEW_RES])
# Row labels of the application table (numbering and parenthetical notes stripped).
APPLY_ROWS = [
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果", "予以公开",
    "部分公开", "不予公开", "属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”",
    "危及\"三安全一稳定\"", "保护第三方合法权益", "属于三类内部事务信息", "属于四类过程性信息",
    "属于行政执法案卷", "属于行政查询事项", "无法提供", "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作", "补正后申请内容仍不明确", "不予处理", "信访举报投诉类申请",
    "重复申请", "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息",
    "其他处理", "总计", "结转下年度继续办理",
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他",
]
_APPLY_ROW_SET = set(APPLY_ROWS)
# Labels that only the application table starts with; they identify a table even without header.
_APPLY_ANCHORS = ("本年新收政府信息公开申请", "上年结转政府信息公开申请")
ACTIVE_ROWS = ["规章", "规范性文件", "行政规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚",
               "行政强制", "行政事业性收费", "政府集中采购"]
_ACTIVE_TITLE = re.compile(r"^第二十条第\(([一二三四五六七八九十]+)\)项$")
_APPENDIX_HEAD = {"统计指标", "单位", "合计", "指标", "计量单位", "数量", "指标名称"}
_TITLE_RE = re.compile(r"(统计表|情况表|一览表|附表|^表\s*\d+)$")

# --- labels ------------------------------------------------------------------------------
_CN = "一二三四五六七八九十"
_NUMBERING = [
    (1, re.compile(rf"^[{_CN}]+\s*[、.]\s*")),
    (2, re.compile(rf"^\(\s*[{_CN}]+\s*\)\s*[、.]?\s*")),
    (3, re.compile(r"^\d{1,2}\s*[.、](?!\d)\s*")),
    (4, re.compile(r"^\(\s*\d{1,2}\s*\)\s*")),
    (5, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]\s*")),
]
_NOTE_RE = re.compile(r"^\((?![一二三四五六七八九十\d]{1,3}\))")


def numbering_level(label: str) -> int | None:
    """1 for 一、, 2 for (一), 3 for 1., 4 for (1), 5 for ①; None if unnumbered."""
    s = label.strip()
    for lvl, rx in _NUMBERING:
        if rx.match(s):
            return lvl
    return None


def strip_numbering(label: str) -> str:
    s = label.strip()
    for _, rx in _NUMBERING:
        m = rx.match(s)
        if m:
            return s[m.end():].strip()
    return s


def _core(label: str) -> str:
    """Label without numbering, 其中 prefix, parenthetical notes and spaces (for template lookup)."""
    s = strip_numbering(label)
    s = re.sub(r"^其中\s*[::]?", "", s)
    s = re.sub(r"\([^()]*\)", "", s)
    return re.sub(r"\s+", "", s)


# --- tokens ------------------------------------------------------------------------------
@dataclass
class _Tok:
    text: str  # the cell text, wrapped lines joined
    start: int
    end: int
    kind: str  # blank | num | unit | text
    value: float | None = None
    unit: str | None = None
    uncertain: bool = False  # a digit run we could not split


_UNIT_WORDS = set(UNITS) | {"万元", "%", "人次", "件", "个"}


def _classify(text: str, start: int, end: int) -> _Tok:
    t = text.strip()
    if not t:
        return _Tok("", start, end, "blank")
    if t in _UNIT_WORDS:
        return _Tok(t, start, end, "unit")
    p = parse_number(t) if re.fullmatch(r"[\d.,\s]+%?|[\d.,]+[^\d\s]{1,4}", t) else None
    if p is not None:
        return _Tok(t, start, end, "num", p[0], p[1])
    return _Tok(t, start, end, "text")


def _lines(text: str) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((line, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _strip_span(line: str, s: int) -> tuple[str, int, int]:
    lead = len(line) - len(line.lstrip())
    t = line.strip()
    return t, s + lead, s + lead + len(t)


def _flat_tokens(lines: list[tuple[str, int, int]], skip: set[int]) -> list[_Tok | None]:
    """Cells of the flat layout; None marks a break (prose, pipe or digit-run lines)."""
    toks: list[_Tok | None] = []
    group: list[tuple[str, int, int]] = []

    def flush() -> None:
        if not group:
            return
        texts = [_strip_span(g[0], g[1]) for g in group]
        joined = "".join(t for t, _, _ in texts)
        start, end = texts[0][1], texts[-1][2]
        singles = [_classify(t, a, b) for t, a, b in texts] if len(texts) > 1 else []
        if singles and all(t.kind in ("num", "unit") for t in singles):
            # Numbers never wrap: adjacent value lines are cells whose blank separator is missing
            # (joining "0\n0" into "00" also broke text[start:end] == raw).
            toks.extend(singles)
        elif len(texts) > 3 or len(joined) > 90 or "。" in joined:
            toks.append(None)  # prose paragraph: not a cell
        else:
            toks.append(_classify(joined, start, end))
        group.clear()

    for i, (line, s, e) in enumerate(lines):
        if i in skip:
            flush()
            toks.append(None)
        elif line == "":
            flush()
        elif not line.strip():
            flush()
            toks.append(_Tok("", s, e, "blank"))
        else:
            group.append((line, s, e))
    flush()
    return toks


# --- generic row building ----------------------------------------------------------------
@dataclass
class _Row:
    labels: list[_Tok]
    vals: list[_Tok] = field(default_factory=list)
    cols: list[str] | None = None  # this row's own columns (under a sub-header inside the table)

    @property
    def label(self) -> str:
        return "".join(t.text for t in self.labels)

    @property
    def has_values(self) -> bool:
        return any(v.kind == "num" for v in self.vals)


def _build_rows(toks: list[_Tok]) -> list[_Row]:
    """Group a token stream into rows: label token(s) then value tokens.

    A note such as "(不同渠道和方式公开相同信息计1条)" joins the label before it; other label
    tokens without values become label-only rows (section rows such as "三、本年度办理结果").
    """
    rows: list[_Row] = []
    cur: _Row | None = None
    for t in toks:
        if t.kind == "text":
            if cur is not None and (cur.has_values or not _NOTE_RE.match(t.text)):
                rows.append(cur)
                cur = None
            if cur is None:
                cur = _Row([t])
            else:
                cur.labels.append(t)
        else:
            if cur is None:
                cur = _Row([])
            cur.vals.append(t)
    if cur is not None:
        rows.append(cur)
    return rows


def _label_paths(rows: list[_Row]) -> list[list[str]]:
    """Row label paths from numbering levels (一、 > (一) > 1. > (1)) and 其中 sub-rows."""
    stack: list[tuple[int, str]] = []
    paths: list[list[str]] = []
    last_path: list[str] = []
    last_level = 9
    qz_parent: list[str] | None = None
    for r in rows:
        lab = r.label
        lvl = numbering_level(lab)
        if re.match(r"^其中", lab) and last_path:
            qz_parent = last_path if qz_parent is None else qz_parent
            path = qz_parent + [lab]
        elif lvl is None and qz_parent is not None and r.has_values:
            path = qz_parent + [lab]
        else:
            qz_parent = None
            if lvl is None:
                lvl = last_level if r.has_values else 0
            while stack and stack[-1][0] >= lvl:
                stack.pop()
            path = [x for _, x in stack] + [lab]
            stack.append((lvl, lab))
            if r.has_values:
                last_level = lvl
        if r.has_values and not re.match(r"^其中", lab) and qz_parent is None:
            last_path = path
        paths.append(path)
    return paths


# --- table assembly ----------------------------------------------------------------------
def _section_path(sections: list[Section], offset: int) -> list[str]:
    best = None
    for s in sections:
        if s.start <= offset < max(s.end, s.start + 1):
            if best is None or s.level >= best.level:
                best = s
    return list(best.path) if best else []


def _unit_from_header(h: str) -> str | None:
    m = re.search(r"\(([^()]+)\)\s*$", h)
    if m and m.group(1) in _UNIT_WORDS:
        return m.group(1)
    return None


@dataclass
class _Draft:
    kind: str
    layout: str
    title: str
    header: list[list[str]]
    cols: list[str]
    rows: list[_Row]
    start: int
    end: int
    notes: list[str] = field(default_factory=list)
    align: str = "right"  # how short rows are placed: right (templates) | left (generic)
    appendix: bool = False
    row_checks: list[tuple[str, str, str]] = field(default_factory=list)


def _assemble(d: _Draft, sections: list[Section], ord_: int) -> Table:
    cells: list[Cell] = []
    grid: list[list[str]] = []
    paths = _label_paths(d.rows)
    ncols = len(d.cols)
    short_rows = 0
    for ri, (r, path) in enumerate(zip(d.rows, paths)):
        row_label = SEP.join(path)
        cols = r.cols or d.cols
        ncols = len(cols)
        line = [row_label] + [""] * max(ncols, len(d.cols))
        if not r.has_values:
            if not any(v.kind == "text" for v in r.vals) and r.labels:
                grid.append(line)
            continue
        unit = None
        vals: list[_Tok] = []
        for v in r.vals:
            if v.kind == "unit":
                unit = v.text
            else:
                vals.append(v)
        if d.appendix:
            placed = [(ncols - 1, v) for v in vals if v.kind == "num"][-1:]
            if unit:
                line[1] = unit
        elif len(vals) == ncols:
            placed = list(enumerate(vals))
        else:
            nums = [v for v in vals if v.kind == "num"]
            if len(nums) > ncols:
                d.notes.append(f"row {row_label!r}: {len(nums)} values for {ncols} columns; extra values dropped")
                nums = nums[-ncols:] if d.align == "right" else nums[:ncols]
            off = ncols - len(nums) if d.align == "right" else 0
            placed = [(off + i, v) for i, v in enumerate(nums)]
            if 1 < len(nums) < ncols:
                short_rows += 1
        for ci, v in placed:
            if v.kind != "num":
                continue
            col = cols[ci] if ci < ncols else ""
            cu = v.unit or unit or _unit_from_header(col)
            cells.append(Cell(row=ri, col=ci, row_label=row_label, col_label=col, raw=v.text,
                              value=v.value, unit=cu, start=v.start, end=v.end,
                              uncertain=v.uncertain))
            line[1 + ci] = v.text
        grid.append(line)
    if short_rows:
        d.notes.append(f"{short_rows} row(s) had fewer values than columns; placed from the {d.align}")
    return Table(ord=ord_, section_path=_section_path(sections, d.start), title=d.title, kind=d.kind,
                 layout=d.layout, header=d.header, rows=grid, cells=cells, start=d.start, end=d.end,
                 notes=d.notes, row_checks=d.row_checks)


# --- flat layout -------------------------------------------------------------------------
def _regions(toks: list[_Tok | None]) -> list[list[_Tok]]:
    regions, cur = [], []
    for t in toks + [None]:
        if t is None:
            if sum(1 for x in cur if x.kind == "num") >= 3:
                regions.append(cur)
            cur = []
        else:
            cur.append(t)
    return regions


def _anchor(toks: list[_Tok], i: int) -> str | None:
    t = toks[i]
    if t.kind != "text":
        return None
    s = t.text
    nxt = [x.text for x in toks[i + 1:i + 4] if x.kind == "text"]
    if _ACTIVE_TITLE.match(s):
        return "template_active"
    if s == "申请人情况" or (s == "自然人" and any("法人" in x for x in nxt)):
        return "template_apply"
    if s == "行政复议" and nxt[:1] == ["行政诉讼"]:
        return "template_review"
    if s in ("统计指标", "指标名称") and any(x in ("单位", "计量单位") for x in nxt):
        return "appendix"
    if _TITLE_RE.search(s) and len(s) <= 40:
        return "generic"
    return None


def _split_segments(region: list[_Tok]) -> list[tuple[str, list[_Tok], list[_Tok]]]:
    """(kind, title tokens, body tokens) per table in a flat region."""
    cuts = [(i, k) for i in range(len(region)) if (k := _anchor(region, i))]
    # a bare application table (no header) is recognised by its first row
    if not cuts:
        for i, t in enumerate(region):
            if t.kind == "text" and _core(t.text).startswith(_APPLY_ANCHORS):
                cuts = [(i, "template_apply")]
                break
    if not cuts or cuts[0][0] > 0:
        cuts = [(0, "generic")] + cuts if not cuts or cuts[0][0] > 0 else cuts
    segs = []
    for n, (i, kind) in enumerate(cuts):
        j = cuts[n + 1][0] if n + 1 < len(cuts) else len(region)
        segs.append([kind, region[i:j]])
    out = []
    carry: list[_Tok] = []
    for n, (kind, body) in enumerate(segs):
        body = carry + body
        # trailing text after the last number belongs to the next table's title
        last_num = max((k for k, t in enumerate(body) if t.kind == "num"), default=-1)
        carry = [t for t in body[last_num + 1:] if t.kind == "text"]
        body = body[:last_num + 1]
        if last_num < 0:
            carry = [t for t in body if t.kind == "text"] + carry
            continue
        # title: leading text tokens that precede the anchor
        anchor_at = next((k for k, t in enumerate(body) if t.kind == "text" and _anchor(body, k) == kind), 0)
        title_toks = body[:anchor_at]
        if kind == "template_active":
            title_toks, body = [body[anchor_at]], body[anchor_at + 1:]
        elif kind == "generic" and anchor_at < len(body) and _TITLE_RE.search(body[anchor_at].text):
            title_toks, body = body[:anchor_at + 1], body[anchor_at + 1:]
        else:
            body = body[anchor_at:]
        out.append((kind, title_toks, body))
    return out


def _header_split(kind: str, body: list[_Tok]) -> tuple[list[_Tok], list[_Tok]]:
    """Split tokens into header tokens and row tokens."""
    first_val = next((k for k, t in enumerate(body) if t.kind in ("num",)), len(body))
    if kind == "template_apply":
        k = next((k for k, t in enumerate(body) if t.kind == "text" and _core(t.text) in _APPLY_ROW_SET
                  and _core(t.text) not in ("总计", "其他")), first_val)
        return body[:k], body[k:]
    if kind == "template_review":
        return [t for t in body[:first_val] if t.kind == "text"], body[first_val:]
    if kind == "template_active":
        k = next((k for k, t in enumerate(body) if t.kind == "text" and _core(t.text) in ACTIVE_ROWS), None)
        if k is not None:
            return body[:k], body[k:]
    if kind == "appendix":
        k = next((k for k, t in enumerate(body) if t.kind == "text" and t.text not in _APPENDIX_HEAD), 0)
        return body[:k], body[k:]
    # generic: the last label (plus its notes) before the first value starts the rows
    k = first_val - 1
    while k > 0 and body[k].kind != "text":
        k -= 1
    while k > 0 and _NOTE_RE.match(body[k].text) and body[k - 1].kind == "text":
        k -= 1
    return body[:max(k, 0)], body[max(k, 0):]


def _flat_tables(region: list[_Tok]) -> list[_Draft]:
    drafts = []
    for kind, title_toks, body in _split_segments(region):
        head, rest = _header_split(kind, body)
        head_text = [t.text for t in head if t.kind == "text"]
        rows = _build_rows(rest)
        notes: list[str] = []
        align = "right"
        appendix = False
        if kind == "template_apply":
            cols = APPLY_COLS
        elif kind == "template_review":
            cols = REVIEW_COLS
            vals = [t for t in rest if t.kind == "num"]
            rows = [_Row([], vals)]
            if len(vals) != len(cols):
                notes.append(f"review table has {len(vals)} values for {len(cols)} columns")
        elif kind == "template_active":
            cols = [h for h in head_text if h != "信息内容"] or ["数量"]
        elif kind == "appendix":
            cols = ["单位", "合计"]
            appendix = True
        else:
            width = max((sum(1 for v in r.vals if v.kind == "num") for r in rows), default=0)
            cols = head_text[-width:] if width and len(head_text) >= width else [f"列{i + 1}" for i in range(width)]
            align = "left"
            notes.append("generic table: header = label cells before the first values")
            if not any(r.has_values for r in rows) or width == 0:
                continue
        if not rows:
            continue
        title = " ".join(t.text for t in title_toks if t.kind == "text")
        first = (title_toks or head or rest)[0]
        last = rest[-1] if rest else body[-1]
        header = [[("信息内容" if kind == "template_active" else "")] + cols] if kind != "appendix" else [["统计指标", "单位", "合计"]]
        drafts.append(_Draft(kind, "flat", title, header, cols, rows, first.start, last.end, notes, align, appendix))
    return drafts


# --- pipe layout -------------------------------------------------------------------------
_PIPE_SEP = re.compile(r"^\s*\|?[\s:|-]*-{2,}[\s:|-]*\|?\s*$")


def _pipe_cells(line: str, s: int) -> list[_Tok]:
    out = []
    parts = line.split("|")
    pos = s
    for k, p in enumerate(parts):
        if 0 < k < len(parts) - 1 or (k == len(parts) - 1 and p.strip() and not line.rstrip().endswith("|")) \
                or (k == 0 and p.strip() and not line.lstrip().startswith("|")):
            t, a, b = _strip_span(p, pos)
            out.append(_classify(t, a, b) if t else _Tok("", pos, pos + len(p), "blank"))
        pos += len(p) + 1
    return out


def _pipe_blocks(lines: list[tuple[str, int, int]]) -> list[list[int]]:
    blocks, cur = [], []
    for i, (line, _, _) in enumerate(lines):
        if line.strip().startswith("|") and line.count("|") >= 2:
            cur.append(i)
        elif line.strip() == "" and cur:
            continue
        else:
            if len(cur) >= 2:
                blocks.append(cur)
            cur = []
    if len(cur) >= 2:
        blocks.append(cur)
    return blocks


def _kind_from_labels(labels: list[str]) -> str:
    cores = {_core(x) for x in labels}
    joined = "".join(labels)
    if "自然人" in cores and any(_core(x).startswith(_APPLY_ANCHORS) for x in labels):
        return "template_apply"
    if any(c.startswith(_APPLY_ANCHORS) for c in cores):
        return "template_apply"
    if "结果维持" in cores and "行政复议" in joined and "行政诉讼" in joined:
        return "template_review"
    if "信息内容" in cores or cores & set(ACTIVE_ROWS) and ("本年新制作数量" in cores or "上一年项目数量" in cores
                                                         or "本年制发件数" in cores or "本年处理决定数量" in cores):
        return "template_active"
    if "统计指标" in cores:
        return "appendix"
    return "generic"


def _dedupe(labels: list[_Tok]) -> list[_Tok]:
    out: list[_Tok] = []
    for t in labels:  # colspan/rowspan expansion repeats a label across cells
        if t.kind == "text" and (not out or out[-1].text != t.text):
            out.append(t)
    return out


def _pipe_table(lines: list[tuple[str, int, int]], idx: list[int], title: str) -> _Draft | None:
    grid = [_pipe_cells(lines[i][0], lines[i][1]) for i in idx if not _PIPE_SEP.match(lines[i][0])]
    grid = [r for r in grid if r]
    if not grid:
        return None
    nhead = 0
    while nhead < len(grid) and not any(c.kind == "num" for c in grid[nhead]):
        nhead += 1
    if nhead == len(grid):
        return None
    head_rows, body = grid[:nhead], grid[nhead:]
    all_labels = [c.text for r in grid for c in r if c.kind == "text"]
    kind = _kind_from_labels(all_labels)
    rows: list[_Row] = []
    width = max(len(r) for r in body)
    sub_cols: list[str] | None = None  # a header row inside the body (the 主动公开 table's 信息内容 rows)
    for r in body:
        if kind == "template_active" and r and r[0].text in _SUB_HEADER_FIRST and not any(c.kind == "num" for c in r):
            sub_cols = [c.text for c in r[1:]]
            continue
        if kind == "template_active" and r and _ACTIVE_HEAD.match(r[0].text) and not any(c.kind == "num" for c in r):
            sub_cols = None  # a new 第二十条第(X)项 block: its own 信息内容 row follows
            rows.append(_Row([r[0]]))
            continue
        k = 0
        while k < len(r) and r[k].kind in ("text", "blank") and not (r[k].kind == "blank" and k > 0 and all(
                c.kind != "text" for c in r[k:])):
            k += 1
        labels = _dedupe(r[:k])
        vals = r[k:]
        if len(labels) > 1:  # rowspan-expanded parents: keep the leaf, emit parents as label-only rows
            for p in labels[:-1]:
                if not rows or rows[-1].label != p.text and all(x.label != p.text for x in rows[-3:]):
                    rows.append(_Row([p]))
            labels = labels[-1:]
        row_cols = None
        if sub_cols and len(vals) == len(sub_cols):
            # cells merged across columns (one figure under a header repeated over them) are one cell
            keep = [j for j in range(len(vals)) if j == 0 or sub_cols[j] != sub_cols[j - 1]
                    or vals[j].text != vals[j - 1].text]
            vals = [vals[j] for j in keep]
            row_cols = [sub_cols[j] for j in keep]
        rows.append(_Row(labels, vals, row_cols))
    notes: list[str] = []
    align, appendix = "right", False
    if kind == "template_apply":
        cols = APPLY_COLS
    elif kind == "template_review":
        cols = REVIEW_COLS
    else:
        ncol = max(len(r.vals) for r in rows) if rows else 0
        cols = []
        for j in range(width - ncol, width):
            parts: list[str] = []
            for h in head_rows:
                if j < len(h) and h[j].text and h[j].text not in parts:
                    parts.append(h[j].text)
            cols.append(SEP.join(parts) or f"列{j + 1}")
        if kind == "appendix":
            appendix = "单位" in "".join(cols)
            cols = ["单位", "合计"] if appendix else cols
        if kind == "generic":
            align = "left"
            notes.append("generic table: header = rows before the first numeric row")
    header = [[c.text for c in h] for h in head_rows]
    return _Draft(kind, "pipe", title, header, cols, rows, lines[idx[0]][1], lines[idx[-1]][2], notes, align, appendix)


# --- digit runs --------------------------------------------------------------------------
_DIGIT_ROW = re.compile(r"^(?P<label>.*?[\u4e00-\u9fff)\)”\"])\s*(?P<nums>\d[\d\s]*)$")


def split_digit_run(digits: str, parts: int = 7) -> list[list[str]]:
    """All cuts of ``digits`` into ``parts`` numbers (no leading zeros) where the first
    ``parts-1`` sum to the last (自然人 + five 法人 columns = 总计); see index/cellsplit.py."""
    from index.cellsplit import candidates

    return candidates(digits, parts, lambda v: sum(v[:-1]) == v[-1])[0]


_REVIEW_LINE = re.compile(r"^(?P<label>.*(?:结果维持|尚未审结|复议后起诉)\D*?)\s*(?P<nums>\d[\d\s]*)$")


def _apply_row(core: str) -> str:
    """The template row a label names, allowing one mistyped character (属于行政执法案件 for 案卷)."""
    if core in _APPLY_ROW_SET or len(core) < 6:
        return core
    for r in _APPLY_ROW_SET:
        if len(r) == len(core) and sum(a != b for a, b in zip(r, core)) == 1:
            return r
    return core


def _run_layout(run: str) -> str:
    blocks = run.split()
    return "glued" if len(blocks) == 1 else "spaced" if all(len(b) == 1 for b in blocks) else "partly_spaced"


_ACTIVE_HEAD = re.compile(r"^第二十条第\(([一二三四五六七八九十]+)\)项")
_SUB_HEADER_FIRST = {"信息内容"}
# Column names of the 主动公开 table in the 2019 and 2021 templates (as in index/metrics.yaml's dimensions).
_ACTIVE_COLS = ["本年新制作数量", "本年新公开数量", "对外公开总数量", "本年制发件数", "本年废止件数", "现行有效件数",
                "上一年项目数量", "本年增/减", "本年处理决定数量", "处理决定数量", "本年收费金额", "采购项目数量",
                "采购总金额"]
_ACTIVE_COL_RE = re.compile("|".join(re.escape(c) for c in sorted(_ACTIVE_COLS, key=len, reverse=True)))
_ACTIVE_ROW_RE = re.compile(r"^(?P<label>" + "|".join(re.escape(r) for r in sorted(ACTIVE_ROWS, key=len, reverse=True))
                            + r")\s*(?:\((?P<lunit>万元|元)\))?\s*(?P<nums>\d[\d\s.]*?)\s*(?P<unit>万元|元)?$")


_HEADER_UNIT = re.compile(r"\(单位[::]\s*(万元|元)\)")
_MONEY_LINE = re.compile(r"^\s*\d[\d.]*\s*(?:万元|元)\s*$")


def _active_lines(lines: list[tuple[str, int, int]], i: int, head: str) -> tuple[list[tuple[str, int]], int]:
    """A row that follows the header on the header's own line: ([(row text, its offset)] or [], how many
    of the following lines it takes)."""
    line, s0, _ = lines[i]
    last = None
    for last in _ACTIVE_COL_RE.finditer(line):
        pass
    if last is None:
        return [], 0
    k = last.end()
    u = _HEADER_UNIT.match(line, k)
    if u:
        k = u.end()
    rest = line[k:]
    if not rest.strip():
        return [], 0
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is not None and nxt[1] == lines[i][2] + 1 and _MONEY_LINE.match(nxt[0]) \
            and _ACTIVE_ROW_RE.match(f"{rest}\n{nxt[0]}".strip()):  # run on into the next line: "9\n152.2万元"
        return [(f"{rest}\n{nxt[0]}", s0 + k)], 1
    return ([(rest, s0 + k)], 0) if _ACTIVE_ROW_RE.match(rest.strip()) else ([], 0)


def _active_draft(lines: list[tuple[str, int, int]], i: int) -> tuple[_Draft | None, int]:
    """``第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数`` and the rows after it
    (``规章000``): the row's run is cut into the header's columns. Returns (draft, next line)."""
    head = lines[i][0].strip()
    cols = _ACTIVE_COL_RE.findall(head)
    if not cols:
        return None, i + 1
    header_unit = _HEADER_UNIT.search(head)  # "本年收费金额(单位:万元)": the amount column's unit
    rows, checks, notes = [], [], []
    # A row written on the header's own line ("…本年收费金额(单位:万元)行政事业性收费16220.85") or its
    # amount run on into the next line ("政府集中采购 2\n45.82万元") is read as one row.
    pending, taken = _active_lines(lines, i, head)
    j = i + 1 + taken
    while pending or (j < len(lines) and _ACTIVE_ROW_RE.match(lines[j][0].strip())):
        if pending:
            line, s0 = pending.pop(0)
        else:
            line, s0, _ = lines[j]
            nxt = lines[j + 1] if j + 1 < len(lines) else None
            if nxt is not None and nxt[1] == lines[j][2] + 1 and _MONEY_LINE.match(nxt[0]) \
                    and _ACTIVE_ROW_RE.match(f"{line}\n{nxt[0]}".strip()):
                line = f"{line}\n{nxt[0]}"
                j += 1
            j += 1
        m = _ACTIVE_ROW_RE.match(line.strip())
        base = s0 + len(line) - len(line.lstrip())
        label, nums_s = m.group("label"), m.group("nums")
        nums_at = base + m.start("nums")
        blocks = nums_s.split()
        digits = "".join(blocks)
        if len(blocks) == len(cols):
            cells, status = blocks, "determined"
        elif len(cols) == 1 and len(blocks) == 1:
            cells, status = blocks, ("determined" if "." not in digits or len(digits.split(".")[1]) <= 4 else "uncertain")
        elif "." not in digits and len(digits) == len(cols):
            cells, status = list(digits), "determined"
        else:
            cells, status = None, "uncertain"
        if cells is not None and status == "determined":
            vals = _cell_toks(nums_s, nums_at, cells)
            money = m.group("unit") or m.group("lunit") or (header_unit.group(1) if header_unit else None)
            if money:  # "政府集中采购 9 152.2万元": the amount column carries the unit written after it
                vals[-1].unit = money
        else:
            notes.append(f"row {label!r}: run {nums_s.strip()!r} cannot be cut into {len(cols)} columns "
                         f"({'、'.join(cols)}) with certainty; kept as written")
            vals = [_raw_run(nums_s, nums_at)]
        rows.append(_Row([_Tok(label, base, base + len(label), "text")], vals))
        checks.append((label, _run_layout(nums_s), status))
    if not rows:
        return None, i + 1
    title = _ACTIVE_HEAD.match(head).group(0)
    d = _Draft("template_active", "digits", title, [["信息内容"] + cols], cols, rows, lines[i][1], lines[j - 1][2],
               notes)
    d.row_checks = checks
    return d, j


# The pre-2019 统计表: 指标名称 | 单位 | <year> | 历年累计, one row a line ("主动公开文件数 条 51 256",
# or the two figures written together: "主动公开文件数条7392238").
CUMULATIVE_COL = "历年累计"
_STAT_ROW = re.compile(r"^(?P<label>.*?[\u4e00-\u9fff])\s*(?P<unit>万元|人次|件次|条|件|个|元|项|次|份|篇|人)\s*"
                       r"(?P<nums>\d[\d\s.]*)$")
_STAT_HEADER = re.compile(r"^.*(?:累\s*计|统\s*计|合\s*计)\s*")


def _stat_draft(lines: list[tuple[str, int, int]], i: int, text: str) -> tuple[_Draft | None, int]:
    rows_m = []
    j = i if _STAT_ROW.match(lines[i][0].strip()) else i + 1
    header = "" if j == i else lines[i][0]
    while j < len(lines) and (m := _STAT_ROW.match(lines[j][0].strip())):
        rows_m.append((j, m))
        j += 1
    if len(rows_m) < 3:
        return None, i + 1
    first_label = header + rows_m[0][1].group("label")
    if not re.search(r"指\s*标", first_label):
        return None, i + 1
    cumulative = bool(re.search(r"累\s*计", first_label))
    cols = ["年度", CUMULATIVE_COL] if cumulative else ["数量"]
    table_span = (lines[i][1], lines[j - 1][2])
    prose = text[: table_span[0]] + "\n" + text[table_span[1]:]

    def figures_stated(label: str, unit: str) -> set[float]:
        """Figures the text states of this row: ``<first words of the label>…<n><unit>`` in one clause."""
        key = re.sub(r"^(?:其中\s*[::]?\s*)?(?:\d+\s*[.、]\s*)?", "", label.strip())[:4]
        if len(key) < 2:
            return set()
        return {float(x) for x in re.findall(rf"{re.escape(key)}[^。;,\n]{{0,20}}?(?<![\d.])(\d+){unit}", prose)}
    rows, checks, notes = [], [], []
    for k, (jj, m) in enumerate(rows_m):
        line, s0, _ = lines[jj]
        base = s0 + len(line) - len(line.lstrip())
        label_s, label_at = m.group("label"), base
        if k == 0 and not header and (h := _STAT_HEADER.match(label_s)):
            label_at += h.end()
            label_s = label_s[h.end():]
        unit, nums_s, nums_at = m.group("unit"), m.group("nums"), base + m.start("nums")
        blocks = nums_s.split()
        status, cells = "determined", None
        if len(blocks) == len(cols):
            cells = blocks
            if cumulative and float(blocks[1]) < float(blocks[0]):
                status = "inconsistent"  # 历年累计 below the year's figure: the report's own numbers
                notes.append(f"row {label_s!r}: 历年累计 {blocks[1]} < 年度 {blocks[0]}")
        elif len(cols) == 2 and len(blocks) == 1:
            digits = blocks[0]
            cands = [[digits[:c], digits[c:]] for c in range(1, len(digits))
                     if (digits[:c] == "0" or digits[0] != "0") and (digits[c:] == "0" or digits[c] != "0")
                     and int(digits[c:]) >= int(digits[:c])]  # 历年累计 ≥ 年度
            if len(cands) > 1:
                said = figures_stated(label_s, m.group("unit"))
                stated = [c for c in cands if float(c[0]) in said]
                if len(stated) == 1:
                    cands = stated
                    notes.append(f"row {label_s!r}: run {digits!r} cut as {stated[0][0]} / {stated[0][1]} by the "
                                 f"figure the text states")
            if len(cands) == 1:
                cells = cands[0]
            else:
                status = "uncertain" if cands else "inconsistent"
        else:
            status = "none"
        if cells is not None:
            vals = _cell_toks(nums_s, nums_at, cells)
        else:
            notes.append(f"row {label_s!r}: run {nums_s.strip()!r} cannot be cut into {'/'.join(cols)} with "
                         f"certainty (历年累计 ≥ 年度); kept as written")
            vals = [_raw_run(nums_s, nums_at)]
        for v in vals:
            v.unit = unit
        rows.append(_Row([_Tok(label_s.strip(), label_at, label_at + len(label_s), "text")], vals))
        checks.append((label_s.strip(), "stat_" + _run_layout(nums_s), status))
    d = _Draft("appendix", "digits", "统计表", [["指标名称", "单位"] + cols], cols, rows, table_span[0], table_span[1],
               notes)
    d.row_checks = checks
    return d, j


def _digit_tables(lines: list[tuple[str, int, int]], skip: set[int], text: str = "") -> tuple[list[_Draft], set[int]]:
    drafts: list[_Draft] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if i not in skip and re.search(r"指\s*标", lines[i][0]) and re.search(r"累\s*计|统\s*计|单\s*位", lines[i][0]) \
                and (_STAT_ROW.match(lines[i][0].strip()) or (i + 1 < len(lines) and _STAT_ROW.match(lines[i + 1][0].strip()))):
            d, nxt = _stat_draft(lines, i, text)
            if d is not None:
                drafts.append(d)
                used.update(range(i, nxt))
                i = nxt
                continue
        if i not in skip and _ACTIVE_HEAD.match(lines[i][0].strip()):
            d, nxt = _active_draft(lines, i)
            if d is not None:
                drafts.append(d)
                used.update(range(i, nxt))
                i = nxt
                continue
        if i not in skip and (rm := _REVIEW_LINE.match(lines[i][0].strip())) and "复议" in rm.group("label") \
                + (lines[i - 1][0] if i else ""):
            drafts.append(_review_draft(lines, i, rm))
            used.add(i)
            i += 1
            continue
        run: list[tuple[int, str, re.Match | None]] = []
        j = i
        while j < len(lines):
            line = lines[j][0]
            if j in skip:
                break
            st = line.strip()
            m = _DIGIT_ROW.match(st)
            core = _apply_row(_core(m.group("label")) if m else _core(st))
            if m and core in _APPLY_ROW_SET:
                run.append((j, st, m))
            elif st and core in _APPLY_ROW_SET and run:
                run.append((j, st, None))
            elif st == "" and run:
                pass
            else:
                break
            j += 1
        digit_rows = [r for r in run if r[2] is not None]
        if len(digit_rows) >= 3 and any(_core(r[2].group("label")).startswith(_APPLY_ANCHORS) for r in digit_rows):
            drafts.append(_digits_draft(lines, run))
            used.update(r[0] for r in run)
            i = j
        else:
            i = max(j, i + 1)
    return drafts, used


def _cell_toks(nums_s: str, at: int, cells: list[str], uncertain: bool = False) -> list[_Tok]:
    """Tokens of ``cells`` laid over the run ``nums_s`` (which starts at offset ``at``)."""
    toks, pos = [], 0
    for c in cells:
        while nums_s[pos].isspace():  # spaces, or the line break of a run continued on the next line
            pos += 1
        toks.append(_Tok(c, at + pos, at + pos + len(c), "num", float(c), uncertain=uncertain))
        pos += len(c)
    return toks


def _raw_run(nums_s: str, at: int) -> _Tok:
    """A run kept as written: one uncertain token without a value (never answered from)."""
    lead = len(nums_s) - len(nums_s.lstrip())
    digits = nums_s.strip()
    return _Tok(digits, at + lead, at + lead + len(digits), "num", None, uncertain=True)


def _row_vals(label: str, nums_s: str, nums_at: int, split, notes: list[str]) -> list[_Tok]:  # noqa: ANN001
    if split.cells is not None:
        return _cell_toks(nums_s, nums_at, split.cells)
    digits = nums_s.strip()
    if split.status == "uncertain":
        notes.append(f"row {label!r}: run {digits!r} has {len(split.candidates)} cuts satisfying the template's "
                     f"identities; kept as written, not guessed")
        if split.candidates:
            # A cell that every remaining cut places at the same characters is certain (the 总计 of
            # "110000011" is 11 whether the applicants are 11+0 or 1+10); the others stay unread.
            cuts = [_cell_toks(nums_s, nums_at, c) for c in split.candidates]
            vals = [cuts[0][j] if len({(c[j].start, c[j].end) for c in cuts}) == 1 else _raw_run(nums_s, nums_at)
                    for j in range(len(cuts[0]))]
            if any(v.value is not None for v in vals):
                return vals
    else:
        notes.append(f"row {label!r}: run {digits!r}: {split.why}; kept as written")
    return [_raw_run(nums_s, nums_at)]


def _digits_draft(lines: list[tuple[str, int, int]], run: list[tuple[int, str, re.Match | None]]) -> _Draft:
    from index.cellsplit import apply_row_check, resolve_with_identity, split_row

    notes: list[str] = []
    parsed = []  # (j, st, m, base, split | None)
    by_core: dict[str, object] = {}
    for j, st, m in run:
        line, s, _ = lines[j]
        base = s + len(line) - len(line.lstrip())
        split = None
        if m is not None:
            nums = m.group("nums")
            blocks = nums.split()
            if len(blocks) == 1 and len(blocks[0]) == 1:  # one digit alone: the 总计
                split = None
            else:
                split = split_row(nums, len(APPLY_COLS), apply_row_check)
                by_core.setdefault(_core(m.group("label")), split)
        parsed.append((j, st, m, base, split))
    resolve_with_identity(by_core.get("本年新收政府信息公开申请数量"), by_core.get("上年结转政府信息公开申请数量"),
                          by_core.get("总计"), by_core.get("结转下年度继续办理"))
    rows: list[_Row] = []
    checks: list[tuple[str, str, str]] = []
    for j, st, m, base, split in parsed:
        if m is None:
            rows.append(_Row([_Tok(st, base, base + len(st), "text")]))
            continue
        label = m.group("label")
        lab_tok = _Tok(label, base, base + len(label), "text")
        nums_s, nums_at = m.group("nums"), base + m.start("nums")
        if split is None:
            p = re.search(r"\d", nums_s)
            vals = [_Tok(p.group(), nums_at + p.start(), nums_at + p.end(), "num", float(p.group()))]
            checks.append((label, "glued", "determined"))
        else:
            vals = _row_vals(label, nums_s, nums_at, split, notes)
            checks.append((label, _run_layout(nums_s), split.status))
        rows.append(_Row([lab_tok], vals))
    d = _Draft("template_apply", "digits", "", [["申请人情况"] + APPLY_COLS], APPLY_COLS, rows,
               lines[run[0][0]][1], lines[run[-1][0]][2], notes)
    d.row_checks = checks
    return d


def _review_draft(lines: list[tuple[str, int, int]], i: int, m: re.Match) -> _Draft:
    """The review/litigation table written as its header then its 15 cells (复议 5, 直接起诉 5, 复议后起诉 5)."""
    from index.cellsplit import review_row_check, split_row

    line, s, e = lines[i]
    base = s + len(line) - len(line.lstrip())
    label = m.group("label")
    nums_s, nums_at = m.group("nums"), base + m.start("nums")
    notes: list[str] = []
    split = split_row(nums_s, len(REVIEW_COLS), review_row_check)
    vals = _row_vals("行政复议、行政诉讼", nums_s, nums_at, split, notes)
    if split.status == "inconsistent":
        notes.append("行政复议/行政诉讼: a group's results do not sum to its 总计 (the report's own numbers)")
    d = _Draft("template_review", "digits", "", [["行政复议、行政诉讼"] + REVIEW_COLS], REVIEW_COLS,
               [_Row([_Tok(label, base, base + len(label), "text")], vals)], s, e, notes)
    d.row_checks = [("行政复议、行政诉讼", _run_layout(nums_s), split.status)]
    return d


# --- entry point -------------------------------------------------------------------------
def _title_before(lines: list[tuple[str, int, int]], i: int) -> str:
    for k in range(i - 1, max(i - 4, -1), -1):
        t = lines[k][0].strip()
        if t:
            return t if len(t) <= 40 else ""
    return ""


def find_tables(text: str, sections: list[Section]) -> list[Table]:
    """All tables of ``text`` in document order, every cell with exact offsets."""
    lines = _lines(text)
    drafts: list[_Draft] = []
    pipe_idx: set[int] = set()
    for block in _pipe_blocks(lines):
        d = _pipe_table(lines, block, _title_before(lines, block[0]))
        pipe_idx.update(block)
        if d:
            drafts.append(d)
    digit_drafts, digit_idx = _digit_tables(lines, pipe_idx, text)
    for d in digit_drafts:
        if not d.title:
            first = next(k for k, (_, s, _) in enumerate(lines) if s == d.start)
            d.title = _title_before(lines, first)
    drafts += digit_drafts
    toks = _flat_tokens(lines, pipe_idx | digit_idx)
    for region in _regions(toks):
        drafts += _flat_tables(region)
    drafts.sort(key=lambda d: d.start)
    return [_assemble(d, sections, k) for k, d in enumerate(drafts)]


__all__ = ["find_tables", "split_digit_run", "numbering_level", "strip_numbering", "APPLY_COLS",
           "REVIEW_COLS", "APPLY_ROWS", "ACTIVE_ROWS"]
