"""`switchboard report` and `audit show`: metrics over audit records, rendered as terminal tables."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from pydantic import BaseModel, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.audit.record import AuditRecord

ROUTES = ("slm", "llm", "human", "blocked")
COST_NOTE = (
    "Model cost = hosted tokens at list price + local models' compute time (knowledge/pricing.yaml). "
    "All-LLM baseline = every turn's tokens priced at the baseline LLM (estimated when no model ran), "
    "assuming it resolves the same conversations. Human handoff cost is shown separately and is not in the ratio."
)


class LatencyStats(BaseModel):
    """Turn latency for one route, in milliseconds."""

    n: int
    p50_ms: float
    p95_ms: float


class CostSummary(BaseModel):
    """Cost per turn and per resolved conversation, against the all-LLM counterfactual."""

    model_cost_usd: float
    handoff_cost_usd: float
    all_llm_cost_usd: float
    resolved_threads: int
    cost_per_turn_usd: float | None
    cost_per_resolution_usd: float | None = Field(description="Model cost of every turn / resolved conversations.")
    all_llm_cost_per_resolution_usd: float | None
    cost_ratio_vs_llm: float | None = Field(description="Model cost / all-LLM cost over the same turns.")
    all_in_cost_per_resolution_usd: float | None = Field(description="Model + handoff cost / resolved conversations.")


class Metrics(BaseModel):
    """What `switchboard report` shows."""

    n_turns: int
    n_threads: int
    routes: dict[str, int]
    containment: float | None = Field(description="Share of non-refused turns answered by the SLM desk.")
    escalation_rate: float | None = Field(description="Share of turns with an escalation reason.")
    escalations_by_reason: dict[str, int]
    handoffs: int
    refusals: int
    failures: int
    latency_by_route: dict[str, LatencyStats]
    cost: CostSummary
    unpriced_models: list[str] = Field(default_factory=list, description="Models with no price in pricing.yaml.")
    note: str = COST_NOTE


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (0 for an empty list)."""
    return float(np.percentile(values, q)) if values else 0.0


def resolved_threads(records: list[AuditRecord]) -> int:
    """Conversations whose latest turn was answered (not handed off, refused or failed)."""
    last: dict[str, AuditRecord] = {}
    for r in sorted(records, key=lambda r: (r.turn, r.started_at)):
        last[r.thread_id] = r
    return sum(1 for r in last.values() if r.outcome == "answered")


