"""Small helpers shared by nodes: timing, the redacted history as messages, token usage."""

from __future__ import annotations

import time
from contextlib import contextmanager

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from app.state import State


@contextmanager
def stopwatch():
    """Yield a dict whose 'ms' is filled with the elapsed wall time on exit."""
    box = {"ms": 0.0}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["ms"] = (time.perf_counter() - start) * 1000


def history_messages(state: State) -> list[BaseMessage]:
    """Earlier turns, customer side redacted, as chat messages for prompts."""
    out: list[BaseMessage] = []
    for item in state.get("redacted_history", []):
        cls = HumanMessage if item["role"] == "user" else AIMessage
        out.append(cls(item["content"]))
    return out


def previous_customer_turns(state: State) -> list[str]:
    """Earlier redacted customer messages, oldest first."""
    return [item["content"] for item in state.get("redacted_history", []) if item["role"] == "user"]


def usage_of(message) -> tuple[int, int]:
    """(input, output) tokens reported by a chat model, 0 when unknown."""
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0) or 0), int(usage.get("output_tokens", 0) or 0)


class BoundNode:
    """A node function that closes over `Deps`, wrapped as a callable object.

    LangGraph scans a plain function's closure for subgraphs by evaluating attribute chains such as
    `deps.classifier`, which would load every lazy dependency (and fail on a missing knowledge base) at
    compile time. It does not scan callable objects; `__signature__` keeps `runtime` injection working.
    """

    def __init__(self, fn) -> None:
        import inspect

        self._fn = fn
        self.__signature__ = inspect.signature(fn)
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)
