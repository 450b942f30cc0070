"""The trained intent classifier the graph loads at start-up: predict(text, history) -> IntentPrediction."""

from __future__ import annotations

import json
import pickle
from functools import cache
from pathlib import Path
from typing import Any, Callable, Literal, Sequence

import numpy as np
from pydantic import BaseModel, Field

from app.errors import ConfigError
from app.files import write_atomically
from app.intents.context import ContextPolicy, choose_with_context, combine_with_history
from app.intents.model import TextIntentModel

PredictionTier = Literal["routine", "complex", "sensitive", "out_of_scope"]
ARTIFACT_FORMAT = 1
MODEL_FILE = "model.pkl"
METADATA_FILE = "metadata.json"
METRICS_FILE = "metrics.json"
CURRENT_FILE = "CURRENT"


class IntentPrediction(BaseModel):
    """What the customer wants, how sure we are, and how we decided."""

    intent: str | None = Field(description="Intent name; None means out of scope.")
    tier: PredictionTier = Field(description="The intent's tier, or out_of_scope.")
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability that `intent` is right.")
    candidates: list[tuple[str, float]] = Field(default_factory=list, description="Top 3 (intent, probability).")
    used_context: bool = Field(default=False, description="True when earlier turns decided the intent.")
    source: Literal["classifier", "slm_fallback"] = "classifier"
    in_scope_score: float | None = Field(default=None, description="OOS score compared with the threshold.")


