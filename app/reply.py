"""What a bot gets back for one customer message (the Python API's and `ask --json`'s shape)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.knowledge.models import Citation
from app.routing import RoutingSignals
from app.trace import TraceEntry

Route = Literal["slm", "llm", "human", "blocked"]
AnsweredBy = Literal["slm", "llm", "human", "policy_text", "refusal"]


class Reply(BaseModel):
    """The outcome of one turn."""

    answer: str = Field(description="Text to show the customer (or the holding message while a human takes over).")
    route: Route = Field(description="Desk the message was routed to: slm, llm, human or blocked.")
    intent: str | None = Field(default=None, description="Detected intent; None when out of scope.")
    confidence: float = Field(default=0.0, description="Calibrated intent confidence in [0, 1].")
    citations: list[Citation] = Field(default_factory=list, description="Approved policy sections the answer relies on.")
    answered_by: AnsweredBy = Field(description="Who produced the text: slm, llm, human, policy_text or refusal.")
    escalation_reason: str | None = Field(default=None, description="Why it left the SLM desk, if it did.")
    latency_ms: float = Field(default=0.0, description="Wall time of the turn.")
    cost_usd: float = Field(default=0.0, description="Model cost of the turn from knowledge/pricing.yaml.")
    thread_id: str = Field(default="", description="Conversation id; pass it back to continue the thread.")
    awaiting_human: bool = Field(default=False, description="True while the thread waits for an agent's reply (resume it).")
    signals: RoutingSignals | None = Field(default=None, description="What the routing decision looked at (replayed by calibrate).")
    trace: list[TraceEntry] = Field(default_factory=list, description="What each step did this turn.")
