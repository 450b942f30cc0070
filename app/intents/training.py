"""Train the product intent classifier from the catalog and write a versioned artifact with its metrics."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
from pydantic import BaseModel

from app.errors import ClassifierNotTrained, ConfigError
from app.intents.catalog import IntentCatalog, load_intent_catalog
from app.files import write_atomically
from app.intents.classifier import CURRENT_FILE, METADATA_FILE, IntentClassifier, resolve_artifact
from app.intents.model import ModelConfig, TextIntentModel

TRAIN_WAY_OUT = "run `switchboard ingest` (or `switchboard intents train`)"

Progress = Callable[[str, float], None]
Encoder = Callable[[list[str]], np.ndarray]


class TrainReport(BaseModel):
    """What `switchboard intents train` prints and stores as metrics.json."""

    version: str
    artifact_dir: str
    catalog_fingerprint: str
    n_intents: int
    n_examples: int
    n_out_of_scope_examples: int
    holdout_accuracy: float
    holdout_ece: float
    holdout_oos_recall: float | None
    temperature: float
    oos_threshold: float | None
    train_s: float


def _default_encoder(texts: list[str]) -> np.ndarray:
    from app.providers.local_encoder import encode

    return encode(texts)


def train_intent_classifier(
    catalog: IntentCatalog,
    out_dir: Path,
    on_progress: Progress | None = None,
    encode: Encoder | None = None,
    config: ModelConfig | None = None,
) -> TrainReport:
    """Fit on every example of the catalog; write `out_dir/<version>/` and point `out_dir/CURRENT` at it."""
    report = on_progress or (lambda _stage, _fraction: None)
    encode = encode or _default_encoder
    started = time.perf_counter()
    texts, labels = catalog.training_pairs()
    report(f"embedding {len(texts)} examples", 0.0)
    emb = encode(texts)
    oos = catalog.out_of_scope_examples
    oos_emb = encode(oos) if oos else None
    report("fitting", 0.3)
    model = TextIntentModel(config or ModelConfig(oos_target_recall=catalog.out_of_scope_recall))
    fit = model.fit(texts, labels, emb, oos or None, oos_emb,
                    on_progress=lambda stage, f: report(stage, 0.3 + 0.65 * f))
    trained_at = datetime.now(timezone.utc)
    version = f"{trained_at:%Y%m%dT%H%M%SZ}-{catalog.fingerprint}"
    train_s = time.perf_counter() - started
    metrics = {
        "holdout_accuracy": round(fit.holdout_accuracy, 4),
        "holdout_ece": round(fit.holdout_ece, 4),
        "holdout_oos_recall": None if fit.holdout_oos_recall is None else round(fit.holdout_oos_recall, 4),
        "temperature": round(fit.temperature, 4),
        "oos_threshold": fit.oos_threshold,
        "n_examples": len(texts),
        "n_out_of_scope_examples": len(oos),
        "train_s": round(train_s, 1),
    }
    metadata = {
        "version": version,
        "trained_at": trained_at.isoformat(),
        "catalog_fingerprint": catalog.fingerprint,
        "method": "all-MiniLM-L6-v2 + word/char TF-IDF -> linear SVM, temperature-scaled; kNN+max-prob OOS",
        "intents": catalog.names,
        "metrics": metrics,
    }
    tiers = {i.name: i.tier for i in catalog.intents}
    out_dir = Path(out_dir)
    artifact = IntentClassifier(model, tiers, metadata).save(out_dir / version)
    write_atomically(out_dir / CURRENT_FILE, (version + "\n").encode("utf-8"))
    report("saved", 1.0)
    return TrainReport(
        version=version, artifact_dir=str(artifact), catalog_fingerprint=catalog.fingerprint,
        n_intents=len(catalog.intents), n_examples=len(texts), n_out_of_scope_examples=len(oos),
        holdout_accuracy=fit.holdout_accuracy, holdout_ece=fit.holdout_ece,
        holdout_oos_recall=fit.holdout_oos_recall, temperature=fit.temperature,
        oos_threshold=fit.oos_threshold, train_s=train_s,
    )


def artifact_fingerprint(artifact_dir: Path) -> str | None:
    """The catalog fingerprint the current artifact was trained on, or None when there is none."""
    try:
        directory = resolve_artifact(Path(artifact_dir))
        return json.loads((directory / METADATA_FILE).read_text(encoding="utf-8")).get("catalog_fingerprint")
    except (ConfigError, OSError, json.JSONDecodeError):
        return None


def load_or_train(
    catalog_path: Path, artifact_dir: Path, on_progress: Progress | None = None, encode: Encoder | None = None
) -> IntentClassifier:
    """Load the current artifact; retrain first when it is missing or the catalog changed since."""
    catalog = load_intent_catalog(catalog_path)
    if artifact_fingerprint(artifact_dir) != catalog.fingerprint:
        train_intent_classifier(catalog, artifact_dir, on_progress=on_progress, encode=encode)
    classifier = IntentClassifier.load(artifact_dir)
    if encode is not None:
        classifier._encode = encode
    return classifier


def load_current(catalog_path: Path, artifact_dir: Path) -> IntentClassifier:
    """The classifier trained on the catalog as it is now, never training (for serving).

    Raises `ClassifierNotTrained` with the way out when the artifact is missing, unreadable, or trained on
    another version of the catalog.
    """
    catalog = load_intent_catalog(catalog_path)
    artifact_dir = Path(artifact_dir)
    try:
        directory = resolve_artifact(artifact_dir)
    except ConfigError:
        raise ClassifierNotTrained(f"no intent classifier in {artifact_dir}: {TRAIN_WAY_OUT}") from None
    try:
        classifier = IntentClassifier.load(directory)
    except ConfigError as exc:
        raise ClassifierNotTrained(str(exc)) from None
    if classifier.metadata.get("catalog_fingerprint") != catalog.fingerprint:
        raise ClassifierNotTrained(
            f"the intent classifier in {directory} was trained on another version of {catalog_path}: {TRAIN_WAY_OUT}"
        )
    return classifier
