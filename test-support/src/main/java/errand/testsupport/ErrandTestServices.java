package errand.testsupport;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The one switch that chooses the broker and database of the tests, like Temporal's {@code USE_EXTERNAL_SERVICE}.
 *
 * <p>With {@code ERRAND_TEST_RABBITMQ_URI} and {@code ERRAND_TEST_JDBC_URL} set (as {@code .ci/run} does), or with
 * {@code ERRAND_TEST_SERVICES=local} (then the standard localhost addresses are the defaults), the tests use those
 * running services. Otherwise a RabbitMQ 4 and a PostgreSQL 17 container start once per JVM and are shared.
 *
 * <p>Either way every test class gets its own {@link Isolated} vhost and database, created fresh and removed
 * afterwards, so classes never see each other's queues or rows. Names start with {@code errand_test_} and the
 * run id from {@code ERRAND_TEST_RUN_ID}, so a CI run can sweep what a crashed JVM left behind.
 *
 * <p>Every module's tests get their services here (producer-api's store tests, the worker's integration tests and
 * the end-to-end and failure suites); none dials a fixed address of its own.
 */
public final class ErrandTestServices {

    private static final String LOCAL_RABBITMQ_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
    private static final String LOCAL_MANAGEMENT_URI = "http://guest:guest@127.0.0.1:15672";
    private static final int BROKER_PROMETHEUS_PORT = 15692;
    private static final String LOCAL_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private static volatile @Nullable Services services;

    private ErrandTestServices() {
    }

    /** A fresh vhost and database for one test class; {@link Isolated#close()} removes both. */
    public static Isolated isolated(String owner) {
        Services base = services();
        String name = uniqueName(owner);
        base.createVhost(name);
        try {
            base.createDatabase(name);
        } catch (RuntimeException e) {
            base.deleteVhost(name);
            throw e;
        }
        return new Isolated(base, name);
    }

    /** Where the services come from, for messages. */
    public static String describe() {
        return services().description;
    }

    static String uniqueName(String owner) {
        String runId = System.getenv().getOrDefault("ERRAND_TEST_RUN_ID", "local");
        String cleanOwner = owner.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        String name = "errand_test_" + runId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_"
                + cleanOwner;
        int room = 63 - suffix.length() - 1;
        return (name.length() > room ? name.substring(0, room) : name) + "_" + suffix;
    }

    private static Services services() {
        Services current = services;
        if (current == null) {
            synchronized (ErrandTestServices.class) {
                current = services;
                if (current == null) {
                    current = start();
                    services = current;
                }
            }
        }
        return current;
    }

    private static Services start() {
        String rabbitUri = System.getenv("ERRAND_TEST_RABBITMQ_URI");
        String jdbcUrl = System.getenv("ERRAND_TEST_JDBC_URL");
        boolean local = "local".equalsIgnoreCase(System.getenv("ERRAND_TEST_SERVICES"));
        if (rabbitUri != null && jdbcUrl != null || local) {
            String amqp = rabbitUri != null ? rabbitUri : LOCAL_RABBITMQ_URI;
            String management = System.getenv().getOrDefault("ERRAND_TEST_RABBITMQ_MANAGEMENT_URI",
                    LOCAL_MANAGEMENT_URI);
            String jdbc = jdbcUrl != null ? jdbcUrl : LOCAL_JDBC_URL;
            String prometheus = System.getenv().getOrDefault("ERRAND_TEST_RABBITMQ_PROMETHEUS_URI",
                    "http://" + URI.create(amqp).getHost() + ":" + BROKER_PROMETHEUS_PORT);
            return Services.of("local services " + URI.create(amqp).getHost(), URI.create(amqp),
                    URI.create(management), URI.create(prometheus), jdbc);
        }
        return startContainers();
    }

