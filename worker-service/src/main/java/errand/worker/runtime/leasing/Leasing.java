package errand.worker.runtime.leasing;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.WorkerHeartbeat;
import errand.worker.runtime.WorkerProperties;
import errand.worker.runtime.consuming.HeldDelivery;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.reporting.UnconfirmedPublishException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a held job delivery to a lease when its {@link Hold} is due, and ends the lease when the attempt is over.
 *
 * <p>Converting, in this order:
 * <ol>
 *   <li>if the delivery's channel closed, the broker has requeued it already: nothing to convert
 *       ({@link Hold.Outcome#DELIVERY_LOST}); the attempt goes on and reports as usual;
 *   <li>cancel the slot's consumer, so acknowledging brings no new delivery: the slot stays busy;
 *   <li>list the attempt in heartbeats, publish {@link JobEvent.Leased} with {@code leaseUntil} =
 *       now + {@value #LEASE_INTERVALS} heartbeat intervals and wait for its publisher confirm; if it is not confirmed
 *       the delivery stays held and the lease unlisted ({@link Hold.Outcome#NOT_CONFIRMED}: tried again later);
 *   <li>acknowledge the delivery. If that fails, the broker redelivers the job (a duplicate run, which the attempt
 *       fence makes harmless); this attempt still goes on under its lease ({@link Hold.Outcome#LEASED}).
 * </ol>
 * From then on every heartbeat renews the lease; if this worker dies, the lease lapses and the API reruns the job as
 * a new attempt.
 *
 * <p><b>Thread:</b> the attempt's thread holding the delivery; stateless apart from {@link RunningJobs}.
 */
public final class Leasing {

    /** Publishes a Leased event and waits for the broker to confirm it. */
    @FunctionalInterface
    public interface Announcer {

        /** @throws UnconfirmedPublishException if the broker did not take it (failed, nacked, unroutable, late) */
        void announce(JobEvent.Leased leased, @Nullable String traceparent)
                throws UnconfirmedPublishException, InterruptedException;
    }

    /** A lease lasts this many heartbeat intervals; each heartbeat renews it to as many again. */
    static final int LEASE_INTERVALS = 3;

    private static final Logger log = LoggerFactory.getLogger(Leasing.class);

    private final Announcer announcer;
    private final RunningJobs running;
    private final String workerId;
    private final Duration leaseLength;
    private final Duration holdLimit;
    private final Clock clock;

    public Leasing(Announcer announcer, RunningJobs running, WorkerProperties properties, Clock clock) {
        this.announcer = announcer;
        this.running = running;
        this.workerId = properties.id();
        this.leaseLength = properties.heartbeatInterval().multipliedBy(LEASE_INTERVALS);
        this.holdLimit = properties.holdLimit();
        this.clock = clock;
    }

    /** A hold for a delivery of {@code job} that has just arrived. */
    public Hold hold(String type, JobMessage job, @Nullable String traceparent, HeldDelivery delivery) {
        return new Hold(holdLimit, delivery.receivedNanos(), () -> convert(type, job, traceparent, delivery),
                System::nanoTime);
    }

    Hold.Outcome convert(String type, JobMessage job, @Nullable String traceparent, HeldDelivery delivery) {
        if (!delivery.isOpen()) {
            log.warn("Job {} attempt {} outlasted the hold limit of {} but its delivery's channel is closed: "
                    + "the broker requeued it; not leasing", job.jobId(), job.attempt(), holdLimit);
            return Hold.Outcome.DELIVERY_LOST;
        }
        try {
            delivery.stopConsuming();
        } catch (IOException | RuntimeException ex) {
            log.warn("Job {} attempt {}: could not cancel the slot's consumer ({}); not leasing now", job.jobId(),
                    job.attempt(), ex.toString());
            return delivery.isOpen() ? Hold.Outcome.NOT_CONFIRMED : Hold.Outcome.DELIVERY_LOST;
        }
        WorkerHeartbeat.Lease lease = lease(job);
        running.lease(type, lease);
        Instant at = clock.instant();
        Instant leaseUntil = at.plus(leaseLength);
        try {
            announcer.announce(new JobEvent.Leased(job.jobId(), job.attempt(), workerId, at, leaseUntil),
                    traceparent);
        } catch (UnconfirmedPublishException ex) {
            running.endLease(lease);
            log.warn("Job {} attempt {} keeps holding its delivery: {}; trying again in {}", job.jobId(),
                    job.attempt(), ex.getMessage(), Hold.retryPause(holdLimit));
            return Hold.Outcome.NOT_CONFIRMED;
        } catch (InterruptedException ex) {
            running.endLease(lease);
            Thread.currentThread().interrupt();
            return Hold.Outcome.NOT_CONFIRMED;
        }
        try {
            delivery.ack();
        } catch (IOException | RuntimeException ex) {
            log.warn("Job {} attempt {}: could not acknowledge its delivery ({}); the broker will redeliver it, this "
                    + "attempt goes on under its lease", job.jobId(), job.attempt(), ex.toString());
        }
        log.info("Job {} attempt {} runs longer than the hold limit of {}: delivery acknowledged, leased until {}",
                job.jobId(), job.attempt(), holdLimit, leaseUntil);
        return Hold.Outcome.LEASED;
    }

    /** The attempt is over and reported (or given up on): heartbeats stop renewing its lease. */
    public void end(JobMessage job) {
        running.endLease(lease(job));
    }

    private static WorkerHeartbeat.Lease lease(JobMessage job) {
        return new WorkerHeartbeat.Lease(job.jobId(), job.attempt());
    }
}
