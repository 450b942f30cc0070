"""SLM fallback: when the fast classifier is unsure, a chat model picks the intent with structured output
constrained to the intent names (a JSON schema with an enum, enforced by a grammar on llama.cpp)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Sequence

from app.intents.catalog import IntentCatalog
from app.intents.classifier import IntentPrediction
from app.prompts import INTENT_FALLBACK_PROMPT, NONE_OF_THESE

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

    from app.intents.classifier import IntentClassifier

logger = logging.getLogger(__name__)

DEFAULT_FALLBACK_BELOW = 0.5


def intent_choice_schema(names: Sequence[str]) -> dict[str, Any]:
    """JSON schema of the answer: {"intent": one of names or none_of_these}."""
    return {
        "title": "IntentChoice",
        "description": "The customer's intent, chosen from a fixed list.",
        "type": "object",
        "properties": {"intent": {"type": "string", "enum": [*names, NONE_OF_THESE]}},
        "required": ["intent"],
    }


def build_fallback_prompt(text: str, catalog: IntentCatalog, names: Sequence[str], history: Sequence[str]) -> str:
    options = "\n".join(f"- {n}: {catalog.get(n).description}" for n in names)
    earlier = "\n".join(f"Customer (earlier): {h}" for h in history[-2:])
    return INTENT_FALLBACK_PROMPT.format(options=options, none=NONE_OF_THESE, earlier=earlier, message=text)


def classify_with_slm(
    chat_model: "BaseChatModel",
    text: str,
    catalog: IntentCatalog,
    history: Sequence[str] = (),
    candidates: Sequence[tuple[str, float]] | None = None,
) -> IntentPrediction | None:
    """Ask the chat model to choose an intent; None on model error or output outside the list.

    With `candidates` (the classifier's top intents and probabilities) the choice is limited to them,
    which keeps the prompt short for a small model; the returned confidence is then the classifier's
    calibrated probability of the chosen intent (the SLM itself gives no probability).
    """
    names = [n for n, _ in candidates] if candidates else catalog.names
    priors = dict(candidates or [])
    prompt = build_fallback_prompt(text, catalog, names, list(history))
    try:
        structured = chat_model.with_structured_output(intent_choice_schema(names))
        answer = structured.invoke(prompt)
    except Exception as exc:  # noqa: BLE001 - any provider failure means "no fallback answer"
        logger.warning("intent fallback: chat model failed: %s", type(exc).__name__)
        return None
    choice = _extract_intent(answer)
    if choice is None or (choice not in names and choice != NONE_OF_THESE):
        logger.warning("intent fallback: output outside the intent list")
        return None
    cands = [(n, round(float(p), 4)) for n, p in (candidates or [])][:3]
    if choice == NONE_OF_THESE:
        return IntentPrediction(intent=None, tier="out_of_scope", confidence=0.0, candidates=cands,
                                used_context=bool(history), source="slm_fallback")
    return IntentPrediction(intent=choice, tier=catalog.get(choice).tier, confidence=float(priors.get(choice, 0.0)),
                            candidates=cands, used_context=bool(history), source="slm_fallback")


def _extract_intent(answer: Any) -> str | None:
    if isinstance(answer, dict):
        value = answer.get("intent")
        if value is None and isinstance(answer.get("args"), dict):  # tool-call shaped output
            value = answer["args"].get("intent")
        return value if isinstance(value, str) else None
    value = getattr(answer, "intent", None)
    return value if isinstance(value, str) else None


def detect_intent(
    classifier: "IntentClassifier",
    text: str,
    history: Sequence[str] = (),
    chat_model: "BaseChatModel | None" = None,
    catalog: IntentCatalog | None = None,
    fallback_below: float = DEFAULT_FALLBACK_BELOW,
) -> IntentPrediction:
    """The graph's intent step: fast classifier; below `fallback_below` confidence (in scope), the SLM
    chooses among the classifier's top candidates; if the SLM fails, the classifier's answer stands."""
    prediction = classifier.predict(text, history)
    if chat_model is None or catalog is None or prediction.intent is None or prediction.confidence >= fallback_below:
        return prediction
    slm = classify_with_slm(chat_model, text, catalog, history, candidates=prediction.candidates)
    return slm if slm is not None else prediction
