"""PNG charts for the evaluation and the benchmark (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OURS, BASELINE = "#1f6fb4", "#b0b0b0"


def topic_accuracy(rows: List[dict], path: Path) -> Path:
    """Horizontal bars: share of held-out questions answered right, per topic, with n right / n asked."""
    rows = sorted(rows, key=lambda r: (r["accuracy"], r["topic"]))
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(rows) + 1.4))
    colours = ["#2e8b57" if r["accuracy"] >= 0.999 else "#e0a030" if r["accuracy"] >= 0.8 else "#c0392b"
               for r in rows]
    ax.barh([r["topic"] for r in rows], [r["accuracy"] * 100 for r in rows], color=colours)
    for y, r in enumerate(rows):
        ax.text(min(r["accuracy"] * 100, 100) + 1, y, f"{r['right']}/{r['asked']}", va="center", fontsize=9)
    ax.set_xlim(0, 112)
    ax.set_xlabel("answers carrying the expected knowledge entry (%)")
    ax.set_title("End to end: held-out questions answered right, by topic")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def real_sets(figures: dict, targets: Dict[str, tuple], path: Path) -> Path:
    """One bar per figure of the real-wording sets, with its target marked."""
    names = [("risk_recall", "risk recall\n(disclosures)"), ("false_emergency_rate", "false emergencies\n(controls)"),
             ("honest_decline_rate", "honest declines\n(out of scope)"),
             ("confident_wrong_rate", "confident wrong\n(out of scope)"), ("in_scope_accuracy", "in-scope\nright")]
    shown = [(key, label) for key, label in names if figures.get(key) is not None]
    fig, ax = plt.subplots(figsize=(8.5, 4))
    values = [figures[key] * 100 for key, _ in shown]
    good = ["#2e8b57" if _meets(figures[key], targets.get(key, (">=", 0))) else "#c0392b" for key, _ in shown]
    ax.bar(range(len(shown)), values, color=good)
    for x, (key, _) in enumerate(shown):
        ax.text(x, values[x] + 1.5, f"{values[x]:.1f}%", ha="center", fontsize=9)
        if key in targets:
            ax.plot([x - 0.4, x + 0.4], [targets[key][1] * 100] * 2, color="black", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(shown)), [label for _, label in shown], fontsize=8)
    ax.set_ylim(0, 110)
    ax.set_ylabel("% of the set (dashed line: target)")
    counts = figures.get("counts", {})
    ax.set_title("Real wordings, held out: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()),
                 fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


def _meets(value: float, target: tuple) -> bool:
    op, limit = target
    return value >= limit if op == ">=" else value <= limit


def confusion_matrix(labels: Sequence[str], matrix: Sequence[Sequence[int]], path: Path) -> Path:
    """Rows are true intents, columns predicted; shaded by the share of the row, counts written in."""
    n = len(labels)
    shares = [[c / max(sum(row), 1) for c in row] for row in matrix]
    fig, ax = plt.subplots(figsize=(0.42 * n + 3, 0.42 * n + 2.2))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if shares[i][j] > 0.6 else ("#c0392b" if i != j else "black")
                ax.text(j, i, str(count), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(n))
    ax.set_xticklabels(labels, rotation=70, ha="right", fontsize=8)
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title("Intent confusion on the held-out NLU set (off-diagonal in red)")
    fig.colorbar(image, ax=ax, fraction=0.03, label="share of the true intent's examples")
    return _save(fig, path)


def _bars(ax, groups: Sequence[str], ours: Sequence[Optional[float]], baseline: Sequence[Optional[float]],
          title: str, unit: str, target: Optional[float] = None) -> None:
    width = 0.38 if any(v is not None for v in baseline) else 0.6
    xs = range(len(groups))
    for offset, values, colour, label in ((-width / 2, ours, OURS, "ours"), (width / 2, baseline, BASELINE, "baseline")):
        if all(v is None for v in values):
            continue
        shift = offset if width < 0.6 else 0
        heights = [v or 0 for v in values]
        bars = ax.bar([x + shift for x in xs], heights, width, color=colour, label=label)
        for bar, value in zip(bars, values):
            if value is not None:
                ax.annotate(f"{value:.0f}" if value >= 10 else f"{value:.1f}", (bar.get_x() + bar.get_width() / 2,
                            bar.get_height()), ha="center", va="bottom", fontsize=8)
    if target is not None:
        ax.axhline(target, color="#c0392b", linestyle="--", linewidth=1, label=f"target {target:g}")
    ax.set_ylim(top=ax.get_ylim()[1] * 1.2)  # room for the legend above the bars
    ax.set_xticks(list(xs))
    ax.set_xticklabels(groups, fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(unit)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)


def bench(ours: Dict, baseline: Optional[Dict], path: Path) -> Path:
    """Four panels: latency at one conversation, throughput, start-up and training, memory."""
    base = baseline or {}
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    levels = [k for k in ours.get("load", {})]
    one = levels[0] if levels else None

    def pick(system, *keys):
        value = system
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    stats = ("p50_ms", "p95_ms", "p99_ms")
    _bars(axes[0][0], ["p50", "p95", "p99"], [pick(ours, "load", one, s) for s in stats],
          [pick(base, "load", one, s) for s in stats], f"Latency, {one} conversation(s)", "ms")
    _bars(axes[0][1], [f"{k} conv." for k in levels], [pick(ours, "load", k, "throughput_per_s") for k in levels],
          [pick(base, "load", k, "throughput_per_s") for k in levels], "Throughput", "answers/s")
    _bars(axes[1][0], ["cold start", "training"], [pick(ours, "cold_start_s"), pick(ours, "training_s")],
          [pick(base, "cold_start_s"), pick(base, "training_s")], "Start-up and training", "s")
    _bars(axes[1][1], ["Rasa RSS", "actions RSS", "model size"],
          [pick(ours, "memory", "rasa", "tree_rss_mb"), pick(ours, "memory", "actions", "tree_rss_mb"),
           pick(ours, "model_mb")],
          [pick(base, "memory", "rasa", "tree_rss_mb"), pick(base, "memory", "actions", "tree_rss_mb"),
           pick(base, "model_mb")], "Memory after the load, and model size", "MB")
    fig.suptitle("Benchmark: our assistant" + (" vs the rasa init configuration" if baseline else ""))
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
