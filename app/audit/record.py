"""One audit record per turn: what came in (redacted), where it went, what it used, what it cost."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from app.audit.pricing import Pricing
from app.errors import ConfigError
from app.guardrails.verdict import Verdict
from app.reply import Reply

Outcome = Literal["answered", "handed_off", "refused", "failed"]
_RAIL_ACTIONS = ("pass", "redact", "block", "escalate")


class ModelUse(BaseModel):
    """One model call within a turn."""

    model: str = Field(description="Provider spec, e.g. 'llamacpp:gemma3-270m'.")
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: float = 0.0
    cost_usd: float = Field(default=0.0, description="From knowledge/pricing.yaml (0 when the model has no price).")
    priced: bool = Field(default=True, description="False when pricing.yaml has no price for this model.")


class RailVerdict(BaseModel):
    """A guardrail's decision as audited (reason never carries raw PII)."""

    rail: str
    action: str
    reason: str = ""
    score: float | None = None


class CitedDoc(BaseModel):
    """An approved policy section an answer relied on."""

    doc_id: str
    version: str
    section: str = ""


class AuditRecord(BaseModel):
    """Everything one turn did. Written once, never updated."""

    thread_id: str
    turn: int = Field(ge=0, description="0-based turn number within the thread.")
    started_at: datetime
    finished_at: datetime
    latency_ms: float = Field(default=0.0, description="Wall time of the turn.")
    redacted_input: str = Field(description="Customer message after PII redaction.")
    intent: str | None = None
    confidence: float = 0.0
    route: str = Field(description="Desk: slm, llm, human or blocked.")
    answered_by: str = Field(default="", description="slm, llm, human, policy_text or refusal.")
    path: list[str] = Field(default_factory=list, description="Graph nodes visited, in order.")
    models: list[ModelUse] = Field(default_factory=list)
    verdicts: list[RailVerdict] = Field(default_factory=list)
    citations: list[CitedDoc] = Field(default_factory=list)
    escalation_reason: str | None = None
    outcome: Outcome
    cost_usd: float = Field(default=0.0, description="Model and compute cost of this turn.")
    handoff_cost_usd: float = Field(default=0.0, description="Human agent cost when this turn handed off.")
    all_llm_cost_usd: float = Field(default=0.0, description="Counterfactual: this turn answered by the baseline LLM.")

    @field_validator("started_at", "finished_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """Store aware UTC times so records from different hosts sort together."""
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def outcome_of(reply: Reply) -> Outcome:
    """Classify a reply: refused (blocked), handed_off (waiting for a person), failed (no text), or answered."""
    if reply.route == "blocked" or reply.answered_by == "refusal":
        return "refused"
    if reply.awaiting_human or (reply.route == "human" and reply.answered_by != "human"):
        return "handed_off"
    if not reply.answer.strip():
        return "failed"
    return "answered"


def verdicts_from_trace(reply: Reply) -> list[RailVerdict]:
    """Rail decisions as the guardrail nodes wrote them into the trace (nodes named '*rail*' or '*guard*')."""
    found = []
    for entry in reply.trace:
        name = entry.node.lower()
        if "rail" not in name and "guard" not in name:
            continue
        action = entry.decision.split("=", 1)[-1].strip() if entry.decision else "pass"
        if action not in _RAIL_ACTIONS:
            action = next((a for a in _RAIL_ACTIONS if a in entry.decision), entry.decision or "pass")
        found.append(RailVerdict(rail=entry.node, action=action, reason=entry.detail, score=entry.score))
    return found


def counterfactual_tokens(reply: Reply, text: str, pricing: Pricing) -> tuple[int, int]:
    """Tokens the baseline LLM would need for this turn: the answering call's, or an estimate if none ran."""
    answering = [e for e in reply.trace if e.model and e.tokens_out > 0]
    if answering:
        biggest = max(answering, key=lambda e: e.tokens_in)
        return biggest.tokens_in, biggest.tokens_out
    return pricing.estimated_tokens(text)


def record_from_reply(
    reply: Reply,
    redacted_input: str,
    turn: int,
    started_at: datetime,
    finished_at: datetime,
    pricing: Pricing,
    *,
    verdicts: list[Verdict] | None = None,
    llm_model: str | None = None,
    outcome: Outcome | None = None,
) -> AuditRecord:
    """Build the audit record of one turn. `llm_model` is the configured LLM for the counterfactual."""
    models = []
    for e in reply.trace:
        if not e.model:
            continue
        try:  # an unpriced model must not fail the customer's turn; it is flagged and shown by `report`
            cost, priced = pricing.cost_of(e.model, e.tokens_in, e.tokens_out, e.latency_ms), True
        except ConfigError:
            cost, priced = 0.0, False
        models.append(ModelUse(model=e.model, tokens_in=e.tokens_in, tokens_out=e.tokens_out,
                               latency_ms=e.latency_ms, cost_usd=cost, priced=priced))
    if verdicts is not None:
        checked = [v if isinstance(v, Verdict) else Verdict.model_validate(v) for v in verdicts]
        rail_verdicts = [RailVerdict(rail=v.rail, action=v.action, reason=v.reason, score=v.score) for v in checked]
    else:
        rail_verdicts = verdicts_from_trace(reply)
    final = outcome or outcome_of(reply)
    tokens_in, tokens_out = counterfactual_tokens(reply, redacted_input, pricing)
    latency = reply.latency_ms or max((finished_at - started_at).total_seconds() * 1000.0, 0.0)
    return AuditRecord(
        thread_id=reply.thread_id,
        turn=turn,
        started_at=started_at,
        finished_at=finished_at,
        latency_ms=latency,
        redacted_input=redacted_input,
        intent=reply.intent,
        confidence=reply.confidence,
        route=reply.route,
        answered_by=reply.answered_by,
        path=[e.node for e in reply.trace],
        models=models,
        verdicts=rail_verdicts,
        citations=[CitedDoc(doc_id=c.doc_id, version=c.version, section=c.section) for c in reply.citations],
        escalation_reason=reply.escalation_reason,
        outcome=final,
        cost_usd=sum(m.cost_usd for m in models),
        handoff_cost_usd=pricing.human.per_handoff if final == "handed_off" else 0.0,
        all_llm_cost_usd=pricing.all_llm_cost(tokens_in, tokens_out, llm_model),
    )
