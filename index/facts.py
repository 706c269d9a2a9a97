"""Facts: (metric, dimension, value) with an exact quote, from table cells and from prose.

Cells map through their row label path, column label and table kind (scheme: index/metrics.yaml
header).  Prose figures attach to the nearest preceding phrase of their clause; "其中" and the
previous clause give the subject of bare breakdowns ("其中,权力运行类17条"); "未发生/未接到 X"
gives X = 0.  Unmatched prose figures keep their words as metric "prose:<label>".
``mark_conflicts`` flags prose-vs-table (and table-vs-table) disagreements; values never change.
"""
from __future__ import annotations

import re
from dataclasses import replace
from bisect import bisect_right
from collections import Counter, defaultdict
from itertools import accumulate

from index.enumerations import read_counts
from index.metrics import Catalogue, Resolved, normalize_label, strip_fillers
from index.models import Fact, Section, Table
from index.numbers import find_numbers
from index.tables import CUMULATIVE_COL, SEP, _section_path

# Facts of a table cell no catalogue metric covers: "table:<row label>", dimension = column label.
TABLE_PREFIX = "table:"
PROSE_PREFIX = "prose:"

_COUNT_UNITS = {"件", "条", "项", "个", "次", "人次", "件次", "户", "家", "万元", "亿元", "元", "%", "人", "个工作日",
                "工作日", "天", "期", "篇", "批次", "名", "份", "场", "封", "所", "处", "位", "台", "张", "期次",
                "起"}
_NEG = re.compile(r"(未|没有|暂无|尚无|均无|无)(发生|接到|收到|受理|出现|产生|收取|进行|有)?")
_SHARE = re.compile(r"(占|比例|比重|占比|率)")
# A named rate ("办结率", "群众满意率", "回复率"): short label ending in 率 (not 比率/效率-like words).
_RATE = re.compile(r"[\u4e00-\u9fff]{0,8}[\u4e00-\u9fff](?<![比效频概汇利税])率")


# --- table cells -------------------------------------------------------------------------
def _cell_facts(t: Table, cat: Catalogue) -> list[Fact]:
    out = []
    for c in t.cells:
        if c.value is None:
            continue  # an unsplit digit run: nothing we can state
        label = SEP.join(x for x in (t.title, c.row_label, c.col_label) if x)
        r = _resolve_cell(t, c.row_label, c.col_label, cat, c.unit)
        if r is None:
            # Not a catalogue metric: still a figure people ask about, found by its labels.
            last = normalize_label(c.row_label.split(SEP)[-1]) if c.row_label else ""
            if not last or c.unit == "%" and not c.col_label:
                continue
            out.append(Fact(metric=TABLE_PREFIX + last[:48], dimension=normalize_label(c.col_label)[:48],
                            value=c.value, unit=c.unit or "", source="table", section_path=t.section_path,
                            quote=c.raw, start=c.start, end=c.end, table_ord=t.ord, row_label=c.row_label,
                            col_label=c.col_label, label=label))
            continue
        metric, dim = r
        if c.col_label == CUMULATIVE_COL:  # the pre-2019 统计表's running total since records began
            dim = f"{dim} {CUMULATIVE_COL}".strip()
        unit = c.unit or metric.unit_for(dim)
        if c.unit == "%" and metric.unit != "%":
            dim = f"{dim} 占比".strip()
        out.append(Fact(metric=metric.id, dimension=dim, value=c.value, unit=unit or "", source="table",
                        section_path=t.section_path, quote=c.raw, start=c.start, end=c.end, table_ord=t.ord,
                        row_label=c.row_label, col_label=c.col_label, label=label))
    return out


def _resolve_cell(t: Table, row_label: str, col_label: str, cat: Catalogue, unit: str | None):
    path = [p for p in row_label.split(SEP) if p] if row_label else []
    if t.kind == "template_review":
        head = col_label.split(SEP)
        mid = "litigation_direct" if "未经复议直接起诉" in head else "litigation_after_review" if "复议后起诉" in head \
            else "admin_review"
        m = cat.get(mid)
        return (m, cat.dimension_of(m, col_label)) if m else None
    if not path:
        return None
    ctx = path[:-1] + ([t.title] if t.title else [])
    r: Resolved | None = cat.resolve(path[-1], ctx, t.kind, None)
    if r is None:
        return None
    if t.kind in ("template_apply", "template_active"):
        return r.metric, cat.dimension_of(r.metric, col_label)
    return r.metric, r.dimension


