"""Start real model servers as subprocesses on loopback, wait until they answer, stop them cleanly.

Two servers are used by the integration tests:

* `start_openai_server`: llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`, via
  `tests.servers.openai_llama_server`, which keeps it working on AMX CPUs)
  serving the Gemma 3 270M GGUF under the alias `gemma3-270m`.
* `start_ollama_server`: our Ollama-protocol test server (`python -m tests.servers.ollama_server`).

Each server's stdout and stderr go to a log file (not a pipe, which could fill and block the server);
if a server exits or does not answer in time, the error quotes the log's tail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.servers.transcript import write_tokenizer_config

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAI_MODEL_ALIAS = "gemma3-270m"
# The GGUF has no chat template. llama_cpp.server's built-in "gemma" format renders Gemma's instruction
# turn markers (<start_of_turn>user ...), which this *base* model was not tuned on: in a trial it echoed
# the question in a loop; it also drops system messages, which a support assistant relies on. So we use
# the "hf-tokenizer-config" format with our own Jinja template (tests/servers/transcript.py): the same
# User/Assistant transcript the Ollama test server uses, stopping at "\nUser:".
OPENAI_CHAT_FORMAT = "hf-tokenizer-config"

class ServerStartError(RuntimeError):
    """A test server exited early or did not answer before the deadline."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    """A running server subprocess; `url` is its base URL, `stop()` ends it."""

    name: str
    url: str
    process: subprocess.Popen
    log_path: Path
    startup_seconds: float = 0.0
    _log_file: object = field(default=None, repr=False)

    def log_tail(self, n_lines: int = 30) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n_lines:]) or "(empty log)"

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after `timeout` seconds)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(name: str, argv: list[str], url: str, ready_path: str, timeout: float = 120.0) -> ServerProcess:
    """Run `argv` from the repo root and wait until GET `url + ready_path` returns 200.

    Raises ServerStartError (with the server's log tail) if it exits or is not ready within `timeout`.
    """
    log_path = Path(tempfile.mkstemp(prefix=f"switchboard-{name}-", suffix=".log")[1])
    log_file = log_path.open("w")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = ServerProcess(name, url, proc, log_path, _log_file=log_file)
    deadline = started + timeout
    while True:
        if proc.poll() is not None:
            server.stop()
            raise ServerStartError(f"{name} exited with code {proc.returncode} before answering "
                                   f"{url}{ready_path}; log tail:\n{server.log_tail()}")
        try:
            if httpx.get(url + ready_path, timeout=2.0).status_code == 200:
                server.startup_seconds = time.monotonic() - started
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise ServerStartError(f"{name} did not answer {url}{ready_path} within {timeout:.0f} s; "
                                   f"log tail:\n{server.log_tail()}")
        time.sleep(0.25)


def start_openai_server(gguf_path: Path, port: int | None = None, n_threads: int = 2,
                        timeout: float = 120.0) -> ServerProcess:
    """Start llama_cpp.server for `gguf_path`; the returned `url` ends in /v1 (an OpenAI base_url)."""
    port = port or free_port()
    config = write_tokenizer_config(Path(tempfile.mkdtemp(prefix="switchboard-chat-template-")))
    argv = [sys.executable, "-m", "tests.servers.openai_llama_server", "--model", str(gguf_path), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "2048", "--n_threads", str(n_threads),
            "--model_alias", OPENAI_MODEL_ALIAS, "--chat_format", OPENAI_CHAT_FORMAT,
            "--hf_tokenizer_config_path", str(config), "--verbose", "False"]
    return start_server("llama-cpp-openai", argv, f"http://127.0.0.1:{port}/v1", "/models", timeout)


def start_ollama_server(gguf_path: Path | None = None, port: int | None = None, n_threads: int = 2,
                        timeout: float = 180.0) -> ServerProcess:
    """Start the Ollama-protocol test server; the returned `url` is the Ollama host (no /api suffix)."""
    port = port or free_port()
    argv = [sys.executable, "-m", "tests.servers.ollama_server", "--port", str(port), "--n-threads", str(n_threads)]
    if gguf_path is not None:
        argv += ["--model-path", str(gguf_path)]
    return start_server("ollama-test-server", argv, f"http://127.0.0.1:{port}", "/api/version", timeout)
