package errand.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import errand.bench.Console;
import errand.bench.json.Json;
import errand.bench.report.Summary.Entry;
import org.jspecify.annotations.Nullable;

/**
 * Turns one run's folder into the terminal table, report.md and (through {@code bench/scripts/charts.py}, when
 * matplotlib is there) PNG charts. Medians and ranges are over the measured rounds; the warm-up is listed in the
 * raw results only.
 */
public final class Report {

    static final List<String> HEADER = List.of("workload", "jobs/s median [range]", "submit p50 / p95 / p99 ms",
            "submit→terminal p50 / p95 / p99 ms", "gate");

    /** One of the targets: what it asks, what was measured, and whether it is met (null: information). */
    public record Target(String text, String measured, @Nullable Boolean met) {
    }

    private Report() {
    }

    // ---- the table

    public static List<List<String>> table(List<Entry> summary) {
        List<List<String>> lines = new ArrayList<>();
        for (Entry e : summary) {
            String through = Format.stat(e.stat("throughput"));
            if (e.system().equals("perftest")) {
                through += " (= " + Format.stat(e.stat("msg_s")) + " msg/s ÷ "
                        + (e.messagesPerJob() == null ? "msgs per job" : e.messagesPerJob()) + ")";
            }
            if (e.stat("offered_rate") != null) {
                through = "offered " + Format.stat(e.stat("offered_rate")) + ", done "
                        + Format.stat(e.stat("throughput"));
            }
            String submit = e.stat("submit_p50_ms") == null ? "–" : String.join(" / ",
                    Format.ms(e.stat("submit_p50_ms")), Format.ms(e.stat("submit_p95_ms")),
                    Format.ms(e.stat("submit_p99_ms")));
            if (e.stat("requests_per_s") != null) { // read and list: requests, not jobs
                through = Format.stat(e.stat("requests_per_s")) + " requests/s";
                submit = "GET " + String.join(" / ", Format.ms(e.stat("latency_p50_ms")),
                        Format.ms(e.stat("latency_p95_ms")), Format.ms(e.stat("latency_p99_ms")));
            }
            String e2e = e.stat("e2e_p50_ms") == null ? "–" : String.join(" / ",
                    Format.ms(e.stat("e2e_p50_ms")), Format.ms(e.stat("e2e_p95_ms")),
                    Format.ms(e.stat("e2e_p99_ms")));
            long lost = e.stat("lost") == null ? 0 : (long) e.stat("lost").max();
            String gate = e.gate() + (e.system().equals("perftest") ? "" : ", lost " + lost);
            lines.add(List.of(e.label(), through, submit, e2e, gate));
        }
        return lines;
    }

    // ---- the targets

