"""Threshold calibration: replay `choose_desk` over recorded signals with swept thresholds, pick the cheapest
setting whose must-escalate recall meets the target. No model re-runs: each case keeps its recorded signals.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np
import yaml
from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from app.errors import ConfigError, UsageError
from app.yaml_files import describe_yaml_error
from app.files import write_atomically
from app.routing import RoutingSignals, RoutingThresholds, choose_desk


class ReplayCase(BaseModel):
    """What calibration needs from one evaluated case."""

    id: str
    expected_route: str
    accepted: list[str]
    must_escalate: bool
    signals: RoutingSignals | None = Field(description="Recorded signals of the routed turn; None = route is fixed.")
    observed_route: str
    prefix_cost_usd: float = Field(default=0.0, description="Cost of the earlier turns of the conversation (not replayed).")
    cost_by_route: dict[str, float] = Field(description="Estimated model cost of the routed turn on each desk.")
    handoff_cost_usd: float = Field(default=0.0, description="Agent cost if the routed turn goes to a human.")
    all_llm_cost_usd: float = Field(description="All-LLM counterfactual of the whole conversation.")


class HasReplayCases(Protocol):
    def replay_cases(self) -> list[ReplayCase]: ...


class ThresholdGrid(BaseModel):
    """Values swept for each threshold."""

    intent_confidence: list[float] = Field(default_factory=lambda: [round(x, 2) for x in np.arange(0.0, 0.96, 0.05)])
    negativity: list[float] = Field(default_factory=lambda: [round(x, 2) for x in np.arange(0.3, 1.001, 0.05)])
    max_failures: list[int] = Field(default_factory=lambda: [1, 2, 3])

    def settings(self) -> list[RoutingThresholds]:
        return [
            RoutingThresholds(intent_confidence=c, negativity=n, max_failures=f)
            for c, n, f in itertools.product(self.intent_confidence, self.negativity, self.max_failures)
        ]


class TradeOff(BaseModel):
    """One threshold setting replayed over the dataset."""

    thresholds: RoutingThresholds
    route_accuracy: float
    escalation_recall: float | None
    containment: float | None = Field(description="Expected-slm cases routed to the SLM desk.")
    human_recall: float | None = Field(default=None, description="Expected-human cases routed to a person.")
    cost_usd: float = Field(description="Model cost of all conversations.")
    handoff_cost_usd: float = Field(default=0.0, description="Human agent cost of the handoffs.")
    cost_ratio_vs_llm: float | None = Field(description="Model cost / all-LLM model cost.")

    @property
    def total_cost_usd(self) -> float:
        """What calibration minimises: model cost plus handoff cost."""
        return self.cost_usd + self.handoff_cost_usd


class CalibrationResult(BaseModel):
    """The chosen setting and the table it was chosen from."""

    target_escalation_recall: float
    chosen: TradeOff
    met_target: bool
    frontier: list[TradeOff] = Field(description="Settings no other setting beats on both cost and recall, by cost.")
    n_settings: int
    n_cases: int


def replay(cases: Sequence[ReplayCase], thresholds: RoutingThresholds) -> list[str]:
    """The desk each case's routed turn would get under `thresholds`."""
    return [choose_desk(c.signals, thresholds).desk if c.signals is not None else c.observed_route for c in cases]


def evaluate_setting(cases: Sequence[ReplayCase], thresholds: RoutingThresholds) -> TradeOff:
    """Accuracy, must-escalate recall, containment and cost of one setting."""
    routes = replay(cases, thresholds)
    correct = sum(1 for c, r in zip(cases, routes) if r in c.accepted)
    must = [(c, r) for c, r in zip(cases, routes) if c.must_escalate]
    routine = [(c, r) for c, r in zip(cases, routes) if c.expected_route == "slm"]
    people = [(c, r) for c, r in zip(cases, routes) if c.expected_route == "human"]
    cost = sum(c.prefix_cost_usd + c.cost_by_route.get(r, 0.0) for c, r in zip(cases, routes))
    handoffs = sum(c.handoff_cost_usd for c, r in zip(cases, routes) if r == "human")
    baseline = sum(c.all_llm_cost_usd for c in cases)
    return TradeOff(
        thresholds=thresholds,
        route_accuracy=correct / len(cases) if cases else 0.0,
        escalation_recall=sum(1 for _, r in must if r in ("llm", "human")) / len(must) if must else None,
        containment=sum(1 for _, r in routine if r == "slm") / len(routine) if routine else None,
        human_recall=sum(1 for _, r in people if r == "human") / len(people) if people else None,
        cost_usd=cost,
        handoff_cost_usd=handoffs,
        cost_ratio_vs_llm=cost / baseline if baseline else None,
    )


