package errand.worker.runtime.consuming;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import errand.amqp.JobMessages;
import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.StorableJson;
import errand.worker.runtime.RetryPolicy;
import errand.worker.runtime.WorkerProperties;
import errand.worker.runtime.executing.AttemptResult;
import errand.worker.runtime.executing.AttemptRunner;
import errand.worker.runtime.executing.AttemptTracing;
import errand.worker.runtime.executing.Execution;
import errand.worker.runtime.executing.RunningJobs;
import errand.worker.runtime.leasing.Hold;
import errand.worker.runtime.leasing.Leasing;
import errand.worker.runtime.registry.ServedTasks;
import errand.worker.runtime.reporting.AttemptReporter;
import errand.worker.runtime.reporting.ErrandWorkerMetrics;
import errand.worker.runtime.reporting.StartReport;
import errand.worker.runtime.reporting.UnconfirmedPublishException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;

/**
 * Handles the deliveries of one task type's job queue, one job at a time per {@link JobSlot}, and settles each itself.
 *
 * <p><b>Thread:</b> the delivery's attempt thread (a virtual thread the slot starts for it). A CPU type's delivery
 * starts once it holds a core ({@link CpuAdmission}); the job's work ending ({@link HeldDelivery#workEnded()}, when the
 * handler returned, before the outcome is confirmed) frees the core and lets the slot start its next delivery, if it
 * holds one (a quick type's). The thread blocks while the handler runs on another thread ({@link AttemptRunner}) and
 * while the broker confirms what was published for the job. What the attempt's thread publishes for a job goes out on
 * one channel held for the job ({@link AttemptReporter#onOneChannel}).
 *
 * <p><b>Ack mode:</b> manual. The delivery is acknowledged only after the broker confirmed every message published for
 * it: the Started (see {@link StartReport}) and Progress events, the outcome event, and the retry or dead-letter copy.
 * A job still running when its delivery was held for {@code holdLimit} converts to a lease instead ({@link Hold},
 * {@link Leasing}): the slot's consumer is cancelled, a {@code Leased} event confirmed, the delivery acknowledged; its
 * heartbeats then keep the lease alive and the outcome is reported, confirmed, when the job ends, with no delivery left
 * to settle.
 *
 * <p><b>What each failure does to the delivery:</b>
 * <ul>
 *   <li>undecodable body, missing fields or another type's job: {@code basic.reject(requeue=false)}, so the quorum
 *       queue dead-letters it to {@code errand.dead}; never requeued;
 *   <li>an attempt cancelled before it started (a cancel of that attempt or a later one was heard): acknowledged
 *       and dropped; a later attempt, queued by a retry after the cancel, runs;
 *   <li>handler success, failure, timeout or cancel: reported (a failure with a retry copy or a dead-letter copy, as
 *       {@link RetryPolicy} decides), then acknowledged once confirmed;
 *   <li>a publish that fails, is nacked, unroutable or unconfirmed within {@code confirmTimeout}: published again
 *       after a pause, twice; then {@code basic.reject(requeue=true)}, so the job runs again (a duplicate is
 *       acceptable, a lost job is not) and the queue's delivery limit stops an endless loop. Under a lease: published
 *       again for longer ({@link #LEASED_RESEND_PAUSES}), then the lease is dropped and logged as an error, so it
 *       lapses and the API reruns the job;
 *   <li>worker shutdown past its grace period: nothing reported, {@code basic.reject(requeue=true)}; under a lease,
 *       nothing at all: the lease lapses and the API reruns the job;
 *   <li>an unexpected exception in the runtime itself: logged, {@code basic.reject(requeue=true)} (nothing under a
 *       lease); the delivery limit dead-letters a delivery that keeps failing.
 * </ul>
 * Nothing is thrown to the slot.
 */
public final class JobListener implements JobSlot.Handler {

