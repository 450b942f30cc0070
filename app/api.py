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
import logging
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.types import Command

from app.checkpoints import describe_sqlite_error, open_checkpointer
from app.config import Settings, load_settings
from app.context import Context
from app.conversation_lock import ConversationLocks
from app.deps import Deps
from app.errors import UsageError
from app.message_text import checked_text
from app.reply import Reply
from app.routing import RoutingSignals
from app.state import State
from graphs.support import build_graph

__all__ = ["Reply", "Switchboard"]

log = logging.getLogger("switchboard")

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
        self._audit = None
        # one turn at a time per conversation; a second message waits for the first turn's reply
        self.locks = ConversationLocks(self.settings.data_dir / "locks", self.settings.database_dsn,
                                       wait_s=self.settings.turn_timeout_s + 5)

    # --- public API -------------------------------------------------------------------------------
    def ask(self, text: str, thread_id: str | None = None) -> Reply:
        """Answer one customer message; pass `thread_id` back to continue a conversation.

        Turns of one conversation run one at a time (threads and processes sharing the store alike): a
        message sent while another turn runs waits for it, and `ConversationBusy` ends a wait that is too long.
        """
        text, thread_id, new = self._start(text, thread_id)
        with self.locks.hold(thread_id):
            self._refuse_if_waiting(thread_id, new)
            started, t0 = datetime.now(timezone.utc), time.perf_counter()
            run = self._invoke({"customer_text": text}, thread_id)
            return self._finish(thread_id, started, t0, run.value, run.interrupts)

    async def aask(self, text: str, thread_id: str | None = None) -> Reply:
        """`ask` for asyncio code (runs the turn in a worker thread; models are blocking clients)."""
        return await asyncio.to_thread(self.ask, text, thread_id)

    def stream(self, text: str, thread_id: str | None = None) -> Iterator[str | Reply]:
        """Yield answer tokens as the answering model produces them, then the final `Reply`.

        Tokens are a draft: if the output rails reject it, the final `Reply.answer` differs.
        """
        text, thread_id, new = self._start(text, thread_id)
        with self.locks.hold(thread_id):
            self._refuse_if_waiting(thread_id, new)
            started, t0 = datetime.now(timezone.utc), time.perf_counter()
            values: dict = {}
            interrupts: tuple = ()
            with self._store_errors():
                for part in self.graph.stream(
                    {"customer_text": text}, self._config(thread_id), context=self.context,
                    stream_mode=["messages", "values"], output_keys=STATE_KEYS,
                    durability=self.settings.checkpoint_durability, version="v2",
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
        agent_reply = checked_text(agent_reply, self.settings.max_message_chars, who="agent's reply").strip()
        with self.locks.hold(thread_id):
            if not self.pending_handoff(thread_id):
                raise UsageError(f"thread '{thread_id}' is not waiting for an agent")
            started, t0 = datetime.now(timezone.utc), time.perf_counter()
            run = self._invoke(Command(resume=agent_reply), thread_id)
            return self._finish(thread_id, started, t0, run.value, run.interrupts)

    def pending_handoff(self, thread_id: str) -> dict | None:
        """The handoff ticket a thread waits on (ticket_id, reason, holding_message…), or None."""
        with self._store_errors():
            snapshot = self.graph.get_state(self._config(thread_id))
        for interrupt in snapshot.interrupts:
            return dict(interrupt.value)
        return None

    @property
    def audit_failures(self) -> int:
        """Audit writes that failed in this process; their records wait in the spool (see `app.audit.durable`)."""
        return self._audit.failures if self._audit is not None else 0

    # --- internals --------------------------------------------------------------------------------
    @staticmethod
    def _config(thread_id: str) -> dict:
        return {"configurable": {"thread_id": thread_id}}

    def _invoke(self, graph_input: Any, thread_id: str):  # type: ignore[no-untyped-def]
        """Run one turn; returns LangGraph's GraphOutput: the full state (`value`) and any `interrupts`.

        Asking for every state key here spares a checkpoint read (`get_state`) after each turn.
        """
        with self._store_errors():
            return self.graph.invoke(graph_input, self._config(thread_id), context=self.context,
                                     output_keys=STATE_KEYS, durability=self.settings.checkpoint_durability,
                                     version="v2")

    @contextmanager
    def _store_errors(self) -> Iterator[None]:
        """A damaged checkpoint file becomes one line naming it and the way out, not a traceback."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if self.settings.database_dsn:
                raise
            raise describe_sqlite_error(self.settings.checkpoint_path, exc) from None

    def _start(self, text: str, thread_id: str | None) -> tuple[str, str, bool]:
        """Check the message at the edge (nothing is stored for a bad one); (text, thread id, is it new)."""
        text = checked_text(text, self.settings.max_message_chars)
        self.deps.retriever  # noqa: B018 - fail fast (KnowledgeBaseNotFound) before any state is written
        if thread_id is None:
            return text, uuid.uuid4().hex, True
        checked_text(thread_id, 200, who="thread id")
        return text, thread_id, False

    def _refuse_if_waiting(self, thread_id: str, new: bool) -> None:
        """A thread waiting for an agent takes the agent's reply first (a new thread cannot be waiting)."""
        if not new and self.pending_handoff(thread_id):
            raise UsageError(f"thread '{thread_id}' is waiting for an agent: resume it with the agent's reply first")

    def _finish(self, thread_id: str, started: datetime, t0: float, values: dict, interrupts) -> Reply:  # type: ignore[no-untyped-def]
        handoff = next((dict(i.value) for i in interrupts), None)
        trace = list(values.get("trace", []))
        signals = values.get("signals") or {}
        reply = Reply(
            answer=handoff["holding_message"] if handoff else values.get("answer", ""),
            route="human" if handoff else (values.get("route") or "blocked"),
            intent=values.get("intent"),
            confidence=float(values.get("confidence") or 0.0),
            citations=list(values.get("citations", [])) if not handoff else handoff.get("citations", []),
            answered_by=handoff.get("answered_by", "human") if handoff else (values.get("answered_by") or "refusal"),
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
        from app.audit.durable import SPOOL_FILE, DurableAuditWriter
        from app.audit.record import record_from_reply
        from app.audit.store import open_audit_store

        if self._audit is None:
            settings = self.settings
            self._audit = DurableAuditWriter(lambda: open_audit_store(settings.audit_path, settings.database_dsn),
                                             settings.data_dir / SPOOL_FILE)
        try:
            record = record_from_reply(
                reply, values.get("redacted_text", ""), int(values.get("turn", 0)), started,
                datetime.now(timezone.utc), self.deps.pricing, verdicts=list(values.get("verdicts", [])),
                llm_model=self._llm_for_baseline(),
            )
        except Exception as exc:  # the customer still gets the answer; the gap is logged and counted
            self._audit.failures += 1
            log.error("audit record for thread %s turn %s could not be built (%s)", reply.thread_id,
                      values.get("turn"), type(exc).__name__)
            return
        self._audit.write(record)  # never raises: a failed write is spooled, logged and counted

    def _llm_for_baseline(self) -> str | None:
        spec = self.deps.llm_spec
        return None if spec == "none" else spec
