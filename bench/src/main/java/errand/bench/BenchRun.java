package errand.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import errand.bench.cli.Options;
import errand.bench.gate.RunGate;
import errand.bench.json.Json;
import errand.bench.load.JobStore;
import errand.bench.load.LoadGenerator;
import errand.bench.load.PrimeCount;
import errand.bench.load.Workload;
import errand.bench.report.JfrSummary;
import errand.bench.report.Report;
import errand.bench.report.Results;
import errand.bench.systems.CelerySystem;
import errand.bench.systems.Environment;
import errand.bench.systems.ErrandSystem;
import errand.bench.systems.MessageSpy;
import errand.bench.systems.PerfTestSystem;
import errand.bench.systems.Processes;
import errand.bench.systems.Services;
import errand.bench.systems.StartupBench;
import errand.bench.systems.Tools;
import errand.testsupport.ErrandTestServices.Isolated;

/**
 * One run: the tools and services, the systems started, a warm-up of every system (Errand first, so its burn-down
 * shows PerfTest the message pattern), then the measured rounds with the systems alternating (round r starts with a
 * different one), peak RSS, the report, and the cleanup of everything it started or made.
 */
final class BenchRun {

    private final Options options;
    private final Path out;
    private final Results results;
    private final RunGate gate = new RunGate();
    private final Processes processes = new Processes();
    private final long clockTicks = Processes.clockTicks();
    private long expectedPrimes;
    private ErrandSystem errand;
    private PerfTestSystem perftest;
    private CelerySystem celery;
    private MessageSpy.MessagePattern pattern;
    private boolean errandDeathCounted;
    /** With --store-rows, once pre-filled: the workloads' jobs are those created after it. */
    private Timestamp storeSince;
    private String loadAverageAtStart = "";

    BenchRun(Options options) throws Exception {
        this.options = options;
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        this.out = Path.of("bench/results", stamp);
        Files.createDirectories(out.resolve("logs"));
        this.results = new Results(out.resolve("results.jsonl"));
        Files.writeString(results.file(), "");
        Path latest = Path.of("bench/results/latest");
        Files.deleteIfExists(latest);
        Files.createSymbolicLink(latest, Path.of(stamp));
        Console.teeTo(out.resolve("run.log"));
    }

    int run() throws Exception {
        Thread cleanupOnSignal = new Thread(processes::stopAll);
        Runtime.getRuntime().addShutdownHook(cleanupOnSignal);
        try (Services services = Services.ensureRunning()) {
            Thread removeOnSignal = new Thread(services::close);
            Runtime.getRuntime().addShutdownHook(removeOnSignal);
            try {
                return measure(services);
            } finally {
                processes.stopAll();
                deleteJars();
                Runtime.getRuntime().removeShutdownHook(removeOnSignal);
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanupOnSignal);
        }
    }

