"""What `switchboard eval --out DIR` writes: eval.json, eval.md, confusion_matrix.png, cost_quality.png."""

from __future__ import annotations

import json
from pathlib import Path

from app.evaluation.harness import ROUTES, EvalResult, summary_line


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _usd(x: float | None) -> str:
    return "n/a" if x is None else f"${x:.6f}"


def markdown_report(result: EvalResult) -> str:
    """The evaluation as Markdown tables."""
    s = result.summary
    t = result.thresholds
    lines = [
        f"# Evaluation {result.dataset or ''} (run {result.run_id})",
        "",
        f"{s.n} cases, {s.errors} errors. Thresholds: intent_confidence={t.intent_confidence}, "
        f"negativity={t.negativity}, max_failures={t.max_failures}.",
        "",
        "| metric | value |",
        "|---|---:|",
        f"| route accuracy | {_pct(s.route_accuracy)} |",
        *(f"| recall: {r} | {_pct(s.recall.get(r))} |" for r in ROUTES),
        f"| must-escalate recall (llm+human) | {_pct(s.escalation_recall)} |",
        f"| SLM containment of routine traffic | {_pct(s.containment)} |",
        f"| routine routed to SLM desk | {_pct(s.routed_to_slm)} |",
        f"| intent accuracy (cases with expected_intent) | {_pct(s.intent_accuracy)} |",
        f"| content checks passed ({s.content_cases} cases) | {_pct(s.content_pass_rate)} |",
        f"| resolved conversations | {s.resolved} |",
        f"| model cost per resolution | {_usd(s.cost_per_resolution_usd)} |",
        f"| all-LLM cost per resolution | {_usd(s.all_llm_cost_per_resolution_usd)} |",
        f"| cost ratio vs all-LLM | {_pct(s.cost_ratio_vs_llm)} |",
        f"| human handoff cost (separate) | {_usd(s.handoff_cost_usd)} |",
        "",
        "## Confusion matrix (rows: expected, columns: predicted)",
        "",
        "| expected \\ predicted | " + " | ".join((*ROUTES, "error")) + " |",
        "|---|" + "---:|" * (len(ROUTES) + 1),
    ]
    for exp in ROUTES:
        row = s.confusion.get(exp, {})
        lines.append(f"| {exp} | " + " | ".join(str(row.get(p, 0)) for p in (*ROUTES, "error")) + " |")
    lines += ["", "## Latency of the routed turn", "", "| route | n | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    for route, v in s.latency_ms.items():
        lines.append(f"| {route} | {int(v['n'])} | {v['p50']:.0f} | {v['p95']:.0f} |")
    wrong = [c for c in result.cases if not c.correct]
    if wrong:
        lines += ["", "## Misrouted cases", "", "| id | expected | predicted | reason |", "|---|---|---|---|"]
        for c in wrong:
            reason = (c.error or c.escalation_reason or "").replace("|", "/")
            lines.append(f"| {c.id} | {'/'.join(c.accepted)} | {c.predicted_route} | {reason} |")
    lines += ["", "Cost counts model tokens at list price and local compute time (knowledge/pricing.yaml); the all-LLM "
              "baseline prices every turn at the baseline LLM. Handoff cost is reported separately.", ""]
    return "\n".join(lines)


def write_plots(result: EvalResult, out_dir: Path) -> list[Path]:
    """Confusion-matrix heatmap and the cost-vs-quality curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cols = [*ROUTES, "error"] if result.summary.errors else list(ROUTES)
    matrix = np.array([[result.summary.confusion[e].get(p, 0) for p in cols] for e in ROUTES])
    fig, ax = plt.subplots(figsize=(5, 4.2))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(ROUTES)), ROUTES)
    ax.set_xlabel("predicted route")
    ax.set_ylabel("expected route")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_title(f"Routing confusion (accuracy {result.summary.route_accuracy:.1%})")
    fig.tight_layout()
    written = [out_dir / "confusion_matrix.png"]
    fig.savefig(written[0], dpi=120)
    plt.close(fig)

    points = [p for p in result.curve if p.cost_ratio_vs_llm is not None]
    if points:
        fig, ax = plt.subplots(figsize=(6, 4))
        xs = [p.cost_ratio_vs_llm * 100 for p in points]
        ax.plot(xs, [p.route_accuracy * 100 for p in points], "o-", label="route accuracy")
        if all(p.escalation_recall is not None for p in points):
            ax.plot(xs, [p.escalation_recall * 100 for p in points], "s--", label="must-escalate recall")
        for p, x in zip(points, xs):
            if p.thresholds.intent_confidence in (0.0, 0.5, 0.9) or p.thresholds == result.thresholds:
                ax.annotate(f"{p.thresholds.intent_confidence:.2f}", (x, p.route_accuracy * 100), fontsize=7)
        s = result.summary
        if s.cost_ratio_vs_llm is not None:
            ax.scatter([s.cost_ratio_vs_llm * 100], [s.route_accuracy * 100], s=90, c="red", zorder=5, label="as run")
        ax.set_xlabel("cost, % of the all-LLM baseline")
        ax.set_ylabel("%")
        ax.set_title("Cost vs quality (labels: intent_confidence threshold)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
        fig.tight_layout()
        written.append(out_dir / "cost_quality.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)
    return written


def write_outputs(result: EvalResult, out_dir: Path) -> list[Path]:
    """Write JSON, Markdown and PNGs; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = result.model_dump(mode="json")
    data["summary_line"] = summary_line(result)
    (out_dir / "eval.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    (out_dir / "eval.md").write_text(markdown_report(result), encoding="utf-8")
    return [out_dir / "eval.json", out_dir / "eval.md", *write_plots(result, out_dir)]
