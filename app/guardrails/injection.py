"""Prompt-injection and jailbreak rail: curated patterns over decoded views + a small learned model."""

from __future__ import annotations

import numpy as np

from app.guardrails.injection_model import load_injection_model
from app.guardrails.injection_patterns import match_patterns
from app.guardrails.normalize import views
from app.guardrails.policy import GuardrailPolicy
from app.guardrails.verdict import Verdict

PATTERN_SCORE = 0.99  # a curated pattern hit is treated as near-certain


def injection_score(text: str, policy: GuardrailPolicy | None = None, embedding: np.ndarray | None = None,
                    use_model: bool = True) -> tuple[float, list[str]]:
    """Attack score in [0, 1] and the names of the patterns that fired (prefixed 'model' when the model decided).

    `use_model=False`: patterns only (the learned head was trained on English; a translated message is scored
    by the head on its English reading instead).
    """
    extra = policy.compiled.injection_extra if policy else None
    hits = match_patterns(views(text), extra)
    if hits:
        return PATTERN_SCORE, hits
    if not use_model or (policy is not None and not policy.injection.use_model):
        return 0.0, []
    model = load_injection_model()
    if model is None:
        return 0.0, []
    emb = None if embedding is None else np.asarray(embedding, dtype=np.float32).reshape(1, -1)
    return float(model.score([text], emb)[0]), ["model"]


def detect_injection(text: str, policy: GuardrailPolicy | None = None, embedding: np.ndarray | None = None,
                     use_model: bool = True) -> Verdict:
    """Block when the attack score reaches the policy threshold (default 0.5)."""
    threshold = policy.injection.threshold if policy else 0.5
    score, hits = injection_score(text, policy, embedding, use_model)
    if score >= threshold:
        return Verdict(rail="injection", action="block", score=score, details=hits,
                       reason=f"prompt injection or jailbreak detected ({', '.join(hits)})")
    return Verdict(rail="injection", action="pass", score=score, reason="no injection signal")
