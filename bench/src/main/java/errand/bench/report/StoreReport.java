package errand.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import errand.bench.report.Summary.Entry;
import org.jspecify.annotations.Nullable;

/**
 * The pre-filled store's part of the report (bench/run --store-rows): each of the four figures on the
 * pre-filled store against the empty store's in the same run, {@code GET /api/v1/stats}' p99 likewise (its bound is
 * its own: under 50 ms on the pre-filled store), and the sizes of jobs and job_attempts before and after the retention
 * pass (store.json).
 */
public final class StoreReport {

    /** The bound: every figure within 20% of the empty store's. */
    static final double BOUND = 0.20;

    /** The bound for {@code GET /api/v1/stats} with the store pre-filled: its p99 under 50 ms. */
    static final double STATS_P99_MS = 50;

    /**
     * One figure on both stores.
     *
     * @param higherIsBetter throughput (within: full ≥ 0.8 × empty) rather than a latency (full ≤ 1.2 × empty)
     * @param heldTo20       one of the four figures held to {@link #BOUND}; stats' p99 is not
     */
    public record Check(String figure, String unit, double empty, double full, boolean higherIsBetter,
            boolean heldTo20) {

        public double ratio() {
            return empty == 0 ? 0 : full / empty;
        }

        public boolean within() {
            return empty > 0 && (higherIsBetter ? ratio() >= 1 - BOUND : ratio() <= 1 + BOUND);
        }
    }

    /** (figure, unit, workload on the empty store, its key, higher is better, held to 20%). */
    private static final List<List<Object>> FIGURES = List.of(
            List.of("batch burn-down throughput", "jobs/s", "batch", "throughput", true, true),
            List.of("single submit p99", "ms", "single", "submit_p99_ms", false, true),
            List.of("GET /api/v1/jobs/{id} p99", "ms", "read", "latency_p99_ms", false, true),
            List.of("first page of ?status=SUCCEEDED&type=echo&limit=50 p99", "ms", "list", "latency_p99_ms", false,
                    true),
            List.of("GET /api/v1/stats p99", "ms", "stats", "latency_p99_ms", false, false));

    private StoreReport() {
    }

    /** The figures measured on both stores (medians over the measured rounds). */
    public static List<Check> checks(List<Entry> summary) {
        List<Check> checks = new ArrayList<>();
        for (List<Object> f : FIGURES) {
            String workload = (String) f.get(2);
            String key = (String) f.get(3);
            Optional<Entry> empty = Summary.find(summary, "errand", workload);
            Optional<Entry> full = Summary.find(summary, "errand", workload + "-full");
            if (empty.isPresent() && full.isPresent() && empty.get().stat(key) != null
                    && full.get().stat(key) != null) {
                checks.add(new Check((String) f.get(0), (String) f.get(1), empty.get().median(key),
                        full.get().median(key), (Boolean) f.get(4), (Boolean) f.get(5)));
            }
        }
        return checks;
    }

    /** The report's target line: all four within 20% (information, never a gate failure); null without a store. */
    public static Report.@Nullable Target target(Map<String, Object> store, List<Check> checks) {
        List<Check> held = checks.stream().filter(Check::heldTo20).toList();
        if (store.isEmpty() || held.isEmpty()) {
            return null;
        }
        long within = held.stream().filter(Check::within).count();
        return new Report.Target("with " + rows(store)
                + " jobs in the store: submit p99, burn-down, GET p99, list p99 within 20% of the empty store's",
                within + " of " + held.size() + " within" + (held.size() < 4 ? " (not all measured)" : ""),
                within == 4);
    }

    /**
     * The report's target line for {@code GET /api/v1/stats}: its p99 on the pre-filled store under 50 ms
     * (information, never a gate failure); null without a store or without the stats workload on it.
     */
    public static Report.@Nullable Target statsTarget(Map<String, Object> store, List<Entry> summary) {
        Optional<Entry> full = Summary.find(summary, "errand", "stats-full");
        if (store.isEmpty() || full.isEmpty() || full.get().stat("latency_p99_ms") == null) {
            return null;
        }
        double p99 = full.get().median("latency_p99_ms");
        return new Report.Target("GET /api/v1/stats p99 < " + Format.number(STATS_P99_MS, 0) + " ms with "
                + rows(store) + " jobs in the store", Format.fixed(p99, 1) + " ms", p99 < STATS_P99_MS);
    }

    private static String rows(Map<String, Object> store) {
        return Format.number(((Number) store.get("rows")).doubleValue(), 0);
    }

    public static List<List<String>> checkLines(List<Check> checks) {
        List<List<String>> lines = new ArrayList<>();
        for (Check c : checks) {
            int digits = c.unit().equals("ms") ? 1 : 0;
            lines.add(List.of(c.figure(), Format.number(c.empty(), digits) + " " + c.unit(),
                    Format.number(c.full(), digits) + " " + c.unit(), Format.fixed(c.ratio(), 2),
                    !c.heldTo20() ? "– (its bound: < " + Format.number(STATS_P99_MS, 0) + " ms)"
                            : c.within() ? "yes" : "**no**"));
        }
        return lines;
    }

