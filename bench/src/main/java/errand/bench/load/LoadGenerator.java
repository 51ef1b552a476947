package errand.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import errand.bench.Console;
import errand.bench.gate.Gate;
import errand.bench.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Errand's load generator: runs one {@link Workload} and judges it.
 *
 * <p>Before a workload the job store is emptied (every workload starts from the same empty table, so rounds
 * compare). After submitting, it waits until every accepted job is terminal, then applies the correctness gate from
 * the job store: exactly the submitted jobs are there, all SUCCEEDED, each echo's result equals its payload (which
 * carries a unique n), each prime-count's count is the true one. Throughput is jobs / (first submit -> last outcome
 * recorded); submit -> terminal latency is updated_at - created_at of each job (the API's acceptance to the commit
 * of its outcome); submit latency is measured by the client (for the fixed rate, from the scheduled send time, so a
 * client that falls behind shows up as latency).
 */
public final class LoadGenerator {

    /** Client errors after which a workload stops submitting (the API is likely gone). */
    static final int MAX_ERRORS = 200;

    /** The result line (one JSON object in results.jsonl) and the verdict. */
    public record Outcome(boolean passed, LinkedHashMap<String, Object> result) {

        public double throughput() {
            return result.get("throughput") instanceof Number n ? n.doubleValue() : 0;
        }
    }

    private record Submitted(int jobs, int accepted, long[] latenciesNanos) {
    }

    private final ApiClient api;
    private final JobStore store;
    private final Callable<String> connectionsJson;
    private final long expectedPrimes;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param connectionsJson the management API's {@code /api/vhosts/<vhost>/connections?columns=state}, for the
     *                        flow-control samples
     * @param expectedPrimes  the true prime count for the cpu workload's bound
     */
    public LoadGenerator(ApiClient api, JobStore store, Callable<String> connectionsJson, long expectedPrimes) {
        this.api = api;
        this.store = store;
        this.connectionsJson = connectionsJson;
        this.expectedPrimes = expectedPrimes;
    }

    public Outcome execute(Workload workload) throws Exception {
        errors.set(0);
        if (List.of("read", "list", "stats").contains(workload.kind())) {
            return readOnly(workload);
        }
        store.truncate();
        if (workload.kind().equals("client")) {
            return new ClientWorkload(api, run).execute(workload);
        }
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("system", "errand");
        result.put("workload", workload.label());
        result.put("round", workload.round());
        long commitsBefore = store.commits();
        FlowSampler flow = new FlowSampler(connectionsJson);
        Thread.ofPlatform().daemon().name("flow-sampler").start(flow);
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long throttledBefore = api.throttled();
        ServerLatency.@Nullable Snapshot serverBefore = serverLatency();
        Submitted submitted = switch (workload.kind()) {
            case "batch" -> submitBatches("echo", workload, result);
            case "cpu" -> submitBatches("prime-count", workload, result);
            case "single" -> submitSingles(workload, result);
            case "rate" -> submitAtRate(workload, result);
            default -> throw new IllegalArgumentException("unknown workload " + workload.kind());
        };
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        result.put("jobs", submitted.jobs());
        result.put("accepted", submitted.accepted());
        result.put("submit_seconds", round3(submitSeconds));
        result.put("submit_rate", round1(submitted.accepted() / submitSeconds));
        if (submitted.latenciesNanos() != null) {
            long[] sorted = Arrays.stream(submitted.latenciesNanos()).filter(l -> l > 0).toArray();
            Arrays.sort(sorted);
            result.put("submit_p50_ms", round3(percentile(sorted, 0.50) / 1e6));
            result.put("submit_p95_ms", round3(percentile(sorted, 0.95) / 1e6));
            result.put("submit_p99_ms", round3(percentile(sorted, 0.99) / 1e6));
            result.put("submit_max_ms", round3(sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6));
            ServerLatency.@Nullable Snapshot serverAfter = serverLatency();
            if (serverBefore != null && serverAfter != null) {
                // bucket bounds, so read "under": where the time the client counts on top of this went
                result.put("server_submit_p50_ms", round3(serverAfter.percentileMillisSince(serverBefore, 0.50)));
                result.put("server_submit_p99_ms", round3(serverAfter.percentileMillisSince(serverBefore, 0.99)));
            }
        }
        long throttled = api.throttled() - throttledBefore;
        Console.line(String.format(Locale.ROOT, "  accepted %d of %d jobs in %.1f s (%.0f submits/s), %d throttled"
                + " answers", submitted.accepted(), submitted.jobs(), submitSeconds,
                submitted.accepted() / submitSeconds, throttled));

        awaitTerminal(submitted.accepted());
        flow.stop = true;
        result.put("db_commits_per_job", submitted.accepted() == 0 ? 0
                : round3((store.commits() - commitsBefore) / (double) submitted.accepted()));
        result.put("flow_samples", flow.samples);
        result.put("flow_blocked_samples", flow.flowing);
        return judge(workload, submitted, startMillis, throttled, result);
    }