class IntentClassifier:
    """A fitted TextIntentModel + the intent tiers + metadata (version, trained_at, metrics)."""

    def __init__(
        self,
        model: TextIntentModel,
        tiers: dict[str, str],
        metadata: dict[str, Any],
        encode: Callable[[list[str]], np.ndarray] | None = None,
        context_policy: ContextPolicy | None = None,
    ) -> None:
        self.model = model
        self.tiers = tiers
        self.metadata = metadata
        self.context_policy = context_policy or ContextPolicy()
        self._encode = encode

    @property
    def intent_names(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self._encode is None:
            from app.providers.local_encoder import encode

            self._encode = encode
        return self._encode(texts)

    def predict_many(self, texts: Sequence[str]) -> list[IntentPrediction]:
        """Context-free predictions for a batch (evaluation, warm-up)."""
        texts = list(texts)
        emb = self._embed(texts)
        limit_blas_to_one_thread()
        with sklearn_inference():
            proba = self.model.predict_proba(texts, emb)
        scores = self.model.in_scope_score(proba, emb)
        oos = self.model.out_of_scope(proba, emb, scores)
        return [self._to_prediction(p, s, o) for p, s, o in zip(proba, scores, oos)]

    def _to_prediction(self, proba: np.ndarray, score: float, oos: bool) -> IntentPrediction:
        order = np.argsort(-proba)[:3]
        candidates = [(str(self.model.classes_[i]), round(float(proba[i]), 4)) for i in order]
        best, confidence = candidates[0]
        if oos:
            return IntentPrediction(intent=None, tier="out_of_scope", confidence=float(proba[order[0]]),
                                    candidates=candidates, in_scope_score=float(score))
        return IntentPrediction(intent=best, tier=self.tiers[best], confidence=float(proba[order[0]]),
                                candidates=candidates, in_scope_score=float(score))

    def predict(self, text: str, history: Sequence[str] = ()) -> IntentPrediction:
        """Classify one customer message; `history` is the earlier user turns, oldest first."""
        text = text.strip()
        alone = self.predict_many([text])[0]
        if not history or not self.context_policy.wants_context(text, alone.confidence, alone.intent is None):
            return alone
        combined = self.predict_many([combine_with_history(text, history)])[0]
        return choose_with_context(text, alone, combined, self.context_policy)

    # ---------------------------------------------------------------- persistence
    def save(self, directory: Path) -> Path:
        """Write model.pkl + metadata.json + metrics.json into `directory` (created)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        # each file is written beside its final name and renamed: a process loading the classifier while
        # another retrains it sees the old file or the new one, never half of one
        payload = pickle.dumps({"format": ARTIFACT_FORMAT, "model": self.model, "tiers": self.tiers})
        write_atomically(directory / MODEL_FILE, payload)
        write_atomically(directory / METADATA_FILE, json.dumps(self.metadata, indent=2).encode("utf-8"))
        write_atomically(directory / METRICS_FILE, json.dumps(self.metadata.get("metrics", {}), indent=2).encode("utf-8"))
        return directory

    @classmethod
    def load(cls, directory: Path) -> "IntentClassifier":
        """Load an artifact dir, or the newest one named by `CURRENT` in a parent dir.

        The model is a pickle: load only artifacts this application wrote itself.
        """
        directory = resolve_artifact(Path(directory))
        try:
            with (directory / MODEL_FILE).open("rb") as handle:
                payload = pickle.load(handle)  # noqa: S301 - our own artifact
            metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
        except Exception as exc:  # a truncated or damaged pickle can raise almost anything
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise ConfigError(
                f"intent classifier artifact {directory} is unreadable ({reason}); run `switchboard intents train`"
            ) from exc
        if not isinstance(payload, dict) or payload.get("format") != ARTIFACT_FORMAT:
            found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
            raise ConfigError(f"{directory}: artifact format {found} is not {ARTIFACT_FORMAT}; "
                              "run `switchboard intents train`")
        return cls(payload["model"], payload["tiers"], metadata)


@cache
def limit_blas_to_one_thread() -> None:
    """Limit the BLAS pools loaded so far to one thread, once per process (process-wide).

    The head's products are tiny: a BLAS pool competing with the encoder's threads on a small CPU turned a
    sub-millisecond head into tens or hundreds of ms (see docs/intents.md, Latency). Setting the limit on
    every call instead cost ~4 ms a turn (threadpoolctl scans the loaded libraries each time) and raced
    between concurrent turns.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def sklearn_inference():  # type: ignore[no-untyped-def]
    """scikit-learn without its per-call input checks, for the learned heads' predictions.

    The inputs are our own finite feature matrices; the checks (parameter validation, finiteness, dataframe
    sniffing) cost ~0.15 ms per call, a visible share of a ~2 ms prediction. Thread-local, so safe per turn.
    """
    import sklearn

    return sklearn.config_context(assume_finite=True, skip_parameter_validation=True)


def resolve_artifact(directory: Path) -> Path:
    """`directory` itself if it holds a model, else the version named in its CURRENT file."""
    if (directory / MODEL_FILE).is_file():
        return directory
    pointer = directory / CURRENT_FILE
    if pointer.is_file():
        candidate = directory / pointer.read_text(encoding="utf-8").strip()
        if (candidate / MODEL_FILE).is_file():
            return candidate
    raise ConfigError(f"no intent classifier artifact in {directory}; run `switchboard intents train`")


def train_intent_classifier(catalog, out_dir: Path, on_progress=None, **kwargs):  # type: ignore[no-untyped-def]
    """Re-export of `app.intents.training.train_intent_classifier` (lazy, avoids an import cycle)."""
    from app.intents.training import train_intent_classifier as _train

    return _train(catalog, out_dir, on_progress=on_progress, **kwargs)


def load_or_train(catalog_path: Path, artifact_dir: Path, on_progress=None, **kwargs) -> IntentClassifier:  # type: ignore[no-untyped-def]
    """Re-export of `app.intents.training.load_or_train` (lazy, avoids an import cycle)."""
    from app.intents.training import load_or_train as _load_or_train

    return _load_or_train(catalog_path, artifact_dir, on_progress=on_progress, **kwargs)



def load_current(catalog_path: Path, artifact_dir: Path) -> IntentClassifier:
    """Re-export of `app.intents.training.load_current` (lazy, avoids an import cycle)."""
    from app.intents.training import load_current as _load_current

    return _load_current(catalog_path, artifact_dir)
