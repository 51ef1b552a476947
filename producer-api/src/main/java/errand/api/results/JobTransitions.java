package errand.api.results;

import java.util.EnumSet;
import java.util.Set;

import errand.model.JobEvent;
import errand.model.JobStatus;

/**
 * Which stored statuses a worker event may be applied to. Events can arrive late, twice or out of order (API
 * instances consume the reply queue competitively), so an event may stand for several moves of
 * {@link JobStatus}'s table at once: a result for a QUEUED job means it also started. Every source listed here
 * reaches the event's target through legal moves (checked by {@code JobTransitionsTests}); terminal statuses
 * are never sources, so nothing leaves a terminal state.
 */
final class JobTransitions {

    private JobTransitions() {
    }

    static JobStatus targetOf(JobEvent event) {
        return switch (event) {
            case JobEvent.Started started -> JobStatus.RUNNING;
            case JobEvent.Progress progress -> JobStatus.RUNNING;
            case JobEvent.Leased leased -> JobStatus.RUNNING;
            case JobEvent.Succeeded succeeded -> JobStatus.SUCCEEDED;
            case JobEvent.Failed failed -> failed.willRetry() ? JobStatus.RETRYING : JobStatus.FAILED;
        };
    }

    static Set<JobStatus> sourcesOf(JobEvent event) {
        return switch (event) {
            // a retried attempt leaves RETRYING through QUEUED when its delay expires
            case JobEvent.Started started -> EnumSet.of(JobStatus.QUEUED, JobStatus.RETRYING);
            case JobEvent.Progress progress -> EnumSet.of(JobStatus.RUNNING);
            // a lease is taken by a running attempt, and renews nothing once the job left RUNNING
            case JobEvent.Leased leased -> EnumSet.of(JobStatus.QUEUED, JobStatus.RETRYING, JobStatus.RUNNING);
            case JobEvent.Succeeded succeeded -> EnumSet.of(JobStatus.QUEUED, JobStatus.RETRYING, JobStatus.RUNNING);
            // a retried attempt may fail again before its start is applied: RETRYING (at this attempt) stands for
            // RETRYING -> QUEUED -> RUNNING -> RETRYING; the attempt fence keeps duplicates of older attempts out
            case JobEvent.Failed failed -> failed.willRetry()
                    ? EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)
                    : EnumSet.of(JobStatus.QUEUED, JobStatus.RETRYING, JobStatus.RUNNING);
        };
    }

    static String[] sourceNames(JobEvent event) {
        return sourcesOf(event).stream().map(Enum::name).toArray(String[]::new);
    }
}
