"""Indirect injection: retrieved documents are data, so ingestion flags documents that carry instructions
aimed at the assistant (override/persona/extraction patterns, also inside markup comments or encodings)."""

from __future__ import annotations

from app.guardrails.injection_patterns import match_patterns
from app.guardrails.normalize import views

# Patterns that ordinary policy prose can legitimately contain ("new instructions: ..." is not one of them).
_IGNORED_IN_DOCS = {"now_you_are"}


def flag_document_instructions(text: str) -> str | None:
    """A reason string when the document carries instructions for the assistant, else None."""
    hits = [h for h in match_patterns(views(text)) if h not in _IGNORED_IN_DOCS]
    if hits:
        return f"document contains instructions aimed at the assistant ({', '.join(hits)})"
    return None
