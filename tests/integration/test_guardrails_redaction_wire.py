"""No unredacted PII reaches an OpenAI-compatible server: the input rails' redacted text is what is sent.

The graph-level version of this test (every node that calls a model) is the lead's; this one checks the rail
and a real LangChain OpenAI client against a real HTTP server on loopback that records what it receives.
"""

import pytest

from app.guardrails.input_rails import run_input_rails
from app.guardrails.policy import load_guardrail_policy
from tests.servers.recording_openai import RecordingOpenAIServer

pytestmark = pytest.mark.integration

MESSAGE = ("Hi, I'm Maria Gonzalez, email maria.gonzalez@example.com, phone +1 415-555-0198, card 4111 1111 1111 1111, "
           "IBAN DE89 3704 0044 0532 0130 00, SSN 460-89-9847, I live at 221 Baker Street, Springfield. Where is my refund?")
SECRETS = ["Maria", "Gonzalez", "maria.gonzalez@example.com", "415-555-0198", "4111 1111 1111 1111",
           "DE89 3704 0044 0532 0130 00", "460-89-9847", "221 Baker Street"]


@pytest.mark.parametrize("stream", [False, True])
def test_only_redacted_text_reaches_the_server(stream):
    from langchain_openai import ChatOpenAI

    rails = run_input_rails(MESSAGE, load_guardrail_policy())
    assert rails.action == "pass"
    with RecordingOpenAIServer(reply="Your refund is on its way.") as server:
        llm = ChatOpenAI(base_url=server.base_url, api_key="test-key", model="gpt-test", streaming=stream, max_retries=0)
        answer = llm.invoke([("system", "You are a support agent."), ("user", rails.redacted_text)])
    assert answer.content == "Your refund is on its way."
    assert len(server.requests) == 1 and server.paths[0].endswith("/chat/completions")
    sent = server.received_text()
    assert "Where is my refund?" in sent and "<EMAIL>" in sent and "<CARD>" in sent
    leaked = [s for s in SECRETS if s in sent]
    assert not leaked, f"unredacted PII reached the server: {len(leaked)} value(s)"
