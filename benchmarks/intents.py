"""Intent-detection benchmark: train from scratch on the given data, evaluate, print one JSON line.

    python -m benchmarks.intents --dataset clinc150 --train FILE [--test FILE] [--peers]
    python -m benchmarks.intents --dataset banking77 --train FILE --test FILE [--peers]
    python -m benchmarks.intents --dataset multiturn [--train knowledge/intents.yaml] [--test FILE]

CLINC150 JSON: `train`/`val`/`oos_train`/`oos_val` (+ optional `test`/`oos_test`); without --test it
evaluates on `val`+`oos_val`, with --test on that file's `test`+`oos_test`. BANKING77 CSV: `text,category`.
Progress goes to stderr; the last stdout line is the JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from app.intents.model import TextIntentModel, expected_calibration_error

OOS = "oos"
LATENCY_SAMPLE = 500


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_clinc(train_file: Path, test_file: Path | None) -> dict[str, list[tuple[str, str]]]:
    train = json.loads(Path(train_file).read_text(encoding="utf-8"))
    for key in ("train", "oos_train"):
        if key not in train:
            raise SystemExit(f"error: {train_file} has no {key!r} key (CLINC150 JSON expected)")
    if test_file is None:
        test = [tuple(x) for x in train.get("val", [])] + [tuple(x) for x in train.get("oos_val", [])]
    else:
        other = json.loads(Path(test_file).read_text(encoding="utf-8"))
        test = [tuple(x) for x in other.get("test", [])] + [tuple(x) for x in other.get("oos_test", [])]
    if not test:
        raise SystemExit("error: no evaluation rows (val/oos_val or test/oos_test)")
    return {"train": [tuple(x) for x in train["train"]], "oos_train": [tuple(x) for x in train["oos_train"]],
            "test": test}


def load_banking(path: Path) -> list[tuple[str, str]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = [(r["text"], r["category"]) for r in csv.DictReader(handle)]
    if not rows:
        raise SystemExit(f"error: {path} has no rows (CSV text,category expected)")
    return rows


def encode_batch(texts: list[str]) -> np.ndarray:
    from app.providers.local_encoder import encode

    return encode(texts, batch_size=64)


def evaluate(
    dataset: str,
    train: list[tuple[str, str]],
    oos_train: list[tuple[str, str]],
    test: list[tuple[str, str]],
    peers: bool,
) -> dict:
    from app.providers.local_encoder import encode, load_local_encoder

    load_local_encoder()
    texts, labels = [t for t, _ in train], [y for _, y in train]
    oos_texts = [t for t, _ in oos_train]
    t0 = time.perf_counter()
    log(f"[{dataset}] embedding {len(texts) + len(oos_texts)} training texts")
    emb = encode_batch(texts)
    oos_emb = encode_batch(oos_texts) if oos_texts else None
    model = TextIntentModel()
    model.fit(texts, labels, emb, oos_texts or None, oos_emb,
                    on_progress=lambda stage, f: log(f"[{dataset}] {f:4.0%} {stage}"))
    if not oos_texts:
        model.oos_threshold = None  # BANKING77 has no out-of-scope class: never reject
    train_s = time.perf_counter() - t0
    log(f"[{dataset}] trained in {train_s:.1f}s (T={model.temperature:.3f}, oos_threshold={model.oos_threshold})")

    test_texts, gold = [t for t, _ in test], [y for _, y in test]
    log(f"[{dataset}] embedding {len(test_texts)} evaluation texts")
    test_emb = encode_batch(test_texts)
    prob = model.predict_proba(test_texts, test_emb)
    conf = prob.max(axis=1)
    rejected = model.out_of_scope(prob, test_emb)
    pred = [None if r else model.classes_[i] for r, i in zip(rejected, prob.argmax(axis=1))]
    result = score(dataset, pred, gold, has_oos=bool(oos_texts))

    rng = np.random.default_rng(0)
    sample = [test_texts[i] for i in rng.permutation(len(test_texts))[:LATENCY_SAMPLE]]

    def predict_one(q: str):
        e = encode([q])
        p = model.predict_proba([q], e)
        return p.max(), model.out_of_scope(p, e)[0]

    predict_one(sample[0])  # warm-up
    times = []
    for q in sample:
        s = time.perf_counter()
        predict_one(q)
        times.append((time.perf_counter() - s) * 1000)
    in_scope = np.array([g != OOS for g in gold])
    correct = np.array([p == g for p, g in zip(model.classes_[prob.argmax(axis=1)], gold)])
    result.update({
        "n_train": len(texts) + len(oos_texts),
        "n_test": len(test_texts),
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "train_s": round(train_s, 1),
        "ece": round(expected_calibration_error(conf[in_scope], correct[in_scope]), 4),
        "temperature": round(model.temperature, 3),
        "oos_threshold": None if model.oos_threshold is None else round(model.oos_threshold, 4),
        "method": "MiniLM-L6 embeddings + word/char TF-IDF -> linear SVM, temperature-scaled; "
                  "OOS: log max-prob + 5 x mean top-5 cosine, threshold at 80% recall of held-out OOS",
    })
    if peers:
        result["peers"] = run_peers(dataset, texts, labels, emb, oos_texts, oos_emb, test_texts, test_emb,
                                    gold, sample, result)
    return result


def score(dataset: str, pred: list[str | None], gold: list[str], has_oos: bool) -> dict:
    gold_n = [None if g == OOS else g for g in gold]
    correct = np.array([p == g for p, g in zip(pred, gold_n)])
    in_scope = np.array([g is not None for g in gold_n])
    labels_all = sorted({g for g in gold_n if g is not None})
    as_str = lambda xs: [OOS if x is None else x for x in xs]  # noqa: E731
    out = {
        "dataset": dataset,
        "accuracy": round(float(correct.mean()), 4),
        "macro_f1": round(float(f1_score(as_str(gold_n), as_str(pred), labels=labels_all, average="macro",
                                         zero_division=0)), 4),
        "in_scope_accuracy": round(float(correct[in_scope].mean()), 4),
        "oos_recall": None,
        "oos_precision": None,
    }
    if has_oos:
        is_oos_pred = np.array([p is None for p in pred])
        out["oos_recall"] = round(float(is_oos_pred[~in_scope].mean()), 4) if (~in_scope).any() else None
        out["oos_precision"] = (round(float((~in_scope)[is_oos_pred].mean()), 4) if is_oos_pred.any() else 0.0)
    return out


def run_peers(dataset, texts, labels, emb, oos_texts, oos_emb, test_texts, test_emb, gold, sample, ours) -> list:
    from app.providers.local_encoder import encode
    from benchmarks.intent_peers import fit_nearest_neighbour, fit_semantic_router, time_single_queries

    rows = [{"system": "switchboard (ours)", **{k: ours[k] for k in
             ("accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "p50_ms", "p95_ms", "train_s")}}]
    has_oos = bool(oos_texts)

    log(f"[{dataset}] peer: 1-nearest-neighbour")
    t0 = time.perf_counter()
    knn = fit_nearest_neighbour(emb, labels, oos_emb)
    knn_s = time.perf_counter() - t0
    res = score(dataset, knn.predict(test_emb), gold, has_oos)
    p50, p95 = time_single_queries(lambda q: knn.predict(encode([q])), sample)
    rows.append({"system": "1-NN cosine (same encoder)", **_pick(res), "p50_ms": round(p50, 2),
                 "p95_ms": round(p95, 2), "train_s": round(knn_s, 1), "note": "train_s excludes embedding"})

    log(f"[{dataset}] peer: semantic-router IndexedRouter")
    t0 = time.perf_counter()
    router, cache = fit_semantic_router(texts, labels, emb, oos_texts, oos_emb, encode_batch)
    sr_s = time.perf_counter() - t0
    cache.update({t: e.tolist() for t, e in zip(test_texts, test_emb)})
    pred = []
    for q in test_texts:
        choice = router(q) if has_oos else router(q, threshold=0.0)
        pred.append(choice.name)
    res = score(dataset, pred, gold, has_oos)
    for q in sample:
        cache.pop(q, None)  # time real embedding, not the cache
    p50, p95 = time_single_queries(lambda q: (router(q), cache.pop(q, None)), sample)
    import semantic_router

    rows.append({"system": f"semantic-router {semantic_router.__version__} IndexedRouter (same encoder)",
                 **_pick(res), "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "train_s": round(sr_s, 1),
                 "note": "train_s excludes embedding"})
    log(_table(rows))
    return rows


def _pick(res: dict) -> dict:
    return {k: res[k] for k in ("accuracy", "macro_f1", "in_scope_accuracy", "oos_recall")}


def _table(rows: list[dict]) -> str:
    cols = ["system", "accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "p50_ms", "p95_ms", "train_s"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join("—" if r.get(c) is None else str(r.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intents", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, choices=["clinc150", "banking77", "multiturn"])
    parser.add_argument("--train", type=Path)
    parser.add_argument("--test", type=Path)
    parser.add_argument("--peers", action="store_true", help="also run semantic-router and 1-NN")
    args = parser.parse_args(argv)
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(2)
    # numpy/scipy BLAS on one thread: the per-query matrix products are tiny, and a BLAS pool spinning
    # next to torch's threads on 2 cores made single-query timings erratic (hundreds of ms)
    threadpool_limits(1, user_api="blas")
    if args.dataset == "multiturn":
        from benchmarks.intent_multiturn import run_multiturn

        result = run_multiturn(args.train, args.test, log)
    elif args.dataset == "clinc150":
        if args.train is None:
            parser.error("--train is required for clinc150")
        data = load_clinc(args.train, args.test)
        result = evaluate("clinc150", data["train"], data["oos_train"], data["test"], args.peers)
    else:
        if args.train is None or args.test is None:
            parser.error("--train and --test are required for banking77")
        result = evaluate("banking77", load_banking(args.train), [], load_banking(args.test), args.peers)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