def _frontier(rows: list[TradeOff]) -> list[TradeOff]:
    """Cheapest setting for each achievable recall, keeping only those that raise recall as cost rises."""
    best: list[TradeOff] = []
    for row in sorted(rows, key=lambda r: (r.total_cost_usd, -(r.escalation_recall or 0.0), -r.route_accuracy)):
        if not best or (row.escalation_recall or 0.0) > (best[-1].escalation_recall or 0.0):
            best.append(row)
    return best


def _distance(a: RoutingThresholds, b: RoutingThresholds) -> float:
    return abs(a.intent_confidence - b.intent_confidence) + abs(a.negativity - b.negativity) + abs(a.max_failures - b.max_failures)


def calibrate(
    source: HasReplayCases | Sequence[ReplayCase],
    target_escalation_recall: float,
    grid: ThresholdGrid | None = None,
    current: RoutingThresholds | None = None,
) -> CalibrationResult:
    """Sweep the grid; choose the cheapest setting meeting the target (ties: accuracy, then nearest `current`).

    Meeting the target also means sending sensitive cases to a person: a setting's human recall must reach
    the target too (or the best human recall any setting reaches, if lower). Without that floor the cheapest
    way to keep must-escalate recall is to send fraud and legal cases to the LLM, which saves the agent cost.
    When no setting meets the target, the one with the highest recall (then cheapest) among those keeping
    the human floor is chosen and `met_target` is False.
    """
    if not 0.0 <= target_escalation_recall <= 1.0:
        raise UsageError(f"--target-escalation-recall must be within 0..1, got {target_escalation_recall}")
    cases = list(source.replay_cases()) if hasattr(source, "replay_cases") else list(source)
    if not cases:
        raise UsageError("calibration needs at least one evaluated case")
    current = current or RoutingThresholds()
    rows = [evaluate_setting(cases, t) for t in (grid or ThresholdGrid()).settings()]
    recall = lambda r: 1.0 if r.escalation_recall is None else r.escalation_recall  # noqa: E731
    people = lambda r: 1.0 if r.human_recall is None else r.human_recall  # noqa: E731
    human_floor = min(target_escalation_recall, max(people(r) for r in rows))
    safe = [r for r in rows if people(r) >= human_floor - 1e-12]  # never empty: the floor is reachable
    meeting = [r for r in safe if recall(r) >= target_escalation_recall - 1e-12]
    if meeting:
        chosen = min(meeting, key=lambda r: (round(r.total_cost_usd, 9), -r.route_accuracy, _distance(r.thresholds, current)))
    else:
        chosen = min(safe, key=lambda r: (-recall(r), round(r.total_cost_usd, 9), -r.route_accuracy))
    return CalibrationResult(
        target_escalation_recall=target_escalation_recall,
        chosen=chosen,
        met_target=bool(meeting),
        frontier=_frontier(rows),
        n_settings=len(rows),
        n_cases=len(cases),
    )


def render_calibration(result: CalibrationResult, console: Console) -> None:
    """Print the recall/cost frontier and the chosen setting."""
    table = Table(title=f"Routing trade-off over {result.n_cases} cases ({result.n_settings} settings swept)")
    for col in ("conf", "neg", "fails", "recall", "human", "acc", "contain", "model $ %LLM", "handoff $", ""):
        table.add_column(col, justify="right")
    rows = result.frontier if result.chosen in result.frontier else [*result.frontier, result.chosen]
    for r in sorted(rows, key=lambda r: r.total_cost_usd):
        t = r.thresholds
        fmt = lambda x: "n/a" if x is None else f"{x:.1%}"  # noqa: E731
        table.add_row(
            f"{t.intent_confidence:.2f}", f"{t.negativity:.2f}", str(t.max_failures), fmt(r.escalation_recall),
            fmt(r.human_recall), fmt(r.route_accuracy), fmt(r.containment), fmt(r.cost_ratio_vs_llm), f"{r.handoff_cost_usd:.2f}",
            "<- chosen" if r == result.chosen else "",
        )
    console.print(table)
    verdict = "meets" if result.met_target else "does NOT meet"
    console.print("conf=intent_confidence, neg=negativity, fails=max_failures; recall=must-escalate recall; "
                  "human=sensitive cases routed to a person (must reach the target too).")
    console.print(
        f"Chosen setting {verdict} the target must-escalate recall {result.target_escalation_recall:.0%}: "
        f"{result.chosen.thresholds.model_dump()}"
    )


def write_thresholds_to_config(path: Path, thresholds: RoutingThresholds) -> None:
    """Set the `routing:` section of the YAML config file, keeping every other key."""
    path = Path(path)
    data: dict = {}
    if path.is_file():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}  # an empty config file is fine
        except yaml.YAMLError as exc:
            raise ConfigError(describe_yaml_error(path, exc)) from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
    data["routing"] = {**(data.get("routing") or {}), **thresholds.model_dump()}
    write_atomically(path, yaml.safe_dump(data, sort_keys=False).encode("utf-8"))