    /** The API's own histogram of accepted single submits; null when the API does not expose it. */
    private ServerLatency.@Nullable Snapshot serverLatency() throws InterruptedException {
        try {
            return ServerLatency.parse(api.get("/actuator/prometheus"));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    // ---- submitting

    private static String jobJson(String run, String type, int n, long upTo) {
        return type.equals("echo") ? "{\"type\":\"echo\",\"payload\":" + echoPayload(run, n) + "}"
                : "{\"type\":\"prime-count\",\"payload\":{\"upTo\":" + upTo + "}}";
    }

    /** An echo job's payload, and so its expected result: a number unique in the run, and the run. */
    static String echoPayload(String run, int n) {
        return "{\"n\":" + n + ",\"run\":\"" + run + "\"}";
    }

    /** The body of {@code POST /api/v1/jobs/batch} with jobs {@code from} (inclusive) to {@code to}. */
    static String batchBody(String run, String type, int from, int to, long upTo) {
        StringBuilder body = new StringBuilder(80 * (to - from)).append("{\"jobs\":[");
        for (int i = from; i < to; i++) {
            body.append(i > from ? "," : "").append(jobJson(run, type, i, upTo));
        }
        return body.append("]}").toString();
    }

    /** Burn-down through POST /api/v1/jobs/batch: batches of batchSize from clients threads. */
    private Submitted submitBatches(String type, Workload w, Map<String, Object> result) throws Exception {
        int jobs = w.jobs();
        int batchSize = w.batchSize();
        int batches = (jobs + batchSize - 1) / batchSize;
        result.put("batch_size", batchSize);
        result.put("clients", w.clients());
        if (type.equals("prime-count")) {
            result.put("up_to", w.upTo());
        }
        AtomicInteger nextBatch = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(w.clients())) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < w.clients(); t++) {
                futures.add(pool.submit(() -> {
                    int batch;
                    while ((batch = nextBatch.getAndIncrement()) < batches && errors.get() < MAX_ERRORS) {
                        int from = batch * batchSize;
                        int to = Math.min(jobs, from + batchSize);
                        String answer = tryPost(BatchEndpoints.SUBMIT, batchBody(run, type, from, to, w.upTo()));
                        if (answer == null) {
                            continue;
                        }
                        int count = acceptedIds(answer);
                        if (count != to - from) {
                            errors.incrementAndGet();
                            Console.line("  batch of " + (to - from) + " answered " + count + " ids");
                        }
                        accepted.addAndGet(count);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        return new Submitted(jobs, (int) accepted.get(), null);
    }

    /** The jobs with an id in a batch answer ({@code {"jobs":[{"id":...}, ...]}}). */
    static int acceptedIds(String answer) {
        int count = 0;
        for (JsonNode job : Json.tree(answer).path("jobs")) {
            if (!job.path("id").asString("").isEmpty()) {
                count++;
            }
        }
        return count;
    }

    /** Burn-down through POST /api/v1/jobs, one job per request, from concurrent closed-loop clients. */
    private Submitted submitSingles(Workload w, Map<String, Object> result) throws Exception {
        int jobs = w.jobs();
        result.put("clients", w.clients());
        long[] latencies = new long[jobs];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < w.clients(); c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < jobs && errors.get() < MAX_ERRORS) {
                        long sent = System.nanoTime();
                        if (tryPost("/api/v1/jobs", jobJson(run, "echo", i, 0)) != null) {
                            latencies[i] = System.nanoTime() - sent;
                            accepted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        return new Submitted(jobs, accepted.get(), latencies);
    }

    /**
     * Open loop: job i is due at start + i / rate; a virtual thread per request sends it when due, whatever the
     * answers to earlier ones, and its latency counts from when it was due. At most maxInFlight requests are open
     * at once: past that, due requests wait in the client (their latency still counts from when they were due).
     */
    private Submitted submitAtRate(Workload w, Map<String, Object> result) throws Exception {
        int jobs = w.jobs();
        double rate = w.rate();
        result.put("offered_rate", round1(rate));
        result.put("duration_s", w.seconds());
        long[] latencies = new long[jobs];
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        long start = System.nanoTime();
        Semaphore open = new Semaphore(w.maxInFlight());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>(jobs);
            for (int i = 0; i < jobs && errors.get() < MAX_ERRORS; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                futures.add(pool.submit(() -> {
                    open.acquire();
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        if (tryPost("/api/v1/jobs", jobJson(run, "echo", index, 0)) != null) {
                            latencies[index] = System.nanoTime() - due;
                            accepted.incrementAndGet();
                        }
                    } finally {
                        inFlight.decrementAndGet();
                        open.release();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        double achieved = jobs / ((System.nanoTime() - start) / 1e9);
        result.put("achieved_rate", round1(achieved));
        result.put("max_in_flight", maxInFlight.get());
        return new Submitted(jobs, accepted.get(), latencies);
    }

    /**
     * {@link ApiClient#post}, but a failure (connection refused or reset, an unexpected status) is counted as a
     * client error, which fails the gate, and answers null: the workload goes on, so the gate can count what was
     * recorded.
     */
    private String tryPost(String path, String body) throws InterruptedException {
        try {
            return api.post(path, body);
        } catch (java.io.IOException | RuntimeException e) {
            if (errors.incrementAndGet() <= 3) {
                Console.line("  client error: " + e);
            }
            return null;
        }
    }

    // ---- reading (the store as it is)

    /** The list the list workload asks for: the first page, newest first, of succeeded echo jobs. */
    static final String LIST_PATH = "/api/v1/jobs?status=SUCCEEDED&type=echo&limit=50";

    /** What the stats workload asks for: the counts of the bootstrap key's tenant ({@code default}). */
    static final String STATS_PATH = "/api/v1/stats";

    /**
     * {@code read}: GETs of single jobs, four in five of the workloads' jobs (those left by the burn-down before), one
     * in five of the pre-filled ones (when there are); {@code list}: the first page of {@link #LIST_PATH};
     * {@code stats}: {@link #STATS_PATH}. Closed-loop clients; the latency of each request as the client sees it. Its
     * gate: every answer 200, with the job asked for (read), a page of succeeded echo jobs, not empty (list), or the
     * counts (stats).
     */
    private Outcome readOnly(Workload w) throws Exception {
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("system", "errand");
        result.put("workload", w.label());
        result.put("round", w.round());
        int requests = w.jobs();
        List<String> paths = new ArrayList<>(requests);
        if (w.kind().equals("read")) {
            List<String> ours = store.sampleIds(requests);
            List<String> prefilled = store.samplePrefilledIds(requests / 5);
            if (ours.isEmpty() && prefilled.isEmpty()) {
                throw new IllegalStateException("no job in the store to read");
            }
            for (int i = 0; i < requests; i++) {
                boolean old = !prefilled.isEmpty() && (ours.isEmpty() || i % 5 == 4);
                List<String> from = old ? prefilled : ours;
                paths.add("/api/v1/jobs/" + from.get((old ? i / 5 : i) % from.size()));
            }
            Collections.shuffle(paths, new Random(requests));
            result.put("read_prefilled", prefilled.isEmpty() ? 0 : requests / 5);
        } else {
            paths.addAll(Collections.nCopies(requests, w.kind().equals("stats") ? STATS_PATH : LIST_PATH));
        }
        result.put("requests", requests);
        result.put("clients", w.clients());
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < w.clients(); c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && errors.get() < MAX_ERRORS) {
                        String path = paths.get(i);
                        long sent = System.nanoTime();
                        try {
                            String body = api.get(path);
                            latencies[i] = System.nanoTime() - sent;
                            if (!answers(path, body)) {
                                if (wrong.incrementAndGet() <= 3) {
                                    Console.line("  unexpected answer to " + path + ": "
                                            + body.substring(0, Math.min(200, body.length())));
                                }
                            }
                        } catch (java.io.IOException | RuntimeException e) {
                            if (errors.incrementAndGet() <= 3) {
                                Console.line("  client error: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = Arrays.stream(latencies).filter(l -> l > 0).toArray();
        Arrays.sort(sorted);
        result.put("requests_per_s", round1(sorted.length / seconds));
        result.put("latency_p50_ms", round3(percentile(sorted, 0.50) / 1e6));
        result.put("latency_p95_ms", round3(percentile(sorted, 0.95) / 1e6));
        result.put("latency_p99_ms", round3(percentile(sorted, 0.99) / 1e6));
        result.put("latency_max_ms", round3(sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6));
        result.put("answered", sorted.length);
        result.put("wrong", wrong.get());
        result.put("errors", errors.get());
        boolean passed = sorted.length == requests && wrong.get() == 0 && errors.get() == 0;
        result.put("gate", passed ? "pass" : "FAIL");
        Console.line("  " + Json.write(result));
        if (!passed) {
            Console.error(String.format(Locale.ROOT, "%n!!! CORRECTNESS GATE FAILED (errand %s, %s): %d requests,"
                    + " %d answered, %d wrong answers, %d client errors !!!", w.label(), w.round(), requests,
                    sorted.length, wrong.get(), errors.get()));
        }
        return new Outcome(passed, result);
    }

    /**
     * Is {@code body} the right answer to {@code path}: the job asked for, a non-empty page of the filter, or the
     * counts?
     */
    static boolean answers(String path, String body) {
        JsonNode answer = Json.tree(body);
        if (path.equals(STATS_PATH)) {
            return isStats(answer);
        }
        if (path.startsWith(LIST_PATH.substring(0, LIST_PATH.indexOf('?')) + "?")) {
            JsonNode jobs = answer.path("jobs");
            if (!jobs.isArray() || jobs.isEmpty() || jobs.size() > 50) {
                return false;
            }
            for (JsonNode job : jobs) {
                if (!job.path("status").asString("").equals("SUCCEEDED") || !job.path("type").asString("")
                        .equals("echo")) {
                    return false;
                }
            }
            return true;
        }
        return path.endsWith("/" + answer.path("id").asString(""));
    }

    /**
     * The shape of {@code StatsController.Stats}: a total, a count for every status, the counts per type and the
     * last hour's; the counts themselves are not checked (the kit's {@code truncate} between workloads bypasses the
     * triggers that maintain them).
     */
    static boolean isStats(JsonNode answer) {
        if (!answer.isObject() || !answer.path("total").isIntegralNumber() || !answer.path("byType").isObject()
                || !answer.path("lastHour").path("finished").isIntegralNumber()) {
            return false;
        }
        // JobStatus's constants (the kit does not depend on shared-model): the API answers every one, 0 included
        for (String status : List.of("QUEUED", "RUNNING", "RETRYING", "SUCCEEDED", "FAILED", "CANCELLED")) {
            if (!answer.path("byStatus").path(status).isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    // ---- waiting and the gate

    private void awaitTerminal(int accepted) throws Exception {
        long timeoutNanos = Duration.ofSeconds(120 + accepted / 20).toNanos();
        long begin = System.nanoTime();
        long lastReport = begin;
        long finished = 0;
        long lastFinished = -1;
        long lastProgress = begin;
        while (System.nanoTime() - begin < timeoutNanos) {
            finished = store.finished();
            if (finished >= accepted) {
                return;
            }
            if (finished != lastFinished) {
                lastFinished = finished;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(60).toNanos()) {
                Console.line(String.format(Locale.ROOT, "  no job finished for 60 s (%d of %d finished): giving up",
                        finished, accepted));
                return;
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                Console.line(String.format(Locale.ROOT, "  %d of %d finished", finished, accepted));
                lastReport = System.nanoTime();
            }
            Thread.sleep(200);
        }
        Console.line(String.format(Locale.ROOT, "  timed out: %d of %d finished", finished, accepted));
    }

    private Outcome judge(Workload w, Submitted submitted, long startMillis, long throttled,
            LinkedHashMap<String, Object> result) throws Exception {
        boolean cpu = w.kind().equals("cpu");
        JobStore.Figures f = store.figures(cpu, expectedPrimes);
        Gate.Counts counts = new Gate.Counts(submitted.jobs(), submitted.accepted(), f.rows(), f.distinct(),
                f.succeeded(), f.correct(), f.failed(), errors.get(), !cpu);
        Gate.Verdict verdict = Gate.judge(counts);
        double span = (f.lastOutcomeEpochMillis() - startMillis) / 1000.0;

        result.put("throughput", span > 0 ? round1(f.correct() / span) : 0);
        result.put("span_s", round3(span));
        result.put("e2e_p50_ms", round3(f.e2eP50Ms()));
        result.put("e2e_p95_ms", round3(f.e2eP95Ms()));
        result.put("e2e_p99_ms", round3(f.e2eP99Ms()));
        result.put("e2e_max_ms", round3(f.e2eMaxMs()));
        result.put("run_mean_ms", round3(f.runMeanMs()));
        result.put("rows", f.rows());
        result.put("succeeded", f.succeeded());
        result.put("correct", f.correct());
        result.put("failed", f.failed());
        result.put("extra_attempts", f.extraAttempts());
        result.put("throttled", throttled);
        result.put("errors", errors.get());
        result.put("lost", verdict.lost());
        result.put("gate", verdict.passed() ? "pass" : "FAIL");
        Console.line("  " + Json.write(result));
        if (!verdict.passed()) {
            Console.error(Gate.failureBanner("errand", w.label(), w.round(), counts));
        }
        return new Outcome(verdict.passed(), result);
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
