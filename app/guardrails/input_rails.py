"""Input rails, run on every customer message before any model call: PII redaction, injection, abuse, topics."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.guardrails.injection import detect_injection
from app.guardrails.pii import redact_pii
from app.guardrails.policy import GuardrailPolicy
from app.guardrails.topics import check_abuse, check_topics, negativity
from app.guardrails.off_topic import score_off_topic
from app.guardrails.verdict import Verdict


class InputRailsResult(BaseModel):
    """What the input rails decided about one message. Only `redacted_text` may reach models and logs."""

    redacted_text: str = Field(description="The message with PII replaced by <TYPE> placeholders.")
    action: Literal["pass", "block", "escalate"] = Field(description="block: refuse politely without any model call.")
    reason: str = Field(default="", description="Why, for the trace (no raw PII).")
    verdicts: list[Verdict] = Field(default_factory=list, description="One verdict per rail, in run order.")
    pii_types: list[str] = Field(default_factory=list, description="Entity types redacted, e.g. ['EMAIL'].")
    negativity: float = Field(default=0.0, description="0..1 strength of negative/emotional tone (routing signal).")
    off_topic: float = Field(default=0.0, description="P(message is not about the shop) (routing signal).")


def run_input_rails(text: str, policy: GuardrailPolicy, embedding: np.ndarray | None = None,
                    english: str | None = None) -> InputRailsResult:
    """Run every input rail. `embedding`: the MiniLM embedding of the text the learned rails read, if known.

    `english`: an English reading of a message written in another language (see `app.translation`). The
    curated patterns read both texts; the learned heads (trained on English) read only the English one.
    """
    redacted, spans = redact_pii(text, set(policy.pii.redact), names=policy.pii.detect_names)
    pii_types = sorted({s.type for s in spans})
    verdicts = [Verdict(rail="pii", action="redact" if spans else "pass", score=1.0 if spans else 0.0,
                        details=pii_types, reason=f"redacted {len(spans)} span(s)" if spans else "no PII found")]
    reading = english or text
    # detectors read the original text (an injection may hide inside what looks like PII); nothing is logged from it
    if embedding is None and (policy.injection.use_model or policy.off_topic.enabled):
        from app.providers.local_encoder import encode

        embedding = encode([reading])[0]  # one forward pass, shared by the learned rails (and cached for the turn)
    texts = [text, english] if english else [text]
    verdicts.append(_strongest([detect_injection(t, policy, embedding, use_model=t is reading) for t in texts]))
    verdicts.append(_strongest([check_abuse(t, policy) for t in texts]))
    verdicts.append(_strongest([check_topics(t, policy) for t in texts]))
    if policy.off_topic.enabled:
        verdicts.append(score_off_topic(reading, policy.compiled.shop_words, policy.compiled.foreign_words, embedding))
    action: Literal["pass", "block", "escalate"] = "pass"
    reason = "all input rails passed"
    for v in verdicts[1:]:
        if v.action == "block":
            action, reason = "block", v.reason
            break
        if v.action == "escalate" and action == "pass":
            action, reason = "escalate", v.reason
    return InputRailsResult(redacted_text=redacted, action=action, reason=reason, verdicts=verdicts,
                            pii_types=pii_types, negativity=max(negativity(t, policy) for t in texts),
                            off_topic=next((v.score for v in verdicts if v.rail == "off_topic"), 0.0))


_SEVERITY = {"block": 2, "escalate": 1, "pass": 0}


def _strongest(verdicts: list[Verdict]) -> Verdict:
    """Of one rail's verdicts on the original and the English reading, the most severe (then highest score)."""
    return max(verdicts, key=lambda v: (_SEVERITY.get(v.action, 0), v.score))