    private int measure(Services services) throws Exception {
        Path logs = out.resolve("logs");
        if (options.has("celery") || !Tools.matplotlibInstalled()) {
            Tools.ensureDebianPackages(logs);
        }
        if (options.has("perftest")) {
            Tools.ensurePerfTest(logs);
        }
        expectedPrimes = PrimeCount.of(options.upTo());
        if (options.has("errand")) {
            Tools.ensureJars(options.build(), out, options.java());
        }
        Console.log("run " + out.getFileName() + ": " + options.jobs() + " jobs per burn-down, " + options.rounds()
                + " measured rounds after a warm-up of " + options.warmupJobs() + ", systems: "
                + String.join(",", options.systems()));
        Environment.Machine machine = Environment.currentMachine();
        loadAverageAtStart = String.join(" ", machine.loadAverageAtStart());
        Console.log("machine: " + machine.cores() + " cores, " + machine.memoryGib() + " GiB, load average "
                + String.join(" ", machine.loadAverageAtStart()));
        try {
            Json.writeFile(out.resolve("environment.json"), Environment.record(options.java(),
                    Path.of("producer-api/target/producer-api-0.1.0.jar"), Path.of("bench/.tools/perftest")));
        } catch (Exception e) {
            Console.log("(could not record every version: " + e.getMessage() + ")");
        }

        if (options.scale()) {
            scaleOut(services);
            return finish();
        }
        if (options.has("errand") && options.runs("startup")) { // before the measured system: a quiet machine
            new StartupBench(options, services.isolate("startup"), out).run(processes);
        }
        if (options.has("errand")) {
            // without retention even with --store-rows: it would delete the pre-fill while it is being inserted
            errand = new ErrandSystem(options, services.isolate("errand"), out, 1, options.workers());
            errand.start(processes);
        }
        if (options.has("perftest")) {
            perftest = new PerfTestSystem(options, services.isolate("perftest"), out);
        }
        if (options.has("celery")) {
            celery = new CelerySystem(options, services.isolate("celery"), out);
            celery.start(processes);
        }
        List<String> systems = Options.ALL_SYSTEMS.stream().filter(options::has)
                .sorted((a, b) -> Integer.compare(order(a), order(b))).toList();

        // warm-up: Errand first, so its burn-down shows PerfTest the message pattern
        for (String system : List.of("errand", "perftest", "celery")) {
            if (options.has(system)) {
                runSystem(system, "warmup", options.warmupJobs());
            }
        }
        for (int r = 1; r <= options.rounds(); r++) {
            for (int k = 0; k < systems.size(); k++) {
                runSystem(systems.get((r - 1 + k) % systems.size()), "round" + r, options.jobs());
            }
        }
        if (options.storeRows() > 0 && errand != null) {
            fullStore();
        }

        Map<String, Object> rss = new LinkedHashMap<>();
        if (errand != null) {
            rss.putAll(errand.peakRss());
        }
        if (celery != null) {
            rss.putAll(celery.peakRss());
        }
        Json.writeFile(out.resolve("peak-rss-kib.json"), rss);
        return finish();
    }

    /** Stops everything, summarises the profile, writes the report; the exit status. */
    private int finish() throws Exception {
        if (!Files.exists(out.resolve("peak-rss-kib.json"))) {
            Json.writeFile(out.resolve("peak-rss-kib.json"), Map.of());
        }
        processes.stopAll();
        if (options.profile() && errand != null) {
            profileSummary();
        }
        try {
            if (Report.write(out) != 0 && gate.passed()) {
                gate.fail("the report found a failed gate");
            }
        } catch (Exception e) {
            Console.log("report failed: " + e);
            gate.fail("report");
        }
        Console.log("report: " + out.resolve("report.md") + " (charts and logs beside it; bench/results/latest points"
                + " there)");
        if (!gate.passed()) {
            Console.log("!!! " + gate.failures() + " workload(s) FAILED the correctness gate or did not run: see"
                    + " above !!!");
            return 1;
        }
        Console.log("correctness gate passed on every workload: every submitted job has its checked result, 0 lost");
        return 0;
    }

    /** The measured rounds' order: perftest, errand, celery. */
    private static int order(String system) {
        return List.of("perftest", "errand", "celery").indexOf(system);
    }

    private void runSystem(String system, String round, int jobs) throws Exception {
        switch (system) {
            case "perftest" -> runPerfTest(round);
            case "errand" -> runErrand(round, jobs);
            case "celery" -> runCelery(round, jobs);
            default -> throw new IllegalArgumentException(system);
        }
    }

    // ---- Errand