    /** The pauses before publishing unconfirmed messages again; then the delivery is requeued. */
    static final List<Duration> RESEND_PAUSES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(3));

    /**
     * Under a lease no delivery is left to give back, and a lapsed lease reruns the whole job: the pauses before
     * publishing an unconfirmed outcome again are longer, about two minutes in all (unless the worker is stopping).
     */
    static final List<Duration> LEASED_RESEND_PAUSES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    private static final Logger log = LoggerFactory.getLogger(JobListener.class);

    private final ServedTasks.ServedTask served;
    private final AttemptRunner runner;
    private final AttemptReporter reporter;
    private final RunningJobs running;
    private final RetryPolicy retries;
    private final Leasing leasing;
    private final ErrandWorkerMetrics metrics;
    private final AttemptTracing tracing;
    private final String workerId;
    private final Duration confirmTimeout;
    private final Duration startedReportDelay;
    private final Clock clock;

    public JobListener(ServedTasks.ServedTask served, AttemptRunner runner, AttemptReporter reporter,
            RunningJobs running, RetryPolicy retries, Leasing leasing, ErrandWorkerMetrics metrics,
            AttemptTracing tracing, WorkerProperties properties, Clock clock) {
        this.served = served;
        this.runner = runner;
        this.reporter = reporter;
        this.running = running;
        this.retries = retries;
        this.leasing = leasing;
        this.metrics = metrics;
        this.tracing = tracing;
        this.workerId = properties.id();
        this.confirmTimeout = properties.confirmTimeout();
        this.startedReportDelay = properties.startedReportDelay();
        this.clock = clock;
    }

    @Override
    public void onDelivery(Message message, HeldDelivery delivery) {
        String type = served.name();
        JobMessage job;
        try {
            job = JobMessages.decode(message, type);
        } catch (JobMessages.PoisonMessageException ex) {
            log.warn("Dead-lettering a poison delivery from the queue of '{}': {}", type, ex.getMessage());
            metrics.rejected(type, ErrandWorkerMetrics.POISON);
            settle(delivery, Settlement.DEAD_LETTER);
            return;
        }
        SlotGate.Start start = awaitStart(delivery);
        if (start != SlotGate.Start.STARTED) {
            log.info("Giving job {} attempt {} back to the queue unstarted: {}", job.jobId(), job.attempt(),
                    start == SlotGate.Start.STOPPING ? "the worker is stopping"
                            : "it waited the hold limit for a free core");
            settle(delivery, Settlement.REQUEUE);
            return;
        }
        AttemptTracing.Attempt attempt = tracing.start(job, message);
        running.hold(type);
        String traceparent = attempt.traceparent();
        Hold hold = leasing.hold(type, job, traceparent, delivery);
        try {
            settle(delivery, reporter.onOneChannel(() -> process(job, traceparent, hold, delivery)));
        } catch (RuntimeException ex) {
            // A bug, not a job failure: give the delivery back; the queue's delivery limit dead-letters it if the
            // bug repeats.
            log.error("Unexpected error handling job {} attempt {}; requeueing it", job.jobId(), job.attempt(), ex);
            settle(delivery, hold.leased() ? Settlement.NONE : Settlement.REQUEUE);
        } finally {
            if (hold.leased()) {
                leasing.end(job);
            }
            running.release(type);
            attempt.close();
        }
    }

    private Settlement process(JobMessage job, @Nullable String traceparent, Hold hold, HeldDelivery delivery) {
        if (running.isCancelled(job.jobId(), job.attempt())) {
            log.info("Dropping job {} attempt {}: that attempt was cancelled", job.jobId(), job.attempt());
            delivery.workEnded();
            return Settlement.ACK;
        }
        AttemptReporter.Publications publications = reporter.forJob(job, traceparent);
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        StartReport startReport = new StartReport(() -> publications.event(new JobEvent.Started(job.jobId(),
                job.attempt(), workerId, startedAt)), startedReportDelay, start, System::nanoTime);
        // With no delay, the start is on the broker before the handler runs, even one that kills the process.
        if (startedReportDelay.isZero() && startReport.sendNow() && !awaitQuietly(publications)) {
            delivery.workEnded();
            return Settlement.REQUEUE;
        }
        AttemptResult result = runner.run(served.task(), job, (fraction, note) -> {
            // a note is for people: a NUL or lone surrogate in it becomes U+FFFD rather than an event nobody can store
            JobEvent.Progress progress = new JobEvent.Progress(job.jobId(), job.attempt(), workerId, clock.instant(),
                    fraction, note == null ? null : StorableJson.readable(note));
            if (startReport.holdUnlessDue(() -> publications.progress(progress))) {
                return;
            }
            // So that the first progress report is queued after the started event, on whatever channel.
            if (startReport.sendNow()) {
                awaitQuietly(publications);
            }
            publications.progress(progress);
        }, Execution.Alarm.both(startReport, hold));
        // The core is free for the next job while this one's outcome is published and confirmed.
        delivery.workEnded();
        metrics.executed(served.name(), result.outcome(), Duration.ofNanos(System.nanoTime() - start));
        if (startReport.close() && !awaitQuietly(publications)) {
            return hold.leased() ? Settlement.NONE : Settlement.REQUEUE;
        }
        // The hold changes only while the attempt runs: from here on it is settled.
        boolean leased = hold.leased();
        switch (result) {
            case AttemptResult.GivenBack givenBack -> {
                log.info("Giving job {} attempt {} back {}: {}", job.jobId(), job.attempt(), leased
                        ? "by letting its lease lapse (the API reruns it)" : "to the queue", givenBack.reason());
                return leased ? Settlement.NONE : Settlement.REQUEUE;
            }
            case AttemptResult.Succeeded succeeded -> publications.outcome(new JobEvent.Succeeded(job.jobId(),
                    job.attempt(), workerId, startedAt, clock.instant(), succeeded.result()));
            case AttemptResult.Cancelled _ -> publications.outcome(new JobEvent.Failed(job.jobId(), job.attempt(),
                    workerId, startedAt, clock.instant(), new Failure(Failure.CANCELLED, "cancelled on request", false),
                    null));
            case AttemptResult.Failed failed -> reportFailure(job, publications, startedAt, failed.failure());
        }
        if (leased) {
            confirmed(job, publications, true);
            return Settlement.NONE;
        }
        return confirmed(job, publications, false) ? Settlement.ACK : Settlement.REQUEUE;
    }

    /**
     * Waits for the broker to confirm everything published for the job, publishing again what is not, after each of
     * {@link #RESEND_PAUSES} ({@link #LEASED_RESEND_PAUSES} under a lease); false if it never was.
     */
    private boolean confirmed(JobMessage job, AttemptReporter.Publications publications, boolean leased) {
        List<Duration> pauses = leased && !running.isStopping() ? LEASED_RESEND_PAUSES : RESEND_PAUSES;
        try {
            publications.awaitConfirmsResending(confirmTimeout, pauses);
            return true;
        } catch (UnconfirmedPublishException ex) {
            giveUp(job, leased, ex);
            return false;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void giveUp(JobMessage job, boolean leased, UnconfirmedPublishException ex) {
        if (leased) {
            log.error("Job {} attempt {} ran under a lease but its outcome was never confirmed: {}; "
                    + "dropping the lease, so it lapses and the API reruns the job", job.jobId(), job.attempt(),
                    ex.getMessage());
            return;
        }
        log.warn("Requeueing job {} attempt {}: {}", job.jobId(), job.attempt(), ex.getMessage());
        metrics.rejected(served.name(), ErrandWorkerMetrics.UNCONFIRMED);
    }

    private void reportFailure(JobMessage job, AttemptReporter.Publications publications, Instant startedAt,
            Failure failure) {
        Instant now = clock.instant();
        switch (retries.after(job, failure, now)) {
            case RetryPolicy.Retry retry -> {
                log.info("Job {} attempt {} failed, retrying at {} via the {} tier: {}: {}", job.jobId(),
                        job.attempt(), retry.at(), retry.plan().tier(), failure.type(), failure.message());
                publications.retry(retry.next(), retry.plan());
                publications.outcome(new JobEvent.Failed(job.jobId(), job.attempt(), workerId, startedAt, now, failure,
                        retry.at()));
            }
            case RetryPolicy.DeadLetter dead -> {
                log.info("Job {} failed for good on attempt {} of {}: {}: {}", job.jobId(), job.attempt(),
                        job.maxAttempts(), failure.type(), failure.message());
                publications.outcome(new JobEvent.Failed(job.jobId(), job.attempt(), workerId, startedAt, now, failure,
                        null));
                // The API also learns of dead-lettered jobs from errand.dead; let it see this report first.
                awaitQuietly(publications);
                publications.dead(dead.reason());
            }
        }
    }

    /** Waits until the job may start (a core is free); {@code STOPPING} if the thread is interrupted. */
    private static SlotGate.Start awaitStart(HeldDelivery delivery) {
        try {
            return delivery.awaitStart();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return SlotGate.Start.STOPPING;
        }
    }

    /** Waits for what was published so far to be confirmed, judging nothing; false if interrupted. */
    private boolean awaitQuietly(AttemptReporter.Publications publications) {
        try {
            publications.awaitQuietly(confirmTimeout);
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What becomes of the delivery; {@code NONE} once it was acknowledged when the attempt was leased. */
    private enum Settlement { ACK, REQUEUE, DEAD_LETTER, NONE }

    private void settle(HeldDelivery delivery, Settlement settlement) {
        try {
            switch (settlement) {
                case ACK -> delivery.ack();
                case REQUEUE -> delivery.reject(true);
                case DEAD_LETTER -> delivery.reject(false);
                case NONE -> {
                }
            }
        } catch (IOException | RuntimeException ex) {
            // The channel is gone: the broker returns the delivery to the queue by itself.
            log.warn("Could not settle a delivery ({}): {}; the broker will redeliver it", settlement, ex.toString());
        }
    }
}
