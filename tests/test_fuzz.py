"""Property-based fuzzing of every stage that sees untrusted input (hypothesis).

Each property checks "no unexpected exception" plus the invariants the rest of the system relies
on: offsets are exact (``text[start:end]`` is the quoted text), sections tile the text in order,
chunks stay inside one section, and the SQL guard never lets anything but one SELECT/UNION through.
Example counts are bounded so the whole file runs in about a minute; findings and fixes are listed
in docs/robustness.md.
"""
from __future__ import annotations

import io
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest
import sqlglot
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from assistant.guard import SQLRefused, guard_sql
from assistant.question import ReportRef, parse_question
from index.chunks import make_chunks
from index.facts import extract_facts, mark_conflicts
from index.metrics import load_catalogue
from index.models import Document, Fact, IngestError
from index.normalize import normalize_text, strip_furniture
from index.numbers import find_numbers, parse_number
from index.readers import decode_bytes, read_bytes
from index.sections import parse_sections
from index.tables import APPLY_ROWS, ACTIVE_ROWS, find_tables

ROOT = Path(__file__).resolve().parent.parent
# REPORTQA_FUZZ_SCALE=20 runs a deep campaign by hand; the default keeps CI near a minute.
_SCALE = max(1, int(os.environ.get("REPORTQA_FUZZ_SCALE", "1")))
FAST = settings(max_examples=150 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40 * _SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _sample_lines() -> list[str]:
    lines: set[str] = set()
    for p in sorted((ROOT / "examples" / "reports").glob("*.txt")):
        lines.update(ln for ln in p.read_text(encoding="utf-8").split("\n") if len(ln) < 200)
    return sorted(lines)


_HEAD_PREFIX = ["一、", "二、", "三、", "四、", "十一、", "一百、", "(一)", "(二)", "(三)", "1.", "2、", "3.", "(1)",
                "(2)", "第一部分", "第二章", "第3部分", "**一、", "## 二、", "  (一)", "一 、", "(一)、", "1.2", "1、"]
_CELLS = ["21", "0", "1,234", "84.18%", "30万元", "两万", "-", "—", "/", "件", "条", "万元", "%", "", " ",
          "一、本年新收政府信息公开申请数量21710000218", "2017年", "第二十条第(一)项", "统计指标", "单位", "合计"]
_WORDS = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "存在的主要问题及改进措施",
          "共收到申请52件,其中网络申请30件。", "未发生行政复议。", "其中", "本年新制作数量", "**", "|",
          "365bet体育平台", "发布时间:2018-03-20", "首页 政府信息公开 年度报告 指南", "点击数:12"]

_cjk_text = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80) | st.sampled_from(
    list("。,;:、()|%.-0123456789 \n第一二三四五六七八九十百万亿件条项个次")), max_size=60)
_line = st.one_of(
    st.sampled_from(_sample_lines()),
    st.builds(lambda p, w: p + w, st.sampled_from(_HEAD_PREFIX), st.sampled_from(_WORDS) | _cjk_text),
    st.sampled_from(_CELLS),
    st.sampled_from(APPLY_ROWS + ACTIVE_ROWS),
    st.lists(st.sampled_from(_CELLS + ["自然人", "总计", "予以公开"]), min_size=1, max_size=8).map(
        lambda cs: "| " + " | ".join(cs) + " |"),
    _cjk_text,
    st.text(max_size=40),
)
# Report-like documents: lines of real reports, headings, flattened and pipe table cells, noise.
report_text = st.lists(st.tuples(_line, st.sampled_from(["\n", "\n\n", "\n \n", "\r\n"])), max_size=60).map(
    lambda parts: "".join(a + b for a, b in parts))
any_text = st.one_of(report_text, st.text(max_size=300))


@lru_cache(maxsize=1)
def _catalogue():  # noqa: ANN202
    return load_catalogue()


def _norm(s: str) -> str:
    return strip_furniture(normalize_text(s))


# --- readers ------------------------------------------------------------------------------

_NAMES = ["r.txt", "r.md", "r.html", "r.htm", "r.pdf", "r.docx", "r", "r.TXT", "r.xyz"]


def _read_ok(data: bytes, name: str) -> Document | None:
    try:
        doc = read_bytes(data, name)
    except IngestError as exc:
        assert str(exc).strip(), "an IngestError must say why"
        return None
    assert isinstance(doc, Document) and doc.text.strip()
    assert "\r" not in doc.text
    assert doc.text == _norm(doc.text), "reader output is already normalized"
    return doc


