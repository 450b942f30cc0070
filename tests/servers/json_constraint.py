"""Grammar-constrained decoding that stays fast on Gemma's 262k-token vocabulary.

llama-cpp-python's own `grammar=` puts the grammar sampler in front of the whole chain, so every step
checks all 262,144 vocabulary entries against the grammar: about a second per token on two CPU cores.
llama.cpp's C++ server avoids this by checking only the token it was about to pick. We do the equivalent
as a logits processor: test the `shortlist` highest-scoring tokens against the grammar, keep the valid
ones, and fall back to the full vocabulary only when none of them is valid. For greedy decoding this is
exactly the grammar-constrained argmax; for sampling it differs from llama.cpp only in tokens outside
the top `shortlist`, which top-k (40 by default) would discard anyway.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

_TOKEN_DTYPE = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


def grammar_for_format(fmt: Any) -> LlamaGrammar | None:
    """Map an Ollama `format` value ("", "json", or a JSON schema dict) to a GBNF grammar."""
    if fmt in (None, ""):
        return None
    if fmt == "json":
        return LlamaGrammar.from_string(JSON_GBNF, verbose=False)
    if isinstance(fmt, dict):
        return LlamaGrammar.from_json_schema(json.dumps(fmt), verbose=False)
    raise ValueError(f"invalid format: {fmt!r} (expected \"json\" or a JSON schema object)")


class GrammarLogitsProcessor:
    """A llama-cpp-python logits processor that masks every token the grammar does not allow.

    Create one per request; it tracks the generated tokens through `input_ids` and advances its own
    grammar state, so it must see every decoding step of exactly one completion.
    """

    def __init__(self, llm: llama_cpp.Llama, grammar: LlamaGrammar, shortlist: int = 512) -> None:
        self._sampler = llama_cpp.llama_sampler_init_grammar(
            llm._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self._sampler:
            raise ValueError("llama.cpp rejected the grammar")
        self._shortlist = shortlist
        self._n_seen: int | None = None  # tokens of input_ids already fed to the grammar

    def close(self) -> None:
        if self._sampler:
            llama_cpp.llama_sampler_free(self._sampler)
            self._sampler = None

    def __del__(self) -> None:  # pragma: no cover - safety net
        self.close()

    def _advance(self, input_ids: np.ndarray) -> None:
        if self._n_seen is None:  # first step: everything so far is the prompt
            self._n_seen = len(input_ids)
            return
        for token in input_ids[self._n_seen :]:
            llama_cpp.llama_sampler_accept(self._sampler, int(token))
        self._n_seen = len(input_ids)

    def _valid(self, ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
        """Return a boolean mask over `ids`: True where the grammar accepts the token next."""
        buf = (llama_cpp.llama_token_data * len(ids))()
        view = np.frombuffer(buf, dtype=_TOKEN_DTYPE)
        view["id"] = ids
        view["logit"] = logits
        view["p"] = 0.0
        arr = llama_cpp.llama_token_data_array(
            data=ctypes.cast(buf, llama_cpp.llama_token_data_p), size=len(ids), selected=-1, sorted=False
        )
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(arr))
        return np.isfinite(view["logit"])

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray:
        self._advance(input_ids)
        k = min(self._shortlist, len(scores))
        top = np.argpartition(scores, -k)[-k:].astype(np.intc)
        ok = self._valid(top, scores[top])
        if not ok.any():  # rare: no likely token fits, so check the whole vocabulary
            top = np.arange(len(scores), dtype=np.intc)
            ok = self._valid(top, scores)
        masked = np.full_like(scores, -np.inf)
        allowed = top[ok]
        masked[allowed] = scores[allowed]
        return masked
