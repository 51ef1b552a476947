"""Turns one bench/run output folder into a terminal table, report.md and PNG charts (bench/run calls it).

    python3 bench/report.py bench/results/<time>

Medians and ranges are over the measured rounds; the warm-up is listed in the raw results only.
"""

import json
import os
import statistics
import sys

WORKLOADS = [  # (system, workload, label)
    ("perftest", "broker", "PerfTest, Errand's message pattern (broker's limit)"),
    ("errand", "batch", "Errand, echo burn-down, batch endpoint"),
    ("errand", "single", "Errand, echo burn-down, single submits, 32 clients"),
    ("errand", "rate-0.5", "Errand, echo at 50% of max (open loop)"),
    ("errand", "rate-0.8", "Errand, echo at 80% of max (open loop)"),
    ("errand", "rate-1000", "Errand, echo at 1,000 jobs/s (open loop)"),
    ("errand", "cpu", "Errand, prime-count burn-down"),
    ("celery", "batch", "Celery, echo burn-down"),
    ("celery", "cpu", "Celery, prime-count burn-down"),
]


def load(folder):
    rows = []
    path = os.path.join(folder, "results.jsonl")
    if os.path.exists(path):
        rows = [json.loads(line) for line in open(path) if line.strip()]

    def optional(name):
        p = os.path.join(folder, name)
        return json.load(open(p)) if os.path.exists(p) else {}

    return rows, optional("environment.json"), optional("peak-rss-kib.json"), optional("message-pattern.json")


def measured(rows, system, workload):
    return [r for r in rows if r["system"] == system and r["workload"] == workload and r["round"] != "warmup"
            and not r.get("skipped")]


def stat(rs, key):
    values = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(s, digits=0, unit=""):
    if s is None:
        return "–"
    median, low, high = s
    f = "{:,.%df}" % digits
    if len({round(low, digits), round(high, digits)}) == 1:
        return f.format(median) + unit
    return (f + " [" + f + "–" + f + "]").format(median, low, high) + unit


def fmt_ms(s):
    if s is None:
        return "–"
    digits = 1 if s[0] < 100 else 0
    return fmt(s, digits)


def summarize(rows):
    summary = []
    for system, workload, label in WORKLOADS:
        rs = measured(rows, system, workload)
        if not rs:
            continue
        entry = {"system": system, "workload": workload, "label": label, "rounds": len(rs),
                 "gate": "pass" if all(r.get("gate") == "pass" for r in rs) else "FAIL"}
        for key in ("throughput", "msg_s", "offered_rate", "achieved_rate", "submit_p50_ms", "submit_p95_ms",
                    "submit_p99_ms", "e2e_p50_ms", "e2e_p95_ms", "e2e_p99_ms", "run_mean_ms", "db_commits_per_job",
                    "flow_blocked_samples", "flow_samples", "lost", "extra_attempts", "throttled", "jobs"):
            entry[key] = stat(rs, key)
        entry["per_job"] = rs[-1].get("messages_per_job")
        cpu = [r["cpu_ms_per_job"] for r in rs if r.get("cpu_ms_per_job")]
        entry["cpu_ms_per_job"] = {name: statistics.median(c[name] for c in cpu) for name in cpu[0]} if cpu else None
        summary.append(entry)
    return summary


def find(summary, system, workload):
    return next((e for e in summary if e["system"] == system and e["workload"] == workload), None)


def table(summary):
    header = ["workload", "jobs/s median [range]", "submit p50 / p95 / p99 ms", "submit→terminal p50 / p95 / p99 ms",
              "gate"]
    lines = []
    for e in summary:
        through = fmt(e["throughput"])
        if e["system"] == "perftest":
            through += " (= %s msg/s ÷ %s)" % (fmt(e["msg_s"]), e.get("per_job") or "msgs per job")
        if e["offered_rate"]:
            through = "offered %s, done %s" % (fmt(e["offered_rate"]), fmt(e["throughput"]))
        submit = " / ".join(fmt_ms(e[k]) for k in ("submit_p50_ms", "submit_p95_ms", "submit_p99_ms")) \
            if e["submit_p50_ms"] else "–"
        e2e = " / ".join(fmt_ms(e[k]) for k in ("e2e_p50_ms", "e2e_p95_ms", "e2e_p99_ms")) \
            if e["e2e_p50_ms"] else "–"
        lost = e["lost"][2] if e["lost"] else 0
        gate = e["gate"] + ("" if e["system"] == "perftest" else ", lost %d" % lost)
        lines.append([e["label"], through, submit, e2e, gate])
    return header, lines


