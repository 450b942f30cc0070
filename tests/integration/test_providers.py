"""Provider specs resolved against real servers on loopback (Ollama protocol and OpenAI-compatible)."""

from __future__ import annotations

import logging

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from app.config import load_settings
from app.providers.chat import make_chat_model
from app.providers.embeddings import make_embeddings
from app.providers.resolve import EMBEDDED_SLM, probe_ollama, resolve_llm, resolve_slm

pytestmark = pytest.mark.integration

PROMPT = [SystemMessage("Northwind Goods Help Center. Policy: Standard delivery takes 3-5 business days."),
          HumanMessage("How long does standard delivery take?")]


def test_auto_picks_ollama_when_it_answers_and_has_the_model(ollama_server, tmp_path):
    settings = load_settings(data_dir=tmp_path, ollama_host=ollama_server.host, ollama_model=ollama_server.model)
    assert probe_ollama(settings.ollama_host).has(ollama_server.model)
    assert resolve_slm(settings) == f"ollama:{ollama_server.model}"


def test_auto_falls_back_to_the_embedded_model_with_one_warning(monkeypatch, caplog, tmp_path):
    monkeypatch.setenv("OLLAMA_HOST", "http://127.0.0.1:9")
    settings = load_settings(data_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="switchboard"):
        assert resolve_slm(settings) == EMBEDDED_SLM
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "not reachable" in warnings[0].getMessage()


def test_auto_warns_when_ollama_lacks_the_model(ollama_server, caplog, tmp_path):
    settings = load_settings(data_dir=tmp_path, ollama_host=ollama_server.host, ollama_model="no-such-model:1b")
    with caplog.at_level(logging.WARNING, logger="switchboard"):
        assert resolve_slm(settings) == EMBEDDED_SLM
    assert "ollama pull no-such-model:1b" in caplog.text


def test_ollama_spec_answers_through_chat_ollama(ollama_server, tmp_path):
    settings = load_settings(data_dir=tmp_path, ollama_host=ollama_server.host)
    model = make_chat_model(f"ollama:{ollama_server.model}", settings)
    reply = model.invoke(PROMPT)
    assert reply.content.strip() and reply.usage_metadata["output_tokens"] > 0
    chunks = list(model.stream(PROMPT))
    assert len(chunks) > 1


def test_openai_spec_honours_openai_base_url(openai_server, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = load_settings(data_dir=tmp_path, openai_model="gemma3-270m")
    assert resolve_llm(settings) == "openai:gemma3-270m"
    reply = make_chat_model(resolve_llm(settings), settings, setting="llm").invoke(PROMPT)
    assert reply.content.strip() and reply.usage_metadata["input_tokens"] > 0


def test_embedded_llamacpp_spec_answers_and_streams(tmp_path):
    model = make_chat_model("llamacpp:gemma3-270m", load_settings(data_dir=tmp_path), max_tokens=32)
    reply = model.invoke(PROMPT)
    assert reply.content.strip() and reply.usage_metadata["output_tokens"] > 0
    assert "".join(c.content for c in model.stream(PROMPT)).strip()


def test_embedded_structured_output_is_valid_json_from_the_enum(tmp_path):
    model = make_chat_model("llamacpp:gemma3-270m", load_settings(data_dir=tmp_path), max_tokens=24)
    schema = {"type": "object", "properties": {"intent": {"type": "string", "enum": ["track_order", "get_refund"]}},
              "required": ["intent"]}
    out = model.with_structured_output(schema).invoke([HumanMessage("Where is my parcel?")])
    assert out["intent"] in ("track_order", "get_refund")


def test_ollama_embeddings_and_local_embeddings_agree_on_similarity(ollama_server, tmp_path):
    settings = load_settings(data_dir=tmp_path, ollama_host=ollama_server.host)
    for spec in (f"ollama:{ollama_server.embed_model}", "local:all-MiniLM-L6-v2"):
        emb = make_embeddings(spec, settings)
        a, b, c = emb.embed_documents(["reset my password", "I forgot my password", "express delivery price"])
        dot = lambda x, y: sum(i * j for i, j in zip(x, y))  # noqa: E731
        assert dot(a, b) > dot(a, c), spec
