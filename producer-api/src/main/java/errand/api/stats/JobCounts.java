package errand.api.stats;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import errand.api.StatusSql;
import errand.model.JobStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The maintained job counts (migration V5): {@code job_counts} plus the deltas the triggers appended since the last
 * fold, so every read is exact. {@link #fold()} moves the deltas into the counts; one instance folds at a time.
 */
@Repository
public class JobCounts {

    /** How far back {@code job_finished_minutes} is kept: "the last hour", with room to spare. */
    private static final Duration FINISHED_KEPT = Duration.ofHours(2);

    private static final String UNFINISHED = StatusSql.listOf(status -> !status.isTerminal());

    private static final String FOLD = """
            with moved as (
                delete from job_count_deltas returning tenant, type, status, delta, finished_minute, batch_id
            ), counted as (
                insert into job_counts (tenant, type, status, count)
                select tenant, type, status, sum(delta) from moved group by tenant, type, status
                on conflict (tenant, type, status) do update set count = job_counts.count + excluded.count
            ), batched as (
                insert into batch_counts (batch_id, status, count)
                select batch_id, status, sum(delta) from moved where batch_id is not null group by batch_id, status
                on conflict (batch_id, status) do update set count = batch_counts.count + excluded.count
            )
            insert into job_finished_minutes (tenant, type, status, minute, count)
            select tenant, type, status, finished_minute, sum(delta) from moved
            where finished_minute is not null group by tenant, type, status, finished_minute
            on conflict (tenant, minute, type, status) do update set count = job_finished_minutes.count + excluded.count
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    JobCounts(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Folds the pending deltas into the counts, unless another instance is folding right now. */
    public void fold() {
        transactions.executeWithoutResult(tx -> {
            Boolean mine = jdbc.queryForObject(
                    "select pg_try_advisory_xact_lock(hashtext('errand.job_counts.fold'))", Boolean.class);
            if (Boolean.TRUE.equals(mine)) {
                jdbc.update(FOLD);
                jdbc.update("delete from job_counts where count = 0");
                jdbc.update("delete from batch_counts where count = 0");
                jdbc.update("delete from job_finished_minutes where minute < ?",
                        Timestamp.from(Instant.now().minus(FINISHED_KEPT)));
            }
        });
    }

    /** Jobs not yet terminal, per tenant and status (the backlog). */
    public Map<String, Map<JobStatus, Long>> unfinished() {
        Map<String, Map<JobStatus, Long>> byTenant = new HashMap<>();
        jdbc.query("""
                select tenant, status, sum(count) from (
                    select tenant, status, count from job_counts where status in %1$s
                    union all
                    select tenant, status, delta from job_count_deltas where status in %1$s
                ) counts group by tenant, status""".formatted(UNFINISHED), rs -> {
                    byTenant.computeIfAbsent(rs.getString(1), tenant -> new EnumMap<>(JobStatus.class))
                            .put(JobStatus.valueOf(rs.getString(2)), rs.getLong(3));
                });
        return byTenant;
    }

    /** One batch's jobs per status, exact (the folded counts plus the pending deltas). */
    public Map<JobStatus, Long> ofBatch(UUID batchId) {
        Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            byStatus.put(status, 0L);
        }
        jdbc.query("""
                select status, sum(count) from (
                    select status, count from batch_counts where batch_id = ?
                    union all
                    select status, delta from job_count_deltas where batch_id = ?
                ) counts group by status""", rs -> {
                    byStatus.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }, batchId, batchId);
        return byStatus;
    }

    /** One tenant's jobs per type and status. */
    Map<String, Map<JobStatus, Long>> byType(String tenant) {
        Map<String, Map<JobStatus, Long>> byType = new TreeMap<>();
        jdbc.query("""
                select type, status, sum(count) from (
                    select type, status, count from job_counts where tenant = ?
                    union all
                    select type, status, delta from job_count_deltas where tenant = ?
                ) counts group by type, status having sum(count) <> 0""", rs -> {
                    byType.computeIfAbsent(rs.getString(1), type -> new EnumMap<>(JobStatus.class))
                            .put(JobStatus.valueOf(rs.getString(2)), rs.getLong(3));
                }, tenant, tenant);
        return byType;
    }

    /** How many of one tenant's jobs became terminal since {@code since}, per terminal status. */
    Map<JobStatus, Long> finishedSince(String tenant, Instant since) {
        Map<JobStatus, Long> finished = new EnumMap<>(JobStatus.class);
        Timestamp from = Timestamp.from(since);
        jdbc.query("""
                select status, sum(count) from (
                    select status, count from job_finished_minutes where tenant = ? and minute >= ?
                    union all
                    select status, delta from job_count_deltas
                    where tenant = ? and finished_minute >= ? and delta > 0
                ) finished group by status""", rs -> {
                    finished.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }, tenant, from, tenant, from);
        return finished;
    }
}
