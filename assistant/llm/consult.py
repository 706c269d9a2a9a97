"""Where the LLM is asked, and how its output is kept or thrown away.

* A figure question the deterministic path abstained on: the LLM's reading (reading.py) names the
  quantities; the same matcher resolves them over the report's facts; ties may be settled by the LLM
  picking an index (choose.py); the answer is composed by the same composer, every figure a stored fact.
* A text answer: the LLM may phrase it from the retrieved quotes (phrase.py).
Every output passes grounding.py (and any SQL the guard); otherwise the deterministic answer stands,
with the reason in ``answer.llm["discarded"]`` and the log.
"""
from __future__ import annotations

import logging

from assistant.answers import Answer
from assistant.llm import choose, phrase, reading
from assistant.llm.client import LLMClient, LLMFailed, client_for
from assistant.llm.grounding import check_text
from assistant.llm.reading import Reading, ReadingRejected
from assistant.withhold import WITHHELD

log = logging.getLogger("reportqa.llm")


def _mark(answer: Answer, client: LLMClient, task: str, used: bool, discarded: str = "") -> Answer:
    if discarded:
        log.info("LLM %s output discarded: %s", task, discarded)
    answer.llm = {"used": used, "model": client.model, "discarded": discarded, "task": task}
    return answer


def consult(assistant, question: str, parsed, answer: Answer) -> Answer:  # noqa: ANN001
    """The deterministic ``answer``, or a grounded answer the LLM helped with."""
    client = client_for(assistant.settings)
    if client is None:
        return answer
    if not client.status()["reachable"]:  # probed at most every 30 s: a down endpoint costs no timeouts
        return _mark(answer, client, "", used=False, discarded="the LLM endpoint is unreachable")
    if parsed.is_figure_question and not answer.found and answer.route != "none" and WITHHELD not in answer.notes:
        # an abstention the LLM may read again; a figure withheld because the report states it two ways
        # is no abstention (assistant/withhold.py): a reading would only pick one of the two
        return _understand(assistant, client, question, parsed, answer)
    if answer.found and answer.route == "text" and answer.citations and not parsed.is_figure_question:
        return _phrase(client, question, answer)
    return _mark(answer, client, "", used=False)


# -- understanding ------------------------------------------------------------------------------------
class _Fallback(Exception):
    pass


def _understand(assistant, client: LLMClient, question: str, parsed, answer: Answer) -> Answer:  # noqa: ANN001
    try:
        titles = [f"{r.title}({r.year}年)" for r in assistant.report_refs()]
        got = reading.parse_reading(client.chat(reading.SYSTEM, reading.prompt(question, titles)))
        ans = _answer_reading(assistant, client, question, parsed, got)
    except LLMFailed as exc:
        return _mark(answer, client, "reading", used=False, discarded=f"no reply from the LLM: {exc}")
    except (ReadingRejected, _Fallback) as exc:
        return _mark(answer, client, "reading", used=False, discarded=str(exc))
    cited = ans.citations + [c for k in ans.conflicts for c in k.citations]
    values = [c.get("value") for c in ans.cells] + [v for k in ans.conflicts for v in k.values]
    reason = check_text(ans.answer, cited, values, ans.arithmetic or "")
    if reason:
        return _mark(answer, client, "reading", used=False, discarded=reason)
    ans.route = answer.route
    ans.notes.append("LLM reading: " + "、".join(got.quantities) + f" ({got.operation})")
    return _mark(ans, client, "reading", used=True)


def _report_of(assistant, parsed, got: Reading) -> int:  # noqa: ANN001
    if len(parsed.report_ids) == 1:
        return parsed.report_ids[0]
    refs = [r for r in assistant.report_refs() if not parsed.report_ids or r.id in parsed.report_ids]
    hits = [r.id for r in refs if (not got.years or r.year in got.years)
            and any(b and (b in (r.body or "") or (r.body and r.body in b) or b in r.title) for b in got.bodies)]
    if len(hits) != 1:
        raise _Fallback("the reading names no single loaded report")
    return hits[0]


