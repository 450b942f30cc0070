"""Issue 11, items 6 and 9: a model server that accepts and never answers costs the configured timeout, once,
within the turn's deadline; an explicitly configured Ollama that is down is said, once, at start."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from app.api import Switchboard
from app.config import load_settings
from app.deps import Deps
from tests.servers.process import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts connections, reads nothing back and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                held.append(conn)
            except OSError:
                continue

    worker = threading.Thread(target=accept, daemon=True)
    worker.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    worker.join(2)
    for conn in held:
        conn.close()
    listener.close()


def test_two_hanging_desks_cost_one_turn_deadline_not_four_timeouts(ingested_settings, silent_server):
    settings = load_settings(data_dir=ingested_settings.data_dir, slm="openai:small", llm="openai:large",
                             openai_base_url=silent_server, model_timeout_s=1.0, turn_timeout_s=1.6)
    bot = Switchboard(settings, audit=False)
    bot.ask("hello")  # warm the encoder and classifier, so the turn below measures the waits
    started = time.perf_counter()
    reply = bot.ask("How do I reset my password?")
    elapsed = time.perf_counter() - started
    faults = [e for e in reply.trace if e.decision == "fault"]
    # before the fix: max_retries=1 doubled each wait: 2 x 1 s per desk, 4 s and more for the turn
    assert elapsed < 3.0, f"the turn took {elapsed:.1f} s"
    assert [e.node for e in faults] == ["answer_with_slm", "escalate_to_llm"]
    assert 900 <= faults[0].latency_ms <= 1500  # the real wait is recorded
    assert faults[1].latency_ms <= 900  # the LLM call got only what was left of the turn
    assert reply.awaiting_human and reply.route == "human"


def test_an_explicit_ollama_slm_that_is_down_is_warned_about(ingested_settings, caplog):
    host = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    settings = load_settings(data_dir=ingested_settings.data_dir, slm="ollama:qwen2.5:1.5b", ollama_host=host)
    with caplog.at_level(logging.WARNING, logger="switchboard"):
        Deps(settings).slm  # noqa: B018 - building the model is what warns
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not reachable" in w and host in w for w in warnings), warnings
