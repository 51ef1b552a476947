package errand.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import errand.bench.report.Summary.Entry;

/**
 * The client's end to end beside the burn-down (issue 16), from the same run's medians: Errand's client (batch
 * submit, wait, page the results) against Errand's batch burn-down, and against Celery's client. Targets, never a
 * gate: a smoke run's few hundred jobs say little about ratios; the clients' correctness is their workloads' gate.
 */
public final class ClientReport {

    /** A ratio of two throughputs and the least the issue asks of it; 0 and not met when either is missing. */
    public record Ratio(String name, String text, double numerator, double denominator, double target) {

        public double value() {
            return denominator > 0 ? numerator / denominator : 0;
        }

        public boolean met() {
            return denominator > 0 && value() >= target;
        }
    }

    private ClientReport() {
    }

    /** The ratios the run has the figures for: none without Errand's client. */
    public static List<Ratio> ratios(List<Entry> summary) {
        Optional<Entry> client = Summary.find(summary, "errand", "client");
        if (client.isEmpty()) {
            return List.of();
        }
        double errand = client.get().median("throughput");
        List<Ratio> ratios = new ArrayList<>();
        Summary.find(summary, "errand", "batch").ifPresent(batch -> ratios.add(new Ratio("client_over_burn_down",
                "client end to end ≥ 0.85 × Errand's batch burn-down (within 15%)", errand,
                batch.median("throughput"), 0.85)));
        Summary.find(summary, "celery", "client").ifPresent(celery -> ratios.add(new Ratio(
                "errand_client_over_celery_client", "Errand's client end to end ≥ 5× Celery's client end to end",
                errand, celery.median("throughput"), 5)));
        return ratios;
    }

    public static List<Report.Target> targets(List<Ratio> ratios) {
        return ratios.stream().map(r -> new Report.Target(r.text(), Format.fixed(r.numerator(), 0) + " / "
                + Format.fixed(r.denominator(), 0) + " jobs/s = " + Format.fixed(r.value(), 2) + "×", r.met()))
                .toList();
    }

    /** client.json: the three throughputs (medians, jobs/s) and each ratio with its target. */
    public static Map<String, Object> json(List<Entry> summary, List<Ratio> ratios) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("errand_batch_burn_down", median(summary, "errand", "batch"));
        json.put("errand_client", median(summary, "errand", "client"));
        json.put("celery_client", median(summary, "celery", "client"));
        for (Ratio r : ratios) {
            Map<String, Object> ratio = new LinkedHashMap<>();
            ratio.put("value", Math.round(r.value() * 1000) / 1000.0);
            ratio.put("target", r.target());
            ratio.put("met", r.met());
            json.put(r.name(), ratio);
        }
        return json;
    }

    private static Object median(List<Entry> summary, String system, String workload) {
        Optional<Entry> entry = Summary.find(summary, system, workload);
        return entry.isPresent() ? entry.get().median("throughput") : "not run";
    }
}
