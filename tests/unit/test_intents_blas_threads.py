"""The intent head limits BLAS to one thread once per process, not on every prediction."""

from __future__ import annotations

import threadpoolctl

from app.intents import classifier as classifier_module
from app.intents.classifier import IntentClassifier


class TinyModel:
    """Just enough of TextIntentModel for predict_many."""

    classes_ = ["track_order", "get_refund"]

    def predict_proba(self, texts, emb):  # noqa: ANN001, ANN201
        import numpy as np

        return np.tile([0.8, 0.2], (len(texts), 1))

    def in_scope_score(self, proba, emb):  # noqa: ANN001, ANN201
        return proba.max(axis=1)

    def out_of_scope(self, proba, emb, scores=None):  # noqa: ANN001, ANN201
        return proba.max(axis=1) < 0.5


def test_blas_is_limited_once_across_predictions(monkeypatch):
    import numpy as np

    calls: list[tuple] = []
    monkeypatch.setattr(threadpoolctl, "threadpool_limits", lambda *a, **k: calls.append((a, k)))
    classifier_module.limit_blas_to_one_thread.cache_clear()
    clf = IntentClassifier(TinyModel(), {"track_order": "routine", "get_refund": "routine"}, {},
                           encode=lambda texts: np.zeros((len(texts), 384), dtype=np.float32))
    for text in ("where is my parcel", "refund please", "hello"):
        assert clf.predict(text).intent == "track_order"
    assert calls == [((1,), {"user_api": "blas"})]
    classifier_module.limit_blas_to_one_thread.cache_clear()  # let the next user apply the real limit
