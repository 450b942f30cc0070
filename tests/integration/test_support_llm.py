"""The LLM desk against a real OpenAI-compatible server on loopback (llama_cpp.server with the packaged model)."""

from __future__ import annotations

import pytest

from app.api import Switchboard
from app.config import load_settings

pytestmark = pytest.mark.integration

COMPLEX = "I'm furious: my order came broken, I was charged twice, and nobody answers my emails!"


def _bot(ingested_settings, base_url: str) -> Switchboard:
    settings = load_settings(data_dir=ingested_settings.data_dir, slm="llamacpp:gemma3-270m", llm="openai:gemma3-270m",
                             openai_base_url=base_url, openai_api_key="sk-test", model_timeout_s=120,
                             turn_timeout_s=240)  # a CPU-bound 270M "LLM" on 2 shared cores is slow
    return Switchboard(settings)


def test_complex_message_escalates_to_the_llm_server(ingested_settings, openai_server):
    reply = _bot(ingested_settings, openai_server).ask(COMPLEX)
    decision = next(e for e in reply.trace if e.node == "route")
    assert decision.decision == "desk=llm" and reply.escalation_reason
    llm_calls = [e for e in reply.trace if e.node == "escalate_to_llm" and e.model == "openai:gemma3-270m"]
    assert llm_calls and llm_calls[0].tokens_in > 0 and llm_calls[0].tokens_out > 0
    # the LLM draft either passed the rails (answered by the LLM) or a human took over; never silently dropped
    assert (reply.route, reply.answered_by) in {("llm", "llm"), ("human", "human")} and reply.answer.strip()


def test_llm_server_down_routine_stays_with_the_slm_and_complex_goes_to_a_human(ingested_settings):
    bot = _bot(ingested_settings, "http://127.0.0.1:9/v1")
    bot.settings = bot.settings.model_copy(update={"model_timeout_s": 2})
    complex_reply = bot.ask(COMPLEX)
    assert complex_reply.route == "human" and complex_reply.awaiting_human
    assert any(e.detail.startswith("llm_down") for e in complex_reply.trace)


def test_the_llm_desk_streams_its_draft_once(ingested_settings, openai_server):
    pieces = list(_bot(ingested_settings, openai_server).stream(COMPLEX))
    reply, tokens = pieces[-1], [p for p in pieces[:-1] if isinstance(p, str)]
    assert len(tokens) > 1  # token by token from the server, not one message at the end
    if reply.answered_by == "llm":  # the streamed draft passed the rails: it is the answer, not repeated
        assert "".join(tokens).strip() == reply.answer.strip()
    else:  # rejected by the rails: the customer gets a person, and the draft was only a draft
        assert reply.route == "human" and reply.awaiting_human
