"""Draws a run's PNG charts from the chart-data.json the kit's report writes (the kit calls it; matplotlib only).

    /usr/bin/python3 bench/scripts/charts.py bench/results/<time>
"""

import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def throughput(folder, bars):
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(bars) + 1.5))
    medians = [b["median"] for b in bars]
    errors = [[b["median"] - b["min"] for b in bars], [b["max"] - b["median"] for b in bars]]
    colors = {"perftest": "#888888", "errand": "#1f77b4", "celery": "#2ca02c"}
    ax.barh(range(len(bars)), medians, xerr=errors, color=[colors[b["system"]] for b in bars], capsize=4)
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([b["label"] for b in bars])
    ax.invert_yaxis()
    for i, m in enumerate(medians):
        ax.text(m, i, "  %.0f" % m, va="center")
    ax.set_xlabel("jobs/s (median of the measured rounds, bars show the range)")
    ax.set_title("Throughput per system, jobs/s (PerfTest: broker-only bound = msg/s ÷ messages per job)", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "throughput.png"), dpi=110)
    plt.close(fig)


def latency(folder, rates, points):
    fig, ax = plt.subplots(figsize=(9, 5.5))
    xs = [r["offered_rate"] for r in rates]
    styles = {"50": ":", "95": "--", "99": "-"}
    for kind, color, name in (("submit", "#ff7f0e", "submit"), ("e2e", "#1f77b4", "submit → terminal")):
        for p in ("50", "95", "99"):
            ys = [r["%s_p%s_ms" % (kind, p)] for r in rates]
            ax.plot(xs, ys, styles[p], marker="o", color=color, label="%s p%s" % (name, p))
    for point in points:  # every measured round, so the spread shows
        ax.scatter([point["offered_rate"]], [point["e2e_p99_ms"]], color="#1f77b4", alpha=0.3, s=12)
        ax.scatter([point["offered_rate"]], [point["submit_p99_ms"]], color="#ff7f0e", alpha=0.3, s=12)
    ax.set_yscale("log")
    ax.set_xlabel("offered load, jobs/s (single submits, open loop)")
    ax.set_ylabel("latency, ms (log scale)")
    ax.set_title("Errand latency percentiles by offered load (lines: medians; dots: p99 of each round)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "latency.png"), dpi=110)
    plt.close(fig)


def main():
    folder = sys.argv[1]
    data = json.load(open(os.path.join(folder, "chart-data.json")))
    if data["bars"]:
        throughput(folder, data["bars"])
    if data["rates"]:
        latency(folder, data["rates"], data["points"])


if __name__ == "__main__":
    main()
