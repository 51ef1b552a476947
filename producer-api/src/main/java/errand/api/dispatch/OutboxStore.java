package errand.api.dispatch;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.api.StatusSql;
import errand.model.JobMessage;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The outbox side of the jobs table: rows whose current attempt the broker has not confirmed yet. */
@Repository
class OutboxStore {

    /** The first key of the relays' advisory locks on jobs; the second is a hash of the job's id. */
    private static final int RELAY_LOCKS = 0x6f7574;

    /**
     * A relay claims a job with a transaction-level advisory lock, not a row lock: a row lock held while the round
     * is published and confirmed made the results consumer wait for the whole round before it could record the
     * outcome of a job that had already run. Another relay skips a job whose lock is taken, as SKIP LOCKED did.
     */
    private static final String CLAIM_DUE = """
            select id, type, attempt, max_attempts, timeout_ms, payload, created_at, traceparent from jobs
            where published_at is null and publish_after <= ? and status = %s
              and pg_try_advisory_xact_lock(%d, hashtext(id::text))
            order by publish_after
            limit ?""".formatted(StatusSql.literal(JobStatus.QUEUED), RELAY_LOCKS);

    /**
     * Marks the attempts the broker confirmed, fenced by attempt: a job retried since its claim has a new attempt
     * to publish. Rows are locked in id order, as the results consumer locks them, so the two never deadlock.
     */
    private static final String MARK_PUBLISHED = """
            with confirmed as (
                select j.id from jobs j join unnest(?::uuid[], ?::int[]) as c(id, attempt)
                    on j.id = c.id and j.attempt = c.attempt
                where j.published_at is null
                order by j.id
                for update of j)
            update jobs set published_at = ? from confirmed where jobs.id = confirmed.id""";

    private final JdbcTemplate jdbc;

    OutboxStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims due, unpublished jobs. Call inside a transaction: its advisory locks keep other API instances' relays
     * from publishing the same jobs until it ends, and they take the next ones instead of waiting.
     */
    List<OutboxEntry> claimDue(int limit, Instant now) {
        return jdbc.query(CLAIM_DUE,
                (rs, n) -> new OutboxEntry(new JobMessage(rs.getObject("id", UUID.class), rs.getString("type"),
                        rs.getInt("attempt"), rs.getInt("max_attempts"), Duration.ofMillis(rs.getLong("timeout_ms")),
                        WireJson.mapper().readTree(rs.getString("payload")),
                        rs.getTimestamp("created_at").toInstant()), rs.getString("traceparent")),
                Timestamp.from(now), limit);
    }

    /** A job to publish, with the trace context it travels in. */
    record OutboxEntry(JobMessage message, @Nullable String traceparent) {
    }

    void markPublished(List<JobMessage> confirmed, Instant at) {
        if (!confirmed.isEmpty()) {
            jdbc.update(MARK_PUBLISHED, confirmed.stream().map(JobMessage::jobId).toArray(UUID[]::new),
                    confirmed.stream().map(JobMessage::attempt).toArray(Integer[]::new), Timestamp.from(at));
        }
    }
}
