"""The handoff conditions: pure functions of the state, one per branching edge (DESIGN habit 2)."""

from __future__ import annotations

from typing import Literal

from app.state import State


def after_input_rails(state: State) -> Literal["refuse", "detect_intent"]:
    """A blocked message is refused before any model sees it."""
    return "refuse" if (state.get("signals") or {}).get("input_action") == "block" else "detect_intent"


def after_detect_intent(state: State) -> Literal["retrieve", "handoff_to_human", "refuse"]:
    """slm and llm desks both need the policy; human and blocked skip retrieval."""
    route = state.get("route")
    if route == "blocked":
        return "refuse"
    if route == "human":
        return "handoff_to_human"
    return "retrieve"


def after_retrieve(state: State) -> Literal["answer_with_slm", "escalate_to_llm"]:
    """The desk chosen by `detect_intent` drafts the answer."""
    return "answer_with_slm" if state.get("route") == "slm" else "escalate_to_llm"


def after_slm(state: State) -> Literal["check_answer", "escalate_to_llm"]:
    """SLM down or timing out → the LLM takes the turn."""
    return "check_answer" if state.get("drafted_by") == "slm" else "escalate_to_llm"


def after_llm(state: State) -> Literal["check_answer", "answer_with_slm", "handoff_to_human"]:
    """LLM down → the SLM for routine messages (if not tried yet), a human for the rest."""
    if state.get("drafted_by") == "llm":
        return "check_answer"
    tier = (state.get("signals") or {}).get("tier")
    if "slm" not in state.get("tried", []) and tier == "routine":
        return "answer_with_slm"
    return "handoff_to_human"


def after_check(state: State) -> Literal["respond", "escalate_to_llm", "handoff_to_human"]:
    """Pass → reply; an SLM draft that fails gets one LLM attempt; anything else failing → a human."""
    if state.get("check_passed"):
        return "respond"
    if state.get("drafted_by") == "slm" and "llm" not in state.get("tried", []):
        return "escalate_to_llm"
    return "handoff_to_human"
