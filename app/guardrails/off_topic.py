"""Off-topic signal: is this message about the shop at all? A logistic head on the message's MiniLM embedding.

The score is a routing signal, not a block on its own: the router blocks a message as off-topic only when
the intent classifier also finds no shop intent (see `app.routing.choose_desk`). The head abstains (score 0)
on messages that name the shop's own business or do not look English (it was trained on English only).

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
from app.translation import has_non_latin_letters, words_of

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


def abstains(text: str, shop_words: frozenset[str], foreign_words: frozenset[str]) -> str | None:
    """Why the head should not judge this message, if it should not."""
    words = set(words_of(text))
    if words & shop_words:
        return "mentions the shop's business"
    if words & foreign_words or has_non_latin_letters(text):
        return "not English"
    return None


def score_off_topic(
    text: str, shop_words: frozenset[str], foreign_words: frozenset[str], embedding: np.ndarray | None = None
) -> Verdict:
    """P(not about the shop) as a verdict that never blocks by itself (the router combines it with the intent)."""
    model = load_off_topic_model()
    if model is None:
        return Verdict(rail="off_topic", action="pass", reason="no off-topic model shipped", score=0.0)
    reason = abstains(text, shop_words, foreign_words)
    if reason:
        return Verdict(rail="off_topic", action="pass", reason=f"abstained: {reason}", score=0.0)
    if embedding is None:
        from app.providers.local_encoder import encode

        embedding = encode([text])[0]
    return Verdict(rail="off_topic", action="pass", reason="scored", score=round(off_topic_probability(embedding, model), 4))
