"""llama-cpp-python's OpenAI-compatible server on loopback, driven by langchain_openai.ChatOpenAI."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.servers.process import OPENAI_MODEL_ALIAS
from tests.servers.transcript import render_chat_prompt, write_tokenizer_config

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chat(openai_server):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=openai_server, api_key="sk-test", model=OPENAI_MODEL_ALIAS,
                      temperature=0, max_tokens=32, timeout=120)


def test_models_endpoint_lists_the_alias(openai_server):
    reply = httpx.get(f"{openai_server}/models", timeout=10)
    assert [m["id"] for m in reply.json()["data"]] == [OPENAI_MODEL_ALIAS]


def test_invoke_returns_text_and_token_usage(chat):
    reply = chat.invoke([("system", "You answer customer questions briefly."), ("user", "How do I get a refund?")])
    assert reply.content.strip()
    usage = reply.usage_metadata
    assert usage["input_tokens"] > 0 and 0 < usage["output_tokens"] <= 32
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert reply.response_metadata["finish_reason"] in {"stop", "length"}


def test_stream_returns_several_chunks_of_text(chat):
    chunks = list(chat.stream("What is the capital of France?"))
    assert len(chunks) >= 2
    assert "".join(c.content for c in chunks).strip()


def test_server_applies_the_shared_transcript_template(tmp_path):
    from llama_cpp.llama_chat_format import hf_tokenizer_config_to_chat_formatter

    config = json.loads(write_tokenizer_config(tmp_path).read_text())
    formatter = hf_tokenizer_config_to_chat_formatter(config)
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Refund?"}]
    rendered = formatter(messages=messages)
    assert rendered.prompt == "<bos>" + render_chat_prompt(messages)
    assert "\nUser:" in rendered.stop


def test_greedy_reply_matches_the_ollama_test_server(openai_server, ollama_server):
    """Same model, same transcript, greedy decoding: both protocols must produce the same text."""
    if ollama_server.real:
        pytest.skip("a real Ollama runs its own template and runtime; only the test server must match")
    import ollama

    messages = [{"role": "user", "content": "What is the capital of France?"}]
    via_openai = httpx.post(f"{openai_server}/chat/completions", timeout=120, json={
        "model": OPENAI_MODEL_ALIAS, "messages": messages, "temperature": 0, "max_tokens": 24})
    via_ollama = ollama.Client(host=ollama_server.host, timeout=120).chat(
        model=ollama_server.model, messages=messages,
        options={"temperature": 0, "num_predict": 24, "repeat_penalty": 1.1})
    assert via_openai.json()["choices"][0]["message"]["content"].strip() == via_ollama.message.content.strip()
