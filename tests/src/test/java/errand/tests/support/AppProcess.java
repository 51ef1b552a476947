package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * One Errand app running as a real OS process from its Spring Boot jar (launched as {@link AppLaunch} says: through
 * bin/errand-java, from an AOT cache when it can), with its output in a log file. It can be stopped gracefully or
 * killed with {@code SIGKILL}, like a crashing machine. Every process still running when the JVM exits is killed, so a
 * failed test leaves nothing behind.
 */
public final class AppProcess {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static final String START_MARKER = "===== ";
    private static final String MANAGEMENT_PORT = "--management.server.port=";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final Path jar;
    private final List<String> arguments;
    private final int port;
    private final Path log;
    /** Volatile: a {@link WorkerSupervisor} relaunches the process while the test reads it. */
    private volatile Process process;

    private AppProcess(String name, Path jar, int port, List<String> arguments, Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.arguments = List.copyOf(arguments);
        this.log = log;
    }

    /** Starts {@code jar} with {@code --server.port} set to a free port and waits until it reports ready. */
    static AppProcess start(String name, Path jar, List<String> arguments, Path logDirectory) {
        int port = freePort();
        Path log = logDirectory.resolve(name + ".log");
        AppProcess app = new AppProcess(name, jar, port, arguments, log);
        app.launch();
        app.awaitReady();
        return app;
    }

    /** Starts the same app again on the same port, after a stop or a kill. */
    public void restart() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
        awaitReady();
    }

    /**
     * Starts the same app again after it exited, without waiting for it to be ready: what a process supervisor does
     * for an app that may die again before it ever reports ready (a worker that takes a poison job at once).
     */
    public void relaunch() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    private void launch() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No jar at " + jar + ": build the app modules first (./mvnw -B package)");
        }
        List<String> allArguments = new ArrayList<>(List.of("--server.port=" + port,
                "--management.endpoint.health.probes.enabled=true", "--spring.main.banner-mode=off"));
        allArguments.addAll(arguments);
        ProcessBuilder launch = AppLaunch.of(jar).processBuilder(allArguments);
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "\n" + START_MARKER + java.time.Instant.now() + " ERRAND_AOT="
                    + launch.environment().get("ERRAND_AOT") + " " + String.join(" ", launch.command()) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = launch
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        RUNNING.add(process);
    }

    private void awaitReady() {
        try {
            await("readiness of " + name)
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + " exited with " + process.exitValue()
                                    + " before it was ready; log " + log + ":\n" + logTail(60));
                        }
                        return readinessStatus() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " not ready after " + READY_TIMEOUT + "; log " + log + ":\n"
                    + logTail(60), e);
        }
    }

    private int readinessStatus() {
        try {
            HttpRequest request = HttpRequest.newBuilder(managementUri().resolve("/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Graceful stop ({@code SIGTERM}), escalating to a kill if the app takes longer than 30 seconds. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    /** {@code kill -9}: the app gets no chance to ack, nack or say goodbye. */
    public void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Where the actuator endpoints answer: {@link #baseUri()}, or the port of a {@code --management.server.port}
     * argument the app was started with.
     */
    public URI managementUri() {
        return arguments.stream().filter(argument -> argument.startsWith(MANAGEMENT_PORT)).reduce((a, b) -> b)
                .map(argument -> URI.create("http://127.0.0.1:" + argument.substring(MANAGEMENT_PORT.length())))
                .orElseGet(this::baseUri);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    /** What the app wrote since it was last (re)started: its log's lines after the latest start marker. */
    public List<String> outputSinceStart() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            int start = 0;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).startsWith(START_MARKER)) {
                    start = i + 1;
                }
            }
            return all.subList(start, all.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + log, e);
        }
    }

    /** The last lines of the app's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }
}
