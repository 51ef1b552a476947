package errand.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;

import errand.testsupport.ErrandTestServices;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database of a test class's own with the API's Flyway schema, for the stores' integration tests: created and
 * migrated before the class's tests (it runs before the class's {@code @BeforeAll} methods), dropped after them.
 * Register it as a static {@code @RegisterExtension} field.
 */
public final class MigratedDatabase implements BeforeAllCallback, AfterAllCallback {

    private ErrandTestServices.@Nullable Isolated database;
    private @Nullable JdbcTemplate jdbc;

    @Override
    public void beforeAll(ExtensionContext context) {
        ErrandTestServices.Isolated created =
                ErrandTestServices.isolated(context.getRequiredTestClass().getSimpleName());
        database = created;
        Flyway.configure().dataSource(created.dataSource()).load().migrate();
        jdbc = new JdbcTemplate(created.dataSource());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        ErrandTestServices.Isolated dropping = database;
        database = null;
        jdbc = null;
        if (dropping != null) {
            dropping.close();
        }
    }

    public DataSource dataSource() {
        return isolated().dataSource();
    }

    public JdbcTemplate jdbc() {
        return Objects.requireNonNull(jdbc, "the database exists only while the class's tests run");
    }

    /** Transactions on the database, as the API's stores take them. */
    public TransactionTemplate transactions() {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource()));
    }

    private ErrandTestServices.Isolated isolated() {
        return Objects.requireNonNull(database, "the database exists only while the class's tests run");
    }

    /**
     * Loads {@code auto_explain} in {@code session} only: from now on the plan of every statement it runs, with the
     * rows and loops each node saw, comes back as a notice (a {@link SQLWarning} on the statement).
     */
    public static void reportPlansAsNotices(Connection session) throws SQLException {
        try (Statement sql = session.createStatement()) {
            sql.execute("load 'auto_explain'");
            sql.execute("set auto_explain.log_min_duration = 0");
            sql.execute("set auto_explain.log_nested_statements = on");
            sql.execute("set auto_explain.log_analyze = on");
            sql.execute("set auto_explain.log_timing = off");
            sql.execute("set auto_explain.log_level = notice");
        }
    }

    /** The text of a chain of notices, one to a line. */
    public static String notices(@Nullable SQLWarning first) {
        StringBuilder text = new StringBuilder();
        for (SQLWarning notice = first; notice != null; notice = notice.getNextWarning()) {
            text.append(notice.getMessage()).append('\n');
        }
        return text.toString();
    }
}
