package errand.api.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.api.StatusSql;
import errand.model.JobStatus;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The numbered job events in PostgreSQL (V7): numbering what triggers staged, reading a tenant's events after a
 * number, and expiring old ones.
 */
@Component
class EventLog {

    /** Answered by {@link #sequence} when another instance's sequencer holds the lock. */
    static final int BUSY = -1;
    private static final String TERMINAL = StatusSql.listOf(JobStatus::isTerminal);

    private final JdbcTemplate jdbc;

    EventLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Numbers up to {@code maxRows} staged changes; answers how many, or {@link #BUSY}. */
    int sequence(int maxRows) {
        Integer moved = jdbc.queryForObject("select sequence_job_events(?)", Integer.class, maxRows);
        return moved == null ? 0 : moved;
    }

    /**
     * Deletes the events numbered longer than {@code kept} ago, {@code batchSize} per transaction so no lock is held
     * for long; answers how many went. The database's clock decides, as it stamped them.
     */
    long expire(Duration kept, int batchSize) {
        long total = 0;
        Integer gone;
        do {
            gone = jdbc.queryForObject("select expire_job_events(make_interval(secs => ?), ?)", Integer.class,
                    kept.toMillis() / 1000.0, batchSize);
            total += gone == null ? 0 : gone;
        } while (gone != null && gone == batchSize);
        return total;
    }

    /** The last number given and the highest expired. */
    Horizon horizon() {
        return jdbc.queryForObject("select last_seq, expired_through from job_event_cursor",
                (rs, n) -> new Horizon(rs.getLong("last_seq"), rs.getLong("expired_through")));
    }

    /**
     * The tenant's events numbered after {@code after} and up to {@code upTo} that pass the filter, in order, at
     * most {@code limit}.
     */
    List<JobEvent> between(String tenant, long after, long upTo, EventFilter filter, int limit) {
        StringBuilder sql = new StringBuilder("""
                select seq, job_id, type, status, batch_id, workflow_id, attempt, result, error, changed_at
                from job_events where tenant = ? and seq > ? and seq <= ?""");
        List<Object> arguments = new ArrayList<>(List.of(tenant, after, upTo));
        if (filter.type() != null) {
            sql.append(" and type = ?");
            arguments.add(filter.type());
        }
        if (filter.batch() != null) {
            sql.append(" and batch_id = ?");
            arguments.add(filter.batch());
        }
        if (filter.workflow() != null) {
            sql.append(" and workflow_id = ?");
            arguments.add(filter.workflow());
        }
        if (filter.terminalOnly()) {
            sql.append(" and status in ").append(TERMINAL);
        }
        sql.append(" order by seq limit ?");
        arguments.add(limit);
        return jdbc.query(sql.toString(), EventLog::mapEvent, arguments.toArray());
    }

    private static JobEvent mapEvent(ResultSet rs, int row) throws SQLException {
        return new JobEvent(rs.getLong("seq"), rs.getObject("job_id", UUID.class), rs.getString("type"),
                JobStatus.valueOf(rs.getString("status")), rs.getObject("batch_id", UUID.class),
                rs.getObject("workflow_id", UUID.class), rs.getInt("attempt"),
                jsonOrNull(rs.getString("result")), jsonOrNull(rs.getString("error")),
                rs.getTimestamp("changed_at").toInstant());
    }

    private static @Nullable JsonNode jsonOrNull(@Nullable String json) {
        return json == null ? null : WireJson.mapper().readTree(json);
    }

    /**
     * @param lastSeq        the last number given
     * @param expiredThrough every event up to this number may be gone
     */
    record Horizon(long lastSeq, long expiredThrough) {

        /** Whether a client that saw up to {@code lastSeen} can resume without a gap. */
        boolean canResumeAfter(long lastSeen) {
            return lastSeen >= expiredThrough && lastSeen <= lastSeq;
        }
    }
}
