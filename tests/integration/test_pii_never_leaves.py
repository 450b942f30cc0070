"""No unredacted PII reaches an external model: the whole graph against a recording OpenAI-compatible server."""

from __future__ import annotations

import pytest

from app.api import Switchboard
from app.config import load_settings
from tests.servers.recording_openai import RecordingOpenAIServer

pytestmark = pytest.mark.integration

PII = {
    "email": "maria.gonzalez77@example.org",
    "phone": "(415) 555-0199",
    "card": "4111 1111 1111 1111",
    "iban": "DE89 3704 0044 0532 0130 00",
    "name": "Maria Gonzalez",
}


def test_llm_turns_carry_only_redacted_text(ingested_settings):
    with RecordingOpenAIServer(reply="I'm sorry about all of this. Let me look into both problems for you.") as server:
        settings = load_settings(data_dir=ingested_settings.data_dir, slm="llamacpp:gemma3-270m", llm="openai:recording-model",
                                 openai_base_url=server.base_url, openai_api_key="sk-test")
        bot = Switchboard(settings)
        first = bot.ask(f"Hi, I'm {PII['name']}, email {PII['email']}, phone {PII['phone']}. "
                        "My order arrived broken AND I was charged twice, and I'm really upset about it, what now?")
        if first.awaiting_human:
            bot.resume(first.thread_id, "Thanks, I'm looking into it.")
        bot.ask(f"My card is {PII['card']} and my IBAN is {PII['iban']}; also can you explain the return fee?",
                thread_id=first.thread_id)
        sent = server.received_text()
    assert server.requests, "the LLM desk was never called: the test would prove nothing"
    leaked = [kind for kind, value in PII.items() if value in sent or value.replace(" ", "") in sent.replace(" ", "")]
    assert leaked == []
    assert "<EMAIL>" in sent or "<PHONE>" in sent


def test_the_audit_trail_stores_redacted_input_only(ingested_settings):
    from app.audit.store import open_audit_store

    bot = Switchboard(load_settings(data_dir=ingested_settings.data_dir, slm="llamacpp:gemma3-270m", llm="none"))
    reply = bot.ask(f"Please update the email on my account to {PII['email']}")
    records = open_audit_store(bot.settings.audit_path).thread(reply.thread_id)
    assert records and PII["email"] not in records[0].model_dump_json()
