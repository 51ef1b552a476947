package errand.api.results;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies worker events to the job store, a batch per transaction. Each event is one conditional statement
 * fenced by job id, attempt and the statuses {@link JobTransitions} allows, so duplicates, stale attempts and
 * late events change nothing, and a job gets exactly one terminal record. Consecutive events of the same kind go
 * to the database as one JDBC batch; order between kinds is kept.
 */
@Component
class EventApplier {

    private static final String STARTED = """
            with j as (
                update jobs set status = 'RUNNING', started_at = ?::timestamptz, attempts = greatest(attempts, attempt),
                                updated_at = now()
                where id = ? and attempt = ? and status = any(?)
                returning id, attempt)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at)
            select id, attempt, ?::text, 'RUNNING', ?::timestamptz from j
            on conflict (job_id, attempt) do nothing""";

    private static final String PROGRESS = """
            update jobs set progress = ?::jsonb, updated_at = now()
            where id = ? and attempt = ? and status = any(?)
              and coalesce((progress ->> 'fraction')::float8, -1) <= ?""";

    private static final String LEASED = """
            with j as (
                update jobs set status = 'RUNNING', lease_until = ?::timestamptz, leased_by = ?::text,
                                started_at = case when status = 'RUNNING' then started_at else ?::timestamptz end,
                                attempts = greatest(attempts, attempt), updated_at = now()
                where id = ? and attempt = ? and status = any(?)
                returning id, attempt)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at)
            select id, attempt, ?::text, 'RUNNING', ?::timestamptz from j
            on conflict (job_id, attempt) do nothing""";

    private static final String SUCCEEDED = """
            with j as (
                update jobs set status = 'SUCCEEDED', result = ?::jsonb, error = null, lease_until = null,
                                started_at = case when status = 'RUNNING' then started_at else ? end,
                                finished_at = ?::timestamptz, attempts = greatest(attempts, attempt), updated_at = now()
                where id = ? and attempt = ? and status = any(?)
                returning id, attempt)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at)
            select id, attempt, ?::text, 'SUCCEEDED', ?::timestamptz, ?::timestamptz from j
            on conflict (job_id, attempt) do update
                set status = excluded.status, finished_at = excluded.finished_at, worker_id = excluded.worker_id,
                    started_at = excluded.started_at""";

    private static final String FAILED = """
            with j as (
                update jobs set status = ?, error = ?::jsonb, lease_until = null,
                                started_at = case when status = 'RUNNING' then started_at else ? end,
                                finished_at = case when ? then null else ?::timestamptz end,
                                attempts = greatest(attempts, attempt),
                                attempt = case when ? then attempt + 1 else attempt end,
                                published_at = coalesce(published_at, now()), updated_at = now()
                where id = ? and attempt = ? and status = any(?)
                returning id)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at, error)
            select id, ?::int, ?::text, 'FAILED', ?::timestamptz, ?::timestamptz, ?::jsonb from j
            on conflict (job_id, attempt) do update
                set status = excluded.status, finished_at = excluded.finished_at, error = excluded.error,
                    worker_id = excluded.worker_id, started_at = excluded.started_at""";

