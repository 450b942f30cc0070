"""Do the SLM desk's answers answer the question? Routine questions, each with the policy words a right answer holds.

    python -m benchmarks.answers [--dataset benchmarks/data/answers_dev.jsonl] [--start-candidates 3]

Each question goes through the whole graph on embedded defaults (Chroma retrieval, the embedded Gemma 3 270M,
the output rails; no LLM, so a message the SLM desk does not answer ends with a person). An answer is right
when it contains one of the row's `expected` policy substrings (case, whitespace and Markdown ignored).
`--start-candidates` sets how many policy sentences, closest to the question by MiniLM, an extractive
answer may start at (the product's value when not given).

Prints each wrong answer to stderr and one JSON object on the last line: how many the SLM answered, how
many of those were right, the share right overall, the cited policy's hit rate and the latency.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

from app.config import PROJECT_ROOT, load_settings
from app.intents.training import load_or_train

DEFAULT_DATASET = PROJECT_ROOT / "benchmarks" / "data" / "answers_dev.jsonl"
_MARKUP = re.compile(r"\*\*|__|`")


def normalised(text: str) -> str:
    """Lower case, Markdown emphasis gone, whitespace collapsed: how answers and expected words are compared."""
    return " ".join(_MARKUP.sub("", text).lower().split())


def is_right(answer: str, expected: list[str]) -> bool:
    """True when the answer contains one of the expected policy substrings."""
    said = normalised(answer)
    return any(normalised(words) in said for words in expected)


def load_rows(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, row in enumerate(rows, start=1):
        if not row.get("question") or not row.get("expected"):
            raise SystemExit(f"{path}:{number}: a row needs 'question' and a non-empty 'expected' list")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.answers", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--start-candidates", type=int, default=None,
                        help="policy sentences an extractive answer may start at (default: the product's)")
    args = parser.parse_args(argv)
    rows = load_rows(args.dataset)

    from app.api import Switchboard
    from app.knowledge.ingest import ingest_knowledge
    from app.providers import extractive

    if args.start_candidates is not None:
        extractive.START_CANDIDATES = args.start_candidates
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp), slm="llamacpp:gemma3-270m", llm="none")
        print("ingesting and training…", file=sys.stderr)
        ingest_knowledge(settings)
        load_or_train(settings.knowledge_dir / "intents.yaml", settings.intent_model_dir)  # a turn never trains it
        bot = Switchboard(settings, audit=False)
        by_slm = right = cited = 0
        latencies = []
        for number, row in enumerate(rows, start=1):
            reply = bot.ask(row["question"])
            latencies.append(reply.latency_ms)
            ok = reply.answered_by == "slm" and is_right(reply.answer, row["expected"])
            by_slm += reply.answered_by == "slm"
            right += ok
            cited += any(c.doc_id == row.get("doc_id") for c in reply.citations)
            if not ok:
                print(f"[{number}] {row['question']!r} → {reply.answered_by}/{reply.route}: {reply.answer[:160]!r}"
                      f"\n      expected one of {row['expected']}", file=sys.stderr)
    n = len(rows)
    print(json.dumps({
        "benchmark": "answers", "dataset": args.dataset.name, "n": n,
        "start_candidates": extractive.START_CANDIDATES,
        "answered_by_slm": by_slm,
        "right_of_slm_answers": round(right / by_slm, 3) if by_slm else None,
        "right_overall": round(right / n, 3),
        "cites_expected_policy": round(cited / n, 3),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 1),
    }))


if __name__ == "__main__":
    main()
