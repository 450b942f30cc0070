"""The evaluation dataset: JSONL, one labelled conversation per line; the last user message is routed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.errors import UsageError

Route = Literal["slm", "llm", "human", "blocked"]
ESCALATION_ROUTES = ("llm", "human")


class Message(BaseModel):
    """One message of a conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


class EvalCase(BaseModel):
    """One labelled conversation. Unknown keys (tags, notes…) are kept as metadata, not validated."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    messages: list[Message] = Field(min_length=1)
    expected_route: Route
    acceptable_routes: list[Route] = Field(default_factory=list, description="Other routes also counted correct.")
    expected_intent: str | None = None
    must_include: list[str] = Field(default_factory=list, description="Substrings the answer must contain (any case).")
    must_not_include: list[str] = Field(default_factory=list, description="Substrings the answer must not contain.")

    @model_validator(mode="after")
    def _last_is_user(self) -> "EvalCase":
        if self.messages[-1].role != "user":
            raise ValueError("the last message must have role 'user' (it is the one routed)")
        return self

    @property
    def user_turns(self) -> list[str]:
        """The customer's messages in order; all but the last are replayed as context."""
        return [m.content for m in self.messages if m.role == "user"]

    @property
    def routed_message(self) -> str:
        return self.user_turns[-1]

    @property
    def accepted(self) -> set[str]:
        """Every route counted correct for this case."""
        return {self.expected_route, *self.acceptable_routes}

    @property
    def must_escalate(self) -> bool:
        """Needs the LLM or a person: expected llm/human and the SLM is not an acceptable answer."""
        return self.expected_route in ESCALATION_ROUTES and "slm" not in self.accepted


def load_eval_dataset(path: Path) -> list[EvalCase]:
    """Read and validate a JSONL dataset; a bad line raises UsageError naming the line and field."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: dataset file not found")
    cases: list[EvalCase] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        try:
            case = EvalCase.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '?'}: {e['msg']}" for e in exc.errors())
            raise UsageError(f"{path}:{lineno}: {problems}") from None
        if case.id in seen:
            raise UsageError(f"{path}:{lineno}: id: '{case.id}' already used on line {seen[case.id]}")
        seen[case.id] = lineno
        cases.append(case)
    if not cases:
        raise UsageError(f"{path}: no cases in the dataset")
    return cases
