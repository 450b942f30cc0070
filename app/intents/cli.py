"""`switchboard intents …`: train the intent classifier with a progress bar (mount `intents_app` in app.cli)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from app.intents.catalog import load_intent_catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CATALOG = REPO_ROOT / "knowledge" / "intents.yaml"
DEFAULT_ARTIFACTS = REPO_ROOT / "var" / "intents"

intents_app = typer.Typer(help="Intent catalog and classifier.", no_args_is_help=True)


@intents_app.callback()
def _group() -> None:
    """Intent catalog and classifier."""


@intents_app.command("train")
def train(
    catalog: Path = typer.Option(DEFAULT_CATALOG, help="Intent catalog YAML."),
    out: Path = typer.Option(DEFAULT_ARTIFACTS, help="Artifact directory (a versioned subdir is written)."),
) -> None:
    """Train the fast intent classifier and write a versioned artifact with its metrics."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from app.intents.training import train_intent_classifier

    parsed = load_intent_catalog(catalog)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()) as bar:
        task = bar.add_task("training", total=1.0)
        report = train_intent_classifier(
            parsed, out, on_progress=lambda stage, f: bar.update(task, completed=f, description=stage)
        )
    typer.echo(json.dumps(report.model_dump(), indent=2))


if __name__ == "__main__":  # pragma: no cover
    intents_app()