def _guarded_pool(assistant, sql: str, facts: list) -> list:  # noqa: ANN001
    """The facts a proposed SQL selects (by fact_id), after the same guard as any SQL."""
    from assistant.guard import SQLRefused, allowed_schema, guard_sql, run_readonly

    s = assistant.settings
    try:
        checked = guard_sql(sql, allowed_schema(assistant.sql), row_limit=s.sql_row_limit)
        if assistant.sql.engine.dialect.name != "sqlite":
            raise SQLRefused("the LLM's SQL is only run on SQLite")
        cols, rows = run_readonly(assistant.sql.readonly, checked, s.sql_row_limit, s.sql_time_limit_s)
    except SQLRefused as exc:
        raise _Fallback(f"the LLM's SQL was refused by the guard: {exc}") from None
    if "fact_id" not in cols:
        return facts
    ids = {row[cols.index("fact_id")] for row in rows}
    return [f for f in facts if f.fact_id in ids] or facts


def _answer_reading(assistant, client: LLMClient, question: str, parsed, got: Reading) -> Answer:  # noqa: ANN001
    from assistant.match import Items, asked_class, compose, resolve
    from assistant.match.change import asks_change

    n = len(got.quantities)
    if (got.operation == "lookup") != (n == 1) or (got.operation in ("difference", "percent") and n != 2):
        raise _Fallback(f"the reading's operation ({got.operation}) does not fit its {n} quantities")
    if got.operation == "lookup" and asks_change(question):
        raise _Fallback("a change is asked: a level the reading names is no answer")
    asked = {"compare": "difference"}.get(parsed.operation, parsed.operation)
    if asked in ("sum", "difference") and got.operation != asked:
        # "主动公开和依申请公开的…合计": one figure the reading names is not the computation asked
        raise _Fallback(f"the reading's operation ({got.operation}) is not the one the question asks ({asked})")
    rid = _report_of(assistant, parsed, got)
    sql, cols, rows, facts = assistant.report_facts([rid])
    pool = _guarded_pool(assistant, got.sql, facts) if got.sql else facts
    weight = assistant._label_weights()
    resolutions = []
    for item in got.quantities:
        if got.operation == "percent":
            res = resolve(item, [f for f in pool if f.unit != "%"], weight, semantic=assistant.semantic)
        else:
            res = resolve(item, pool, weight, parsed.unit_hint, asked_class(question, parsed.unit_hint),
                          semantic=assistant.semantic)
        if res.reason == "tie":
            _choose(client, question, res)
        resolutions.append(res)
    ans = compose(question, Items(op=got.operation, items=list(got.quantities)), resolutions)
    if not ans.found:
        raise _Fallback("the reading's quantities matched no fact well enough")
    if asked == "percent" and got.operation == "lookup" and resolutions[0].best.fact.unit != "%":
        raise _Fallback("a share is asked: the figure the reading names is not a stated share")
    if got.operation == "lookup" and not ans.arithmetic:
        ans = assistant._of_asked_year(question, parsed, resolutions[0], ans)
        if not ans.found:
            raise _Fallback("the fact the reading found is of another year than the one asked")
    used = {r.best.fact.fact_id for r in resolutions}
    ans.sql = sql
    ans.cells = [dict(zip(cols, row)) for f, row in zip(facts, rows) if f.fact_id in used]
    assistant._attach_findings(ans)
    return ans


def _choose(client: LLMClient, question: str, res) -> None:  # noqa: ANN001
    """A tie settled by the LLM naming one candidate's index (its labels only are shown)."""
    cands = [res.best, *res.rivals]
    try:
        idx = choose.parse_choice(client.chat(choose.SYSTEM, choose.prompt(
            question, res.item, [f"{s.name}({s.fact.label or s.fact.row_label})" for s in cands])), len(cands))
    except LLMFailed:
        return
    if idx is not None:
        res.best, res.rivals, res.reason = cands[idx], [], ""


# -- phrasing -----------------------------------------------------------------------------------------
def _phrase(client: LLMClient, question: str, answer: Answer) -> Answer:
    try:
        text = client.chat(phrase.SYSTEM, phrase.prompt(question, [c.quote for c in answer.citations]))
    except LLMFailed as exc:
        return _mark(answer, client, "phrasing", used=False, discarded=f"no reply from the LLM: {exc}")
    reason = check_text(text, answer.citations, cite_marks=True)
    if reason:
        return _mark(answer, client, "phrasing", used=False, discarded=reason)
    answer.notes.append("phrased by the LLM from the cited quotes")
    answer.answer = text
    return _mark(answer, client, "phrasing", used=True)


__all__ = ["consult"]
