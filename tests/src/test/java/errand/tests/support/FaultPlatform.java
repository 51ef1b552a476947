package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import errand.testsupport.ErrandTestServices;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/**
 * The real Errand for one failure-test class, built to be broken: the API and worker jars as OS processes (so they
 * can be killed, paused and restarted for real) in a fresh vhost and database, with
 * <ul>
 *   <li>optional {@link TcpProxy}s between the apps and the broker or the database, to cut or freeze those links
 *       without touching the shared services;
 *   <li>a {@link JobLedger} that witnesses every event the workers publish, to count executions;
 *   <li>{@link BrokerControl} and {@link JobRecords} to act on the broker and read the store.
 * </ul>
 * Workers are named {@code worker-1}, {@code worker-2}, ... and use that name as their {@code errand.worker.id}, so
 * attempt records and events say which process ran what. Heartbeats every second. Workers keep the shipped
 * {@code started-report-delay} (100 ms), so the suite tests what runs in production: a run shorter than that reports
 * only its outcome (the job goes from QUEUED to SUCCEEDED without RUNNING), and {@link JobLedger} does not see a run
 * that a fault cuts short within its first 100 ms. A test that must see every start passes
 * {@code --errand.worker.started-report-delay=0} in {@link #workerArguments} and says why.
 *
 * <p>Register it as a static {@code @RegisterExtension}. After the last test every process is killed (the vhost and
 * database are dropped anyway, and a paused process would not stop gracefully). Logs go to
 * {@code tests/target/e2e-logs/<TestClass>/}.
 */
public final class FaultPlatform implements BeforeAllCallback, AfterAllCallback {

    private final int initialWorkers;
    private final List<String> apiArguments;
    private final List<String> workerArguments;
    private final BrokerRoute brokerRoute;
    private final boolean databaseProxy;
    private final @Nullable RabbitCluster cluster;

    /** Which apps reach RabbitMQ through the {@link #brokerLink()}. */
    private enum BrokerRoute { DIRECT, ALL_APPS, WORKERS_ONLY, API_ONLY }

    private ErrandTestServices.@Nullable Isolated services;
    private @Nullable JobLedger ledger;
    private @Nullable BrokerControl broker;
    private @Nullable TcpProxy brokerLink;
    private @Nullable TcpProxy databaseLink;
    private @Nullable AppProcess api;
    private final List<AppProcess> otherApis = new ArrayList<>();
    private final List<AppProcess> workers = new ArrayList<>();
    private final ErrandClient client = new ErrandClient(this::apiUri);
    private Path logDirectory = Path.of(".");

    private FaultPlatform(int initialWorkers, List<String> apiArguments, List<String> workerArguments,
            BrokerRoute brokerRoute, boolean databaseProxy) {
        this(initialWorkers, apiArguments, workerArguments, brokerRoute, databaseProxy, null);
    }

    private FaultPlatform(int initialWorkers, List<String> apiArguments, List<String> workerArguments,
            BrokerRoute brokerRoute, boolean databaseProxy, @Nullable RabbitCluster cluster) {
        this.initialWorkers = initialWorkers;
        this.apiArguments = List.copyOf(apiArguments);
        this.workerArguments = List.copyOf(workerArguments);
        this.brokerRoute = brokerRoute;
        this.databaseProxy = databaseProxy;
        this.cluster = cluster;
    }

    public static FaultPlatform withWorkers(int workers) {
        return new FaultPlatform(workers, List.of(), List.of(), BrokerRoute.DIRECT, false);
    }

    /**
     * Every app and the {@link JobLedger} use {@code cluster} (all its nodes in {@code spring.rabbitmq.addresses},
     * its default vhost) instead of the class's vhost on the shared broker; the database stays the class's own. The
     * cluster's extension must start first (order it before this one). {@link #broker()} still acts on the shared
     * broker's vhost, which no app uses: act on the cluster through it instead. The workers' and API's arguments given
     * before this call are kept; a broker proxy cannot be combined with it.
     */
    public FaultPlatform onCluster(RabbitCluster cluster) {
        if (brokerRoute != BrokerRoute.DIRECT) {
            throw new IllegalStateException("a broker proxy leads to the shared broker, not to a cluster");
        }
        return new FaultPlatform(initialWorkers, apiArguments, workerArguments, brokerRoute, databaseProxy,
                cluster);
    }

    /** Extra {@code --name=value} arguments for every worker. */
    public FaultPlatform workerArguments(String... arguments) {
        List<String> all = new ArrayList<>(workerArguments);
        all.addAll(List.of(arguments));
        return new FaultPlatform(initialWorkers, apiArguments, all, brokerRoute, databaseProxy, cluster);
    }

