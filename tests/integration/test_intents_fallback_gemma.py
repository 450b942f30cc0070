"""The SLM fallback with the real embedded Gemma 3 270M: the JSON-schema grammar keeps its answer inside
the intent list (quality of the choice is measured in benchmarks/intent_fallback.py, not asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.intents.catalog import load_intent_catalog
from app.intents.fallback import classify_with_slm
from app.prompts import NONE_OF_THESE
from app.providers.llamacpp import ChatLlamaCpp

pytestmark = pytest.mark.integration

CATALOG = load_intent_catalog(Path(__file__).resolve().parents[2] / "knowledge" / "intents.yaml")


def test_gemma_choice_is_constrained_to_the_candidates(gguf_path):
    chat = ChatLlamaCpp(model_path=str(gguf_path), max_tokens=24)
    candidates = [("delivery_period", 0.4), ("delivery_options", 0.35), ("track_order", 0.1)]
    for text in ("and for express?", "when will my parcel arrive", "I want to complain"):
        pred = classify_with_slm(chat, text, CATALOG, history=["how long does delivery take?"],
                                 candidates=candidates)
        assert pred is not None, "grammar-constrained output should always parse"
        assert pred.source == "slm_fallback"
        assert pred.intent in {n for n, _ in candidates} or pred.intent is None


def test_gemma_over_the_whole_catalog_stays_in_the_enum(gguf_path):
    chat = ChatLlamaCpp(model_path=str(gguf_path), max_tokens=24)
    pred = classify_with_slm(chat, "I forgot my password", CATALOG)
    assert pred is not None
    assert pred.intent in set(CATALOG.names) | {None}
    assert NONE_OF_THESE not in {pred.intent}
