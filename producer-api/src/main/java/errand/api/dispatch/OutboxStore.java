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

    private static final String CLAIM_DUE = """
            select id, type, attempt, max_attempts, timeout_ms, payload, created_at, traceparent from jobs
            where published_at is null and publish_after <= ? and status = %s
            order by publish_after
            limit ?
            for update skip locked""".formatted(StatusSql.literal(JobStatus.QUEUED));

    private final JdbcTemplate jdbc;

    OutboxStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims due, unpublished jobs. Call inside a transaction: the row locks keep other API instances' relays
     * from publishing the same rows, and SKIP LOCKED lets them take the next ones instead of waiting.
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

    void markPublished(List<UUID> ids, Instant at) {
        if (!ids.isEmpty()) {
            jdbc.update("update jobs set published_at = ? where id = any(?)", Timestamp.from(at),
                    ids.toArray(UUID[]::new));
        }
    }
}
