package errand.api.results;

import java.time.Duration;
import java.util.List;

import errand.api.DatabaseUnavailable;
import errand.model.JobEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Applies job events until they are committed, for the listeners that receive them. While the database is
 * unavailable it retries with back-off on the caller's thread, so the caller's deliveries stay unacknowledged
 * rather than bouncing through the broker (which would count towards a quorum queue's delivery limit). Events the
 * database refuses for good are applied one by one, so the rest of the batch is kept; a refused result fails its
 * attempt for good instead ({@link StorableEvents#refused}), any other refused event is logged and dropped. Nothing
 * refused is requeued.
 */
@Component
class EventSink {

    private static final Logger log = LoggerFactory.getLogger(EventSink.class);

    /** The first pause after a failed batch; it doubles up to {@code errand.api.results.retry-delay}. */
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);

    private final EventApplier applier;
    private final ResultMetrics metrics;
    private final CancelledJobs cancelledJobs;
    private final ResultsProperties properties;

    EventSink(EventApplier applier, ResultMetrics metrics, CancelledJobs cancelledJobs,
            ResultsProperties properties) {
        this.applier = applier;
        this.metrics = metrics;
        this.cancelledJobs = cancelledJobs;
        this.properties = properties;
    }

    /** Returns once the events are committed (or refused for good). */
    void applyUntilCommitted(List<JobEvent> events) {
        Duration pause = FIRST_RETRY_PAUSE;
        while (true) {
            try {
                EventApplier.Applied applied = applier.applyAll(events);
                metrics.applied(applied);
                cancelledJobs.stopStartsOfCancelledJobs(events, applied.changed());
                return;
            } catch (RuntimeException e) {
                if (!worthRetrying(e)) {
                    applyOneByOne(events, e);
                    return;
                }
                pause = pauseAfter(e, events.size(), pause);
            }
        }
    }

    /**
     * The database is unavailable, or failed in a way that may pass. Not: it refused the data for good
     * ({@link NonTransientDataAccessException}), or not the database at all: an event it cannot even bind (a worker
     * left out a time, say) fails the same way on every try, so it must not hold up, or requeue, the rest of its
     * batch.
     */
    private static boolean worthRetrying(RuntimeException e) {
        return DatabaseUnavailable.is(e)
                || e instanceof DataAccessException && !(e instanceof NonTransientDataAccessException);
    }

    private Duration pauseAfter(RuntimeException e, int events, Duration pause) {
        log.warn("Could not apply {} job events, retrying in {}: {}", events, pause, e.getMessage());
        try {
            Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
        }
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(properties.retryDelay()) <= 0 ? doubled : properties.retryDelay();
    }

    private void applyOneByOne(List<JobEvent> events, RuntimeException batchError) {
        if (events.size() == 1) {
            if (events.getFirst() instanceof JobEvent.Succeeded result) {
                // the attempt fails for good rather than leaving the job to wait for an outcome that never comes
                log.error("The job store refuses the result of job {} attempt {}; the attempt fails instead",
                        result.jobId(), result.attempt(), batchError);
                String cause = batchError instanceof DataAccessException dataAccess
                        ? dataAccess.getMostSpecificCause().getMessage() : batchError.toString();
                applyUntilCommitted(List.of(StorableEvents.refused(result, "the job store refused it (" + cause
                        + ")")));
                return;
            }
            log.error("The job store refuses event {}; it is dropped, not requeued", events.getFirst(), batchError);
            return;
        }
        for (JobEvent event : events) {
            applyUntilCommitted(List.of(event));
        }
    }
}