@FAST
@given(st.binary(max_size=3000), st.sampled_from(_NAMES))
@example(b"\xfe\xff\x00", "r.txt")  # finding 1: BOM + truncated character
def test_read_bytes_random_bytes(data: bytes, name: str) -> None:
    _read_ok(data, name)


@FAST
@given(st.text(max_size=400), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                               "gbk", "gb18030", "big5", "latin-1", "shift_jis"]))
@example("\x000", "utf-16")  # finding 2: FF FE 00 00 reads as a UTF-32 BOM
def test_decode_bytes_random_unicode(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    try:
        out, enc = decode_bytes(data)
    except IngestError as exc:
        assert str(exc) in ("empty file", "not a text file (binary content)")
        return
    assert isinstance(out, str) and isinstance(enc, str)
    _read_ok(data, "r.txt")


@FAST
@given(report_text, st.sampled_from(["utf-8", "gbk", "gb18030", "utf-16"]))
def test_chinese_reports_round_trip_through_any_encoding(text: str, encoding: str) -> None:
    assume(text.strip())
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    doc = _read_ok(data, "r.txt")
    expected = _norm(text)
    if doc is not None and encoding in ("utf-8", "utf-16"):
        assert doc.text == expected
    elif doc is None and encoding in ("utf-8", "utf-16"):
        # a NUL byte marks a binary file by design (readers.decode_bytes)
        assert not expected.strip() or _looks_binary(text) or "\x00" in text


def _looks_binary(s: str) -> bool:
    from index.readers import _junk_ratio

    return _junk_ratio(s) > 0.02


@lru_cache(maxsize=1)
def _valid_pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 800, "某区2019年政府信息公开工作年度报告")
    c.drawString(72, 770, "一、总体情况")
    y = 740
    for row in (["信息内容", "本年新制作数量"], ["规章", "0"], ["规范性文件", "2"]):
        c.rect(72, y - 22, 200, 22)
        c.rect(272, y - 22, 100, 22)
        c.drawString(76, y - 15, row[0])
        c.drawString(276, y - 15, row[1])
        y -= 22
    c.drawString(72, y - 30, "本年度共收到申请52件。")
    c.showPage()
    c.drawString(72, 800, "二、存在的主要问题")
    c.showPage()
    c.save()
    return buf.getvalue()


