"""Nodes `answer_with_slm` and `escalate_to_llm`: draft an answer from the retrieved policy."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from app.deps import Deps
from app.nodes.common import BoundNode, history_messages, stopwatch, usage_of
from app.prompts import llm_messages, slm_messages
from app.state import State
from app.trace import TraceEntry

PromptBuilder = Callable[[str, list, list[BaseMessage]], list[BaseMessage]]


def _draft(state: State, desk: str, model: BaseChatModel | None, spec: str, build: PromptBuilder, node: str) -> dict:
    """Call one desk's model; a missing or failing model becomes a recorded fault, never an exception."""
    tried = [*state.get("tried", []), desk]
    if model is None:
        fault = f"{desk}_unavailable: not configured"
        return {"tried": tried, "faults": [*state.get("faults", []), fault], "draft": "", "drafted_by": None,
                "trace": [TraceEntry(node=node, decision="unavailable", detail=f"{spec}: {fault}")]}
    prompt = build(state.get("redacted_text", ""), state.get("chunks", []), history_messages(state))
    with stopwatch() as t:
        try:
            reply = model.invoke(prompt)
            error = None
        except Exception as exc:  # server down, timeout, malformed response
            reply, error = None, f"{desk}_down: {type(exc).__name__}"
    if error is not None:
        return {"tried": tried, "faults": [*state.get("faults", []), error], "draft": "", "drafted_by": None,
                "trace": [TraceEntry(node=node, decision="fault", model=spec, latency_ms=t["ms"], detail=error)]}
    text = reply.content if isinstance(reply.content, str) else str(reply.content)
    tokens_in, tokens_out = usage_of(reply)
    entry = TraceEntry(node=node, decision="drafted", model=spec, tokens_in=tokens_in, tokens_out=tokens_out,
                       latency_ms=t["ms"])
    return {"tried": tried, "draft": text.strip(), "drafted_by": desk, "trace": [entry]}


def make_answer_with_slm(deps: Deps):
    def answer_with_slm(state: State) -> dict:
        """Draft with the small model, grounded in the top policy chunks."""
        return _draft(state, "slm", deps.slm, deps.slm_spec, slm_messages, "answer_with_slm")

    return BoundNode(answer_with_slm)


def make_escalate_to_llm(deps: Deps):
    def escalate_to_llm(state: State) -> dict:
        """Draft with the large model: the redacted conversation plus the numbered policy excerpts."""
        update = _draft(state, "llm", deps.llm, deps.llm_spec, llm_messages, "escalate_to_llm")
        if not state.get("escalation_reason"):
            update["escalation_reason"] = _reason(state)
        return update

    return BoundNode(escalate_to_llm)


def _reason(state: State) -> str:
    if not state.get("check_passed", True) and state.get("drafted_by") == "slm":
        return "SLM answer failed the output rails"
    if any(f.startswith("slm_") for f in state.get("faults", [])):
        return "SLM unavailable"
    return "escalated"
