package errand.bench.load;

/**
 * One workload the load generator runs against Errand.
 *
 * @param kind       {@code batch} (echo burn-down through the batch endpoint), {@code single} (echo burn-down, one
 *                   job per request from {@code clients} closed-loop clients), {@code rate} (echo at a fixed offered
 *                   rate, open loop, for {@code seconds}), {@code cpu} (prime-count burn-down, batch endpoint),
 *                   {@code read} ({@code jobs} requests {@code GET /api/v1/jobs/{id}} of jobs in the store, from
 *                   {@code clients} closed-loop clients), {@code list} ({@code jobs} requests for the first page of
 *                   {@code GET /api/v1/jobs?status=SUCCEEDED&type=echo&limit=50}) or {@code stats} ({@code jobs}
 *                   requests {@code GET /api/v1/stats}); read, list and stats leave the store as it is;
 *                   {@code client} (echo jobs submitted in batches from {@code clients} threads, each batch waited on
 *                   and its results paged by as many reader threads: {@link ClientWorkload})
 * @param label      the workload's name in the results ({@code rate-0.5}, ...)
 * @param round      {@code warmup}, {@code round1}, ...
 */
public record Workload(String kind, String label, String round, int jobs, int clients, int batchSize,
        double rate, double seconds, long upTo, int maxInFlight) {

    public static Workload batch(String round, int jobs) {
        return new Workload("batch", "batch", round, jobs, 4, 500, 0, 0, 0, 0);
    }

    /** The client end to end: batches of 500 from 4 submitting threads, read back by 4 more. */
    public static Workload client(String round, int jobs) {
        return new Workload("client", "client", round, jobs, 4, 500, 0, 0, 0, 0);
    }

    public static Workload cpu(String round, int jobs, long upTo) {
        return new Workload("cpu", "cpu", round, jobs, 4, 500, 0, 0, upTo, 0);
    }

    public static Workload single(String round, int jobs, int clients) {
        return new Workload("single", "single", round, jobs, clients, 1, 0, 0, 0, 0);
    }

    /** {@code requests} GETs of single jobs; {@code label} is {@code read} or {@code read-full}. */
    public static Workload read(String round, String label, int requests) {
        return new Workload("read", label, round, requests, 16, 1, 0, 0, 0, 0);
    }

    /** {@code requests} GETs of a filtered list's first page; {@code label} is {@code list} or {@code list-full}. */
    public static Workload list(String round, String label, int requests) {
        return new Workload("list", label, round, requests, 8, 1, 0, 0, 0, 0);
    }

    /** {@code requests} GETs of the tenant's counts; {@code label} is {@code stats} or {@code stats-full}. */
    public static Workload stats(String round, String label, int requests) {
        return new Workload("stats", label, round, requests, 4, 1, 0, 0, 0, 0);
    }

    /** The same workload under another label (the pre-filled store's runs: {@code batch-full}, ...). */
    public Workload labelled(String newLabel) {
        return new Workload(kind, newLabel, round, jobs, clients, batchSize, rate, seconds, upTo, maxInFlight);
    }

    public static Workload rate(String round, String label, double rate, double seconds) {
        return new Workload("rate", label, round, (int) Math.round(rate * seconds), 0, 1, rate, seconds, 0, 256);
    }
}
