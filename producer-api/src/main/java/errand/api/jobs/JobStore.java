package errand.api.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import errand.api.StatusSql;
import errand.model.JobStatus;
import errand.model.Traceparent;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;

/**
 * The jobs table. Every status change here goes through a conditional update whose allowed source statuses come
 * from {@link JobStatus#canMoveTo}, so a terminal job never changes.
 */
@Repository
public class JobStore {

    /** Rows per JDBC batch when inserting many jobs. */
    private static final int INSERT_BATCH_SIZE = 500;

    static final String COLUMNS = "id, type, status, payload, result, error, progress, attempt, attempts, "
            + "max_attempts, timeout_ms, created_at, started_at, finished_at, updated_at, traceparent, batch_id, "
            + "schedule_id, scheduled_for, workflow_id, step_id";

    private static final String INSERT = """
            insert into jobs (id, type, status, payload, max_attempts, timeout_ms, idempotency_key, request_hash,
                              created_at, publish_after, updated_at, traceparent, tenant, batch_id,
                              batch_position, schedule_id, scheduled_for)
            values (?, ?, %s, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
            .formatted(StatusSql.literal(JobStatus.QUEUED));

    private static final String CANCEL_SET = """
            update jobs set status = %s, finished_at = ?, updated_at = ?
            """.formatted(StatusSql.literal(JobStatus.CANCELLED));

    private static final String CANCEL = CANCEL_SET + "where id = ? and tenant = ? and status = any(?) returning "
            + COLUMNS;

    private static final String CANCEL_MANY = CANCEL_SET
            + "where id = any(?) and tenant = ? and status = any(?) returning " + COLUMNS;

    /** The statuses {@code POST /retry} replays a job from. */
    private static final Set<JobStatus> RETRYABLE = EnumSet.of(JobStatus.FAILED, JobStatus.CANCELLED);

    private static final String RETRY_SET = """
            update jobs set status = %s, attempt = attempt + 1, result = null, progress = null,
                            finished_at = null, publish_after = ?, updated_at = ?,
                            max_attempts = greatest(max_attempts, attempt + 1)
            """.formatted(StatusSql.literal(JobStatus.QUEUED));

    private static final String RETRY = RETRY_SET + "where id = ? and tenant = ? and status in "
            + StatusSql.list(RETRYABLE) + " returning " + COLUMNS;

    /** Retries only the listed jobs still in one of the given (retryable) statuses. */
    private static final String RETRY_MANY = RETRY_SET + "where id = any(?) and tenant = ? and status = any(?) "
            + "and status in " + StatusSql.list(RETRYABLE) + " returning " + COLUMNS;

    private static final RowMapper<Job> JOB = JobStore::mapJob;

    private final JdbcTemplate jdbc;

    JobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void insertAll(List<NewJob> jobs) {
        jdbc.batchUpdate(INSERT, jobs, INSERT_BATCH_SIZE, (ps, job) -> {
            ps.setObject(1, job.id());
            ps.setString(2, job.type());
            ps.setString(3, json(job.payload()));
            ps.setInt(4, job.maxAttempts());
            ps.setLong(5, job.timeout().toMillis());
            ps.setString(6, job.idempotencyKey());
            ps.setString(7, job.requestHash());
            ps.setTimestamp(8, Timestamp.from(job.createdAt()));
            ps.setTimestamp(9, Timestamp.from(job.publishAfter()));
            ps.setTimestamp(10, Timestamp.from(job.createdAt()));
            ps.setString(11, job.traceparent());
            ps.setString(12, job.tenant());
            ps.setObject(13, job.batchId());
            ps.setObject(14, job.batchPosition());
            ps.setObject(15, job.scheduleId());
            ps.setTimestamp(16, job.scheduledFor() == null ? null : Timestamp.from(job.scheduledFor()));
        });
    }

    /** The batch a batch submit makes; its jobs follow in the same transaction. */
    void insertBatch(UUID id, String tenant, int size, Instant createdAt) {
        jdbc.update("insert into batches (id, tenant, size, created_at) values (?, ?, ?, ?)", id, tenant, size,
                Timestamp.from(createdAt));
    }

    /** Inserts unless a job of its tenant holds the same idempotency key; answers false when one did. */
    boolean insertIfKeyIsNew(NewJob job) {
        int inserted = jdbc.update(INSERT
                + " on conflict (tenant, idempotency_key) where idempotency_key is not null do nothing",
                job.id(), job.type(), json(job.payload()), job.maxAttempts(), job.timeout().toMillis(),
                job.idempotencyKey(), job.requestHash(), Timestamp.from(job.createdAt()),
                Timestamp.from(job.publishAfter()), Timestamp.from(job.createdAt()), job.traceparent(),
                job.tenant(), job.batchId(), job.batchPosition(), job.scheduleId(),
                job.scheduledFor() == null ? null : Timestamp.from(job.scheduledFor()));
        return inserted == 1;
    }

    /** The job of {@code tenant} holding an idempotency key, and the hash of the request that created it. */
    Optional<KeyedJob> findByIdempotencyKey(String tenant, String key) {
        return jdbc.query("select " + COLUMNS + ", request_hash from jobs where tenant = ? and idempotency_key = ?",
                (rs, n) -> new KeyedJob(mapJob(rs, n), rs.getString("request_hash")), tenant, key).stream()
                .findFirst();
    }

    record KeyedJob(Job job, @Nullable String requestHash) {
    }

    public Optional<Job> find(UUID id) {
        return jdbc.query("select " + COLUMNS + " from jobs where id = ?", JOB, id).stream().findFirst();
    }

    /** The job, if it exists and belongs to {@code tenant}: another tenant's job is as good as absent. */
    Optional<Job> find(String tenant, UUID id) {
        return jdbc.query("select " + COLUMNS + " from jobs where id = ? and tenant = ?", JOB, id, tenant).stream()
                .findFirst();
    }

    List<Job> page(JobQuery query) {
        var sql = new StringBuilder("select ").append(COLUMNS).append(" from jobs where tenant = ?");
        var args = new ArrayList<>();
        args.add(query.tenant());
        if (query.status() != null) {
            sql.append(" and status = ?");
            args.add(query.status().name());
        }
        if (query.batch() != null) {
            sql.append(" and batch_id = ?");
            args.add(query.batch());
        }
        if (query.schedule() != null) {
            sql.append(" and schedule_id = ?");
            args.add(query.schedule());
        }
        if (query.workflow() != null) {
            sql.append(" and workflow_id = ?");
            args.add(query.workflow());
        }
        if (query.type() != null) {
            sql.append(" and type = ?");
            args.add(query.type());
        }
        if (query.createdAfter() != null) {
            sql.append(" and created_at >= ?");
            args.add(Timestamp.from(query.createdAfter()));
        }
        if (query.createdBefore() != null) {
            sql.append(" and created_at < ?");
            args.add(Timestamp.from(query.createdBefore()));
        }
        if (query.after() != null) {
            sql.append(" and (created_at, id) < (select created_at, id from jobs where id = ? and tenant = ?)");
            args.add(query.after());
            args.add(query.tenant());
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(query.limit());
        return jdbc.query(sql.toString(), JOB, args.toArray());
    }

    /**
     * A page of a batch's jobs in submission order, optionally of one status; {@code after} is the last job id of
     * the previous page.
     */
    public List<Job> pageOfBatch(UUID batchId, @Nullable JobStatus status, int limit, @Nullable UUID after) {
        var sql = new StringBuilder("select ").append(COLUMNS).append(" from jobs where batch_id = ?");
        var args = new ArrayList<>();
        args.add(batchId);
        if (status != null) {
            sql.append(" and status = ?");
            args.add(status.name());
        }
        if (after != null) {
            sql.append(" and batch_position > (select batch_position from jobs where id = ? and batch_id = ?)");
            args.add(after);
            args.add(batchId);
        }
        sql.append(" order by batch_position limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), JOB, args.toArray());
    }

    /** The batch's jobs that may still change: those a batch cancel acts on. */
    public List<UUID> unfinishedOfBatch(UUID batchId) {
        return jdbc.queryForList("select id from jobs where batch_id = ? and status in "
                + StatusSql.listOf(status -> !status.isTerminal()) + " order by batch_position", UUID.class, batchId);
    }

    /** The batch's terminal jobs that finished at or after {@code since}, oldest first. */
    public List<Job> terminalOfBatchSince(UUID batchId, Instant since) {
        return jdbc.query("select " + COLUMNS + " from jobs where batch_id = ? and finished_at >= ? and status in "
                + StatusSql.listOf(JobStatus::isTerminal) + " order by finished_at, batch_position", JOB, batchId,
                Timestamp.from(since));
    }

    /** When the batch's last job finished. */
    public Optional<Instant> lastFinishedOfBatch(UUID batchId) {
        return Optional.ofNullable(jdbc.queryForObject("select max(finished_at) from jobs where batch_id = ?",
                Timestamp.class, batchId)).map(Timestamp::toInstant);
    }

    /** Moves a job of {@code tenant} that may be cancelled to CANCELLED; empty when it may not (or is not there). */
    Optional<Job> cancel(String tenant, UUID id, Instant at) {
        return jdbc.query(CANCEL, JOB, Timestamp.from(at), Timestamp.from(at), id, tenant,
                statusesThatCanMoveTo(JobStatus.CANCELLED))
                .stream().findFirst();
    }

    /** Replays a FAILED or CANCELLED job as a new attempt, unpublished so the outbox relay enqueues it. */
    Optional<Job> retry(String tenant, UUID id, Instant at) {
        return jdbc.query(RETRY, JOB, Timestamp.from(at), Timestamp.from(at), id, tenant).stream().findFirst();
    }

    /**
     * The next chunk of the tenant's jobs a bulk action matches, oldest first, after {@code from}: a walk by
     * {@code (created_at, id)} on the list indexes, so each job is visited once even if it changes meanwhile.
     */
    List<Position> matching(String tenant, BulkFilter filter, Collection<JobStatus> statuses, @Nullable Position from,
            int limit) {
        var sql = new StringBuilder("select id, created_at from jobs where tenant = ? and status = any(?)"
                + " and created_at < ?");
        var args = new ArrayList<>();
        args.add(tenant);
        args.add(names(statuses));
        args.add(Timestamp.from(filter.createdBefore()));
        if (filter.type() != null) {
            sql.append(" and type = ?");
            args.add(filter.type());
        }
        if (filter.batch() != null) {
            sql.append(" and batch_id = ?");
            args.add(filter.batch());
        }
        if (from != null) {
            sql.append(" and (created_at, id) > (?, ?)");
            args.add(Timestamp.from(from.createdAt()));
            args.add(from.id());
        }
        sql.append(" order by created_at, id limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> new Position(rs.getObject("id", UUID.class),
                instant(rs, "created_at")), args.toArray());
    }

    /** Where a bulk action's walk over the jobs table stands. */
    record Position(UUID id, Instant createdAt) {
    }

    /** Cancels those of the listed jobs that are still in one of {@code statuses} (all unfinished ones). */
    List<Job> cancelAll(String tenant, List<UUID> ids, Collection<JobStatus> statuses, Instant at) {
        return jdbc.query(CANCEL_MANY, JOB, Timestamp.from(at), Timestamp.from(at), ids.toArray(UUID[]::new), tenant,
                names(statuses));
    }

    /** Replays those of the listed jobs that are still in one of {@code statuses} (FAILED or CANCELLED ones). */
    List<Job> retryAll(String tenant, List<UUID> ids, Collection<JobStatus> statuses, Instant at) {
        return jdbc.query(RETRY_MANY, JOB, Timestamp.from(at), Timestamp.from(at), ids.toArray(UUID[]::new), tenant,
                names(statuses));
    }

    /**
     * The tenant's newest {@code scan} FAILED jobs (of one type, or all) grouped by type and error, biggest group
     * first: read on the status index, so it costs the same with a million failed jobs as with a thousand.
     */
    List<FailureGroup> failureGroups(String tenant, @Nullable String type, int scan) {
        String sql = """
                select type, error ->> 'type' as error_type, error ->> 'message' as message, count(*) as jobs,
                       max(created_at) as newest, (array_agg(id order by created_at desc, id desc))[1] as newest_id
                from (select type, error, id, created_at from jobs where tenant = ? and status = %s%s
                      order by created_at desc, id desc limit ?) recent
                group by 1, 2, 3 order by jobs desc, newest desc""".formatted(
                StatusSql.literal(JobStatus.FAILED), type == null ? "" : " and type = ?");
        Object[] args = type == null ? new Object[] {tenant, scan} : new Object[] {tenant, type, scan};
        return jdbc.query(sql, (rs, n) -> new FailureGroup(rs.getString("type"), rs.getString("error_type"),
                rs.getString("message"), rs.getLong("jobs"), instant(rs, "newest"),
                rs.getObject("newest_id", UUID.class)), args);
    }

    private static String[] names(Collection<JobStatus> statuses) {
        return statuses.stream().map(Enum::name).toArray(String[]::new);
    }

    List<AttemptRecord> attemptsOf(UUID id) {
        return jdbc.query("""
                select attempt, worker_id, status, started_at, finished_at, error from job_attempts
                where job_id = ? order by attempt""", (rs, n) -> new AttemptRecord(rs.getInt("attempt"),
                rs.getString("worker_id"), rs.getString("status"), instant(rs, "started_at"),
                instant(rs, "finished_at"), jsonOrNull(rs.getString("error"))), id);
    }

    record AttemptRecord(int attempt, String workerId, String status, @Nullable Instant startedAt,
            @Nullable Instant finishedAt, @Nullable JsonNode error) {
    }

    static String[] statusesThatCanMoveTo(JobStatus target) {
        return Arrays.stream(JobStatus.values()).filter(s -> s.canMoveTo(target)).map(Enum::name)
                .toArray(String[]::new);
    }

    static Job mapJob(ResultSet rs, int row) throws SQLException {
        return new Job(rs.getObject("id", UUID.class), rs.getString("type"), JobStatus.valueOf(rs.getString("status")),
                WireJson.mapper().readTree(rs.getString("payload")), jsonOrNull(rs.getString("result")),
                jsonOrNull(rs.getString("error")), jsonOrNull(rs.getString("progress")), rs.getInt("attempt"),
                rs.getInt("attempts"), rs.getInt("max_attempts"), Duration.ofMillis(rs.getLong("timeout_ms")),
                instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                instant(rs, "updated_at"), traceIdOf(rs.getString("traceparent")),
                rs.getObject("batch_id", UUID.class), rs.getObject("schedule_id", UUID.class),
                instant(rs, "scheduled_for"), rs.getObject("workflow_id", UUID.class), rs.getString("step_id"));
    }

    private static @Nullable String traceIdOf(@Nullable String traceparent) {
        return Traceparent.parse(traceparent).map(Traceparent::traceId).orElse(null);
    }

    private static @Nullable JsonNode jsonOrNull(@Nullable String json) {
        return json == null ? null : WireJson.mapper().readTree(json);
    }

    @SuppressWarnings("NullAway")
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static String json(JsonNode node) {
        return WireJson.mapper().writeValueAsString(node);
    }
}
