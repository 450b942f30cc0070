"""Off-topic rail: is this message about the shop at all? A logistic head on the message's MiniLM embedding.

Trained by `python -m benchmarks.off_topic --train` on customer-service utterances (Bitext, our intent
examples) against everyday assistant requests that are not about a shop (CLINC150 train: travel, cooking,
weather, timers, work, small talk…, plus its out-of-scope questions). Stored as plain arrays
(`off_topic_model.npz`), not a pickle. The message embedding is the one the turn computes anyway.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from app.guardrails.verdict import Verdict

MODEL_PATH = Path(__file__).with_name("off_topic_model.npz")


@lru_cache(maxsize=2)
def load_off_topic_model(path: str = str(MODEL_PATH)) -> tuple[np.ndarray, float] | None:
    """(weights, bias) of the shipped head, or None when the file is missing."""
    if not Path(path).is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        return data["weights"].astype(np.float32), float(data["bias"])


def off_topic_probability(embedding: np.ndarray, model: tuple[np.ndarray, float]) -> float:
    """P(off-topic) for one L2-normalised MiniLM embedding."""
    weights, bias = model
    z = float(np.asarray(embedding, dtype=np.float32).reshape(-1) @ weights + bias)
    return 1.0 / (1.0 + np.exp(-z))


def check_off_topic(text: str, threshold: float, embedding: np.ndarray | None = None) -> Verdict:
    """Block messages that are clearly not about the shop (weather, recipes, homework…)."""
    model = load_off_topic_model()
    if model is None:
        return Verdict(rail="off_topic", action="pass", reason="no off-topic model shipped", score=0.0)
    if embedding is None:
        from app.providers.local_encoder import encode

        embedding = encode([text])[0]
    p = off_topic_probability(embedding, model)
    if p >= threshold:
        return Verdict(rail="off_topic", action="block", reason="not about our shop", score=round(p, 4))
    return Verdict(rail="off_topic", action="pass", reason="on topic", score=round(p, 4))
