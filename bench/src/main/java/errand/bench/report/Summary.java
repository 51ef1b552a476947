package errand.bench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** The measured rounds of each workload, folded into medians and ranges, in the report's order. */
public final class Summary {

    /** (system, workload, label), in the order of the table. */
    static final List<List<String>> WORKLOADS = List.of(
            List.of("perftest", "broker", "PerfTest, Errand's message pattern (broker's limit)"),
            List.of("errand", "batch", "Errand, echo burn-down, batch endpoint"),
            List.of("errand", "client", "Errand, client end to end: batch submit, wait, page results"),
            List.of("errand", "single", "Errand, echo burn-down, single submits, 32 clients"),
            List.of("errand", "read", "Errand, GET /api/v1/jobs/{id}, 16 clients"),
            List.of("errand", "list", "Errand, first page of ?status=SUCCEEDED&type=echo, 8 clients"),
            List.of("errand", "stats", "Errand, GET /api/v1/stats, 4 clients"),
            List.of("errand", "batch-full", "Errand, pre-filled store: echo burn-down, batch endpoint"),
            List.of("errand", "single-full", "Errand, pre-filled store: single submits, 32 clients"),
            List.of("errand", "read-full", "Errand, pre-filled store: GET /api/v1/jobs/{id}, 16 clients"),
            List.of("errand", "list-full", "Errand, pre-filled store: first page of the filtered list, 8 clients"),
            List.of("errand", "stats-full", "Errand, pre-filled store: GET /api/v1/stats, 4 clients"),
            List.of("errand", "rate-0.5", "Errand, echo at 50% of max (open loop)"),
            List.of("errand", "rate-0.8", "Errand, echo at 80% of max (open loop)"),
            List.of("errand", "rate-1000", "Errand, echo at 1,000 jobs/s (open loop)"),
            List.of("errand", "cpu", "Errand, prime-count burn-down"),
            List.of("celery", "batch", "Celery, echo burn-down"),
            List.of("celery", "client", "Celery, client end to end: submit, collect from reply queues"),
            List.of("celery", "cpu", "Celery, prime-count burn-down"));

    static final List<String> KEYS = List.of("throughput", "msg_s", "offered_rate", "achieved_rate",
            "submit_p50_ms", "submit_p95_ms", "submit_p99_ms", "e2e_p50_ms", "e2e_p95_ms", "e2e_p99_ms",
            "run_mean_ms", "db_commits_per_job", "flow_blocked_samples", "flow_samples", "lost", "extra_attempts",
            "throttled", "jobs", "requests_per_s", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "apis",
            "workers");

    /** Median and range of one figure over the measured rounds. */
    public record Stat(double median, double min, double max) {

        public static @Nullable Stat of(Collection<Double> values) {
            if (values.isEmpty()) {
                return null;
            }
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stat(median, sorted.getFirst(), sorted.getLast());
        }
    }

    /** One row of the table. */
    public record Entry(String system, String workload, String label, int rounds, String gate,
            Map<String, Stat> stats, @Nullable Object messagesPerJob, Map<String, Double> cpuMsPerJob) {

        public @Nullable Stat stat(String key) {
            return stats.get(key);
        }

        /** The median of a figure, or 0 when there is none. */
        public double median(String key) {
            Stat stat = stats.get(key);
            return stat == null ? 0 : stat.median();
        }
    }

    private Summary() {
    }

    public static List<Entry> of(List<ResultRow> rows) {
        List<Entry> summary = new ArrayList<>();
        for (List<String> w : WORKLOADS) {
            List<ResultRow> measured = measured(rows, w.get(0), w.get(1));
            if (measured.isEmpty()) {
                continue;
            }
            Map<String, Stat> stats = new LinkedHashMap<>();
            for (String key : KEYS) {
                Stat stat = Stat.of(measured.stream().map(r -> r.number(key)).filter(v -> v != null).toList());
                if (stat != null) {
                    stats.put(key, stat);
                }
            }
            String gate = measured.stream().allMatch(r -> r.gate().equals("pass")) ? "pass" : "FAIL";
            List<Map<String, Double>> cpu = measured.stream().map(ResultRow::cpuMsPerJob)
                    .filter(c -> !c.isEmpty()).toList();
            Map<String, Double> cpuMedians = new LinkedHashMap<>();
            if (!cpu.isEmpty()) {
                for (String name : cpu.getFirst().keySet()) {
                    Stat stat = Stat.of(cpu.stream().map(c -> c.get(name)).filter(v -> v != null).toList());
                    if (stat != null) {
                        cpuMedians.put(name, stat.median());
                    }
                }
            }
            summary.add(new Entry(w.get(0), w.get(1), w.get(2), measured.size(), gate, stats,
                    measured.getLast().fields().get("messages_per_job"), cpuMedians));
        }
        return summary;
    }

    public static Optional<Entry> find(List<Entry> summary, String system, String workload) {
        return summary.stream().filter(e -> e.system().equals(system) && e.workload().equals(workload)).findFirst();
    }

    static List<ResultRow> measured(List<ResultRow> rows, String system, String workload) {
        return rows.stream().filter(r -> r.system().equals(system) && r.workload().equals(workload) && r.measured())
                .toList();
    }
}
