"""What the SLM fallback adds and costs, on utterances the product classifier never saw.

    python -m benchmarks.intent_fallback [--per-intent 8] [--below 0.5] [--max-calls 60]

Dev set: Bitext utterances from the 8k sample that are NOT in knowledge/data (same 27 intents, unseen
wording), `--per-intent` each, plus the multi-turn set's turns. The product classifier answers all of
them; for those below `--below` confidence the embedded Gemma 3 270M (ChatLlamaCpp, JSON-schema grammar)
chooses among the classifier's top 3. Prints one JSON line: accuracy without/with fallback, how many calls,
how often the SLM fixed or broke an answer, and its latency.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from app.intents.model import expected_calibration_error

REPO_ROOT = Path(__file__).resolve().parents[1]
BITEXT_8K = Path("/work/shared/datasets/bitext_customer_service/customer_service_8k/"
                 "Bitext_Sample_Customer_Service_Training_Dataset.csv")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def dev_set(catalog, source: Path, per_intent: int, seed: int = 11) -> list[tuple[str, str]]:
    seen = {t.strip().lower() for t, _ in zip(*catalog.training_pairs())}
    names = set(catalog.names)
    by: dict[str, list[str]] = {}
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            intent = "check_invoices" if row["intent"] == "check_invoice" else row["intent"]
            text = row["utterance"].strip()
            if intent in names and text.lower() not in seen:
                by.setdefault(intent, []).append(text)
    rng = random.Random(seed)
    out = []
    for intent in sorted(by):
        texts = sorted(set(by[intent]))
        rng.shuffle(texts)
        out += [(t, intent) for t in texts[:per_intent]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intent_fallback")
    parser.add_argument("--per-intent", type=int, default=8)
    parser.add_argument("--below", type=float, default=0.5, help="fallback when confidence is below this")
    parser.add_argument("--max-calls", type=int, default=60)
    parser.add_argument("--bitext", type=Path, default=BITEXT_8K)
    args = parser.parse_args(argv)

    from app.intents.catalog import load_intent_catalog
    from app.intents.fallback import classify_with_slm
    from app.intents.training import load_or_train
    from app.providers.llamacpp import ChatLlamaCpp, resolve_gguf
    from benchmarks.intent_multiturn import DEFAULT_ARTIFACTS, DEFAULT_DATA, load_conversations

    catalog_path = REPO_ROOT / "knowledge" / "intents.yaml"
    catalog = load_intent_catalog(catalog_path)
    clf = load_or_train(catalog_path, DEFAULT_ARTIFACTS, on_progress=lambda s, f: log(f"{f:4.0%} {s}"))
    rows = [(t, y, ()) for t, y in dev_set(catalog, args.bitext, args.per_intent)]
    for conv in load_conversations(DEFAULT_DATA):
        history: list[str] = []
        for turn in conv["turns"]:
            rows.append((turn["user"], turn["intent"], tuple(history)))
            history.append(turn["user"])
    log(f"{len(rows)} dev messages")
    preds = [clf.predict(t, list(h)) for t, _, h in rows]
    gold = [y for _, y, _ in rows]
    correct = np.array([p.intent == y for p, y in zip(preds, gold)])
    conf = np.array([p.confidence for p in preds])
    in_scope = np.array([y is not None for y in gold])
    top3 = np.array([y in [c for c, _ in p.candidates] for p, y in zip(preds, gold)])
    unsure = [i for i, p in enumerate(preds) if p.intent is not None and p.confidence < args.below][: args.max_calls]
    log(f"{len(unsure)} below {args.below}: asking the SLM")
    chat = ChatLlamaCpp(model_path=str(resolve_gguf("gemma3-270m")), max_tokens=24)
    fixed = broke = failed = 0
    times = []
    after = correct.copy()
    for i in unsure:
        text, y, history = rows[i]
        s = time.perf_counter()
        slm = classify_with_slm(chat, text, catalog, history, candidates=preds[i].candidates)
        times.append((time.perf_counter() - s) * 1000)
        if slm is None:
            failed += 1
            continue
        ok = slm.intent == y
        fixed += ok and not correct[i]
        broke += (not ok) and correct[i]
        after[i] = ok
    result = {
        "dataset": "product-dev (unseen Bitext + multi-turn)",
        "n": len(rows),
        "classifier_accuracy": round(float(correct.mean()), 4),
        "classifier_in_scope_ece": round(expected_calibration_error(conf[in_scope], correct[in_scope]), 4),
        "top3_recall": round(float(top3[in_scope].mean()), 4),
        "fallback_below": args.below,
        "fallback_calls": len(unsure),
        "classifier_accuracy_on_fallback_cases": round(float(correct[unsure].mean()), 4) if unsure else None,
        "slm_accuracy_on_fallback_cases": round(float(after[unsure].mean()), 4) if unsure else None,
        "slm_fixed": int(fixed),
        "slm_broke": int(broke),
        "slm_failed": failed,
        "accuracy_with_fallback": round(float(after.mean()), 4),
        "slm_p50_ms": round(float(np.percentile(times, 50)), 1) if times else None,
        "slm_p95_ms": round(float(np.percentile(times, 95)), 1) if times else None,
        "classifier_version": clf.metadata.get("version"),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
