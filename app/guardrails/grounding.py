"""Grounding rail: every checkable claim and every promise in an answer must be stated by the retrieved chunks."""

from __future__ import annotations

import re

from app.guardrails.claims import extract_claims, fold_number_words, is_supported
from app.guardrails.verdict import Verdict

_PROMISE = re.compile(
    r"\b(?:we\s*(?:'ll|will|can|shall)\s+(?:also\s+|always\s+|then\s+|automatically\s+)?(?!not\b|never\b)\w+|"
    r"you\s*(?:'ll|will)\s+(?:also\s+|then\s+|automatically\s+)?(?:receive|get|be\s+(?:refunded|compensated|credited|reimbursed|given|sent|charged))|"
    r"guarantee\w*|free\s+of\s+charge|at\s+no\s+(?:extra\s+)?cost|for\s+free|complimentary)\b",
    re.IGNORECASE)
_SENT = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("""a an the and or but if then so to of in on at by for with from as is are was were be been it its this that
these those you your we our us i my me they them their he she can will shall may might must do does did not no yes also
all any each every some more most just only very too than there here when what which who how after before""".split())


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold_number_words(text).lower()) if w not in _STOP and len(w) > 1}


def promise_sentences(answer: str) -> list[str]:
    """Sentences of the answer that promise something (we will…, you will receive…, guarantee, free…)."""
    return [s.strip() for s in _SENT.split(answer) if s.strip() and _PROMISE.search(s)]


def promise_supported(sentence: str, context: str, min_overlap: float = 0.6) -> bool:
    """A promise is supported when one context sentence holds most of its content words."""
    words = _content(sentence)
    if not words:
        return True
    best = max((len(words & _content(s)) / len(words) for s in _SENT.split(context) if s.strip()), default=0.0)
    return best >= min_overlap


def unsupported_claims(answer: str, context: str, check_labels: bool = True) -> list[str]:
    """Texts of the claims and promises in `answer` that `context` does not support (deduplicated, in order)."""
    ctx_claims = extract_claims(context)
    out: list[str] = []
    for claim in extract_claims(answer):
        if claim.kind == "label" and not check_labels:
            continue
        if not is_supported(claim, ctx_claims, context) and claim.text not in out:
            out.append(claim.text)
    for sentence in promise_sentences(answer):
        if not promise_supported(sentence, context) and sentence not in out:
            out.append(sentence)
    return out


def check_grounding(answer: str, context: str, check_labels: bool = True) -> Verdict:
    """Verdict 'block' listing the unsupported claims, or 'pass'. Score = share of claims supported."""
    n_claims = len(extract_claims(answer)) + len(promise_sentences(answer))
    bad = unsupported_claims(answer, context, check_labels)
    score = 1.0 if n_claims == 0 else max(0.0, 1 - len(bad) / n_claims)
    if bad:
        return Verdict(rail="grounding", action="block", score=score, details=bad,
                       reason=f"{len(bad)} claim(s) not supported by the approved policy: " + "; ".join(bad)[:300])
    return Verdict(rail="grounding", action="pass", score=score, reason=f"{n_claims} checkable claim(s), all supported")
