"""Node `detect_intent`: classify the message (with conversation context) and choose the desk."""

from __future__ import annotations

import re

from langgraph.runtime import Runtime

from app.context import Context, context_of, thresholds_for
from app.deps import Deps
from app.intents.context import combine_with_history, continues_conversation
from app.intents.fallback import detect_intent as detect_intent_with_fallback
from app.nodes.common import BoundNode, previous_customer_turns, stopwatch
from app.routing import RoutingSignals, choose_desk
from app.state import State
from app.trace import TraceEntry

_JOINERS = re.compile(
    r"\b(and also|also|as well as|plus|another thing|additionally|at the same time|simultaneously|while you're at it"
    r"|y también|al mismo tiempo|et aussi|en même temps|und auch|gleichzeitig)\b", re.I)
_WH = r"(?:what|how|when|where|why|which|who)"
# "what does that cost me and how long will it take?": two questions in one sentence
_TWO_QUESTIONS = re.compile(rf"\b{_WH}\b[^?.!]*\band\s+{_WH}\b", re.I)
# comparisons, choices between options, exceptions to policy: judgement, not a policy lookup
_JUDGEMENT = re.compile(
    r"\b(?:which|what)(?:'s|\s+is|\s+would\s+be)\s+(?:better|cheaper|best|smarter|the\s+best\s+option)\b"
    r"|\bis\s+it\s+(?:better|cheaper|smarter|worth\s+it)\b[^?]*\bor\b"
    r"|\bshould\s+i\b[^?]*\bor\b|\b(?:better|cheaper)\s+(?:for\s+me\s+)?(?:to|if)\b[^?]*\bor\b"
    r"|\bprice[- ]?match|\bmake\s+an\s+exception\b|\bbend\s+the\s+rules?\b"
    r"|\bor\s+(?:is\s+it|will\s+it|do\s+i|am\s+i|have\s+i|would\s+it)\b"  # weighing outcomes: "…back, or is it lost?"
    r"|\bif\b[^?.!]*\band\b[^?.!]*\band\b",  # a hypothetical with several conditions
    re.I,
)
# says there is a problem without saying what: the LLM asks the clarifying question
_VAGUE = re.compile(r"\b(?:idk|dunno|whatever)\b|\bthe\s+\w+\s+thing\b|,?\s+you\s+know[?.!]*$", re.I)


def looks_multi_intent(text: str, candidates: list[tuple[str, float]]) -> bool:
    """Two distinct requests in one message: two questions in one sentence, or two well-supported intents
    joined ('…and also…', two question marks)."""
    if _TWO_QUESTIONS.search(text):
        return True
    if len(candidates) < 2:
        return False
    if _JOINERS.search(text):  # an explicit "…and also…" needs less support for the second reading
        return candidates[1][1] >= 0.1
    return text.count("?") >= 2 and candidates[1][1] >= 0.25


def needs_judgement(text: str) -> bool:
    """A comparison, a choice between options, a request for an exception, a many-condition hypothetical or
    a vague request: a policy lookup won't do."""
    return bool(_JUDGEMENT.search(text) or _VAGUE.search(text))


def _off_topic_in_context(deps: Deps, text: str, history: list[str], prediction, score: float, threshold: float) -> float:
    """A short follow-up ("and what are the hours?") is judged with the turn before it, as the classifier does."""
    if not history or prediction is None or prediction.intent is not None or score < threshold or not continues_conversation(text):
        return score
    return min(score, deps.off_topic_score(combine_with_history(text, history)))


def make_detect_intent(deps: Deps):
    def detect_intent(state: State, runtime: Runtime[Context]) -> dict:
        """Fast classifier first; the SLM picks among the intents only when the classifier is unsure."""
        thresholds = thresholds_for(runtime, deps.settings.routing)
        ctx = context_of(runtime)
        signals = dict(state.get("signals") or {})
        trace: list[TraceEntry] = []
        text = state.get("english_text") or state.get("redacted_text", "")
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
            off_topic=_off_topic_in_context(deps, text, history, prediction, float(signals.get("off_topic", 0.0)),
                                            thresholds.off_topic),
            multi_intent=looks_multi_intent(text, prediction.candidates) if prediction else False,
            judgement=needs_judgement(text) if prediction else False,
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