@lru_cache(maxsize=1)
def _valid_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("某镇2019年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "信息内容"
    t.cell(1, 0).text = "规章"
    t.cell(1, 2).text = "0"
    d.add_paragraph("二、存在的主要问题")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_fuzz_fixtures_are_valid() -> None:
    assert "规范性文件" in read_bytes(_valid_pdf(), "r.pdf").text
    assert "| 信息内容 | 信息内容 |" in read_bytes(_valid_docx(), "r.docx").text


@SLOW
@given(st.data())
def test_truncated_and_damaged_pdf(data: st.DataObject) -> None:
    pdf = _valid_pdf()
    cut = data.draw(st.integers(0, len(pdf)))
    how = data.draw(st.sampled_from(["head", "head+eof", "flip"]))
    if how == "head":
        blob = pdf[:cut]
    elif how == "head+eof":
        blob = pdf[:cut] + b"\n%%EOF\n"  # passes the cheap end-marker check: the parser must cope
    else:
        n = data.draw(st.integers(1, 8))
        blob = bytearray(pdf)
        for _ in range(n):
            blob[data.draw(st.integers(0, len(pdf) - 1))] = data.draw(st.integers(0, 255))
        blob = bytes(blob)
    _read_ok(blob, data.draw(st.sampled_from(["r.pdf", "r.txt", "r"])))


@SLOW
@given(st.data())
def test_truncated_and_damaged_docx(data: st.DataObject) -> None:
    docx_bytes = _valid_docx()
    if data.draw(st.booleans()):
        blob = docx_bytes[:data.draw(st.integers(0, len(docx_bytes)))]
    else:
        blob = bytearray(docx_bytes)
        for _ in range(data.draw(st.integers(1, 8))):
            blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
        blob = bytes(blob)
    _read_ok(blob, data.draw(st.sampled_from(["r.docx", "r.txt"])))


_span = st.one_of(st.integers(-3, 6).map(str), st.sampled_from(["", "abc", "99999", " 2 ", "1.5", "0x3"]))


def _html_cell(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, rs, cs, body: f'<{tag} rowspan="{rs}" colspan="{cs}">{body}</{tag}>',
                     st.sampled_from(["td", "th"]), _span, _span, children)


def _html_table(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    row = st.lists(_html_cell(children), max_size=5).map(lambda cs: "<tr>" + "".join(cs) + "</tr>")
    return st.lists(row, max_size=5).map(lambda rs: "<table>" + "".join(rs) + "</table>")


_html_leaf = st.one_of(_cjk_text, st.sampled_from(_CELLS + _WORDS), st.sampled_from(
    ["<br>", "<p>", "</p>", "<script>alert(1)</script>", "<style>p{}</style>", "<!-- c -->", "&nbsp;", "&#0;",
     "</td>", "</table>", "<tr>", "<td>", "<div>", "<b>", "<title>标题</title>", "<![CDATA[x]]>", "\x00"]))
html_soup = st.recursive(
    _html_leaf,
    lambda children: st.one_of(
        _html_table(children),
        st.lists(children, max_size=4).map("".join),
        st.builds(lambda t, c: f"<{t}>{c}</{t}>", st.sampled_from(["div", "p", "span", "li", "tbody", "nav"]),
                  children),
    ),
    max_leaves=30,
)


@SLOW
@given(html_soup, st.booleans())
def test_random_html_soup(body: str, wrap: bool) -> None:
    html = f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>" if wrap else body
    doc = _read_ok(html.encode("utf-8"), "r.html")
    if doc is not None:
        for line in doc.text.split("\n"):
            assert "<script" not in line and "alert(1)" not in line
    # whatever the reader made must survive the rest of the pipeline
    if doc is not None:
        _pipeline(doc.text)


# --- normalization ------------------------------------------------------------------------

@FAST
@given(any_text)
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert "\r" not in once
    assert normalize_text(once) == once
    stripped = strip_furniture(once)
    kept = once.split("\n")
    # stripping only drops lines (a kept date line may lose inline furniture fragments)
    for line in stripped.split("\n"):
        assert line in kept or any(line and line in k for k in kept)
    assert strip_furniture(normalize_text(stripped)) == stripped


# --- sections, tables, numbers, facts, chunks --------------------------------------------

def check_sections(text: str, sections: list) -> None:
    if not text.strip():
        return
    assert sections, "non-blank text has at least one section"
    assert not text[:sections[0].start].strip(), "nothing is left before the first section"
    assert sections[-1].end == len(text)
    for k, s in enumerate(sections):
        assert s.ord == k
        assert 0 <= s.start <= s.end <= len(text)
        if k + 1 < len(sections):
            assert s.end == sections[k + 1].start, "sections tile the text in order"
            assert s.start < sections[k + 1].start
        if s.level == 0:
            assert k == 0 and s.start == 0 and s.heading and s.heading in text
        else:
            # the heading is the text at its offset (markdown ** markers aside)
            assert text[s.start:s.end].replace("**", "").startswith(s.heading), (s.heading, text[s.start:s.end][:60])
        if s.parent is not None:
            parent = sections[s.parent]
            assert s.parent < k and parent.level < s.level
            assert s.path == parent.path + [s.heading]
        else:
            assert s.path == [s.heading]


def check_tables(text: str, tables: list) -> None:
    for k, t in enumerate(tables):
        assert t.ord == k and 0 <= t.start <= t.end <= len(text)
        for c in t.cells:
            assert t.start <= c.start <= c.end <= t.end
            assert text[c.start:c.end] == c.raw, (c.raw, text[c.start:c.end])
            if c.value is not None and not c.uncertain:
                parsed = parse_number(c.raw)
                assert parsed is not None and abs(parsed[0] - c.value) <= 1e-6 * max(1.0, abs(c.value)), (c.raw,
                                                                                                         c.value)


def check_chunks(text: str, sections: list, chunks: list) -> None:
    prev_end = 0
    for k, c in enumerate(chunks):
        assert c.ord == k
        assert c.text == text[c.start:c.end] and c.text.strip()
        assert c.start >= prev_end, "chunks are ordered and do not overlap"
        prev_end = c.end
        if c.section_ord >= 0:
            sec = sections[c.section_ord]
            assert sec.start <= c.start and c.end <= sec.end, "a chunk never crosses a section"
            assert c.section_path == sec.path


@pytest.mark.parametrize(("text", "max_chars"), [("00000%", 5), ("占比为92.6%", 9), ("共1,234件", 3)])
def test_chunks_never_cut_a_number(text: str, max_chars: int) -> None:
    """Finding 10: a number over max_chars was cut before a % that ends the text."""
    from index.models import Section

    chunks = make_chunks(text, [Section(0, 0, "s", ["s"], 0, len(text))], [], max_chars=max_chars)
    for m in re.finditer(r"\d[\d.,]*%?", text):
        assert any(c.start <= m.start() and m.end() <= c.end for c in chunks), (m.group(), chunks)


def _pipeline(text: str) -> None:
    sections = parse_sections(text)
    check_sections(text, sections)
    tables = find_tables(text, sections)
    check_tables(text, tables)
    facts = extract_facts(text, sections, tables, _catalogue())
    for f in facts:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start:f.end] == f.quote, (f.quote, text[f.start:f.end])
    check_chunks(text, sections, make_chunks(text, sections, tables))


def _pairwise_conflicts(facts: list) -> list[bool]:
    """The original pairwise definition of mark_conflicts, as the oracle for the counting one."""
    out = [False] * len(facts)
    for i, f in enumerate(facts):
        for j, g in enumerate(facts):
            if i == j or f.metric.startswith("prose:") or g.metric.startswith("prose:"):
                continue
            if (f.metric, f.dimension, f.unit == "%") != (g.metric, g.dimension, g.unit == "%") or g.value == f.value:
                continue
            if f.source != g.source or (f.source == "table" and f.table_ord != g.table_ord):
                out[i] = out[j] = True
    return out


_fact = st.builds(
    lambda metric, dim, value, unit, source, table: Fact(metric, dim, float(value), unit, source, [], "", 0, 0,
                                                        table if source == "table" else None),
    st.sampled_from(["apply_total", "active_total", "prose:x"]), st.sampled_from(["", "自然人"]),
    st.integers(0, 3), st.sampled_from(["件", "%"]), st.sampled_from(["table", "prose"]),
    st.one_of(st.none(), st.integers(0, 2)))


@FAST
@given(st.lists(_fact, max_size=25))
def test_mark_conflicts_matches_pairwise_definition(facts: list) -> None:
    expected = _pairwise_conflicts(facts)
    mark_conflicts(facts)
    assert [f.conflict for f in facts] == expected


@FAST
@given(report_text)
@example("21\n\n0\n0\n\n21\n")  # finding 9: adjacent value lines joined into one cell "00"
def test_pipeline_invariants_on_report_like_text(raw: str) -> None:
    _pipeline(_norm(raw))


@FAST
@given(st.text(max_size=300))
def test_pipeline_invariants_on_raw_text(raw: str) -> None:
    _pipeline(raw)  # stages must not rely on normalization for their own safety


@FAST
@given(any_text)
def test_numbers_spans_exact(text: str) -> None:
    for n in find_numbers(text):
        assert 0 <= n.start < n.end <= len(text)
        assert text[n.start:n.end] == n.raw
        assert n.value == n.value  # not NaN
    parse_number(text)


@FAST
@given(st.one_of(st.text(max_size=30), st.from_regex(r"[0-9,.]{0,12}[万亿]?[余多]?(件|万元|%|个工作日)?",
                                                     fullmatch=True),
                 st.text(alphabet="零〇一二两三四五六七八九十百千万亿点成余多百分之件", max_size=12)))
def test_parse_number_never_crashes(s: str) -> None:
    r = parse_number(s)
    if r is not None:
        assert isinstance(r[0], float) and r[0] == r[0]


# --- questions and SQL --------------------------------------------------------------------

_REPORTS = [ReportRef(1, "海陵区2017年政府信息公开工作年度报告", "泰州市海陵区人民政府", "泰州市海陵区", 2017, ["海陵区"]),
            ReportRef(2, "某市交通运输局2019年报告", "某市交通运输局", "某市", 2019, []),
            ReportRef(3, "", "", "", None, [])]
_Q_WORDS = ["海陵区", "海陵區", "2017年", "去年", "收到", "多少", "件", "政府信息公开申请", "網絡申請", "总计",
            "比例", "占", "同比", "增长", "吗?", "是不是52件?", "'; DROP TABLE facts; --", "SELECT * FROM reports",
            "1=1", "UNION SELECT", "\x00", "\u202e", "😀", "𠀀", "\ufeff", "两万", "百分之九十", "一、", "其中",
            "那网络申请呢?", "和", "、", "分别", "合计", " ", "\n"]
question_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_Q_WORDS), max_size=20).map("".join),
    st.sampled_from(["", " ", "\n\t", "?" * 3, "海" * 10_000, "2017" * 2500, "😀" * 500, "一、" * 3000]),
)


