"""Node `input_rails`: validate and redact the customer message, block attacks, before any model call."""

from __future__ import annotations

from app.deps import Deps
from app.guardrails.verdict import Verdict
from app.nodes.common import BoundNode, last_customer_text, stopwatch
from app.state import NEW_TURN, State
from app.trace import TraceEntry


def make_input_rails(deps: Deps):
    limit = deps.settings.max_message_chars

    def input_rails(state: State) -> dict:
        """Run the input rails on the latest customer message and start this turn's trace."""
        text = last_customer_text(state).strip()
        turn = state.get("turn", 0) + 1
        fresh = {"turn": turn, "tried": [], "faults": [], "chunks": [], "draft": "", "drafted_by": None,
                 "check_passed": False, "answer": "", "citations": [], "escalation_reason": None, "ticket_id": None}
        with stopwatch() as t:
            if not text or len(text) > limit:
                reason = "empty message" if not text else f"message longer than {limit} characters"
                verdict = Verdict(rail="input", action="block", reason=reason, score=1.0)
                result = None
            else:
                result = deps.input_rails(text)
        if result is None:
            return {**fresh, "redacted_text": "", "verdicts": [verdict],
                    "signals": {"input_action": "block", "block_category": "invalid", "negativity": 0.0},
                    "trace": [NEW_TURN, TraceEntry(node="input_rails", decision="block", detail=reason, latency_ms=t["ms"])]}
        category = _block_category(result.verdicts) if result.action == "block" else None
        entry = TraceEntry(
            node="input_rails",
            decision=result.action,
            latency_ms=t["ms"],
            score=max((v.score for v in result.verdicts), default=0.0),
            detail="; ".join(f"{v.rail}={v.action}" + (f" ({v.reason})" if v.action != "pass" else "") for v in result.verdicts),
        )
        return {
            **fresh,
            "redacted_text": result.redacted_text,
            "verdicts": list(result.verdicts),
            "signals": {"input_action": result.action, "block_category": category, "negativity": result.negativity,
                        "off_topic": result.off_topic, "input_reason": result.reason},
            "trace": [NEW_TURN, entry],
        }

    return BoundNode(input_rails)


def _block_category(verdicts: list[Verdict]) -> str:
    """Which refusal text fits: the first blocking rail's name (injection, abuse, off_topic, forbidden_topic)."""
    for verdict in verdicts:
        if verdict.action == "block":
            name = verdict.rail
            if "inject" in name or "jailbreak" in name:
                return "injection"
            if "abuse" in name or "tox" in name:
                return "abuse"
            if "forbidden" in name:
                return "forbidden_topic"
            if "topic" in name:
                return "forbidden_topic" if "forbidden" in verdict.reason.lower() else "off_topic"
            return name
    return "off_topic"
