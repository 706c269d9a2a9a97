"""The ``reportqa`` command: ingest, ask, check, audit, reports, serve, mcp, eval, demo.

Heavy imports (torch, Qdrant, Gradio) happen inside the commands so ``reportqa --help`` is fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

# Labels, numbers, verdicts and citation lines are the renderer's (one for every face); re-exported here.
from ui.render import (COMPARISON_WORDS, SEVERITY_LABELS, VERDICT_LABELS, citation_lines,  # noqa: F401
                       conflict_values, group_findings, one_line, table_citations, text_table, verdict_label)
from ui.render import fmt_num as _num

EXIT_LOCKED = 2
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "reports"

data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                               help="Index folder (default: $REPORTQA_DATA_DIR or the user data folder).")


def _settings(data_dir: Path | None, **overrides: Any):
    from index.settings import load_settings
    return load_settings(data_dir=data_dir, **overrides)


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest (``index.pipeline.expand_paths``: folders walked for SUPPORTED formats) and the
    paths that do not exist (told before any store is opened).

    A file named explicitly is passed on whatever its suffix, so ingest can say why it is refused.
    """
    from index.pipeline import NO_SUCH_FILE, expand_paths

    found = expand_paths(paths)
    return [f for f in found if f.exists()], [(str(f), NO_SUCH_FILE) for f in found if not f.exists()]


_LOCK_SIGNS = ("already accessed by another instance", "in use by another reportqa process")


def is_store_locked(exc: object) -> bool:
    """A data folder held by another process: qdrant-client's own message, or the one both embedded
    stores raise (``index.vectors.in_use_error``), possibly as the cause of another error."""
    seen = 0
    while exc is not None and seen < 5:
        if any(sign in str(exc) for sign in _LOCK_SIGNS):
            return True
        exc = getattr(exc, "__cause__", None) or getattr(exc, "__context__", None)
        seen += 1
    return False


def locked_message(data_dir: Path, instead: str = "upload through POST /api/v1/reports instead") -> str:
    return f"the data folder {data_dir} is in use by a running `reportqa serve`; {instead}"


def _locked_guard(settings: Any, call: Any, *args: Any, instead: str | None = None, **kwargs: Any) -> Any:
    """Run ``call``; a store held by a server becomes a clear message and exit code 2."""
    try:
        return call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        if is_store_locked(exc):
            click.echo(locked_message(settings.data_dir, *([instead] if instead else [])), err=True)
            sys.exit(EXIT_LOCKED)
        raise


def describe(meta: Any) -> str:
    """What a report says about itself, the same in ``ingest`` and ``reports`` lines."""
    return (f"title: {meta.title or '?'}; body: {meta.body or '?'}; year: {meta.year or '?'}; "
            f"published: {meta.publish_date or '?'}")


def format_result(r: Any) -> str:
    about = describe(r)
    if r.status == "unchanged":  # nothing was parsed, so there are no fresh counts to show
        return f"{r.status:<9} {r.path}  ({about})"
    return f"{r.status:<9} {r.path}  ({about}; {r.n_sections} sections, {r.n_facts} facts)"


def _progress(files: list[Path], echo=click.echo):  # noqa: ANN202
    """Yield ``files`` while showing progress on stderr: a bar on a terminal, else "[i/n] file" lines."""
    n = len(files)
    if n > 1 and sys.stderr.isatty():
        with click.progressbar(files, label="ingesting", file=sys.stderr, show_pos=True,
                               item_show_func=lambda f: f.name if f else "") as bar:
            yield from bar
        return
    for i, f in enumerate(files, 1):
        echo(f"[{i}/{n}] {f}", err=True)
        yield f


