package errand.bench.systems;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import errand.bench.Console;
import errand.bench.cli.Options;
import errand.bench.json.Json;
import errand.bench.load.ApiClient;
import errand.testsupport.ErrandTestServices.Isolated;
import tools.jackson.databind.JsonNode;

/**
 * Errand as measured: the API and the workers from the built jars (private copies in the run's folder), as separate
 * processes on the run's own vhost and database, started as users start them: bin/errand-java (the extracted jar,
 * its AOT cache, the JVM settings for a small box; see {@link Launch}). The API gets a generated bootstrap key (in
 * its environment, never printed); every request the kit sends to /api/v1 carries it.
 */
public final class ErrandSystem {

    private static final Launch LAUNCH = Launch.SCRIPT;

    private final Options options;
    private final Isolated isolated;
    private final Path out;
    private final String bootstrapKey = newKey();
    private final int apiCount;
    private final int workerCount;
    private final List<Process> apis = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final List<Integer> apiPorts = new ArrayList<>();
    /** Peak RSS of API processes already stopped by a restart, by name: the run's peak counts them too. */
    private final Map<String, Long> stoppedApiPeaks = new HashMap<>();
    private int apiRestarts;
    private boolean dead;

    /**
     * @param apiCount    API instances, each on its own port (the load generator spreads its requests over them)
     * @param workerCount worker processes
     */
    public ErrandSystem(Options options, Isolated isolated, Path out, int apiCount, int workerCount) {
        this.options = options;
        this.isolated = isolated;
        this.out = out;
        this.apiCount = apiCount;
        this.workerCount = workerCount;
    }

    public int apiCount() {
        return apiCount;
    }

    public int workerCount() {
        return workerCount;
    }

    public Isolated isolated() {
        return isolated;
    }

    public ApiClient client() {
        return new ApiClient(apiPorts.stream().map(port -> URI.create("http://127.0.0.1:" + port)).toList(),
                bootstrapKey);
    }

