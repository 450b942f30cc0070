"""Conversation context for intent detection: classify elliptical follow-ups with the previous user turn.

"and for express?" alone says little; "how long does standard delivery take? and for express?" says
delivery_period. We classify the message alone first; when it looks like a follow-up, or the classifier
is unsure, we also classify it joined to the previous user turn and keep the better-supported reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from app.intents.classifier import IntentPrediction

# Openers and pronouns that point back at an earlier turn (English; a few common Spanish/French ones).
_FOLLOW_UP = re.compile(
    r"^(and|also|plus|but|or|so|then|what about|how about|what if|same|ok(ay)?|and if|y|et|what about it)\b"
    r"|\b(it|that|this|them|those|one|there|after|before|instead|too|either|as well|longer|then)\b[?.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ContextPolicy:
    """When to look back, and how much the combined reading must win by."""

    max_follow_up_words: int = 6
    # so short it can only be read against the conversation ("from last year?", "any news?")
    always_follow_up_words: int = 3
    unsure_below: float = 0.6
    # a short follow-up takes the combined reading unless the message alone is this sure
    keep_alone_above: float = 0.9

    def wants_context(self, text: str, confidence: float, out_of_scope: bool) -> bool:
        """Look back for follow-ups and unsure in-scope readings; a self-contained out-of-scope message
        ("what's the weather?") stays out of scope whatever came before."""
        if is_follow_up(text, self):
            return True
        return not out_of_scope and confidence < self.unsure_below


def is_follow_up(text: str, policy: "ContextPolicy | None" = None) -> bool:
    """Three words or fewer, or a short message that opens/ends with a back-reference ('and…', '…it?')."""
    words = text.split()
    policy = policy or ContextPolicy()
    if len(words) <= policy.always_follow_up_words:
        return True
    return len(words) <= policy.max_follow_up_words and bool(_FOLLOW_UP.search(text.strip()))


_CONTINUES = re.compile(r"^\W*(and|also|plus|but|so|then|what about|how about|what if|ok(ay)?( but| and| so)?)\b", re.I)


def continues_conversation(text: str, max_words: int = 15) -> bool:
    """A follow-up, or a message that opens by carrying on from the last turn ("and how many can I save?")."""
    return is_follow_up(text) or (len(text.split()) <= max_words and bool(_CONTINUES.match(text)))


def combine_with_history(text: str, history: Sequence[str]) -> str:
    """The previous user turn followed by the current message."""
    previous = next((h.strip() for h in reversed(history) if h and h.strip()), "")
    return f"{previous} {text}".strip()


def choose_with_context(
    text: str, alone: "IntentPrediction", combined: "IntentPrediction", policy: ContextPolicy
) -> "IntentPrediction":
    """Keep the message-alone reading unless the combined one is better supported.

    Follow-ups take the combined reading unless the message alone is very sure of a different intent;
    other messages take it only when both readings are in scope and the combined one is more confident.
    """
    if combined.intent is None:
        return alone
    if is_follow_up(text, policy):
        use = alone.intent is None or alone.confidence < policy.keep_alone_above or alone.intent == combined.intent
    else:
        use = alone.intent is not None and combined.confidence > alone.confidence
    if not use:
        return alone
    return combined.model_copy(update={"used_context": combined.intent != alone.intent or alone.intent is None})
