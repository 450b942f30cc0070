"""Abuse, forbidden-topic and negativity checks on a customer message, driven by the policy's regexes."""

from __future__ import annotations

import re

from app.guardrails.normalize import clean, fold_leet
from app.guardrails.policy import GuardrailPolicy
from app.guardrails.verdict import Verdict

_OBFUSCATED = re.compile(r"(?<=\w)[*#@$%!.]+(?=\w)")
_EXCLAIM = re.compile(r"[!?]{2,}")
_INTENSIFIED = re.compile(
    r"\b(?:very|so|really|extremely|absolutely|totally|completely|beyond)\s+"
    r"(?:angry|upset|annoyed|frustrated|disappointed|furious|mad|unhappy|fed\s+up|stressed|worried)\b", re.I
)
_SHOUTED = re.compile(r"\b[A-Z]{3,}\b")  # whole words in capitals (acronyms too: two are needed to count)


def _views(text: str) -> list[str]:
    base = clean(text)
    # "f*ck" / "sh!t" / "f.u.c.k": fold leetspeak and fill masking symbols with a wildcard-friendly letter
    unmasked = _OBFUSCATED.sub("u", fold_leet(base))
    return [base, unmasked] if unmasked != base else [base]


def check_abuse(text: str, policy: GuardrailPolicy) -> Verdict:
    """Insults aimed at the agent or threats of violence -> policy action (block by default)."""
    cp = policy.compiled
    for kind, rx in (("threat", cp.threats), ("insult", cp.insults)):
        if rx is not None and any(rx.search(v) for v in _views(text)):
            return Verdict(rail="abuse", action=policy.abuse.action, score=1.0, details=[kind],
                           reason=f"abusive message ({kind})")
    return Verdict(rail="abuse", action="pass", score=0.0, reason="no abuse")


def check_topics(text: str, policy: GuardrailPolicy) -> Verdict:
    """First forbidden topic the message asks about -> its action (block or escalate)."""
    base = clean(text)
    for rule, rx in policy.compiled.topics:
        if rx is not None and rx.search(base):
            return Verdict(rail="topic", action=rule.action, score=1.0, details=[rule.name],
                           reason=f"forbidden topic: {rule.name}" + (f" (refer to {rule.reply_hint})" if rule.reply_hint else ""))
    return Verdict(rail="topic", action="pass", score=0.0, reason="no forbidden topic")


def negativity(text: str, policy: GuardrailPolicy) -> float:
    """0..1 strength of negative or emotional tone: frustration words, profanity, shouting, !!!/???."""
    cp = policy.compiled
    views = _views(text)
    base = views[-1]
    score = 0.0
    if cp.negativity is not None:
        score += 0.25 * min(3, len(cp.negativity.findall(base)))
    if cp.profanity is not None and cp.profanity.search(base):
        score += 0.35
    letters = [c for c in base if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6:
        score += 0.3
    elif len(_SHOUTED.findall(base)) >= 2:  # "I've been waiting THREE WEEKS": shouting part of the message
        score += 0.25
    if _INTENSIFIED.search(base):  # "very annoyed" weighs more than "annoyed"
        score += 0.25
    if _EXCLAIM.search(base):
        score += 0.15
    if cp.insults is not None and cp.insults.search(base):
        score += 0.5
    return min(1.0, score)
