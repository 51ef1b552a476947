package errand.bench.load;

/**
 * One workload the load generator runs against Errand.
 *
 * @param kind       {@code batch} (echo burn-down through the batch endpoint), {@code single} (echo burn-down, one
 *                   job per request from {@code clients} closed-loop clients), {@code rate} (echo at a fixed offered
 *                   rate, open loop, for {@code seconds}) or {@code cpu} (prime-count burn-down, batch endpoint)
 * @param label      the workload's name in the results ({@code rate-0.5}, ...)
 * @param round      {@code warmup}, {@code round1}, ...
 */
public record Workload(String kind, String label, String round, int jobs, int clients, int batchSize,
        double rate, double seconds, long upTo, int maxInFlight) {

    public static Workload batch(String round, int jobs) {
        return new Workload("batch", "batch", round, jobs, 4, 500, 0, 0, 0, 0);
    }

    public static Workload cpu(String round, int jobs, long upTo) {
        return new Workload("cpu", "cpu", round, jobs, 4, 500, 0, 0, upTo, 0);
    }

    public static Workload single(String round, int jobs, int clients) {
        return new Workload("single", "single", round, jobs, clients, 1, 0, 0, 0, 0);
    }

    public static Workload rate(String round, String label, double rate, double seconds) {
        return new Workload("rate", label, round, (int) Math.round(rate * seconds), 0, 1, rate, seconds, 0, 256);
    }
}