    /**
     * The worker's report of an attempt it stopped because the job was cancelled: the job is CANCELLED already, so
     * only the attempt's record changes; {@code CancelRebroadcast} stops repeating the cancel for it. The job may
     * also have moved on to a later attempt (retried after the cancel, before this report came in): the stopped
     * attempt is recorded all the same, or the history would show it RUNNING for good.
     */
    private static final String ATTEMPT_CANCELLED = """
            update job_attempts a set status = 'CANCELLED', finished_at = ?, error = ?::jsonb
            from jobs j
            where a.job_id = ? and a.attempt = ? and a.status = 'RUNNING'
              and j.id = a.job_id
              and (j.status = 'CANCELLED' and j.attempt = a.attempt or j.attempt > a.attempt)""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    EventApplier(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** A job the batch names: its type and when it was accepted, for the job metrics. */
    record JobFacts(String type, Instant createdAt) {
    }

    /** What a batch did: the events that changed a job, in order, and the facts of every job the batch named. */
    record Applied(List<JobEvent> changed, Map<UUID, JobFacts> jobs) {

        static final Applied NOTHING = new Applied(List.of(), Map.of());
    }

    /** Applies the events in order, in one transaction. */
    Applied applyAll(List<JobEvent> events) {
        Applied applied = transactions.execute(tx -> {
            Map<UUID, JobFacts> jobs = lockInIdOrder(events);
            List<JobEvent> changed = new ArrayList<>();
            List<JobEvent> run = new ArrayList<>();
            for (JobEvent event : events) {
                if (!run.isEmpty() && sqlOf(run.getFirst()) != sqlOf(event)) {
                    applyRun(run, changed);
                    run.clear();
                }
                run.add(event);
            }
            if (!run.isEmpty()) {
                applyRun(run, changed);
            }
            events.forEach(this::recordCancelledAttempt);
            return new Applied(changed, jobs);
        });
        return applied == null ? Applied.NOTHING : applied;
    }

    /**
     * Takes the row locks of the batch's jobs in one go, in id order: two API consumers applying overlapping batches
     * then queue behind each other instead of deadlocking. The same statement reads what the metrics need of them.
     */
    private Map<UUID, JobFacts> lockInIdOrder(List<JobEvent> events) {
        UUID[] ids = events.stream().map(JobEvent::jobId).distinct().sorted().toArray(UUID[]::new);
        Map<UUID, JobFacts> jobs = HashMap.newHashMap(ids.length);
        jdbc.query("select id, type, created_at from jobs where id = any(?) order by id for update",
                rs -> {
                    jobs.put(rs.getObject("id", UUID.class),
                            new JobFacts(rs.getString("type"), rs.getTimestamp("created_at").toInstant()));
                },
                (Object) ids);
        return jobs;
    }

    private void applyRun(List<JobEvent> run, List<JobEvent> changed) {
        int[][] counts = jdbc.batchUpdate(sqlOf(run.getFirst()), run, run.size(), EventApplier::bind);
        int index = 0;
        for (int[] batch : counts) {
            for (int count : batch) {
                if (count > 0) {
                    changed.add(run.get(index));
                }
                index++;
            }
        }
    }

    private void recordCancelledAttempt(JobEvent event) {
        if (event instanceof JobEvent.Failed failed && Failure.CANCELLED.equals(failed.failure().type())) {
            jdbc.update(ATTEMPT_CANCELLED, Timestamp.from(failed.at()),
                    WireJson.mapper().writeValueAsString(failed.failure()), failed.jobId(), failed.attempt());
        }
    }

    private static String sqlOf(JobEvent event) {
        return switch (event) {
            case JobEvent.Started started -> STARTED;
            case JobEvent.Progress progress -> PROGRESS;
            case JobEvent.Leased leased -> LEASED;
            case JobEvent.Succeeded succeeded -> SUCCEEDED;
            case JobEvent.Failed failed -> FAILED;
        };
    }

    private static void bind(PreparedStatement ps, JobEvent event) throws SQLException {
        String[] sources = JobTransitions.sourceNames(event);
        switch (event) {
            case JobEvent.Started e -> {
                ps.setTimestamp(1, Timestamp.from(e.at()));
                ps.setObject(2, e.jobId());
                ps.setInt(3, e.attempt());
                ps.setArray(4, ps.getConnection().createArrayOf("text", sources));
                ps.setString(5, e.workerId());
                ps.setTimestamp(6, Timestamp.from(e.at()));
            }
            case JobEvent.Progress e -> {
                ps.setString(1, WireJson.mapper().writeValueAsString(new ProgressView(e.fraction(), e.message(),
                        e.at().toString())));
                ps.setObject(2, e.jobId());
                ps.setInt(3, e.attempt());
                ps.setArray(4, ps.getConnection().createArrayOf("text", sources));
                ps.setDouble(5, e.fraction());
            }
            case JobEvent.Leased e -> {
                Duration lease = Duration.between(e.at(), e.leaseUntil());
                ps.setTimestamp(1, Timestamp.from(Instant.now().plus(lease)));
                ps.setString(2, e.workerId());
                ps.setTimestamp(3, Timestamp.from(e.at()));
                ps.setObject(4, e.jobId());
                ps.setInt(5, e.attempt());
                ps.setArray(6, ps.getConnection().createArrayOf("text", sources));
                ps.setString(7, e.workerId());
                ps.setTimestamp(8, Timestamp.from(e.at()));
            }
            case JobEvent.Succeeded e -> {
                ps.setString(1, WireJson.mapper().writeValueAsString(e.result()));
                ps.setTimestamp(2, Timestamp.from(e.startedAt()));
                ps.setTimestamp(3, Timestamp.from(e.at()));
                ps.setObject(4, e.jobId());
                ps.setInt(5, e.attempt());
                ps.setArray(6, ps.getConnection().createArrayOf("text", sources));
                ps.setString(7, e.workerId());
                ps.setTimestamp(8, Timestamp.from(e.startedAt()));
                ps.setTimestamp(9, Timestamp.from(e.at()));
            }
            case JobEvent.Failed e -> {
                String error = WireJson.mapper().writeValueAsString(e.failure());
                ps.setString(1, JobTransitions.targetOf(e).name());
                ps.setString(2, error);
                ps.setTimestamp(3, Timestamp.from(e.startedAt()));
                ps.setBoolean(4, e.willRetry());
                ps.setTimestamp(5, Timestamp.from(e.at()));
                ps.setBoolean(6, e.willRetry());
                ps.setObject(7, e.jobId());
                ps.setInt(8, e.attempt());
                ps.setArray(9, ps.getConnection().createArrayOf("text", sources));
                ps.setInt(10, e.attempt());
                ps.setString(11, e.workerId());
                ps.setTimestamp(12, Timestamp.from(e.startedAt()));
                ps.setTimestamp(13, Timestamp.from(e.at()));
                ps.setString(14, error);
            }
        }
    }

    /** The {@code progress} of a job as stored and shown. */
    record ProgressView(double fraction, @Nullable String message, String at) {
    }
}
