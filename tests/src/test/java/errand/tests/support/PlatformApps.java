package errand.tests.support;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import errand.testsupport.ErrandTestServices;
import tools.jackson.databind.JsonNode;

/**
 * What {@link ErrandPlatform} and {@link FaultPlatform} share: where the jars and logs are, how the API and worker
 * processes are started against a class's {@link ErrandTestServices.Isolated} services, and one set of timeouts.
 */
public final class PlatformApps {

    /** How long the API may take to list the task types of workers that were just started (they report ready first). */
    static final Duration TYPES_KNOWN_TIMEOUT = Duration.ofSeconds(90);
    static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    /** Every platform's workers heartbeat every second, so the API sees them, and sees them go, quickly. */
    static final String HEARTBEAT_EVERY_SECOND = "--errand.worker.heartbeat-interval=1s";
    /**
     * The secret every test API accepts with every scope in tenant {@code default}: docker compose's development key,
     * the one the README's walk-through uses.
     */
    public static final String BOOTSTRAP_KEY = "errand-dev-key-change-me";

    private PlatformApps() {
    }

    /** The repository's root directory ({@code errand.repo.root}, set by the module's surefire configuration). */
    public static Path repoRoot() {
        String root = System.getProperty("errand.repo.root");
        return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
    }

    /** {@code tests/target/e2e-logs/<owner>/}: where a test class's app logs go. */
    static Path logDirectory(String owner) {
        return repoRoot().resolve("tests/target/e2e-logs").resolve(owner);
    }

    /** Starts an API process ({@code errand.api.jar}) and waits until it is ready. */
    static AppProcess startApi(String name, List<String> arguments, Path logDirectory) {
        List<String> withKey = new ArrayList<>(arguments);
        withKey.addFirst("--errand.api.security.bootstrap-key=" + BOOTSTRAP_KEY);
        return AppProcess.start(name, apiJar(), withKey, logDirectory);
    }

    /** Starts a worker process ({@code errand.worker.jar}) and waits until it is ready. */
    static AppProcess startWorker(String name, List<String> arguments, Path logDirectory) {
        return AppProcess.start(name, jar("errand.worker.jar"), arguments, logDirectory);
    }

    /** The API's datasource arguments for {@code jdbcUrl} (the class's database, or a proxy in front of it). */
    static List<String> databaseArguments(ErrandTestServices.Isolated services, String jdbcUrl) {
        return List.of(
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + services.jdbcUser(),
                "--spring.datasource.password=" + services.jdbcPassword());
    }

    /** An app's RabbitMQ arguments for the class's vhost, reached at {@code host:port} (the broker, or a proxy). */
    static List<String> brokerArguments(ErrandTestServices.Isolated services, String host, int port) {
        return brokerArguments(services, host, port, services.amqpUser(), services.amqpPassword());
    }

    /** The same, logging in as {@code user} rather than the services' administrator. */
    static List<String> brokerArguments(ErrandTestServices.Isolated services, String host, int port, String user,
            String password) {
        return List.of(
                "--spring.rabbitmq.host=" + host,
                "--spring.rabbitmq.port=" + port,
                "--spring.rabbitmq.username=" + user,
                "--spring.rabbitmq.password=" + password,
                "--spring.rabbitmq.virtual-host=" + services.vhost());
    }

    /**
     * An app's RabbitMQ arguments for a cluster: every node in {@code spring.rabbitmq.addresses}
     * ({@code host:port,...}; it wins over host and port), tried in random order, so the apps spread over the nodes
     * and a reconnect finds a running one.
     */
    static List<String> clusterBrokerArguments(String addresses, String user, String password, String vhost) {
        return List.of(
                "--spring.rabbitmq.addresses=" + addresses,
                "--spring.rabbitmq.address-shuffle-mode=random",
                "--spring.rabbitmq.username=" + user,
                "--spring.rabbitmq.password=" + password,
                "--spring.rabbitmq.virtual-host=" + vhost);
    }

    /** Waits until {@code GET /api/v1/task-types} lists every one of {@code types}. */
    static void awaitTaskTypesKnown(ErrandClient client, List<String> types) {
        await("task types " + types + " known to the API").atMost(TYPES_KNOWN_TIMEOUT)
                .pollInterval(POLL_INTERVAL)
                .ignoreExceptions()
                .until(() -> namesOf(client.taskTypes()).containsAll(types));
    }

    static Set<String> namesOf(JsonNode taskTypes) {
        Set<String> names = new HashSet<>();
        taskTypes.forEach(type -> names.add(type.path("name").asString("")));
        return names;
    }

    /** The API's jar, as Maven built it ({@code errand.api.jar}). */
    public static Path apiJar() {
        return jar("errand.api.jar");
    }

    private static Path jar(String property) {
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException("System property " + property + " is not set: run through Maven");
        }
        return Path.of(path).toAbsolutePath().normalize();
    }
}