def run_ingest(settings: Any, paths: list[Path], echo=click.echo) -> int:
    """Ingest ``paths`` and print one line per file (with the metadata read); returns the exit code."""
    from index.pipeline import SUPPORTED, Indexer

    files, missing = collect_files(paths)
    for path, reason in missing:
        echo(f"{path}: {reason}", err=True)
    if not files and not missing:
        echo("no report files found (looked for " + ", ".join(SUPPORTED) + ")", err=True)
        return 1
    counts: dict[str, int] = {}
    if files:
        indexer = _locked_guard(settings, Indexer, settings)
        try:
            # One file at a time so each line shows as soon as its file is done (embedding is slow).
            for f in _progress(files, echo):
                for r in _locked_guard(settings, indexer.ingest, [f]):
                    if r.status == "failed" and is_store_locked(r.message):
                        echo(locked_message(settings.data_dir), err=True)
                        sys.exit(EXIT_LOCKED)
                    counts[r.status] = counts.get(r.status, 0) + 1
                    if r.status == "failed":
                        echo(f"{r.path}: {r.message}", err=True)
                    else:
                        echo(format_result(r))
        finally:
            indexer.close()
    n_failed = counts.get("failed", 0) + len(missing)
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("added", "replaced", "unchanged"))
    echo(f"{summary}, {n_failed} failed")
    return 1 if n_failed else 0


