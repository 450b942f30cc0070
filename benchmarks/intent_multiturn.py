"""Multi-turn intent accuracy with and without the preceding user turns.

    python -m benchmarks.intents --dataset multiturn [--train knowledge/intents.yaml]
                                 [--test benchmarks/data/multiturn_intents.jsonl]

Trains (or reuses, when the catalog is unchanged) the product classifier in the data dir (as `switchboard ingest` does), then
classifies every turn twice: alone, and with the earlier user turns as history.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import numpy as np

from app.config import load_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CATALOG = REPO_ROOT / "knowledge" / "intents.yaml"
DEFAULT_DATA = REPO_ROOT / "benchmarks" / "data" / "multiturn_intents.jsonl"
DEFAULT_ARTIFACTS = load_settings().intent_model_dir  # the same artifact `switchboard ingest` trains


def load_conversations(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            if not row.get("turns"):
                raise SystemExit(f"error: {path}:{number}: conversation without turns")
            rows.append(row)
    return rows


def run_multiturn(catalog: Path | None, data: Path | None, log: Callable[[str], None]) -> dict:
    from app.intents.training import load_or_train

    catalog, data = catalog or DEFAULT_CATALOG, data or DEFAULT_DATA
    t0 = time.perf_counter()
    clf = load_or_train(catalog, DEFAULT_ARTIFACTS, on_progress=lambda s, f: log(f"[multiturn] {f:4.0%} {s}"))
    load_s = time.perf_counter() - t0
    conversations = load_conversations(data)
    first = {"alone": [], "context": []}
    follow = {"alone": [], "context": []}
    used, times, changed = 0, [], []
    for conv in conversations:
        history: list[str] = []
        for i, turn in enumerate(conv["turns"]):
            alone = clf.predict(turn["user"])
            s = time.perf_counter()
            ctx = clf.predict(turn["user"], history)
            times.append((time.perf_counter() - s) * 1000)
            bucket = first if i == 0 else follow
            bucket["alone"].append(alone.intent == turn["intent"])
            bucket["context"].append(ctx.intent == turn["intent"])
            used += ctx.used_context
            if alone.intent != ctx.intent:
                changed.append({"id": conv["id"], "turn": turn["user"], "gold": turn["intent"],
                                "alone": alone.intent, "with_context": ctx.intent})
            history.append(turn["user"])
    for c in changed:
        log(f"[multiturn] {c['id']}: {c['turn']!r} gold={c['gold']} alone={c['alone']} context={c['with_context']}")
    acc = lambda xs: round(float(np.mean(xs)), 4) if xs else None  # noqa: E731
    return {
        "dataset": "multiturn",
        "n_conversations": len(conversations),
        "n_follow_up_turns": len(follow["alone"]),
        "follow_up_accuracy_alone": acc(follow["alone"]),
        "follow_up_accuracy_with_context": acc(follow["context"]),
        "first_turn_accuracy": acc(first["context"]),
        "all_turns_accuracy_alone": acc(first["alone"] + follow["alone"]),
        "all_turns_accuracy_with_context": acc(first["context"] + follow["context"]),
        "context_used": used,
        "changed_by_context": len(changed),
        "p50_ms_with_context": round(float(np.percentile(times, 50)), 2),
        "p95_ms_with_context": round(float(np.percentile(times, 95)), 2),
        "classifier_version": clf.metadata.get("version"),
        "load_or_train_s": round(load_s, 1),
    }
