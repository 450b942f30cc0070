"""Node `detect_intent`: classify the message (with conversation context) and choose the desk."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from app.context import Context, context_of, thresholds_for
from app.deps import Deps
from app.nodes.common import BoundNode, previous_customer_turns, stopwatch
from app.routing import RoutingSignals, choose_desk
from app.state import State
from app.trace import TraceEntry

_JOINERS = re.compile(r"\b(and also|also|as well as|plus|another thing|additionally|y también|et aussi|und auch)\b", re.I)


def looks_multi_intent(text: str, candidates: list[tuple[str, float]]) -> bool:
    """Two distinct, well-supported intents joined in one message ('…and also…', two questions)."""
    if len(candidates) < 2 or candidates[1][1] < 0.25:
        return False
    return text.count("?") >= 2 or bool(_JOINERS.search(text))


def make_detect_intent(deps: Deps):
    def detect_intent(state: State, runtime: Runtime[Context]) -> dict:
        """Fast classifier first; the SLM picks among the intents only when the classifier is unsure."""
        thresholds = thresholds_for(runtime, deps.settings.routing)
        ctx = context_of(runtime)
        signals = dict(state.get("signals") or {})
        trace: list[TraceEntry] = []
        text = state.get("redacted_text", "")
        history = previous_customer_turns(state)

        if signals.get("input_action") == "block":
            prediction = None
        else:
            with stopwatch() as t:
                prediction = deps.classifier.predict(text, history)
            trace.append(TraceEntry(node="detect_intent", decision=f"intent={prediction.intent}", latency_ms=t["ms"],
                                    score=prediction.confidence, threshold=thresholds.intent_confidence,
                                    detail=f"tier={prediction.tier} context={prediction.used_context}"))
            if prediction.confidence < thresholds.intent_confidence and ctx.slm_fallback and deps.slm is not None:
                prediction = _slm_fallback(deps, text, history, prediction, trace)

        routing = RoutingSignals(
            input_action=signals.get("input_action", "pass"),
            intent=prediction.intent if prediction else None,
            tier=prediction.tier if prediction else "out_of_scope",
            confidence=prediction.confidence if prediction else 0.0,
            negativity=float(signals.get("negativity", 0.0)),
            multi_intent=looks_multi_intent(text, prediction.candidates) if prediction else False,
            failures_in_thread=state.get("failures", 0),
        )
        decision = choose_desk(routing, thresholds)
        trace.append(TraceEntry(node="route", decision=f"desk={decision.desk}", detail=decision.reason,
                                score=decision.score, threshold=decision.threshold))
        return {
            "intent": routing.intent,
            "confidence": routing.confidence,
            "route": decision.desk,
            "escalation_reason": None if decision.desk in ("slm", "blocked") else decision.reason,
            "signals": {**signals, **routing.model_dump()},
            "trace": trace,
        }

    return BoundNode(detect_intent)


def _slm_fallback(deps: Deps, text: str, history: list[str], prediction, trace: list[TraceEntry]):
    """Ask the SLM to choose the intent; keep the classifier's answer when the SLM fails or declines."""
    from app.intents.fallback import classify_with_slm

    with stopwatch() as t:
        try:
            chosen = classify_with_slm(deps.slm, text, deps.catalog, history)
        except Exception as exc:  # a model fault must not stop the turn
            chosen = None
            trace.append(TraceEntry(node="detect_intent", decision="slm_fallback_error", detail=type(exc).__name__))
    trace.append(TraceEntry(node="detect_intent", decision=f"slm_fallback={chosen.intent if chosen else None}",
                            model=deps.slm_spec, latency_ms=t["ms"], score=chosen.confidence if chosen else None))
    return chosen or prediction
