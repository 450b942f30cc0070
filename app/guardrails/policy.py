"""Guardrail policy as data: `knowledge/guardrails.yaml`, validated by pydantic on load."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.errors import ConfigError
from app.yaml_files import read_yaml_mapping

DEFAULT_POLICY_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "guardrails.yaml"
PII_TYPES = ("EMAIL", "PHONE", "CARD", "IBAN", "SSN", "NATIONAL_ID", "IP", "PERSON", "ADDRESS")


def _check_regexes(patterns: list[str]) -> list[str]:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"invalid regex {p!r}: {exc}") from exc
    return patterns


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PiiPolicy(_Strict):
    """Which personal data is redacted before any model call or log line."""

    redact: list[str] = Field(default=list(PII_TYPES), description="Entity types replaced by <TYPE> placeholders.")
    keep_original_in: list[Literal["human_handoff", "none"]] = Field(
        default=["human_handoff"], description="Places where the unredacted text may be kept (never models or logs).")
    detect_names: bool = Field(default=True, description="Run the person-name heuristics.")

    @field_validator("redact")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(PII_TYPES))
        if unknown:
            raise ValueError(f"unknown PII types {unknown}; valid: {list(PII_TYPES)}")
        return v


class InjectionPolicy(_Strict):
    """Prompt-injection / jailbreak rail."""

    threshold: float = Field(default=0.5, ge=0, le=1, description="Block when the attack score reaches this.")
    use_model: bool = Field(default=True, description="Use the learned model next to the curated patterns.")
    extra_patterns: list[str] = Field(default_factory=list, description="Additional regexes that signal an attack.")

    @field_validator("extra_patterns")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class AbusePolicy(_Strict):
    """Abuse directed at the agent (insults, threats, slurs). Plain profanity only raises negativity."""

    action: Literal["block", "escalate"] = "block"
    insults: list[str] = Field(default_factory=list, description="Regexes for insults aimed at the agent.")
    threats: list[str] = Field(default_factory=list, description="Regexes for threats of violence.")
    profanity: list[str] = Field(default_factory=list, description="Words that raise negativity but do not block.")

    @field_validator("insults", "threats", "profanity")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class TopicRule(_Strict):
    """A topic the assistant must not advise on (medical, legal, investment, politics…)."""

    name: str
    action: Literal["block", "escalate"] = "block"
    patterns: list[str] = Field(min_length=1, description="Regexes; any match triggers the rule.")
    reply_hint: str = Field(default="", description="What the polite refusal should point to.")

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class OffTopicPolicy(_Strict):
    """Messages that are not about the shop at all (learned head on the message embedding; a routing signal)."""

    enabled: bool = True
    shop_words: list[str] = Field(default_factory=list, description="Words that make a message on-topic (head abstains).")
    foreign_words: list[str] = Field(default_factory=list, description="Function words of other languages (head abstains).")


class CommitmentRule(_Strict):
    """A kind of promise the answer may make only when the retrieved policy supports it."""

    name: str
    patterns: list[str] = Field(min_length=1, description="Regexes that find the promise in an answer.")
    never_allowed: bool = Field(default=False, description="Fail even if a chunk mentions it (e.g. legal advice).")

    @field_validator("patterns")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class GroundingPolicy(_Strict):
    """Output grounding rail."""

    enabled: bool = True
    check_steps: bool = Field(default=True, description="Quoted UI labels (\"Save\") must appear in the chunks.")


class TonePolicy(_Strict):
    """Output tone rail."""

    banned: list[str] = Field(default_factory=list, description="Regexes for rude or dismissive phrasing.")

    @field_validator("banned")
    @classmethod
    def _regexes(cls, v: list[str]) -> list[str]:
        return _check_regexes(v)


class GuardrailPolicy(_Strict):
    """Everything the rails need, loaded from knowledge/guardrails.yaml."""

    version: str
    company_domains: list[str] = Field(default_factory=list, description="E-mail/URL domains that are the company's own.")
    pii: PiiPolicy = PiiPolicy()
    injection: InjectionPolicy = InjectionPolicy()
    abuse: AbusePolicy = AbusePolicy()
    forbidden_topics: list[TopicRule] = Field(default_factory=list)
    off_topic: OffTopicPolicy = OffTopicPolicy()
    commitments: list[CommitmentRule] = Field(default_factory=list)
    grounding: GroundingPolicy = GroundingPolicy()
    tone: TonePolicy = TonePolicy()
    negativity_words: list[str] = Field(default_factory=list, description="Words of frustration for the negativity score.")

    @cached_property
    def compiled(self) -> "CompiledPolicy":
        """Regexes compiled once per policy object."""
        return CompiledPolicy(self)


class CompiledPolicy:
    """Compiled regexes and word sets of a GuardrailPolicy (case-insensitive), built once per policy."""

    def __init__(self, p: GuardrailPolicy) -> None:
        def rx(patterns: list[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?:{x})" for x in patterns), re.IGNORECASE) if patterns else None

        def words(ws: list[str]) -> re.Pattern[str] | None:
            return re.compile(r"\b(?:" + "|".join(ws) + r")\b", re.IGNORECASE) if ws else None

        self.injection_extra = {f"policy_{i}": re.compile(x, re.IGNORECASE) for i, x in enumerate(p.injection.extra_patterns)}
        self.insults = rx(p.abuse.insults)
        self.threats = rx(p.abuse.threats)
        self.profanity = words(p.abuse.profanity)
        self.topics = [(t, rx(t.patterns)) for t in p.forbidden_topics]
        self.commitments = [(c, rx(c.patterns)) for c in p.commitments]
        self.tone = rx(p.tone.banned)
        self.negativity = words(p.negativity_words)
        self.shop_words = frozenset(w.lower() for w in p.off_topic.shop_words)
        self.foreign_words = frozenset(w.lower() for w in p.off_topic.foreign_words)


def load_guardrail_policy(path: Path = DEFAULT_POLICY_PATH) -> GuardrailPolicy:
    """Read and validate a guardrail policy file; errors name the file and the field."""
    path = Path(path)
    data = read_yaml_mapping(path, "guardrail policy")
    try:
        return GuardrailPolicy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"]) or "(root)"
        raise ConfigError(f"{path}: field '{field}': {first['msg']}") from exc