def ratios(summary, rss, rows=()):
    """The issue's targets, each with the measured value and whether it is met."""
    out = []
    skipped = [r for r in rows if r["workload"] == "rate-1000" and r.get("skipped") and r["round"] != "warmup"]
    bound = find(summary, "perftest", "broker")
    batch = find(summary, "errand", "batch")
    celery = find(summary, "celery", "batch")
    fixed = find(summary, "errand", "rate-1000")
    if batch:
        t = batch["throughput"][0]
        out.append(("burn-down through the batch endpoint ≥ 3,000 jobs/s", "%.0f jobs/s" % t, t >= 3000))
        if bound:
            b = bound["throughput"][0]
            out.append(("… and ≥ ½ of the broker-only bound (PerfTest msg/s ÷ msgs per job)",
                        "%.0f of %.0f jobs/s = %.0f%%" % (t, b, 100 * t / b if b else 0), b > 0 and t >= b / 2))
        if celery:
            c = celery["throughput"][0]
            out.append(("≥ 10× Celery's throughput on the same workload", "%.1f×" % (t / c if c else 0),
                        c > 0 and t >= 10 * c))
    cpu, ccpu = find(summary, "errand", "cpu"), find(summary, "celery", "cpu")
    if cpu and ccpu and ccpu["throughput"][0]:
        out.append(("(CPU mix, for information) Errand / Celery", "%.1f×" % (cpu["throughput"][0] / ccpu["throughput"][0]),
                    None))
    if fixed:
        s99, e99 = fixed["submit_p99_ms"][0], fixed["e2e_p99_ms"][0]
        out.append(("at 1,000 jobs/s offered: submit p99 ≤ 10 ms", "%.1f ms" % s99, s99 <= 10))
        out.append(("at 1,000 jobs/s offered: submit → terminal p99 ≤ 50 ms", "%.1f ms" % e99, e99 <= 50))
    elif skipped:
        out.append(("at 1,000 jobs/s offered: submit p99 ≤ 10 ms, submit → terminal p99 ≤ 50 ms",
                    "not run: " + skipped[-1]["skipped"], False))
    for name, kib in rss.items():
        if name.startswith("errand"):
            out.append(("%s peak RSS < 512 MB" % name, "%.0f MiB" % (kib / 1024), kib / 1024 < 512))
    return out


