package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Errand: the API jar and worker jars as OS processes against a fresh vhost and database from
 * {@link ErrandTestServices}. Register it as a static {@code @RegisterExtension}: it starts before the class's first
 * test, waits until the workers' task types are known to the API, and stops everything (and drops the vhost and
 * database) after the last. Logs go to {@code tests/target/e2e-logs/<TestClass>/}.
 *
 * <p>{@link #shared()} is the one platform of the default configuration (the API and one worker, no extra arguments)
 * that every class registering it shares: started by the first such class, stopped when the whole run ends (it is
 * kept in the root {@link ExtensionContext.Store}). It relies on classes running one at a time (one surefire fork,
 * no JUnit parallelism). A class on it must leave it as it found it and must not assert on what other classes'
 * jobs change: it may not stop, restart or add apps (those methods refuse), and filters lists, counts and broker
 * messages on its own jobs. After each class the jobs it left unfinished are cancelled, so the next class finds an
 * idle platform. Its logs go to {@code tests/target/e2e-logs/shared-platform/}, with {@code classes.log} saying
 * which class used it when. A class that needs other arguments, changes the apps or reads global counts registers
 * a platform of its own.
 */
public final class ErrandPlatform implements BeforeAllCallback, AfterAllCallback {

    /** The task types every worker serves out of the box. */
    public static final List<String> BUILT_IN_TYPES = List.of("echo", "sleep", "prime-count", "pi", "fail");

    private static final String SHARED_OWNER = "shared-platform";
    private static final ExtensionContext.Namespace SHARED_NAMESPACE =
            ExtensionContext.Namespace.create(ErrandPlatform.class, SHARED_OWNER);
    /** How long the jobs a class left unfinished may take to be cancelled, after the class. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
    private static final ErrandPlatform SHARED = new ErrandPlatform(1, List.of(), List.of(), null, true);

    private final boolean shared;
    /** Why the shared platform did not start: the classes after the first fail at once rather than try again. */
    private @Nullable Throwable startFailure;

    private final int initialWorkers;
    private final List<String> workerArguments;
    private final List<String> apiArguments;
    private final @Nullable Function<ErrandTestServices.Isolated, BrokerLogins> brokerUsers;
    private final AtomicInteger workerCount = new AtomicInteger();

    private ErrandTestServices.Isolated services;
    private Path logDirectory;
    private AppProcess api;
    private final List<AppProcess> otherApis = new ArrayList<>();
    private final List<AppProcess> workers = new ArrayList<>();
    private final ErrandClient client = new ErrandClient(() -> api.baseUri());
    private JobTable jobTable;
    private @Nullable BrokerLogins brokerLogins;

    private ErrandPlatform(int initialWorkers, List<String> apiArguments, List<String> workerArguments,
            @Nullable Function<ErrandTestServices.Isolated, BrokerLogins> brokerUsers, boolean shared) {
        this.shared = shared;
        this.initialWorkers = initialWorkers;
        this.apiArguments = List.copyOf(apiArguments);
        this.workerArguments = List.copyOf(workerArguments);
        this.brokerUsers = brokerUsers;
    }

    /** The API and one worker serving every built-in type, for this class alone. */
    public static ErrandPlatform withOneWorker() {
        return new ErrandPlatform(1, List.of(), List.of(), null, false);
    }

    public static ErrandPlatform withWorkers(int workers) {
        return new ErrandPlatform(workers, List.of(), List.of(), null, false);
    }

    /**
     * The API and one worker serving every built-in type, shared by every class that registers it (see the class
     * comment for what such a class must not do).
     */
    public static ErrandPlatform shared() {
        return SHARED;
    }

    /** The same platform, with extra {@code --name=value} arguments for every worker. */
    public ErrandPlatform workerArguments(String... arguments) {
        List<String> all = new ArrayList<>(workerArguments);
        all.addAll(List.of(arguments));
        return new ErrandPlatform(initialWorkers, apiArguments, all, brokerUsers, false);
    }

    /** The same platform, with extra {@code --name=value} arguments for the API. */
    public ErrandPlatform apiArguments(String... arguments) {
        List<String> all = new ArrayList<>(apiArguments);
        all.addAll(List.of(arguments));
        return new ErrandPlatform(initialWorkers, all, workerArguments, brokerUsers, false);
    }

    /**
     * The same platform, with the API and the workers logging in to the broker as the users {@code createUsers} makes
     * (in the class's vhost, before any app starts; {@link ErrandTestServices.Isolated#createBrokerUser} users are
     * deleted with the vhost), instead of as the services' administrator.
     */
    public ErrandPlatform brokerUsers(Function<ErrandTestServices.Isolated, BrokerLogins> createUsers) {
        return new ErrandPlatform(initialWorkers, apiArguments, workerArguments, createUsers, false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!shared) {
            start(context.getRequiredTestClass().getSimpleName());
            return;
        }
        if (startFailure != null) {
            throw new IllegalStateException("The shared platform did not start (see the first class that used it)",
                    startFailure);
        }
        // started once, by the first class; the root store closes it when the whole run ends
        context.getRoot().getStore(SHARED_NAMESPACE).computeIfAbsent(SharedRun.class, type -> {
            try {
                start(SHARED_OWNER);
            } catch (RuntimeException | Error e) {
                startFailure = e;
                throw e;
            }
            return new SharedRun(this);
        }, SharedRun.class);
        requireRunning();
        noteUse(context, "from");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared) {
            stop();
            return;
        }
        noteUse(context, "to");
        settle();
    }

    private void start(String owner) {
        logDirectory = PlatformApps.logDirectory(owner);
        services = ErrandTestServices.isolated(owner);
        jobTable = new JobTable(services);
        try {
            brokerLogins = brokerUsers == null ? null : brokerUsers.apply(services);
            api = PlatformApps.startApi("api", apiCommandLine(), logDirectory);
            for (int i = 0; i < initialWorkers; i++) {
                launchWorker();
            }
            if (initialWorkers > 0) {
                awaitTaskTypesKnown(BUILT_IN_TYPES);
            }
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    private void stop() {
        workers.forEach(AppProcess::stop);
        workers.clear();
        otherApis.forEach(AppProcess::stop);
        otherApis.clear();
        if (api != null) {
            api.stop();
        }
        if (services != null) {
            services.close();
        }
    }

    /** The shared platform's run, which the root store closes after the last class: then the platform stops. */
    private record SharedRun(ErrandPlatform platform) implements AutoCloseable {

        @Override
        public void close() {
            platform.stop();
        }
    }

    private void requireRunning() {
        if (api == null || !api.isAlive() || workers.stream().noneMatch(AppProcess::isAlive)) {
            throw new IllegalStateException("The shared platform's API or worker is not running (" + api + ", "
                    + workers + "): see " + logDirectory);
        }
    }

    /** Which class used the shared platform when, in {@code classes.log} next to the apps' logs. */
    private void noteUse(ExtensionContext context, String fromOrTo) {
        String line = Instant.now() + " " + fromOrTo + " " + context.getRequiredTestClass().getSimpleName() + "\n";
        try {
            Files.writeString(logDirectory.resolve("classes.log"), line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Cancels the jobs a class left unfinished (a delayed job, a long sleep it did not wait for), so that none of
     * them is published, runs or holds a worker slot while the next class runs.
     */
    private void settle() {
        await("the shared platform's unfinished jobs cancelled").atMost(SETTLE_TIMEOUT)
                .pollInterval(PlatformApps.POLL_INTERVAL)
                .until(() -> {
                    List<UUID> unfinished = jobTable.unfinishedIds();
                    unfinished.forEach(id -> client.post(ErrandClient.JOBS + "/" + id + "/cancel", "application/json",
                            "", null));
                    return unfinished.isEmpty();
                });
    }

    /** Refuses what would change the shared platform under the classes that share it. */
    private void requireOwn(String change) {
        if (shared) {
            throw new IllegalStateException("The shared platform serves every class as it is: a class that needs to "
                    + change + " registers a platform of its own (ErrandPlatform.withOneWorker())");
        }
    }

    // ---- the apps

    public ErrandClient api() {
        return client;
    }

    public AppProcess apiProcess() {
        return api;
    }

    /**
     * Starts one more API instance ({@code api-2}, {@code api-3}, ...) with the same arguments, vhost and database as
     * the first, on a port of its own, and waits until it is ready: what scaling the API out looks like.
     */
    public AppProcess startAnotherApi() {
        requireOwn("start another API");
        AppProcess another = PlatformApps.startApi("api-" + (otherApis.size() + 2), apiCommandLine(), logDirectory);
        otherApis.add(another);
        return another;
    }

    /** Starts one more worker process, serving every built-in type, and waits until it is ready. */
    public AppProcess startWorker() {
        requireOwn("start a worker");
        return launchWorker();
    }

    private AppProcess launchWorker() {
        AppProcess worker = PlatformApps.startWorker("worker-" + workerCount.incrementAndGet(), workerCommandLine(),
                logDirectory);
        workers.add(worker);
        return worker;
    }

    /** Every worker process started so far, running or not. */
    public List<AppProcess> workers() {
        return List.copyOf(workers);
    }

    public List<AppProcess> runningWorkers() {
        return workers.stream().filter(AppProcess::isAlive).toList();
    }

    /** Stops every worker gracefully. */
    public void stopWorkers() {
        requireOwn("stop its workers");
        workers.forEach(AppProcess::stop);
    }

    /** Makes sure exactly one worker runs and its types are announced: a known state for the next test. */
    public void ensureOneWorkerRuns() {
        requireOwn("stop or start workers");
        List<AppProcess> running = runningWorkers();
        running.stream().skip(1).forEach(AppProcess::stop);
        if (running.isEmpty()) {
            launchWorker();
        }
        awaitTaskTypesKnown(BUILT_IN_TYPES);
    }

    /** Restarts the API (graceful stop, same port, same database and vhost). */
    public void restartApi() {
        requireOwn("restart the API");
        api.stop();
        api.restart();
    }

    /** Waits until {@code GET /api/v1/task-types} lists every one of {@code types}. */
    public void awaitTaskTypesKnown(List<String> types) {
        PlatformApps.awaitTaskTypesKnown(client, types);
    }

    // ---- the services

    /** The class's own database (the API's job store). */
    public JobTable jobTable() {
        return jobTable;
    }

    public ErrandTestServices.Isolated services() {
        return services;
    }

    // ---- command lines

    private List<String> apiCommandLine() {
        List<String> arguments = new ArrayList<>(PlatformApps.databaseArguments(services, services.jdbcUrl()));
        arguments.addAll(brokerLogins == null ? rabbitArguments() : PlatformApps.brokerArguments(services,
                services.amqpHost(), services.amqpPort(), brokerLogins.apiUser(), brokerLogins.apiPassword()));
        arguments.addAll(apiArguments);
        return arguments;
    }

    private List<String> workerCommandLine() {
        List<String> arguments = new ArrayList<>(brokerLogins == null ? rabbitArguments()
                : PlatformApps.brokerArguments(services, services.amqpHost(), services.amqpPort(),
                        brokerLogins.workerUser(), brokerLogins.workerPassword()));
        arguments.add(PlatformApps.HEARTBEAT_EVERY_SECOND);
        arguments.addAll(workerArguments);
        return arguments;
    }

    private List<String> rabbitArguments() {
        return PlatformApps.brokerArguments(services, services.amqpHost(), services.amqpPort());
    }
}
