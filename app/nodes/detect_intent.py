"""Node `detect_intent`: classify the message (with conversation context) and choose the desk."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from app.context import Context, context_of, thresholds_for
from app.deps import Deps
from app.intents.fallback import detect_intent as detect_intent_with_fallback
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
            use_slm = ctx.slm_fallback and deps.slm is not None
            with stopwatch() as t:
                prediction = detect_intent_with_fallback(
                    deps.classifier, text, history,
                    chat_model=deps.slm if use_slm else None, catalog=deps.catalog if use_slm else None,
                    fallback_below=thresholds.intent_confidence,
                )
            by_slm = prediction.source == "slm_fallback"
            trace.append(TraceEntry(node="detect_intent", decision=f"intent={prediction.intent}", latency_ms=t["ms"],
                                    model=deps.slm_spec if by_slm else None, score=prediction.confidence,
                                    threshold=thresholds.intent_confidence,
                                    detail=f"tier={prediction.tier} context={prediction.used_context} source={prediction.source}"))

        routing = RoutingSignals(
            input_action=signals.get("input_action", "pass"),
            intent=prediction.intent if prediction else None,
            tier=prediction.tier if prediction else "out_of_scope",
            confidence=prediction.confidence if prediction else 0.0,
            negativity=float(signals.get("negativity", 0.0)),
            off_topic=float(signals.get("off_topic", 0.0)),
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
            "signals": {**signals, **routing.model_dump(),
                        **({"block_category": "off_topic"} if decision.desk == "blocked" and not signals.get("block_category") else {})},
            "trace": trace,
        }

    return BoundNode(detect_intent)
