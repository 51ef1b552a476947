package errand.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import errand.bench.Console;
import errand.bench.gate.Gate;
import errand.bench.json.Json;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The client a user would write with the batch endpoints (issue 16): {@code clients} threads submit echo jobs through
 * {@code POST /api/v1/jobs/batch}; as many reader threads take each batch as soon as it is accepted, long-poll
 * {@code GET /api/v1/batches/{id}?wait=PT30S} until it is DONE, then page {@code GET /api/v1/batches/{id}/jobs}
 * to the last cursor, checking every result against what was sent. Submitting and reading overlap, as a client
 * that wants its results soon would make them. Everything is judged on what the client read, not on the job
 * store: every job read exactly once, SUCCEEDED, with its payload as its result. Throughput: jobs / (first submit
 * -> last result read), on the client's clock.
 */
final class ClientWorkload {

    /** The API's default {@code max-page-size}: a 500-job batch comes in one full page, then an empty last one. */
    static final int PAGE_LIMIT = 500;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** How long past the wait an answer may take before the request counts as failed. */
    private static final Duration WAIT_MARGIN = Duration.ofSeconds(15);

    /** A GET of the API (a path in, the body out), so the waiting and paging are tested without a network. */
    @FunctionalInterface
    interface Get {
        String get(String path) throws IOException, InterruptedException;
    }

    private record Sent(BatchEndpoints.Accepted batch, long answeredNanos) {
    }

    /** Tells a reader that every batch has been handed out. */
    private static final Sent END = new Sent(new BatchEndpoints.Accepted("", List.of()), 0);

    private final ApiClient api;
    private final String run;
    private final ResultLedger ledger = new ResultLedger();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong lastReadNanos = new AtomicLong();
    private final List<Long> batchNanos = Collections.synchronizedList(new ArrayList<>());

    ClientWorkload(ApiClient api, String run) {
        this.api = api;
        this.run = run;
    }

