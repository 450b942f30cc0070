"""Nodes `refuse` and `respond`: the two ways a turn ends."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage

from app.deps import Deps
from app.nodes.common import BoundNode
from app.knowledge.models import Citation
from app.prompts import DEFAULT_REFUSAL, REFUSALS, SLM_CONTEXT_CHUNKS
from app.state import State
from app.trace import TraceEntry


def make_refuse(deps: Deps):
    def refuse(state: State) -> dict:
        """A polite refusal; no model is called."""
        signals = state.get("signals") or {}
        category = signals.get("block_category") or "off_topic"
        return {"answer": REFUSALS.get(category, DEFAULT_REFUSAL), "answered_by": "refusal", "route": "blocked",
                "chunks": [], "trace": [TraceEntry(node="refuse", decision=category, detail=signals.get("input_reason", ""))]}

    return BoundNode(refuse)


def citations_of(state: State) -> list[Citation]:
    """Distinct cited sections, in retrieval order, for answers drawn from policy."""
    if state.get("answered_by") not in ("slm", "llm", "policy_text"):
        return []
    seen: dict[tuple[str, str], Citation] = {}
    for chunk in state.get("chunks", [])[:SLM_CONTEXT_CHUNKS] if state.get("answered_by") == "slm" else state.get("chunks", []):
        seen.setdefault((chunk.doc_id, chunk.section), chunk.citation())
    return list(seen.values())


def make_respond(deps: Deps):
    def respond(state: State) -> dict:
        """Publish the answer, record the turn in the redacted history, count failures."""
        answer = state.get("answer") or state.get("draft", "")
        answered_by = state.get("answered_by") or state.get("drafted_by") or "slm"
        final = {**state, "answer": answer, "answered_by": answered_by}
        failed = bool(state.get("faults")) or (state.get("drafted_by") is not None and not state.get("check_passed", True))
        failures = state.get("failures", 0) + 1 if failed and answered_by != "refusal" else 0
        return {
            "answer": answer,
            "answered_by": answered_by,
            "citations": citations_of(final),
            # the turn is stored whole, and redacted: the customer's message as the rails redacted it, then the answer
            "messages": [HumanMessage(state.get("redacted_text", "")), AIMessage(answer)],
            "redacted_history": [{"role": "user", "content": state.get("redacted_text", "")},
                                 {"role": "assistant", "content": answer}],
            "failures": failures,
            "trace": [TraceEntry(node="respond", decision=answered_by, detail=f"failures_in_thread={failures}")],
        }

    return BoundNode(respond)
