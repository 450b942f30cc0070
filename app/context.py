"""Per-run knobs (LangGraph `context_schema`): Studio shows each field with its description."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from langgraph.runtime import Runtime

from app.routing import RoutingThresholds

_DEFAULTS = RoutingThresholds()


@dataclass
class Context:
    """Knobs a caller may change for one run; unset fields take the configured values."""

    intent_confidence: float | None = field(
        default=None,
        metadata={"description": f"Routine messages below this intent confidence go to the LLM desk (default {_DEFAULTS.intent_confidence})."},
    )
    negativity: float | None = field(
        default=None,
        metadata={"description": f"Messages at or above this negativity score go to the LLM desk (default {_DEFAULTS.negativity})."},
    )
    max_failures: int | None = field(
        default=None,
        metadata={"description": f"Failed turns in a thread before a human takes over (default {_DEFAULTS.max_failures})."},
    )
    retrieval_k: int | None = field(default=None, metadata={"description": "Policy chunks retrieved per message."})
    translate: bool = field(
        default=True,
        metadata={"description": "Have the SLM translate a message in another language into English before the "
                  "English-only rails and intent classifier read it."},
    )
    slm_answer_mode: Literal["auto", "extractive", "generative"] = field(
        default="auto",
        metadata={"description": "How the SLM answers: 'extractive' = the policy sentence closest to the question, copied "
                  "verbatim, and the next one if the model goes on (nothing else can be written); 'generative' = "
                  "free text; 'auto' = "
                  "extractive for the embedded llama.cpp model, generative for Ollama/OpenAI models."},
    )
    slm_fallback: bool = field(
        default=True,
        metadata={"description": "Ask the SLM to pick the intent when the fast classifier is unsure."},
    )


def thresholds_for(runtime: Runtime[Context] | None, configured: RoutingThresholds) -> RoutingThresholds:
    """Configured thresholds with this run's overrides applied; tolerates a missing context."""
    ctx = runtime.context if runtime is not None and runtime.context is not None else None
    if ctx is None:
        return configured
    overrides = {
        name: value
        for name in ("intent_confidence", "negativity", "max_failures")
        if (value := getattr(ctx, name, None)) is not None
    }
    return configured.model_copy(update=overrides)


def context_of(runtime: Runtime[Context] | None) -> Context:
    """This run's context, or the defaults when the caller gave none."""
    if runtime is not None and runtime.context is not None:
        return runtime.context
    return Context()
