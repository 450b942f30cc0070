"""A real OpenAI-compatible HTTP server on loopback that records every request body it receives.

Used to inspect what leaves the process (e.g. that no unredacted PII reaches an external model):

    with RecordingOpenAIServer(reply="Happy to help.") as server:
        llm = ChatOpenAI(base_url=server.base_url, api_key="test", model="gpt-test")
        llm.invoke("hi")
        assert "hi" in server.received_text()

Speaks `POST /v1/chat/completions` (plain JSON, or server-sent events when `"stream": true`) and
`GET /v1/models`. Standard library only; binds 127.0.0.1 on a free port; stops on exit.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingOpenAIServer:
    """Loopback chat-completions server; `requests` holds the parsed JSON bodies in arrival order."""

    def __init__(self, reply: str = "OK", model: str = "recording-model", host: str = "127.0.0.1", port: int = 0) -> None:
        self.reply = reply
        self.model = model
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="recording-openai", daemon=True)

    @property
    def base_url(self) -> str:
        """Base URL to give an OpenAI client, ending in /v1."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def received_text(self) -> str:
        """Every message content of every recorded request, joined by newlines."""
        parts = []
        with self._lock:
            for body in self.requests:
                for msg in body.get("messages", []):
                    content = msg.get("content")
                    if isinstance(content, list):
                        parts += [c.get("text", "") for c in content if isinstance(c, dict)]
                    elif content:
                        parts.append(str(content))
        return "\n".join(parts)

    def start(self) -> "RecordingOpenAIServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "RecordingOpenAIServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _completion(self, stream: bool) -> list[dict]:
        base = {"id": f"chatcmpl-rec{len(self.requests)}", "created": int(time.time()), "model": self.model}
        if not stream:
            return [{**base, "object": "chat.completion",
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": self.reply}}],
                     "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}]
        chunk = {**base, "object": "chat.completion.chunk"}
        return [{**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": self.reply}, "finish_reason": None}]},
                {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean; bodies may hold test PII
                pass

            def _send(self, code: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": server.model, "object": "model", "owned_by": "test"}]})
                else:
                    self._send(404, {"error": {"message": f"unknown path {self.path}"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(400, {"error": {"message": "body is not JSON"}})
                    return
                with server._lock:
                    server.requests.append(body)
                    server.paths.append(self.path)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"unknown path {self.path}"}})
                    return
                events = server._completion(bool(body.get("stream")))
                if not body.get("stream"):
                    self._send(200, events[0])
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for ev in events:
                    self.wfile.write(f"data: {json.dumps(ev)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        return Handler
