"""Extractive answers: policy passages cut into copyable units, and the GBNF grammar over them."""

from __future__ import annotations

from typing import ClassVar

from app.knowledge.models import Chunk
from app.nodes.answer import slm_answer_plan
from app.providers.extractive import Unit, answer_runs, render_units, split_units
from tests.fakes import ScriptedChatModel

POLICY = """### Methods
We accept these payment methods:
- Visa and Mastercard
- PayPal

We do not accept cash. You can combine one **gift card** with one other payment method.

1. Go to https://www.example.test/returns.
2. Select the items you want to return.

- Standard Delivery costs $5.99. It is free on orders of $50 or more.
- Express Delivery costs $14.99.
"""


def test_units_are_sentences_whole_procedures_and_whole_lists():
    assert [u.text for u in split_units(POLICY)] == [
        "We accept these payment methods:\n- Visa and Mastercard\n- PayPal",
        "We do not accept cash.",
        "You can combine one gift card with one other payment method.",
        "1. Go to https://www.example.test/returns.\n2. Select the items you want to return.",
        "Standard Delivery costs $5.99. It is free on orders of $50 or more.",
        "Express Delivery costs $14.99.",
    ]


def test_units_join_as_in_the_source_and_render_back():
    units = split_units(POLICY)
    assert units[0].joiner == "\n" and units[1].joiner == " " and units[-1].joiner == ""
    text = render_units(units)
    assert text.startswith("We accept these payment methods:\n- Visa and Mastercard\n- PayPal\nWe do not accept cash. ")
    assert all(u.text in text for u in units)
    assert split_units("") == [] and split_units("\n\n") == []


def test_answers_are_runs_of_consecutive_units_within_one_passage():
    a = [Unit("A1.", " "), Unit("A2.", "\n"), Unit("A3.", "")]
    b = [Unit('B "1".', "")]
    assert answer_runs([a, b]) == ["A1.", "A1. A2.", "A2.", "A2.\nA3.", "A3.", 'B "1".']
    assert max(len(r.split()) for r in answer_runs([[Unit(f"S{i}.", " ") for i in range(6)]], max_units=4)) == 4
    assert answer_runs([[], []]) == []


def _chunk(text: str) -> Chunk:
    return Chunk(id="c1", doc_id="payments", title="Payments", version="1", section="Payments > Methods",
                 text=f"Payments > Methods\n\n{text}")


class _GrammarModel(ScriptedChatModel):
    accepts_choices: ClassVar[bool] = True


def test_auto_mode_is_extractive_only_for_models_that_answer_from_choices():
    chunks = [_chunk(POLICY)]
    plain = ScriptedChatModel(script=[])
    model, _, detail = slm_answer_plan(plain, chunks, "auto")
    assert model is plain and detail == "generative"
    _, _, detail = slm_answer_plan(plain, chunks, "extractive")
    assert detail.startswith("generative (this model cannot be held to choices")

    capable = _GrammarModel(script=[])
    bound, build, detail = slm_answer_plan(capable, chunks, "auto")
    assert detail == "extractive from 6 sentences"
    assert "We do not accept cash." in bound.kwargs["choices"]
    assert "We do not accept cash. You can combine one gift card with one other payment method." in bound.kwargs["choices"]
    system = build("Do you take cash?", chunks, [])[0].content
    assert "Payments > Methods\n\nWe accept these payment methods:" in system and "**" not in system
    assert slm_answer_plan(capable, chunks, "generative")[2] == "generative"
    assert slm_answer_plan(capable, [], "auto")[2] == "generative (no policy sentences to copy)"


def test_answers_start_only_at_the_units_closest_to_the_question():
    import numpy as np

    from app.providers.extractive import relevant_starts

    # a toy encoder: one axis per topic word, so closeness is exact and visible
    topics = ["phone", "sunday", "email", "post"]

    def encode(texts):
        rows = [[float(t in text.lower()) for t in topics] + [0.1] for text in texts]
        return np.array([np.array(r) / np.linalg.norm(r) for r in rows])

    units = [Unit("We are closed on Sunday."), Unit("Call us by phone at 800-555-0142."),
             Unit("Write an email to support."), Unit("Send post to our office.")]
    starts = relevant_starts("what is your phone number?", [units], encode, k=1)
    assert starts == {(0, 1)}
    runs = answer_runs([units], starts=starts)
    assert runs == ["Call us by phone at 800-555-0142.", "Call us by phone at 800-555-0142. Write an email to support."]
    assert relevant_starts("anything", [units[:2]], encode, k=3) == {(0, 0), (0, 1)}  # few units: all allowed
