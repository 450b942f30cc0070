"""Node `handoff_to_human`: open a ticket and wait for an agent (LangGraph `interrupt`); when every model is
down, the holding message is the approved policy text, and the ticket still waits for an agent."""

from __future__ import annotations

import hashlib

from langgraph.config import get_config
from langgraph.types import interrupt

from app.deps import Deps
from app.nodes.common import BoundNode
from app.prompts import HANDOFF_HOLDING, POLICY_TEXT_FALLBACK
from app.state import State
from app.trace import TraceEntry


def ticket_id_for(thread_id: str, turn: int) -> str:
    """Deterministic (the node re-runs on resume), short, unguessable-enough ticket id."""
    return "T-" + hashlib.sha256(f"{thread_id}:{turn}".encode()).hexdigest()[:8].upper()


def models_all_down(state: State) -> bool:
    """Both desks failed this turn (down, timing out or not configured)."""
    faults = state.get("faults", [])
    return any(f.startswith("slm_") for f in faults) and any(f.startswith("llm_") for f in faults)


def make_handoff_to_human(deps: Deps):
    def handoff_to_human(state: State) -> dict:
        """Pause the thread until an agent replies; `Command(resume=reply)` continues it."""
        thread_id = str(get_config().get("configurable", {}).get("thread_id", "no-thread"))
        ticket = ticket_id_for(thread_id, state.get("turn", 0))
        reason = state.get("escalation_reason") or "; ".join(state.get("faults", [])) or "handoff"
        chunks = state.get("chunks", [])
        # Every model down: the customer gets the approved policy text now, and the ticket is a real handoff
        # (the thread waits for an agent like any other), so the promised follow-up can be given with `resume`.
        policy_text = models_all_down(state) and bool(chunks)
        holding = (POLICY_TEXT_FALLBACK.format(policy="\n\n".join(f"{c.title} > {c.section}:\n{c.text}" for c in chunks[:2]),
                                               ticket=ticket)
                   if policy_text else HANDOFF_HOLDING.format(ticket=ticket))
        agent_reply = interrupt({
            "ticket_id": ticket,
            "reason": reason,
            "intent": state.get("intent"),
            "customer_message": state.get("redacted_text", ""),
            "holding_message": holding,
            "answered_by": "policy_text" if policy_text else "human",
            "citations": [c.citation().model_dump() for c in chunks[:2]] if policy_text else [],
        })
        return {"answer": str(agent_reply), "answered_by": "human", "route": "human", "ticket_id": ticket,
                "escalation_reason": reason,
                "trace": [TraceEntry(node="handoff_to_human", decision="resumed by agent", detail=reason)]}

    return BoundNode(handoff_to_human)
