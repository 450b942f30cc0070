"""Extractive answering with the real embedded Gemma 3 270M: llama.cpp parses our GBNF grammars and the
answer is always a run of policy sentences copied verbatim (which sentence is best is measured, not asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.api import Switchboard
from app.guardrails.output_rails import run_output_rails
from app.guardrails.policy import load_guardrail_policy
from app.knowledge.chunking import chunk_document
from app.knowledge.documents import load_policies
from app.nodes.answer import slm_answer_plan
from app.providers.extractive import render_units, split_units
from app.providers.llamacpp import ChatLlamaCpp

pytestmark = pytest.mark.integration

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def _chunk(doc_id: str, section_word: str):
    docs = {d.id: d for d in load_policies(KNOWLEDGE / "policies")}
    return next(c for c in chunk_document(docs[doc_id]) if section_word in c.section)


def _is_a_run_of_units(answer: str, chunk) -> bool:
    units = split_units(chunk.text.removeprefix(chunk.section).lstrip("\n"))
    runs = {render_units(units[i:j]).strip() for i in range(len(units)) for j in range(i + 1, len(units) + 1)}
    return answer in runs


@pytest.mark.parametrize(
    ("doc_id", "section", "question"),
    [
        ("account-deletion", "How to delete", "How do I close my account?"),  # quoted labels, a URL, an e-mail
        ("payments", "Accepted payment", "Can I pay with PayPal?"),  # an intro line with its bullet list
        ("contact-us", "Phone", "What is your phone number?"),
    ],
)
def test_gemma_answers_with_copied_policy_sentences_that_pass_the_rails(gguf_path, doc_id, section, question):
    chunk = _chunk(doc_id, section)
    model, build, detail = slm_answer_plan(ChatLlamaCpp(model_path=str(gguf_path)), [chunk], "auto")
    assert detail.startswith("extractive")
    answer = model.invoke(build(question, [chunk], [])).content
    assert answer and _is_a_run_of_units(answer, chunk), answer
    policy = load_guardrail_policy(KNOWLEDGE / "guardrails.yaml")
    assert run_output_rails(answer, [chunk], question, policy).passed


def test_streamed_extractive_answer_equals_the_invoked_one(gguf_path):
    chunk = _chunk("payments", "Charged twice")
    model, build, _ = slm_answer_plan(ChatLlamaCpp(model_path=str(gguf_path)), [chunk], "extractive")
    messages = build("I see two charges on my card", [chunk], [])
    streamed = "".join(c.content for c in model.stream(messages))
    assert streamed == model.invoke(messages).content and _is_a_run_of_units(streamed, chunk)


def test_the_graph_streams_an_extractive_answer(ingested_settings):
    bot = Switchboard(ingested_settings, audit=False)
    pieces = list(bot.stream("How do I reset my password?"))
    reply = pieces[-1]
    slm = [e for e in reply.trace if e.node == "answer_with_slm"]
    assert slm and slm[0].detail.startswith("extractive from")
    tokens = "".join(p for p in pieces[:-1] if isinstance(p, str))
    assert tokens.strip() and reply.answered_by == "slm" and reply.answer.strip() == tokens.strip()