    private void runErrand(String round, int jobs) throws Exception {
        Isolated isolated = errand.isolated();
        boolean spy = round.equals("warmup") && options.has("perftest");
        double singleThroughput = 0;
        if (options.runs("batch")) {
            Console.log("errand, " + round + ": burn-down of " + jobs + " echo jobs through the batch endpoint");
            MessageSpy messageSpy = new MessageSpy(isolated);
            if (spy) {
                messageSpy.start();
            }
            errandWorkload(Workload.batch(round, jobs));
            if (spy) {
                pattern = messageSpy.finish();
                Json.writeFile(out.resolve("message-pattern.json"), pattern);
                Console.log("Errand's message pattern: " + Json.write(pattern));
            }
        }
        if (options.runs("client")) {
            Console.log("errand, " + round + ": client end to end, " + jobs + " echo jobs: batch submits, each batch"
                    + " waited on and its results paged");
            errandWorkload(Workload.client(round, jobs));
        }
        if (options.runs("single")) {
            Console.log("errand, " + round + ": burn-down of " + jobs + " echo jobs through single submits from 32"
                    + " clients");
            singleThroughput = errandWorkload(Workload.single(round, jobs, 32));
        }
        // reads of the jobs the burn-down left, and of the counts
        if (options.runs("read") || options.storeRows() > 0) {
            readWorkloads(round, "");
        }
        // the fixed rates are fractions of the single submits' throughput measured just before: the most single
        // submits the API takes, so 0.5 is half load for the endpoint the rates use
        if (options.runs("rate") && options.runs("single")) {
            runErrandRates(round, singleThroughput);
        }
        if (options.runs("cpu")) {
            int cpuJobs = Options.cpuJobs(jobs);
            Console.log("errand, " + round + ": " + cpuJobs + " prime-count jobs (upTo " + options.upTo() + ")");
            errandWorkload(Workload.cpu(round, cpuJobs, options.upTo()));
        }
    }

    private void runErrandRates(String round, double max) throws Exception {
        for (double fraction : new double[] {0.5, 0.8}) {
            double rate = Math.max(10.0, Math.round(max * fraction * 10) / 10.0);
            Console.log("errand, " + round + ": fixed rate " + rate + " jobs/s (" + fraction + " of " + max + ") for "
                    + options.rateSeconds() + "s");
            errandWorkload(Workload.rate(round, "rate-" + fraction, rate, options.rateSeconds()));
        }
        if (options.fixedRate() != 0) {
            if (max >= options.fixedRate()) {
                Console.log("errand, " + round + ": fixed rate " + options.fixedRate() + " jobs/s for "
                        + options.rateSeconds() + "s");
                errandWorkload(Workload.rate(round, "rate-" + options.fixedRate(), options.fixedRate(),
                        options.rateSeconds()));
            } else {
                // an open-loop overload only builds a queue (and can exhaust the API's heap): not a latency figure
                Console.log("errand, " + round + ": no run at " + options.fixedRate() + " jobs/s: above the measured"
                        + " maximum (" + max + " jobs/s)");
                Map<String, Object> skipped = new LinkedHashMap<>();
                skipped.put("system", "errand");
                skipped.put("workload", "rate-" + options.fixedRate());
                skipped.put("round", round);
                skipped.put("skipped", "above the measured maximum of " + max + " jobs/s");
                skipped.put("gate", "pass");
                results.append(skipped);
            }
        }
    }

    private void readWorkloads(String round, String suffix) throws Exception {
        Console.log("errand, " + round + ": " + options.reads() + " GET /api/v1/jobs/{id} from 16 clients"
                + (suffix.isEmpty() ? "" : ", a fifth of them of pre-filled jobs"));
        errandWorkload(Workload.read(round, "read" + suffix, options.reads()));
        Console.log("errand, " + round + ": " + options.lists() + " GET /api/v1/jobs?status=SUCCEEDED&type=echo"
                + "&limit=50 from 8 clients");
        errandWorkload(Workload.list(round, "list" + suffix, options.lists()));
        Console.log("errand, " + round + ": " + options.statsRequests() + " GET /api/v1/stats from 4 clients");
        errandWorkload(Workload.stats(round, "stats" + suffix, options.statsRequests()));
    }

    // ---- the pre-filled store (--store-rows)

    /** What the API is restarted with after the pre-fill: terminal jobs finished over a day ago are deleted. */
    static final List<String> RETENTION = List.of("--errand.api.retention.succeeded=P1D",
            "--errand.api.retention.failed=P1D", "--errand.api.retention.cancelled=P1D");

    private static final String TERMINAL = "'SUCCEEDED','FAILED','CANCELLED'";

