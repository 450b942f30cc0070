"""Python API for bots: `Switchboard().ask("Where is my order?")` returns a `Reply`.

```python
from app.api import Switchboard

bot = Switchboard()
reply = bot.ask("How do I reset my password?")
print(reply.answer, reply.route, [c.doc_id for c in reply.citations])
```
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import Command

from app.checkpoints import open_checkpointer
from app.config import Settings, load_settings
from app.context import Context
from app.deps import Deps
from app.errors import UsageError
from app.reply import Reply
from app.routing import RoutingSignals
from app.state import State
from graphs.support import build_graph

__all__ = ["Reply", "Switchboard"]

ANSWERING_NODES = {"answer_with_slm", "escalate_to_llm"}
STATE_KEYS = sorted(State.__required_keys__ | State.__optional_keys__)  # a turn returns the whole state


class Switchboard:
    """One support assistant: a compiled graph with a persistent checkpointer and an audit trail."""

    def __init__(
        self,
        settings: Settings | None = None,
        deps: Deps | None = None,
        checkpointer: Any = None,
        *,
        audit: bool = True,
        context: Context | None = None,
    ) -> None:
        self.settings = settings or (deps.settings if deps else load_settings())
        self.deps = deps or Deps(self.settings)
        self.checkpointer = checkpointer if checkpointer is not None else open_checkpointer(self.settings)
        self.graph = build_graph(self.deps, self.checkpointer)
        self.context = context
        self._audit_enabled = audit
        self._audit_store = None

    # --- public API -------------------------------------------------------------------------------
    def ask(self, text: str, thread_id: str | None = None) -> Reply:
        """Answer one customer message; pass `thread_id` back to continue a conversation."""
        thread_id = self._start(text, thread_id)
        started, t0 = datetime.now(timezone.utc), time.perf_counter()
        run = self._invoke({"messages": [HumanMessage(text)]}, thread_id)
        return self._finish(thread_id, started, t0, run.value, run.interrupts)

    async def aask(self, text: str, thread_id: str | None = None) -> Reply:
        """`ask` for asyncio code (runs the turn in a worker thread; models are blocking clients)."""
        return await asyncio.to_thread(self.ask, text, thread_id)

    def stream(self, text: str, thread_id: str | None = None) -> Iterator[str | Reply]:
        """Yield answer tokens as the answering model produces them, then the final `Reply`.

        Tokens are a draft: if the output rails reject it, the final `Reply.answer` differs.
        """
        thread_id = self._start(text, thread_id)
        started, t0 = datetime.now(timezone.utc), time.perf_counter()
        values: dict = {}
        interrupts: tuple = ()
        for part in self.graph.stream(
            {"messages": [HumanMessage(text)]}, self._config(thread_id), context=self.context,
            stream_mode=["messages", "values"], output_keys=STATE_KEYS, durability=self.settings.checkpoint_durability,
            version="v2",
        ):
            if part["type"] == "values":
                values, interrupts = part["data"], part["interrupts"] or interrupts
                continue
            chunk, meta = part["data"]
            # chunks from a streaming model; the whole message, once, from a model that cannot stream
            if isinstance(chunk, AIMessage) and meta.get("langgraph_node") in ANSWERING_NODES and chunk.content:
                yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)
        yield self._finish(thread_id, started, t0, values, interrupts)

    def resume(self, thread_id: str, agent_reply: str) -> Reply:
        """Continue a thread that waits for a human, with the agent's reply to the customer."""
        if not agent_reply or not agent_reply.strip():
            raise UsageError("the agent's reply is empty")
        if not self.pending_handoff(thread_id):
            raise UsageError(f"thread '{thread_id}' is not waiting for an agent")
        started, t0 = datetime.now(timezone.utc), time.perf_counter()
        run = self._invoke(Command(resume=agent_reply.strip()), thread_id)
        return self._finish(thread_id, started, t0, run.value, run.interrupts)

    def pending_handoff(self, thread_id: str) -> dict | None:
        """The handoff ticket a thread waits on (ticket_id, reason, holding_message…), or None."""
        snapshot = self.graph.get_state(self._config(thread_id))
        for interrupt in snapshot.interrupts:
            return dict(interrupt.value)
        return None

    # --- internals --------------------------------------------------------------------------------
    @staticmethod
    def _config(thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}}

    def _invoke(self, graph_input: Any, thread_id: str):  # type: ignore[no-untyped-def]
        """Run one turn; returns LangGraph's GraphOutput: the full state (`value`) and any `interrupts`.

        Asking for every state key here spares a checkpoint read (`get_state`) after each turn.
        """
        return self.graph.invoke(graph_input, self._config(thread_id), context=self.context, output_keys=STATE_KEYS,
                                 durability=self.settings.checkpoint_durability, version="v2")

    def _start(self, text: str, thread_id: str | None) -> str:
        if not isinstance(text, str) or not text.strip():
            raise UsageError("the message is empty: say what the customer asked")
        limit = self.settings.max_message_chars
        if len(text) > limit:
            raise UsageError(f"the message has {len(text)} characters; the limit is {limit} (SWITCHBOARD_MAX_MESSAGE_CHARS)")
        self.deps.retriever  # noqa: B018 - fail fast (KnowledgeBaseNotFound) before any state is written
        if thread_id is None:
            return uuid.uuid4().hex  # a new thread cannot be waiting for an agent: skip the checkpoint read
        if self.pending_handoff(thread_id):
            raise UsageError(f"thread '{thread_id}' is waiting for an agent: resume it with the agent's reply first")
        return thread_id

    def _finish(self, thread_id: str, started: datetime, t0: float, values: dict, interrupts) -> Reply:  # type: ignore[no-untyped-def]
        handoff = next((dict(i.value) for i in interrupts), None)
        trace = list(values.get("trace", []))
        signals = values.get("signals") or {}
        reply = Reply(
            answer=handoff["holding_message"] if handoff else values.get("answer", ""),
            route="human" if handoff else (values.get("route") or "blocked"),
            intent=values.get("intent"),
            confidence=float(values.get("confidence") or 0.0),
            citations=list(values.get("citations", [])) if not handoff else [],
            answered_by="human" if handoff else (values.get("answered_by") or "refusal"),
            escalation_reason=(handoff or {}).get("reason") or values.get("escalation_reason"),
            latency_ms=round((time.perf_counter() - t0) * 1000, 1),
            cost_usd=self._cost(trace),
            thread_id=thread_id,
            awaiting_human=handoff is not None,
            signals=RoutingSignals.model_validate({k: v for k, v in signals.items() if k in RoutingSignals.model_fields}),
            trace=trace,
        )
        self._record(reply, values, started)
        return reply

    def _cost(self, trace) -> float:
        from app.errors import ConfigError

        try:
            pricing = self.deps.pricing
            return round(sum(pricing.cost_of(e.model, e.tokens_in, e.tokens_out, e.latency_ms) for e in trace if e.model), 8)
        except ConfigError:  # an unpriced model must not fail the customer's turn; `report` lists it
            return 0.0

    def _record(self, reply: Reply, values: dict, started: datetime) -> None:
        """Write the turn's audit record (redacted input only)."""
        if not self._audit_enabled:
            return
        from app.audit.record import record_from_reply
        from app.audit.store import open_audit_store

        if self._audit_store is None:
            self._audit_store = open_audit_store(self.settings.audit_path, self.settings.database_dsn)
        record = record_from_reply(
            reply, values.get("redacted_text", ""), int(values.get("turn", 0)), started, datetime.now(timezone.utc),
            self.deps.pricing, verdicts=list(values.get("verdicts", [])), llm_model=self._llm_for_baseline(),
        )
        self._audit_store.write(record)

    def _llm_for_baseline(self) -> str | None:
        spec = self.deps.llm_spec
        return None if spec == "none" else spec
