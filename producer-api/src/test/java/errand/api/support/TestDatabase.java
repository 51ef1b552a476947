package errand.api.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh PostgreSQL database with Errand's schema (from Flyway, as in production), dropped on close. Uses the
 * server named by {@code ERRAND_TEST_JDBC_URL} (as {@code .ci/run} sets it), otherwise a shared Testcontainers
 * PostgreSQL.
 */
public final class TestDatabase implements AutoCloseable {

    private static PostgreSQLContainer container;

    private final String adminUrl;
    private final String name;
    private final String url;
    private final DataSource dataSource;

    private TestDatabase(String adminUrl, String user, String password) throws SQLException {
        this.adminUrl = adminUrl;
        String run = System.getenv().getOrDefault("ERRAND_TEST_RUN_ID", "local");
        this.name = ("errand_test_" + run + "_api_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8))
                .toLowerCase(Locale.ROOT);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        }
        this.url = withDatabase(adminUrl, name);
        this.dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password);
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    public static TestDatabase create() throws SQLException {
        String base = System.getenv("ERRAND_TEST_JDBC_URL");
        if (base != null && !base.isBlank()) {
            return new TestDatabase(base, System.getenv().getOrDefault("ERRAND_TEST_JDBC_USER", "postgres"),
                    System.getenv().getOrDefault("ERRAND_TEST_JDBC_PASSWORD", ""));
        }
        synchronized (TestDatabase.class) {
            if (container == null) {
                container = new PostgreSQLContainer("postgres:17");
                container.start();
            }
        }
        return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(adminUrl,
                System.getenv().getOrDefault("ERRAND_TEST_JDBC_USER", "postgres"),
                System.getenv().getOrDefault("ERRAND_TEST_JDBC_PASSWORD", ""));
                Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        }
    }

    /** The same server URL with another database, keeping its query parameters. */
    static String withDatabase(String jdbcUrl, String database) {
        int query = jdbcUrl.indexOf('?');
        String path = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        String params = query < 0 ? "" : jdbcUrl.substring(query);
        return path.substring(0, path.lastIndexOf('/') + 1) + database + params;
    }
}
