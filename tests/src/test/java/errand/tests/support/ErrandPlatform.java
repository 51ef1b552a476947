package errand.tests.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Errand, for one test class: the API jar and worker jars as OS processes against a fresh vhost and
 * database from {@link ErrandTestServices}. Register it as a static {@code @RegisterExtension}: it starts before
 * the class's first test, waits until the workers' task types are known to the API, and stops everything (and
 * drops the vhost and database) after the last.
 *
 * <p>Logs go to {@code tests/target/e2e-logs/<TestClass>/}.
 */
public final class ErrandPlatform implements BeforeAllCallback, AfterAllCallback {

    /** The task types every worker serves out of the box. */
    public static final List<String> BUILT_IN_TYPES = List.of("echo", "sleep", "prime-count", "pi", "fail");

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
            @Nullable Function<ErrandTestServices.Isolated, BrokerLogins> brokerUsers) {
        this.initialWorkers = initialWorkers;
        this.apiArguments = List.copyOf(apiArguments);
        this.workerArguments = List.copyOf(workerArguments);
        this.brokerUsers = brokerUsers;
    }

    /** The API and one worker serving every built-in type. */
    public static ErrandPlatform withOneWorker() {
        return new ErrandPlatform(1, List.of(), List.of(), null);
    }

    public static ErrandPlatform withWorkers(int workers) {
        return new ErrandPlatform(workers, List.of(), List.of(), null);
    }

    /** The same platform, with extra {@code --name=value} arguments for every worker. */
    public ErrandPlatform workerArguments(String... arguments) {
        List<String> all = new ArrayList<>(workerArguments);
        all.addAll(List.of(arguments));
        return new ErrandPlatform(initialWorkers, apiArguments, all, brokerUsers);
    }

    /** The same platform, with extra {@code --name=value} arguments for the API. */
    public ErrandPlatform apiArguments(String... arguments) {
        List<String> all = new ArrayList<>(apiArguments);
        all.addAll(List.of(arguments));
        return new ErrandPlatform(initialWorkers, all, workerArguments, brokerUsers);
    }

    /**
     * The same platform, with the API and the workers logging in to the broker as the users {@code createUsers} makes
     * (in the class's vhost, before any app starts; {@link ErrandTestServices.Isolated#createBrokerUser} users are
     * deleted with the vhost), instead of as the services' administrator.
     */
    public ErrandPlatform brokerUsers(Function<ErrandTestServices.Isolated, BrokerLogins> createUsers) {
        return new ErrandPlatform(initialWorkers, apiArguments, workerArguments, createUsers);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String owner = context.getRequiredTestClass().getSimpleName();
        logDirectory = PlatformApps.logDirectory(owner);
        services = ErrandTestServices.isolated(owner);
        jobTable = new JobTable(services);
        try {
            brokerLogins = brokerUsers == null ? null : brokerUsers.apply(services);
            api = PlatformApps.startApi("api", apiCommandLine(), logDirectory);
            for (int i = 0; i < initialWorkers; i++) {
                startWorker();
            }
            if (initialWorkers > 0) {
                awaitTaskTypesKnown(BUILT_IN_TYPES);
            }
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
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
        AppProcess another = PlatformApps.startApi("api-" + (otherApis.size() + 2), apiCommandLine(), logDirectory);
        otherApis.add(another);
        return another;
    }

    /** Starts one more worker process, serving every built-in type, and waits until it is ready. */
    public AppProcess startWorker() {
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
        workers.forEach(AppProcess::stop);
    }

    /** Makes sure exactly one worker runs and its types are announced: a known state for the next test. */
    public void ensureOneWorkerRuns() {
        List<AppProcess> running = runningWorkers();
        running.stream().skip(1).forEach(AppProcess::stop);
        if (running.isEmpty()) {
            startWorker();
        }
        awaitTaskTypesKnown(BUILT_IN_TYPES);
    }

    /** Restarts the API (graceful stop, same port, same database and vhost). */
    public void restartApi() {
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
