"""The shipped intent classifier with the real MiniLM encoder: trains from knowledge/intents.yaml, loads,
routes by tier, declines out-of-scope and uses conversation context. (Latency is a benchmark figure,
never a pass/fail here: see `python -m benchmarks.intents`.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.intents.classifier import IntentClassifier
from app.intents.training import load_or_train

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CATALOG = Path(__file__).resolve().parents[2] / "knowledge" / "intents.yaml"


@pytest.fixture(scope="module")
def classifier(tmp_path_factory) -> IntentClassifier:
    artifacts = tmp_path_factory.mktemp("intent-artifacts")
    load_or_train(CATALOG, artifacts)  # trains: nothing there yet
    return IntentClassifier.load(artifacts)  # what the graph does at start-up


def test_trained_artifact_reports_good_held_out_metrics(classifier):
    metrics = classifier.metadata["metrics"]
    assert metrics["holdout_accuracy"] > 0.95
    assert metrics["holdout_ece"] < 0.05


@pytest.mark.parametrize(
    ("text", "intent", "tier"),
    [
        ("where is my parcel? it was due yesterday", "track_order", "routine"),
        ("how do I get my money back for the broken lamp", "get_refund", "routine"),
        ("I want to talk to a real person", "contact_human_agent", "sensitive"),
        ("there's a payment on my card I never made", "fraud_unauthorised_charge", "sensitive"),
        ("my solicitor will be in touch about this", "legal_threat", "sensitive"),
        ("which of your vacuum cleaners is best for pet hair", "product_advice_needed", "complex"),
    ],
)
def test_routes_by_tier(classifier, text, intent, tier):
    pred = classifier.predict(text)
    assert (pred.intent, pred.tier) == (intent, tier)


@pytest.mark.parametrize("text", ["what's the capital of Peru", "write me a haiku about autumn",
                                  "who won the tennis yesterday"])
def test_declines_out_of_scope(classifier, text):
    assert classifier.predict(text).tier == "out_of_scope"


def test_follow_up_uses_the_previous_turn(classifier):
    pred = classifier.predict("and for express?", history=["how long does standard delivery take?"])
    assert pred.intent == "delivery_period"
