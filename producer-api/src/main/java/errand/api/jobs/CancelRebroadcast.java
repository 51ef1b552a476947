package errand.api.jobs;

import java.util.UUID;

import errand.api.StatusSql;
import errand.api.dispatch.ControlPublisher;
import errand.model.JobStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Repeats the cancel of recently cancelled jobs whose attempt was running when the cancel was issued, every few
 * seconds for a few minutes ({@code errand.api.jobs.cancel-rebroadcast-interval} and {@code -window}), until the
 * worker's report that it stopped the attempt is recorded on the attempt ({@code EventApplier}): a worker that was
 * cut off from the broker then (its control queue is exclusive, so the broadcast was lost) hears it once it is back,
 * and stops an attempt whose outcome nobody will record.
 */
@Component
class CancelRebroadcast {

    /** Cancels broadcast again per round at most. */
    private static final int MAX_PER_ROUND = 1000;

    /** Cancelled jobs whose attempt the worker has not reported stopped, within the repeat window. */
    private static final String CANCELLED_RUNNING_ATTEMPTS = """
            select j.id, j.attempt from jobs j join job_attempts a on a.job_id = j.id and a.attempt = j.attempt
            where j.status = %s and a.status = %s
              and j.finished_at > now() - make_interval(secs => ?)
            limit %s""".formatted(StatusSql.literal(JobStatus.CANCELLED), StatusSql.literal(JobStatus.RUNNING),
            MAX_PER_ROUND);

    private final JdbcTemplate jdbc;
    private final ControlPublisher control;
    private final JobsProperties properties;

    CancelRebroadcast(JdbcTemplate jdbc, ControlPublisher control, JobsProperties properties) {
        this.jdbc = jdbc;
        this.control = control;
        this.properties = properties;
    }

    void rebroadcastOnce() {
        // The attempt is read with the status: a retry that moves the job on meanwhile queues a later attempt, which
        // this repeat must not stop.
        jdbc.query(CANCELLED_RUNNING_ATTEMPTS,
                (rs, n) -> new CancelledAttempt(rs.getObject("id", UUID.class), rs.getInt("attempt")),
                properties.cancelRebroadcastWindow().toMillis() / 1000.0)
                .forEach(cancelled -> control.broadcastCancel(cancelled.jobId(), cancelled.attempt()));
    }

    private record CancelledAttempt(UUID jobId, int attempt) {
    }
}
