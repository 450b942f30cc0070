"""Node `input_rails`: validate and redact the customer message, block attacks, before any model call."""

from __future__ import annotations

import time

from langchain_core.messages import HumanMessage, RemoveMessage
from langgraph.runtime import Runtime

from app.context import Context, context_of
from app.deps import Deps
from app.guardrails.pii import redact_pii
from app.guardrails.verdict import Verdict
from app.message_text import invalid_text_reason
from app.nodes.common import BoundNode, stopwatch, usage_of
from app.state import NEW_TURN, State
from app.trace import TraceEntry
from app.translation import looks_foreign, translate_to_english


def make_input_rails(deps: Deps):
    limit = deps.settings.max_message_chars

    def input_rails(state: State, runtime: Runtime[Context]) -> dict:
        """Run the input rails on the latest customer message and start this turn's trace."""
        raw, unstored = customer_message(state)
        text = raw.strip()
        turn = state.get("turn", 0) + 1
        fresh = {"turn": turn, "tried": [], "faults": [], "chunks": [], "draft": "", "drafted_by": None,
                 "check_passed": False, "answer": "", "answered_by": None, "citations": [], "escalation_reason": None,
                 "ticket_id": None, "messages": unstored, "deadline": time.time() + deps.settings.turn_timeout_s}
        with stopwatch() as t:
            invalid = invalid_text_reason(text, limit)
            if invalid:
                reason = invalid.removeprefix("the message ").split(":")[0].split(";")[0]
                verdict = Verdict(rail="input", action="block", reason=reason, score=1.0)
                result = None
            else:
                result = deps.input_rails(text)
        translation: list[TraceEntry] = []
        english = None
        if result is not None and context_of(runtime).translate and (result.action != "block" or _blocked_by_model(result)):
            english, translation = _translate(deps, text, result.redacted_text)
            if english:
                with stopwatch() as t:
                    result = deps.input_rails(text, english=english)
        if result is None:
            return {**fresh, "redacted_text": "", "verdicts": [verdict],
                    "signals": {"input_action": "block", "block_category": "invalid", "negativity": 0.0},
                    "trace": [NEW_TURN, TraceEntry(node="input_rails", decision="block", detail=reason, latency_ms=t["ms"])]}
        category = _block_category(result.verdicts) if result.action == "block" else None
        entry = TraceEntry(
            node="input_rails",
            decision=result.action,
            latency_ms=t["ms"],
            score=max((v.score for v in result.verdicts), default=0.0),
            detail="; ".join(f"{v.rail}={v.action}" + (f" ({v.reason})" if v.action != "pass" else "") for v in result.verdicts),
        )
        return {
            **fresh,
            "redacted_text": result.redacted_text,
            "english_text": english or result.redacted_text,
            "verdicts": list(result.verdicts),
            "signals": {"input_action": result.action, "block_category": category, "negativity": result.negativity,
                        "off_topic": result.off_topic, "input_reason": result.reason},
            "trace": [NEW_TURN, *translation, entry],
        }

    return BoundNode(input_rails)


def customer_message(state: State) -> tuple[str, list]:
    """This turn's text as written, and the message updates that keep it out of the stored conversation.

    The API sends the text in the untracked `customer_text` channel. A caller that sends it as a human
    message (Studio, the LangGraph SDK) gets that message removed here; `respond` stores the redacted one.
    """
    if state.get("customer_text") is not None:
        return state["customer_text"], []
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            text = message.content if isinstance(message.content, str) else str(message.content)
            return text, [RemoveMessage(id=message.id)] if message.id else []
        break  # the last message is an answer: this turn has no new human message
    return "", []


def _blocked_by_model(result) -> bool:
    """Only the learned injection head blocked: on a foreign message it may be wrong (it was trained on English)."""
    if result is None or result.action != "block":
        return False
    blocking = [v for v in result.verdicts if v.action == "block"]
    return all(v.rail == "injection" and v.details == ["model"] for v in blocking)


LOCAL_SLM_PREFIXES = ("llamacpp:", "ollama:")  # run on the deployment's own hardware


def _translate(deps: Deps, text: str, redacted: str) -> tuple[str | None, list[TraceEntry]]:
    """The SLM's English reading of a foreign message, redacted, with its trace entry; None when not needed.

    A local SLM translates the message as written: the English-centric name detector mistakes capitalised
    German nouns for names, and "Wie kann ich mein <PERSON> zurücksetzen?" loses the word that matters
    (Passwort). A hosted SLM only ever gets the redacted text. Either way the English reading is redacted.
    """
    policy = deps.guardrail_policy
    if deps.slm is None or not looks_foreign(text, policy.compiled.foreign_words):
        return None, []
    source = text if deps.slm_spec.startswith(LOCAL_SLM_PREFIXES) else redacted
    error = None
    with stopwatch() as t:
        try:
            english, reply = translate_to_english(source, deps.slm)
            if english:
                english = redact_pii(english, set(policy.pii.redact), names=policy.pii.detect_names)[0]
        except Exception as exc:  # SLM down: the rails read the original message
            error = f"slm_down: {type(exc).__name__}"
    if error is not None:  # after the block, so that the trace records the real wait
        return None, [TraceEntry(node="translate", decision="fault", model=deps.slm_spec, latency_ms=t["ms"],
                                 detail=error)]
    tokens_in, tokens_out = usage_of(reply)
    return english, [TraceEntry(node="translate", decision="translated" if english else "unusable", model=deps.slm_spec,
                                tokens_in=tokens_in, tokens_out=tokens_out, latency_ms=t["ms"],
                                detail="message read in English before routing")]


def _block_category(verdicts: list[Verdict]) -> str:
    """Which refusal text fits: the first blocking rail's name (injection, abuse, off_topic, forbidden_topic)."""
    for verdict in verdicts:
        if verdict.action == "block":
            name = verdict.rail
            if "inject" in name or "jailbreak" in name:
                return "injection"
            if "abuse" in name or "tox" in name:
                return "abuse"
            if "forbidden" in name:
                return "forbidden_topic"
            if "topic" in name:
                return "forbidden_topic" if "forbidden" in verdict.reason.lower() else "off_topic"
            return name
    return "off_topic"
