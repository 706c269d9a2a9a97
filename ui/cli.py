"""The ``reportqa`` command: ingest, ask, reports, serve, eval, demo.

Heavy imports (torch, Qdrant, Gradio) happen inside the commands so ``reportqa --help`` is fast.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
EXIT_LOCKED = 2
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "reports"

data_dir_option = click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                               help="Index folder (default: $REPORTQA_DATA_DIR or the user data folder).")


def _settings(data_dir: Path | None, **overrides: Any):
    from index.settings import load_settings
    return load_settings(data_dir=data_dir, **overrides)


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest (folders walked recursively for known formats) and paths that do not exist.

    A file named explicitly is passed on whatever its suffix, so the reader can say why it fails.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            found = [p]
        else:
            missing.append((str(p), "no such file or folder"))
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, missing


_LOCK_SIGNS = ("already accessed by another instance", "in use by another reportqa process")


def is_store_locked(exc: object) -> bool:
    """Embedded Qdrant refuses a second client on the same folder; index/vectors.py may rewrap it."""
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


def format_result(r: Any) -> str:
    if r.status == "unchanged":  # nothing was parsed, so there are no fresh counts to show
        return f"{r.status:<9} {r.path}  ({r.title or '?'})"
    return f"{r.status:<9} {r.path}  ({r.title or '?'}, {r.n_sections} sections, {r.n_facts} facts)"


def run_ingest(settings: Any, paths: list[Path], echo=click.echo) -> int:
    """Ingest ``paths`` and print one line per file; returns the exit code."""
    from index.pipeline import Indexer

    files, missing = collect_files(paths)
    for path, reason in missing:
        echo(f"{path}: {reason}", err=True)
    if not files and not missing:
        echo("no report files found (looked for " + ", ".join(sorted(SUFFIXES)) + ")", err=True)
        return 1
    counts: dict[str, int] = {}
    if files:
        indexer = _locked_guard(settings, Indexer, settings)
        try:
            # One file at a time so each line shows as soon as its file is done (embedding is slow).
            for f in files:
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


def _one_line(s: str) -> str:
    return " ".join((s or "").split())


def format_answer(d: dict) -> str:
    """Plain-text rendering of ``Answer.to_dict()`` for the terminal."""
    out = [d.get("answer") or ""]
    if d.get("arithmetic"):
        out.append(f"calculation: {d['arithmetic']}")
    cites = d.get("citations") or []
    if cites:
        out.append("")
        for i, c in enumerate(cites, 1):
            where = " › ".join(x for x in (c.get("report") or c.get("source"), c.get("section")) if x)
            cell = " / ".join(x for x in (c.get("row_label"), c.get("col_label")) if x)
            out.append(f"[{i}] {where}" + (f"  ({cell})" if cell else ""))
            out.append(f"    「{_one_line(c.get('quote', ''))}」")
    if d.get("sql"):
        out.append("")
        out.append("SQL:")
        out.extend("    " + ln for ln in d["sql"].strip().splitlines())
    for k in d.get("conflicts") or []:
        vals = " / ".join(str(v) for v in k.get("values") or [])
        out.append("")
        out.append(f"conflict: {k.get('metric', '')}: {vals}" + (f" ({k['note']})" if k.get("note") else ""))
        for c in k.get("citations") or []:
            out.append(f"    {c.get('report', '')} › {c.get('section', '')}: 「{_one_line(c.get('quote', ''))}」")
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
def ask(question: str, data_dir: Path | None, as_json: bool, session: str | None) -> None:
    """Answer QUESTION with citations."""
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
        m = r.meta
        click.echo(f"{r.id:>4}  {m.year or '----'}  {m.region or '?':<12} {m.title or '?'}  ({r.source})")


@cli.command()
@data_dir_option
@click.option("--host", default=None, help="Bind address (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
def serve(data_dir: Path | None, host: str | None, port: int | None) -> None:
    """Run the chat (/) and the JSON API (/api/v1) in one process."""
    from ui.server import serve as run

    settings = _settings(data_dir, host=host, port=port)
    _serve_or_explain(run, settings)


def _serve_or_explain(run: Any, settings: Any) -> None:
    try:
        run(settings)
    except Exception as exc:  # noqa: BLE001
        if is_store_locked(exc):
            click.echo(f"the data folder {settings.data_dir} is already in use by another reportqa process", err=True)
            sys.exit(EXIT_LOCKED)
        raise


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@data_dir_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--min-numeric", type=float, default=None, help="Fail below this numeric accuracy (0-1).")
@click.option("--min-citation", type=float, default=None, help="Fail below this citation accuracy (0-1).")
@click.option("--max-fabricated", type=int, default=None, help="Fail above this many fabricated answers.")
@click.option("--limit", type=int, default=None, help="Only the first N questions.")
def eval_cmd(gold: Path, data_dir: Path | None, as_json: bool, out_dir: Path | None,
             min_numeric: float | None, min_citation: float | None, max_fabricated: int | None,
             limit: int | None) -> None:
    """Score the assistant on a gold question file (JSONL)."""
    from eval.run import run_cli

    settings = _settings(data_dir)
    code = _locked_guard(settings, run_cli, gold, data_dir=data_dir, as_json=as_json, out_dir=out_dir,
                         min_numeric=min_numeric, min_citation=min_citation, max_fabricated=max_fabricated,
                         limit=limit, instead="stop it before running the evaluation")
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
