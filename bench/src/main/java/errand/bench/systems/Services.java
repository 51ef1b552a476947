package errand.bench.systems;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import errand.bench.Console;
import errand.testsupport.ErrandTestServices;
import errand.testsupport.ErrandTestServices.Isolated;

/**
 * The local RabbitMQ and PostgreSQL: started when down, and the run's own vhosts and databases, made and removed
 * through test-support's {@link ErrandTestServices} (named {@code errand_test_<run id>_bench_<system>_<random>}, so
 * CI's sweep of its run id removes them too if the kit dies).
 */
public final class Services implements AutoCloseable {

    private static final URI MANAGEMENT = URI.create("http://127.0.0.1:15672");
    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private final List<Isolated> isolated = new ArrayList<>();
    private boolean autovacuumTurnedOn;

    /** Starts PostgreSQL and RabbitMQ when they are down, as bench/run always did; fails if they stay down. */
    public static Services ensureRunning() throws Exception {
        if (!postgresUp()) {
            Console.log("PostgreSQL is down: starting it");
            try (var versions = Files.list(Path.of("/etc/postgresql"))) {
                String version = versions.map(p -> p.getFileName().toString()).sorted().findFirst().orElse("15");
                Processes.quietly(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"));
            }
            for (int i = 0; i < 60 && !postgresUp(); i++) {
                Thread.sleep(1000);
            }
            if (!postgresUp()) {
                throw new IllegalStateException("PostgreSQL is not reachable on 127.0.0.1:5432");
            }
        }
        if (!managementUp()) {
            if (Processes.quietly(List.of("rabbitmqctl", "-q", "status")).isEmpty()) {
                Console.log("RabbitMQ is down: starting it");
                Processes.quietly(List.of("rabbitmq-server", "-detached"));
            }
            Processes.quietly(List.of("timeout", "120", "rabbitmqctl", "-q", "await_startup"));
            Processes.quietly(List.of("rabbitmq-plugins", "-q", "enable", "rabbitmq_management"));
            for (int i = 0; i < 60 && !managementUp(); i++) {
                Thread.sleep(1000);
            }
            if (!managementUp()) {
                throw new IllegalStateException("RabbitMQ management API is not reachable");
            }
        }
        Services services = new Services();
        services.turnOnAutovacuum();
        return services;
    }

    /**
     * Errand's queue-like tables (the count deltas, the stream's inbox) and its jobs rely on autovacuum, as every
     * production PostgreSQL runs it. This machine's server has it off (its CI configuration), which lets them bloat
     * over a run and measures a server nobody deploys. So the run turns it on ({@code ALTER SYSTEM}, a reload) and
     * {@link #close} resets it, also when the run is stopped by a signal.
     */
    private void turnOnAutovacuum() {
        if (!"off".equals(postgresQuery("show autovacuum"))) {
            return;
        }
        try {
            postgresExecute("alter system set autovacuum = on");
            // set before the reload: once the setting is written, close() must reset it even if the reload failed
            autovacuumTurnedOn = true;
            postgresExecute("select pg_reload_conf()");
            for (int i = 0; i < 50 && !"on".equals(postgresQuery("show autovacuum")); i++) {
                Thread.sleep(100);
            }
            Console.log("PostgreSQL ran with autovacuum off: on for this run, as a production server runs it, and reset"
                    + " at its end");
        } catch (Exception e) {
            Console.log("PostgreSQL runs with autovacuum off and the kit could not turn it on (" + e.getMessage()
                    + "): the store's queue tables will bloat over the run");
        }
    }

    /** A vhost and a database of the run's own for one system, removed by {@link #close}. */
    public synchronized Isolated isolate(String system) {
        Isolated made = ErrandTestServices.isolated("bench_" + system);
        isolated.add(made);
        return made;
    }

    /** The management API's overview (versions), from any of the run's isolations. */
    public static String overview() throws Exception {
        return get(MANAGEMENT.resolve("/api/overview"));
    }

    @Override
    public synchronized void close() {
        for (Isolated made : isolated) {
            try {
                made.close();
            } catch (RuntimeException e) {
                Console.log("could not remove " + made + ": " + e.getMessage());
            }
        }
        if (!isolated.isEmpty()) {
            Console.log("stopped what it started, removed vhosts and databases " + String.join(", ",
                    isolated.stream().map(Isolated::name).toList()));
        }
        isolated.clear();
        if (autovacuumTurnedOn) {
            try {
                postgresExecute("alter system reset autovacuum", "select pg_reload_conf()");
                autovacuumTurnedOn = false;
                Console.log("PostgreSQL's autovacuum is back to the server's own setting");
            } catch (Exception e) {
                Console.log("!!! could not reset PostgreSQL's autovacuum (run `alter system reset autovacuum` and"
                        + " `select pg_reload_conf()` as postgres): " + e.getMessage());
            }
        }
    }

    /** The one value a query on the server's {@code postgres} database answers, or "?" when it cannot. */
    public static String postgresQuery(String query) {
        try (var connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                var statement = connection.createStatement(); var row = statement.executeQuery(query)) {
            return row.next() ? String.valueOf(row.getString(1)) : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    private static void postgresExecute(String... statements) throws SQLException {
        try (var connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                var statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static boolean postgresUp() {
        try (var connection = DriverManager.getConnection(POSTGRES, "postgres", "")) {
            return connection.isValid(5);
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean managementUp() {
        try {
            get(MANAGEMENT.resolve("/api/overview"));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered " + response.statusCode());
            }
            return response.body();
        }
    }
}
