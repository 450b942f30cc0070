"""Calibration replays `choose_desk` with swept thresholds and picks the cheapest setting meeting the target."""

from __future__ import annotations

import io

import pytest
import yaml
from rich.console import Console

from app.errors import UsageError
from app.evaluation.calibrate import (
    ReplayCase,
    ThresholdGrid,
    calibrate,
    evaluate_setting,
    render_calibration,
    write_thresholds_to_config,
)
from app.routing import RoutingSignals, RoutingThresholds

SLM_COST, LLM_COST = 0.0001, 0.001


def rc(i, expected, confidence, negativity=0.0, tier="routine", accepted=None, action="pass"):
    return ReplayCase(
        id=i,
        expected_route=expected,
        accepted=accepted or [expected],
        must_escalate=expected in ("llm", "human") and "slm" not in (accepted or [expected]),
        signals=RoutingSignals(input_action=action, intent="x", tier=tier, confidence=confidence, negativity=negativity),
        observed_route="slm",
        cost_by_route={"slm": SLM_COST, "llm": LLM_COST, "human": 0.0, "blocked": 0.0},
        handoff_cost_usd=5.0,
        all_llm_cost_usd=LLM_COST,
    )


# Routine cases are confident (0.55..0.9); messages that need the LLM look routine but are unsure (0.3..0.5)
# or negative. The right intent_confidence threshold sits between 0.5 and 0.55.
CASES = [
    rc("r1", "slm", 0.9), rc("r2", "slm", 0.8), rc("r3", "slm", 0.7), rc("r4", "slm", 0.6), rc("r5", "slm", 0.55),
    rc("e1", "llm", 0.5), rc("e2", "llm", 0.45), rc("e3", "llm", 0.3), rc("e4", "llm", 0.9, negativity=0.7),
    rc("h1", "human", 0.9, tier="sensitive"), rc("b1", "blocked", 0.2, action="block"),
]
GRID = ThresholdGrid(intent_confidence=[0.0, 0.25, 0.4, 0.5, 0.55, 0.6, 0.8], negativity=[0.5, 0.65, 0.8, 1.0], max_failures=[2])


def test_evaluate_setting_counts_recall_and_cost():
    row = evaluate_setting(CASES, RoutingThresholds(intent_confidence=0.55, negativity=0.65))
    assert row.escalation_recall == 1.0 and row.route_accuracy == 1.0 and row.containment == 1.0
    assert row.cost_usd == pytest.approx(5 * SLM_COST + 4 * LLM_COST)
    assert row.handoff_cost_usd == 5.0
    assert row.cost_ratio_vs_llm == pytest.approx(row.cost_usd / (11 * LLM_COST))


def test_picks_cheapest_setting_meeting_target():
    result = calibrate(CASES, target_escalation_recall=0.95, grid=GRID)
    assert result.met_target
    t = result.chosen.thresholds
    # cheapest full-recall setting: every unsure message escalates (threshold just above 0.5) and the
    # negative one is caught (negativity threshold at or below 0.7); nothing routine is escalated.
    assert t.intent_confidence == 0.55 and t.negativity in (0.5, 0.65)
    assert result.chosen.escalation_recall == 1.0 and result.chosen.containment == 1.0
    assert result.n_settings == 7 * 4


def test_lower_target_allows_a_cheaper_setting():
    strict = calibrate(CASES, 0.95, grid=GRID)
    loose = calibrate(CASES, 0.5, grid=GRID)
    assert loose.chosen.total_cost_usd < strict.chosen.total_cost_usd
    assert loose.chosen.escalation_recall >= 0.5


def test_unreachable_target_returns_best_recall_and_says_so():
    # the only must-escalate case is an unsure message at confidence 0.9 with no negativity: unreachable
    cases = [rc("r", "slm", 0.95), rc("e", "llm", 0.9)]
    result = calibrate(cases, 0.95, grid=GRID)
    assert not result.met_target
    assert result.chosen.escalation_recall == 0.0


def test_frontier_is_monotone_and_rendered():
    result = calibrate(CASES, 0.95, grid=GRID)
    costs = [r.total_cost_usd for r in result.frontier]
    recalls = [r.escalation_recall for r in result.frontier]
    assert costs == sorted(costs) and recalls == sorted(recalls)
    out = io.StringIO()
    render_calibration(result, Console(file=out, width=140, color_system=None))
    assert "chosen" in out.getvalue() and "meets" in out.getvalue()


def test_target_out_of_range_and_no_cases():
    with pytest.raises(UsageError):
        calibrate(CASES, 1.5)
    with pytest.raises(UsageError):
        calibrate([], 0.9)


def test_write_thresholds_keeps_other_settings(tmp_path):
    path = tmp_path / "cfg" / "config.yaml"
    write_thresholds_to_config(path, RoutingThresholds(intent_confidence=0.55))
    path.write_text("llm: none\nrouting:\n  max_failures: 3\n")
    write_thresholds_to_config(path, RoutingThresholds(intent_confidence=0.4, negativity=0.7, max_failures=2))
    data = yaml.safe_load(path.read_text())
    assert data == {"llm": "none", "routing": {"max_failures": 2, "intent_confidence": 0.4, "negativity": 0.7, "off_topic": 0.75}}
    assert RoutingThresholds(**data["routing"]) == RoutingThresholds(intent_confidence=0.4, negativity=0.7)


def test_sensitive_cases_are_not_traded_to_the_llm_to_save_agent_cost():
    """Sending a fraud report to the LLM keeps must-escalate recall and saves the $5 handoff: not allowed."""
    cases = [rc("fraud", "human", 0.7, tier="sensitive"), rc("routine", "slm", 0.8)]
    grid = ThresholdGrid(intent_confidence=[0.5, 0.95], negativity=[0.6], max_failures=[2])
    result = calibrate(cases, 0.95, grid)
    assert result.chosen.thresholds.intent_confidence == 0.5
    assert result.chosen.human_recall == 1.0


def test_an_unreachable_target_still_keeps_sensitive_cases_with_a_person():
    cases = [rc("fraud", "human", 0.7, tier="sensitive"), rc("angry", "llm", 0.9), rc("routine", "slm", 0.8)]
    grid = ThresholdGrid(intent_confidence=[0.5, 0.95], negativity=[0.6], max_failures=[2])
    result = calibrate(cases, 0.95, grid)
    assert not result.met_target  # the calm-looking "llm" case is never escalated at these settings
    assert result.chosen.human_recall == 1.0 and result.chosen.thresholds.intent_confidence == 0.5
