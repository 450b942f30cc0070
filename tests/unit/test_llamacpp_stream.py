"""The embedded model's answer ends at its first blank line after some text (streamed and not)."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage

from app.providers.llamacpp import ChatLlamaCpp


class _Stream(list):
    closed = False

    def close(self):
        self.closed = True


class _FakeLlama:
    """Stands in for llama_cpp.Llama: streams scripted completion pieces."""

    def __init__(self, pieces):
        self.pieces = pieces

    def tokenize(self, data, add_bos=True):
        return list(range(len(data.split())))

    def create_completion(self, stream=True, **kwargs):
        return _Stream({"choices": [{"text": p}]} for p in self.pieces)


class _Scripted(ChatLlamaCpp):
    def _call_kwargs(self, prompt, stop):
        return {}


@pytest.mark.parametrize(
    ("pieces", "answer"),
    [
        (["\n", "\n", "3 to 5", " days.", "\n", "1. Go", "\n\n", "Question: next"], "3 to 5 days.\n1. Go"),
        (["Yes", ".\n\n", "ignored"], "Yes."),
        (["a\n", "b"], "a\nb"),
        (["\n\n"], ""),
    ],
)
def test_answer_stops_at_the_first_blank_line_after_text(pieces, answer):
    model = _Scripted(model_path="unused.gguf")
    model._llama = _FakeLlama(pieces)
    assert "".join(c.content for c in model.stream([HumanMessage("q")])) == answer
    model._llama = _FakeLlama(pieces)
    reply = model.invoke([HumanMessage("q")])
    assert reply.content == answer and reply.usage_metadata["output_tokens"] > 0