    private static Services startContainers() {
        RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:4-management");
        // the official image enables the Prometheus plugin; the dashboards' broker series are checked against it
        rabbit.addExposedPort(BROKER_PROMETHEUS_PORT);
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17");
        rabbit.start();
        postgres.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            rabbit.stop();
            postgres.stop();
        }));
        URI amqp = URI.create("amqp://%s:%s@%s:%d/%%2F".formatted(rabbit.getAdminUsername(),
                rabbit.getAdminPassword(), rabbit.getHost(), rabbit.getAmqpPort()));
        URI management = URI.create("http://%s:%s@%s:%d".formatted(rabbit.getAdminUsername(),
                rabbit.getAdminPassword(), rabbit.getHost(), rabbit.getHttpPort()));
        String jdbc = postgres.getJdbcUrl() + (postgres.getJdbcUrl().contains("?") ? "&" : "?") + "user="
                + postgres.getUsername() + "&password=" + postgres.getPassword();
        URI prometheus = URI.create("http://%s:%d".formatted(rabbit.getHost(),
                rabbit.getMappedPort(BROKER_PROMETHEUS_PORT)));
        return Services.of("Testcontainers", amqp, management, prometheus, jdbc);
    }

    /** Connection facts of the shared services, plus the administration the isolation needs. */
    private record Services(String description, String amqpHost, int amqpPort, String amqpUser,
            String amqpPassword, URI management, String managementUser, String managementPassword, URI prometheus,
            String jdbcBase, String jdbcUser, String jdbcPassword) {

        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        static Services of(String description, URI amqp, URI management, URI prometheus, String jdbcUrl) {
            String[] amqpUser = userInfo(amqp, "guest");
            String[] managementUser = userInfo(management, amqpUser[0], amqpUser[1]);
            URI managementBase = URI.create(management.getScheme() + "://" + management.getHost() + ":"
                    + management.getPort());
            String jdbcUser = queryParameter(jdbcUrl, "user", "postgres");
            String jdbcPassword = queryParameter(jdbcUrl, "password", "");
            String jdbcBase = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
            int port = amqp.getPort() == -1 ? 5672 : amqp.getPort();
            return new Services(description, amqp.getHost(), port, amqpUser[0], amqpUser[1], managementBase,
                    managementUser[0], managementUser[1], prometheus, jdbcBase, jdbcUser, jdbcPassword);
        }

        void createVhost(String vhost) {
            managementCall("PUT", "/api/vhosts/" + encode(vhost), "{}");
            managementCall("PUT", "/api/permissions/" + encode(vhost) + "/" + encode(amqpUser),
                    "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        }

        void deleteVhost(String vhost) {
            managementCall("DELETE", "/api/vhosts/" + encode(vhost), null);
        }

        String management(String method, String path, @Nullable String body) {
            return managementCall(method, path, body);
        }

        void createUser(String user, String password, String vhost, BrokerPermissions permissions) {
            management("PUT", "/api/users/" + encode(user),
                    "{\"password\":\"" + json(password) + "\",\"tags\":\"\"}");
            management("PUT", "/api/permissions/" + encode(vhost) + "/" + encode(user),
                    "{\"configure\":\"" + json(permissions.configure()) + "\",\"write\":\""
                            + json(permissions.write()) + "\",\"read\":\"" + json(permissions.read()) + "\"}");
        }

        void deleteUser(String user) {
            management("DELETE", "/api/users/" + encode(user), null);
        }

        String queueJson(String vhost, String queue) {
            return managementCall("GET", "/api/queues/" + encode(vhost) + "/" + encode(queue), null);
        }

        void createDatabase(String database) {
            adminSql("CREATE DATABASE " + database);
        }

        void dropDatabase(String database) {
            adminSql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }

        String jdbcUrlOf(String database) {
            return jdbcBase.substring(0, jdbcBase.lastIndexOf('/') + 1) + database;
        }

        private void adminSql(String sql) {
            try (Connection connection = DriverManager.getConnection(jdbcBase, jdbcUser, jdbcPassword);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot run '" + sql + "' on " + jdbcBase, e);
            }
        }

        private String managementCall(String method, String path, @Nullable String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(management.resolve(path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (managementUser + ":" + managementPassword).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json");
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                            + response.body());
                }
                return response.body();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("RabbitMQ management API at " + management + " unreachable", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static String json(String text) {
            return text.replace("\\", "\\\\").replace("\"", "\\\"");
        }

        private static String encode(String segment) {
            return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
        }

        private static String[] userInfo(URI uri, String defaultUser) {
            return userInfo(uri, defaultUser, defaultUser);
        }

        private static String[] userInfo(URI uri, String defaultUser, String defaultPassword) {
            String info = uri.getRawUserInfo();
            if (info == null) {
                return new String[] {defaultUser, defaultPassword};
            }
            int colon = info.indexOf(':');
            String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            String password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
            return new String[] {user, password};
        }

        private static String queryParameter(String url, String name, String defaultValue) {
            int question = url.indexOf('?');
            if (question < 0) {
                return defaultValue;
            }
            for (String pair : url.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).equals(name)) {
                    return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                }
            }
            return defaultValue;
        }
    }

    /**
     * One test class's own vhost and database on the shared services. Closing drops the database (forcing off any
     * connection left) and deletes the vhost (closing its connections).
     */
    public static final class Isolated implements AutoCloseable {

        private final Services services;
        private final String name;
        private final List<String> users = new CopyOnWriteArrayList<>();
        private @Nullable DataSource dataSource;

        private Isolated(Services services, String name) {
            this.services = services;
            this.name = name;
        }

        /** The name of both the vhost and the database. */
        public String name() {
            return name;
        }

        public String vhost() {
            return name;
        }

        public String amqpHost() {
            return services.amqpHost();
        }

        public int amqpPort() {
            return services.amqpPort();
        }

        public String amqpUser() {
            return services.amqpUser();
        }

        public String amqpPassword() {
            return services.amqpPassword();
        }

        public String jdbcUrl() {
            return services.jdbcUrlOf(name);
        }

        public String jdbcUser() {
            return services.jdbcUser();
        }

        public String jdbcPassword() {
            return services.jdbcPassword();
        }

        public URI managementUri() {
            return services.management();
        }

        /** The broker's Prometheus endpoint (its {@code rabbitmq_prometheus} plugin), without a path. */
        public URI brokerPrometheusUri() {
            return services.prometheus();
        }

        /**
         * This class's database as a {@link DataSource} (a new connection per {@code getConnection()}, no pool),
         * always the same instance, so a transaction manager and a {@code JdbcTemplate} built on it share
         * transactions.
         */
        public synchronized DataSource dataSource() {
            if (dataSource == null) {
                PGSimpleDataSource simple = new PGSimpleDataSource();
                simple.setURL(jdbcUrl());
                simple.setUser(jdbcUser());
                simple.setPassword(jdbcPassword());
                dataSource = simple;
            }
            return dataSource;
        }

        /**
         * The management API's view of a queue in this class's vhost, as JSON ({@code messages_ready},
         * {@code messages_unacknowledged}, {@code consumers}, ...; its statistics lag a few seconds).
         */
        public String queueJson(String queue) {
            return services.queueJson(name, queue);
        }

        /**
         * A call to the broker's management API with its credentials: {@code path} starts with {@code /api/} and has
         * its segments encoded already; answers the body, and fails on a status other than 2xx (404 is fine for a
         * DELETE). The benchmark kit uses it for its spy queues and flow-control samples.
         */
        public String management(String method, String path, @Nullable String body) {
            return services.management(method, path, body);
        }

        /** A new JDBC connection to this class's database. */
        public Connection openDatabase() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), jdbcUser(), jdbcPassword());
        }

        /** One number read from this class's database (a count, say): {@code sql} with {@code arguments} bound. */
        public long queryLong(String sql, Object... arguments) throws SQLException {
            try (Connection connection = openDatabase();
                    PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < arguments.length; i++) {
                    statement.setObject(i + 1, arguments[i]);
                }
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        }

        /** A new AMQP connection to this class's vhost. */
        public com.rabbitmq.client.Connection openBroker() throws Exception {
            return openBroker(amqpUser(), amqpPassword());
        }

        /** A new AMQP connection to this class's vhost as this user (see {@link #createBrokerUser}). */
        public com.rabbitmq.client.Connection openBroker(String user, String password) throws Exception {
            com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
            factory.setHost(amqpHost());
            factory.setPort(amqpPort());
            factory.setUsername(user);
            factory.setPassword(password);
            factory.setVirtualHost(vhost());
            return factory.newConnection("errand-tests");
        }

        /**
         * Creates a broker user without tags, named {@code <this vhost>_<role>}, with these permissions on this vhost
         * only, and returns its name. Users are global to the broker: {@link #close()} deletes it again.
         */
        public String createBrokerUser(String role, String password, BrokerPermissions permissions) {
            String user = name + "_" + role;
            users.add(user);
            services.createUser(user, password, name, permissions);
            return user;
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            try {
                services.dropDatabase(name);
            } catch (RuntimeException e) {
                failure = e;
            }
            for (String user : users) {
                try {
                    services.deleteUser(user);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            users.clear();
            try {
                services.deleteVhost(name);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