@FAST
@given(question_text, st.one_of(st.none(), question_text))
def test_parse_question_never_crashes(text: str, previous: str | None) -> None:
    cat = _catalogue()
    ctx = parse_question(previous, cat, _REPORTS) if previous is not None else None
    p = parse_question(text, cat, _REPORTS, ctx)
    assert p.text == text
    assert set(p.report_ids) <= {r.id for r in _REPORTS}
    assert all(isinstance(y, int) for y in p.years)


@pytest.mark.parametrize("question", ["收到申请" * 2500, "政府信息公开申请" * 1250, "海" * 10_000, "一、" * 5000,
                                      "网络申请" * 2500, "多少件" * 3000])
def test_huge_questions_parse_quickly(question: str) -> None:
    """A pasted wall of text must not stall the parser (a 10,000-character question once took
    over ten minutes: metric folding was cubic in the number of matches)."""
    import time

    cat = _catalogue()
    parse_question("海陵区2017年收到多少件申请?", cat, _REPORTS)  # warm caches (jieba, catalogue)
    t0 = time.perf_counter()
    parse_question(question, cat, _REPORTS)
    assert time.perf_counter() - t0 < 3.0


_SQL_TOKENS = ["SELECT", "*", "value", "metric_id", "report_id", "year", "title", "FROM", "facts", "reports", "cells",
               "sections", "WHERE", "=", "'x'", "1", "0", "-1", ",", "UNION", "ALL", "INTERSECT", "EXCEPT", "(", ")",
               ";", "--", "/*", "*/", "AS", "t", "JOIN", "ON", "LIMIT", "OFFSET", "ORDER BY", "GROUP BY", "count(*)",
               "sum(value)", "WITH", "a", "DROP TABLE facts", "ATTACH DATABASE 'x' AS y", "PRAGMA table_info(facts)",
               "INSERT INTO facts VALUES (1)", "UPDATE facts SET value = 1", "DELETE FROM facts",
               "load_extension('x')", "sqlite_master", "VALUES (1)", "CASE WHEN 1 THEN 2 END", "\"", "`", "[", "]",
               "randomblob(9)", "json_each('[1]')", "main.facts", "RETURNING *", "INTO", "x", "\n", "%s", "?"]
