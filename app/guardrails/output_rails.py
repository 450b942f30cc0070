"""Output rails, run on every drafted answer: grounding, commitments, PII leakage and tone."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from app.guardrails.grounding import check_grounding
from app.guardrails.pii import find_pii
from app.guardrails.policy import GuardrailPolicy
from app.guardrails.verdict import Verdict
from app.knowledge.models import Chunk


class OutputRailsResult(BaseModel):
    """Whether a drafted answer may be sent, and why not."""

    passed: bool
    reason: str = ""
    verdicts: list[Verdict] = Field(default_factory=list)
    unsupported_claims: list[str] = Field(default_factory=list, description="Claims the chunks do not support.")


def check_commitments(answer: str, context: str, policy: GuardrailPolicy) -> Verdict:
    """Refunds, discounts, compensation, guarantees only if the approved chunks make them; legal statements never."""
    for rule, rx in policy.compiled.commitments:
        if rx is None:
            continue
        m = rx.search(answer)
        if m and (rule.never_allowed or not rx.search(context)):
            return Verdict(rail="commitments", action="block", score=1.0, details=[rule.name, m.group(0)],
                           reason=f"commitment beyond policy: {rule.name} ('{m.group(0)}')")
    return Verdict(rail="commitments", action="pass", score=0.0, reason="no commitment beyond policy")


def _squeeze(text: str) -> str:
    return re.sub(r"\W", "", text).lower()


def check_pii_leak(answer: str, context: str, user_text: str) -> Verdict:
    """Structured PII in the answer must be the customer's own (in user_text) or the company's (in the chunks).

    Compared as text (letters and digits only), not as detected spans: the detector may draw an address's
    boundary differently inside a longer policy paragraph than in a one-sentence answer.
    """
    allowed = _squeeze(user_text) + "\n" + _squeeze(context)
    leaked = sorted({s.type for s in find_pii(answer, names=False) if _squeeze(answer[s.start:s.end]) not in allowed})
    if leaked:
        return Verdict(rail="pii_leak", action="block", score=1.0, details=leaked,
                       reason=f"answer contains personal data that is not the customer's own: {', '.join(leaked)}")
    return Verdict(rail="pii_leak", action="pass", score=0.0, reason="no foreign personal data")


def check_tone(answer: str, policy: GuardrailPolicy) -> Verdict:
    """Rude or dismissive phrasing from the policy's tone list."""
    rx = policy.compiled.tone
    m = rx.search(answer) if rx is not None else None
    if m:
        return Verdict(rail="tone", action="block", score=1.0, details=[m.group(0)], reason=f"tone: '{m.group(0)}'")
    return Verdict(rail="tone", action="pass", score=0.0, reason="tone ok")


def run_output_rails(answer: str, chunks: list[Chunk], user_text: str, policy: GuardrailPolicy) -> OutputRailsResult:
    """Run every output rail on a drafted answer against the retrieved approved chunks.

    `user_text` is the customer's message as the model saw it (redacted); PII that appears there may be echoed.
    """
    context = "\n\n".join(c.text for c in chunks)
    verdicts = []
    if policy.grounding.enabled:
        verdicts.append(check_grounding(answer, context, check_labels=policy.grounding.check_steps))
    verdicts.append(check_commitments(answer, context, policy))
    verdicts.append(check_pii_leak(answer, context, user_text))
    verdicts.append(check_tone(answer, policy))
    failed = [v for v in verdicts if v.action != "pass"]
    unsupported = next((v.details for v in verdicts if v.rail == "grounding"), [])
    return OutputRailsResult(passed=not failed, reason="; ".join(v.reason for v in failed) or "all output rails passed",
                             verdicts=verdicts, unsupported_claims=list(unsupported))
