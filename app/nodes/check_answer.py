"""Node `check_answer`: the output rails on every drafted answer, before any reply."""

from __future__ import annotations

from app.deps import Deps
from app.nodes.common import stopwatch
from app.state import State
from app.trace import TraceEntry


def make_check_answer(deps: Deps):
    def check_answer(state: State) -> dict:
        """Grounding, commitments, PII leakage and tone; a failure names the claim."""
        draft = state.get("draft", "")
        with stopwatch() as t:
            result = deps.output_rails(draft, state.get("chunks", []), state.get("redacted_text", ""))
        entry = TraceEntry(node="check_answer", decision="pass" if result.passed else "fail", latency_ms=t["ms"],
                           detail=f"{state.get('drafted_by')}: {result.reason}"[:300])
        update: dict = {"check_passed": result.passed, "verdicts": [*state.get("verdicts", []), *result.verdicts],
                        "trace": [entry]}
        if not result.passed:
            update["escalation_reason"] = f"{state.get('drafted_by')} answer failed output rails: {result.reason}"[:300]
        return update

    return check_answer