def charts(folder, summary, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    made = []
    bars = [e for e in summary if not e["offered_rate"]]
    if bars:
        fig, ax = plt.subplots(figsize=(10, 0.6 * len(bars) + 1.5))
        labels = [e["label"] for e in bars]
        medians = [e["throughput"][0] for e in bars]
        errors = [[e["throughput"][0] - e["throughput"][1] for e in bars],
                  [e["throughput"][2] - e["throughput"][0] for e in bars]]
        colors = {"perftest": "#888888", "errand": "#1f77b4", "celery": "#2ca02c"}
        ax.barh(range(len(bars)), medians, xerr=errors, color=[colors[e["system"]] for e in bars], capsize=4)
        ax.set_yticks(range(len(bars)))
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        for i, m in enumerate(medians):
            ax.text(m, i, "  %.0f" % m, va="center")
        ax.set_xlabel("jobs/s (median of the measured rounds, bars show the range)")
        ax.set_title("Throughput per system, jobs/s (PerfTest: broker-only bound = msg/s ÷ messages per job)",
                     fontsize=10)
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "throughput.png"), dpi=110)
        plt.close(fig)
        made.append("throughput.png")
    rated = [r for r in rows if r["system"] == "errand" and r["workload"].startswith("rate") and r["round"] != "warmup"
             and not r.get("skipped")]
    if rated:
        by_rate = {}
        for e in summary:
            if e["offered_rate"]:
                by_rate[e["offered_rate"][0]] = e
        xs = sorted(by_rate)
        fig, ax = plt.subplots(figsize=(9, 5.5))
        styles = {"50": ":", "95": "--", "99": "-"}
        for kind, color, name in (("submit", "#ff7f0e", "submit"), ("e2e", "#1f77b4", "submit → terminal")):
            for p in ("50", "95", "99"):
                ys = [by_rate[x]["%s_p%s_ms" % (kind, p)][0] for x in xs]
                ax.plot(xs, ys, styles[p], marker="o", color=color, label="%s p%s" % (name, p))
        for r in rated:  # every measured round, so the spread shows
            ax.scatter([r["offered_rate"]], [r["e2e_p99_ms"]], color="#1f77b4", alpha=0.3, s=12)
            ax.scatter([r["offered_rate"]], [r["submit_p99_ms"]], color="#ff7f0e", alpha=0.3, s=12)
        ax.set_yscale("log")
        ax.set_xlabel("offered load, jobs/s (single submits, open loop)")
        ax.set_ylabel("latency, ms (log scale)")
        ax.set_title("Errand latency percentiles by offered load (lines: medians; dots: p99 of each round)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "latency.png"), dpi=110)
        plt.close(fig)
        made.append("latency.png")
    return made


def markdown_table(header, lines):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in line) + " |" for line in lines]
    return "\n".join(out)


def terminal_table(header, lines):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    fmt_line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))
    return "\n".join([fmt_line(header), fmt_line(["-" * w for w in widths])] + [fmt_line(l) for l in lines])


