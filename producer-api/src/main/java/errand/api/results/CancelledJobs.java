package errand.api.results;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import errand.api.dispatch.ControlPublisher;
import errand.model.JobEvent;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A worker that starts a job which is already CANCELLED missed the cancel broadcast (it was disconnected, or the
 * job was still queued). The refused start gives it away: the cancel is broadcast again so the worker stops the
 * attempt instead of running it to an outcome nobody will record.
 */
@Component
class CancelledJobs {

    private final JdbcTemplate jdbc;
    private final ControlPublisher control;

    CancelledJobs(JdbcTemplate jdbc, ControlPublisher control) {
        this.jdbc = jdbc;
        this.control = control;
    }

    void stopStartsOfCancelledJobs(List<JobEvent> received, List<JobEvent> applied) {
        Set<JobEvent> appliedSet = new HashSet<>(applied);
        UUID[] refusedStarts = received.stream()
                .filter(e -> e instanceof JobEvent.Started && !appliedSet.contains(e))
                .map(JobEvent::jobId).distinct().toArray(UUID[]::new);
        if (refusedStarts.length == 0) {
            return;
        }
        try {
            jdbc.query("select id, attempt from jobs where id = any(?) and status = 'CANCELLED'",
                    (rs, n) -> new CancelledAttempt(rs.getObject("id", UUID.class), rs.getInt("attempt")),
                    (Object) refusedStarts)
                    .forEach(cancelled -> control.broadcastCancel(cancelled.jobId(), cancelled.attempt()));
        } catch (DataAccessException e) {
            // the attempt will run to an outcome the store ignores; nothing is lost
        }
    }

    private record CancelledAttempt(UUID jobId, int attempt) {
    }
}
