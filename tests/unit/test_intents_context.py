"""Multi-turn rules: what counts as a follow-up, and which reading wins."""

from __future__ import annotations

import pytest

from app.intents.classifier import IntentPrediction
from app.intents.context import ContextPolicy, choose_with_context, combine_with_history, is_follow_up


@pytest.mark.parametrize("text", ["and for express?", "what about klarna?", "how long after?", "and the other one?",
                                  "from last year?"])
def test_elliptical_messages_are_follow_ups(text):
    assert is_follow_up(text)


@pytest.mark.parametrize("text", ["where is my order", "I want to cancel my last order please right now",
                                  "can I pay with paypal"])
def test_self_contained_messages_are_not(text):
    assert not is_follow_up(text)


def test_combine_uses_the_last_non_empty_user_turn():
    assert combine_with_history("and for express?", ["hi", "how long is delivery?", " "]) == \
        "how long is delivery? and for express?"


def _p(intent, conf):
    return IntentPrediction(intent=intent, tier="routine" if intent else "out_of_scope", confidence=conf,
                            candidates=[(intent or "x", conf)])


def test_follow_up_takes_the_combined_reading_unless_alone_is_very_sure():
    policy = ContextPolicy()
    chosen = choose_with_context("and for express?", _p("delivery_options", 0.7), _p("delivery_period", 0.6), policy)
    assert chosen.intent == "delivery_period" and chosen.used_context
    sure = choose_with_context("and cancel it?", _p("cancel_order", 0.97), _p("track_order", 0.8), policy)
    assert sure.intent == "cancel_order" and not sure.used_context


def test_non_follow_up_takes_combined_only_when_more_confident():
    policy = ContextPolicy()
    text = "the one I bought yesterday morning from your site"
    assert choose_with_context(text, _p("track_order", 0.4), _p("get_refund", 0.8), policy).intent == "get_refund"
    assert choose_with_context(text, _p("track_order", 0.4), _p("get_refund", 0.3), policy).intent == "track_order"


def test_self_contained_out_of_scope_message_stays_out_of_scope():
    text = "what's the weather like in Paris today?"
    assert choose_with_context(text, _p(None, 0.3), _p("cancel_order", 0.9), ContextPolicy()).intent is None


def test_out_of_scope_combined_reading_never_wins():
    chosen = choose_with_context("and for express?", _p("delivery_options", 0.3), _p(None, 0.2), ContextPolicy())
    assert chosen.intent == "delivery_options"


def test_wants_context_when_unsure_or_follow_up():
    policy = ContextPolicy()
    assert policy.wants_context("and for express?", 0.99, False)
    assert policy.wants_context("where is my order", 0.3, False)
    assert not policy.wants_context("what's the weather in Paris?", 0.2, True)
    assert not policy.wants_context("where is my order", 0.99, False)
