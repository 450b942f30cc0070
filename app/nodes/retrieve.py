"""Node `retrieve`: fetch approved policy chunks for the (context-completed) question."""

from __future__ import annotations

from langgraph.runtime import Runtime

from app.context import Context, context_of
from app.deps import Deps
from app.nodes.common import BoundNode, previous_customer_turns, stopwatch
from app.state import State
from app.trace import TraceEntry

FOLLOW_UP_WORDS = 6


def retrieval_query(text: str, previous_turns: list[str]) -> str:
    """A short follow-up ('and express?') is searched together with the previous customer turn."""
    if previous_turns and len(text.split()) <= FOLLOW_UP_WORDS:
        return f"{previous_turns[-1]} {text}"
    return text


def make_retrieve(deps: Deps):
    def retrieve(state: State, runtime: Runtime[Context]) -> dict:
        """Search the knowledge base, preferring documents mapped to the detected intent."""
        k = context_of(runtime).retrieval_k or deps.settings.retrieval_k
        query = retrieval_query(state.get("english_text") or state.get("redacted_text", ""), previous_customer_turns(state))
        intent = state.get("intent")
        with stopwatch() as t:
            chunks = deps.retriever(query, k, [intent] if intent else None)
        top = chunks[0].score if chunks else 0.0
        entry = TraceEntry(node="retrieve", decision=f"{len(chunks)} chunks", latency_ms=t["ms"], score=top,
                           detail=", ".join(f"{c.doc_id}@{c.version}" for c in chunks))
        return {"chunks": chunks, "trace": [entry]}

    return BoundNode(retrieve)
