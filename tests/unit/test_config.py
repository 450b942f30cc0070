"""Settings: offline defaults, ecosystem variables, YAML file, errors that name the setting."""

from __future__ import annotations

import pytest

from app.config import load_settings
from app.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    for name in ("OLLAMA_HOST", "OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SWITCHBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no config file: defaults


def test_defaults_work_offline(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    assert (settings.slm, settings.llm, settings.embeddings) == ("auto", "auto", "local:all-MiniLM-L6-v2")
    assert settings.policies_dir.is_dir()
    assert settings.chroma_path == tmp_path / "chroma"
    assert settings.openai_api_key is None and settings.database_url is None


def test_ecosystem_variables_are_honoured(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "gpu-box:11434")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://vllm:8000/v1")
    settings = load_settings()
    assert settings.ollama_host == "http://gpu-box:11434"
    assert settings.openai_api_key.get_secret_value() == "sk-secret"
    assert "sk-secret" not in repr(settings)
    assert settings.openai_base_url == "http://vllm:8000/v1"


def test_prefixed_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_RETRIEVAL_K", "5")
    monkeypatch.setenv("SWITCHBOARD_SLM", "ollama:llama3.2:3b")
    settings = load_settings()
    assert settings.retrieval_k == 5 and settings.slm == "ollama:llama3.2:3b"


def test_yaml_file_sets_routing_thresholds(monkeypatch, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("llm: none\nrouting:\n  intent_confidence: 0.72\n")
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    settings = load_settings()
    assert settings.llm == "none" and settings.routing.intent_confidence == 0.72


@pytest.mark.parametrize(
    ("env", "value", "named"),
    [
        ("SWITCHBOARD_RETRIEVAL_K", "many", "SWITCHBOARD_RETRIEVAL_K"),
        ("SWITCHBOARD_RETRIEVAL_K", "0", "SWITCHBOARD_RETRIEVAL_K"),
        ("SWITCHBOARD_SLM", "gemma", "SWITCHBOARD_SLM"),
        ("SWITCHBOARD_MODEL_TIMEOUT_S", "-1", "SWITCHBOARD_MODEL_TIMEOUT_S"),
    ],
)
def test_invalid_values_fail_naming_the_setting(monkeypatch, env, value, named):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=named):
        load_settings()


def test_unknown_yaml_key_and_broken_yaml_are_config_errors(monkeypatch, tmp_path):
    path = tmp_path / "config.yaml"
    monkeypatch.setenv("SWITCHBOARD_CONFIG", str(path))
    path.write_text("slmm: auto\n")
    with pytest.raises(ConfigError, match="slmm"):
        load_settings()
    path.write_text("routing: [unclosed\n")
    with pytest.raises(ConfigError, match="config"):
        load_settings()