    /**
     * After the empty store's rounds: stops the API (the workers stay up), pre-fills the store in SQL, restarts the
     * API with {@link #RETENTION}, runs the same workloads again (labelled {@code -full}) while retention deletes the
     * pre-fill's old share, then waits for the retention pass and records the sizes before and after in store.json.
     */
    private void fullStore() throws Exception {
        if (!errand.alive()) {
            return;
        }
        Isolated isolated = errand.isolated();
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("rows", options.storeRows());
        store.put("retention", String.join(" ", RETENTION));
        // the empty store's rounds ran before, the pre-filled store's after: a change of load between them shows
        store.put("load_average_at_start", loadAverageAtStart);
        store.put("load_average_at_prefill", String.join(" ", Environment.currentMachine().loadAverageAtStart()));
        long oldAfterPrefill;
        // no API during the pre-fill: one with retention deletes the old share while it is being inserted, so the
        // full rounds would run beside no deleting and the sizes "before" would show no pass
        errand.stopApis(processes);
        try (JobStore jobs = new JobStore(isolated.jdbcUrl(), isolated.jdbcUser(), isolated.jdbcPassword())) {
            jobs.truncate(); // the empty store's jobs
            int chunk = 100_000;
            Console.log("store: pre-filling with " + options.storeRows() + " terminal jobs in SQL (" + chunk
                    + " per transaction)");
            long start = System.nanoTime();
            long[] lastLog = {start};
            jobs.prefill(options.storeRows(), chunk, done -> {
                if (System.nanoTime() - lastLog[0] > 30_000_000_000L) {
                    lastLog[0] = System.nanoTime();
                    Console.line(String.format(java.util.Locale.ROOT, "  %d rows in %.0f s", done,
                            (System.nanoTime() - start) / 1e9));
                }
            });
            double prefillSeconds = (System.nanoTime() - start) / 1e9;
            long vacuumStart = System.nanoTime();
            jobs.vacuumAnalyze();
            double vacuumSeconds = (System.nanoTime() - vacuumStart) / 1e9;
            long checkpointStart = System.nanoTime();
            jobs.checkpoint();
            store.put("checkpoint_seconds", Math.round((System.nanoTime() - checkpointStart) / 1e8) / 10.0);
            store.put("prefill_seconds", Math.round(prefillSeconds * 10) / 10.0);
            store.put("prefill_rows_per_s", Math.round(options.storeRows() / prefillSeconds));
            store.put("vacuum_analyze_seconds", Math.round(vacuumSeconds * 10) / 10.0);
            oldAfterPrefill = jobs.finishedBefore(TERMINAL, "1 day");
            store.put("older_than_retention", oldAfterPrefill);
            store.put("sizes_before", jobs.sizes());
            storeSince = jobs.now();
            Console.log(String.format(java.util.Locale.ROOT, "store: %d rows in %.1f s (%.0f rows/s), VACUUM ANALYZE"
                    + " %.1f s; %d finished over a day ago (retention's share); jobs %s in all", options.storeRows(),
                    prefillSeconds, options.storeRows() / prefillSeconds, vacuumSeconds, oldAfterPrefill,
                    mib(jobs.sizes(), "jobs")));
        }
        Json.writeFile(out.resolve("store.json"), store);
        try {
            errand.startApisAgain(processes, RETENTION);
        } catch (Exception e) {
            gate.fail("errand API restart with retention");
            Console.log("!!! the Errand API did not restart with retention: " + e);
            return;
        }
        store.put("api_restarted_with_retention", true);
        try (JobStore jobs = new JobStore(isolated.jdbcUrl(), isolated.jdbcUser(), isolated.jdbcPassword())) {
            long oldLeft = jobs.finishedBefore(TERMINAL, "1 day");
            store.put("older_than_retention_at_full_rounds", oldLeft);
            Console.log("store: API restarted with retention; " + oldLeft + " of " + oldAfterPrefill + " jobs finished"
                    + " over a day ago left as the pre-filled store's rounds start");
        }
        Json.writeFile(out.resolve("store.json"), store);
        for (int r = 1; r <= options.rounds(); r++) {
            String round = "round" + r;
            if (options.runs("batch")) {
                Console.log("errand, " + round + ", pre-filled store: burn-down of " + options.jobs() + " echo jobs"
                        + " through the batch endpoint");
                errandWorkload(Workload.batch(round, options.jobs()).labelled("batch-full"));
            }
            if (options.runs("single")) {
                Console.log("errand, " + round + ", pre-filled store: burn-down of " + options.jobs() + " echo jobs"
                        + " through single submits from 32 clients");
                errandWorkload(Workload.single(round, options.jobs(), 32).labelled("single-full"));
            }
            readWorkloads(round, "-full");
        }
        store.put("load_average_after", String.join(" ", Environment.currentMachine().loadAverageAtStart()));
        try (JobStore jobs = new JobStore(isolated.jdbcUrl(), isolated.jdbcUser(), isolated.jdbcPassword())) {
            store.put("retention_pass", retentionPass(jobs, oldAfterPrefill));
            long vacuumStart = System.nanoTime();
            jobs.vacuumAnalyze();
            store.put("vacuum_after_seconds", Math.round((System.nanoTime() - vacuumStart) / 1e8) / 10.0);
            store.put("rows_after", jobs.rows());
            store.put("sizes_after", jobs.sizes());
        }
        Json.writeFile(out.resolve("store.json"), store);
    }