def format_answer(d: dict) -> str:
    """Plain-text rendering of ``Answer.to_dict()`` for the terminal (pieces from ``ui.render``)."""
    out = [d.get("answer") or ""]
    if d.get("table"):  # a trend or ranking: the figures as a table, each row with its citation number
        out += ["", text_table(d["table"])]
    if d.get("arithmetic"):
        out.append(f"calculation: {d['arithmetic']}")
    cites = [c for c in table_citations(d.get("table") or []) if c] or d.get("citations") or []
    if cites:
        out.append("")
        out.extend(citation_lines(cites))
    if d.get("sql"):
        out.append("")
        out.append("SQL:")
        out.extend("    " + ln for ln in d["sql"].strip().splitlines())
    for k in d.get("conflicts") or []:
        out.append("")
        out.append(f"conflict: {k.get('metric', '')}: {conflict_values(k)}" + (f" ({k['note']})" if k.get("note") else ""))
        for c in k.get("citations") or []:
            out.append(f"    {c.get('report', '')} › {c.get('section', '')}: 「{one_line(c.get('quote', ''))}」")
    return "\n".join(out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """reportqa: cited answers over government information-disclosure annual reports."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_dir_option
def ingest(paths: tuple[Path, ...], data_dir: Path | None) -> None:
    """Add report files (or folders of them) to the index."""
    sys.exit(run_ingest(_settings(data_dir), list(paths)))


@cli.command()
@click.argument("question")
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole answer as JSON.")
@click.option("--session", default=None, help="Session id, so follow-up questions resolve against earlier ones.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the answer's figures to FILE (CSV, one row per figure with its citation and SQL).")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the answer's figures to FILE as an Excel workbook.")
def ask(question: str, data_dir: Path | None, as_json: bool, session: str | None, csv_file: Path | None,
        xlsx_file: Path | None) -> None:
    """Answer QUESTION with citations (a trend or ranking also as a table)."""
    from assistant.engine import Assistant

    if not question.strip():
        raise click.UsageError("please ask a question (QUESTION is empty)")
    settings = _settings(data_dir)
    instead = "ask through POST /api/v1/ask or the chat page instead"
    assistant = _locked_guard(settings, Assistant, settings, instead=instead)
    try:
        d = _locked_guard(settings, assistant.ask, question, session_id=session, instead=instead).to_dict()
    finally:
        assistant.close()
    click.echo(json.dumps(d, ensure_ascii=False, indent=2) if as_json else format_answer(d))
    _write_exports(d, {"csv": csv_file, "xlsx": xlsx_file})


def _write_exports(d: dict, files: dict[str, Path | None]) -> None:
    """Write the answer's figures to the asked files; say so on stderr (exit 1 when there are none)."""
    from ui.export import export_rows, render

    if not any(files.values()):
        return
    rows = export_rows(d)
    if not rows:
        click.echo("the answer gives no figures: nothing written", err=True)
        sys.exit(1)
    for fmt, path in files.items():
        if path is not None:
            path.write_bytes(render(rows, fmt))
            click.echo(f"wrote {len(rows)} figure{'s' if len(rows) != 1 else ''} to {path}", err=True)


@cli.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True)
def reports(data_dir: Path | None, as_json: bool) -> None:
    """List the ingested reports."""
    from index.sqlstore import SQLStore

    # Read SQL directly: listing must work even while a server holds the vector store.
    settings = _settings(data_dir)
    rows = SQLStore(settings.sqlalchemy_url).list_reports()
    if as_json:
        from ui.api import report_summary
        click.echo(json.dumps([report_summary(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no reports in {settings.data_dir}")
    for r in rows:
        click.echo(f"{r.id:>4}  {describe(r.meta)}; region: {r.meta.region or '?'}; source: {r.source}")


def format_verdict(d: dict) -> str:
    """Plain-text rendering of ``ClaimVerdict.to_dict()``."""
    unit = d.get("unit") or ""
    out = [f"verdict: {verdict_label(d.get('verdict', ''))}", f"claim: {d.get('claim', '')}"]
    if d.get("claimed_value") is not None:
        cmp = COMPARISON_WORDS.get(d.get("comparison", ""), d.get("comparison", ""))
        out.append(f"claimed: {cmp} {_num(d['claimed_value'])}{unit}")
    if d.get("report_values"):
        out.append("report: " + " / ".join(f"{_num(v)}{unit}" for v in d["report_values"]))
    if d.get("rounding_rule"):
        out.append(f"rule: {d['rounding_rule']}")
    if d.get("explanation"):
        out.append(f"explanation: {d['explanation']}")
    cites = d.get("citations") or []
    if cites:
        out.append("")
        out.extend(citation_lines(cites))
    return "\n".join(out)


def format_audit(findings: list[dict], rows: list[Any]) -> str:
    """Plain-text audit, grouped by report: severity, message, arithmetic, citations."""
    out: list[str] = []
    for row, found in group_findings(findings, rows):
        if out:
            out.append("")
        title = row.meta.title or row.source
        out.append(f"== {title} ({row.source}, id {row.id}): "
                   + (f"{len(found)} finding{'s' if len(found) != 1 else ''}" if found else "no findings"))
        for f in found:
            sev = f.get("severity", "")
            out.append(f"[{sev} {SEVERITY_LABELS.get(sev, '')}] {f.get('rule', '')}: {f.get('message', '')}")
            if f.get("arithmetic"):
                out.append(f"    arithmetic: {f['arithmetic']}")
            out.extend("    " + ln for ln in citation_lines(f.get("citations") or [], with_report=False))
    return "\n".join(out)


def resolve_report(rows: list[Any], ref: str) -> Any | None:
    """A report by id ("3") or by its source file name ("hailing_2017.txt", path parts ignored)."""
    ref = ref.strip()
    if ref.isdigit():
        hit = next((r for r in rows if r.id == int(ref)), None)
        if hit is not None:
            return hit
    name = Path(ref).name
    return next((r for r in rows if r.source == name), None)


@cli.command()
@click.argument("claim")
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the whole verdict (with its ClaimReview) as JSON.")
def check(claim: str, data_dir: Path | None, as_json: bool) -> None:
    """Check a CLAIM against the reports (supported / refuted / conflicting / not found).

    Example: reportqa check "有人说海陵区2017年收到申请超过一百件,对吗?"
    """
    from assistant.engine import Assistant

    if not claim.strip():
        raise click.UsageError("please give a claim to check (CLAIM is empty)")
    settings = _settings(data_dir)
    instead = "check through POST /api/v1/check or the chat page instead"
    assistant = _locked_guard(settings, Assistant, settings, instead=instead)
    try:
        d = _locked_guard(settings, assistant.check, claim, instead=instead).to_dict()
    finally:
        assistant.close()
    click.echo(json.dumps(d, ensure_ascii=False, indent=2) if as_json else format_verdict(d))


@cli.command()
@click.argument("report", required=False)
@data_dir_option
@click.option("--json", "as_json", is_flag=True)
def audit(report: str | None, data_dir: Path | None, as_json: bool) -> None:
    """Consistency findings for REPORT (id or file name), or for every report.

    Checks sums, percentages, prose against tables, and other agencies' names left in the text.
    """
    from assistant.audit import audit_report
    from index.sqlstore import SQLStore

    # SQL only (no vector store), so this also works while a server holds the data folder.
    store = SQLStore(_settings(data_dir).sqlalchemy_url)
    rows = store.list_reports()
    if report is not None:
        hit = resolve_report(rows, report)
        if hit is None:
            click.echo(f"no report {report!r} (give an id or a file name from `reportqa reports`)", err=True)
            sys.exit(1)
        rows = [hit]
    findings = [f.to_dict() for r in rows for f in audit_report(store, r.id)]
    if as_json:
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
    elif not rows:
        click.echo("no reports ingested")
    else:
        click.echo(format_audit(findings, rows))


@cli.command()
@data_dir_option
@click.option("--host", default=None, help="Bind address (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
def serve(data_dir: Path | None, host: str | None, port: int | None) -> None:
    """Run the chat (/) and the JSON API (/api/v1) in one process."""
    from ui.server import serve as run

    settings = _settings(data_dir, host=host, port=port)
    _serve_or_explain(run, settings)


@cli.command()
@data_dir_option
def mcp(data_dir: Path | None) -> None:
    """Serve the MCP tools over stdio (for desktop agents; `serve` offers them at /mcp)."""
    from ui.mcp_server import serve_stdio

    settings = _settings(data_dir)
    _locked_guard(settings, serve_stdio, settings,
                  instead=f"point the MCP client at http://{settings.host}:{settings.port}/mcp instead")


@cli.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True)
def doctor(data_dir: Path | None, as_json: bool) -> None:
    """Check the optional LLM (issue 14): configured / reachable / model name. Exit 1 when configured
    but unreachable."""
    from assistant.llm import llm_status

    st = llm_status(_settings(data_dir))
    if as_json:
        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
    elif not st["configured"]:
        click.echo("LLM: not configured (set llm_base_url, e.g. http://127.0.0.1:11434/v1); answers are deterministic")
    else:
        click.echo(f"LLM: configured  {st['base_url']}\n     reachable: {'yes' if st['reachable'] else 'no'}"
                   f"{'  (' + st['error'] + ')' if st['error'] else ''}\n     model: {st['model']}"
                   + ("" if st.get("model_listed") is not False else "  (not among the models the endpoint lists)"))
    sys.exit(1 if st["configured"] and not st["reachable"] else 0)


def _serve_or_explain(run: Any, settings: Any) -> None:
    try:
        run(settings)
    except Exception as exc:  # noqa: BLE001
        if is_store_locked(exc):
            click.echo(f"the data folder {settings.data_dir} is already in use by another reportqa process", err=True)
            sys.exit(EXIT_LOCKED)
        raise


def _gate_options(f):  # noqa: ANN001, ANN202
    """One --min-…/--max-… option per eval gate (eval/gates.py GATES)."""
    from eval.gates import GATES

    for g in reversed(GATES):
        f = click.option("--" + g.option.replace("_", "-"), g.option, type=float if g.rate else int, default=None,
                         help=f"Fail {'below' if g.floor else 'above'} this {g.says}{' (0-1)' if g.rate else ''}.")(f)
    return f


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--limit", type=int, default=None, help="Only the first N questions.")
@click.option("--api", default=None, help="Score a running server through /api/v1 (e.g. http://127.0.0.1:7860).")
@_gate_options
def eval_cmd(gold: Path, data_dir: Path | None, as_json: bool, out_dir: Path | None, limit: int | None,
             api: str | None, **limits: float | int | None) -> None:
    """Score the assistant on a gold question file (JSONL); exits 1 when a gate is missed."""
    from eval.run import run_cli

    kwargs = dict(as_json=as_json, out_dir=out_dir, limit=limit, **limits)
    if api:  # a server holds the data folder: ask it like any client
        sys.exit(run_cli(gold, api=api, **kwargs))
    settings = _settings(data_dir)
    code = _locked_guard(settings, run_cli, gold, data_dir=data_dir, instead="stop it before running the evaluation",
                         **kwargs)
    sys.exit(code)


@cli.command()
@data_dir_option
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def demo(data_dir: Path | None, host: str | None, port: int | None) -> None:
    """Ingest the bundled sample reports, then serve them."""
    from ui.server import serve as run

    settings = _settings(data_dir, host=host, port=port)
    if EXAMPLES_DIR.is_dir():
        click.echo(f"ingesting the sample reports from {EXAMPLES_DIR} into {settings.data_dir}")
        run_ingest(settings, [EXAMPLES_DIR])  # a bad sample should not stop the demo
    else:
        click.echo("no bundled sample reports found; serving the existing index", err=True)
    click.echo(f"open http://{settings.host}:{settings.port}/")
    _serve_or_explain(run, settings)


def main() -> None:
    cli(prog_name="reportqa")


if __name__ == "__main__":
    main()