    LoadGenerator.Outcome execute(Workload w) throws Exception {
        int jobs = w.jobs();
        int batches = (jobs + w.batchSize() - 1) / w.batchSize();
        BlockingQueue<Sent> accepted = new LinkedBlockingQueue<>();
        AtomicInteger nextBatch = new AtomicInteger();
        AtomicLong acceptedJobs = new AtomicLong();
        long start = System.nanoTime();
        lastReadNanos.set(start);
        long deadline = start + Duration.ofSeconds(120 + jobs / 20).toNanos();
        double submitSeconds;
        try (ExecutorService submitters = Executors.newFixedThreadPool(w.clients());
                ExecutorService readers = Executors.newFixedThreadPool(w.clients())) {
            List<Future<?>> reading = new ArrayList<>();
            for (int t = 0; t < w.clients(); t++) {
                reading.add(readers.submit(() -> readBatches(accepted, deadline)));
            }
            List<Future<?>> submitting = new ArrayList<>();
            for (int t = 0; t < w.clients(); t++) {
                submitting.add(submitters.submit(() -> {
                    int batch;
                    while ((batch = nextBatch.getAndIncrement()) < batches && !tooManyErrors()) {
                        int from = batch * w.batchSize();
                        Sent sent = submit(from, Math.min(jobs, from + w.batchSize()));
                        if (sent != null) {
                            acceptedJobs.addAndGet(sent.batch().jobIds().size());
                            accepted.put(sent);
                        }
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> future : submitting) {
                    future.get();
                }
            } finally { // also when a submitter failed: else the readers would wait for ever
                for (int t = 0; t < w.clients(); t++) {
                    accepted.put(END);
                }
            }
            submitSeconds = (System.nanoTime() - start) / 1e9;
            for (Future<?> future : reading) {
                future.get();
            }
        }
        return judge(w, (int) acceptedJobs.get(), submitSeconds, (lastReadNanos.get() - start) / 1e9);
    }

    /** One batch submitted, its jobs' expected results noted before any reader can see it; null on an error. */
    private @Nullable Sent submit(int from, int to) throws InterruptedException {
        try {
            BatchEndpoints.Accepted batch = BatchEndpoints.accepted(api.post(BatchEndpoints.SUBMIT,
                    LoadGenerator.batchBody(run, "echo", from, to, 0)));
            if (batch.jobIds().size() != to - from) {
                error("a batch of " + (to - from) + " answered " + batch.jobIds().size() + " ids");
            }
            // the answer lists the jobs in submission order
            for (int k = 0; k < batch.jobIds().size(); k++) {
                ledger.expect(batch.jobIds().get(k), Json.tree(LoadGenerator.echoPayload(run, from + k)));
            }
            return new Sent(batch, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            error(e.toString());
            return null;
        }
    }

    private Void readBatches(BlockingQueue<Sent> accepted, long deadline) throws InterruptedException {
        Sent sent;
        while ((sent = accepted.take()) != END) {
            String batchId = sent.batch().batchId();
            try {
                waits.addAndGet(awaitDone(batchId, path -> api.get(path, WAIT.plus(WAIT_MARGIN)), deadline));
                pages.addAndGet(readPages(batchId, PAGE_LIMIT, api::get, ledger::read));
                long now = System.nanoTime();
                batchNanos.add(now - sent.answeredNanos());
                lastReadNanos.accumulateAndGet(now, Math::max);
            } catch (IOException | RuntimeException e) {
                error("batch " + batchId + ": " + e);
            }
        }
        return null;
    }

    /** Long-polls a batch until it is DONE; the requests it took. Past the deadline, an exception. */
    static int awaitDone(String batchId, Get get, long deadlineNanos) throws IOException, InterruptedException {
        for (int requests = 1; ; requests++) {
            if (BatchEndpoints.done(get.get(BatchEndpoints.waitPath(batchId, WAIT)))) {
                return requests;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IllegalStateException("not DONE after " + requests + " waits");
            }
        }
    }

    /** Pages a batch's jobs from the first page to the one whose {@code next} is null; the pages read. */
    static int readPages(String batchId, int limit, Get get, Consumer<JsonNode> each)
            throws IOException, InterruptedException {
        String after = null;
        int read = 0;
        do {
            BatchEndpoints.Page page = BatchEndpoints.page(get.get(BatchEndpoints.pagePath(batchId, limit, after)));
            read++;
            page.jobs().forEach(each);
            after = page.next();
        } while (after != null);
        return read;
    }

    /** Past this many client errors the API is likely gone: no more submits. */
    private boolean tooManyErrors() {
        return errors.get() >= LoadGenerator.MAX_ERRORS;
    }

    private void error(String what) {
        if (errors.incrementAndGet() <= 3) {
            Console.line("  client error: " + what);
        }
    }

    private LoadGenerator.Outcome judge(Workload w, int accepted, double submitSeconds, double span) {
        ResultLedger.Tally tally = ledger.tally();
        Gate.Counts counts = new Gate.Counts(w.jobs(), accepted, tally.read(), tally.distinct(), tally.succeeded(),
                tally.correct(), tally.failed(), errors.get(), true);
        Gate.Verdict verdict = Gate.judge(counts);
        long[] sorted = batchNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("system", "errand");
        result.put("workload", w.label());
        result.put("round", w.round());
        result.put("jobs", w.jobs());
        result.put("accepted", accepted);
        result.put("batch_size", w.batchSize());
        result.put("clients", w.clients());
        result.put("readers", w.clients());
        result.put("page_limit", PAGE_LIMIT);
        result.put("submit_seconds", LoadGenerator.round3(submitSeconds));
        result.put("submit_rate", LoadGenerator.round1(accepted / submitSeconds));
        result.put("throughput", span > 0 ? LoadGenerator.round1(tally.correct() / span) : 0);
        result.put("span_s", LoadGenerator.round3(span));
        // from a batch's submit answered to its last page read
        result.put("batch_read_p50_ms", LoadGenerator.round3(LoadGenerator.percentile(sorted, 0.50) / 1e6));
        result.put("batch_read_p99_ms", LoadGenerator.round3(LoadGenerator.percentile(sorted, 0.99) / 1e6));
        result.put("waits", waits.get());
        result.put("pages", pages.get());
        result.put("results_read", tally.read());
        result.put("distinct", tally.distinct());
        result.put("succeeded", tally.succeeded());
        result.put("correct", tally.correct());
        result.put("failed", tally.failed());
        result.put("duplicates", tally.duplicates());
        result.put("unknown", tally.unknown());
        result.put("errors", errors.get());
        result.put("lost", verdict.lost());
        result.put("gate", verdict.passed() ? "pass" : "FAIL");
        Console.line(String.format(Locale.ROOT, "  submitted %d of %d jobs in %.1f s; read back %d results in %d"
                + " pages after %d waits", accepted, w.jobs(), submitSeconds, tally.read(), pages.get(), waits.get()));
        Console.line("  " + Json.write(result));
        if (!verdict.passed()) {
            Console.error(Gate.failureBanner("errand", w.label(), w.round(), counts));
        }
        return new LoadGenerator.Outcome(verdict.passed(), result);
    }
}
