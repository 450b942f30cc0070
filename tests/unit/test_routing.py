"""The routing decision and the graph's routers are pure: each handoff condition without a model."""

from __future__ import annotations

import pytest

from app.nodes import routers
from app.routing import RoutingSignals, RoutingThresholds, choose_desk

T = RoutingThresholds(intent_confidence=0.5, negativity=0.6, max_failures=2)


def desk(**signals) -> str:
    return choose_desk(RoutingSignals(**signals), T).desk


def test_routine_and_confident_goes_to_the_slm_with_score_and_threshold():
    decision = choose_desk(RoutingSignals(intent="track_order", tier="routine", confidence=0.8), T)
    assert (decision.desk, decision.score, decision.threshold) == ("slm", 0.8, 0.5)


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        ({"intent": "track_order", "tier": "routine", "confidence": 0.49}, "llm"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.5}, "slm"),
        ({"intent": "complaint", "tier": "complex", "confidence": 0.9}, "llm"),
        ({"intent": None, "tier": "out_of_scope", "confidence": 0.2}, "llm"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.9, "multi_intent": True}, "llm"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.9, "negativity": 0.6}, "llm"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.9, "negativity": 0.59}, "slm"),
        ({"intent": "legal_threat", "tier": "sensitive", "confidence": 0.8}, "human"),
        ({"intent": "legal_threat", "tier": "sensitive", "confidence": 0.3}, "llm"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.9, "failures_in_thread": 2}, "human"),
        ({"intent": "track_order", "tier": "routine", "confidence": 0.9, "failures_in_thread": 1}, "slm"),
        ({"input_action": "escalate", "intent": "track_order", "tier": "routine", "confidence": 0.9}, "human"),
        ({"input_action": "block", "intent": "legal_threat", "tier": "sensitive", "confidence": 0.9}, "blocked"),
    ],
)
def test_each_handoff_condition(signals, expected):
    assert desk(**signals) == expected


def test_graph_routers_follow_the_state():
    assert routers.after_input_rails({"signals": {"input_action": "block"}}) == "refuse"
    assert routers.after_input_rails({"signals": {"input_action": "pass"}}) == "detect_intent"
    assert routers.after_detect_intent({"route": "human"}) == "handoff_to_human"
    assert routers.after_detect_intent({"route": "blocked"}) == "refuse"
    assert routers.after_detect_intent({"route": "llm"}) == "retrieve"
    assert routers.after_retrieve({"route": "slm"}) == "answer_with_slm"
    assert routers.after_retrieve({"route": "llm"}) == "escalate_to_llm"
    assert routers.after_slm({"drafted_by": "slm"}) == "check_answer"
    assert routers.after_slm({"drafted_by": None}) == "escalate_to_llm"
    assert routers.after_llm({"drafted_by": "llm"}) == "check_answer"
    assert routers.after_llm({"drafted_by": None, "tried": ["llm"], "signals": {"tier": "routine"}}) == "answer_with_slm"
    assert routers.after_llm({"drafted_by": None, "tried": ["slm", "llm"], "signals": {"tier": "routine"}}) == "handoff_to_human"
    assert routers.after_llm({"drafted_by": None, "tried": ["llm"], "signals": {"tier": "complex"}}) == "handoff_to_human"
    assert routers.after_check({"check_passed": True}) == "respond"
    assert routers.after_check({"check_passed": False, "drafted_by": "slm", "tried": ["slm"]}) == "escalate_to_llm"
    assert routers.after_check({"check_passed": False, "drafted_by": "llm", "tried": ["slm", "llm"]}) == "handoff_to_human"


def test_off_topic_blocks_only_messages_without_a_shop_intent():
    assert desk(intent=None, tier="out_of_scope", confidence=0.1, off_topic=0.8) == "blocked"
    assert desk(intent=None, tier="out_of_scope", confidence=0.1, off_topic=0.7) == "llm"
    assert desk(intent="track_order", tier="routine", confidence=0.9, off_topic=0.99) == "slm"
    assert desk(intent="legal_threat", tier="sensitive", confidence=0.9, off_topic=0.99) == "human"


def test_an_upset_customer_is_not_refused_as_off_topic():
    assert desk(intent=None, tier="out_of_scope", confidence=0.1, off_topic=0.9, negativity=0.8) == "llm"


def test_judgement_questions_go_to_the_llm():
    assert desk(intent="check_refund_policy", tier="routine", confidence=0.9, judgement=True) == "llm"


def test_two_questions_and_judgement_are_detected_in_text():
    from app.nodes.detect_intent import looks_multi_intent, needs_judgement

    assert looks_multi_intent("If I cancel and reorder, what does that cost me and how long will it take?", [])
    assert not looks_multi_intent("How long does delivery take?", [])
    two = [("change_shipping_address", 0.84), ("multi_issue", 0.15)]
    assert looks_multi_intent("I want to change my order and also use a different delivery address", two)
    assert not looks_multi_intent("I want to change my delivery address", two)
    assert needs_judgement("Is it cheaper to return the set and reorder, or keep it?")
    assert needs_judgement("Can you price-match a lower price I found elsewhere?")
    assert needs_judgement("Will I still get my money back or is it lost?")
    assert needs_judgement("and if it was a gift and they used a discount and paid with two cards?")
    assert needs_judgement("idk, it's about the refund thing, you know")
    assert not needs_judgement("How much is express delivery?")
    assert not needs_judgement("I don't know what to do to track my order")