sql_text = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(_SQL_TOKENS), max_size=25).map(" ".join),
    st.lists(st.sampled_from(_SQL_TOKENS), max_size=15).map(lambda ts: "SELECT value FROM facts " + " ".join(ts)),
)


@pytest.mark.parametrize("sql", ["SELECT", "SELECT FROM facts", "SELECT 1 UNION SELECT",
                                 "SELECT value FROM facts , SELECT *"])
def test_guard_refuses_malformed_select(sql: str) -> None:
    with pytest.raises(SQLRefused):
        guard_sql(sql)


@FAST
@given(sql_text)
@example('SELECT value FROM facts " ; "')  # a ';' inside a quoted alias is one statement
@example("SELECT")  # finding 5
@example("SELECT value FROM facts , SELECT *")  # finding 8
def test_guard_only_ever_passes_one_select(sql: str) -> None:
    try:
        out = guard_sql(sql)
    except SQLRefused as exc:
        assert exc.reason
        return
    assert ";" not in re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\[[^\]]*\]", "", out), out  # outside quotes
    trees = [t for t in sqlglot.parse(out, read="sqlite") if t is not None]  # what runs reads back
    assert len(trees) == 1, out
    root = trees[0]
    assert isinstance(root, (exp.Select, exp.Union)), out
    assert all(sel.expressions for sel in root.find_all(exp.Select)), out  # finding 5
    for node in root.walk():
        assert not isinstance(node, (exp.Insert, exp.Update, exp.Delete, exp.Drop, exp.Create, exp.Command,
                                     exp.Pragma, exp.Attach)), out
    assert guard_sql(out) == out, "the guard's own output passes the guard unchanged"  # finding 8