def main():
    folder = sys.argv[1]
    rows, env, rss, pattern = load(folder)
    summary = summarize(rows)
    header, lines = table(summary)
    targets = ratios(summary, rss, rows)
    made = charts(folder, summary, rows)
    machine = env.get("machine", {})
    versions = env.get("versions", {})
    rounds = max([e["rounds"] for e in summary] or [0])
    failed = [r for r in rows if r.get("gate") != "pass"]

    md = ["# Errand benchmark, %s" % os.path.basename(os.path.abspath(folder)), ""]
    md.append("Machine: %s cores (%s), %s GiB, %s, kernel %s; load average at the start %s (other work on the machine "
              "makes figures noisy: compare systems within one run, not across runs)." % (
                  machine.get("cores", "?"), machine.get("cpu", "?"), machine.get("memory_gib", "?"),
                  machine.get("os", "?"), machine.get("kernel", "?"), " ".join(machine.get("load_average_at_start", []))))
    md.append("")
    md.append("Broker, database, API, workers and load generators all on this one machine. Medians over %d measured "
              "round(s), range in brackets, after a warm-up; systems alternate within each round." % rounds)
    md.append("")
    md.append(markdown_table(header, lines))
    md.append("")
    if pattern:
        md.append("Errand's message pattern, seen on its exchanges during the warm-up: %s messages per echo job (the "
                  "job, then its events), job message %s bytes, event %s bytes, mean %s bytes: PerfTest publishes "
                  "that size and its jobs/s is msg/s ÷ %s." % (pattern["messages_per_job"], pattern["job_message_bytes"],
                                                             pattern["event_message_bytes"],
                                                             pattern["mean_message_bytes"], pattern["messages_per_job"]))
        md.append("")
    if targets:
        md.append("## Against the targets of issue 7")
        md.append("")
        md.append(markdown_table(["target", "measured (median)", "met"],
                                 [[t, v, "–" if ok is None else ("yes" if ok else "**no**")] for t, v, ok in targets]))
        md.append("")
    extra = []
    for e in summary:
        if e["system"] == "errand":
            bits = []
            if e["db_commits_per_job"]:
                bits.append("%s DB commits per job" % fmt(e["db_commits_per_job"], 2))
            if e["flow_samples"] and e["flow_samples"][0]:
                bits.append("connections in flow control in %s of %s samples" % (
                    fmt(e["flow_blocked_samples"]), fmt(e["flow_samples"])))
            if e["cpu_ms_per_job"]:
                cpu = e["cpu_ms_per_job"]
                bits.append("CPU ms per job %.2f in all (%s)" % (sum(cpu.values()), ", ".join(
                    "%s %.2f" % (name, ms) for name, ms in cpu.items())))
            if e["run_mean_ms"]:
                bits.append("mean run time %s ms" % fmt(e["run_mean_ms"], 2))
            if e["extra_attempts"] and e["extra_attempts"][2]:
                bits.append("redeliveries up to %d" % e["extra_attempts"][2])
            if e["throttled"] and e["throttled"][2]:
                bits.append("throttled answers up to %d" % e["throttled"][2])
            if bits:
                extra.append("- %s: %s" % (e["label"], ", ".join(bits)))
    if extra:
        md.append("## Where Errand's time goes (from the same rounds)")
        md.append("")
        md += extra
        md.append("")
    if rss:
        md.append("## Peak RSS (VmHWM)")
        md.append("")
        md.append(markdown_table(["process", "peak RSS"], [[k, "%.0f MiB" % (v / 1024)] for k, v in rss.items()]))
        md.append("")
    for chart in made:
        md.append("![%s](%s)" % (chart, chart))
        md.append("")
    md.append("## Versions")
    md.append("")
    md.append(markdown_table(["what", "version"], [[k, v] for k, v in versions.items()]))
    md.append("")
    if env.get("postgresql_settings"):
        md.append("PostgreSQL settings: %s." % env["postgresql_settings"])
        md.append("")
    md.append("## How it was measured")
    md.append("")
    md.append("""- **PerfTest**: one quorum queue, persistent messages, publisher confirms, manual acks, the body size and the
  messages per job above; jobs/s = receiving rate ÷ messages per job.
- **Errand**: the API and the workers from the built jars, as separate processes. Burn-down: jobs / (first submit →
  last outcome committed). Submit latency: measured by the client (open-loop runs: from when the request was due).
  Submit → terminal: `updated_at − created_at` in the job store (acceptance → outcome committed).
- **Celery**: Debian's package, same broker (own vhost), quorum queue, persistent, publisher confirms, `acks_late`,
  prefetch 1, results in PostgreSQL (database backend); jobs / (first submit → last `date_done`).
- **Correctness gate**, every workload: N submitted → N result rows, all succeeded, each echo's result equal to its
  payload (which carries a unique number), each prime count the true one; 0 lost, else the run exits non-zero.""")
    if os.path.exists(os.path.join(folder, "profile", "summary.md")):
        md.append("")
        md.append("## Profile (JFR)")
        md.append("")
        md.append(open(os.path.join(folder, "profile", "summary.md")).read())
    md.append("")
    md.append("## Raw results (every round, warm-up included)")
    md.append("")
    md.append("```")
    md += [json.dumps(r, separators=(",", ":")) for r in rows]
    md.append("```")
    open(os.path.join(folder, "report.md"), "w").write("\n".join(md) + "\n")

    print()
    print(terminal_table(header, lines))
    print()
    for t, v, ok in targets:
        print("  %-75s %-28s %s" % (t, v, "" if ok is None else ("met" if ok else "NOT met")))
    if rss:
        print("  peak RSS: " + ", ".join("%s %.0f MiB" % (k, v / 1024) for k, v in rss.items()))
    print("  machine: %s cores, %s GiB; load average at start %s" % (
        machine.get("cores"), machine.get("memory_gib"), " ".join(machine.get("load_average_at_start", []))))
    if failed:
        print("  GATE FAILED in: " + ", ".join("%s %s %s" % (r["system"], r["workload"], r["round"]) for r in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
