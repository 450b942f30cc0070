"""The audit record schema and the per-turn cost arithmetic."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.audit.pricing import load_pricing
from app.audit.record import AuditRecord, outcome_of, record_from_reply
from app.guardrails.verdict import Verdict
from app.knowledge.models import Citation
from app.reply import Reply
from app.routing import RoutingSignals
from app.trace import TraceEntry

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def pricing():
    return load_pricing()


def slm_reply(**kw) -> Reply:
    base = dict(
        answer="Express Delivery costs $14.99.",
        route="slm",
        intent="delivery_options",
        confidence=0.91,
        answered_by="slm",
        thread_id="t-1",
        citations=[Citation(doc_id="delivery-options", title="Delivery", version="2.2", section="Delivery options and prices")],
        signals=RoutingSignals(intent="delivery_options", tier="routine", confidence=0.91),
        trace=[
            TraceEntry(node="input_rails", decision="pass", detail="no PII"),
            TraceEntry(node="detect_intent", decision="route=slm", model="local:all-MiniLM-L6-v2", latency_ms=20),
            TraceEntry(node="slm_answer", model="llamacpp:gemma3-270m", tokens_in=800, tokens_out=60, latency_ms=4000),
            TraceEntry(node="output_rails", decision="pass", score=0.93, detail="grounded"),
        ],
    )
    base.update(kw)
    return Reply(**base)


def test_record_has_every_audited_field(pricing):
    rec = record_from_reply(slm_reply(), "how much is express", 0, T0, T0 + timedelta(seconds=4), pricing)
    assert set(AuditRecord.model_fields) >= {
        "thread_id", "turn", "started_at", "finished_at", "redacted_input", "intent", "confidence", "route", "path",
        "models", "verdicts", "citations", "escalation_reason", "outcome", "cost_usd", "all_llm_cost_usd",
    }
    assert rec.thread_id == "t-1" and rec.turn == 0 and rec.route == "slm" and rec.outcome == "answered"
    assert rec.path == ["input_rails", "detect_intent", "slm_answer", "output_rails"]
    assert [m.model for m in rec.models] == ["local:all-MiniLM-L6-v2", "llamacpp:gemma3-270m"]
    assert [(v.rail, v.action) for v in rec.verdicts] == [("input_rails", "pass"), ("output_rails", "pass")]
    assert rec.citations[0].doc_id == "delivery-options" and rec.citations[0].version == "2.2"
    assert rec.latency_ms == pytest.approx(4000.0)  # wall time when the reply carries none


def test_turn_cost_is_the_sum_of_its_model_calls(pricing):
    rec = record_from_reply(slm_reply(), "q", 0, T0, T0, pricing)
    per_hour = pricing.local.compute_per_hour
    assert rec.cost_usd == pytest.approx((20 + 4000) / 3_600_000 * per_hour)
    assert rec.cost_usd == pytest.approx(sum(m.cost_usd for m in rec.models))
    # counterfactual: the answering call's tokens at the baseline LLM's list price
    price = pricing.models[pricing.baseline.llm]
    assert rec.all_llm_cost_usd == pytest.approx((800 * price.input_per_million + 60 * price.output_per_million) / 1e6)
    assert rec.handoff_cost_usd == 0.0


def test_blocked_turn_is_refused_and_its_counterfactual_is_estimated(pricing):
    reply = Reply(answer="I can't help with that.", route="blocked", answered_by="refusal", thread_id="t",
                  trace=[TraceEntry(node="input_rails", decision="block", detail="injection")])
    rec = record_from_reply(reply, "x" * 400, 2, T0, T0, pricing)
    assert rec.outcome == "refused" and rec.cost_usd == 0.0
    tokens_in, tokens_out = pricing.estimated_tokens("x" * 400)
    assert rec.all_llm_cost_usd == pytest.approx(pricing.all_llm_cost(tokens_in, tokens_out))
    assert rec.verdicts[0].action == "block"


def test_handoff_costs_one_agent_contact(pricing):
    reply = Reply(answer="A colleague will take over.", route="human", answered_by="human", awaiting_human=True,
                  thread_id="t", escalation_reason="sensitive: fraud")
    rec = record_from_reply(reply, "someone used my card", 0, T0, T0, pricing)
    assert rec.outcome == "handed_off"
    assert rec.handoff_cost_usd == pricing.human.per_handoff
    assert rec.escalation_reason == "sensitive: fraud"


def test_explicit_verdicts_and_outcome_override(pricing):
    verdicts = [Verdict(rail="pii", action="redact", reason="email address", score=1.0)]
    rec = record_from_reply(slm_reply(), "q", 1, T0, T0, pricing, verdicts=verdicts, outcome="failed")
    assert [(v.rail, v.action, v.reason) for v in rec.verdicts] == [("pii", "redact", "email address")]
    assert rec.outcome == "failed"


def test_outcome_classification():
    assert outcome_of(Reply(answer="", route="slm", answered_by="slm")) == "failed"
    assert outcome_of(Reply(answer="ok", route="llm", answered_by="llm")) == "answered"
    assert outcome_of(Reply(answer="Here is the answer from our agent", route="human", answered_by="human")) == "answered"
    assert outcome_of(Reply(answer="ticket opened", route="human", answered_by="policy_text")) == "handed_off"


def test_naive_times_become_utc_and_json_round_trips(pricing):
    naive = datetime(2026, 3, 1, 12, 0, 0)
    rec = record_from_reply(slm_reply(), "q", 0, naive, naive, pricing)
    assert rec.started_at.tzinfo is not None
    assert AuditRecord.model_validate_json(rec.model_dump_json()) == rec


def test_unpriced_model_is_flagged_not_fatal(pricing):
    from app.audit.report import compute_metrics

    reply = slm_reply(trace=[TraceEntry(node="llm_answer", model="openai:unknown-model", tokens_in=1, tokens_out=1)])
    rec = record_from_reply(reply, "q", 0, T0, T0, pricing)
    assert rec.models[0].priced is False and rec.cost_usd == 0.0
    assert compute_metrics([rec]).unpriced_models == ["openai:unknown-model"]
