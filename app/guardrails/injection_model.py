"""The learned half of the injection rail: logistic regression on hashed character/word n-grams
plus the MiniLM sentence embedding.

Stored as plain numbers (`injection_model.npz`: weight vectors, intercept, metadata), not a pickle, so it
loads with any scikit-learn/numpy version and cannot run code. Built by `train_injection_model(...)` from
the injection dev set plus benign customer messages (see `benchmarks/guardrails.py --train-injection`);
scoring needs only numpy, the hashing vectorizer and (optionally) a precomputed embedding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.errors import ConfigError
from app.guardrails.normalize import clean, fold_leet

MODEL_PATH = Path(__file__).with_name("injection_model.npz")
N_FEATURES = 2**17
MAX_CHARS = 2000  # long jailbreaks carry their signal early; cap the hashing cost


def model_text(text: str) -> str:
    """The text the model sees: cleaned, leetspeak folded, lowercased, capped."""
    return fold_leet(clean(text)).lower()[:MAX_CHARS]


@lru_cache(maxsize=1)
def _vectorizers():
    from sklearn.feature_extraction.text import HashingVectorizer

    char = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=N_FEATURES,
                             alternate_sign=False, norm="l2", lowercase=False)
    word = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=N_FEATURES,
                             alternate_sign=False, norm="l2", lowercase=False, token_pattern=r"(?u)\b\w+\b")
    return char, word


def featurize(texts: list[str], embeddings: np.ndarray | None):
    """Sparse feature matrix [char n-grams | word n-grams | embedding] for model_text(texts)."""
    from scipy.sparse import csr_matrix, hstack

    from app.intents.classifier import sklearn_inference

    char, word = _vectorizers()
    prepared = [model_text(t) for t in texts]
    with sklearn_inference():
        blocks = [char.transform(prepared), word.transform(prepared)]
    if embeddings is not None:
        blocks.append(csr_matrix(np.asarray(embeddings, dtype=np.float32)))
    return hstack(blocks, format="csr")


@dataclass(frozen=True)
class InjectionModel:
    """Weights of the logistic regression over `featurize` features."""

    weights: np.ndarray  # shape (2 * N_FEATURES + emb_dim,)
    intercept: float
    emb_dim: int  # 0 when trained without embeddings

    def score(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Probability of attack per text. Embeddings are computed with the local encoder when needed."""
        if self.emb_dim and embeddings is None:
            from app.providers.local_encoder import encode

            embeddings = encode([clean(t)[:MAX_CHARS] for t in texts])
        if not self.emb_dim:
            embeddings = None
        x = featurize(texts, embeddings)
        z = x @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the weights as a compressed npz of plain arrays."""
        np.savez_compressed(path, weights=self.weights.astype(np.float32), intercept=np.float32(self.intercept),
                            emb_dim=np.int32(self.emb_dim), n_features=np.int32(N_FEATURES))


def load_injection_model(path: Path = MODEL_PATH) -> InjectionModel | None:
    """The shipped model, or None when the file is absent (the rail then runs on patterns alone)."""
    path = Path(path)
    if not path.is_file():
        return None
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> InjectionModel:
    with np.load(path, allow_pickle=False) as data:
        if int(data["n_features"]) != N_FEATURES:
            raise ConfigError(f"{path}: built for n_features={int(data['n_features'])}, code expects {N_FEATURES}; "
                              "rebuild with `python -m benchmarks.guardrails --train-injection`")
        return InjectionModel(weights=data["weights"].astype(np.float32), intercept=float(data["intercept"]),
                              emb_dim=int(data["emb_dim"]))


def clear_model_cache() -> None:
    """Forget loaded models (after the npz file was rebuilt)."""
    _load.cache_clear()


def sample_benign(benign: list[str], n: int, seed: int = 13) -> list[str]:
    """A seeded sample of benign customer messages (deduplicated) used as training negatives."""
    uniq = sorted(set(benign))
    random.Random(seed).shuffle(uniq)
    return uniq[:n]


def train_injection_model(texts: list[str], labels: list[int], *, use_embeddings: bool = True,
                          embeddings: np.ndarray | None = None, c: float = 4.0) -> InjectionModel:
    """Fit the logistic regression on labelled texts (1 = attack); returns the plain-number model."""
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) != 2:
        raise ValueError("training data needs both attack (1) and benign (0) rows")
    if use_embeddings and embeddings is None:
        from app.providers.local_encoder import encode

        embeddings = encode([clean(t)[:MAX_CHARS] for t in texts])
    x = featurize(texts, embeddings if use_embeddings else None)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
    clf.fit(x, np.asarray(labels))
    emb_dim = int(embeddings.shape[1]) if use_embeddings else 0
    return InjectionModel(weights=clf.coef_[0].astype(np.float32), intercept=float(clf.intercept_[0]), emb_dim=emb_dim)