    /** The Markdown section; empty without store.json. */
    public static List<String> markdown(Map<String, Object> store, List<Check> checks) {
        List<String> md = new ArrayList<>();
        if (store.isEmpty()) {
            return md;
        }
        md.add("## The pre-filled store (" + rows(store) + " jobs)");
        md.add("");
        md.add("Pre-filled in SQL (`insert … select … from generate_series`, 100,000 rows per transaction, one attempt "
                + "each) in " + store.get("prefill_seconds") + " s (" + store.get("prefill_rows_per_s")
                + " rows/s), then `VACUUM ANALYZE` in " + store.get("vacuum_analyze_seconds") + " s"
                + (store.containsKey("checkpoint_seconds") ? " and a `CHECKPOINT` in " + store.get("checkpoint_seconds")
                        + " s (so the pre-fill's writes do not fall on the measured rounds)" : "") + "; "
                + store.get("older_than_retention") + " of them finished over a day ago. " + howTheApiRan(store)
                + " The same workloads ran on the empty store first, in the same run (medians over the measured "
                + "rounds):");
        md.add("");
        md.add(Format.markdownTable(List.of("figure", "empty store", "pre-filled store", "pre-filled ÷ empty",
                "within 20%"), checkLines(checks)));
        md.add("");
        if (store.get("load_average_at_prefill") != null) {
            md.add("The empty store's rounds ran before the pre-fill, the pre-filled store's after it: load average "
                    + "at the start " + store.get("load_average_at_start") + ", at the pre-fill "
                    + store.get("load_average_at_prefill") + ", after the pre-filled store's rounds "
                    + store.get("load_average_after") + ". Other work on the machine that changes between the two "
                    + "phases moves the ratios; read them only from a run on a quiet machine.");
            md.add("");
        }
        if (store.get("retention_pass") instanceof Map<?, ?> pass) {
            md.add("Retention pass: " + pass.get("state") + "; " + pass.get("deleted") + " deleted, "
                    + pass.get("older_than_retention_left") + " finished over a day ago left after waiting "
                    + pass.get("waited_seconds") + " s; " + store.get("rows_after") + " rows in jobs after it.");
            md.add("");
        }
        if (store.get("sizes_before") instanceof Map<?, ?> before) {
            Map<?, ?> after = store.get("sizes_after") instanceof Map<?, ?> a ? a : Map.of();
            md.add(Format.markdownTable(List.of("relation", "after the pre-fill", "after the retention pass (and "
                    + "VACUUM ANALYZE)"), sizeLines(before, after)));
            md.add("");
        }
        return md;
    }

    /** When the API ran with retention: restarted with it after the pre-fill, or (runs before) from the start. */
    static String howTheApiRan(Map<String, Object> store) {
        if (!Boolean.TRUE.equals(store.get("api_restarted_with_retention"))) {
            return "The API ran with `" + store.get("retention") + "` from the start of the run.";
        }
        String during = store.get("older_than_retention_at_full_rounds") instanceof Number left && left.longValue() > 0
                ? "and its retention deleted the old ones while that round ran (" + left + " were left when it "
                        + "started)."
                : "and its retention had deleted all the old ones before that round started.";
        return "The API ran without retention on the empty store and was stopped for the pre-fill (the workers "
                + "stayed up), then restarted with `" + store.get("retention") + "`: its JIT was cold again in the "
                + "pre-filled store's first round, " + during;
    }

    /** Per table: total, heap, indexes together, then each index, in MiB. */
    static List<List<String>> sizeLines(Map<?, ?> before, Map<?, ?> after) {
        List<List<String>> lines = new ArrayList<>();
        for (Object table : before.keySet()) {
            Map<?, ?> b = before.get(table) instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> a = after.get(table) instanceof Map<?, ?> m ? m : Map.of();
            lines.add(List.of(table + " (`pg_total_relation_size`)", mib(b.get("total")), mib(a.get("total"))));
            lines.add(List.of(table + " table (`pg_relation_size`)", mib(b.get("table")), mib(a.get("table"))));
            lines.add(List.of(table + " indexes (`pg_indexes_size`)", mib(b.get("indexes")), mib(a.get("indexes"))));
            Map<?, ?> bi = b.get("index") instanceof Map<?, ?> m ? m : Map.of();
            Map<?, ?> ai = a.get("index") instanceof Map<?, ?> m ? m : Map.of();
            for (Object index : bi.keySet()) {
                lines.add(List.of("  index " + index, mib(bi.get(index)), mib(ai.get(index))));
            }
        }
        return lines;
    }

    private static String mib(@Nullable Object bytes) {
        return bytes instanceof Number n ? Format.fixed(n.doubleValue() / (1 << 20), 1) + " MiB" : "–";
    }
}