    public static List<Target> targets(List<Entry> summary, Map<String, Object> rss, List<ResultRow> rows) {
        List<Target> out = new ArrayList<>();
        List<ResultRow> skipped = rows.stream().filter(r -> r.workload().equals("rate-1000") && r.skipped() != null
                && !r.round().equals("warmup")).toList();
        Optional<Entry> bound = Summary.find(summary, "perftest", "broker");
        Optional<Entry> batch = Summary.find(summary, "errand", "batch");
        Optional<Entry> celery = Summary.find(summary, "celery", "batch");
        Optional<Entry> fixed = Summary.find(summary, "errand", "rate-1000");
        if (batch.isPresent()) {
            double t = batch.get().median("throughput");
            if (bound.isPresent()) {
                double b = bound.get().median("throughput");
                out.add(new Target("batch burn-down ≥ ½ of the broker-only bound (PerfTest msg/s ÷ msgs per job)",
                        Format.fixed(t, 0) + " of " + Format.fixed(b, 0) + " jobs/s = "
                                + Format.fixed(b > 0 ? 100 * t / b : 0, 0) + "%", b > 0 && t >= b / 2));
            }
            if (celery.isPresent()) {
                double c = celery.get().median("throughput");
                out.add(new Target("≥ 10× Celery's throughput on the same workload",
                        Format.fixed(c > 0 ? t / c : 0, 1) + "×", c > 0 && t >= 10 * c));
            }
            Optional<Entry> single = Summary.find(summary, "errand", "single");
            if (single.isPresent()) {
                double s = single.get().median("throughput");
                out.add(new Target("single submits ≥ 1,500 jobs/s, or ≥ 60% of the batch burn-down",
                        Format.fixed(s, 0) + " jobs/s, " + Format.fixed(t > 0 ? 100 * s / t : 0, 0) + "% of batch",
                        s >= 1500 || s >= 0.6 * t));
            }
        }
        Summary.find(summary, "errand", "rate-0.5").ifPresent(half -> {
            double s99 = half.median("submit_p99_ms");
            double e99 = half.median("e2e_p99_ms");
            out.add(new Target("at 50% of the single-submit maximum: submit p99 ≤ 25 ms, submit → terminal p99 "
                    + "≤ 100 ms", Format.fixed(s99, 1) + " ms, " + Format.fixed(e99, 1) + " ms",
                    s99 <= 25 && e99 <= 100));
        });
        Summary.find(summary, "errand", "rate-0.8").ifPresent(most -> {
            double s99 = most.median("submit_p99_ms");
            out.add(new Target("at 80% of the single-submit maximum: submit p99 ≤ 100 ms",
                    Format.fixed(s99, 1) + " ms", s99 <= 100));
        });
        Optional<Entry> cpu = Summary.find(summary, "errand", "cpu");
        Optional<Entry> celeryCpu = Summary.find(summary, "celery", "cpu");
        if (cpu.isPresent() && celeryCpu.isPresent() && celeryCpu.get().median("throughput") != 0) {
            double ratio = cpu.get().median("throughput") / celeryCpu.get().median("throughput");
            out.add(new Target("prime-count burn-down ≥ 1.5× Celery's", Format.fixed(ratio, 1) + "×", ratio >= 1.5));
        }
        if (fixed.isPresent()) {
            double s99 = fixed.get().median("submit_p99_ms");
            double e99 = fixed.get().median("e2e_p99_ms");
            out.add(new Target("at 1,000 jobs/s offered: submit p99 ≤ 10 ms", Format.fixed(s99, 1) + " ms",
                    s99 <= 10));
            out.add(new Target("at 1,000 jobs/s offered: submit → terminal p99 ≤ 50 ms",
                    Format.fixed(e99, 1) + " ms", e99 <= 50));
        } else if (!skipped.isEmpty()) {
            out.add(new Target("at 1,000 jobs/s offered: submit p99 ≤ 10 ms, submit → terminal p99 ≤ 50 ms",
                    "not run: " + skipped.getLast().skipped(), false));
        }
        rss.forEach((name, kib) -> {
            if (name.startsWith("errand") && kib instanceof Number n) {
                double mib = n.doubleValue() / 1024;
                out.add(new Target(name + " peak RSS ≤ 384 MiB", Format.fixed(mib, 0) + " MiB", mib <= 384));
            }
        });
        return out;
    }

    // ---- the charts' data (charts.py draws it)

    /** What charts.py plots: bars of throughput, and the latency percentiles by offered rate. */
    static Map<String, Object> chartData(List<Entry> summary, List<ResultRow> rows) {
        List<Map<String, Object>> bars = new ArrayList<>();
        TreeMap<Double, Map<String, Object>> rates = new TreeMap<>();
        for (Entry e : summary) {
            if (e.stat("offered_rate") == null) {
                if (e.stat("throughput") != null) {
                    bars.add(Map.of("label", e.label(), "system", e.system(), "median", e.median("throughput"),
                            "min", e.stat("throughput").min(), "max", e.stat("throughput").max()));
                }
            } else {
                Map<String, Object> rate = new LinkedHashMap<>();
                for (String kind : List.of("submit", "e2e")) {
                    for (String p : List.of("50", "95", "99")) {
                        String key = kind + "_p" + p + "_ms";
                        rate.put(key, e.median(key));
                    }
                }
                rates.put(e.median("offered_rate"), rate);
            }
        }
        List<Map<String, Object>> rateList = new ArrayList<>();
        rates.forEach((offered, figures) -> {
            Map<String, Object> rate = new LinkedHashMap<>();
            rate.put("offered_rate", offered);
            rate.putAll(figures);
            rateList.add(rate);
        });
        List<Map<String, Object>> points = new ArrayList<>();
        for (ResultRow r : rows) {
            if (r.system().equals("errand") && r.workload().startsWith("rate") && r.measured()
                    && r.number("offered_rate") != null) {
                points.add(Map.of("offered_rate", r.number("offered_rate"),
                        "e2e_p99_ms", orZero(r.number("e2e_p99_ms")),
                        "submit_p99_ms", orZero(r.number("submit_p99_ms"))));
            }
        }
        return Map.of("bars", bars, "rates", rateList, "points", points);
    }

