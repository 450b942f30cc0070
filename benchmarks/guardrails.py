"""Measure the rails: `python -m benchmarks.guardrails --injection F --benign F... --pii F --grounding F`.

Prints progress to stderr and, as the last stdout line, one JSON object with a key per rail given data
(`injection`, `pii`, `grounding`), each `{precision, recall, fpr, p50_ms, p95_ms}` plus extras, and
`input_rails_p95_ms` (all input rails on one benign message, with the MiniLM embedding passed in as the
graph does; `encode_p95_ms` is the cost of that embedding when nobody has computed it yet).

`--cv` adds 5-fold out-of-fold injection figures (the model retrained per fold without the held-out rows).
`--train-injection` rebuilds app/guardrails/injection_model.npz from --injection and --benign first.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from app.guardrails.datasets import read_benign, read_grounding, read_labelled, read_pii
from app.guardrails.grounding import unsupported_claims
from app.guardrails.injection import injection_score
from app.guardrails.injection_model import MAX_CHARS, clear_model_cache, sample_benign, train_injection_model
from app.guardrails.input_rails import run_input_rails
from app.guardrails.normalize import clean
from app.guardrails.output_rails import check_commitments
from app.guardrails.pii import find_pii
from app.guardrails.policy import DEFAULT_POLICY_PATH, GuardrailPolicy, load_guardrail_policy

PII_MAP = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CARD", "IBAN_CODE": "IBAN",
           "US_SSN": "SSN", "PERSON": "PERSON", "STREET_ADDRESS": "ADDRESS", "IP_ADDRESS": "IP",
           "US_DRIVER_LICENSE": "NATIONAL_ID"}
STRUCTURED = {"EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN"}
BENIGN_PER_FILE_FOR_TRAINING = 800
TIMING_SAMPLE = 2000


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 3) if values else 0.0


def prf(tp: int, fp: int, fn: int, tn: int) -> dict:
    return {"precision": round(tp / max(tp + fp, 1), 4), "recall": round(tp / max(tp + fn, 1), 4),
            "fpr": round(fp / max(fp + tn, 1), 4)}


def _encode(texts: list[str]) -> np.ndarray:
    from app.providers.local_encoder import encode

    return encode([clean(t)[:MAX_CHARS] for t in texts], batch_size=64)


def bench_injection(policy: GuardrailPolicy, texts: list[str], labels: list[int], benign: list[str]) -> dict:
    """Precision/recall on the labelled file, fpr on the benign customer messages; per-message latency."""
    threshold = policy.injection.threshold
    log(f"injection: encoding {len(texts)} + {len(benign)} messages")
    emb_t, emb_b = _encode(texts), (_encode(benign) if benign else np.zeros((0, 384), np.float32))
    times, preds = [], []
    for t, e in zip(texts, emb_t):
        t0 = time.perf_counter()
        s, _ = injection_score(t, policy, e)
        times.append((time.perf_counter() - t0) * 1000)
        preds.append(s >= threshold)
    benign_flags = []
    for i, (t, e) in enumerate(zip(benign, emb_b)):
        t0 = time.perf_counter()
        s, _ = injection_score(t, policy, e)
        if i < TIMING_SAMPLE:
            times.append((time.perf_counter() - t0) * 1000)
        benign_flags.append(s >= threshold)
    y = np.array(labels, bool)
    p = np.array(preds, bool)
    out = prf(int((p & y).sum()), 0, int((~p & y).sum()), 0)
    out["precision"] = round(int((p & y).sum()) / max(int(p.sum()), 1), 4)
    out["fpr"] = round(float(np.mean(benign_flags)), 4) if benign else None
    out["fpr_labelled_benign"] = round(float((p & ~y).sum() / max((~y).sum(), 1)), 4)
    out.update(p50_ms=pct(times, 50), p95_ms=pct(times, 95), n_attacks=int(y.sum()), n_benign=len(benign),
               threshold=threshold)
    return out


def bench_injection_cv(policy: GuardrailPolicy, texts: list[str], labels: list[int], benign_files: list[list[str]]) -> dict:
    """5-fold out-of-fold recall/precision; fpr on benign messages never used for training."""
    from sklearn.model_selection import StratifiedKFold

    from app.guardrails.injection_patterns import match_patterns
    from app.guardrails.normalize import views

    train_b, held_b = [], []
    for b in benign_files:
        s = sample_benign(b, 10**9)
        train_b += s[:BENIGN_PER_FILE_FOR_TRAINING]
        held_b += s[BENIGN_PER_FILE_FOR_TRAINING:BENIGN_PER_FILE_FOR_TRAINING + 1500]
    log(f"cv: encoding {len(texts)} + {len(train_b)} + {len(held_b)} messages")
    et, eb, eh = _encode(texts), _encode(train_b), _encode(held_b)
    pat_t = np.array([bool(match_patterns(views(t))) for t in texts])
    pat_h = np.array([bool(match_patterns(views(t))) for t in held_b])
    y = np.array(labels)
    oof, held = np.zeros(len(texts)), []
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        m = train_injection_model([texts[i] for i in tr] + train_b, [labels[i] for i in tr] + [0] * len(train_b),
                                  embeddings=np.vstack([et[tr], eb]))
        oof[te] = m.score([texts[i] for i in te], et[te])
        held.append(m.score(held_b, eh))
    th = policy.injection.threshold
    pred = np.maximum(oof, pat_t) >= th
    fpr = float(np.mean(np.maximum(np.mean(held, axis=0), pat_h) >= th))
    tp = int((pred & (y == 1)).sum())
    return {"recall": round(tp / max((y == 1).sum(), 1), 4), "precision": round(tp / max(pred.sum(), 1), 4),
            "fpr": round(fpr, 4), "n_benign_held_out": len(held_b), "folds": 5}


def bench_pii(rows: list[dict], benign: list[str]) -> dict:
    """Span recall per entity type (≥50% of the gold span covered by any redaction) and span precision."""
    hit: dict[str, int] = {}
    tot: dict[str, int] = {}
    npred = fp = 0
    times = []
    for r in rows:
        text = r["full_text"]
        t0 = time.perf_counter()
        spans = find_pii(text)
        times.append((time.perf_counter() - t0) * 1000)
        gold = r.get("spans", [])
        for g in gold:
            et = g["entity_type"]
            gs, ge = g["start_position"], g["end_position"]
            covered = sum(max(0, min(ge, s.end) - max(gs, s.start)) for s in spans) >= 0.5 * (ge - gs)
            tot[et] = tot.get(et, 0) + 1
            hit[et] = hit.get(et, 0) + int(covered)
        for s in spans:
            npred += 1
            if not any(s.start < g["end_position"] and g["start_position"] < s.end for g in gold):
                fp += 1
    in_scope = [k for k in tot if k in PII_MAP]
    structured = [k for k in tot if k in STRUCTURED]
    recall = sum(hit[k] for k in in_scope) / max(sum(tot[k] for k in in_scope), 1)
    out = {"precision": round(1 - fp / max(npred, 1), 4), "recall": round(recall, 4),
           "recall_structured": round(sum(hit[k] for k in structured) / max(sum(tot[k] for k in structured), 1), 4),
           "recall_all_gold_types": round(sum(hit.values()) / max(sum(tot.values()), 1), 4),
           "recall_by_type": {k: round(hit[k] / tot[k], 4) for k in sorted(tot)}}
    if benign:
        flagged = sum(bool(find_pii(t)) for t in benign)
        out["fpr"] = round(flagged / len(benign), 4)
        out["fpr_structured"] = round(sum(bool(find_pii(t, set(PII_MAP.values()) - {"PERSON", "ADDRESS"})) for t in benign) / len(benign), 4)
    else:
        out["fpr"] = None
    out.update(p50_ms=pct(times, 50), p95_ms=pct(times, 95))
    return out


def bench_grounding(policy: GuardrailPolicy, rows: list[dict]) -> dict:
    """Positive class = an answer the context does not support (label 0); fpr on supported answers."""
    tp = fp = fn = tn = 0
    times = []
    for r in rows:
        t0 = time.perf_counter()
        flagged = bool(unsupported_claims(r["answer"], r["context"])) or \
            check_commitments(r["answer"], r["context"], policy).action != "pass"
        times.append((time.perf_counter() - t0) * 1000)
        bad = int(r["label"]) == 0
        tp += flagged and bad
        fp += flagged and not bad
        fn += (not flagged) and bad
        tn += (not flagged) and not bad
    out = prf(tp, fp, fn, tn)
    out.update(p50_ms=pct(times, 50), p95_ms=pct(times, 95), n=len(rows))
    return out


def bench_input_rails(policy: GuardrailPolicy, benign: list[str]) -> dict:
    """All input rails on a sample of benign messages (embedding passed in), and the cost of one encode."""
    from app.providers.local_encoder import encode

    sample = sample_benign(benign, TIMING_SAMPLE, seed=3)
    emb = _encode(sample)
    times, blocked = [], 0
    for t, e in zip(sample, emb):
        t0 = time.perf_counter()
        r = run_input_rails(t, policy, embedding=e)
        times.append((time.perf_counter() - t0) * 1000)
        blocked += r.action != "pass"
    enc = []
    for t in sample[:200]:
        t0 = time.perf_counter()
        encode([t])
        enc.append((time.perf_counter() - t0) * 1000)
    return {"input_rails_p50_ms": pct(times, 50), "input_rails_p95_ms": pct(times, 95),
            "input_rails_block_rate_benign": round(blocked / max(len(sample), 1), 4),
            "encode_p50_ms": pct(enc, 50), "encode_p95_ms": pct(enc, 95)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the guardrails.")
    parser.add_argument("--injection", type=Path, help="JSONL {text, label}, 1 = attack")
    parser.add_argument("--benign", type=Path, nargs="*", default=[], help="benign customer messages (JSONL/CLINC/BANKING/Bitext)")
    parser.add_argument("--pii", type=Path, help="presidio synthetic JSON")
    parser.add_argument("--grounding", type=Path, help="JSONL {context, answer, label}, 1 = supported")
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY_PATH)
    parser.add_argument("--cv", action="store_true", help="add 5-fold out-of-fold injection figures")
    parser.add_argument("--train-injection", action="store_true", help="rebuild the injection model first")
    args = parser.parse_args(argv)
    policy = load_guardrail_policy(args.policy)
    benign_files = [read_benign(f) for f in args.benign]
    benign = [t for b in benign_files for t in b]
    result: dict = {}
    if args.injection:
        texts, labels = read_labelled(args.injection)
        if args.train_injection:
            train_b = [t for b in benign_files for t in sample_benign(b, 10**9)[:BENIGN_PER_FILE_FOR_TRAINING]]
            log(f"training injection model on {len(texts)} + {len(train_b)} rows")
            train_injection_model(texts + train_b, labels + [0] * len(train_b)).save()
            clear_model_cache()
        result["injection"] = bench_injection(policy, texts, labels, benign)
        if args.cv:
            result["injection"]["cross_validated"] = bench_injection_cv(policy, texts, labels, benign_files)
    if args.pii:
        result["pii"] = bench_pii(read_pii(args.pii), benign)
    if args.grounding:
        result["grounding"] = bench_grounding(policy, read_grounding(args.grounding))
    if benign:
        result.update(bench_input_rails(policy, benign))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
