package errand.bench.systems;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import errand.bench.Console;
import errand.bench.cli.Options;
import errand.bench.json.Json;
import errand.testsupport.ErrandTestServices.Isolated;

/**
 * Start-up (the {@code startup} workload): the time from starting an app's process to its first 200 on
 * {@code /actuator/health/readiness}, and the CPU it spent until then, for each {@link Launch}: the API alone, a
 * worker alone, and the API, a second API and a worker started at once (the "41 s on 2 cores"). Every
 * repetition tries the launches in turn, so the machine's noise spreads over all of them. Written to startup.json.
 */
public final class StartupBench {

    /** One start: seconds to readiness and CPU seconds spent by then, by process name. */
    record Start(Map<String, Double> readySeconds, Map<String, Double> cpuSeconds) {
    }

    private static final Duration GIVE_UP = Duration.ofMinutes(10);

    private final Options options;
    private final Isolated isolated;
    private final Path out;

    public StartupBench(Options options, Isolated isolated, Path out) {
        this.options = options;
        this.isolated = isolated;
        this.out = out;
    }

    /** Runs the starts (after one unmeasured start that migrates the schema); writes startup.json as it goes. */
    public void run(Processes processes) throws Exception {
        Console.log("start-up: " + options.startupRuns() + " start(s) of each app per launch: "
                + String.join(", ", List.of(Launch.values()).stream().map(Launch::text).toList()));
        start(processes, Launch.SCRIPT, List.of("api"));
        Map<String, Object> byLaunch = new LinkedHashMap<>();
        for (int r = 1; r <= options.startupRuns(); r++) {
            for (Launch launch : Launch.values()) {
                @SuppressWarnings("unchecked")
                Map<String, List<Object>> starts = (Map<String, List<Object>>) byLaunch
                        .computeIfAbsent(launch.name(), k -> new LinkedHashMap<String, List<Object>>());
                for (List<String> group : List.of(List.of("api"), List.of("worker"), List.of("api", "api-2",
                        "worker"))) {
                    Start start = start(processes, launch, group);
                    String phase = group.size() == 1 ? group.getFirst() + " alone" : "together";
                    starts.computeIfAbsent(phase, k -> new ArrayList<>()).add(Map.of("ready_s", start.readySeconds(),
                            "cpu_s", start.cpuSeconds()));
                    Console.log("start-up, " + launch.text() + ", " + phase + ": ready after " + start.readySeconds()
                            + " s, CPU " + start.cpuSeconds() + " s");
                }
            }
            // after every repetition, so a run stopped halfway keeps what it measured
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("runs", r);
            result.put("launches", byLaunch);
            Json.writeFile(out.resolve("startup.json"), result);
        }
    }

    /** Starts the processes at once, waits until each is ready, stops them. */
    private Start start(Processes processes, Launch launch, List<String> names) throws Exception {
        Path logs = out.resolve("logs");
        List<Process> started = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        Map<String, Double> ready = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        long ticksPerSecond = Processes.clockTicks();
        try {
            long t0 = System.nanoTime();
            for (String name : names) {
                int port = ErrandSystem.freePort();
                Launch.App app = name.startsWith("api") ? Launch.App.API : Launch.App.WORKER;
                List<String> args = new ArrayList<>(app == Launch.App.API ? ErrandSystem.apiArguments(isolated, port)
                        : List.of("--server.port=" + port));
                args.addAll(ErrandSystem.commonArguments(isolated));
                Path jar = Tools.jar(app, out);
                started.add(processes.start(launch.command(options.java(), Tools.launcher(out), jar, args),
                        logs.resolve("startup-" + launch.name().toLowerCase(java.util.Locale.ROOT) + "-" + name
                                + ".log"), null, launch.environment(app, options.java(), "")));
                ports.add(port);
            }
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
                long deadline = t0 + GIVE_UP.toNanos();
                while (ready.size() < names.size()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("start-up: not ready within " + GIVE_UP);
                    }
                    for (int i = 0; i < names.size(); i++) {
                        if (!ready.containsKey(names.get(i)) && isReady(http, started.get(i), ports.get(i))) {
                            ready.put(names.get(i), Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                            cpu.put(names.get(i), Math.round(Processes.cpuTicks(List.of(started.get(i).pid()))
                                    * 100.0 / ticksPerSecond) / 100.0);
                        }
                    }
                    Thread.sleep(50); // a coarser poll would add its period to the figure
                }
            }
        } finally {
            started.forEach(processes::stop);
        }
        return new Start(ready, cpu);
    }

    private static boolean isReady(HttpClient http, Process process, int port) throws Exception {
        if (!process.isAlive()) {
            throw new IllegalStateException("start-up: pid " + process.pid() + " exited before it was ready");
        }
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }
}
