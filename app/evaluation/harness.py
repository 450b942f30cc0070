"""`switchboard eval`: run every dataset case through `ask`, score routes, content, cost and latency.

Earlier user turns of a case are replayed on the same thread id; the last user message is the one scored.
Cost figures reuse the audit trail's arithmetic (`record_from_reply`), so eval and report agree.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

from pydantic import BaseModel, Field

from app.audit.pricing import Pricing
from app.audit.record import AuditRecord, record_from_reply
from app.audit.report import percentile
from app.evaluation.calibrate import ReplayCase, ThresholdGrid, TradeOff, evaluate_setting
from app.evaluation.dataset import EvalCase
from app.reply import Reply
from app.routing import RoutingSignals, RoutingThresholds

ROUTES = ("slm", "llm", "human", "blocked")
Ask = Callable[[str, str], Reply]


class CaseResult(BaseModel):
    """How one case went."""

    id: str
    expected_route: str
    accepted: list[str]
    must_escalate: bool
    predicted_route: str = Field(description="Desk the routing chose for the last turn, or 'error'.")
    final_route: str = Field(default="", description="Reply.route after fallbacks (e.g. llm -> human when no LLM).")
    correct: bool
    expected_intent: str | None = None
    intent: str | None = None
    answered_by: str = ""
    escalation_reason: str | None = None
    answer: str = ""
    missing: list[str] = Field(default_factory=list, description="must_include strings absent from the answer.")
    forbidden: list[str] = Field(default_factory=list, description="must_not_include strings present in the answer.")
    has_content_checks: bool = False
    latency_ms: float = 0.0
    cost_usd: float = Field(default=0.0, description="Model cost of all turns of the conversation.")
    prefix_cost_usd: float = 0.0
    routed_cost_usd: float = 0.0
    handoff_cost_usd: float = 0.0
    all_llm_cost_usd: float = 0.0
    routed_all_llm_cost_usd: float = 0.0
    resolved: bool = False
    signals: RoutingSignals | None = None
    error: str | None = None
    tags: list[str] = Field(default_factory=list)

    @property
    def content_ok(self) -> bool:
        return not self.missing and not self.forbidden


class EvalSummary(BaseModel):
    """Dataset-level figures."""

    n: int
    errors: int
    route_accuracy: float
    recall: dict[str, float | None] = Field(description="Per expected route: share routed to an accepted route.")
    confusion: dict[str, dict[str, int]] = Field(description="expected -> predicted -> count.")
    containment: float | None = Field(description="Expected-slm cases routed to and answered by the SLM.")
    routed_to_slm: float | None = Field(description="Expected-slm cases routed to the SLM desk.")
    escalation_recall: float | None = Field(description="Must-escalate cases routed to llm or human.")
    intent_accuracy: float | None
    content_pass_rate: float | None
    content_cases: int
    resolved: int
    model_cost_usd: float
    handoff_cost_usd: float
    all_llm_cost_usd: float
    cost_per_resolution_usd: float | None
    all_llm_cost_per_resolution_usd: float | None
    cost_ratio_vs_llm: float | None
    latency_ms: dict[str, dict[str, float]] = Field(description="Per predicted route: n, p50, p95 of the routed turn.")


class EvalResult(BaseModel):
    """Everything `switchboard eval` measured."""

    run_id: str
    dataset: str = ""
    thresholds: RoutingThresholds
    summary: EvalSummary
    curve: list[TradeOff] = Field(default_factory=list, description="Cost vs quality as intent_confidence sweeps.")
    cases: list[CaseResult]
    slm_turn_cost_usd: float = Field(default=0.0, description="Mean observed cost of an SLM-desk turn (for replay).")
    handoff_cost_usd: float = 0.0

    def replay_cases(self) -> list[ReplayCase]:
        """The cases as calibration replays them: recorded signals and per-desk cost estimates."""
        out = []
        for c in self.cases:
            slm = c.routed_cost_usd if c.predicted_route == "slm" else self.slm_turn_cost_usd
            out.append(
                ReplayCase(
                    id=c.id,
                    expected_route=c.expected_route,
                    accepted=c.accepted,
                    must_escalate=c.must_escalate,
                    signals=c.signals,
                    observed_route=c.predicted_route,
                    prefix_cost_usd=c.prefix_cost_usd,
                    cost_by_route={
                        "slm": slm,
                        "llm": c.routed_cost_usd if c.predicted_route == "llm" else c.routed_all_llm_cost_usd,
                        "human": 0.0,
                        "blocked": 0.0,
                    },
                    handoff_cost_usd=self.handoff_cost_usd,
                    all_llm_cost_usd=c.all_llm_cost_usd,
                )
            )
        return out


def summary_line(result: EvalResult) -> dict:
    """The one-line JSON the CLI prints last."""
    s = result.summary
    r4 = lambda x: None if x is None else round(x, 4)  # noqa: E731
    return {
        "n": s.n,
        "route_accuracy": r4(s.route_accuracy),
        "recall": {route: r4(s.recall.get(route)) for route in ROUTES},
        "containment": r4(s.containment),
        "escalation_recall": r4(s.escalation_recall),
        "cost_ratio_vs_llm": r4(s.cost_ratio_vs_llm),
    }


def routed_desk(reply: Reply) -> str:
    """The desk the routing decision chose this turn (trace entry `route`, `desk=…`), else the reply's route.

    Scoring uses the decision, not the fallback: with no LLM configured an LLM-desk turn ends with a person,
    but it was still routed to the LLM desk.
    """
    if reply.route == "blocked":
        return "blocked"
    for entry in reversed(reply.trace):
        if entry.node == "route" and entry.decision.startswith("desk="):
            return entry.decision.split("=", 1)[1]
    return reply.route


def _content_checks(case: EvalCase, answer: str) -> tuple[list[str], list[str]]:
    low = answer.lower()
    missing = [s for s in case.must_include if s.lower() not in low]
    forbidden = [s for s in case.must_not_include if s.lower() in low]
    return missing, forbidden


def run_case(case: EvalCase, ask: Ask, pricing: Pricing, run_id: str, llm_model: str | None = None) -> CaseResult:
    """Replay the earlier user turns on one thread, route the last, and score it."""
    thread_id = f"eval-{run_id}-{case.id}"
    records: list[AuditRecord] = []
    reply: Reply | None = None
    base = dict(
        id=case.id,
        expected_route=case.expected_route,
        accepted=sorted(case.accepted),
        must_escalate=case.must_escalate,
        expected_intent=case.expected_intent,
        has_content_checks=bool(case.must_include or case.must_not_include),
        tags=list(getattr(case, "tags", None) or []),
    )
    try:
        for turn, text in enumerate(case.user_turns):
            started = datetime.now(timezone.utc)
            reply = ask(text, thread_id)
            finished = datetime.now(timezone.utc)
            records.append(record_from_reply(reply, text, turn, started, finished, pricing, llm_model=llm_model))
    except Exception as exc:  # one broken case must not sink the run; it is scored as wrong
        return CaseResult(**base, predicted_route="error", correct=False, error=f"{type(exc).__name__}: {exc}"[:300])
    assert reply is not None
    last = records[-1]
    desk = routed_desk(reply)
    missing, forbidden = _content_checks(case, reply.answer)
    return CaseResult(
        **base,
        predicted_route=desk,
        final_route=reply.route,
        correct=desk in case.accepted,
        intent=reply.intent,
        answered_by=reply.answered_by,
        escalation_reason=reply.escalation_reason,
        answer=reply.answer[:1000],
        missing=missing,
        forbidden=forbidden,
        latency_ms=last.latency_ms,
        cost_usd=sum(r.cost_usd for r in records),
        prefix_cost_usd=sum(r.cost_usd for r in records[:-1]),
        routed_cost_usd=last.cost_usd,
        handoff_cost_usd=sum(r.handoff_cost_usd for r in records),
        all_llm_cost_usd=sum(r.all_llm_cost_usd for r in records),
        routed_all_llm_cost_usd=last.all_llm_cost_usd,
        resolved=last.outcome == "answered",
        signals=reply.signals,
    )


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def summarise(results: Sequence[CaseResult]) -> EvalSummary:
    """Aggregate case results into the dataset figures."""
    n = len(results)
    confusion: dict[str, dict[str, int]] = {r: dict.fromkeys((*ROUTES, "error"), 0) for r in ROUTES}
    for c in results:
        confusion[c.expected_route][c.predicted_route if c.predicted_route in confusion[c.expected_route] else "error"] += 1
    by_route: dict[str, list[CaseResult]] = defaultdict(list)
    for c in results:
        by_route[c.expected_route].append(c)
    routine = by_route["slm"]
    must = [c for c in results if c.must_escalate]
    intents = [c for c in results if c.expected_intent]
    checked = [c for c in results if c.has_content_checks and c.error is None]
    latencies: dict[str, list[float]] = defaultdict(list)
    for c in results:
        if c.error is None:
            latencies[c.predicted_route].append(c.latency_ms)
    model = sum(c.cost_usd for c in results)
    baseline = sum(c.all_llm_cost_usd for c in results)
    resolved = sum(1 for c in results if c.resolved)
    return EvalSummary(
        n=n,
        errors=sum(1 for c in results if c.error),
        route_accuracy=_share(sum(c.correct for c in results), n) or 0.0,
        recall={r: _share(sum(c.correct for c in by_route[r]), len(by_route[r])) for r in ROUTES},
        confusion=confusion,
        containment=_share(sum(1 for c in routine if c.predicted_route == "slm" and c.answered_by == "slm"), len(routine)),
        routed_to_slm=_share(sum(1 for c in routine if c.predicted_route == "slm"), len(routine)),
        escalation_recall=_share(sum(1 for c in must if c.predicted_route in ("llm", "human")), len(must)),
        intent_accuracy=_share(sum(1 for c in intents if c.intent == c.expected_intent), len(intents)),
        content_pass_rate=_share(sum(1 for c in checked if c.content_ok), len(checked)),
        content_cases=len(checked),
        resolved=resolved,
        model_cost_usd=model,
        handoff_cost_usd=sum(c.handoff_cost_usd for c in results),
        all_llm_cost_usd=baseline,
        cost_per_resolution_usd=model / resolved if resolved else None,
        all_llm_cost_per_resolution_usd=baseline / resolved if resolved else None,
        cost_ratio_vs_llm=model / baseline if baseline else None,
        latency_ms={
            route: {"n": float(len(v)), "p50": percentile(v, 50), "p95": percentile(v, 95)}
            for route, v in sorted(latencies.items())
        },
    )


def cost_quality_curve(result: EvalResult, grid: ThresholdGrid | None = None) -> list[TradeOff]:
    """Replay the routing with intent_confidence swept (other thresholds as run): cost vs quality."""
    cases = result.replay_cases()
    grid = grid or ThresholdGrid()
    return [
        evaluate_setting(cases, result.thresholds.model_copy(update={"intent_confidence": value}))
        for value in grid.intent_confidence
    ]


def run_eval(
    cases: Sequence[EvalCase],
    ask: Ask,
    out_dir: Path | None,
    pricing: Pricing,
    on_progress: Callable[[int, int, CaseResult], None] | None = None,
    *,
    thresholds: RoutingThresholds | None = None,
    llm_model: str | None = None,
    dataset_name: str = "",
) -> EvalResult:
    """Evaluate every case; when `out_dir` is given write eval.json, eval.md and the PNG charts there."""
    run_id = uuid.uuid4().hex[:8]
    results: list[CaseResult] = []
    for i, case in enumerate(cases, start=1):
        results.append(run_case(case, ask, pricing, run_id, llm_model))
        if on_progress:
            on_progress(i, len(cases), results[-1])
    if results and all(r.error for r in results):
        from app.errors import SwitchboardError

        raise SwitchboardError(f"every evaluation case failed; first error: {results[0].error}")
    slm_costs = [r.routed_cost_usd for r in results if r.predicted_route == "slm"]
    result = EvalResult(
        run_id=run_id,
        dataset=dataset_name,
        thresholds=thresholds or RoutingThresholds(),
        summary=summarise(results),
        cases=results,
        slm_turn_cost_usd=sum(slm_costs) / len(slm_costs) if slm_costs else 0.0,
        handoff_cost_usd=pricing.human.per_handoff,
    )
    result.curve = cost_quality_curve(result)
    if out_dir is not None:
        from app.evaluation.outputs import write_outputs

        write_outputs(result, Path(out_dir))
    return result


AGENT_NOTE = "Thanks, a colleague has this in hand and will follow up."


def replaying_ask(bot) -> Ask:
    """`bot.ask` for replaying a transcript: a thread left waiting for an agent by an earlier turn is first
    resumed with a neutral agent note, as a human would have answered before the customer wrote again."""

    def ask(text: str, thread_id: str) -> Reply:
        if bot.pending_handoff(thread_id):
            bot.resume(thread_id, AGENT_NOTE)
        return bot.ask(text, thread_id=thread_id)

    return ask
