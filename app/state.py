"""Graph state: a narrow public input/output in front of the full internal state."""

from __future__ import annotations

import operator
from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.channels.untracked_value import UntrackedValue
from langgraph.graph.message import add_messages
from typing_extensions import NotRequired, TypedDict

from app.guardrails.verdict import Verdict
from app.knowledge.models import Chunk, Citation
from app.trace import TraceEntry

NEW_TURN = "__new_turn__"


def add_trace(existing: list[TraceEntry] | None, new: list[TraceEntry | str] | None) -> list[TraceEntry]:
    """Append to this turn's trace; a leading NEW_TURN marker starts a fresh trace for a new turn."""
    existing = list(existing or [])
    new = list(new or [])
    if new and new[0] == NEW_TURN:
        return [e for e in new[1:] if isinstance(e, TraceEntry)]
    return existing + [e for e in new if isinstance(e, TraceEntry)]


def replace(_: Any, new: Any) -> Any:
    """Last write wins (used for per-turn lists that a new turn overwrites)."""
    return new


class InputState(TypedDict):
    """What a caller sends: the new customer message, as `customer_text` (the API) or as the last human message.

    The customer's words as written never reach a checkpoint: `customer_text` is an untracked channel (held in
    memory for the turn only), a human message sent in `messages` is removed by `input_rails`, and `respond`
    appends the redacted message together with the answer, so stored conversations hold redacted text only.
    """

    messages: Annotated[list[AnyMessage], add_messages]
    """Redacted customer messages and the answers, in (customer, assistant) pairs, one pair per finished turn."""
    customer_text: NotRequired[Annotated[str, UntrackedValue]]
    """This turn's message as the customer wrote it: read by the input rails, never checkpointed."""


class OutputState(TypedDict, total=False):
    """What a caller gets back for the turn."""

    answer: str
    """Text shown to the customer (a holding message while a human takes over)."""
    route: str
    """Desk the message was routed to: slm | llm | human | blocked."""
    intent: str | None
    """Detected intent, None when out of scope."""
    confidence: float
    """Calibrated intent confidence."""
    citations: list[Citation]
    """Approved policy sections the answer relies on."""
    escalation_reason: str | None
    """Why the message left the SLM desk, if it did."""
    answered_by: str
    """Who produced the answer: slm | llm | human | policy_text | refusal."""
    ticket_id: str | None
    """Human-handoff ticket, when one was opened."""


class State(InputState, OutputState, total=False):
    """Full internal state of one thread."""

    redacted_text: str
    """The current customer message after PII redaction: the only form that reaches models and logs."""
    english_text: str
    """`redacted_text` read in English (the SLM's translation when the customer wrote another language):
    what the intent classifier and retrieval read."""
    redacted_history: Annotated[list[dict], operator.add]
    """Earlier turns as {'role', 'content'} with customer text redacted; what prompts may include."""
    signals: dict
    """RoutingSignals of this turn (input verdict, intent, tier, confidence, negativity…)."""
    chunks: Annotated[list[Chunk], replace]
    """Chunks retrieved for this turn."""
    draft: str
    """The answer being checked."""
    drafted_by: str | None
    """Desk that produced `draft`: slm or llm."""
    tried: Annotated[list[str], replace]
    """Desks tried this turn, in order (e.g. ['slm', 'llm'])."""
    faults: Annotated[list[str], replace]
    """Model faults this turn, e.g. 'slm_down: ConnectError'."""
    verdicts: Annotated[list[Verdict], replace]
    """Guardrail verdicts of this turn (input and output)."""
    check_passed: bool
    """Whether the last draft passed the output rails."""
    failures: int
    """Turns in this thread whose answer failed or could not be produced (drives repeated-failure handoff)."""
    turn: int
    """1-based turn number in this thread."""
    deadline: float
    """Unix time by which this turn must end: no model call starts after it or waits past it."""
    trace: Annotated[list[TraceEntry], add_trace]
    """What each node did this turn."""
