"""`switchboard report` metrics over records, terminal rendering and PNG charts."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from app.audit.plots import write_plots
from app.audit.record import AuditRecord
from app.audit.report import compute_metrics, render_metrics, render_thread

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def rec(thread, turn, route, outcome, answered_by, latency, cost, baseline, reason=None, handoff=0.0):
    return AuditRecord(
        thread_id=thread, turn=turn, started_at=T0 + timedelta(seconds=turn), finished_at=T0, latency_ms=latency,
        redacted_input="[PHONE] please", route=route, answered_by=answered_by, outcome=outcome, cost_usd=cost,
        all_llm_cost_usd=baseline, escalation_reason=reason, handoff_cost_usd=handoff,
    )


@pytest.fixture
def records():
    return [
        rec("a", 0, "slm", "answered", "slm", 1000, 0.0001, 0.0004),
        rec("a", 1, "slm", "answered", "slm", 3000, 0.0001, 0.0004),
        rec("b", 0, "llm", "answered", "llm", 2000, 0.0004, 0.0004, reason="multi-intent"),
        rec("c", 0, "blocked", "refused", "refusal", 5, 0.0, 0.0004),
        rec("d", 0, "slm", "answered", "slm", 1000, 0.0001, 0.0004),
        rec("d", 1, "human", "handed_off", "human", 10, 0.0, 0.0004, reason="sensitive: fraud", handoff=5.0),
    ]


def test_metrics_arithmetic(records):
    m = compute_metrics(records)
    assert m.n_turns == 6 and m.n_threads == 4
    assert m.routes["slm"] == 3 and m.routes["blocked"] == 1
    assert m.containment == pytest.approx(3 / 5)  # refused turn excluded
    assert m.escalations_by_reason == {"multi-intent": 1, "sensitive: fraud": 1}
    assert m.escalation_rate == pytest.approx(2 / 6)
    assert (m.handoffs, m.refusals, m.failures) == (1, 1, 0)
    assert m.latency_by_route["slm"].p50_ms == pytest.approx(1000)
    assert m.latency_by_route["slm"].p95_ms == pytest.approx(2800)
    c = m.cost
    assert c.resolved_threads == 2  # a and b; c refused, d handed off at its last turn
    assert c.model_cost_usd == pytest.approx(0.0007)
    assert c.cost_per_resolution_usd == pytest.approx(0.0007 / 2)
    assert c.all_llm_cost_per_resolution_usd == pytest.approx(0.0024 / 2)
    assert c.cost_ratio_vs_llm == pytest.approx(0.0007 / 0.0024)
    assert c.handoff_cost_usd == 5.0
    assert c.all_in_cost_per_resolution_usd == pytest.approx(5.0007 / 2)


def test_empty_store_gives_no_ratios():
    m = compute_metrics([])
    assert m.containment is None and m.cost.cost_ratio_vs_llm is None and m.cost.cost_per_resolution_usd is None


def test_render_metrics_and_thread(records):
    out = io.StringIO()
    console = Console(file=out, width=160, color_system=None)
    render_metrics(compute_metrics(records), console)
    render_thread([r for r in records if r.thread_id == "d"], console)
    text = out.getvalue()
    assert "SLM containment" in text and "60.0%" in text and "sensitive: fraud" in text
    assert "[PHONE] please" in text  # placeholders are printed literally, not parsed as markup
    assert "Human handoff cost" in text or "human handoff cost" in text


def test_write_plots(tmp_path, records):
    files = write_plots(compute_metrics(records), tmp_path / "plots")
    names = sorted(p.name for p in files)
    assert names == ["cost.png", "escalations.png", "latency.png", "routes.png"]
    for p in files:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