    public void start(Processes processes) throws Exception {
        Path logs = out.resolve("logs");
        if (options.profile()) {
            Files.createDirectories(out.resolve("profile"));
        }
        startApis(processes, List.of());
        List<String> common = commonArguments(isolated);
        List<Integer> workerPorts = new ArrayList<>();
        for (int i = 1; i <= workerCount; i++) {
            int port = freePort();
            List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                    "--errand.worker.heartbeat-interval=1s"));
            args.addAll(common);
            args.addAll(options.workerArgs());
            workers.add(processes.start(LAUNCH.command(options.java(), Tools.launcher(out), Tools.workerJar(out), args),
                    logs.resolve("errand-worker-" + i + ".log"), null,
                    LAUNCH.environment(Launch.App.WORKER, options.java(),
                            options.profile() ? recording("worker-" + i) : "")));
            workerPorts.add(port);
        }
        awaitApis();
        for (int i = 1; i <= workerPorts.size(); i++) {
            awaitHttp("errand-worker-" + i, workerPorts.get(i - 1), logs.resolve("errand-worker-" + i + ".log"));
        }
        awaitTaskTypes();
        Console.log("Errand: " + apiProcesses() + ", workers " + workers.stream()
                .map(p -> Long.toString(p.pid())).collect(Collectors.joining(" ")) + ", vhost and database "
                + isolated.name());
    }

    /**
     * Stops the API instance(s), while the workers stay up: for work on the store that the API must not see, such
     * as its retention deleting a pre-fill before it is measured. {@link #startApisAgain} starts them again.
     */
    public void stopApis(Processes processes) {
        for (int i = 0; i < apis.size(); i++) {
            stoppedApiPeaks.merge(apiName(i + 1), Processes.peakRssKib(apis.get(i).pid()), Math::max);
            processes.stop(apis.get(i));
        }
        apis.clear();
        apiPorts.clear();
    }

    /**
     * Starts the API instance(s) stopped by {@link #stopApis} again, with {@code apiArgs} on top of the usual
     * arguments, the same bootstrap key and new ports ({@link #client()} reaches them), logging to
     * {@code errand-api-restart<n>.log}; returns once they are ready and know the workers' task types.
     */
    public void startApisAgain(Processes processes, List<String> apiArgs) throws Exception {
        apiRestarts++;
        startApis(processes, apiArgs);
        awaitApis();
        awaitTaskTypes();
        Console.log("Errand: restarted the " + apiProcesses() + (apiArgs.isEmpty() ? "" : ", with "
                + String.join(" ", apiArgs)));
    }

    /** Starts every API instance; the first migrates the schema before the others start. */
    private void startApis(Processes processes, List<String> apiArgs) throws Exception {
        for (int a = 1; a <= apiCount; a++) {
            String name = apiLogName(a);
            int apiPort = freePort();
            List<String> arguments = new ArrayList<>(apiArguments(isolated, apiPort));
            arguments.addAll(commonArguments(isolated));
            arguments.addAll(apiArgs);
            Map<String, String> env = new HashMap<>(LAUNCH.environment(Launch.App.API, options.java(),
                    options.profile() ? recording(name.substring("errand-".length())) : ""));
            env.put("ERRAND_API_SECURITY_BOOTSTRAP_KEY", bootstrapKey);
            apis.add(processes.start(LAUNCH.command(options.java(), Tools.launcher(out), Tools.apiJar(out), arguments),
                    logFile(name), null, env));
            apiPorts.add(apiPort);
            // Flyway would lock, but a failed start is noisier
            if (a == 1 && apiCount > 1) {
                awaitHttp(name, apiPort, logFile(name));
            }
        }
    }

    private void awaitApis() throws Exception {
        for (int a = 1; a <= apiCount; a++) {
            awaitHttp(apiLogName(a), apiPorts.get(a - 1), logFile(apiLogName(a)));
        }
    }

    /** Waits until the API knows echo and prime-count: it learns them from the workers' heartbeats. */
    private void awaitTaskTypes() throws Exception {
        ApiClient client = client();
        Set<String> types = Set.of();
        for (int i = 0; i < 120 && !types.containsAll(Set.of("echo", "prime-count")); i++) {
            try {
                types = taskTypes(client.get("/api/v1/task-types"));
            } catch (IOException e) {
                // not yet
            }
            if (!types.containsAll(Set.of("echo", "prime-count"))) {
                Thread.sleep(500);
            }
        }
        if (!types.containsAll(Set.of("echo", "prime-count"))) {
            throw new IllegalStateException("the API never learned the task types from the workers");
        }
    }

    /** API instance {@code a} (from 1) as results and peak RSS name it: errand-api, errand-api-2, ... */
    private static String apiName(int a) {
        return a == 1 ? "errand-api" : "errand-api-" + a;
    }

    /** Its log's (and recording's) name: a restarted instance writes a new log, so the first one's stays. */
    private String apiLogName(int a) {
        return apiName(a) + (apiRestarts == 0 ? "" : "-restart" + apiRestarts);
    }

    private Path logFile(String name) {
        return out.resolve("logs").resolve(name + ".log");
    }

    private String apiProcesses() {
        return "API pid(s) " + apis.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "))
                + " on :" + apiPorts.stream().map(String::valueOf).collect(Collectors.joining(",:"));
    }

    /** The arguments both apps get: the broker of the run's vhost, no banner. */
    static List<String> commonArguments(Isolated isolated) {
        return List.of("--spring.main.banner-mode=off",
                "--spring.rabbitmq.host=" + isolated.amqpHost(), "--spring.rabbitmq.port=" + isolated.amqpPort(),
                "--spring.rabbitmq.username=" + isolated.amqpUser(),
                "--spring.rabbitmq.password=" + isolated.amqpPassword(),
                "--spring.rabbitmq.virtual-host=" + isolated.vhost());
    }

    /** The API's own arguments: its port and the run's database. */
    static List<String> apiArguments(Isolated isolated, int port) {
        return List.of("--server.port=" + port, "--spring.datasource.url=" + isolated.jdbcUrl(),
                "--spring.datasource.username=" + isolated.jdbcUser(),
                "--spring.datasource.password=" + isolated.jdbcPassword());
    }

    /** The names in GET /api/v1/task-types' answer (a list of task types). */
    static Set<String> taskTypes(String json) {
        Set<String> names = new java.util.HashSet<>();
        for (JsonNode type : Json.tree(json)) {
            names.add(type.path("name").asString(""));
        }
        return names;
    }

    /** Every Errand process still running? If not, says so once, loudly; false from then on. */
    public boolean alive() {
        if (dead) {
            return false;
        }
        List<Process> all = new ArrayList<>(workers);
        all.addAll(0, apis);
        for (Process process : all) {
            if (!process.isAlive()) {
                dead = true;
                Console.log("!!! an Errand process (pid " + process.pid() + ") has died: skipping Errand's remaining"
                        + " workloads; its logs:");
                try (var logs = Files.list(out.resolve("logs"))) {
                    for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("errand-")).toList()) {
                        Files.readAllLines(log).stream()
                                .filter(l -> l.matches(".*(OutOfMemoryError|FATAL|Terminating).*")).limit(3)
                                .forEach(l -> Console.line(log + ":" + l));
                    }
                } catch (IOException e) {
                    // the logs are in the folder anyway
                }
                return false;
            }
        }
        return true;
    }

    /** CPU ticks of the API, the workers, the broker and PostgreSQL, in that order. */
    public long[] cpuSnapshot() {
        return new long[] {Processes.cpuTicks(apis.stream().map(Process::pid).toList()),
                Processes.cpuTicks(workers.stream().map(Process::pid).toList()),
                Processes.cpuTicks(Processes.brokerPids()), Processes.cpuTicks(Processes.postgresPids())};
    }

    /** CPU ticks of each API instance and each worker, by name ({@code api-1}, ..., {@code worker-1}, ...). */
    public Map<String, Long> cpuSnapshotPerProcess() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (int i = 0; i < apis.size(); i++) {
            ticks.put("api-" + (i + 1), Processes.cpuTicks(List.of(apis.get(i).pid())));
        }
        for (int i = 0; i < workers.size(); i++) {
            ticks.put("worker-" + (i + 1), Processes.cpuTicks(List.of(workers.get(i).pid())));
        }
        return ticks;
    }

    /** CPU milliseconds per job of each process between two {@link #cpuSnapshotPerProcess()}s. */
    public static Map<String, Object> cpuMsPerJobPerProcess(Map<String, Long> before, Map<String, Long> after,
            long ticksPerSecond, long jobs) {
        Map<String, Object> cpu = new LinkedHashMap<>();
        after.forEach((name, ticks) -> cpu.put(name, Math.round((ticks - before.getOrDefault(name, 0L)) * 1000.0
                / ticksPerSecond / jobs * 1000) / 1000.0));
        return cpu;
    }

    /** Stops this system's processes (SIGTERM, then SIGKILL after 20 s), for a run that starts another set. */
    public void stop(Processes processes) {
        List<Process> all = new ArrayList<>(apis);
        all.addAll(workers);
        for (Process process : all) {
            processes.stop(process);
        }
    }

    /** CPU milliseconds per job of each process group between two snapshots. */
    public static Map<String, Object> cpuMsPerJob(long[] before, long[] after, long ticksPerSecond, long jobs) {
        String[] names = {"api", "workers", "broker", "postgres"};
        Map<String, Object> cpu = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            cpu.put(names[i], Math.round((after[i] - before[i]) * 1000.0 / ticksPerSecond / jobs * 1000) / 1000.0);
        }
        return cpu;
    }

    /** Peak RSS of the API and each worker, in KiB; an API restarted counts its earlier process's peak too. */
    public Map<String, Object> peakRss() {
        Map<String, Object> rss = new LinkedHashMap<>();
        for (int i = 0; i < apis.size(); i++) {
            String name = apiName(i + 1);
            rss.put(name, Math.max(Processes.peakRssKib(apis.get(i).pid()), stoppedApiPeaks.getOrDefault(name, 0L)));
        }
        for (int i = 0; i < workers.size(); i++) {
            rss.put("errand-worker-" + (i + 1), Processes.peakRssKib(workers.get(i).pid()));
        }
        return rss;
    }

    private String recording(String name) {
        return "-XX:StartFlightRecording=filename=" + out.resolve("profile/" + name + ".jfr")
                + ",settings=profile,dumponexit=true";
    }

    /**
     * Waits up to 10 minutes: on 2 cores shared with other builds (load average near 20) an API took over 3 minutes
     * to start.
     */
    private static void awaitHttp(String name, int port, Path log) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness");
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            for (int i = 0; i < 1200; i++) {
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() / 100 == 2) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
                Thread.sleep(500);
            }
        }
        List<String> lines = Files.readAllLines(log);
        Console.log(name + " did not become ready; last log lines:");
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(Console::line);
        throw new IllegalStateException(name + " did not become ready");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "bench-" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