def compute_metrics(records: list[AuditRecord]) -> Metrics:
    """Aggregate audit records into containment, escalation, latency and cost figures."""
    n = len(records)
    routes = Counter(r.route for r in records)
    not_refused = [r for r in records if r.outcome != "refused"]
    reasons = Counter(r.escalation_reason for r in records if r.escalation_reason)
    latencies: dict[str, list[float]] = defaultdict(list)
    for r in records:
        latencies[r.route].append(r.latency_ms)
    model = sum(r.cost_usd for r in records)
    handoff = sum(r.handoff_cost_usd for r in records)
    baseline = sum(r.all_llm_cost_usd for r in records)
    resolved = resolved_threads(records)
    return Metrics(
        n_turns=n,
        n_threads=len({r.thread_id for r in records}),
        routes={route: routes.get(route, 0) for route in ROUTES} | dict(routes),
        containment=_ratio(sum(1 for r in not_refused if r.answered_by == "slm"), len(not_refused)),
        escalation_rate=_ratio(sum(reasons.values()), n),
        escalations_by_reason=dict(reasons.most_common()),
        handoffs=sum(1 for r in records if r.outcome == "handed_off"),
        refusals=sum(1 for r in records if r.outcome == "refused"),
        failures=sum(1 for r in records if r.outcome == "failed"),
        latency_by_route={
            route: LatencyStats(n=len(v), p50_ms=percentile(v, 50), p95_ms=percentile(v, 95))
            for route, v in sorted(latencies.items())
        },
        unpriced_models=sorted({m.model for r in records for m in r.models if not m.priced}),
        cost=CostSummary(
            model_cost_usd=model,
            handoff_cost_usd=handoff,
            all_llm_cost_usd=baseline,
            resolved_threads=resolved,
            cost_per_turn_usd=_ratio(model, n),
            cost_per_resolution_usd=_ratio(model, resolved),
            all_llm_cost_per_resolution_usd=_ratio(baseline, resolved),
            cost_ratio_vs_llm=_ratio(model, baseline),
            all_in_cost_per_resolution_usd=_ratio(model + handoff, resolved),
        ),
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _usd(x: float | None) -> str:
    return "n/a" if x is None else f"${x:.6f}"


def render_metrics(metrics: Metrics, console: Console) -> None:
    """Print the report as rich tables."""
    overview = Table(title=f"Switchboard report: {metrics.n_turns} turns in {metrics.n_threads} conversations")
    overview.add_column("metric")
    overview.add_column("value", justify="right")
    overview.add_row("SLM containment (non-refused turns)", _pct(metrics.containment))
    overview.add_row("escalation rate", _pct(metrics.escalation_rate))
    overview.add_row("human handoffs", str(metrics.handoffs))
    overview.add_row("refusals", str(metrics.refusals))
    overview.add_row("failed turns", str(metrics.failures))
    for route, count in metrics.routes.items():
        overview.add_row(f"turns routed to {route}", str(count))
    console.print(overview)

    if metrics.escalations_by_reason:
        esc = Table(title="Escalations by reason")
        esc.add_column("reason")
        esc.add_column("turns", justify="right")
        esc.add_column("share of turns", justify="right")
        for reason, count in metrics.escalations_by_reason.items():
            esc.add_row(escape(reason), str(count), _pct(count / metrics.n_turns))
        console.print(esc)

    lat = Table(title="Latency per route")
    for col in ("route", "turns", "p50 ms", "p95 ms"):
        lat.add_column(col, justify="right" if col != "route" else "left")
    for route, s in metrics.latency_by_route.items():
        lat.add_row(route, str(s.n), f"{s.p50_ms:.0f}", f"{s.p95_ms:.0f}")
    console.print(lat)

    c = metrics.cost
    cost = Table(title="Cost")
    cost.add_column("item")
    cost.add_column("value", justify="right")
    cost.add_row("model cost, all turns", _usd(c.model_cost_usd))
    cost.add_row("resolved conversations", str(c.resolved_threads))
    cost.add_row("cost per turn", _usd(c.cost_per_turn_usd))
    cost.add_row("cost per resolution", _usd(c.cost_per_resolution_usd))
    cost.add_row("all-LLM baseline per resolution", _usd(c.all_llm_cost_per_resolution_usd))
    cost.add_row("ratio vs all-LLM", _pct(c.cost_ratio_vs_llm))
    cost.add_row("human handoff cost (separate)", _usd(c.handoff_cost_usd))
    cost.add_row("all-in per resolution (model + handoffs)", _usd(c.all_in_cost_per_resolution_usd))
    console.print(cost)
    console.print(f"[dim]{escape(metrics.note)}[/dim]")
    if metrics.unpriced_models:
        console.print(f"[yellow]Not costed (no price in pricing.yaml): {escape(', '.join(metrics.unpriced_models))}[/yellow]")


def render_thread(records: list[AuditRecord], console: Console) -> None:
    """`switchboard audit show THREAD`: one block per turn."""
    if not records:
        console.print("No audit records for this thread.")
        return
    table = Table(title=f"Thread {records[0].thread_id}", show_lines=True)
    for col in ("turn", "time (UTC)", "input (redacted)", "intent", "route / outcome", "models", "rails", "citations", "cost"):
        table.add_column(col)
    for r in records:
        models = "\n".join(f"{m.model} {m.tokens_in}->{m.tokens_out} tok {m.latency_ms:.0f} ms" for m in r.models)
        rails = "\n".join(f"{v.rail}: {v.action}" + (f" ({v.reason})" if v.reason else "") for v in r.verdicts)
        cites = "\n".join(f"{c.doc_id} v{c.version}" + (f" §{c.section}" if c.section else "") for c in r.citations)
        route = f"{r.route} -> {r.outcome}" + (f"\n{r.escalation_reason}" if r.escalation_reason else "")
        table.add_row(
            str(r.turn),
            r.started_at.strftime("%Y-%m-%d %H:%M:%S") + f"\n{r.latency_ms:.0f} ms",
            escape(r.redacted_input),
            f"{r.intent or '-'} ({r.confidence:.2f})",
            escape(route),
            escape(models or "-"),
            escape(rails or "-"),
            escape(cites or "-"),
            f"${r.cost_usd:.6f}" + (f"\n+${r.handoff_cost_usd:.2f} handoff" if r.handoff_cost_usd else ""),
        )
    console.print(table)
