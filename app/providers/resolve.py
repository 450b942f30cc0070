"""`auto` model specs: use the user's servers when they answer, else the embedded defaults."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import httpx

from app.config import Settings

log = logging.getLogger("switchboard")

EMBEDDED_SLM = "llamacpp:gemma3-270m"


@dataclass(frozen=True)
class OllamaStatus:
    """What the Ollama server at `host` said, if anything."""

    host: str
    reachable: bool
    version: str | None = None
    models: tuple[str, ...] = ()
    error: str | None = None

    def has(self, model: str) -> bool:
        wanted = model if ":" in model else f"{model}:latest"
        return any(m == model or m == wanted for m in self.models)


def probe_ollama(host: str, timeout_s: float = 1.5) -> OllamaStatus:
    """Ask an Ollama server for its version and models, without raising."""
    try:
        with httpx.Client(base_url=host, timeout=timeout_s) as client:
            version = client.get("/api/version").json().get("version")
            tags = client.get("/api/tags").json().get("models", [])
        return OllamaStatus(host, True, version, tuple(m.get("name") or m.get("model") for m in tags))
    except (httpx.HTTPError, ValueError) as exc:
        return OllamaStatus(host, False, error=type(exc).__name__)


def resolve_slm(settings: Settings) -> str:
    """Concrete SLM spec; `auto` = Ollama when it answers and has the model, else the embedded model."""
    if settings.slm != "auto":
        return settings.slm
    status = probe_ollama(settings.ollama_host)
    if status.reachable and status.has(settings.ollama_model):
        return f"ollama:{settings.ollama_model}"
    explicit = bool(os.environ.get("OLLAMA_HOST") or os.environ.get("SWITCHBOARD_OLLAMA_HOST"))
    if status.reachable:
        log.warning(
            "Ollama at %s does not have '%s' (run `ollama pull %s`); using the embedded %s",
            settings.ollama_host, settings.ollama_model, settings.ollama_model, EMBEDDED_SLM,
        )
    elif explicit:
        log.warning("Ollama at %s is not reachable; using the embedded %s", settings.ollama_host, EMBEDDED_SLM)
    return EMBEDDED_SLM


def resolve_llm(settings: Settings) -> str:
    """Concrete LLM spec; `auto` = OpenAI-compatible when a key or base URL is configured, else `none`."""
    if settings.llm != "auto":
        return settings.llm
    if settings.openai_api_key or settings.openai_base_url:
        return f"openai:{settings.openai_model}"
    return "none"
