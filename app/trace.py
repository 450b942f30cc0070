"""The per-turn trace: every node appends what it did, so "why did it do that?" has an answer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TraceEntry(BaseModel):
    """One step of one turn."""

    node: str = Field(description="Graph node that acted, e.g. 'detect_intent'.")
    decision: str = Field(default="", description="What it decided, e.g. 'route=slm' or 'pass'.")
    model: str | None = Field(default=None, description="Provider spec of the model called, if any.")
    tokens_in: int = Field(default=0, description="Prompt tokens sent to the model.")
    tokens_out: int = Field(default=0, description="Completion tokens received.")
    latency_ms: float = Field(default=0.0, description="Wall time of the step.")
    score: float | None = Field(default=None, description="The number compared with `threshold`, if any.")
    threshold: float | None = Field(default=None, description="The configured threshold it was compared with.")
    detail: str = Field(default="", description="Free text: reason, error class, verdict summary. No PII.")
