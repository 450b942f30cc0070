"""What the orchestration itself costs per turn: rails, intent, retrieval, routing, checkpointing.

Models are replaced by instant ones (they echo the top policy chunk, so the output rails pass); everything
else is real: the trained classifier, the guardrails, Chroma with the local encoder, SQLite checkpoints.

    python -m benchmarks.overhead [--turns 300] [--concurrency 1 32] [--durability exit|async|sync]
                                  [--model-ms 0]

`--model-ms N` makes every model call wait N ms (sleeping, as a call to a model server waits), the set-up of
NeMo Guardrails' benchmark with its mock LLM servers. `overhead_*` is then a turn's latency minus its time
inside model calls: what the orchestration adds while other turns wait on their models.

Prints progress to stderr and one JSON object on the last line: per concurrency p50/p95/p99 ms of the turn
latency and of the overhead, throughput, and the process CPU time per turn (all threads), which shows the
work per turn even when other jobs share the CPU and wall-clock latency is mostly waiting for a core.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from app.api import Switchboard
from app.config import PROJECT_ROOT, load_settings
from app.intents.training import load_or_train
from app.context import Context
from app.deps import Deps
from app.knowledge.ingest import ingest_knowledge

MESSAGES_FILE = PROJECT_ROOT / "knowledge" / "data" / "bitext_customer_service_sample.csv"


def distinct_messages(n: int, seed: int = 7) -> list[str]:
    """`n` different customer messages (Bitext sample), so no turn is served from the embedding cache."""
    with MESSAGES_FILE.open(encoding="utf-8") as f:
        texts = sorted({row["utterance"].strip() for row in csv.DictReader(f)})
    random.Random(seed).shuffle(texts)
    if n > len(texts):
        raise SystemExit(f"--turns is limited to {len(texts)} distinct messages")
    return texts[:n]


MODEL_TIME: ContextVar[list[float] | None] = ContextVar("model_time", default=None)  # ms per model call, this turn


class InstantModel(BaseChatModel):
    """Answers with the first sentence of the policy text it was given: at once, or after `latency_ms`."""

    latency_ms: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "instant"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        start = time.perf_counter()
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)  # releases the GIL, like waiting on a model server
        spent = MODEL_TIME.get()
        system = next((m.content for m in messages if isinstance(m, SystemMessage)), "")
        policy = system.split("Policy:", 1)[-1].strip().split("\n")
        text = next((line for line in policy[1:] if len(line.split()) > 4), "Please see our policy.")
        message = AIMessage(text, usage_metadata={"input_tokens": 0, "output_tokens": 0, "total_tokens": 0})
        if spent is not None:
            spent.append((time.perf_counter() - start) * 1000)
        return ChatResult(generations=[ChatGeneration(message=message)])


def build_bot(data_dir: Path, durability: str = "exit", model_ms: float = 0.0) -> Switchboard:
    settings = load_settings(data_dir=data_dir, slm="llamacpp:gemma3-270m", llm="none", checkpoint_durability=durability)
    model = InstantModel(latency_ms=model_ms)
    deps = Deps(settings, slm=model, llm=model, llm_spec="openai:instant")
    # Instant models cannot pick intents, so the SLM intent fallback (a model call) is off here.
    return Switchboard(settings, deps, audit=False, context=Context(slm_fallback=False))


def measure(bot: Switchboard, messages: list[str], concurrency: int) -> dict:
    by_node: dict[str, list[float]] = defaultdict(list)

    def one(i: int) -> tuple[float, float]:
        spent: list[float] = []
        MODEL_TIME.set(spent)  # each pool thread runs one turn at a time; LangGraph copies the context into nodes
        start = time.perf_counter()
        reply = bot.ask(messages[i])  # a new thread per turn
        elapsed = (time.perf_counter() - start) * 1000
        for entry in reply.trace:
            if entry.latency_ms is not None:
                by_node[entry.node].append(entry.latency_ms)
        return elapsed, elapsed - sum(spent)

    turns = len(messages)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        wall, cpu = time.perf_counter(), time.process_time()
        latencies, overheads = (np.array(column) for column in zip(*pool.map(one, range(turns))))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "concurrency": concurrency,
        "turns": turns,
        **{f"p{q}_ms": round(float(np.percentile(latencies, q)), 2) for q in (50, 95, 99)},
        **{f"overhead_p{q}_ms": round(float(np.percentile(overheads, q)), 2) for q in (50, 95, 99)},
        "model_ms_per_turn": round(float(np.mean(latencies - overheads)), 2),
        "throughput_turns_per_s": round(turns / wall, 1),
        "cpu_ms_per_turn": round(cpu / turns * 1000, 2),
        # where a turn's time goes: mean ms per turn inside each node (the rest is LangGraph, checkpoints, API)
        "node_ms_per_turn": {node: round(sum(ms) / turns, 2) for node, ms in sorted(by_node.items())},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--durability", choices=["exit", "async", "sync"], default="exit",
                        help="LangGraph checkpoint durability (SWITCHBOARD_CHECKPOINT_DURABILITY)")
    parser.add_argument("--model-ms", type=float, default=0.0,
                        help="each model call waits this long, like a call to a model server (default: instant)")
    args = parser.parse_args(argv)
    if args.model_ms < 0 or args.turns < 1 or min(args.concurrency) < 1:
        parser.error("--model-ms must be >= 0, --turns and --concurrency >= 1")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp))
        print("ingesting and training…", file=sys.stderr)
        ingest_knowledge(settings)
        load_or_train(settings.knowledge_dir / "intents.yaml", settings.intent_model_dir)  # a turn never trains it
        bot = build_bot(Path(tmp), args.durability, args.model_ms)
        pool = distinct_messages(args.turns * (len(args.concurrency) + 1))
        measure(bot, pool[: args.turns], max(args.concurrency))  # warm-up: load encoder, classifier, rails
        results = []
        for i, c in enumerate(args.concurrency, start=1):
            print(f"concurrency {c}…", file=sys.stderr)
            results.append(measure(bot, pool[i * args.turns : (i + 1) * args.turns], c))
            print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps({"benchmark": "overhead", "checkpointer": "sqlite", "durability": args.durability,
                      "model_ms": args.model_ms, "results": results}))


if __name__ == "__main__":
    main()
