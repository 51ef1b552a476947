package errand.bench.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Errand's job store, read over JDBC for the gate and the waiting (one connection per workload). Its own
 * statements count in {@code xact_commit} as psql's did, a handful per second of polling.
 */
public final class JobStore implements AutoCloseable {

    /** What the gate query answers: the counts, and the submit-to-terminal figures. */
    public record Figures(long rows, long distinct, long succeeded, long correct, long failed, long extraAttempts,
            double e2eP50Ms, double e2eP95Ms, double e2eP99Ms, double e2eMaxMs, double lastOutcomeEpochMillis,
            double runMeanMs) {
    }

    private final Connection connection;

    public JobStore(String jdbcUrl, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** Empties the job store, so every workload starts from the same empty table. */
    public void truncate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("truncate jobs, job_attempts");
        }
    }

    /** Transactions committed in the job store's database so far (the statistics lag by up to a second). */
    public long commits() throws SQLException, InterruptedException {
        Thread.sleep(1100); // PostgreSQL 15 flushes backends' statistics at most once a second
        return single("select xact_commit from pg_stat_database where datname = current_database()");
    }

    public long finished() throws SQLException {
        return single("select count(*) from jobs where status in ('SUCCEEDED','FAILED','CANCELLED')");
    }

    /** The gate's counts; a prime-count job is correct with {@code expectedPrimes}, an echo with its payload. */
    public Figures figures(boolean primeCount, long expectedPrimes) throws SQLException {
        String correct = primeCount
                ? "status = 'SUCCEEDED' and (result->>'count')::bigint = " + expectedPrimes
                : "status = 'SUCCEEDED' and result = payload";
        String query = """
                select count(*),
                       count(distinct coalesce(payload->>'n', id::text)),
                       count(*) filter (where status = 'SUCCEEDED'),
                       count(*) filter (where %s),
                       count(*) filter (where status in ('FAILED', 'CANCELLED')),
                       coalesce(sum(greatest(attempts - 1, 0)), 0),
                       coalesce(percentile_disc(0.50) within group (order by ms), 0),
                       coalesce(percentile_disc(0.95) within group (order by ms), 0),
                       coalesce(percentile_disc(0.99) within group (order by ms), 0),
                       coalesce(max(ms), 0),
                       coalesce(extract(epoch from max(updated_at)) * 1000, 0),
                       coalesce(avg(run_ms) filter (where status = 'SUCCEEDED'), 0)
                from (select *, extract(epoch from updated_at - created_at) * 1000 as ms,
                             extract(epoch from finished_at - started_at) * 1000 as run_ms
                      from jobs) j
                """.formatted(correct);
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return new Figures(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5),
                    row.getLong(6), row.getDouble(7), row.getDouble(8), row.getDouble(9), row.getDouble(10),
                    row.getDouble(11), row.getDouble(12));
        }
    }

    private long single(String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
