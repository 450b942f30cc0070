"""PNG charts for `switchboard report --plots DIR` (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

from app.audit.report import Metrics


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_plots(metrics: Metrics, out_dir: Path) -> list[Path]:
    """Write routes, latency, escalation and cost charts; return the files written."""
    plt = _pyplot()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(fig, name: str) -> None:
        path = out_dir / name
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)

    fig, ax = plt.subplots(figsize=(5, 3.2))
    routes = list(metrics.routes)
    ax.bar(routes, [metrics.routes[r] for r in routes], color="#4C72B0")
    ax.set_ylabel("turns")
    ax.set_title("Turns per route")
    save(fig, "routes.png")

    if metrics.latency_by_route:
        fig, ax = plt.subplots(figsize=(5.5, 3.2))
        names = list(metrics.latency_by_route)
        x = range(len(names))
        ax.bar([i - 0.2 for i in x], [metrics.latency_by_route[n].p50_ms for n in names], width=0.4, label="p50")
        ax.bar([i + 0.2 for i in x], [metrics.latency_by_route[n].p95_ms for n in names], width=0.4, label="p95")
        ax.set_xticks(list(x), names)
        ax.set_ylabel("ms")
        ax.set_title("Latency per route")
        ax.legend()
        save(fig, "latency.png")

    if metrics.escalations_by_reason:
        fig, ax = plt.subplots(figsize=(6.5, 0.5 + 0.35 * len(metrics.escalations_by_reason)))
        reasons = list(metrics.escalations_by_reason)[::-1]
        ax.barh([r[:48] for r in reasons], [metrics.escalations_by_reason[r] for r in reasons], color="#DD8452")
        ax.set_xlabel("turns")
        ax.set_title("Escalations by reason")
        save(fig, "escalations.png")

    c = metrics.cost
    if c.cost_per_resolution_usd is not None and c.all_llm_cost_per_resolution_usd is not None:
        fig, ax = plt.subplots(figsize=(4.5, 3.2))
        ax.bar(["Switchboard", "all-LLM"], [c.cost_per_resolution_usd, c.all_llm_cost_per_resolution_usd],
               color=["#55A868", "#C44E52"])
        ax.set_ylabel("$ per resolved conversation")
        ratio = f" ({c.cost_ratio_vs_llm:.0%})" if c.cost_ratio_vs_llm is not None else ""
        ax.set_title(f"Model cost per resolution{ratio}")
        save(fig, "cost.png")
    return written
