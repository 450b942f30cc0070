"""`switchboard` command line: ask, chat, resume, ingest, doctor, intents, audit, report, eval, calibrate."""

from __future__ import annotations

import itertools
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.errors import SwitchboardError, UsageError

app = typer.Typer(help="Switchboard: customer support that routes each message to the right desk.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
intents_app = typer.Typer(help="Intent classifier.", no_args_is_help=True)
audit_app = typer.Typer(help="Audit trail.", no_args_is_help=True)
app.add_typer(intents_app, name="intents")
app.add_typer(audit_app, name="audit")

out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


class _OneLineWarnings(logging.Handler):
    """Print Switchboard warnings as one line on stderr, never a stack trace."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/] {record.getMessage()}", highlight=False, soft_wrap=True)


def _setup_logging() -> None:
    log = logging.getLogger("switchboard")
    if not any(isinstance(h, _OneLineWarnings) for h in log.handlers):
        log.addHandler(_OneLineWarnings(level=logging.WARNING))
    log.propagate = False
    for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _bot():
    from app.api import Switchboard

    return Switchboard()


# --- ask / chat / resume ----------------------------------------------------------------------------
@app.command()
def ask(
    message: Annotated[str, typer.Argument(help="The customer's message.")],
    thread: Annotated[Optional[str], typer.Option("--thread", "-t", help="Continue this conversation.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (the API's Reply).")] = False,
    show_trace: Annotated[bool, typer.Option("--trace", help="Also print what each step did.")] = False,
) -> None:
    """Answer one customer message from the approved knowledge base."""
    if not message.strip():
        raise UsageError("the message is empty: say what the customer asked")
    reply = _bot().ask(message, thread_id=thread)
    if as_json:
        print(reply.model_dump_json())
        return
    _print_reply(reply, show_trace)


def _print_reply(reply, show_trace: bool = False) -> None:
    out.print(reply.answer, highlight=False)
    out.print()
    for c in reply.citations:
        out.print(f"[dim]cited:[/] {c.doc_id} v{c.version} — {c.section}", highlight=False)
    reason = f" ({reply.escalation_reason})" if reply.escalation_reason else ""
    out.print(
        f"[dim]route:[/] {reply.route}{reason}  [dim]answered by:[/] {reply.answered_by}  "
        f"[dim]intent:[/] {reply.intent} ({reply.confidence:.2f})  [dim]latency:[/] {reply.latency_ms:.0f} ms  "
        f"[dim]cost:[/] ${reply.cost_usd:.6f}  [dim]thread:[/] {reply.thread_id}",
        highlight=False,
    )
    if reply.awaiting_human:
        out.print(f"[yellow]waiting for an agent[/]: switchboard resume {reply.thread_id} \"<agent reply>\"")
    if show_trace:
        _print_trace(reply.trace)


def _print_trace(trace) -> None:
    table = Table("node", "decision", "model", "tokens", "ms", "score/threshold", "detail", title="trace")
    for e in trace:
        st = "" if e.score is None else f"{e.score:.2f}" + ("" if e.threshold is None else f" / {e.threshold:.2f}")
        table.add_row(e.node, e.decision, e.model or "", f"{e.tokens_in}/{e.tokens_out}" if e.model else "",
                      f"{e.latency_ms:.0f}", st, e.detail[:80])
    out.print(table)


@app.command()
def chat(thread: Annotated[Optional[str], typer.Option("--thread", "-t", help="Continue this conversation.")] = None) -> None:
    """Multi-turn conversation in the terminal, streaming the answer as it is written."""
    bot = _bot()
    out.print("[dim]Type your message; an empty line or Ctrl-D ends the chat.[/]")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        except UnicodeDecodeError:
            err.print("[red]error:[/] that line is not valid UTF-8 text; nothing was sent", highlight=False)
            continue
        if not text:
            break
        try:
            pieces = bot.stream(text, thread_id=thread)
            first = next(pieces)
        except UsageError as exc:  # a message the edge refuses: say why, keep the chat going
            err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
            continue
        out.print("bot> ", end="")
        streamed = []
        for piece in itertools.chain([first], pieces):
            if isinstance(piece, str):
                streamed.append(piece)
                out.print(piece, end="", highlight=False)
                continue
            reply, thread = piece, piece.thread_id
            if "".join(streamed).strip() != reply.answer.strip():
                if streamed:
                    out.print("\n[dim](revised after the policy check)[/]")
                out.print(reply.answer, end="", highlight=False)
            out.print()
            cites = ", ".join(f"{c.doc_id} v{c.version}" for c in reply.citations) or "none"
            out.print(f"[dim]route={reply.route} by={reply.answered_by} cited={cites} {reply.latency_ms:.0f} ms[/]")
            if reply.awaiting_human:
                out.print(f"[yellow]waiting for an agent[/]: switchboard resume {reply.thread_id} \"<agent reply>\"")
                return
    out.print(f"[dim]thread: {thread}[/]" if thread else "")


@app.command()
def resume(
    thread: Annotated[str, typer.Argument(help="Thread waiting for an agent.")],
    reply: Annotated[str, typer.Argument(help="The agent's reply to the customer.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Answer a handed-off thread as the human agent."""
    result = _bot().resume(thread, reply)
    print(result.model_dump_json()) if as_json else _print_reply(result)


# --- ingest / intents -------------------------------------------------------------------------------
def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


@app.command()
def ingest(rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the collection and load everything again; a damaged store is moved aside first.")] = False) -> None:
    """Load knowledge/policies into Chroma (idempotent) and train the intent classifier if needed."""
    from rich.markup import escape

    from app.config import load_settings
    from app.knowledge.documents import load_policies
    from app.knowledge.ingest import ingest_knowledge

    settings = load_settings()
    n_docs = len(load_policies(settings.policies_dir))
    with _progress() as progress:
        task = progress.add_task("ingesting policies", total=n_docs)
        report = ingest_knowledge(settings, rebuild=rebuild, flag_document=_document_flagger(),
                                  on_progress=lambda _msg: progress.advance(task))
        progress.update(task, completed=n_docs)
    table = Table("document", "version", "status", "chunks", "note", title=f"knowledge base: {settings.chroma_url or settings.chroma_path}")
    for entry in report.entries:
        table.add_row(entry.doc_id, entry.version, entry.status, str(entry.chunks), entry.reason or "")
    if report.moved_aside:
        err.print(f"[yellow]warning:[/] the knowledge base was damaged: moved it aside to {escape(report.moved_aside)} "
                  "and built a new one", highlight=False, soft_wrap=True)
    out.print(table)
    out.print(report.summary())
    _ensure_classifier(settings)


def _document_flagger():
    """Indirect-injection check for ingestion, when the guardrails are installed."""
    try:
        from app.guardrails.ingestion import flag_document_instructions
    except ImportError:
        return None
    return lambda doc: flag_document_instructions(doc.body)


def _ensure_classifier(settings, force: bool = False) -> None:
    """Train the intent classifier when its catalog changed (or always, with `force`), then load it."""
    from app.intents.catalog import load_intent_catalog
    from app.intents.classifier import load_or_train
    from app.intents.training import train_intent_classifier

    catalog_path = settings.knowledge_dir / "intents.yaml"
    catalog = load_intent_catalog(catalog_path)  # a broken catalog is one error line, before any progress bar
    with _progress() as progress:
        task = progress.add_task("intent classifier", total=1.0)

        def on_progress(stage: str, fraction: float) -> None:
            progress.update(task, description=f"intent classifier: {stage}", completed=fraction)

        if force:
            train_intent_classifier(catalog, settings.intent_model_dir, on_progress=on_progress)
        classifier = load_or_train(catalog_path, settings.intent_model_dir, on_progress=on_progress)
        progress.update(task, completed=1.0)
    metrics = (getattr(classifier, "metadata", None) or {}).get("metrics", {})
    shown = {k: v for k, v in metrics.items() if isinstance(v, (int, float))}
    out.print(f"intent classifier: {settings.intent_model_dir} {json.dumps(shown)[:300]}", highlight=False)


@intents_app.command("train")
def intents_train() -> None:
    """Train the intent classifier from knowledge/intents.yaml (writes a versioned artifact)."""
    from app.config import load_settings

    _ensure_classifier(load_settings(), force=True)


# --- doctor -----------------------------------------------------------------------------------------
@app.command()
def doctor() -> None:
    """Explain which providers answer, which models and paths are used, and what is missing."""
    from rich.markup import escape

    from app.doctor import run_checks

    table = Table("component", "status", "detail", "how to fix", title="switchboard doctor")
    worst = 0
    for check in run_checks():
        colour = {"ok": "green", "warn": "yellow", "missing": "red", "error": "red"}[check.status]
        # details quote files and errors ("[Errno 2]", "[unclosed"): shown as text, not as rich markup
        table.add_row(escape(check.component), f"[{colour}]{check.status}[/]", escape(check.detail), escape(check.fix))
        worst = max(worst, {"ok": 0, "warn": 0, "missing": 1, "error": 1}[check.status])
    out.print(table)
    raise typer.Exit(worst)


# --- audit / report / eval / calibrate ------------------------------------------------------------
def _audit_records(thread: str | None = None):
    from app.audit.store import open_audit_store
    from app.config import load_settings

    settings = load_settings()
    if not settings.database_dsn and not settings.audit_path.exists():
        raise UsageError(f"no audit trail at {settings.audit_path}: ask something first")
    store = open_audit_store(settings.audit_path, settings.database_dsn)
    return store.thread(thread) if thread else store.all()


@audit_app.command("show")
def audit_show(thread: Annotated[str, typer.Argument(help="Thread id (see `ask` output).")]) -> None:
    """Render one thread's turns from the audit trail."""
    from app.audit.report import render_thread

    records = _audit_records(thread)
    if not records:
        raise UsageError(f"no audited turns for thread '{thread}'")
    render_thread(records, out)


@app.command()
def report(plots: Annotated[Optional[Path], typer.Option("--plots", help="Write PNG charts to this folder.")] = None) -> None:
    """Containment, escalations, handoffs, refusals, latency per route and cost vs an all-LLM baseline."""
    from app.audit.report import compute_metrics, render_metrics

    metrics = compute_metrics(_audit_records())
    render_metrics(metrics, out)
    if plots:
        from app.audit.plots import write_plots

        for path in write_plots(metrics, plots):
            out.print(f"wrote {path}")


def _run_eval(dataset: Path, out_dir: Optional[Path]):
    from app.api import Switchboard
    from app.evaluation.dataset import load_eval_dataset
    from app.evaluation.harness import replaying_ask, run_eval

    cases = load_eval_dataset(dataset)
    bot = Switchboard()
    llm = None if bot.deps.llm_spec == "none" else bot.deps.llm_spec
    with _progress() as progress:
        task = progress.add_task(f"evaluating {dataset.name}", total=len(cases))
        result = run_eval(cases, replaying_ask(bot), out_dir, bot.deps.pricing,
                          on_progress=lambda done, total, _case: progress.update(task, completed=done),
                          thresholds=bot.settings.routing, llm_model=llm, dataset_name=dataset.name)
    return bot, result


@app.command("eval")
def eval_command(
    dataset: Annotated[Path, typer.Option("--dataset", help="JSONL evaluation cases.", exists=True, dir_okay=False)],
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Folder for eval.json, eval.md and PNG charts.")] = None,
) -> None:
    """Route every case of a dataset and score routing, containment, escalation recall, cost and content."""
    from app.evaluation.harness import summary_line

    _bot_, result = _run_eval(dataset, out_dir)
    if out_dir:
        out.print(f"wrote {out_dir}/eval.json, eval.md and charts")
    print(json.dumps(summary_line(result)))


@app.command()
def calibrate(
    dataset: Annotated[Path, typer.Option("--dataset", help="JSONL evaluation cases.", exists=True, dir_okay=False)],
    target_escalation_recall: Annotated[float, typer.Option(min=0.0, max=1.0, help="Required recall of llm+human cases.")] = 0.95,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the choice without writing the config file.")] = False,
) -> None:
    """Sweep routing thresholds, pick the cheapest meeting the recall target, write it to the config file."""
    from app.config import default_config_file
    from app.evaluation.calibrate import calibrate as sweep
    from app.evaluation.calibrate import render_calibration, write_thresholds_to_config

    bot, result = _run_eval(dataset, None)
    choice = sweep(result, target_escalation_recall, current=bot.settings.routing)
    render_calibration(choice, out)
    if not dry_run:
        path = default_config_file()
        write_thresholds_to_config(path, choice.chosen.thresholds)
        out.print(f"wrote routing thresholds to {path}")
    print(json.dumps({"met_target": choice.met_target, "thresholds": choice.chosen.thresholds.model_dump()}))


def main() -> None:
    """Entry point: named errors become one line on stderr and their exit code (2 for usage errors)."""
    _setup_logging()
    try:
        result = app(standalone_mode=False)
        if isinstance(result, int):
            sys.exit(result)
    except SwitchboardError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        sys.exit(130)
    except Exception as exc:  # click's usage errors and exits (typer vendors click, so match by shape)
        if type(exc).__name__ == "Exit":
            sys.exit(getattr(exc, "exit_code", 0))
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            err.print(f"[red]error:[/] {exc.format_message()}", highlight=False, soft_wrap=True)
            sys.exit(2)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
