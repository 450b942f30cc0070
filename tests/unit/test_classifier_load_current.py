"""`load_current`: the serving path loads the trained classifier and never trains; a missing, truncated or
stale artifact is `ClassifierNotTrained` with the way out."""

from __future__ import annotations

import shutil

import pytest

from app.errors import ClassifierNotTrained
from app.intents import training
from app.intents.catalog import load_intent_catalog
from app.intents.classifier import MODEL_FILE, resolve_artifact
from app.intents.training import load_current, train_intent_classifier
from tests.unit.test_intents_classifier import CATALOG, hashing_encoder


@pytest.fixture(scope="module")
def trained_once(tmp_path_factory):
    root = tmp_path_factory.mktemp("load-current")
    (root / "intents.yaml").write_text(CATALOG, encoding="utf-8")
    train_intent_classifier(load_intent_catalog(root / "intents.yaml"), root / "art", encode=hashing_encoder)
    return root


@pytest.fixture
def artifact(trained_once, tmp_path, monkeypatch):
    """A private copy of the trained artifact and its catalog; training is forbidden from here on."""
    shutil.copy(trained_once / "intents.yaml", tmp_path / "intents.yaml")
    shutil.copytree(trained_once / "art", tmp_path / "art")

    def no_training(*args, **kwargs):
        raise AssertionError("load_current trained a classifier")

    monkeypatch.setattr(training, "train_intent_classifier", no_training)
    return tmp_path / "intents.yaml", tmp_path / "art"


def test_loads_the_current_artifact_without_training(artifact):
    catalog, art = artifact
    classifier = load_current(catalog, art)
    assert classifier.metadata["catalog_fingerprint"] == load_intent_catalog(catalog).fingerprint
    classifier._encode = hashing_encoder
    assert classifier.predict("where is my order").intent == "track_order"


def test_missing_artifact_names_the_way_out(artifact, tmp_path):
    catalog, _ = artifact
    with pytest.raises(ClassifierNotTrained, match="switchboard ingest"):
        load_current(catalog, tmp_path / "nothing-here")


@pytest.mark.parametrize("keep", [0, 17, 0.5, 0.99])
def test_truncated_model_is_not_trained_with_the_way_out(artifact, keep):
    catalog, art = artifact
    model = resolve_artifact(art) / MODEL_FILE
    data = model.read_bytes()
    model.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
    with pytest.raises(ClassifierNotTrained, match="switchboard intents train") as caught:
        load_current(catalog, art)
    assert "\n" not in str(caught.value) and str(resolve_artifact(art)) in str(caught.value)


def test_a_catalog_changed_since_training_is_not_retrained(artifact):
    catalog, art = artifact
    catalog.write_text(CATALOG.replace("track package]", "track package, where did my box go]"), encoding="utf-8")
    versions = sorted(p.name for p in art.iterdir())
    with pytest.raises(ClassifierNotTrained, match=r"another version of .*intents\.yaml.*switchboard ingest"):
        load_current(catalog, art)
    assert sorted(p.name for p in art.iterdir()) == versions
