"""Scripted fakes for unit tests. Each fails loudly when called more often than scripted (DESIGN habit 9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import PrivateAttr

from app.guardrails.verdict import Verdict
from app.knowledge.models import Chunk


class ScriptedChatModel(BaseChatModel):
    """Returns the scripted replies in order; an Exception in the script is raised instead."""

    script: list[Any]
    name_: str = "fake"
    _calls: list[list[BaseMessage]] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        return self._calls

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        if len(self._calls) >= len(self.script):
            raise AssertionError(f"{self.name_} called {len(self._calls) + 1} times, scripted for {len(self.script)}")
        self._calls.append(list(messages))
        step = self.script[len(self._calls) - 1]
        if isinstance(step, BaseException):
            raise step
        message = AIMessage(step, usage_metadata={"input_tokens": 100, "output_tokens": 20, "total_tokens": 120})
        return ChatResult(generations=[ChatGeneration(message=message)])


@dataclass
class Prediction:
    intent: str | None
    tier: str
    confidence: float
    candidates: list[tuple[str, float]] = field(default_factory=list)
    used_context: bool = False
    source: str = "classifier"


class ScriptedClassifier:
    """Maps message text to a prediction; unknown text is an error, not a silent default."""

    def __init__(self, table: dict[str, Prediction]):
        self.table = table
        self.seen: list[tuple[str, list[str]]] = []

    def predict(self, text: str, history=()) -> Prediction:
        self.seen.append((text, list(history)))
        if text not in self.table:
            raise AssertionError(f"no scripted prediction for {text!r}")
        return self.table[text]


@dataclass
class InputResult:
    redacted_text: str
    action: str = "pass"
    reason: str = ""
    verdicts: list[Verdict] = field(default_factory=list)
    pii_types: list[str] = field(default_factory=list)
    negativity: float = 0.0
    off_topic: float = 0.0


def input_rails(blocked: dict[str, str] | None = None, negativity: dict[str, float] | None = None):
    """Input rails that block the listed texts (text → rail name) and pass the rest."""
    blocked, negativity = blocked or {}, negativity or {}

    def run(text: str, english: str | None = None) -> InputResult:
        text = english or text  # a translated message is judged on its English reading
        if text in blocked:
            return InputResult(text, "block", "blocked", [Verdict(rail=blocked[text], action="block", score=1.0)])
        return InputResult(text.replace("jane@example.com", "<EMAIL>"), negativity=negativity.get(text, 0.0),
                           verdicts=[Verdict(rail="pii", action="pass")])

    return run


@dataclass
class OutputResult:
    passed: bool
    reason: str = ""
    verdicts: list[Verdict] = field(default_factory=list)
    unsupported_claims: list[str] = field(default_factory=list)


def output_rails(bad_phrases: tuple[str, ...] = ("INVENTED",)):
    """Output rails that fail any draft containing one of `bad_phrases`."""

    def run(answer: str, chunks, user_text: str) -> OutputResult:
        bad = [p for p in bad_phrases if p in answer]
        verdict = Verdict(rail="grounding", action="escalate" if bad else "pass", details=bad)
        return OutputResult(not bad, f"unsupported: {bad}" if bad else "ok", [verdict], bad)

    return run


def chunk(doc_id: str = "account-password", section: str = "Resetting a forgotten password", text: str = "Select Forgot password?") -> Chunk:
    return Chunk(id=f"{doc_id}-{section}", doc_id=doc_id, title=doc_id.title(), version="1.0", section=section, text=text,
                 intents=["recover_password"], score=0.8)


class RecordingRetriever:
    def __init__(self, chunks: list[Chunk] | None = None):
        self.chunks = chunks if chunks is not None else [chunk()]
        self.queries: list[tuple[str, int, list[str] | None]] = []

    def __call__(self, query: str, k: int, intents):
        self.queries.append((query, k, intents))
        return self.chunks[:k]


class SteadyChatModel(BaseChatModel):
    """Answers every call with `answer` after `delay_s` (thread-safe); more than `max_calls` calls is an error.

    For tests where many turns run at once and a script's order would be meaningless.
    """

    answer: str
    delay_s: float = 0.0
    max_calls: int = 100
    _count: int = PrivateAttr(default=0)
    _lock: Any = PrivateAttr(default_factory=lambda: __import__("threading").Lock())

    @property
    def _llm_type(self) -> str:
        return "steady"

    @property
    def count(self) -> int:
        return self._count

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        with self._lock:
            self._count += 1
            if self._count > self.max_calls:
                raise AssertionError(f"called {self._count} times, allowed {self.max_calls}")
        import time

        time.sleep(self.delay_s)
        message = AIMessage(self.answer, usage_metadata={"input_tokens": 50, "output_tokens": 10, "total_tokens": 60})
        return ChatResult(generations=[ChatGeneration(message=message)])
