package errand.api.results;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import errand.api.PlannedEachCall;
import errand.api.StatusSql;
import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.support.AbstractSqlTypeValue;
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
                update jobs set status = %1$s, started_at = :at::timestamptz, attempts = greatest(attempts, attempt),
                                updated_at = now()
                where id = :jobId and attempt = :attempt and status = any(:sources)
                returning id, attempt)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at)
            select id, attempt, :workerId::text, %1$s, :at::timestamptz from j
            on conflict (job_id, attempt) do nothing""".formatted(StatusSql.literal(JobStatus.RUNNING));

    private static final String PROGRESS = """
            update jobs set progress = :progress::jsonb, updated_at = now()
            where id = :jobId and attempt = :attempt and status = any(:sources)
              and coalesce((progress ->> 'fraction')::float8, -1) <= :fraction""";

    private static final String LEASED = """
            with j as (
                update jobs set status = %1$s, lease_until = :leaseUntil::timestamptz, leased_by = :workerId::text,
                                started_at = case when status = %1$s then started_at else :at::timestamptz end,
                                attempts = greatest(attempts, attempt), updated_at = now()
                where id = :jobId and attempt = :attempt and status = any(:sources)
                returning id, attempt)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at)
            select id, attempt, :workerId::text, %1$s, :at::timestamptz from j
            on conflict (job_id, attempt) do nothing""".formatted(StatusSql.literal(JobStatus.RUNNING));

    /**
     * A run of outcomes in one statement: the jobs updated from the arrays, then their attempts. Per-event
     * statements cost PostgreSQL more than the rows they change once a batch carries hundreds of outcomes.
     *
     * <p>Each outcome finds its job through the primary key, whatever the statistics say: {@code open} fences it in
     * a scalar subquery, which the planner cannot turn into a join. As a join, the plan depended on how many jobs
     * the statistics counted as unfinished, and those are often taken while every job is finished (an idle store,
     * analysed): then the planner expected one open job, scanned the whole table and compared every job with every
     * outcome, and a burst that followed paid about half a second per batch. The update fences again, so a row
     * changed since (none can be: the batch's rows are locked first) is left alone.
     */
    static final String SUCCEEDED = """
            with outcome as (
                select * from unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[])
                    as o(job_id, attempt, worker_id, result, started_at, finished_at)),
            open as materialized (
                select o.* from outcome o
                where (select status from jobs where jobs.id = o.job_id and jobs.attempt = o.attempt) = any(?)),
            j as (
                update jobs set status = %2$s, result = o.result::jsonb, error = null, lease_until = null,
                                started_at = case when jobs.status = %1$s then jobs.started_at else o.started_at end,
                                finished_at = o.finished_at, attempts = greatest(jobs.attempts, jobs.attempt),
                                updated_at = now()
                from open o
                where jobs.id = o.job_id and jobs.attempt = o.attempt and jobs.status = any(?)
                returning jobs.id, jobs.attempt, o.worker_id, o.started_at, o.finished_at)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at)
            select id, attempt, worker_id, %2$s, started_at, finished_at from j
            on conflict (job_id, attempt) do update
                set status = excluded.status, finished_at = excluded.finished_at, worker_id = excluded.worker_id,
                    started_at = excluded.started_at
            returning job_id, attempt""".formatted(StatusSql.literal(JobStatus.RUNNING),
            StatusSql.literal(JobStatus.SUCCEEDED));

    private static final String FAILED = """
            with j as (
                update jobs set status = :target, error = :error::jsonb, lease_until = null,
                                started_at = case when status = %1$s then started_at else :startedAt end,
                                finished_at = case when :willRetry then null else :at::timestamptz end,
                                attempts = greatest(attempts, attempt),
                                attempt = case when :willRetry then attempt + 1 else attempt end,
                                updated_at = now()
                where id = :jobId and attempt = :attempt and status = any(:sources)
                returning id)
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at, error)
            select id, :attempt::int, :workerId::text, %2$s, :startedAt::timestamptz, :at::timestamptz, :error::jsonb
            from j
            on conflict (job_id, attempt) do update
                set status = excluded.status, finished_at = excluded.finished_at, error = excluded.error,
                    worker_id = excluded.worker_id, started_at = excluded.started_at""".formatted(
            StatusSql.literal(JobStatus.RUNNING), StatusSql.literal(JobStatus.FAILED));

    /**
     * The worker's report of an attempt it stopped because the job was cancelled: the job is CANCELLED already, so
     * only the attempt's record changes; {@code CancelRebroadcast} stops repeating the cancel for it. The job may
     * also have moved on to a later attempt (retried after the cancel, before this report came in): the stopped
     * attempt is recorded all the same, or the history would show it RUNNING for good. A worker that stopped the
     * attempt before its start was reported (within {@code started-report-delay}, or a start the store refused
     * because the cancel came first) left no record of it: the report writes one, since the attempt did run.
     */
    private static final String ATTEMPT_CANCELLED = """
            insert into job_attempts (job_id, attempt, worker_id, status, started_at, finished_at, error)
            select id, :attempt::int, :workerId::text, %1$s, :startedAt::timestamptz, :at::timestamptz, :error::jsonb
            from jobs
            where id = :jobId and (status = %1$s and attempt = :attempt or attempt > :attempt)
            on conflict (job_id, attempt) do update
                set status = excluded.status, finished_at = excluded.finished_at, error = excluded.error
                where job_attempts.status = %2$s""".formatted(
            StatusSql.literal(JobStatus.CANCELLED), StatusSql.literal(JobStatus.RUNNING));

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate transactions;

    EventApplier(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
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
        if (run.getFirst() instanceof JobEvent.Succeeded) {
            applySucceeded(run, changed);
            return;
        }
        // one JDBC batch for the whole run, as the positional version sent
        int[] counts = named.batchUpdate(sqlOf(run.getFirst()),
                run.stream().map(EventApplier::parametersOf).toArray(SqlParameterSource[]::new));
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                changed.add(run.get(i));
            }
        }
    }

    /**
     * A job's first outcome in the run is the one that counts: a later one for the same attempt would find the job
     * SUCCEEDED already and change nothing, so only the first goes to the statement.
     */
    private void applySucceeded(List<JobEvent> run, List<JobEvent> changed) {
        Map<AttemptOf, JobEvent.Succeeded> firsts = new LinkedHashMap<>();
        for (JobEvent event : run) {
            firsts.putIfAbsent(new AttemptOf(event.jobId(), event.attempt()), (JobEvent.Succeeded) event);
        }
        List<JobEvent.Succeeded> outcomes = List.copyOf(firsts.values());
        Set<AttemptOf> updated = new HashSet<>();
        jdbc.query(connection -> prepareSucceeded(connection, SUCCEEDED, outcomes), (ResultSet rs) -> {
            updated.add(new AttemptOf(rs.getObject("job_id", UUID.class), rs.getInt("attempt")));
        });
        for (JobEvent.Succeeded outcome : outcomes) {
            if (updated.contains(new AttemptOf(outcome.jobId(), outcome.attempt()))) {
                changed.add(outcome);
            }
        }
    }

    /**
     * {@code sql} ({@link #SUCCEEDED}, or a test's explain of it) with the run's outcomes bound, planned for them:
     * a generic plan made while the store was empty would look each outcome's job up with a scan of the table.
     */
    static PreparedStatement prepareSucceeded(Connection connection, String sql, List<JobEvent.Succeeded> outcomes)
            throws SQLException {
        PreparedStatement statement = PlannedEachCall.prepare(connection, sql);
        statement.setArray(1, connection.createArrayOf("uuid", outcomes.stream().map(JobEvent::jobId).toArray()));
        statement.setArray(2, connection.createArrayOf("int4", outcomes.stream().map(JobEvent::attempt).toArray()));
        statement.setArray(3, connection.createArrayOf("text", outcomes.stream().map(JobEvent::workerId).toArray()));
        statement.setArray(4, connection.createArrayOf("text",
                outcomes.stream().map(e -> WireJson.mapper().writeValueAsString(e.result())).toArray()));
        statement.setArray(5, connection.createArrayOf("text",
                outcomes.stream().map(e -> e.startedAt().toString()).toArray()));
        statement.setArray(6, connection.createArrayOf("text",
                outcomes.stream().map(e -> e.at().toString()).toArray()));
        Array sources = connection.createArrayOf("text", JobTransitions.sourceNames(outcomes.getFirst()));
        statement.setArray(7, sources);
        statement.setArray(8, sources);
        return statement;
    }

    private record AttemptOf(UUID jobId, int attempt) {
    }

    private void recordCancelledAttempt(JobEvent event) {
        if (event instanceof JobEvent.Failed failed && Failure.CANCELLED.equals(failed.failure().type())) {
            named.update(ATTEMPT_CANCELLED, parametersOf(failed));
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

    /** The named parameters of the event's statement ({@link #sqlOf}). */
    private static SqlParameterSource parametersOf(JobEvent event) {
        MapSqlParameterSource parameters = new MapSqlParameterSource()
                .addValue("jobId", event.jobId())
                .addValue("attempt", event.attempt())
                .addValue("sources", textArray(JobTransitions.sourceNames(event)))
                .addValue("workerId", event.workerId(), Types.VARCHAR);
        switch (event) {
            case JobEvent.Started e -> parameters.addValue("at", Timestamp.from(e.at()));
            case JobEvent.Progress e -> parameters
                    .addValue("progress", WireJson.mapper().writeValueAsString(new ProgressView(e.fraction(),
                            e.message(), e.at().toString())))
                    .addValue("fraction", e.fraction());
            case JobEvent.Leased e -> parameters
                    // the lease runs for as long as the worker asked, on this API's clock
                    .addValue("leaseUntil", Timestamp.from(Instant.now().plus(Duration.between(e.at(),
                            e.leaseUntil()))))
                    .addValue("at", Timestamp.from(e.at()));
            case JobEvent.Succeeded e -> throw new IllegalArgumentException("outcomes go as a set: " + e.jobId());
            case JobEvent.Failed e -> parameters
                    .addValue("target", JobTransitions.targetOf(e).name())
                    .addValue("error", WireJson.mapper().writeValueAsString(e.failure()))
                    .addValue("startedAt", Timestamp.from(e.startedAt()))
                    .addValue("at", Timestamp.from(e.at()))
                    .addValue("willRetry", e.willRetry());
        }
        return parameters;
    }

    /** A {@code text[]} parameter, made on the statement's connection. */
    private static SqlTypeValue textArray(String[] values) {
        return new AbstractSqlTypeValue() {
            @Override
            protected Object createTypeValue(Connection connection, int sqlType, @Nullable String typeName)
                    throws SQLException {
                return connection.createArrayOf("text", values);
            }
        };
    }

    /** The {@code progress} of a job as stored and shown. */
    record ProgressView(double fraction, @Nullable String message, String at) {
    }
}
