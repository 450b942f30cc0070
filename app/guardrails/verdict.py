"""The result every rail returns."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Action = Literal["pass", "redact", "block", "escalate"]


class Verdict(BaseModel):
    """One rail's decision on one text."""

    rail: str = Field(description="Rail name, e.g. 'pii', 'injection', 'grounding'.")
    action: Action = Field(description="pass, redact (text changed), block (refuse) or escalate (hand up).")
    reason: str = Field(default="", description="Human-readable reason; never contains raw PII.")
    score: float = Field(default=0.0, description="Rail score in [0, 1]; meaning is rail-specific.")
    details: list[str] = Field(default_factory=list, description="E.g. unsupported claims, entity types found.")
