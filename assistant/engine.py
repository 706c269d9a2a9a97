"""The assistant: one ``ask`` used by the CLI, the HTTP API, the chat and the eval suite.

Flow: parse the question (reports, year, metric, operation) -> route -> SQL over facts
and/or hybrid retrieval -> an answer whose every figure comes from a SQL row or a quoted
span, with the arithmetic shown for computed figures.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from assistant.answers import Answer, Citation, Conflict
from assistant.compose import BY_QUOTE_WORDS
from assistant.settled import SETTLED_NOTE
from assistant.match.resolve import REFUSED
from assistant.match.score import COMPLEMENT
from assistant.withhold import withhold_conflicted
from index.models import Report
from index.numbers import format_number
from index.settings import Settings
from index.sqlstore import PATH_SEP, ReportRow, SQLStore


@dataclass
class FactRow:
    """One row of the facts SQL result, as the answer composer needs it."""

    fact_id: int
    report_id: int
    source: str
    title: str
    body: str
    region: str
    year: int | None
    metric_id: str
    dimension: str
    value: float
    unit: str
    origin: str  # table | prose
    section_path: str
    quote: str
    start: int
    end: int
    row_label: str
    col_label: str
    conflict: bool
    label: str = ""  # the report's words naming the quantity (index/models.py Fact.label)
    part: int = 0  # which asked item this row answers (-1: matched by label words only)

    def citation(self) -> Citation:
        return Citation(source=self.source, report=self.title, section=self.section_path, quote=self.quote,
                        start=self.start, end=self.end, report_id=self.report_id, body=self.body, year=self.year,
                        row_label=self.row_label, col_label=self.col_label, kind=self.origin)


_UNCERTAIN_NOTE = "报告表中"
_OPERAND_MISSING = "an operand of the computation was not found"
_MISSING_REPORTS = "的报告中没有找到这个数字"
# Facts read for matching by label: every fact of the asked reports (a template report has ~200).
FACTS_PER_MATCH = 20_000
# A catalogue figure within this much of the label match's best score counts as agreeing with it.
AGREE_MARGIN = 0.05
# Audit rules whose first citation is what the finding is about (a share's part, a list's total): the
# note belongs to an answer citing that figure, not to one citing another item of the list.
_ABOUT_FIRST = ("percentage", "declared_parts", "residual_list")
# Rules comparing a stated total with the sum of its parts (first citation: the total).
_TOTAL_VS_PARTS = ("declared_parts", "residual_list", "parts_sum")
# Rules finding one figure stated twice, in the prose and in a table or as a count and the list it counts
# (first citation: the prose figure; its operands: that side's figure, then the other's).
_RESTATED = ("prose_vs_template", "settled_run", "running_total", "listed_count")


fmt_num = format_number  # the one number format (index/numbers.py)


class Assistant:
    def __init__(self, settings: Settings):
        from index.pipeline import Indexer

        self.settings = settings
        self._indexer = Indexer(settings)
        self.sql: SQLStore = self._indexer.sql
        self.catalogue = self._indexer.catalogue
        self._retriever = None
        self._lock = threading.RLock()
        self._sessions: dict[str, object] = {}
        self._refs = None
        self._weights = None
        self._semantic = None
        self._findings: dict[int, list] = {}
        self._space_checked: str | None = None
        self._indexer.on_change.append(self._invalidate)

    # -- shared resources ------------------------------------------------------------------
    @property
    def indexer(self):  # noqa: ANN201
        return self._indexer

    def _invalidate(self) -> None:
        self._refs = None
        self._weights = None
        self._space_checked = None
        self._findings = {}

    def reports(self) -> list[ReportRow]:
        return self.sql.list_reports()

    def report(self, report_id: int) -> Report | None:
        return self.sql.load_report(report_id)

    def report_refs(self):  # noqa: ANN201
        from assistant.question import ReportRef

        if self._refs is None:
            self._refs = [ReportRef(id=r.id, title=r.meta.title, body=r.meta.body, region=r.meta.region,
                                    year=r.meta.year, aliases=list(r.meta.aliases)) for r in self.reports()]
        return self._refs

    @property
    def retriever(self):  # noqa: ANN201
        if self._retriever is None:
            from assistant.retrieval import Retriever
            self._retriever = Retriever(self._indexer.vectors, self._indexer.embedder, self._indexer.sparse)
        return self._retriever

    def close(self) -> None:
        self._indexer.close()

    # -- asking ----------------------------------------------------------------------------
    def ask(self, question: str, session_id: str | None = None) -> Answer:
        from assistant.question import parse_question
        from assistant.router import route

        t0 = time.perf_counter()
        question = (question or "").strip()
        if not question:
            return Answer(question="", answer="请输入一个问题。(Please ask a question.)", route="none", found=False)
        question = question[:2000]
        with self._lock:
            context = self._sessions.get(session_id) if session_id else None
        refs = self.report_refs()
        if not refs:
            return Answer(question=question, answer="尚未载入任何报告。请先用 `reportqa ingest` 载入报告。",
                          route="none", found=False)
        parsed = parse_question(question, self.catalogue, refs, context)
        # issue 12: "X年比Y年多几件" asks a difference (assistant/question/series.py)
        from assistant.question.series import refine_operation
        refine_operation(parsed)
        t1 = time.perf_counter()
        out_of_scope = check_scope(question, parsed, refs)
        self._remember(session_id, parsed)
        if out_of_scope is not None:
            return out_of_scope
        answer = withhold_conflicted(self._answer(question, parsed, str(route(parsed, has_sql_facts=True))), question)
        if self.settings.llm_base_url:
            # issue 14: an LLM, when one is configured, may read an abstained figure question or phrase a
            # text answer; its output is kept only when grounded, else this answer stands (assistant/llm/)
            from assistant.llm.consult import consult
            answer = withhold_conflicted(consult(self, question, parsed, answer), question)
        for note in reversed(parsed.notes):  # how the question was read: 报告写作沭阳县; 按最新的2024年报告回答
            answer.answer = f"{note}。" + answer.answer
            answer.notes.insert(0, note)
        # issue 12: the answer's figures as a table (one cited row each) and cited table cells' rows
        from assistant.figures import finish
        finish(self.sql, answer)
        answer.timings_ms = {"parse": (t1 - t0) * 1000, "total": (time.perf_counter() - t0) * 1000}
        return answer

    def _remember(self, session_id: str | None, parsed) -> None:  # noqa: ANN001
        with self._lock:
            if session_id:
                self._sessions[session_id] = parsed
                if len(self._sessions) > 10_000:  # bound memory on a long-running server
                    self._sessions.pop(next(iter(self._sessions)))

    def _answer(self, question: str, parsed, r: str) -> Answer:  # noqa: ANN001
        """SQL first for figures, retrieval when SQL finds nothing or the question is qualitative."""
        answer: Answer | None = None
        # issue 12: a trend over years or a ranking over bodies is answered as a table of cited figures
        from assistant.series import answer_series
        series = answer_series(self, question, parsed)
        if series is not None:
            return series
        if r in ("sql", "both"):
            answer = self._answer_sql(question, parsed)
        if answer is not None and answer.found and answer.value is not None and parsed.is_figure_question:
            answer = self._checked(question, parsed, answer)
        if len(parsed.report_ids) >= 2 and parsed.is_figure_question and r != "text" \
                and _across_op(parsed) in ("difference", "max", "min"):
            across = self._match_across(question, parsed)
            if across is not None:
                complete = answer is not None and answer.found and answer.value is not None \
                    and not any(_MISSING_REPORTS in n for n in answer.notes)
                if across.found and not (complete and abs(answer.value - across.value) < 1e-9):
                    return across
                if not across.found and not complete:
                    return across
                if complete:
                    return answer
        uncertain = answer is not None and any(n.startswith(_UNCERTAIN_NOTE) for n in answer.notes)
        if parsed.is_figure_question and r != "text" and not uncertain and (
                answer is None or not answer.found or _OPERAND_MISSING in answer.notes):
            # Not a catalogue figure (or an item of the computation is not): matched by the report's
            # own words for it, or "not found" with what was looked for and the closest candidates.
            matched = self._answer_matched(question, parsed)
            if matched is not None:
                if not matched.found:
                    closest = self._answer_text(question, parsed, figure=False)
                    for c in closest.citations[:2]:
                        c.kind = "closest"
                        matched.citations.append(c)
                    matched.notes = (answer.notes if answer is not None else []) + matched.notes
                matched.route = r
                return matched
        if answer is not None and _OPERAND_MISSING in answer.notes:
            # A computation with an operand missing stays "not found"; the passages closest to the
            # question are shown, never a figure read out of them.
            closest = self._answer_text(question, parsed, figure=False)
            for c in closest.citations[:3]:
                c.kind = "closest"
                answer.citations.append(c)
            return answer
        if answer is None or not answer.found:
            # A figure is read from facts (SQL or label match), never out of a retrieved passage.
            text_answer = self._answer_text(question, parsed, figure=r != "text" and not parsed.is_figure_question)
            if answer is not None and answer.notes:
                text_answer.notes = answer.notes + text_answer.notes
            if answer is None or text_answer.found:
                answer = text_answer
            # A table row that would have answered but could not be read with certainty is said.
            for note in [n for n in answer.notes if n.startswith(_UNCERTAIN_NOTE)]:
                answer.answer = (answer.answer + f"注意:{note}。") if answer.answer else f"{note}。"
        if answer.route == "none":
            answer.route = r
        return answer

    @property
    def semantic(self):  # noqa: ANN201
        """The embedding signal of label matching (None when the folder's vectors are in another space)."""
        from assistant.match.semantic import Semantic

        if self._semantic is None and not self._space_problem():
            self._semantic = Semantic(self._indexer.embedder)
        return self._semantic

    def _label_weights(self):  # noqa: ANN202
        """Word weights over every fact label in the store (rebuilt after each ingest or delete)."""
        from sqlalchemy import select

        from assistant.match import Weights
        from assistant.match.score import SEP
        from index.sqlstore import facts

        if self._weights is None:
            with self.sql.engine.connect() as conn:
                rows = conn.execute(select(facts.c.label, facts.c.row_label, facts.c.col_label)).fetchall()
            self._weights = Weights([lab or SEP.join(x for x in (r, c) if x) for lab, r, c in rows])
        return self._weights

    def _checked(self, question: str, parsed, answer: Answer) -> Answer:  # noqa: ANN001
        """A catalogue lookup checked against the label match of the same report: kept when the
        label match agrees (or ranks the catalogue's figure near its best); replaced by the label match
        when that is confident and the catalogue's figure is nowhere near it."""
        from assistant.match import asked_class
        from index.units import compatible

        if len(parsed.report_ids) != 1:
            return answer
        if parsed.operation == "percent":
            # A share the report states is checked against its own operands: computed from the two
            # figures the question names when both are found (the stated share is often rounded).
            matched, resolutions = self._match(question, parsed)
            if matched is not None and any(r.reason in REFUSED for r in resolutions):
                return matched  # the share found is another year's, or the asked one is a change
            return matched if matched is not None and matched.found else answer
        if parsed.operation in ("sum", "difference", "compare"):
            # Each item found by its own words, or the computation is not given: a catalogue operand
            # that only resembles the item ("收到申请数" for 依申请公开的信息) makes a wrong result.
            matched, _ = self._match(question, parsed)
            if matched is None or matched.found:
                return matched or answer
            exact = [m for m in parsed.metrics if m.score >= 1.0]
            return answer if len(exact) >= 2 else matched
        if parsed.operation not in ("lookup", "none"):
            return answer
        if any(n.startswith(SETTLED_NOTE) for n in answer.notes):
            return answer  # the asked cell itself, read with the prose's help: no other words' figure
        matched, resolutions = self._match(question, parsed)
        if matched is not None and answer.value is not None \
                and compatible("", asked_class(question, parsed.unit_hint), answer.unit or "") == 0.0:
            return matched  # the catalogue's figure counts another kind of thing than asked ("几个类别": no 201条)
        if matched is None or len(resolutions) != 1 or not resolutions[0].ranked:
            return answer
        if resolutions[0].reason in REFUSED or (matched.found and matched.arithmetic):
            return matched  # a change asked: the catalogue's level is no answer
        if COMPLEMENT.search(parsed.text):
            return matched  # "行政许可以外的…", "2017年以前的…": the catalogue's metric is what is excluded
        if not parsed.metrics or BY_QUOTE_WORDS in answer.notes:
            # No catalogue metric named: the SQL row was found by a word of its quote, which is no
            # better than the label match; the label match (or its "not found") stands.
            return matched
        res = resolutions[0]
        top = res.ranked[0].score
        near = [s for s in res.ranked if s.score >= top - AGREE_MARGIN]
        if any(abs(s.fact.value - answer.value) < 1e-9 for s in near):
            return answer
        if matched.found:
            matched.notes.append("the catalogue's figure was not what the question's words name; answered by label")
            return matched
        cited = {c.get("fact_id") for c in answer.cells if c.get("value") is not None
                 and (answer.arithmetic or abs(float(c["value"]) - answer.value) < 1e-9)}  # a sum: its rows
        if res.reason == "weak" and not any(s.fact.fact_id in cited for s in res.ranked):
            # No fact is named well, and the catalogue's row is not even among the closest by words:
            # its crosswalk reached a figure the question does not name ("not found" with the closest).
            matched.notes.append("the catalogue's figure is not among the closest by the question's words")
            return matched
        return answer

    def _match_across(self, question: str, parsed) -> Answer | None:  # noqa: ANN001
        """One quantity compared over the asked reports, found in each by label."""
        from assistant.guard import SQLRefused
        from assistant.match import asked_class, resolve
        from assistant.match.answer import compose_across
        from assistant.match.phrase import split_across

        item = split_across(parsed.text, parsed.body_mentions)
        if not item:
            return None
        try:
            sql, _, _, facts = self.report_facts(parsed.report_ids)
        except SQLRefused:
            return None
        refs = {r.id: r for r in self.report_refs()}
        ids = [i for i in parsed.report_ids if i in refs]
        if parsed.years and len({refs[i].year for i in ids}) == len(ids):  # in the order the question names the years
            ids.sort(key=lambda i: parsed.years.index(refs[i].year) if refs[i].year in parsed.years else 99)
        weight, cls = self._label_weights(), asked_class(question, parsed.unit_hint)
        per = [(refs[i], resolve(item, [f for f in facts if f.report_id == i], weight, parsed.unit_hint, cls,
                                 semantic=self.semantic)) for i in ids]
        op = _across_op(parsed)
        if op == "difference" and len(per) != 2:
            return None
        ans = compose_across(question, op, per)
        ans.sql = sql
        return ans

    def _answer_matched(self, question: str, parsed) -> Answer | None:  # noqa: ANN001
        return self._match(question, parsed)[0]

    def report_facts(self, report_ids: list[int]) -> tuple[str, list, list, list]:
        """Every fact of the given reports, as the label match reads them (the one fetch the engine, the
        series over reports and the LLM's reading share): (sql, columns, rows, facts)."""
        from assistant.sqlgen import facts_of_reports

        return self._run(facts_of_reports(report_ids), row_limit=FACTS_PER_MATCH)

    def rank_asked(self, question: str, semantic: bool = True) -> list:
        """The facts of the one report a question asks about, ranked by how well their words name its
        (first) asked item — the ranking the label match resolves with its threshold and margin
        (assistant/match/resolve.py), which ``python -m eval.calibrate`` reads them off; [] when the
        question is not about one report."""
        from assistant.match import asked_class, split_items
        from assistant.match.score import rank
        from assistant.question import parse_question

        parsed = parse_question(question, self.catalogue, self.report_refs(), None)
        if len(parsed.report_ids) != 1:
            return []
        items = split_items(parsed.text, parsed.body_mentions, "lookup")
        if not items.items:
            return []
        facts = self.report_facts(parsed.report_ids)[3]
        return rank(items.items[0], facts, self._label_weights(), parsed.unit_hint,
                    asked_class(question, parsed.unit_hint), items.context, self.semantic if semantic else None,
                    _catalogue_prior(items.items[0], parsed))

    def _match(self, question: str, parsed) -> tuple[Answer | None, list]:  # noqa: ANN001
        """The asked figure (or each item of the asked computation) found among all facts of the one asked
        report by label; None when the question is not about one report."""
        from assistant.guard import SQLRefused
        from assistant.match import asked_class, compose, resolve, split_items
        from assistant.match.answer import (compose_change, compose_rest, compose_share_of_sum,
                                            settle_by_neighbours, stated_share)
        from assistant.match.phrase import summed_parts
        from assistant.match.complement import negated, whole_of
        from assistant.match.change import asks_change, from_to, states_change

        if len(parsed.report_ids) != 1:
            return None, []
        op = {"compare": "difference"}.get(parsed.operation, parsed.operation)
        if op not in ("lookup", "none", "sum", "difference", "percent"):
            return None, []
        text = parsed.text
        if parsed.is_claim:  # the claim as the figure question it makes (its number replaced by 多少)
            from assistant.claims import parse_claim
            text = parse_claim(text).question
        items = split_items(text, parsed.body_mentions, op)
        try:
            sql, cols, rows, facts = self.report_facts(parsed.report_ids)
        except SQLRefused:
            return None, []
        weight = self._label_weights()
        counts = [f for f in facts if f.unit != "%"]  # a share is computed from counts, never from a share
        resolutions = []
        for k, item in enumerate(items.items):
            prior = _catalogue_prior(item, parsed)
            if items.op == "percent":
                res = resolve(item, counts, weight, context=items.context if k == 0 else "",
                              stated=items.stated.get(k), semantic=self.semantic, prior=prior)
            else:
                res = resolve(item, facts, weight, parsed.unit_hint, asked_class(question, parsed.unit_hint),
                              context=items.context, stated=items.stated.get(k), semantic=self.semantic,
                              prior=prior)
            resolutions.append(res)
        ans = compose(question, items, resolutions)
        if items.op == "percent" and not ans.found and resolutions[0].ok and not resolutions[1].ok:
            # "A和B合计中,B占多少": the whole is the sum of parts the question names
            for split in summed_parts(items.items[1]):
                parts = [resolve(p, counts, weight, semantic=self.semantic,
                                 prior=_catalogue_prior(p, parsed)) for p in split]
                settle_by_neighbours([resolutions[0], *parts])
                shared = compose_share_of_sum(question, resolutions[0], items.items[1], parts)
                if shared.found:
                    ans, resolutions = shared, [resolutions[0], *parts]
                    break
        if items.op == "percent" and ans.found and len(resolutions) == 2:
            stated_share(ans, resolutions[0].best.fact, resolutions[1].best.fact, facts)
        if items.op in ("lookup", "none") and ans.found and not ans.arithmetic and resolutions[0].ok:
            # the figure found by its words is one the report states differently elsewhere (marked at
            # ingestion, index/facts.py mark_conflicts): said, as for a catalogue answer
            from assistant.compose import _conflicts
            best = resolutions[0].best.fact
            for c in _conflicts([best, *[f for f in facts if f.fact_id != best.fact_id]], self.catalogue):
                ans.conflicts.append(c)
                ans.answer += f"注意:{c.note}。"
        rest, among = negated(items.items[0]) if items.op in ("lookup", "none") and items.items else ("", "")
        if rest and not ans.found:
            # "非原创的": the rest of the whole a part is declared of (assistant/match/complement.py)
            part = resolve(rest, facts, weight, parsed.unit_hint, asked_class(question, parsed.unit_hint),
                           context=among or items.context, semantic=self.semantic)
            whole = whole_of(part.best.fact, facts) if part.ok else None
            if whole is not None:
                ans = compose_rest(question, part.best.fact, whole)
        if items.op in ("lookup", "none") and ans.found and asks_change(text):
            # "提高了多少": a level is no answer; the two levels of "由X提高到Y", a change the label
            # states ("较上年增加"), or "not found"
            best = resolutions[0].best
            pair = from_to(best.fact, facts)
            if pair is not None or not states_change(f"{best.name} {best.fact.label}"):
                ans = compose_change(question, resolutions[0], pair)
        if items.op in ("lookup", "none", "percent") and ans.found and not ans.arithmetic:
            ans = self._of_asked_year(question, parsed, resolutions[0], ans)
        ans.sql = sql
        ans.cells = [dict(zip(cols, row)) for f, row in zip(facts, rows)
                     if any(r.best is not None and r.best.fact.fact_id == f.fact_id for r in resolutions)]
        if ans.found:
            self._attach_findings(ans)
        return ans, resolutions

    def _of_asked_year(self, question: str, parsed, res, ans: Answer) -> Answer:  # noqa: ANN001
        """A figure of the report's own year is no answer to a question about another year."""
        from assistant.match.answer import compose_other_year
        from assistant.match.period import about_year

        report_year = next((r.year for r in self.report_refs() if r.id == res.best.fact.report_id), None)
        other = [y for y in parsed.years if y != report_year]
        if report_year is None or not other or about_year(res.best.fact, other[0], report_year):
            return ans
        return compose_other_year(question, res, other[0], report_year)

    # -- claims and audit -----------------------------------------------------------------
    def check(self, claim: str):  # noqa: ANN201
        """Verdict on a claim (supported / refuted / conflicting / not_found), see assistant/claims.py."""
        from assistant.claims import check_claim

        return check_claim(self, claim)

    def audit(self, report_id: int | None = None) -> list:
        """Consistency findings for one report or all; read-only, see assistant/audit/."""
        from assistant.audit import audit_report

        # Findings only change when reports do; the cache is dropped on every ingest or delete.
        ids = [report_id] if report_id is not None else [r.id for r in self.reports()]
        out: list = []
        for rid in ids:
            with self._lock:
                cached = self._findings.get(rid)
            if cached is None:
                cached = audit_report(self.sql, rid)
                with self._lock:
                    self._findings[rid] = cached
            out.extend(cached)
        return out

    # -- SQL route -------------------------------------------------------------------------
    def _answer_sql(self, question: str, parsed) -> Answer | None:  # noqa: ANN001
        from assistant.compose import compose_figure_answer
        from assistant.guard import SQLRefused
        from assistant.sqlgen import build_sql

        plan = build_sql(parsed)
        if plan is None:
            return None
        try:
            sql, cols, rows, facts = self._run(plan.sql)
        except SQLRefused as exc:
            return Answer(question=question, answer=f"查询被拒绝:{exc}", route="sql", found=False, sql=plan.sql)
        if not any(f.part >= 0 for f in facts):
            summed = self._sum_of_children(question, parsed)
            if summed is not None:
                return summed
        from assistant.settled import answer_settled

        settled = answer_settled(self, question, parsed, facts)  # the asked row is uncertain, the prose settles it
        if settled is not None:
            return self._shown(settled, "", [], [])
        ans = compose_figure_answer(question, parsed, plan, facts, self.catalogue, self.report_refs())
        if not ans.found:
            ans.notes += self._uncertain_rows(parsed)
        elif len(parsed.report_ids) >= 2:
            self._say_missing_reports(question, parsed, ans)
        return self._shown(ans, sql, cols, rows)

    def _say_missing_reports(self, question: str, parsed, ans: Answer) -> None:  # noqa: ANN001
        """A comparison over several reports (哪一年最多, X年比Y年) where some asked report has no such
        figure: the answer says which, and cites that report's closest passage (never as a figure)."""
        from assistant.compose import closest_citation
        from index.vectors import SearchFilters

        sources = {c.source for c in ans.citations}
        missing = [r for r in self.reports() if r.id in parsed.report_ids and r.source not in sources]
        if not missing or self._space_problem():
            return
        names = []
        for r in sorted(missing, key=lambda r: (r.meta.year or 0)):
            names.append(f"{r.meta.year}年" if r.meta.year else r.meta.title)
            passages = self.retriever.search(_topic(question, parsed), SearchFilters(report_ids=[r.id]), k=3)
            best = self.retriever.best_sentences(question, passages, n=1) if passages else []
            if best:
                ans.citations.append(closest_citation(best[0], r.meta.title))
        note = f"{'、'.join(names)}{_MISSING_REPORTS}(已附最接近的原文),以上比较不含这些年份"
        ans.notes.append(note)
        ans.answer += f"注意:{note}。"

    def _uncertain_rows(self, parsed) -> list[str]:  # noqa: ANN001
        """Table rows of the asked reports whose cells could not be cut with certainty and that name
        the asked quantity: said, never answered from ("该行数字连写为…,拆分方式不唯一")."""
        from sqlalchemy import select

        from index.sqlstore import cells

        names: list[str] = []
        for m in parsed.metrics:
            ids = [m.metric_id, *m.family, *(mid for mid, _ in m.equivalents)]
            for metric in filter(None, map(self.catalogue.get, ids)):
                names += [metric.name, *metric.synonyms]
        names = [n for n in dict.fromkeys(names) if len(n) >= 2]
        if not names or not parsed.report_ids:
            return []
        q = select(cells.c.row_label, cells.c.raw, cells.c.table_id, cells.c.row).where(
            cells.c.uncertain.is_(True), cells.c.value.is_(None), cells.c.report_id.in_(parsed.report_ids))
        # A row whose total cell was read with certainty answers a question about the total: only its
        # breakdown cells are in doubt ("110000011" with 总计 11).
        totals_asked = all(not m.dimension for m in parsed.metrics)
        known = select(cells.c.table_id, cells.c.row).where(
            cells.c.value.is_not(None), cells.c.report_id.in_(parsed.report_ids),
            cells.c.col_label.in_(("总计", "合计")))
        with self.sql.engine.connect() as conn:
            rows = conn.execute(q).fetchall()
            certain_totals = {tuple(r) for r in conn.execute(known).fetchall()} if totals_asked else set()
        out = []
        for label, raw, table_id, row in rows:
            if (table_id, row) in certain_totals:
                continue
            last = label.split(" › ")[-1]
            if any(n in last for n in names):
                out.append(f"{_UNCERTAIN_NOTE}「{last}」一行的数字连写为「{raw}」,按模板的勾稽关系可拆分的方式不止一种,"
                           f"无法确定,未据此作答")
        return out[:3]

    def _shown(self, ans: Answer, sql: str, cols: list[str], rows: list[tuple]) -> Answer:
        """What every SQL answer shows besides its text: the SQL run, its cells, and audit findings."""
        ans.sql = sql
        ans.cells = [dict(zip(cols, row)) for row in rows[:50]]
        self._attach_findings(ans)
        return ans

    def _run(self, plan_sql: str, row_limit: int | None = None) -> tuple[str, list[str], list[tuple], list[FactRow]]:
        """Guard, transpile where needed, and run one plan read-only: (the SQL run, columns, rows, facts)."""
        from assistant.guard import allowed_schema, guard_sql, run_readonly

        sql = guard_sql(plan_sql, allowed_schema(self.sql), row_limit=row_limit or self.settings.sql_row_limit)
        # The guard parses and checks SQLite SQL; on PostgreSQL the checked statement is then
        # transpiled by sqlglot (quoting, LIKE, NULL ordering), never the raw plan.
        if self.sql.engine.dialect.name == "postgresql":
            from assistant.sqlgen import to_postgres
            sql = to_postgres(sql)
        cols, rows = run_readonly(self.sql.readonly, sql, row_limit or self.settings.sql_row_limit,
                                  self.settings.sql_time_limit_s)
        facts = [FactRow(**{k: v for k, v in zip(cols, row) if k in FactRow.__dataclass_fields__}) for row in rows]
        return sql, cols, rows, facts

    def _sum_of_children(self, question: str, parsed) -> Answer | None:  # noqa: ANN001
        """A template row with no figure of its own ((三)不予公开 in the 2019/2021 table) is the sum of
        its sub-rows: answer with that sum, the arithmetic and every sub-row cited, and say so.
        Only for one metric in one report, where the sum cannot mix reports."""
        from dataclasses import replace

        from assistant.compose import compose_figure_answer
        from assistant.guard import SQLRefused
        from assistant.question import MetricMatch
        from assistant.sqlgen import build_sql

        if len(parsed.metrics) != 1 or len(parsed.report_ids) != 1 or parsed.operation not in ("lookup", "none"):
            return None
        m = parsed.metrics[0]
        kids, dim = self.catalogue.children_of(m.metric_id, m.dimension), ""
        if not kids and m.dimension:  # a column breakdown (自然人) of a row that has sub-rows
            kids, dim = self.catalogue.children_of(m.metric_id), m.dimension
        if len(kids) < 2:
            return None
        sub = replace(parsed, operation="sum", parts=[], label_terms=[],
                      metrics=[MetricMatch(metric_id=k, phrase=m.phrase, score=m.score, dimension=dim, unit=m.unit)
                               for k in kids])
        plan = build_sql(sub)
        if plan is None:
            return None
        try:
            sql, cols, rows, facts = self._run(plan.sql)
        except SQLRefused:
            return None
        # Every sub-row must be stated, or the sum would silently leave some out.
        found = {f.part for f in facts if f.part >= 0 and f.metric_id in kids}
        if len(found) < len(kids):
            return None
        ans = compose_figure_answer(question, sub, plan, facts, self.catalogue, self.report_refs())
        if not ans.found or ans.value is None:
            return None
        parent = self.catalogue.get(m.metric_id)
        name = (getattr(parent, "name", None) or m.metric_id) + (f"({m.dimension})" if m.dimension else "")
        ans.answer = (f"报告没有单独写出「{name}」的数字;它是以下{len(kids)}个分项之和,"
                      f"按分项相加:" + ans.answer)
        ans.notes.append(f"sum of sub-rows: {name} = " + " + ".join(kids))
        return self._shown(ans, sql, cols, rows)

    def _attach_findings(self, ans: Answer) -> None:
        """A failed audit rule that touches a cited figure goes into the answer's conflicts, so a
        journalist never quotes a figure the report itself contradicts."""
        spans = {c.span for c in ans.citations if c.report_id is not None}
        cited = {c.span for c in ans.citations if c.report_id is not None and c.kind != "closest"}
        # one stated figure of one report (not a sum or share, not a ranking or a trend over reports)
        one_figure = ans.value is not None and not ans.arithmetic and len(ans.table) <= 1 \
            and len({r for r, _, _ in cited}) == 1
        for rid in {r for r, _, _ in spans}:
            for f in self.audit(rid):
                # prose-vs-table disagreements already come from the facts themselves
                if f.rule == "prose_vs_table" or not any(c.span in spans for c in f.citations):
                    continue
                # a share is about its part: a note on another item of the same list ("计划总结类2条占2%") does
                # not belong to an answer that only shares the list's total
                subject = f.citations[0] if f.rule in _ABOUT_FIRST and f.citations else None
                if subject is not None and subject.span not in spans:
                    continue
                from assistant.audit import TITLE

                # the user sees the rule's title and the figures, never its key or bookkeeping values;
                # a stated total beside the sum of its own parts is one quantity stated two ways
                first = f.citations[0].span in spans
                same = f.rule in _TOTAL_VS_PARTS and not f.breakdown and first
                # this very figure, stated twice (prose and table, a count and its list): the answer gives
                # exactly one side, the first citation's (the first operand) or the others' (the second)
                sides = [o.role for o in f.operands[:2]]
                first_side = {f.citations[0].span}
                other_side = {c.span for c in f.citations[1:]}
                given = "" if len(sides) < 2 else sides[0] if cited == first_side else \
                    sides[1] if cited and cited <= other_side else ""
                restated = f.rule in _RESTATED and one_figure and bool(given) \
                    and abs(ans.value - (f.operand(given) or 0)) < 1e-9
                ans.conflicts.append(Conflict(metric=TITLE.get(f.rule, f.rule), values=f.figures(),
                                              citations=[*f.citations, *f.context], note=f.message,
                                              kind="parts" if same else "values" if restated else "audit"))
                if restated and f.preferred and given != f.preferred and f.operand(f.preferred) is not None:
                    _give_figure(ans, f, first=f.preferred == sides[0])
                    continue
                ans.answer += "注意:" + f.message
                if f.arithmetic:  # the finding's own figures are computed: show how
                    ans.arithmetic = "; ".join(x for x in (ans.arithmetic, f.arithmetic) if x)

    # -- retrieval route -------------------------------------------------------------------
    def _space_problem(self) -> str:
        """Why retrieval cannot run here ("" when it can): the folder's vectors are in another
        embedding space than the configured embedder's queries."""
        from index.pipeline import SPACE_KEY, embedding_space, space_mismatch

        if self._space_checked is None:
            have = self.sql.get_meta(SPACE_KEY)
            want = embedding_space(self._indexer.embedder)
            self._space_checked = space_mismatch(have, want) if have is not None and have != want else ""
        return self._space_checked

    def _answer_text(self, question: str, parsed, figure: bool) -> Answer:  # noqa: ANN001
        from assistant.compose import compose_text_answer
        from index.vectors import SearchFilters

        problem = self._space_problem()
        if problem:
            return Answer(question=question, answer=f"无法检索正文:{problem}", route="text", found=False,
                          notes=[problem])
        report_ids = list(getattr(parsed, "report_ids", []) or [])
        if report_ids and len(report_ids) <= 3 and not figure and not parsed.is_figure_question:
            part = self._answer_part(question, parsed, report_ids)
            if part is not None:
                return part
        filters = SearchFilters(report_ids=report_ids or None, body=None, year=None)
        passages = self.retriever.search(_topic(question, parsed) if report_ids else question, filters, k=8)
        if not passages and report_ids:
            passages = self.retriever.search(question, None, k=8)
        known = {r.id for r in self.report_refs()}
        passages = [p for p in passages if p.report_id in known]  # never cite a report SQL does not hold
        if passages and not _relevant(_topic(question, parsed), passages):
            passages = []
        sentences = self.retriever.best_sentences(question, passages, n=3) if passages else []
        titles = {r.id: r.title for r in self.report_refs()}
        return compose_text_answer(question, parsed, passages, sentences, titles, figure=figure)

    def _answer_part(self, question: str, parsed, report_ids: list[int]) -> Answer | None:  # noqa: ANN001
        """A question naming a part of the template ("存在哪些不足") quoted from that part's section of
        each report asked about (assistant/part_answer.py); None when it names none or a report lacks it."""
        from assistant.part_answer import answer_part
        from assistant.question.parts import asked_part

        reports = [r for r in (self.report(i) for i in report_ids) if r is not None]
        if not reports:
            return None
        asked = asked_part(question, reports[0].meta.year, list(parsed.years))
        if asked is None:
            return None
        titles = {r.id: r.title for r in self.report_refs()}
        return answer_part(question, asked, reports, titles)


# How an answer names the side of a figure stated twice that it gives (Finding.preferred)
_SIDE = {"table_value": "表格", "prose_value": "正文", "listed": "所列分项"}


def _give_figure(ans: Answer, finding, first: bool) -> None:  # noqa: ANN001
    """One figure stated twice with different values (in the prose and in the report's table, or as a
    count and the list it counts): as for a metric stated in both (assistant/compose.py), the side the
    finding prefers is given (``finding.preferred``: the table's when the table was filled in and its
    row adds up, the names listed over the count said of them); the other is noted beside it and both
    are cited, the one given first. ``first``: the preferred side is the finding's first citation."""
    from assistant.compose import _fmt

    roles = [o.role for o in finding.operands[:2]]
    given, said = finding.operand(finding.preferred), finding.operand(roles[1] if first else roles[0])
    unit = ans.unit or ""
    at = ans.answer.find(f"为{_fmt(said)}")
    subject = ans.answer[:at] if at > 0 else ""
    notes = ans.answer[ans.answer.find("注意:"):] if "注意:" in ans.answer else ""  # earlier notes stay
    lead = list(finding.citations[:1]) if first else list(finding.citations[1:])
    seen = {c.span for c in lead}
    ans.citations = lead + [c for c in [*finding.citations, *ans.citations]
                            if c.span not in seen
                            and not seen.add(c.span)]
    ans.value = given
    side = _SIDE.get(finding.preferred, "")
    ans.answer = f"{subject}按{side}为{_fmt(given)}{unit}。注意:{finding.message}{notes}"
    ans.table = []  # rebuilt from the citations (assistant/figures.py finish)
    ans.notes.append(f"the {finding.preferred} {_fmt(given)} is given; the other side states {_fmt(said)}")


def _catalogue_prior(item: str, parsed) -> frozenset[str]:  # noqa: ANN001
    """The metric ids (with their families) the catalogue read this item's words as, all of them, for
    the label match to weigh (assistant/match/score.py CATALOGUE_BONUS); empty when the catalogue read
    only part of the item, read a breakdown dimension, or several metrics."""
    import re

    hits = []
    for m in parsed.metrics:
        if not m.phrase or m.phrase not in item or m.dimension:
            continue
        rest = re.sub(r"[的了和与及、,,。??\s\"“”()()]", "", item.replace(m.phrase, "", 1))
        if len(rest) <= 1:
            hits.append(m)
    if len(hits) != 1:
        return frozenset()
    return frozenset([hits[0].metric_id, *hits[0].family])


def _across_op(parsed) -> str:  # noqa: ANN001
    """How a question over several reports compares them: difference (X年比Y年多多少), max or min."""
    import re

    if parsed.operation in ("difference", "compare") or (
            len(parsed.years) >= 2 and re.search(r"比.{0,12}?(多|少|增加|减少|增长|下降)", parsed.text)):
        return "difference"
    return parsed.operation


def check_scope(question: str, parsed, refs) -> Answer | None:  # noqa: ANN001
    """Say "not found" when the question names a body or year that no loaded report covers,
    with the nearest reports we do have, instead of answering from another body or year."""
    import re

    import jieba.posseg as pseg

    from assistant.bodies import generic_places, name_index, nearest_reports, normalize, resolve_mentions

    q = normalize(question)
    if not re.search(r"[\u4e00-\u9fff]", q):
        return Answer(question=question, answer="没有找到相关内容:报告是中文的,请用中文提问(例如:海陵区2017年收到多少件政府信息公开申请?)。",
                      route="none", found=False)
    years = list(parsed.years) if parsed.years_explicit else []
    in_year = f"{'、'.join(map(str, years))}年" if years else ""
    by_id = {r.id: r for r in refs}
    what = ""
    nearest: list = []
    if parsed.unresolved:  # a body no loaded report is (福州市交通运输局, 城关街道办事处): never another body's figure
        what = "、".join(parsed.unresolved) + in_year
        nearest = nearest_reports(parsed.unresolved, refs, years) or [r for r in refs if r.year in years]
    elif not parsed.body_mentions:
        idx = name_index(refs)
        named = [w for w, f in pseg.lcut(q) if f == "ns" and w not in generic_places() and len(w) >= 2]
        unknown = [w for w in named if w not in idx.standalone and not any(w in k or k in w for k in idx.standalone)]
        if unknown:
            what = "、".join(unknown) + in_year
            nearest = [r for r in refs if r.year in years] if years else []
        elif years and not parsed.report_ids:
            what = in_year
            nearest = sorted(refs, key=lambda r: abs((r.year or 0) - years[0]))[:3]
    elif years and not parsed.report_ids:
        what = "、".join(parsed.body_mentions) + in_year
        ids = [i for m in parsed.body_mentions for _, found in resolve_mentions(normalize(m), refs) for i in found]
        nearest = sorted((by_id[i] for i in dict.fromkeys(ids) if i in by_id),
                         key=lambda r: (abs((r.year or 0) - years[0]), -(r.year or 0)))
    if not what:
        return None
    near = ";".join(f"{r.title}({r.year}年)" for r in nearest[:5]) or "无"
    text = f"已载入的报告中没有{what}的报告,无法回答(不会用其他地区或年份的数字代替)。相近的报告:{near}。"
    return Answer(question=question, answer=text, route="none", found=False,
                  notes=[f"nearest: {r.id}" for r in nearest[:5]])


def _relevant(topic: str, passages) -> bool:  # noqa: ANN001
    """Does any retrieved passage share a content word (or a two-character run) with the question?
    Retrieval always returns something; an answer needs at least that much overlap."""
    from assistant.retrieval import _bigrams, strip_question_words
    from index.sparse import tokenize

    q = strip_question_words(topic)
    terms = {t for t in tokenize(q) if len(t) >= 2 and not t.isdigit()}
    grams = _bigrams(q)
    for p in passages[:5]:
        if any(t in p.text for t in terms) or len(grams & _bigrams(p.text)) >= 2:
            return True
    return False


def _topic(question: str, parsed) -> str:  # noqa: ANN001
    """The question without the body and year it names: once those are filters they carry no
    signal, and left in they pull every query to the report's title chunk."""
    import re

    out = question
    for m in sorted(getattr(parsed, "body_mentions", []) or [], key=len, reverse=True):
        out = out.replace(m, " ")
    out = re.sub(r"(19|20)\d{2}\s*年度?", " ", out)
    return out if len(out.strip()) >= 2 else question


__all__ = ["Assistant", "FactRow", "fmt_num", "Citation", "Conflict", "PATH_SEP"]
