package errand.api.dispatch;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.api.PlannedEachCall;
import errand.api.StatusSql;
import errand.model.JobMessage;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The outbox: jobs whose current attempt the broker has not confirmed yet ({@code job_outbox}, V16). */
@Repository
class OutboxStore {

    /** The first key of the relays' advisory locks on jobs; the second is a hash of the job's id. */
    private static final int RELAY_LOCKS = 0x6f7574;

    /**
     * A relay claims a job with a transaction-level advisory lock, not a row lock: a row lock held while the round
     * is published and confirmed made the results consumer wait for the whole round before it could record the
     * outcome of a job that had already run. Another relay skips a job whose lock is taken, as SKIP LOCKED did.
     * Both subqueries are fenced ({@code offset 0}) so that the plan walks the due rows in order and looks up each
     * one's job: left to itself, PostgreSQL joins, then sorts, and the lock above the join takes every due job.
     */
    private static final String CLAIM_DUE = """
            select j.id, j.type, j.attempt, j.max_attempts, j.timeout_ms, j.payload, j.created_at, j.traceparent
            from (select job_id, attempt from job_outbox where publish_after <= ? order by publish_after offset 0) o
            cross join lateral (
                select id, type, attempt, max_attempts, timeout_ms, payload, created_at, traceparent from jobs
                where id = o.job_id and attempt = o.attempt and status = %s
                offset 0) j
            where pg_try_advisory_xact_lock(%d, hashtext(j.id::text))
            limit ?""".formatted(StatusSql.literal(JobStatus.QUEUED), RELAY_LOCKS);

    /**
     * Takes the confirmed attempts out of the outbox. Only the relay holding a job's advisory lock deletes its row
     * here; a cancel's delete (V16) and the pruning skip rows that are locked, so they never wait on each other.
     */
    private static final String MARK_PUBLISHED = """
            delete from job_outbox o using unnest(?::uuid[], ?::int[]) as c(id, attempt)
            where o.job_id = c.id and o.attempt = c.attempt""";

    /**
     * Due outbox rows no relay will claim: their job left QUEUED, or took another attempt, without the row being
     * deleted (a relay died between the broker's confirm and its delete, or a cancel found the row locked). Rows not
     * due yet are left to a later prune: a store of delayed jobs is not walked on every idle round.
     */
    private static final String PRUNE_UNCLAIMABLE = """
            delete from job_outbox where ctid in (
                select o.ctid from job_outbox o
                where o.publish_after <= now()
                  and not exists (select 1 from jobs j
                                  where j.id = o.job_id and j.attempt = o.attempt and j.status = %s)
                for update skip locked)""".formatted(StatusSql.literal(JobStatus.QUEUED));

    private final JdbcTemplate jdbc;

    OutboxStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims due, unpublished jobs. Call inside a transaction: its advisory locks keep other API instances' relays
     * from publishing the same jobs until it ends, and they take the next ones instead of waiting.
     */
    List<OutboxEntry> claimDue(int limit, Instant now) {
        return jdbc.query(connection -> {
            PreparedStatement claim = PlannedEachCall.prepare(connection, CLAIM_DUE);
            claim.setTimestamp(1, Timestamp.from(now));
            claim.setInt(2, limit);
            return claim;
        }, (rs, n) -> new OutboxEntry(new JobMessage(rs.getObject("id", UUID.class), rs.getString("type"),
                rs.getInt("attempt"), rs.getInt("max_attempts"), Duration.ofMillis(rs.getLong("timeout_ms")),
                WireJson.mapper().readTree(rs.getString("payload")), rs.getTimestamp("created_at").toInstant()),
                rs.getString("traceparent")));
    }

    /** A job to publish, with the trace context it travels in. */
    record OutboxEntry(JobMessage message, @Nullable String traceparent) {
    }

    void markPublished(List<JobMessage> confirmed) {
        if (!confirmed.isEmpty()) {
            jdbc.update(MARK_PUBLISHED, confirmed.stream().map(JobMessage::jobId).toArray(UUID[]::new),
                    confirmed.stream().map(JobMessage::attempt).toArray(Integer[]::new));
        }
    }

    /** Deletes the due outbox rows no relay will claim; answers how many. */
    int pruneUnclaimable() {
        return jdbc.update(PRUNE_UNCLAIMABLE);
    }
}
