package errand.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;

import errand.bench.json.Json;
import org.jspecify.annotations.Nullable;

/**
 * One line of results.jsonl: one workload of one system in one round. Errand's, PerfTest's and Celery's lines have
 * different fields, so the row keeps them all, in order, and reads the common ones by name.
 */
public record ResultRow(Map<String, Object> fields) {

    public static ResultRow parse(String jsonLine) {
        return new ResultRow(Json.object(jsonLine));
    }

    public String system() {
        return text("system");
    }

    public String workload() {
        return text("workload");
    }

    public String round() {
        return text("round");
    }

    public String gate() {
        return text("gate");
    }

    /** Why the workload did not run (a fixed rate above the measured maximum), or null. */
    public @Nullable String skipped() {
        Object value = fields.get("skipped");
        return value == null ? null : value.toString();
    }

    /** A measured round that ran (not the warm-up, not skipped). */
    public boolean measured() {
        return !round().equals("warmup") && skipped() == null;
    }

    /** A numeric field, or null when absent or not a number. */
    public @Nullable Double number(String key) {
        return fields.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    /** {@code cpu_ms_per_job}: CPU milliseconds per job by process group, empty when not recorded. */
    public Map<String, Double> cpuMsPerJob() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        if (fields.get("cpu_ms_per_job") instanceof Map<?, ?> map) {
            map.forEach((name, value) -> {
                if (value instanceof Number n) {
                    cpu.put(name.toString(), n.doubleValue());
                }
            });
        }
        return cpu;
    }

    public String json() {
        return Json.write(fields);
    }

    private String text(String key) {
        Object value = fields.get(key);
        return value == null ? "" : value.toString();
    }
}
