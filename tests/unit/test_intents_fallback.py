"""SLM fallback: structured output constrained to the intent list; failures and bad output give None;
the SLM is only asked when the classifier is unsure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.runnables import RunnableLambda

from app.intents.catalog import load_intent_catalog
from app.intents.classifier import IntentPrediction
from app.intents.fallback import classify_with_slm, detect_intent, intent_choice_schema
from app.prompts import NONE_OF_THESE
from tests.fakes import ScriptedChatModel

CATALOG = load_intent_catalog(Path(__file__).resolve().parents[2] / "knowledge" / "intents.yaml")


class ScriptedStructuredModel(ScriptedChatModel):
    """ScriptedChatModel whose structured output parses the scripted JSON; records the schema asked for."""

    schemas: list = []

    def with_structured_output(self, schema, **kwargs):
        self.schemas.append(schema)
        return self | RunnableLambda(lambda message: json.loads(message.content))


def test_schema_is_an_enum_of_the_names_plus_none():
    schema = intent_choice_schema(["a", "b"])
    assert schema["properties"]["intent"]["enum"] == ["a", "b", NONE_OF_THESE]
    assert schema["required"] == ["intent"]


def test_valid_choice_becomes_a_fallback_prediction():
    model = ScriptedStructuredModel(script=['{"intent": "delivery_period"}'], schemas=[])
    pred = classify_with_slm(model, "and for express?", CATALOG, history=["how long is delivery"],
                             candidates=[("delivery_options", 0.45), ("delivery_period", 0.4), ("track_order", 0.1)])
    assert pred.intent == "delivery_period" and pred.tier == "routine"
    assert pred.source == "slm_fallback" and pred.used_context and pred.confidence == pytest.approx(0.4)
    assert model.schemas[0]["properties"]["intent"]["enum"] == [
        "delivery_options", "delivery_period", "track_order", NONE_OF_THESE]
    prompt = model.calls[0][0].content
    assert "how long is delivery" in prompt and "and for express?" in prompt


def test_without_candidates_the_whole_catalog_is_offered():
    model = ScriptedStructuredModel(script=['{"intent": "legal_threat"}'], schemas=[])
    pred = classify_with_slm(model, "my lawyer will call", CATALOG)
    assert pred.intent == "legal_threat" and pred.tier == "sensitive"
    assert len(model.schemas[0]["properties"]["intent"]["enum"]) == len(CATALOG.intents) + 1


def test_none_of_these_is_out_of_scope():
    model = ScriptedStructuredModel(script=[f'{{"intent": "{NONE_OF_THESE}"}}'], schemas=[])
    pred = classify_with_slm(model, "tell me a joke", CATALOG)
    assert pred.intent is None and pred.tier == "out_of_scope"


@pytest.mark.parametrize("reply", ['{"intent": "teleport_me"}', '{"other": 1}', "not json", RuntimeError("down")])
def test_malformed_output_or_model_error_gives_none(reply):
    model = ScriptedStructuredModel(script=[reply], schemas=[])
    assert classify_with_slm(model, "hello", CATALOG) is None


def test_model_without_structured_output_gives_none():
    assert classify_with_slm(ScriptedChatModel(script=[]), "hello", CATALOG) is None


class FixedClassifier:
    def __init__(self, prediction: IntentPrediction):
        self.prediction = prediction

    def predict(self, text, history=()):
        return self.prediction


def _pred(intent, confidence):
    return IntentPrediction(intent=intent, tier="routine" if intent else "out_of_scope", confidence=confidence,
                            candidates=[("track_order", confidence), ("delivery_period", 0.2)])


def test_detect_intent_skips_the_slm_when_confident():
    model = ScriptedStructuredModel(script=[], schemas=[])  # any call raises
    pred = detect_intent(FixedClassifier(_pred("track_order", 0.9)), "where is it", chat_model=model, catalog=CATALOG)
    assert pred.source == "classifier" and pred.intent == "track_order"


def test_detect_intent_asks_the_slm_when_unsure_and_keeps_classifier_on_failure():
    model = ScriptedStructuredModel(script=['{"intent": "delivery_period"}', RuntimeError("down")], schemas=[])
    clf = FixedClassifier(_pred("track_order", 0.3))
    first = detect_intent(clf, "when will it come", chat_model=model, catalog=CATALOG)
    assert first.source == "slm_fallback" and first.intent == "delivery_period"
    second = detect_intent(clf, "when will it come", chat_model=model, catalog=CATALOG)
    assert second.source == "classifier" and second.intent == "track_order"


def test_out_of_scope_is_not_sent_to_the_slm():
    model = ScriptedStructuredModel(script=[], schemas=[])
    pred = detect_intent(FixedClassifier(_pred(None, 0.2)), "weather?", chat_model=model, catalog=CATALOG)
    assert pred.intent is None
