package errand.bench.systems;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import errand.bench.Console;
import errand.bench.cli.Options;
import errand.bench.json.Json;
import errand.testsupport.ErrandTestServices.Isolated;

/**
 * Celery, the peer, from Debian's packages on the same broker and database (its own vhost and database): the
 * workers are {@code python3 -m celery} processes, the load generator and gate {@code celery_bench.py} (Python,
 * since Celery's client is), which appends its result lines to results.jsonl itself.
 */
public final class CelerySystem {

    static final String PYTHON = "/usr/bin/python3"; // Debian's, where apt puts Celery and matplotlib
    private static final Path DIRECTORY = Path.of("bench/celery");

    private final Options options;
    private final Isolated isolated;
    private final Path out;
    private final List<Process> workers = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();

    public CelerySystem(Options options, Isolated isolated, Path out) {
        this.options = options;
        this.isolated = isolated;
        this.out = out;
        env.put("BENCH_BROKER_URL", "amqp://" + isolated.amqpUser() + ":" + isolated.amqpPassword() + "@"
                + isolated.amqpHost() + ":" + isolated.amqpPort() + "/" + isolated.vhost());
        env.put("BENCH_RESULT_DB", resultDatabase(isolated.jdbcUrl(), isolated.jdbcUser(), isolated.jdbcPassword()));
    }

    /** SQLAlchemy's URL of the isolation's database, from its JDBC URL ({@code jdbc:postgresql://host:port/db}). */
    static String resultDatabase(String jdbcUrl, String user, String password) {
        String credentials = password.isEmpty() ? user : user + ":" + password;
        return jdbcUrl.replaceFirst("^jdbc:postgresql://", "postgresql://" + credentials + "@");
    }

    public void start(Processes processes) throws Exception {
        // the result table first, so the worker processes do not race to create it
        if (driver(List.of("init")) != 0) {
            throw new IllegalStateException("celery_bench.py init failed");
        }
        int concurrency = Runtime.getRuntime().availableProcessors();
        for (int i = 1; i <= options.workers(); i++) {
            workers.add(processes.start(List.of(PYTHON, "-m", "celery", "-A", "celery_bench", "worker", "-Q",
                    "bench", "-P", "prefork", "-c", Integer.toString(concurrency), "-n", "bench" + i + "@%h",
                    "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"),
                    out.resolve("logs/celery-worker-" + i + ".log"), DIRECTORY, env));
        }
        long consumers = 0;
        for (int i = 0; i < 120 && consumers < options.workers(); i++) {
            try {
                consumers = Json.tree(isolated.management("GET", "/api/queues/" + isolated.vhost()
                        + "/bench?columns=consumers", null)).path("consumers").asLong(0);
            } catch (RuntimeException e) {
                // the queue is not declared yet
            }
            if (consumers < options.workers()) {
                Thread.sleep(500);
            }
        }
        if (consumers < options.workers()) {
            throw new IllegalStateException("Celery workers did not start consuming (see logs/celery-worker-1.log)");
        }
        Console.log("Celery: " + options.workers() + " worker nodes (pids " + String.join(" ", workers.stream()
                .map(p -> Long.toString(p.pid())).toList()) + "), prefork concurrency " + concurrency
                + " each, vhost and database " + isolated.name());
    }

    /** Runs one workload through celery_bench.py; true when its gate passed. */
    public boolean run(String workload, String round, int jobs, long expectedPrimes, Path results) throws Exception {
        List<String> args = new ArrayList<>(List.of(workload, "-n", Integer.toString(jobs)));
        if (workload.equals("cpu")) {
            args.addAll(List.of("--up-to", Long.toString(options.upTo()), "--expected-count",
                    Long.toString(expectedPrimes)));
        }
        args.addAll(List.of("--round", round, "--out", results.toAbsolutePath().toString()));
        return driver(args) == 0;
    }

    /** Peak RSS of each node, with its children, and of its largest child, in KiB. */
    public Map<String, Object> peakRss() {
        Map<String, Object> rss = new LinkedHashMap<>();
        for (int i = 0; i < workers.size(); i++) {
            long total = Processes.peakRssKib(workers.get(i).pid());
            long largest = 0;
            for (ProcessHandle child : workers.get(i).toHandle().children().toList()) {
                long kib = Processes.peakRssKib(child.pid());
                total += kib;
                largest = Math.max(largest, kib);
            }
            rss.put("celery-node-" + (i + 1), total);
            rss.put("celery-node-" + (i + 1) + "-largest-child", largest);
        }
        return rss;
    }

    /** celery_bench.py with its output on the console; its exit status. */
    private int driver(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, "celery_bench.py"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(DIRECTORY.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            lines.lines().forEach(Console::line);
        }
        return process.waitFor();
    }
}
