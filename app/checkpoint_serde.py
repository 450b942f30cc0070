"""What a checkpoint may hold: Switchboard's state types, and never the customer's words as written.

The API hands a turn's raw text to the graph in the untracked `customer_text` channel, which LangGraph never
checkpoints. With `sync` or `async` durability LangGraph also saves the run's input (the `__start__`
channel) as a checkpoint of its own, and that input holds the raw text. This serializer blanks
`customer_text` wherever it meets it, so no checkpoint table or file ever stores it; the rails, which need
the text as written, read it from memory during the turn.
"""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

# Our pydantic types stored in graph state; listed so the serializer restores them without warnings.
STATE_TYPES = [
    ("app.knowledge.models", "Chunk"),
    ("app.knowledge.models", "Citation"),
    ("app.guardrails.verdict", "Verdict"),
    ("app.trace", "TraceEntry"),
]
RAW_TEXT_KEY = "customer_text"
NOT_STORED = ""


def without_raw_text(obj: Any) -> Any:
    """`obj` with any `customer_text` blanked: a run input, or a checkpoint whose `__start__` holds one."""
    if not isinstance(obj, dict):
        return obj
    if RAW_TEXT_KEY in obj:
        return {**obj, RAW_TEXT_KEY: NOT_STORED}
    values = obj.get("channel_values")
    if isinstance(values, dict) and isinstance(values.get("__start__"), dict):
        return {**obj, "channel_values": {**values, "__start__": without_raw_text(values["__start__"])}}
    return obj


class PrivateStateSerializer(JsonPlusSerializer):
    """LangGraph's serializer, allowed to restore our state types, that never writes the raw customer text."""

    def __init__(self) -> None:
        super().__init__(allowed_msgpack_modules=STATE_TYPES)

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return super().dumps_typed(without_raw_text(obj))
