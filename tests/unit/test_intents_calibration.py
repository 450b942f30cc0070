"""Calibration: ECE is computed right, temperature scaling recovers a known temperature and lowers ECE."""

from __future__ import annotations

import numpy as np
import pytest

from app.intents.model import (
    choose_oos_threshold,
    expected_calibration_error,
    fit_temperature,
    softmax,
    threshold_for_recall,
)


def test_ece_of_a_perfectly_calibrated_and_an_overconfident_model():
    conf = np.array([0.8] * 10)
    assert expected_calibration_error(conf, np.array([1] * 8 + [0] * 2)) == pytest.approx(0.0)
    assert expected_calibration_error(conf, np.array([1] * 5 + [0] * 5)) == pytest.approx(0.3)


def _synthetic(true_t: float, n: int = 4000, k: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(n, k))
    p = softmax(logits, true_t)
    labels = np.array([rng.choice(k, p=row) for row in p])
    return logits, labels


@pytest.mark.parametrize("true_t", [0.5, 2.0])
def test_temperature_scaling_recovers_the_generating_temperature(true_t):
    logits, labels = _synthetic(true_t)
    assert fit_temperature(logits, labels) == pytest.approx(true_t, rel=0.1)


def test_temperature_scaling_lowers_ece_of_an_overconfident_scorer():
    logits, labels = _synthetic(3.0, seed=1)  # raw logits are 3x too sharp
    fit_l, fit_y, ev_l, ev_y = logits[:2000], labels[:2000], logits[2000:], labels[2000:]

    def ece(t):
        p = softmax(ev_l, t)
        return expected_calibration_error(p.max(1), p.argmax(1) == ev_y)

    t = fit_temperature(fit_l, fit_y)
    assert ece(t) < 0.05 and ece(1.0) > 3 * ece(t)


def test_threshold_for_recall_rejects_the_requested_share():
    oos = np.linspace(0, 1, 101)
    t = threshold_for_recall(oos, 0.8)
    assert (oos < t).mean() == pytest.approx(0.8, abs=0.02)


def test_choose_oos_threshold_separates_separable_scores():
    in_conf = np.array([0.9, 0.95, 0.85, 0.99])
    oos_conf = np.array([0.1, 0.3, 0.2])
    t = choose_oos_threshold(in_conf, np.array([True] * 4), oos_conf)
    assert 0.3 < t <= 0.85