    /**
     * Waits for the API's retention to delete the pre-filled jobs finished over a day ago: until none is left, or
     * until it stops making progress for a minute; "not available" if it never deleted one.
     */
    private static Map<String, Object> retentionPass(JobStore jobs, long oldAfterPrefill) throws Exception {
        Map<String, Object> pass = new LinkedHashMap<>();
        long start = System.nanoTime();
        long old = jobs.finishedBefore(TERMINAL, "1 day");
        long lastProgress = System.nanoTime();
        long last = old;
        Console.log("store: retention pass: " + old + " of " + oldAfterPrefill + " jobs finished over a day ago left");
        while (old > 0 && System.nanoTime() - lastProgress < Duration.ofSeconds(60).toNanos()) {
            Thread.sleep(5000);
            old = jobs.finishedBefore(TERMINAL, "1 day");
            if (old < last) {
                last = old;
                lastProgress = System.nanoTime();
            }
        }
        pass.put("older_than_retention_left", old);
        pass.put("deleted", oldAfterPrefill - old);
        pass.put("waited_seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        String state = old == 0 ? "complete" : old < oldAfterPrefill ? "incomplete (stopped making progress)"
                : "retention not available (no job finished over a day ago was deleted)";
        pass.put("state", state);
        Console.log("store: retention pass " + state + ": " + (oldAfterPrefill - old) + " deleted, " + old + " left");
        return pass;
    }

    @SuppressWarnings("unchecked")
    private static String mib(Map<String, Object> sizes, String table) {
        Object total = ((Map<String, Object>) sizes.get(table)).get("total");
        return Math.round(((Number) total).doubleValue() / (1 << 20)) + " MiB";
    }

    // ---- scale-out (--scale)

    /**
     * The batch burn-down with every API count × worker count of the options, each set of processes started
     * fresh (warm-up, then the measured rounds) and stopped before the next; CPU per job of every process.
     */
    private void scaleOut(Services services) throws Exception {
        Isolated isolated = services.isolate("errand");
        for (int apis : options.scaleApis()) {
            for (int workers : options.scaleWorkers()) {
                String label = "scale-a" + apis + "-w" + workers;
                Console.log("errand, " + label + ": " + apis + " API instance(s), " + workers + " worker(s)");
                errand = new ErrandSystem(options, isolated, out, apis, workers);
                errandDeathCounted = false;
                try {
                    errand.start(processes);
                    for (String round : roundNames()) {
                        int jobs = round.equals("warmup") ? options.warmupJobs() : options.jobs();
                        Console.log("errand, " + label + ", " + round + ": burn-down of " + jobs + " echo jobs");
                        errandWorkload(Workload.batch(round, jobs).labelled(label));
                    }
                } catch (Exception e) {
                    gate.fail("errand " + label);
                    Console.log("!!! errand " + label + " FAILED: " + e);
                } finally {
                    errand.stop(processes);
                }
            }
        }
    }

    private List<String> roundNames() {
        List<String> names = new java.util.ArrayList<>(List.of("warmup"));
        for (int r = 1; r <= options.rounds(); r++) {
            names.add("round" + r);
        }
        return names;
    }

    /** One Errand workload with its CPU per job; its throughput (0 when it did not run or failed). */
    private double errandWorkload(Workload workload) throws Exception {
        if (!errand.alive()) {
            if (!errandDeathCounted) { // once: the workloads after it are skipped, not failed again
                errandDeathCounted = true;
                gate.fail("an Errand process died");
            }
            return 0;
        }
        long[] before = errand.cpuSnapshot();
        Map<String, Long> beforePerProcess = errand.cpuSnapshotPerProcess();
        Isolated isolated = errand.isolated();
        try (JobStore store = new JobStore(isolated.jdbcUrl(), isolated.jdbcUser(), isolated.jdbcPassword(),
                storeSince)) {
            LoadGenerator generator = new LoadGenerator(errand.client(), store, () -> isolated.management("GET",
                    "/api/vhosts/" + isolated.vhost() + "/connections?columns=state", null), expectedPrimes);
            LoadGenerator.Outcome outcome = generator.execute(workload);
            Object count = outcome.result().getOrDefault("jobs", outcome.result().get("requests"));
            long jobs = count instanceof Number n ? n.longValue() : 0;
            if (jobs > 0) {
                // for read and list: per request
                outcome.result().put("cpu_ms_per_job", ErrandSystem.cpuMsPerJob(before, errand.cpuSnapshot(),
                        clockTicks, jobs));
                if (options.scale()) {
                    outcome.result().put("apis", errand.apiCount());
                    outcome.result().put("workers", errand.workerCount());
                    outcome.result().put("cpu_ms_per_job_per_process", ErrandSystem.cpuMsPerJobPerProcess(
                            beforePerProcess, errand.cpuSnapshotPerProcess(), clockTicks, jobs));
                }
            }
            results.append(outcome.result());
            if (!outcome.passed()) {
                gate.fail("errand " + workload.label() + " " + workload.round());
                Console.log("!!! errand " + workload.label() + " (" + workload.round() + ") FAILED");
            }
            return outcome.throughput();
        } catch (Exception e) {
            gate.fail("errand " + workload.label() + " " + workload.round());
            Console.log("!!! errand " + workload.label() + " (" + workload.round() + ") FAILED: " + e);
            return 0;
        }
    }

    // ---- PerfTest and Celery

    private void runPerfTest(String round) throws Exception {
        Map<String, Object> result = perftest.run(round, processes, pattern);
        results.append(result);
        Console.log("  " + Json.write(result));
        if (!"pass".equals(result.get("gate"))) {
            gate.fail("perftest " + round);
            Console.log("!!! perftest " + round + " failed");
        }
    }

    private void runCelery(String round, int jobs) throws Exception {
        if (options.runs("batch")) {
            Console.log("celery, " + round + ": burn-down of " + jobs + " echo tasks");
            if (!celery.run("echo", round, jobs, expectedPrimes, results.file())) {
                gate.fail("celery echo " + round);
                Console.log("!!! celery echo (" + round + ") FAILED");
            }
        }
        if (options.runs("client")) {
            Console.log("celery, " + round + ": client end to end, " + jobs + " echo tasks, every result collected"
                    + " from the reply queues");
            if (!celery.run("client", round, jobs, expectedPrimes, results.file())) {
                gate.fail("celery client " + round);
                Console.log("!!! celery client (" + round + ") FAILED");
            }
        }
        if (options.runs("cpu")) {
            int cpuJobs = Options.cpuJobs(jobs);
            Console.log("celery, " + round + ": " + cpuJobs + " prime-count tasks (upTo " + options.upTo() + ")");
            if (!celery.run("cpu", round, cpuJobs, expectedPrimes, results.file())) {
                gate.fail("celery cpu " + round);
                Console.log("!!! celery cpu (" + round + ") FAILED");
            }
        }
    }

    // ---- the end

    private void profileSummary() {
        Console.log("summarising the flight recordings");
        try {
            Files.writeString(out.resolve("profile/summary.md"), JfrSummary.of(out.resolve("profile"),
                    options.javaHome() + "/bin/jfr"));
        } catch (Exception e) {
            Console.log("(profile summary failed: " + e + ")");
        }
    }

    private void deleteJars() {
        try (var jars = Files.list(out.resolve("jars"))) {
            for (Path jar : jars.toList()) {
                Files.delete(jar);
            }
            Files.delete(out.resolve("jars"));
        } catch (Exception e) {
            // nothing was copied
        }
    }
}
