"""The off-topic signal: the shipped head on precomputed embeddings, and when it abstains."""

from __future__ import annotations

import numpy as np
import pytest

from app.guardrails.off_topic import abstains, load_off_topic_model, off_topic_probability, score_off_topic

SHOP = frozenset({"order", "refund", "locker"})
FOREIGN = frozenset({"ich", "quiero", "je"})


def test_the_shipped_model_loads_as_plain_arrays():
    weights, bias = load_off_topic_model()
    assert weights.shape == (384,) and np.isfinite(bias)


def test_the_direction_of_the_weights_scores_high_and_its_opposite_low():
    weights, _ = load_off_topic_model()
    towards = weights / np.linalg.norm(weights)
    assert score_off_topic("write a poem", SHOP, FOREIGN, embedding=towards).score > 0.9
    assert score_off_topic("write a poem", SHOP, FOREIGN, embedding=-towards).score < 0.1


def test_the_signal_never_blocks_by_itself():
    weights, _ = load_off_topic_model()
    assert score_off_topic("write a poem", SHOP, FOREIGN, embedding=weights).action == "pass"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("is locker pickup free", "mentions the shop's business"),
        ("Wie kann ich mein Passwort zurücksetzen?", "not English"),
        ("¿Quiero hablar con alguien?", "not English"),
        ("Как отменить заказ?", "not English"),
        ("what's the weather tomorrow", None),
    ],
)
def test_abstains_on_shop_words_and_other_languages(text, reason):
    assert abstains(text, SHOP, FOREIGN) == reason


def test_probability_is_a_logistic_of_the_margin():
    model = (np.array([1.0, 0.0], dtype=np.float32), 0.0)
    assert off_topic_probability(np.array([0.0, 1.0]), model) == 0.5
    assert off_topic_probability(np.array([1.0, 0.0]), model) > 0.7
