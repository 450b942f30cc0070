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
    def _call_kwargs(self, prompt, stop, grammar=None):
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


class _ChoosingLlama:
    """Stands in for llama_cpp.Llama in `choose`: one token per character, logits scripted per position."""

    def __init__(self, prefers: str):
        self.prefers, self.n_tokens, self.input_ids, self.evaluated = prefers, 0, [], []
        self.ctx = None

    def tokenize(self, data, add_bos=True):
        return [ord(c) for c in data.decode()]

    def eval(self, tokens):
        self.evaluated.append(list(tokens))
        self.input_ids = [*self.input_ids[: self.n_tokens], *tokens]
        self.n_tokens = len(self.input_ids)


def test_the_model_picks_among_the_choices_and_runs_only_where_they_part(monkeypatch):
    import llama_cpp

    llama = _ChoosingLlama(prefers="Hb")
    position = {"i": 0}

    def logits(ctx, i):
        wanted = llama.prefers[position["i"]]
        position["i"] += 1
        return {ord(c): (1.0 if c == wanted else 0.0) for c in "AHab"}

    monkeypatch.setattr(llama_cpp, "llama_get_logits_ith", logits)
    model = ChatLlamaCpp(model_path="unused.gguf")
    model._llama = llama
    pieces = [c.content for c in model.bind(choices=["Apples.", "Holds are a.", "Holds are b.", "Apples."]).stream([HumanMessage("q")])]
    assert "".join(pieces) == "Holds are b." and pieces[:2] == ["Holds are ", "b."]
    assert len(llama.evaluated) == 2  # the prompt, then the shared "Holds are " in one batch


def test_a_gbnf_grammar_given_per_call_constrains_the_completion():
    kwargs = ChatLlamaCpp(model_path="unused.gguf")._call_kwargs("p", None, 'root ::= "yes" | "no"')
    assert kwargs["grammar"]._grammar == 'root ::= "yes" | "no"' and kwargs["repeat_penalty"] == 1.0
    assert "grammar" not in ChatLlamaCpp(model_path="unused.gguf")._call_kwargs("p", None)
