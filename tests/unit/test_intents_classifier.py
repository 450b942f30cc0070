"""The trained classifier end to end on a tiny catalog with a deterministic hashing encoder (no MiniLM):
calibrated confidence, out-of-scope, multi-turn, artifacts, retrain-on-change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from app.errors import ConfigError
from app.intents.catalog import load_intent_catalog
from app.intents.classifier import IntentClassifier
from app.intents.training import load_or_train, train_intent_classifier

CATALOG = """
intents:
  - name: track_order
    description: where is my order
    tier: routine
    examples: [where is my order, track my parcel, has my order shipped, where is my package,
      status of my order, when does my parcel arrive, tracking number for my order, my package location,
      is my order on the way, parcel status please, where's my delivery, track package]
  - name: get_refund
    description: money back
    tier: routine
    examples: [i want a refund, give me my money back, refund my purchase, can i get a refund,
      return money to my card, reimburse me, refund for the broken item, i need my money returned,
      money back please, refund request, get refund, how do i get reimbursed]
  - name: legal_threat
    description: lawyer, court
    tier: sensitive
    examples: [i will sue you, my lawyer will call, see you in court, legal action against you,
      i am contacting my attorney, lawsuit coming, court case, my solicitor will write,
      i will take you to court, file a lawsuit, sue the company, legal proceedings]
  - name: complaint
    description: unhappy
    tier: complex
    examples: [i am very unhappy, terrible service, this is awful, worst shop ever, i want to complain,
      your service is bad, very disappointed, i am angry with you, complaint about staff,
      horrible experience, rude agent, not satisfied at all]
out_of_scope_examples: [what is the weather, tell me a joke, capital of peru, play music,
  bake a cake recipe, football scores, solve this equation, translate hello, horoscope today, moon distance]
"""


def hashing_encoder(texts: list[str]) -> np.ndarray:
    """Words and character trigrams hashed into 384 dims, L2-normalised: deterministic, no model."""
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for row, text in enumerate(texts):
        t = f" {text.lower()} "
        grams = t.split() + [t[i:i + 3] for i in range(len(t) - 2)]
        for g in grams:
            out[row, int(hashlib.md5(g.encode()).hexdigest(), 16) % 384] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("intents")
    (root / "intents.yaml").write_text(CATALOG, encoding="utf-8")
    catalog = load_intent_catalog(root / "intents.yaml")
    stages: list[str] = []
    report = train_intent_classifier(catalog, root / "artifacts", on_progress=lambda s, f: stages.append(s),
                                     encode=hashing_encoder)
    clf = IntentClassifier.load(root / "artifacts")
    clf._encode = hashing_encoder
    return root, catalog, report, clf, stages


def test_training_writes_a_versioned_artifact_with_metrics(trained):
    root, catalog, report, clf, stages = trained
    art = Path(report.artifact_dir)
    assert art.parent == root / "artifacts" and report.version in art.name
    assert (root / "artifacts" / "CURRENT").read_text().strip() == report.version
    metrics = json.loads((art / "metrics.json").read_text())
    assert set(metrics) >= {"holdout_accuracy", "holdout_ece", "temperature", "oos_threshold"}
    assert clf.metadata["catalog_fingerprint"] == catalog.fingerprint
    assert stages[-1] == "saved" and len(stages) >= 4


def test_in_scope_messages_get_their_intent_and_tier(trained):
    *_, clf, _ = trained
    pred = clf.predict("where is my parcel")
    assert pred.intent == "track_order" and pred.tier == "routine" and pred.source == "classifier"
    assert clf.predict("I'm going to sue you").tier == "sensitive"
    assert len(pred.candidates) == 3 and pred.candidates[0][0] == "track_order"
    assert pred.candidates[0][1] >= pred.candidates[1][1] >= pred.candidates[2][1]


def test_out_of_scope_decision_is_the_calibrated_threshold(trained):
    *_, clf, _ = trained
    threshold = clf.model.oos_threshold
    assert threshold is not None
    declined = 0
    for text in ("recipe for a chocolate cake", "what is the weather in paris", "where is my parcel",
                 "i want a refund", "i will sue you", "tell me a joke please"):
        pred = clf.predict(text)
        assert (pred.intent is None) == (pred.in_scope_score < threshold)
        assert (pred.tier == "out_of_scope") == (pred.intent is None)
        declined += pred.intent is None
    assert clf.predict("recipe for a chocolate cake").intent is None
    assert all(clf.predict(t).intent is not None for t in ("where is my parcel", "i want a refund", "i will sue you"))


def test_confidence_is_a_probability_and_ranks_clear_above_ambiguous(trained):
    *_, clf, _ = trained
    clear = clf.predict("i want a refund for my purchase")
    ambiguous = clf.predict("order money")
    assert 0.0 <= ambiguous.confidence <= 1.0 and 0.0 <= clear.confidence <= 1.0
    assert clear.confidence > ambiguous.confidence


def test_save_load_round_trip_predicts_the_same(trained, tmp_path):
    *_, clf, _ = trained
    clf.save(tmp_path / "copy")
    again = IntentClassifier.load(tmp_path / "copy")
    again._encode = hashing_encoder
    for text in ("where is my order", "terrible service", "tell me a joke"):
        assert again.predict(text) == clf.predict(text)


def test_load_without_artifact_says_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match="switchboard intents train"):
        IntentClassifier.load(tmp_path)


def test_load_or_train_retrains_only_when_the_catalog_changes(tmp_path):
    path = tmp_path / "intents.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    first = load_or_train(path, tmp_path / "art", encode=hashing_encoder).metadata["version"]
    same = load_or_train(path, tmp_path / "art", encode=hashing_encoder).metadata["version"]
    assert same == first
    path.write_text(CATALOG.replace("track package]", "track package, where did my box go]"), encoding="utf-8")
    changed = load_or_train(path, tmp_path / "art", encode=hashing_encoder)
    assert changed.metadata["version"] != first
    assert changed.metadata["catalog_fingerprint"] == load_intent_catalog(path).fingerprint


def test_follow_up_is_classified_with_the_previous_turn(trained):
    *_, clf, _ = trained
    seen: list[list[str]] = []

    def recording(texts):
        seen.append(list(texts))
        return hashing_encoder(texts)

    clf._encode = recording
    try:
        pred = clf.predict("and that?", history=["I want to sue you, my lawyer will call"])
    finally:
        clf._encode = hashing_encoder
    assert seen[-1] == ["I want to sue you, my lawyer will call and that?"]
    assert pred.intent == "legal_threat" and pred.used_context


def test_self_contained_message_ignores_history(trained):
    *_, clf, _ = trained
    pred = clf.predict("where is my order", history=["i will sue you"])
    assert pred.intent == "track_order" and not pred.used_context
