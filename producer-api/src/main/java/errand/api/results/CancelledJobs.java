package errand.api.results;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import errand.api.dispatch.ControlPublisher;
import errand.model.JobEvent;
import errand.model.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A worker that starts an attempt the store refuses runs something whose outcome nobody will record. Two cases are
 * worth stopping, and the refused start gives both away:
 * <ul>
 *   <li>the job is CANCELLED: the worker missed the cancel broadcast (it was disconnected, or the job was still
 *       queued); the cancel is broadcast again, for the job's attempt;
 *   <li>the job has moved on to a later attempt (it was retried after a cancel that this worker never heard, say
 *       because it started afterwards): the stale attempt is cancelled, and only it, so the new one still runs.
 * </ul>
 * A start refused for another reason (a duplicate of an applied start, a late one) is left alone.
 */
@Component
class CancelledJobs {

    private static final Logger log = LoggerFactory.getLogger(CancelledJobs.class);

    private final JdbcTemplate jdbc;
    private final ControlPublisher control;

    CancelledJobs(JdbcTemplate jdbc, ControlPublisher control) {
        this.jdbc = jdbc;
        this.control = control;
    }

    void stopStartsOfCancelledJobs(List<JobEvent> received, List<JobEvent> applied) {
        Set<JobEvent> appliedSet = new HashSet<>(applied);
        Map<UUID, Integer> refusedStarts = new HashMap<>();
        for (JobEvent event : received) {
            if (event instanceof JobEvent.Started && !appliedSet.contains(event)) {
                refusedStarts.merge(event.jobId(), event.attempt(), Math::max);
            }
        }
        if (refusedStarts.isEmpty()) {
            return;
        }
        List<Current> jobs;
        try {
            jobs = jdbc.query("select id, attempt, status from jobs where id = any(?)",
                    (rs, n) -> new Current(rs.getObject("id", UUID.class), rs.getInt("attempt"),
                            JobStatus.valueOf(rs.getString("status"))),
                    (Object) refusedStarts.keySet().toArray(UUID[]::new));
        } catch (DataAccessException e) {
            // the attempts run to outcomes the store ignores; nothing is lost, but their slots stay busy meanwhile
            log.warn("Could not look up the {} jobs whose start was refused, so no cancel is repeated for them: {}",
                    refusedStarts.size(), e.getMostSpecificCause().toString());
            return;
        }
        for (Current job : jobs) {
            int started = refusedStarts.get(job.id());
            if (job.status() == JobStatus.CANCELLED) {
                control.broadcastCancel(job.id(), Math.max(job.attempt(), started));
            } else if (job.attempt() > started) {
                control.broadcastCancel(job.id(), started);
            }
        }
    }

    private record Current(UUID id, int attempt, JobStatus status) {
    }
}
