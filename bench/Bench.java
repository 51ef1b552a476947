// Errand load generator: JDK only, run from source by bench/run, one workload per call:
//   java bench/Bench.java batch  --api URL --db DB -n 50000 [--batch 500 --threads 4]   echo burn-down, batch endpoint
//   java bench/Bench.java single --api URL --db DB -n 50000 [--clients 32]              echo burn-down, single submits
//   java bench/Bench.java rate   --api URL --db DB --rate 800 --duration 20             echo at a fixed offered rate
//   java bench/Bench.java cpu    --api URL --db DB -n 5000 [--up-to 2000000]            prime-count burn-down (batch)
// common: --round NAME (label), --out FILE (appends one JSON line per workload), --no-truncate
//
// Before a workload the job store is emptied (truncate jobs, job_attempts: every workload starts from the same empty
// table, so rounds compare). After submitting, it waits until every accepted job is terminal, then applies the
// correctness gate from the job store: exactly the submitted jobs are there, all SUCCEEDED, each echo's result equals
// its payload (which carries a unique n), each prime-count's count is the true one. Throughput is jobs / (first
// submit -> last outcome recorded); submit -> terminal latency is updated_at - created_at of each job (the API's
// acceptance to the commit of its outcome); submit latency is measured by the client (for the fixed rate, from the
// scheduled send time, so a client that falls behind shows up as latency). Exit status 1 if the gate fails.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {

    /** Client errors after which a workload stops submitting (the API is likely gone). */
    private static final int MAX_ERRORS = 200;

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    private final String workload;
    private final Map<String, String> options;
    private final URI api;
    private final String database;
    private final String round;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Map<String, Object> result = new LinkedHashMap<>();

    Bench(String workload, Map<String, String> options) {
        this.workload = workload;
        this.options = options;
        this.api = URI.create(options.getOrDefault("--api", "http://127.0.0.1:8080"));
        this.database = require(options, "--db");
        this.round = options.getOrDefault("--round", "adhoc");
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: Bench batch|single|rate|cpu --api URL --db DB [options]");
        }
        if (args[0].equals("prime-count-of")) {
            System.out.println(primeCount(Long.parseLong(args[1])));
            return;
        }
        Bench bench = new Bench(args[0], parse(Arrays.copyOfRange(args, 1, args.length)));
        boolean passed = bench.execute();
        System.exit(passed ? 0 : 1);
    }

    boolean execute() throws Exception {
        if (!options.containsKey("--no-truncate")) {
            sql("truncate jobs, job_attempts");
        }
        result.put("system", "errand");
        result.put("workload", options.getOrDefault("--label", workload));
        result.put("round", round);
        long commitsBefore = commits();
        FlowSampler flow = new FlowSampler();
        Thread.ofPlatform().daemon().name("flow-sampler").start(flow);
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        Submitted submitted = switch (workload) {
            case "batch" -> submitBatches("echo", intOption("-n", 50_000));
            case "cpu" -> submitBatches("prime-count", intOption("-n", 5_000));
            case "single" -> submitSingles(intOption("-n", 50_000), intOption("--clients", 32));
            case "rate" -> submitAtRate(Double.parseDouble(require(options, "--rate")),
                    Double.parseDouble(options.getOrDefault("--duration", "20")));
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        result.put("jobs", submitted.jobs);
        result.put("accepted", submitted.accepted);
        result.put("submit_seconds", round3(submitSeconds));
        result.put("submit_rate", round1(submitted.accepted / submitSeconds));
        if (submitted.latenciesNanos != null) {
            long[] sorted = Arrays.stream(submitted.latenciesNanos).filter(l -> l > 0).toArray();
            Arrays.sort(sorted);
            result.put("submit_p50_ms", round3(percentile(sorted, 0.50) / 1e6));
            result.put("submit_p95_ms", round3(percentile(sorted, 0.95) / 1e6));
            result.put("submit_p99_ms", round3(percentile(sorted, 0.99) / 1e6));
            result.put("submit_max_ms", round3(sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6));
        }
        System.out.printf(Locale.ROOT, "  accepted %d of %d jobs in %.1f s (%.0f submits/s), %d throttled answers%n",
                submitted.accepted, submitted.jobs, submitSeconds, submitted.accepted / submitSeconds, throttled.get());

        awaitTerminal(submitted.accepted);
        flow.stop = true;
        result.put("db_commits_per_job", submitted.accepted == 0 ? 0
                : round3((commits() - commitsBefore) / (double) submitted.accepted));
        result.put("flow_samples", flow.samples);
        result.put("flow_blocked_samples", flow.flowing);
        return gate(submitted, startMillis);
    }

    /** Transactions committed in the job store's database so far (the statistics lag by up to a second). */
    private long commits() throws IOException, InterruptedException {
        Thread.sleep(1100); // PostgreSQL 15 flushes backends' statistics at most once a second
        return Long.parseLong(sql("select xact_commit from pg_stat_database where datname = current_database()")
                .trim());
    }

    /**
     * Samples, twice a second, whether any of the vhost's connections is in flow control (RabbitMQ throttles a
     * publisher that outpaces it: connection state "flow") or blocked by a resource alarm.
     */
    private final class FlowSampler implements Runnable {
        volatile boolean stop;
        volatile long samples;
        volatile long flowing;

        @Override
        public void run() {
            String management = options.get("--management");
            String vhost = options.get("--vhost");
            if (management == null || vhost == null) {
                return;
            }
            String auth = "Basic " + java.util.Base64.getEncoder()
                    .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(URI.create(management + "/api/vhosts/"
                            + java.net.URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "/connections?columns=state"))
                    .header("Authorization", auth).timeout(Duration.ofSeconds(5)).build();
            while (!stop) {
                try {
                    String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                    samples++;
                    if (body.contains("\"flow\"") || body.contains("\"blocked\"") || body.contains("\"blocking\"")) {
                        flowing++;
                    }
                    Thread.sleep(500);
                } catch (IOException e) {
                    // the next sample
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    record Submitted(int jobs, int accepted, long[] latenciesNanos) {
    }

    // ---- submitting

    private String jobJson(String type, int n) {
        return type.equals("echo")
                ? "{\"type\":\"echo\",\"payload\":{\"n\":" + n + ",\"run\":\"" + run + "\"}}"
                : "{\"type\":\"prime-count\",\"payload\":{\"upTo\":" + upTo() + "}}";
    }

    private long upTo() {
        return Long.parseLong(options.getOrDefault("--up-to", "2000000"));
    }

    /** Burn-down through POST /api/v1/jobs/batch: batches of --batch from --threads threads. */
    private Submitted submitBatches(String type, int jobs) throws Exception {
        int batchSize = intOption("--batch", 500);
        int threads = intOption("--threads", 4);
        int batches = (jobs + batchSize - 1) / batchSize;
        result.put("batch_size", batchSize);
        result.put("clients", threads);
        if (type.equals("prime-count")) {
            result.put("up_to", upTo());
        }
        AtomicInteger nextBatch = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    int batch;
                    while ((batch = nextBatch.getAndIncrement()) < batches && errors.get() < MAX_ERRORS) {
                        int from = batch * batchSize;
                        int to = Math.min(jobs, from + batchSize);
                        StringBuilder body = new StringBuilder(80 * (to - from)).append("{\"jobs\":[");
                        for (int i = from; i < to; i++) {
                            body.append(i > from ? "," : "").append(jobJson(type, i));
                        }
                        String answer = tryPost("/api/v1/jobs/batch", body.append("]}").toString());
                        if (answer == null) {
                            continue;
                        }
                        Matcher ids = ID.matcher(answer);
                        int count = 0;
                        while (ids.find()) {
                            count++;
                        }
                        if (count != to - from) {
                            errors.incrementAndGet();
                            System.out.println("  batch of " + (to - from) + " answered " + count + " ids");
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

    /** Burn-down through POST /api/v1/jobs, one job per request, from --clients concurrent closed-loop clients. */
    private Submitted submitSingles(int jobs, int clients) throws Exception {
        result.put("clients", clients);
        long[] latencies = new long[jobs];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < jobs && errors.get() < MAX_ERRORS) {
                        long sent = System.nanoTime();
                        if (tryPost("/api/v1/jobs", jobJson("echo", i)) != null) {
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
     * answers to earlier ones, and its latency counts from when it was due.
     */
    private Submitted submitAtRate(double rate, double seconds) throws Exception {
        int jobs = (int) Math.round(rate * seconds);
        result.put("offered_rate", round1(rate));
        result.put("duration_s", seconds);
        long[] latencies = new long[jobs];
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        long start = System.nanoTime();
        // at most --max-in-flight requests open at once: past that, due requests wait in the client (their latency
        // still counts from when they were due) instead of opening ever more connections to an overloaded API
        java.util.concurrent.Semaphore open = new java.util.concurrent.Semaphore(intOption("--max-in-flight", 256));
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
                        if (tryPost("/api/v1/jobs", jobJson("echo", index)) != null) {
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
     * {@link #post}, but a failure (connection refused or reset, an unexpected status) is counted as a client error,
     * which fails the gate, and answers null: the workload goes on, so the gate can count what was recorded.
     */
    private String tryPost(String path, String body) throws InterruptedException {
        try {
            return post(path, body);
        } catch (IOException | RuntimeException e) {
            if (errors.incrementAndGet() <= 3) {
                System.out.println("  client error: " + e);
            }
            return null;
        }
    }

    /** POSTs a body; retries 429/503 after Retry-After (counted); anything else but 202 is an error. */
    private String post(String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int tries = 1; ; tries++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                return response.body();
            }
            if ((response.statusCode() == 429 || response.statusCode() == 503) && tries < 100) {
                throttled.incrementAndGet();
                long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(seconds, 10))));
                continue;
            }
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
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
            finished = Long.parseLong(sql(
                    "select count(*) from jobs where status in ('SUCCEEDED','FAILED','CANCELLED')").trim());
            if (finished >= accepted) {
                return;
            }
            if (finished != lastFinished) {
                lastFinished = finished;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(60).toNanos()) {
                System.out.printf("  no job finished for 60 s (%d of %d finished): giving up%n", finished, accepted);
                return;
            }
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
                System.out.printf("  %d of %d finished%n", finished, accepted);
                lastReport = System.nanoTime();
            }
            Thread.sleep(200);
        }
        System.out.printf("  timed out: %d of %d finished%n", finished, accepted);
    }

    private boolean gate(Submitted submitted, long startMillis) throws Exception {
        String correct = workload.equals("cpu")
                ? "status = 'SUCCEEDED' and (result->>'count')::bigint = " + primeCount(upTo())
                : "status = 'SUCCEEDED' and result = payload";
        String[] s = sql("""
                select count(*),
                       count(distinct coalesce(payload->>'n', id::text)),
                       count(*) filter (where status = 'SUCCEEDED'),
                       count(*) filter (where %s),
                       count(*) filter (where status in ('FAILED', 'CANCELLED')),
                       coalesce(sum(greatest(attempts - 1, 0)), 0),
                       coalesce(percentile_disc(0.50) within group (order by ms), 0),
                       coalesce(percentile_disc(0.95) within group (order by ms), 0),
                       coalesce(percentile_disc(0.99) within group (order by ms), 0),
                       coalesce(max(ms), 0),
                       coalesce(extract(epoch from max(updated_at)) * 1000, 0),
                       coalesce(avg(run_ms) filter (where status = 'SUCCEEDED'), 0)
                from (select *, extract(epoch from updated_at - created_at) * 1000 as ms,
                             extract(epoch from finished_at - started_at) * 1000 as run_ms
                      from jobs) j
                """.formatted(correct)).trim().split("\\|");
        long rows = Long.parseLong(s[0]);
        long distinct = Long.parseLong(s[1]);
        long succeeded = Long.parseLong(s[2]);
        long correctCount = Long.parseLong(s[3]);
        long failed = Long.parseLong(s[4]);
        long extraAttempts = Long.parseLong(s[5]);
        double lastOutcomeMillis = Double.parseDouble(s[10]);
        double span = (lastOutcomeMillis - startMillis) / 1000.0;
        long lost = submitted.jobs - correctCount;
        boolean distinctOk = workload.equals("cpu") || distinct == submitted.jobs;
        boolean passed = lost == 0 && rows == submitted.jobs && submitted.accepted == submitted.jobs && distinctOk
                && errors.get() == 0;

        result.put("throughput", span > 0 ? round1(correctCount / span) : 0);
        result.put("span_s", round3(span));
        result.put("e2e_p50_ms", round3(Double.parseDouble(s[6])));
        result.put("e2e_p95_ms", round3(Double.parseDouble(s[7])));
        result.put("e2e_p99_ms", round3(Double.parseDouble(s[8])));
        result.put("e2e_max_ms", round3(Double.parseDouble(s[9])));
        result.put("run_mean_ms", round3(Double.parseDouble(s[11])));
        result.put("rows", rows);
        result.put("succeeded", succeeded);
        result.put("correct", correctCount);
        result.put("failed", failed);
        result.put("extra_attempts", extraAttempts);
        result.put("throttled", throttled.get());
        result.put("errors", errors.get());
        result.put("lost", lost);
        result.put("gate", passed ? "pass" : "FAIL");

        String line = toJson(result);
        System.out.println("  " + line);
        if (options.containsKey("--out")) {
            Files.writeString(Path.of(options.get("--out")), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (!passed) {
            System.err.printf("%n!!! CORRECTNESS GATE FAILED (errand %s, %s): submitted %d, accepted %d, rows %d,"
                    + " distinct %d, succeeded %d, correct results %d, failed %d, client errors %d: lost or wrong %d"
                    + " !!!%n", workload, round, submitted.jobs, submitted.accepted, rows, distinct, succeeded,
                    correctCount, failed, errors.get(), lost);
        }
        return passed;
    }

    /** The number of primes <= n, computed here to check the workers' answers. */
    static long primeCount(long n) {
        if (n < 2) {
            return 0;
        }
        boolean[] composite = new boolean[(int) n + 1];
        long count = 0;
        for (int i = 2; i <= n; i++) {
            if (!composite[i]) {
                count++;
                for (long m = (long) i * i; m <= n; m += i) {
                    composite[(int) m] = true;
                }
            }
        }
        return count;
    }

    // ---- helpers

    private String sql(String query) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qtAX",
                "-v", "ON_ERROR_STOP=1", "-c", query).redirectErrorStream(true).start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (psql.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + out);
        }
        return out;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static String toJson(Map<String, Object> map) {
        StringBuilder json = new StringBuilder("{");
        map.forEach((key, value) -> {
            json.append(json.length() > 1 ? "," : "").append('"').append(key).append("\":");
            json.append(value instanceof String text ? "\"" + text.replace("\"", "\\\"") + "\"" : value);
        });
        return json.append('}').toString();
    }

    private int intOption(String name, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(defaultValue)));
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-truncate")) {
                options.put(args[i], "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
