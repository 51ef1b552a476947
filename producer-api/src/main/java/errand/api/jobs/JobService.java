package errand.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import errand.api.ErrandMetrics;
import errand.api.changes.JobChangeHub;
import errand.api.dispatch.ControlPublisher;
import errand.api.dispatch.OutboxSignal;
import errand.model.JobLogContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Reading, waiting for, cancelling and replaying jobs; accepting them is {@link JobSubmission}'s. A replayed job is
 * committed unpublished, then the outbox relay is woken to publish it.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobStore store;
    private final OutboxSignal relay;
    private final ControlPublisher control;
    private final JobChangeHub changes;
    private final MeterRegistry registry;

    JobService(JobStore store, OutboxSignal relay, ControlPublisher control, JobChangeHub changes,
            MeterRegistry registry) {
        this.store = store;
        this.relay = relay;
        this.control = control;
        this.changes = changes;
        this.registry = registry;
    }

    /** The job, when it belongs to {@code tenant}; another tenant's job is not found, as if it did not exist. */
    Job get(String tenant, UUID id) {
        return store.find(tenant, id).orElseThrow(() -> new JobExceptions.JobNotFound(id.toString()));
    }

    List<JobStore.AttemptRecord> attemptsOf(UUID id) {
        return store.attemptsOf(id);
    }

    /** Answers as soon as the job is terminal, or with its current state when {@code wait} has passed. */
    Job awaitTerminal(String tenant, UUID id, Duration wait) throws InterruptedException {
        return changes.awaitUntil(id, wait, () -> get(tenant, id), job -> job.status().isTerminal());
    }

    List<Job> page(JobQuery query) {
        return store.page(query);
    }

    Job cancel(String tenant, UUID id) {
        return cancelIfUnfinished(tenant, id).orElseThrow(() -> {
            Job job = get(tenant, id);
            return new JobExceptions.JobStateConflict(id, "Job " + id + " is " + job.status()
                    + " and can no longer be cancelled");
        });
    }

    /** Cancels the job if it may still be cancelled; empty when it is terminal (or not the tenant's). */
    public Optional<Job> cancelIfUnfinished(String tenant, UUID id) {
        try (JobLogContext logContext = JobLogContext.of(id)) {
            Optional<Job> cancelled = store.cancel(tenant, id, Instant.now());
            cancelled.ifPresent(job -> {
                logContext.type(job.type());
                announceCancelled(job);
            });
            return cancelled;
        }
    }

    /** What follows a job's move to CANCELLED: its worker is told to stop it, and it counts as completed. */
    void announceCancelled(Job job) {
        control.broadcastCancel(job.id(), job.attempt());
        registry.counter(ErrandMetrics.JOBS_COMPLETED, ErrandMetrics.TAG_TYPE, job.type(),
                ErrandMetrics.TAG_STATUS, job.status().name()).increment();
        log.debug("Cancelled job {}", job.id());
    }

    Job retry(String tenant, UUID id) {
        try (JobLogContext logContext = JobLogContext.of(id)) {
            Job job = store.retry(tenant, id, Instant.now()).orElseThrow(() -> {
                Job current = get(tenant, id);
                return new JobExceptions.JobStateConflict(id, "Job " + id + " is " + current.status()
                        + "; only FAILED or CANCELLED jobs can be retried");
            });
            logContext.type(job.type());
            relay.wakeUp();
            log.debug("Queued job {} again as attempt {}", id, job.attempt());
            return job;
        }
    }
}
