"""Provider specs: unknown prefixes list the valid ones; imports stay lazy; `auto` resolution rules."""

from __future__ import annotations

import pytest

from app.config import load_settings
from app.errors import ConfigError
from app.providers import resolve
from app.providers.chat import make_chat_model
from app.providers.embeddings import make_embeddings
from app.providers.llamacpp import render_transcript, resolve_gguf


@pytest.mark.parametrize("spec", ["anthropic:claude", "ollama:", "gpt-4o"])
def test_unknown_chat_spec_lists_valid_providers(spec, tmp_path):
    with pytest.raises(ConfigError, match="ollama:<model>, openai:<model>, llamacpp:<model>"):
        make_chat_model(spec, load_settings(data_dir=tmp_path))


def test_unknown_embedding_spec_and_unknown_local_model(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    with pytest.raises(ConfigError, match="local:<model>"):
        make_embeddings("cohere:embed", settings)
    with pytest.raises(ConfigError, match="all-MiniLM-L6-v2"):
        make_embeddings("local:bge-small", settings)


def test_missing_gguf_file_is_a_config_error():
    with pytest.raises(ConfigError, match="neither a packaged model"):
        resolve_gguf("/nowhere/model.gguf")


def test_openai_spec_builds_without_network_and_honours_base_url(tmp_path):
    settings = load_settings(data_dir=tmp_path, openai_base_url="http://127.0.0.1:1/v1", openai_api_key="sk-x")
    model = make_chat_model("openai:gpt-4o-mini", settings, setting="llm")
    assert str(model.openai_api_base) == "http://127.0.0.1:1/v1" and model.model_name == "gpt-4o-mini"


def test_provider_modules_are_imported_lazily():
    import app.providers.chat

    source = open(app.providers.chat.__file__).read().split("def make_chat_model")[0]
    assert "langchain_openai" not in source and "langchain_ollama" not in source and "llama_cpp" not in source


def test_auto_llm_is_none_without_key_or_base_url(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert resolve.resolve_llm(load_settings(data_dir=tmp_path)) == "none"
    assert resolve.resolve_llm(load_settings(data_dir=tmp_path, openai_api_key="sk")) == "openai:gpt-4o-mini"


def test_auto_slm_prefers_ollama_only_with_the_model(monkeypatch, tmp_path):
    settings = load_settings(data_dir=tmp_path, ollama_model="qwen2.5:1.5b")
    monkeypatch.setattr(resolve, "probe_ollama", lambda host: resolve.OllamaStatus(host, True, "0.9", ("qwen2.5:1.5b",)))
    assert resolve.resolve_slm(settings) == "ollama:qwen2.5:1.5b"
    monkeypatch.setattr(resolve, "probe_ollama", lambda host: resolve.OllamaStatus(host, True, "0.9", ("llama3:8b",)))
    assert resolve.resolve_slm(settings) == resolve.EMBEDDED_SLM


def test_base_model_transcript_ends_ready_for_the_answer():
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    text = render_transcript([SystemMessage("Policy: X"), HumanMessage("hi"), AIMessage("hello"), HumanMessage("q")])
    assert text == "Policy: X\n\nQuestion: hi\nAnswer: hello\nQuestion: q\nAnswer:"
