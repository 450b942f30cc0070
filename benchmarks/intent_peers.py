"""Peers for `benchmarks.intents --peers`: semantic-router (PyPI) and a plain 1-nearest-neighbour baseline.

Both use the same frozen all-MiniLM-L6-v2 embeddings as our classifier and the same out-of-scope rule
(the threshold that rejects 80 % of the OOS training examples, scored by a model fitted on the other 85 %
of train), so the table compares the decision heads, not the encoder or the operating point.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

import numpy as np
from sklearn.model_selection import train_test_split

from app.intents.model import ModelConfig, threshold_for_recall

OOS_RECALL = ModelConfig().oos_target_recall

Predict = Callable[[str], tuple[str | None, float]]


def _split(labels: list[str], seed: int = 13, fraction: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    idx = np.arange(len(labels))
    return train_test_split(idx, test_size=fraction, random_state=seed, stratify=labels)


# ------------------------------------------------------------------ 1-NN


class NearestNeighbour:
    """Cosine 1-NN over the training embeddings; confidence = best cosine similarity."""

    def __init__(self, embeddings: np.ndarray, labels: list[str]) -> None:
        self.matrix = np.asarray(embeddings, dtype=np.float32)
        self.labels = np.array(labels)
        self.threshold: float | None = None

    def scores(self, query_embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sims = np.asarray(query_embeddings, dtype=np.float32) @ self.matrix.T
        best = sims.argmax(axis=1)
        return self.labels[best], sims[np.arange(len(best)), best]

    def predict(self, query_embeddings: np.ndarray) -> list[str | None]:
        labels, conf = self.scores(query_embeddings)
        if self.threshold is None:
            return list(labels)
        return [lab if c >= self.threshold else None for lab, c in zip(labels, conf)]


def fit_nearest_neighbour(
    embeddings: np.ndarray, labels: list[str], oos_embeddings: np.ndarray | None
) -> NearestNeighbour:
    if oos_embeddings is not None and len(oos_embeddings):
        tr, ho = _split(labels)
        probe = NearestNeighbour(embeddings[tr], [labels[i] for i in tr])
        _, oos_conf = probe.scores(oos_embeddings)
        threshold = threshold_for_recall(oos_conf, OOS_RECALL)
    else:
        threshold = None
    model = NearestNeighbour(embeddings, labels)
    model.threshold = threshold
    return model


# ------------------------------------------------------------------ semantic-router


def _cached_encoder(cache: dict[str, list[float]], encode: Callable[[list[str]], np.ndarray]) -> Any:
    from semantic_router.encoders.base import DenseEncoder

    class CachedMiniLM(DenseEncoder):
        """The same MiniLM, with a text->vector cache so the benchmark embeds each text once."""

        name: str = "all-MiniLM-L6-v2"

        def __call__(self, docs: list[Any]) -> list[list[float]]:
            missing = [d for d in dict.fromkeys(docs) if d not in cache]
            if missing:
                for text, vec in zip(missing, encode(missing)):
                    cache[text] = vec.tolist()
            return [cache[d] for d in docs]

    return CachedMiniLM()


def fit_semantic_router(
    texts: list[str],
    labels: list[str],
    embeddings: np.ndarray,
    oos_texts: list[str],
    oos_embeddings: np.ndarray | None,
    encode: Callable[[list[str]], np.ndarray],
) -> tuple[Any, dict[str, list[float]]]:
    """An IndexedRouter (defaults: top_k=5, mean aggregation) with Platt calibration fitted on a
    held-out train fold (OOS examples labelled None), and the OOS bar chosen like ours."""  # noqa: D401
    from semantic_router import IndexedRouter, Route

    logging.getLogger("semantic_router").setLevel(logging.ERROR)
    cache: dict[str, list[float]] = {t: e.tolist() for t, e in zip(texts, embeddings)}
    if oos_embeddings is not None:
        cache.update({t: e.tolist() for t, e in zip(oos_texts, oos_embeddings)})
    encoder = _cached_encoder(cache, encode)

    def routes(idx: np.ndarray) -> list[Any]:
        by: dict[str, list[str]] = {}
        for i in idx:
            by.setdefault(labels[i], []).append(texts[i])
        return [Route(name=name, utterances=utts) for name, utts in by.items()]

    tr, ho = _split(labels)
    probe = IndexedRouter(encoder=encoder, routes=routes(tr))
    x_fit = [texts[i] for i in ho] + list(oos_texts)
    y_fit: list[str | None] = [labels[i] for i in ho] + [None] * len(oos_texts)
    probe.fit(x_fit, y_fit)
    threshold = None
    if oos_texts:
        choices = [probe(q, threshold=0.0) for q in oos_texts]
        threshold = threshold_for_recall(np.array([c.confidence or 0.0 for c in choices]), OOS_RECALL)
    router = IndexedRouter(
        encoder=encoder, routes=routes(np.arange(len(texts))), calibrator=probe.calibrator,
        confidence_threshold=threshold,
    )
    return router, cache


def time_single_queries(predict_one: Callable[[str], Any], queries: list[str]) -> tuple[float, float]:
    """p50/p95 wall time in ms of one query at a time (batch size 1)."""
    times = []
    for q in queries:
        t0 = time.perf_counter()
        predict_one(q)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))
