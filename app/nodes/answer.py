"""Nodes `answer_with_slm` and `escalate_to_llm`: draft an answer from the retrieved policy."""

from __future__ import annotations

import time
from collections.abc import Callable

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable
from langgraph.runtime import Runtime

from app.context import Context, context_of
from app.deps import Deps
from app.knowledge.models import Chunk
from app.nodes.common import BoundNode, history_messages, stopwatch, usage_of
from app.prompts import llm_messages, slm_chunks, slm_messages
from app.providers.extractive import answer_runs, relevant_starts, render_units, split_units
from app.state import State
from app.trace import TraceEntry

PromptBuilder = Callable[[str, list, list[BaseMessage]], list[BaseMessage]]


def slm_answer_plan(model: BaseChatModel, chunks: list[Chunk], mode: str, question: str = "",
                    encode: Callable | None = None) -> tuple[Runnable, PromptBuilder, str]:
    """The SLM call for this mode: extractive (the model picks among runs of copied policy sentences) or generative.

    `auto` is extractive for a model that answers from given choices (`accepts_choices`, the embedded llama.cpp
    model: a 270M base model paraphrases into invented contacts and labels) and generative for others, which
    are larger instruction-tuned models. Extractive needs sentences: with no chunk it writes generatively.
    In extractive mode the prompt asks `question` (the English reading of a translated message: the policy
    is in English), and with `encode` (the sentence encoder) answers start at the unit closest to it.
    """
    takes_choices = getattr(model, "accepts_choices", False)
    if mode == "generative" or (mode == "auto" and not takes_choices):
        return model, slm_messages, "generative"
    if not takes_choices:
        return model, slm_messages, "generative (this model cannot be held to choices)"
    shown = slm_chunks(chunks)
    passages = [split_units(chunk.text.removeprefix(chunk.section).lstrip("\n")) for chunk in shown]
    n_units = sum(map(len, passages))
    if not n_units:
        return model, slm_messages, "generative (no policy sentences to copy)"
    policy = "\n\n".join(f"{chunk.section}\n\n{render_units(units)}" for chunk, units in zip(shown, passages))
    starts = relevant_starts(question, passages, encode) if encode is not None and question else None
    runs = answer_runs(passages, starts=starts)
    where = "" if not starts else (", starting at the sentence closest to the question" if len(starts) == 1
                                   else f", starting at one of the {len(starts)} sentences closest to the question")
    detail = f"extractive from {n_units} sentences{where}"

    def build(asked: str, chunks: list, history: list[BaseMessage]) -> list[BaseMessage]:
        return slm_messages(question or asked, chunks, history, policy=policy)

    return model.bind(choices=runs), build, detail


MIN_CALL_S = 0.25  # with less of the turn left than this, a model call is not started


def seconds_left(state: State) -> float | None:
    """Seconds until the turn's deadline, None when the state has none (a graph driven without input_rails)."""
    deadline = state.get("deadline")
    return None if deadline is None else deadline - time.time()


def within(model: Runnable, spec: str, left: float | None) -> Runnable:
    """The model call, told to give up when the turn's deadline comes before its own timeout.

    OpenAI-compatible clients take a per-request `timeout`; Ollama's client keeps its configured timeout
    (`SWITCHBOARD_MODEL_TIMEOUT_S`), and the embedded model is bounded by its token limit.
    """
    if left is None or not spec.startswith("openai:"):
        return model
    timeout = getattr(model, "request_timeout", None)
    if isinstance(timeout, (int, float)) and timeout <= left:
        return model
    return model.bind(timeout=max(left, MIN_CALL_S))


def _draft(state: State, desk: str, model: Runnable | None, spec: str, build: PromptBuilder, node: str,
           detail: str = "") -> dict:
    """Call one desk's model; a missing or failing model becomes a recorded fault, never an exception."""
    tried = [*state.get("tried", []), desk]
    if model is None:
        fault = f"{desk}_unavailable: not configured"
        return {"tried": tried, "faults": [*state.get("faults", []), fault], "draft": "", "drafted_by": None,
                "trace": [TraceEntry(node=node, decision="unavailable", detail=f"{spec}: {fault}")]}
    left = seconds_left(state)
    if left is not None and left <= MIN_CALL_S:
        fault = f"{desk}_down: turn deadline passed"
        return {"tried": tried, "faults": [*state.get("faults", []), fault], "draft": "", "drafted_by": None,
                "trace": [TraceEntry(node=node, decision="fault", model=spec, detail=fault)]}
    prompt = build(state.get("redacted_text", ""), state.get("chunks", []), history_messages(state))
    with stopwatch() as t:
        try:
            reply = within(model, spec, left).invoke(prompt)
            error = None
        except Exception as exc:  # server down, timeout, malformed response
            reply, error = None, f"{desk}_down: {type(exc).__name__}"
    if error is not None:
        return {"tried": tried, "faults": [*state.get("faults", []), error], "draft": "", "drafted_by": None,
                "trace": [TraceEntry(node=node, decision="fault", model=spec, latency_ms=t["ms"], detail=error)]}
    text = reply.content if isinstance(reply.content, str) else str(reply.content)
    tokens_in, tokens_out = usage_of(reply)
    entry = TraceEntry(node=node, decision="drafted", model=spec, tokens_in=tokens_in, tokens_out=tokens_out,
                       latency_ms=t["ms"], detail=detail)
    return {"tried": tried, "draft": text.strip(), "drafted_by": desk, "trace": [entry]}


def make_answer_with_slm(deps: Deps):
    def answer_with_slm(state: State, runtime: Runtime[Context]) -> dict:
        """Draft with the small model from the top policy chunks: copied sentences or free text (see the mode)."""
        model = deps.slm
        if model is None:
            return _draft(state, "slm", None, deps.slm_spec, slm_messages, "answer_with_slm")
        question = state.get("english_text") or state.get("redacted_text", "")
        plan, build, detail = slm_answer_plan(model, state.get("chunks", []), context_of(runtime).slm_answer_mode,
                                              question, deps.sentence_encoder)
        return _draft(state, "slm", plan, deps.slm_spec, build, "answer_with_slm", detail)

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
