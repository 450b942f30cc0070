"""Which desk a message goes to: a pure function of the turn's signals and configured thresholds.

Escalation is a score against a threshold (as in RouteLLM's `Router.route`): both are recorded in the
trace so `switchboard calibrate` can replay the decision offline with other thresholds.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Desk = Literal["slm", "llm", "human", "blocked"]
Tier = Literal["routine", "complex", "sensitive", "out_of_scope"]


class RoutingThresholds(BaseModel):
    """Knobs of the routing decision; calibrated by `switchboard calibrate`."""

    intent_confidence: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Below this calibrated intent confidence a routine message goes to the LLM desk."
    )
    negativity: float = Field(
        default=0.6, ge=0.0, le=1.0, description="At or above this negativity score a message goes to the LLM desk."
    )
    off_topic: float = Field(
        default=0.75, ge=0.0, le=1.0, description="An out-of-scope message at or above this off-topic score is blocked."
    )
    max_failures: int = Field(
        default=2, ge=1, description="Failed turns in one thread after which the thread goes to a human."
    )


class RoutingSignals(BaseModel):
    """Everything the routing decision looks at, as recorded for one turn."""

    input_action: Literal["pass", "block", "escalate"] = Field(default="pass", description="Verdict of the input rails.")
    intent: str | None = Field(default=None, description="Detected intent; None when out of scope.")
    tier: Tier = Field(default="out_of_scope", description="Tier of the detected intent.")
    confidence: float = Field(default=0.0, description="Calibrated confidence of the intent.")
    negativity: float = Field(default=0.0, description="Strength of negative or emotional tone, 0..1.")
    off_topic: float = Field(default=0.0, description="P(message is not about the shop), from the off-topic rail.")
    multi_intent: bool = Field(default=False, description="More than one distinct request in the message.")
    judgement: bool = Field(default=False, description="Asks for a comparison, a choice or an exception, or is vague: needs judgement.")
    failures_in_thread: int = Field(default=0, description="Earlier turns of this thread that failed or were rejected.")


class RoutingDecision(BaseModel):
    """The desk plus why, as written to the trace."""

    desk: Desk
    reason: str
    score: float | None = None
    threshold: float | None = None


def choose_desk(signals: RoutingSignals, thresholds: RoutingThresholds) -> RoutingDecision:
    """Pick the desk for one message. Order matters: safety first, then people, then cost."""
    if signals.input_action == "block":
        return RoutingDecision(desk="blocked", reason="input rail blocked the message")
    if signals.input_action == "escalate":
        return RoutingDecision(desk="human", reason="input rail: explicit human request or legal matter")
    if signals.tier == "sensitive":
        if signals.confidence >= thresholds.intent_confidence:
            return RoutingDecision(desk="human", reason=f"sensitive: {signals.intent}", score=signals.confidence,
                                   threshold=thresholds.intent_confidence)
        # an unsure guess at a sensitive intent still leaves the SLM desk, but to the LLM, not straight to a person
        return RoutingDecision(desk="llm", reason=f"possibly sensitive: {signals.intent}", score=signals.confidence,
                               threshold=thresholds.intent_confidence)
    if signals.failures_in_thread >= thresholds.max_failures:
        return RoutingDecision(
            desk="human",
            reason="repeated failure in thread",
            score=float(signals.failures_in_thread),
            threshold=float(thresholds.max_failures),
        )
    # an upset customer is never turned away as off-topic (abuse is blocked by the input rails already)
    if signals.negativity >= thresholds.negativity:
        return RoutingDecision(
            desk="llm", reason="strongly negative or emotional", score=signals.negativity, threshold=thresholds.negativity
        )
    if signals.tier == "out_of_scope" and signals.off_topic >= thresholds.off_topic:
        return RoutingDecision(
            desk="blocked", reason="off-topic", score=signals.off_topic, threshold=thresholds.off_topic
        )
    if signals.tier == "complex":
        return RoutingDecision(desk="llm", reason=f"complex intent: {signals.intent}", score=signals.confidence)
    if signals.multi_intent:
        return RoutingDecision(desk="llm", reason="multi-intent or cross-domain")
    if signals.judgement:
        return RoutingDecision(desk="llm", reason="needs judgement: a comparison, a choice, an exception or a vague request")
    if signals.tier == "out_of_scope":
        return RoutingDecision(desk="llm", reason="out of scope but on-business", score=signals.confidence)
    if signals.confidence < thresholds.intent_confidence:
        return RoutingDecision(
            desk="llm",
            reason="low intent confidence",
            score=signals.confidence,
            threshold=thresholds.intent_confidence,
        )
    return RoutingDecision(
        desk="slm", reason="routine and confident", score=signals.confidence, threshold=thresholds.intent_confidence
    )
