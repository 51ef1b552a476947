// Errand load generator: JDK only, run from source by bench/run:
//   java bench/Bench.java --api http://127.0.0.1:8080 --db errand_bench_x -n 20000 [--pids api=1,worker-1=2]
//
// Submits N echo jobs through POST /api/v1/jobs/batch (batches of 500, from a few threads), waits until the job
// store has an outcome for every one, then reads from it the submit-to-terminal latencies and the correctness gate:
// every accepted job SUCCEEDED with a result equal to its payload. Exit status 0 only if nothing was lost.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        URI api = URI.create(options.getOrDefault("--api", "http://127.0.0.1:8080"));
        String database = require(options, "--db");
        int jobs = Integer.parseInt(options.getOrDefault("-n", "20000"));
        int batchSize = Integer.parseInt(options.getOrDefault("--batch", "500"));
        int threads = Integer.parseInt(options.getOrDefault("--threads", "4"));
        String pids = options.getOrDefault("--pids", "");
        Path results = Path.of(options.getOrDefault("--results", "bench/results"));
        String run = Long.toString(System.currentTimeMillis(), 36);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger nextBatch = new AtomicInteger();
        AtomicLong accepted = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        int batches = (jobs + batchSize - 1) / batchSize;

        System.out.printf("submitting %d echo jobs in %d batches of %d from %d threads%n", jobs, batches, batchSize,
                threads);
        long submitStart = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    int batch;
                    while ((batch = nextBatch.getAndIncrement()) < batches) {
                        int from = batch * batchSize;
                        int to = Math.min(jobs, from + batchSize);
                        accepted.addAndGet(submitBatch(http, api, run, from, to, throttled));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        double submitSeconds = (System.nanoTime() - submitStart) / 1e9;
        System.out.printf("accepted %d jobs in %.1f s (%.0f submits/s), %d throttled answers%n", accepted.get(),
                submitSeconds, accepted.get() / submitSeconds, throttled.get());

        Duration timeout = Duration.ofSeconds(120 + jobs / 20);
        Instant deadline = Instant.now().plus(timeout);
        long finished = 0;
        long lastReport = 0;
        while (Instant.now().isBefore(deadline)) {
            finished = Long.parseLong(sql(database,
                    "select count(*) from jobs where status in ('SUCCEEDED','FAILED','CANCELLED')").trim());
            if (finished >= accepted.get()) {
                break;
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                System.out.printf("  %d of %d finished%n", finished, accepted.get());
                lastReport = System.nanoTime();
            }
            Thread.sleep(250);
        }

        String[] stats = sql(database, """
                select count(*),
                       count(*) filter (where status = 'SUCCEEDED'),
                       count(*) filter (where status = 'SUCCEEDED' and result = payload),
                       count(*) filter (where status in ('FAILED', 'CANCELLED')),
                       coalesce(sum(greatest(attempts - 1, 0)), 0),
                       coalesce(round(percentile_disc(0.50) within group (order by ms))::bigint, 0),
                       coalesce(round(percentile_disc(0.95) within group (order by ms))::bigint, 0),
                       coalesce(round(percentile_disc(0.99) within group (order by ms))::bigint, 0),
                       coalesce(round(max(ms))::bigint, 0),
                       coalesce(extract(epoch from max(finished_at) - min(created_at)), 0)
                from (select *, extract(epoch from finished_at - created_at) * 1000 as ms from jobs) j
                """).trim().split("\\|");
        long rows = Long.parseLong(stats[0]);
        long succeeded = Long.parseLong(stats[1]);
        long correct = Long.parseLong(stats[2]);
        long failed = Long.parseLong(stats[3]);
        long extraAttempts = Long.parseLong(stats[4]);
        long p50 = Long.parseLong(stats[5]);
        long p95 = Long.parseLong(stats[6]);
        long p99 = Long.parseLong(stats[7]);
        long max = Long.parseLong(stats[8]);
        double span = Double.parseDouble(stats[9]);
        long lost = jobs - correct;
        double throughput = span > 0 ? correct / span : 0;

        Map<String, Long> peakRss = new LinkedHashMap<>();
        for (String entry : pids.split(",")) {
            if (entry.contains("=")) {
                String[] nameAndPid = entry.split("=", 2);
                peakRss.put(nameAndPid[0], peakRssKiB(nameAndPid[1]));
            }
        }

        StringBuilder report = new StringBuilder();
        report.append("# Errand benchmark ").append(Instant.now()).append("\n\n");
        report.append("| what | value |\n|---|---|\n");
        row(report, "jobs submitted", Integer.toString(jobs));
        row(report, "jobs accepted (202)", Long.toString(accepted.get()));
        row(report, "batch size / submit threads", batchSize + " / " + threads);
        row(report, "submit rate", "%.0f jobs/s (%.1f s)".formatted(accepted.get() / submitSeconds, submitSeconds));
        row(report, "throughput, first submit to last outcome", "%.0f jobs/s (%.1f s)".formatted(throughput, span));
        row(report, "latency submit to terminal p50", p50 + " ms");
        row(report, "latency submit to terminal p95", p95 + " ms");
        row(report, "latency submit to terminal p99", p99 + " ms");
        row(report, "latency submit to terminal max", max + " ms");
        row(report, "job rows", Long.toString(rows));
        row(report, "succeeded / with result = payload", succeeded + " / " + correct);
        row(report, "failed or cancelled", Long.toString(failed));
        row(report, "extra attempts (redeliveries)", Long.toString(extraAttempts));
        row(report, "throttled answers (429/503)", Long.toString(throttled.get()));
        peakRss.forEach((name, kib) -> row(report, "peak RSS " + name, kib < 0 ? "?" : "%d MiB".formatted(kib / 1024)));
        row(report, "**lost**", "**" + lost + "**");
        report.append("\nMachine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(Runtime.version()).append(".\n");

        System.out.println();
        System.out.println(report);
        Files.createDirectories(results);
        Path file = results.resolve("bench-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.writeString(file, report.toString(), StandardCharsets.UTF_8);
        System.out.println("written to " + file);

        if (lost != 0 || accepted.get() != jobs || rows != jobs) {
            System.err.printf("%n!!! CORRECTNESS GATE FAILED: %d of %d jobs lost or wrong (accepted %d, rows %d,"
                    + " succeeded %d, correct results %d, failed %d) !!!%n", lost, jobs, accepted.get(), rows,
                    succeeded, correct, failed);
            System.exit(1);
        }
        System.out.println("correctness gate passed: every accepted job SUCCEEDED with its payload as result");
    }

    /** Posts jobs [from, to) as one batch; retries throttled answers; returns how many were accepted. */
    private static int submitBatch(HttpClient http, URI api, String run, int from, int to, AtomicLong throttled)
            throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder(64 * (to - from)).append("{\"jobs\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                body.append(',');
            }
            body.append("{\"type\":\"echo\",\"payload\":{\"n\":").append(i).append(",\"run\":\"").append(run)
                    .append("\"}}");
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/api/v1/jobs/batch"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        for (int tries = 1; ; tries++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                Matcher ids = ID.matcher(response.body());
                int count = 0;
                while (ids.find()) {
                    count++;
                }
                if (count != to - from) {
                    throw new IllegalStateException("batch of " + (to - from) + " answered " + count + " ids");
                }
                return count;
            }
            if ((response.statusCode() == 429 || response.statusCode() == 503) && tries < 100) {
                throttled.incrementAndGet();
                long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                Thread.sleep(Duration.ofSeconds(Math.max(1, Math.min(seconds, 10))));
                continue;
            }
            throw new IllegalStateException("batch " + from + ".." + to + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private static String sql(String database, String query) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qtAX",
                "-v", "ON_ERROR_STOP=1", "-c", query).redirectErrorStream(true).start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (psql.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + out);
        }
        return out;
    }

    private static long peakRssKiB(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void row(StringBuilder report, String what, String value) {
        report.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
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
