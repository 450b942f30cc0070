"""Node `check_answer`: the output rails on every drafted answer, before any reply."""

from __future__ import annotations

from app.deps import Deps
from app.guardrails.verdict import Verdict
from app.nodes.common import BoundNode, stopwatch
from app.state import State
from app.trace import TraceEntry


def make_check_answer(deps: Deps):
    def check_answer(state: State) -> dict:
        """Grounding, commitments, PII leakage and tone; a failure names the claim."""
        draft = state.get("draft", "")
        with stopwatch() as t:
            if draft.strip():
                result = deps.output_rails(draft, state.get("chunks", []), state.get("redacted_text", ""))
                passed, reason, verdicts = result.passed, result.reason, list(result.verdicts)
            else:  # a model that returns nothing has not answered
                passed, reason = False, "empty answer"
                verdicts = [Verdict(rail="output", action="escalate", reason=reason, score=1.0)]
        entry = TraceEntry(node="check_answer", decision="pass" if passed else "fail", latency_ms=t["ms"],
                           detail=f"{state.get('drafted_by')}: {reason}"[:300])
        update: dict = {"check_passed": passed, "verdicts": [*state.get("verdicts", []), *verdicts], "trace": [entry]}
        if not passed:
            update["escalation_reason"] = f"{state.get('drafted_by')} answer failed output rails: {reason}"[:300]
        return update

    return BoundNode(check_answer)