    /** Extra {@code --name=value} arguments for the API. */
    public FaultPlatform apiArguments(String... arguments) {
        List<String> all = new ArrayList<>(apiArguments);
        all.addAll(List.of(arguments));
        return new FaultPlatform(initialWorkers, all, workerArguments, brokerRoute, databaseProxy, cluster);
    }

    /** Every app reaches RabbitMQ through one {@link #brokerLink()}. */
    public FaultPlatform brokerThroughProxy() {
        return new FaultPlatform(initialWorkers, apiArguments, workerArguments, BrokerRoute.ALL_APPS, databaseProxy);
    }

    /** The workers reach RabbitMQ through one {@link #brokerLink()}; the API connects directly. */
    public FaultPlatform workersReachBrokerThroughProxy() {
        return new FaultPlatform(initialWorkers, apiArguments, workerArguments, BrokerRoute.WORKERS_ONLY,
                databaseProxy);
    }

    /** The API reaches RabbitMQ through one {@link #brokerLink()}; the workers connect directly. */
    public FaultPlatform apiReachesBrokerThroughProxy() {
        return new FaultPlatform(initialWorkers, apiArguments, workerArguments, BrokerRoute.API_ONLY, databaseProxy);
    }

    /** The API reaches PostgreSQL through {@link #databaseLink()}. */
    public FaultPlatform databaseThroughProxy() {
        return new FaultPlatform(initialWorkers, apiArguments, workerArguments, brokerRoute, true, cluster);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String owner = context.getRequiredTestClass().getSimpleName();
        logDirectory = PlatformApps.logDirectory(owner);
        ErrandTestServices.Isolated isolated = ErrandTestServices.isolated(owner);
        services = isolated;
        try {
            ledger = cluster != null ? JobLedger.start(cluster) : JobLedger.start(isolated);
            broker = BrokerControl.of(isolated);
            if (brokerRoute != BrokerRoute.DIRECT) {
                brokerLink = TcpProxy.to("broker", isolated.amqpHost(), isolated.amqpPort());
            }
            if (databaseProxy) {
                URI database = URI.create(isolated.jdbcUrl().substring("jdbc:".length()));
                databaseLink = TcpProxy.to("database", database.getHost(),
                        database.getPort() == -1 ? 5432 : database.getPort());
            }
            api = PlatformApps.startApi("api", apiCommandLine(apiThroughBrokerLink()), logDirectory);
            for (int i = 0; i < initialWorkers; i++) {
                startWorker();
            }
            if (initialWorkers > 0) {
                awaitTaskTypesKnown(ErrandPlatform.BUILT_IN_TYPES);
            }
        } catch (RuntimeException | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (AppProcess worker : workers) {
            if (worker.isAlive() && ProcessSignals.isPaused(worker)) {
                ProcessSignals.resume(worker);
            }
            worker.kill();
        }
        workers.clear();
        otherApis.forEach(AppProcess::kill);
        otherApis.clear();
        if (api != null) {
            if (api.isAlive() && ProcessSignals.isPaused(api)) {
                ProcessSignals.resume(api);
            }
            api.kill();
        }
        closeQuietly(ledger);
        closeQuietly(broker);
        closeQuietly(brokerLink);
        closeQuietly(databaseLink);
        if (services != null) {
            services.close();
        }
    }

    private static void closeQuietly(@Nullable AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // teardown goes on
            }
        }
    }

    // ---- the apps

    public ErrandClient api() {
        return client;
    }

    public AppProcess apiProcess() {
        return require(api, "api");
    }

    private URI apiUri() {
        return apiProcess().baseUri();
    }

    /**
     * Starts one more API instance ({@code api-2}, {@code api-3}, ...) with the same arguments, vhost and database as
     * the first, and waits until it is ready. It reaches RabbitMQ directly whatever the platform's broker route, so
     * with {@link #apiReachesBrokerThroughProxy()} a test can cut off (or kill) the first instance alone.
     */
    public AppProcess startAnotherApi() {
        AppProcess another = PlatformApps.startApi("api-" + (otherApis.size() + 2), apiCommandLine(false),
                logDirectory);
        otherApis.add(another);
        return another;
    }

    /** Starts one more worker process ({@code worker-<n>}) and waits until it is ready. */
    public AppProcess startWorker() {
        return startWorker(new String[0]);
    }

    /**
     * Starts one more worker process ({@code worker-<n>}) with {@code --name=value} arguments of its own besides
     * the platform's (say, other {@code errand.worker.task-types}), and waits until it is ready.
     */
    public AppProcess startWorker(String... ownArguments) {
        String name = "worker-" + (workers.size() + 1);
        List<String> arguments = new ArrayList<>(brokerArguments(
                brokerRoute == BrokerRoute.ALL_APPS || brokerRoute == BrokerRoute.WORKERS_ONLY));
        arguments.add("--errand.worker.id=" + name);
        arguments.add(PlatformApps.HEARTBEAT_EVERY_SECOND);
        arguments.addAll(workerArguments);
        arguments.addAll(List.of(ownArguments));
        AppProcess worker = PlatformApps.startWorker(name, arguments, logDirectory);
        workers.add(worker);
        return worker;
    }

    public List<AppProcess> workers() {
        return List.copyOf(workers);
    }

    public AppProcess worker(int number) {
        return workers.get(number - 1);
    }

    public List<AppProcess> runningWorkers() {
        return workers.stream().filter(AppProcess::isAlive).toList();
    }

    /** The {@code errand.worker.id} of a worker started by this platform: its name. */
    public static String workerId(AppProcess worker) {
        return worker.name();
    }

    /** Waits until {@code GET /api/v1/task-types} lists every one of {@code types}. */
    public void awaitTaskTypesKnown(List<String> types) {
        PlatformApps.awaitTaskTypesKnown(client, types);
    }

    /** Waits until {@code GET /api/v1/workers} shows {@code worker} with {@code status} (LIVE, STOPPING, GONE). */
    public void awaitWorkerStatus(AppProcess worker, String status, Duration atMost) {
        await(worker.name() + " shown as " + status).atMost(atMost).pollInterval(PlatformApps.POLL_INTERVAL)
                .ignoreExceptions()
                .until(() -> {
                    for (JsonNode shown : client.workers()) {
                        if (workerId(worker).equals(shown.path("id").asString(""))) {
                            return status.equals(shown.path("status").asString(""));
                        }
                    }
                    return false;
                });
    }

    /**
     * Writes the thread stacks of {@code app}, virtual threads included ({@code jcmd Thread.dump_to_file}), next to
     * its log, for a failure that leaves jobs stuck. Answers the file, or null if the dump could not be taken.
     */
    public static @Nullable Path dumpThreads(AppProcess app, String tag) {
        if (!app.isAlive()) {
            return null;
        }
        Path file = app.log().resolveSibling(app.name() + "-threads-" + tag + ".txt");
        try {
            java.nio.file.Files.deleteIfExists(file);
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(app.pid()), "Thread.dump_to_file", file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && jcmd.exitValue() == 0 ? file : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    // ---- the services and the fault tools

    public ErrandTestServices.Isolated services() {
        return require(services, "services");
    }

    public JobLedger ledger() {
        return require(ledger, "ledger");
    }

    public BrokerControl broker() {
        return require(broker, "broker control");
    }

    public JobRecords records() {
        return new JobRecords(services());
    }

    /** The proxy between the apps and RabbitMQ; only with {@link #brokerThroughProxy()} or its one-sided variants. */
    public TcpProxy brokerLink() {
        return require(brokerLink, "broker proxy (use brokerThroughProxy())");
    }

    /** The proxy between the API and PostgreSQL; only with {@link #databaseThroughProxy()}. */
    public TcpProxy databaseLink() {
        return require(databaseLink, "database proxy (use databaseThroughProxy())");
    }

    // ---- command lines

    private boolean apiThroughBrokerLink() {
        return brokerRoute == BrokerRoute.ALL_APPS || brokerRoute == BrokerRoute.API_ONLY;
    }

    private List<String> apiCommandLine(boolean throughBrokerLink) {
        ErrandTestServices.Isolated isolated = services();
        String jdbcUrl = isolated.jdbcUrl();
        if (databaseLink != null) {
            URI database = URI.create(jdbcUrl.substring("jdbc:".length()));
            jdbcUrl = "jdbc:postgresql://127.0.0.1:" + databaseLink.port() + database.getRawPath()
                    + (database.getRawQuery() == null ? "" : "?" + database.getRawQuery());
        }
        List<String> arguments = new ArrayList<>(PlatformApps.databaseArguments(isolated, jdbcUrl));
        arguments.addAll(brokerArguments(throughBrokerLink));
        arguments.addAll(apiArguments);
        return arguments;
    }

    private List<String> brokerArguments(boolean throughProxy) {
        ErrandTestServices.Isolated isolated = services();
        if (cluster != null) {
            return PlatformApps.clusterBrokerArguments(cluster.addresses(), cluster.user(), cluster.password(),
                    cluster.vhost());
        }
        TcpProxy link = throughProxy ? brokerLink() : null;
        return link != null ? PlatformApps.brokerArguments(isolated, "127.0.0.1", link.port())
                : PlatformApps.brokerArguments(isolated, isolated.amqpHost(), isolated.amqpPort());
    }

    private static <T> T require(@Nullable T value, String what) {
        if (value == null) {
            throw new IllegalStateException("No " + what + ": is the platform registered and started?");
        }
        return value;
    }
}