    private static double orZero(@Nullable Double value) {
        return value == null ? 0 : value;
    }

    private static List<String> charts(Path folder, List<Entry> summary, List<ResultRow> rows) {
        Json.writeFile(folder.resolve("chart-data.json"), chartData(summary, rows));
        Path script = Path.of("bench/scripts/charts.py");
        if (Files.exists(script)) {
            try {
                Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), folder.toString())
                        .redirectErrorStream(true).redirectOutput(folder.resolve("charts.log").toFile()).start();
                python.waitFor();
            } catch (IOException e) {
                Console.log("(no charts: " + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return List.of("throughput.png", "latency.png").stream().filter(f -> Files.exists(folder.resolve(f)))
                .toList();
    }

    // ---- report.md and the terminal

    /** Writes report.md (and the charts), prints the table; 1 if any workload failed its gate, else 0. */
    public static int write(Path folder) throws IOException {
        List<ResultRow> rows = new Results(folder.resolve("results.jsonl")).read();
        Map<String, Object> env = Json.objectFile(folder.resolve("environment.json"));
        Map<String, Object> rss = Json.objectFile(folder.resolve("peak-rss-kib.json"));
        Map<String, Object> pattern = Json.objectFile(folder.resolve("message-pattern.json"));
        List<Entry> summary = Summary.of(rows);
        List<List<String>> lines = table(summary);
        List<Target> targets = new ArrayList<>(targets(summary, rss, rows));
        List<ClientReport.Ratio> ratios = ClientReport.ratios(summary);
        targets.addAll(ClientReport.targets(ratios));
        if (Summary.find(summary, "errand", "client").isPresent()) {
            Json.writeFile(folder.resolve("client.json"), ClientReport.json(summary, ratios));
        }
        Map<String, Object> store = Json.objectFile(folder.resolve("store.json"));
        List<StoreReport.Check> checks = StoreReport.checks(summary);
        Target storeTarget = StoreReport.target(store, checks);
        if (storeTarget != null) {
            targets.add(storeTarget);
        }
        Target statsTarget = StoreReport.statsTarget(store, summary);
        if (statsTarget != null) {
            targets.add(statsTarget);
        }
        List<ScaleReport.Line> scale = ScaleReport.lines(rows);
        Map<String, Object> startup = Json.objectFile(folder.resolve("startup.json"));
        targets.addAll(StartupReport.targets(startup));
        List<String> made = charts(folder, summary, rows);
        Map<String, Object> machineOfEnv = map(env.get("machine"));
        int cores = machineOfEnv.get("cores") instanceof Number n ? n.intValue() : 0;
        List<String> sections = new ArrayList<>(StoreReport.markdown(store, checks));
        sections.addAll(ScaleReport.markdown(scale, cores));
        sections.addAll(StartupReport.markdown(startup));
        String markdown = markdown(folder, rows, env, rss, pattern, summary, lines, targets, made);
        if (!sections.isEmpty()) { // after the targets, before where the time goes
            String anchor = markdown.contains("## Where Errand's time goes") ? "## Where Errand's time goes"
                    : "## Versions";
            markdown = markdown.replaceFirst(java.util.regex.Pattern.quote(anchor),
                    java.util.regex.Matcher.quoteReplacement(String.join("\n", sections) + "\n" + anchor));
        }
        Files.writeString(folder.resolve("report.md"), markdown);

        Map<String, Object> machine = map(env.get("machine"));
        Console.line("");
        if (!lines.isEmpty()) {
            Console.line(Format.terminalTable(HEADER, lines));
            Console.line("");
        }
        if (!checks.isEmpty()) {
            Console.line(Format.terminalTable(List.of("pre-filled store (" + store.get("rows") + " jobs)",
                    "empty store", "pre-filled", "ratio", "within 20%"), StoreReport.checkLines(checks)));
            Console.line("");
        }
        if (store.get("retention_pass") instanceof Map<?, ?> pass) {
            Console.line("  retention pass: " + pass.get("state") + ", " + pass.get("deleted") + " deleted");
        }
        if (!scale.isEmpty()) {
            Console.line(Format.terminalTable(ScaleReport.HEADER, ScaleReport.table(scale)));
            Console.line("");
        }
        if (!StartupReport.table(startup).isEmpty()) {
            Console.line(Format.terminalTable(StartupReport.HEADER, StartupReport.table(startup)));
            Console.line("");
        }
        for (Target t : targets) {
            Console.line(String.format(Locale.ROOT, "  %-75s %-28s %s", t.text(), t.measured(),
                    t.met() == null ? "" : t.met() ? "met" : "NOT met"));
        }
        if (!rss.isEmpty()) {
            List<String> parts = new ArrayList<>();
            rss.forEach((k, v) -> parts.add(k + " " + Format.fixed(((Number) v).doubleValue() / 1024, 0) + " MiB"));
            Console.line("  peak RSS: " + String.join(", ", parts));
        }
        Console.line("  machine: " + machine.get("cores") + " cores, " + machine.get("memory_gib")
                + " GiB; load average at start " + joined(machine.get("load_average_at_start")));
        List<ResultRow> failed = rows.stream().filter(r -> !r.gate().equals("pass")).toList();
        if (!failed.isEmpty()) {
            Console.line("  GATE FAILED in: " + String.join(", ", failed.stream()
                    .map(r -> r.system() + " " + r.workload() + " " + r.round()).toList()));
        }
        return failed.isEmpty() ? 0 : 1;
    }

    static String markdown(Path folder, List<ResultRow> rows, Map<String, Object> env, Map<String, Object> rss,
            Map<String, Object> pattern, List<Entry> summary, List<List<String>> lines, List<Target> targets,
            List<String> charts) throws IOException {
        Map<String, Object> machine = map(env.get("machine"));
        Map<String, Object> versions = map(env.get("versions"));
        int rounds = summary.stream().mapToInt(Entry::rounds).max().orElse(0);
        List<String> md = new ArrayList<>();
        md.add("# Errand benchmark, " + folder.toAbsolutePath().normalize().getFileName());
        md.add("");
        md.add("Machine: " + or(machine.get("cores")) + " cores (" + or(machine.get("cpu")) + "), "
                + or(machine.get("memory_gib")) + " GiB, " + or(machine.get("os")) + ", kernel "
                + or(machine.get("kernel")) + "; load average at the start " + joined(
                machine.get("load_average_at_start")) + " (other work on the machine makes figures noisy: compare "
                + "systems within one run, not across runs).");
        md.add("");
        md.add("Broker, database, API, workers and load generators all on this one machine. Medians over " + rounds
                + " measured round(s), range in brackets, after a warm-up; systems alternate within each round.");
        md.add("");
        md.add(Format.markdownTable(HEADER, lines));
        md.add("");
        if (!pattern.isEmpty()) {
            md.add("Errand's message pattern, seen on its exchanges during the warm-up: "
                    + pattern.get("messages_per_job") + " messages per echo job (the job, then its events), job "
                    + "message " + pattern.get("job_message_bytes") + " bytes, event "
                    + pattern.get("event_message_bytes") + " bytes, mean " + pattern.get("mean_message_bytes")
                    + " bytes: PerfTest publishes that size and its jobs/s is msg/s ÷ "
                    + pattern.get("messages_per_job") + ".");
            md.add("");
        }
        if (!targets.isEmpty()) {
            md.add("## Against the issues' targets (7 and 20: the platform; 16: the client end to end)");
            md.add("");
            md.add(Format.markdownTable(List.of("target", "measured (median)", "met"), targets.stream()
                    .map(t -> List.of(t.text(), t.measured(), t.met() == null ? "–" : t.met() ? "yes" : "**no**"))
                    .toList()));
            md.add("");
        }
        List<String> extra = new ArrayList<>();
        for (Entry e : summary) {
            if (!e.system().equals("errand")) {
                continue;
            }
            List<String> bits = new ArrayList<>();
            if (e.stat("db_commits_per_job") != null) {
                bits.add(Format.stat(e.stat("db_commits_per_job"), 2, "") + " DB commits per job");
            }
            if (e.median("flow_samples") != 0) {
                bits.add("connections in flow control in " + Format.stat(e.stat("flow_blocked_samples")) + " of "
                        + Format.stat(e.stat("flow_samples")) + " samples");
            }
            if (!e.cpuMsPerJob().isEmpty()) {
                double all = e.cpuMsPerJob().values().stream().mapToDouble(Double::doubleValue).sum();
                List<String> parts = new ArrayList<>();
                e.cpuMsPerJob().forEach((name, ms) -> parts.add(name + " " + Format.fixed(ms, 2)));
                bits.add("CPU ms per job " + Format.fixed(all, 2) + " in all (" + String.join(", ", parts) + ")");
            }
            if (e.stat("run_mean_ms") != null) {
                bits.add("mean run time " + Format.stat(e.stat("run_mean_ms"), 2, "") + " ms");
            }
            if (e.stat("extra_attempts") != null && e.stat("extra_attempts").max() != 0) {
                bits.add("redeliveries up to " + (long) e.stat("extra_attempts").max());
            }
            if (e.stat("throttled") != null && e.stat("throttled").max() != 0) {
                bits.add("throttled answers up to " + (long) e.stat("throttled").max());
            }
            if (!bits.isEmpty()) {
                extra.add("- " + e.label() + ": " + String.join(", ", bits));
            }
        }
        if (!extra.isEmpty()) {
            md.add("## Where Errand's time goes (from the same rounds)");
            md.add("");
            md.addAll(extra);
            md.add("");
        }
        if (!rss.isEmpty()) {
            md.add("## Peak RSS (VmHWM)");
            md.add("");
            List<List<String>> rssLines = new ArrayList<>();
            rss.forEach((k, v) -> rssLines.add(List.of(k,
                    Format.fixed(((Number) v).doubleValue() / 1024, 0) + " MiB")));
            md.add(Format.markdownTable(List.of("process", "peak RSS"), rssLines));
            md.add("");
        }
        for (String chart : charts) {
            md.add("![" + chart + "](" + chart + ")");
            md.add("");
        }
        md.add("## Versions");
        md.add("");
        List<List<String>> versionLines = new ArrayList<>();
        versions.forEach((k, v) -> versionLines.add(List.of(k, String.valueOf(v))));
        md.add(Format.markdownTable(List.of("what", "version"), versionLines));
        md.add("");
        if (env.get("postgresql_settings") instanceof String settings && !settings.isEmpty()) {
            md.add("PostgreSQL settings: " + settings + ".");
            md.add("");
        }
        md.add("## How it was measured");
        md.add("");
        md.add("""
                - **PerfTest**: one quorum queue, persistent messages, publisher confirms, manual acks, the body size \
                and the
                  messages per job above; jobs/s = receiving rate ÷ messages per job.
                - **Errand**: the API and the workers from the built jars, as separate processes. Burn-down: jobs / \
                (first submit →
                  last outcome committed). Submit latency: measured by the client (open-loop runs: from when the \
                request was due).
                  Submit → terminal: `updated_at − created_at` in the job store (acceptance → outcome committed).
                - **Celery**: Debian's package, same broker (own vhost), quorum queue, persistent, publisher \
                confirms, `acks_late`,
                  prefetch 1, results in PostgreSQL (database backend); jobs / (first submit → last `date_done`).
                - **Client end to end** (`client`): what a user's client sees, jobs / (first submit → last \
                result read), on the
                  client's clock. Errand: batches of 500 from 4 threads, each long-polled \
                (`GET /api/v1/batches/{id}?wait=PT30S`)
                  until DONE by one of 4 reader threads, then paged (`/jobs?limit=500&after=`). Celery: 8 threads \
                each send their
                  share and collect the results from their reply queue (`rpc://` backend on the same broker, \
                `join_native`).
                  Its gate: every job read back exactly once, succeeded, its result equal to its payload.
                - **Correctness gate**, every workload: N submitted → N result rows, all succeeded, each echo's \
                result equal to its
                  payload (which carries a unique number), each prime count the true one; 0 lost, else the run \
                exits non-zero.""");
        Path profile = folder.resolve("profile").resolve("summary.md");
        if (Files.exists(profile)) {
            md.add("");
            md.add("## Profile (JFR)");
            md.add("");
            md.add(Files.readString(profile));
        }
        md.add("");
        md.add("## Raw results (every round, warm-up included)");
        md.add("");
        md.add("```");
        rows.forEach(r -> md.add(r.json()));
        md.add("```");
        return String.join("\n", md) + "\n";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String joined(@Nullable Object list) {
        return list instanceof List<?> items ? String.join(" ", items.stream().map(String::valueOf).toList()) : "";
    }

    private static String or(@Nullable Object value) {
        return value == null ? "?" : value.toString();
    }
}