# --- prose -------------------------------------------------------------------------------
def _clauses(text: str, start: int, end: int, seps: str = ",;:、") -> list[tuple[int, int]]:
    """Clause spans: split at ``seps`` (outside 《》, “” and brackets) inside [start, end)."""
    spans, s, depth = [], start, 0
    for i in range(start, end):
        ch = text[i]
        if ch in "《“(":
            depth += 1
        elif ch in "》”)" and depth:
            depth -= 1
        elif ch in seps and depth == 0:
            spans.append((s, i))
            s = i + 1
    spans.append((s, end))
    return [(a, b) for a, b in spans if b > a]


def _sentences(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # "starts inside a skipped span" by bisection over the sorted spans and a prefix maximum of
    # their ends (a scan of every table per sentence was quadratic on big files).
    skip = sorted(skip)
    starts = [s for s, _ in skip]
    reach = list(accumulate((e for _, e in skip), max))
    out = []
    for m in re.finditer(r"[^。!?\n]+", text):
        a, b = m.span()
        k = bisect_right(starts, a)
        if k and reach[k - 1] > a:
            continue
        out.append((a, b))
    return out


def _clean_label(s: str) -> str:
    s = re.sub(r"^[\s,,、;;::]+|[\s,,、;;::]+$", "", s)
    return s


# Words that open an enumeration of the figure just named ("共制发487条,其中主动公开117条(涵盖…)"):
# Chinese connectives of the national template's prose ("其中") and of the reports' lists.
_OPENS = re.compile(r"(?:(?:其中|涵盖|包括|包含|分别为|分别是)[::,,]?)+")

# "X中," / "X里," as a clause of its own frames the figures after it as parts of X.
_FRAME = re.compile(r"(?:在)?([\u4e00-\u9fff“”]{2,20}?)(?:之中|当中|中|里)")
# "在主动公开的90条政府信息中," states X and frames the rest of the sentence (across ";") as its parts.
_NUM_FRAME = re.compile(r"(?:在)?([\u4e00-\u9fff“”]{2,20}?)的?\d+(?:\.\d+)?\s*[\u4e00-\u9fff]?"
                        r"([\u4e00-\u9fff“”]{0,10}?)(?:之中|当中|中|里)")

_CATEGORY = re.compile(r"(?:发布|公开)([\u4e00-\u9fff]{2,8}?类)信息")


def _category(before: str) -> str:
    m = _CATEGORY.search(before)
    return m.group(1) if m and not m.group(1).endswith(("各类", "等类")) else ""


def _prose_facts(text: str, sections: list[Section], tables: list[Table], cat: Catalogue) -> list[Fact]:
    skip = [(t.start, t.end) for t in tables]
    out: list[Fact] = []
    subject: Resolved | None = None  # what "其中" breakdowns belong to
    previous = ""  # the naming words of the previous sentence's last figure
    for sa, sb in _sentences(text, skip):
        qizhong = bool(re.match(r"\s*其中", text[sa:sb]))
        if not qizhong:
            subject = None  # a 其中 sentence continues the previous sentence's subject
        last: Fact | None = None
        # What an enumeration (其中 / 涵盖 / 包括 …) breaks down: the figure named just before it.
        whole = previous if qizhong else ""
        outer: str | None = None  # the enumeration a bracketed sub-list interrupts
        last_clause_had_number = False
        prev_clause = ""
        pending = ""
        framed = False  # a "在…90条…中," clause frames the sentence
        semi_whole = ""  # the enumeration a semicolon interrupted: it goes on with another part
        for ba, bb in _clauses(text, sa, sb, ",;:"):
            out += _zero_facts(text, ba, bb, sections, cat)
        out += _listed_counts(text, sa, sb, sections)
        for ca, cb in _clauses(text, sa, sb):
            clause = text[ca:cb]
            nums = [n for n in find_numbers(clause) if n.unit in _COUNT_UNITS
                    and not clause[max(0, n.start - 1):n.start] == "第"]
            nums = sorted(nums + _implied_unit(text, clause, ca, sb, sa), key=lambda n: n.start)
            if text[ca - 1:ca] in ";;" and not framed:  # a semicolon ends an enumeration, unless
                semi_whole, whole, outer = whole, "", None  # the next clause is another part of it
            nframe = _NUM_FRAME.fullmatch(clause.strip()) if len(nums) == 1 else None
            if not nums and last is not None and _OPENS.match(clause.strip()):
                # "…487条,其中,主动公开…" / "40条,其中办理…的依据、条件、程序1条": the opener starts a clause
                whole = last.label.split(SEP)[-1]
            frame = _FRAME.fullmatch(clause.strip()) if not nums else None
            if frame:  # "主动公开的信息中,规范性文件类5条…": what follows breaks that down
                whole = normalize_label(frame.group(1)) or whole
            if re.match(r"\s*其中", clause):
                qizhong = True
            elif not nums:
                qizhong = qizhong and not normalize_label(clause)
            prev_end = 0
            for k, n in enumerate(nums):
                before = _clean_label(clause[prev_end:n.start])
                nxt = nums[k + 1].start if k + 1 < len(nums) else len(clause)
                after = _clean_label(clause[n.end:nxt])[:12]
                prev_end = n.end
                a = ca + n.start
                spath = _section_path(sections, a)
                nb = normalize_label(before)
                if n.unit == "%" and _RATE.fullmatch(nb):
                    # "办结率99.8%", "群众满意率95.1%": a named rate is its own figure, not a share of
                    # the previous one; its word is what people ask for ("满意率是多少").
                    out.append(Fact(f"prose:{nb}", "", n.value, "%", "prose", spath, clause, ca, cb, label=nb))
                    continue
                if n.unit == "%" and _SHARE.search(before) and len(nb) <= 6:
                    if last is not None and last_clause_had_number:
                        dim = f"{last.dimension} 占比".strip() if not last.metric.startswith("prose:") else "占比"
                        out.append(Fact(last.metric, dim, n.value, "%", "prose", spath, clause, ca, cb,
                                        label=f"{last.label} 占比"))
                        continue
                    if normalize_label(prev_clause):  # "集中在征地拆迁方面,占总量的65.2%"
                        out.append(Fact(f"prose:{normalize_label(prev_clause)}", "占比", n.value, "%", "prose",
                                        spath, clause, ca, cb, label=f"{normalize_label(prev_clause)} 占比"))
                        continue
                ctx = [subject.metric.name] if subject else []
                if last is not None and not last.metric.startswith("prose:"):
                    m0 = cat.get(last.metric)
                    ctx.append(m0.name if m0 else "")
                category = _category(before)
                probe = before.replace(category, "") if category else before
                r = cat.resolve(probe, ctx, None, n.unit) if normalize_label(probe) else None
                if r is None:
                    r = cat.resolve(probe + after, ctx, None, n.unit)
                label = nb if len(nb) >= 4 or (len(nb) >= 2 and not after) else normalize_label(before + after)
                cell_name = ""
                if r is not None and not (category and not r.metric.category_dims):
                    dim = r.dimension or (category if r.metric.category_dims else "")
                    metric = r.metric.id
                    if not dim:
                        subject = r
                elif qizhong and subject is not None and label and len(label) <= 10:
                    metric, dim = subject.metric.id, label
                elif last is not None and (col := cat.column_of(label, last.metric)) is not None:
                    # "制发规范性文件34件,现行有效件数424件": that column of the subject's row, named as
                    # the table names its cell
                    metric, dim = col.metric.id, col.dimension
                    cell_name = f"{col.metric.name}{col.dimension}"
                else:
                    if not label:
                        continue
                    metric, dim = f"prose:{label}", ""
                opener = _OPENS.search(before)
                if opener:
                    if re.search(r"[((]", before[:opener.start()]):  # "117条(涵盖…)": only inside the brackets
                        outer = whole
                    whole = last.label.split(SEP)[-1] if last is not None else previous
                    nb = normalize_label(before[opener.end():]) or nb
                # "选认47名区级科技特派员": a verb before the figure, its noun after it.
                nb = normalize_label(re.sub(r"^(?:19|20)\d{2}年度?", "", nb)) or nb
                name = nb if len(nb) >= 3 or (len(nb) == 2 and not after) else normalize_label(before + after) or nb
                if k == 0 and pending and not last_clause_had_number and "等" not in before:
                    name = normalize_label(f"{pending}、{before}") or name  # "制作、获取政府信息总数"
                noun = _noun_after(after)
                core = strip_fillers(re.sub(r"^(?:19|20)\d{2}年度?", "", nb))
                if noun and name != normalize_label(before + after) and (
                        len(core) <= 2 or re.search(r"(共计|合计|累计|总计|共|达到|达)$", before)):
                    name = f"{name if len(core) > 2 else core}{noun}"  # "共计448项权力内容": the noun names it
                name = re.sub(r"^(?:19|20)\d{2}年度?", "", name) or name  # the year is the report's, not the figure's
                if not name and last is not None:
                    name = last.label.split(SEP)[-1]
                if nframe is not None:  # the framing figure is named by its frame
                    name = normalize_label(f"{nframe.group(1)}{nframe.group(2)}") or name
                if semi_whole and k == 0:
                    # "其中:A5条,B1条;C7条;D12条": after a semicolon the list goes on while the figures
                    # are of its unit and no catalogue quantity of their own
                    if r is None and last is not None and n.unit == last.unit:
                        whole = semi_whole
                    semi_whole = ""
                within = whole if whole and whole != name else ""
                f = Fact(metric, dim, n.value, n.unit or "", "prose", spath, clause, ca, cb,
                         label=cell_name or SEP.join(x for x in (within, name) if x))
                out.append(f)
                last = f
            if nframe is not None and last is not None:
                whole, framed = last.label.split(SEP)[-1], True
            last_clause_had_number = bool(nums)
            prev_clause = clause
            if outer is not None and re.search(r"[))]", clause):  # the bracketed breakdown has ended
                whole, outer = outer, None
            # Number-less clauses joined by 、 name the next figure together ("环境保护、公共卫生、…类信息10条").
            tail = re.search(r"(?:19|20)\d{2}年度?([\u4e00-\u9fff]{1,8})$", clause.strip())
            if not nums and text[cb:cb + 1] == "、" and len(clause) > 12 and tail:
                # "(一)主动公开政府信息的数量2019年制作、获取政府信息总数330条": a heading run into the
                # text; the words after its year are the modifier
                pending = tail.group(1)
            elif nums or text[cb:cb + 1] != "、" or len(clause) > 12:  # a long clause is no modifier
                pending = ""
            else:
                pending = f"{pending}、{clause}" if pending else clause
        if last is not None:
            previous = last.label.split(SEP)[-1]
    return out


def _listed_counts(text: str, sa: int, sb: int, sections: list[Section]) -> list[Fact]:
    """A count of kinds that introduces their list ("主动公开类别有七类,分别是A、B…"): the count, quoted
    with its list (index/enumerations.py)."""
    out = []
    for c in read_counts(text, sa, sb):
        label = normalize_label(c.label) or c.label
        out.append(Fact(f"{PROSE_PREFIX}{label}", "", c.value, c.unit, "prose", _section_path(sections, c.start),
                        text[c.at:c.list_end], c.at, c.list_end, label=label))
    return out


def _noun_after(after: str) -> str:
    """The noun a figure's measure word governs ("448项权力内容进行逐一梳理" -> 权力内容), or ""."""
    after = re.sub(r"[((][^()()]*[))]", "", after or "")
    if not after or after[0] in "((":
        return ""
    head = re.split(r"进行|并|的|等|被|已|得到|[,,。;;((]", after)[0][:12]
    return head if len(head) >= 2 and re.match(r"[\u4e00-\u9fff]", head) else ""


def _implied_unit(text: str, clause: str, ca: int, sb: int, sa: int | None = None) -> list:
    """A bare count named by a 数 label takes the unit of the next figure of its list
    ("其中主动公开信息数169,依申请公开信息数317条" -> 169 条), or, when it ends the list, the unit of
    the figure before it ("…作为依申请公开信息数161条,不予公开信息数79。" -> 79 条)."""
    out = []
    for n in find_numbers(clause):
        if n.unit or n.value != int(n.value) or not re.search(r"数$", clause[:n.start]):
            continue
        if 1900 <= n.value <= 2100 and clause[n.end:n.end + 1] == "年":
            continue
        follow = [m for m in find_numbers(text[ca + n.end:sb]) if m.unit in _COUNT_UNITS and m.unit != "%"]
        if not follow and sa is not None:
            follow = [m for m in find_numbers(text[sa:ca + n.start]) if m.unit in _COUNT_UNITS and m.unit != "%"][-1:]
        if follow:
            out.append(replace(n, unit=follow[0].unit))
    return out


def _zero_facts(text: str, ca: int, cb: int, sections: list[Section], cat: Catalogue) -> list[Fact]:
    clause = text[ca:cb]
    m = _NEG.search(clause)
    if not m:
        return []
    scope = clause[m.end():]
    if any(ch.isdigit() for ch in scope):
        return []
    cause = re.search(r"因.*?(而|的)", scope)  # "因政府信息公开而提起的行政复议": the object follows
    if cause:
        scope = scope[cause.end():]
    out, seen = [], set()
    for metric, _ in sorted(cat.zero_metrics(scope), key=lambda x: x[1]):
        if metric.id in seen:
            continue
        seen.add(metric.id)
        out.append(Fact(metric.id, "", 0.0, metric.unit, "prose", _section_path(sections, ca), clause, ca, cb,
                        label=metric.name))
    return out


# --- entry points ------------------------------------------------------------------------
def extract_facts(text: str, sections: list[Section], tables: list[Table], catalogue: Catalogue) -> list[Fact]:
    facts: list[Fact] = []
    for t in tables:
        facts += _cell_facts(t, catalogue)
    facts += _prose_facts(text, sections, tables, catalogue)
    mark_conflicts(facts)
    return facts


_CUMULATIVE = re.compile(r"累计|历年")


def is_cumulative(f) -> bool:  # noqa: ANN001
    """A running total ("历年累计主动公开582条", a 统计表's 历年累计 column) is another quantity than the
    year's figure of the same metric."""
    return bool(_CUMULATIVE.search(" ".join(x for x in (getattr(f, "label", ""), f.row_label, f.col_label) if x)))


def mark_conflicts(facts: list[Fact]) -> list[Fact]:
    """Same (metric, dimension, percent-or-not), different values from prose vs a table (or two
    tables) -> conflict=True on both sides.  Prose-only differences are not conflicts: reports
    repeat a metric for sub-scopes ("共发布2047条 ... 其中在网站发布1880条")."""
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.metric.startswith((PROSE_PREFIX, TABLE_PREFIX)):
            continue
        groups[(f.metric, f.dimension, f.unit == "%", is_cumulative(f))].append(f)
    for fs in groups.values():
        # f conflicts when some g has another value and another source, or sits in another table.
        # Counted per value rather than compared pairwise: a big file repeating a metric thousands
        # of times made the pairwise loop quadratic.
        values = Counter(f.value for f in fs)
        by_source: dict[str, Counter] = defaultdict(Counter)
        by_table: dict[int | None, Counter] = defaultdict(Counter)
        for f in fs:
            by_source[f.source][f.value] += 1
            if f.source == "table":
                by_table[f.table_ord][f.value] += 1
        n_source = {k: c.total() for k, c in by_source.items()}
        n_table = {k: c.total() for k, c in by_table.items()}
        for f in fs:
            own = by_source[f.source]
            if len(fs) - n_source[f.source] > values[f.value] - own[f.value]:
                f.conflict = True
            elif f.source == "table":
                table, mine = by_source["table"], by_table[f.table_ord]
                if n_source["table"] - n_table[f.table_ord] > table[f.value] - mine[f.value]:
                    f.conflict = True
    return facts


__all__ = ["extract_facts", "mark_conflicts", "is_cumulative"]
