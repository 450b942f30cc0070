"""Chat models from spec strings: `ollama:<model>`, `openai:<model>`, `llamacpp:<gguf path | packaged name>`.

Imports are lazy so a user without a provider's package (or server) only pays for what they use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

    from app.config import Settings

CHAT_PROVIDERS = ("ollama", "openai", "llamacpp")


def split_spec(spec: str, valid: tuple[str, ...], setting: str) -> tuple[str, str]:
    """Split `provider:model`, raising a ConfigError that lists the valid providers."""
    provider, _, model = spec.partition(":")
    if provider not in valid or not model:
        raise ConfigError(f"{setting}: unknown provider spec '{spec}'; expected one of " + ", ".join(f"{p}:<model>" for p in valid))
    return provider, model


def make_chat_model(spec: str, settings: "Settings", *, setting: str = "slm", max_tokens: int | None = None) -> "BaseChatModel":
    """Build the chat model a resolved spec names (never `auto`: see `app.providers.resolve`)."""
    provider, model = split_spec(spec, CHAT_PROVIDERS, setting)
    max_tokens = max_tokens or settings.max_answer_tokens
    match provider:
        case "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(
                model=model,
                base_url=settings.ollama_host,
                temperature=0.0,
                num_predict=max_tokens,
                client_kwargs={"timeout": settings.model_timeout_s},
            )
        case "openai":
            from langchain_openai import ChatOpenAI

            key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
            return ChatOpenAI(
                model=model,
                api_key=key,
                base_url=settings.openai_base_url,
                temperature=0.0,
                max_tokens=max_tokens,
                timeout=settings.model_timeout_s,
                max_retries=0,  # the timeout is the whole wait; the fallback desk is the retry
                stream_usage=True,
            )
        case "llamacpp":
            from app.providers.llamacpp import ChatLlamaCpp, resolve_gguf

            return ChatLlamaCpp(model_path=str(resolve_gguf(model)), model_name=model, max_tokens=max_tokens)
    raise AssertionError(provider)  # unreachable: split_spec validated it
