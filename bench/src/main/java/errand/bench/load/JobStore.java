package errand.bench.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private Timestamp since;

    public JobStore(String jdbcUrl, String user, String password) throws SQLException {
        this(jdbcUrl, user, password, null);
    }

    /**
     * @param since with a pre-filled store: the workloads' jobs are those created after it (the pre-filled ones are
     *              all older), and only they are removed before a workload, counted and judged; null: the whole store
     */
    public JobStore(String jdbcUrl, String user, String password, Timestamp since) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, user, password);
        this.since = since;
    }

    /** The clause that picks the workloads' jobs ({@code true} without a pre-filled store). */
    private String ours() {
        // tenant first: the index jobs_newest_first (tenant, created_at desc, id desc) answers it on a large store
        return since == null ? "true"
                : "tenant = 'default' and created_at > '" + since.toInstant() + "'::timestamptz";
    }

    /**
     * Empties the job store, so every workload starts from the same empty table; with a pre-filled store, removes
     * only the jobs of the workloads before (the pre-filled ones stay, and retention alone deletes them).
     */
    public void truncate() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (since == null) {
                statement.execute("truncate jobs, job_attempts, job_outbox");
            } else {
                statement.execute("delete from jobs where " + ours()); // job_attempts: on delete cascade
            }
        }
    }

    /** The database's clock, for {@code since}. */
    public Timestamp now() throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select clock_timestamp()")) {
            row.next();
            return row.getTimestamp(1);
        }
    }

    /** Ids of up to {@code limit} jobs of the workloads (tenant default: the bootstrap key's), in random order. */
    public List<String> sampleIds(int limit) throws SQLException {
        return ids("select id from jobs where tenant = 'default' and " + ours() + " order by random() limit " + limit);
    }

    /**
     * Ids of up to {@code limit} pre-filled jobs of tenant default, from a random sample of the table's pages; only
     * jobs finished in the last 20 hours, which the bench's retention of a day ({@code BenchRun.RETENTION}) keeps
     * through the run, so a read never races the deletion of the older ones and meets a 404.
     */
    public List<String> samplePrefilledIds(int limit) throws SQLException {
        if (since == null) {
            return List.of();
        }
        return ids("select id from jobs tablesample system (1) where tenant = 'default' and created_at <= '"
                + since.toInstant() + "'::timestamptz and finished_at > now() - interval '20 hours' limit " + limit);
    }

    private List<String> ids(String query) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /**
     * Pre-fills the store with terminal jobs, in SQL, {@code chunk} rows per transaction, each with one attempt:
     * see {@link Prefill}.
     */
    public void prefill(long rows, int chunk, java.util.function.LongConsumer progress) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (PreparedStatement insert = connection.prepareStatement(Prefill.SQL)) {
            for (long from = 0; from < rows; from += chunk) {
                long to = Math.min(rows, from + chunk) - 1;
                insert.setLong(1, rows);
                insert.setLong(2, from);
                insert.setLong(3, to);
                insert.execute();
                progress.accept(to + 1);
            }
        }
        try (Statement statement = connection.createStatement()) {
            // The pre-filled jobs finished days ago, past the outcome stream's retention (an hour), so a real store
            // holds no event of theirs; what the trigger staged for them would have the restarted API sequence ten
            // million events while it is measured. The API is stopped during the pre-fill: nothing else reads it.
            statement.execute("truncate job_event_inbox");
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** {@code VACUUM ANALYZE} of jobs and job_attempts. */
    public void vacuumAnalyze() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("vacuum analyze jobs");
            statement.execute("vacuum analyze job_attempts");
        }
    }

    /**
     * A {@code CHECKPOINT}: writes out the pages the pre-fill and its vacuum left dirty (gigabytes for ten million
     * rows), so that writing does not fall on the measured rounds, which on the empty store start from a settled
     * database too. Needs a superuser or {@code pg_checkpoint}, as the kit's local connection is.
     */
    public void checkpoint() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("checkpoint");
        }
    }

    /** Rows of jobs, exactly (a full count: seconds on a large table). */
    public long rows() throws SQLException {
        return single("select count(*) from jobs");
    }

    /** Terminal jobs of a status finished longer ago than {@code interval} (a PostgreSQL interval). */
    public long finishedBefore(String statuses, String interval) throws SQLException {
        return single("select count(*) from jobs where status in (" + statuses + ")"
                + " and finished_at < now() - interval '"
                + interval + "'");
    }

    /**
     * Sizes in bytes of jobs and job_attempts: the whole relation ({@code pg_total_relation_size}), the table
     * ({@code pg_relation_size}), its indexes together ({@code pg_indexes_size}) and each index.
     */
    public Map<String, Object> sizes() throws SQLException {
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (String table : List.of("jobs", "job_attempts")) {
            Map<String, Object> one = new LinkedHashMap<>();
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(
                    "select pg_total_relation_size('" + table + "'), pg_relation_size('" + table + "'),"
                            + " pg_indexes_size('" + table + "')")) {
                row.next();
                one.put("total", row.getLong(1));
                one.put("table", row.getLong(2));
                one.put("indexes", row.getLong(3));
            }
            Map<String, Object> indexes = new LinkedHashMap<>();
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                    "select indexrelid::regclass::text, pg_relation_size(indexrelid) from pg_index where indrelid = '"
                            + table + "'::regclass order by 1")) {
                while (rows.next()) {
                    indexes.put(rows.getString(1), rows.getLong(2));
                }
            }
            one.put("index", indexes);
            sizes.put(table, one);
        }
        return sizes;
    }

    /** Transactions committed in the job store's database so far (the statistics lag by up to a second). */
    public long commits() throws SQLException, InterruptedException {
        Thread.sleep(1100); // PostgreSQL 15 flushes backends' statistics at most once a second
        return single("select xact_commit from pg_stat_database where datname = current_database()");
    }

    public long finished() throws SQLException {
        return single("select count(*) from jobs where status in ('SUCCEEDED','FAILED','CANCELLED') and " + ours());
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
                      from jobs where %s) j
                """.formatted(correct, ours());
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
