"""The off-topic rail: the shipped head on precomputed embeddings (no encoder in unit tests)."""

from __future__ import annotations

import numpy as np

from app.guardrails.off_topic import check_off_topic, load_off_topic_model, off_topic_probability


def test_the_shipped_model_loads_as_plain_arrays():
    weights, bias = load_off_topic_model()
    assert weights.shape == (384,) and np.isfinite(bias)


def test_the_direction_of_the_weights_blocks_and_its_opposite_passes():
    weights, _ = load_off_topic_model()
    towards = weights / np.linalg.norm(weights)
    assert check_off_topic("x", threshold=0.7, embedding=towards).action == "block"
    assert check_off_topic("x", threshold=0.7, embedding=-towards).action == "pass"


def test_probability_is_a_logistic_of_the_margin():
    model = (np.array([1.0, 0.0], dtype=np.float32), 0.0)
    assert off_topic_probability(np.array([0.0, 1.0]), model) == 0.5
    assert off_topic_probability(np.array([1.0, 0.0]), model) > 0.7
