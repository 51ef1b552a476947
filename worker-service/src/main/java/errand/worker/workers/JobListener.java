package errand.worker.workers;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.rabbitmq.client.Channel;
import errand.model.Failure;
import errand.model.JobEvent;
import errand.model.JobMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Consumes the job queue of one task type and settles every delivery itself.
 *
 * <p><b>Thread:</b> a consumer thread of the type's listener container (a virtual thread). Each consumer has a
 * prefetch of 1, so it holds exactly the delivery it works on; it blocks while the handler runs on another thread
 * ({@link AttemptRunner}) and while the broker confirms what was published for the job.
 *
 * <p><b>Ack mode:</b> MANUAL. The delivery is acknowledged only after the broker confirmed every message published
 * for it: the Started and Progress events, the outcome event, and the retry or dead-letter copy.
 *
 * <p><b>What each failure does to the delivery:</b>
 * <ul>
 *   <li>undecodable body, missing fields or another type's job: {@code basic.reject(requeue=false)}, so the quorum
 *       queue dead-letters it to {@code errand.dead}; never requeued;
 *   <li>a job cancelled before it started: acknowledged and dropped;
 *   <li>handler success, failure, timeout or cancel: reported, then acknowledged once confirmed;
 *   <li>a publish that fails, is nacked, unroutable or unconfirmed within {@code confirmTimeout}: published again
 *       after a pause, twice; then {@code basic.reject(requeue=true)}, so the job runs again (a duplicate is
 *       acceptable, a lost job is not) and the queue's delivery limit stops an endless loop;
 *   <li>worker shutdown past its grace period: nothing reported, {@code basic.reject(requeue=true)};
 *   <li>an unexpected exception in the runtime itself: logged, {@code basic.reject(requeue=true)}; the delivery limit
 *       dead-letters a delivery that keeps failing.
 * </ul>
 * Nothing is thrown to the container: in MANUAL mode a thrown exception would leave the delivery unsettled.
 */
final class JobListener implements ChannelAwareMessageListener {

    /** The pauses before publishing unconfirmed messages again; then the delivery is requeued. */
    static final List<Duration> RESEND_PAUSES = List.of(Duration.ofSeconds(1), Duration.ofSeconds(3));

    private static final Logger log = LoggerFactory.getLogger(JobListener.class);

    private final ServedTasks.ServedTask served;
    private final AttemptRunner runner;
    private final JobPublisher publisher;
    private final RunningJobs running;
    private final Backoff backoff;
    private final ErrandWorkerMetrics metrics;
    private final String workerId;
    private final Duration confirmTimeout;
    private final Clock clock;

    JobListener(ServedTasks.ServedTask served, AttemptRunner runner, JobPublisher publisher, RunningJobs running,
            Backoff backoff, ErrandWorkerMetrics metrics, WorkerProperties properties, Clock clock) {
        this.served = served;
        this.runner = runner;
        this.publisher = publisher;
        this.running = running;
        this.backoff = backoff;
        this.metrics = metrics;
        this.workerId = properties.id();
        this.confirmTimeout = properties.confirmTimeout();
        this.clock = clock;
    }

    @Override
    public void onMessage(Message message, @Nullable Channel channel) {
        Channel consumerChannel = Objects.requireNonNull(channel, "a MANUAL-ack container passes the channel");
        long tag = message.getMessageProperties().getDeliveryTag();
        String type = served.name();
        JobMessage job;
        try {
            job = JobMessageCodec.decode(message, type);
        }
        catch (JobMessageCodec.PoisonMessageException ex) {
            log.warn("Dead-lettering a poison delivery from the queue of '{}': {}", type, ex.getMessage());
            metrics.rejected(type, "poison");
            settle(consumerChannel, tag, Settlement.DEAD_LETTER);
            return;
        }
        MDC.put("jobId", job.jobId().toString());
        running.hold(type);
        try {
            settle(consumerChannel, tag, process(job, JobMessageCodec.traceparent(message)));
        }
        catch (RuntimeException ex) {
            // A bug, not a job failure: give the delivery back; the queue's delivery limit dead-letters it if the
            // bug repeats.
            log.error("Unexpected error handling job {} attempt {}; requeueing it", job.jobId(), job.attempt(), ex);
            settle(consumerChannel, tag, Settlement.REQUEUE);
        }
        finally {
            running.release(type);
            MDC.remove("jobId");
        }
    }

    private Settlement process(JobMessage job, @Nullable String traceparent) {
        if (running.isCancelled(job.jobId())) {
            log.info("Dropping job {} attempt {}: it was cancelled", job.jobId(), job.attempt());
            return Settlement.ACK;
        }
        JobPublisher.Publications publications = publisher.forJob(job, traceparent);
        Instant startedAt = clock.instant();
        publications.event(new JobEvent.Started(job.jobId(), job.attempt(), workerId, startedAt));
        // So that Started is queued before anything the attempt publishes later, on whatever channel.
        if (!awaitQuietly(publications)) {
            return Settlement.REQUEUE;
        }
        long start = System.nanoTime();
        AttemptResult result = runner.run(served.task(), job, (fraction, note) -> publications.progress(
                new JobEvent.Progress(job.jobId(), job.attempt(), workerId, clock.instant(), fraction, note)));
        metrics.executed(served.name(), result.outcome(), Duration.ofNanos(System.nanoTime() - start));
        switch (result) {
            case AttemptResult.GivenBack givenBack -> {
                log.info("Giving job {} attempt {} back to the queue: {}", job.jobId(), job.attempt(),
                        givenBack.reason());
                return Settlement.REQUEUE;
            }
            case AttemptResult.Succeeded succeeded -> publications.event(new JobEvent.Succeeded(job.jobId(),
                    job.attempt(), workerId, startedAt, clock.instant(), succeeded.result()));
            case AttemptResult.Cancelled _ -> publications.event(new JobEvent.Failed(job.jobId(), job.attempt(),
                    workerId, startedAt, clock.instant(), new Failure("cancelled", "cancelled on request", false),
                    null));
            case AttemptResult.Failed failed -> reportFailure(job, publications, startedAt, failed.failure());
        }
        return confirmed(job, publications) ? Settlement.ACK : Settlement.REQUEUE;
    }

    /**
     * Waits for the broker to confirm everything published for the job. What is not confirmed (nacked, unroutable,
     * timed out) is published again after a pause, {@link #RESEND_PAUSES} times, so a short broker hiccup neither
     * reruns the job nor burns its delivery limit.
     */
    private boolean confirmed(JobMessage job, JobPublisher.Publications publications) {
        try {
            for (int round = 0; ; round++) {
                try {
                    publications.awaitConfirms(confirmTimeout);
                    return true;
                }
                catch (UnconfirmedPublishException ex) {
                    if (round == RESEND_PAUSES.size()) {
                        log.warn("Requeueing job {} attempt {}: {}", job.jobId(), job.attempt(), ex.getMessage());
                        metrics.rejected(served.name(), "unconfirmed");
                        return false;
                    }
                    Duration pause = RESEND_PAUSES.get(round);
                    log.warn("Job {} attempt {}: {}; publishing it again in {}", job.jobId(), job.attempt(),
                            ex.getMessage(), pause);
                    Thread.sleep(pause);
                    publications.resendUnconfirmed(confirmTimeout);
                }
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void reportFailure(JobMessage job, JobPublisher.Publications publications, Instant startedAt,
            Failure failure) {
        Instant now = clock.instant();
        if (failure.retryable() && job.hasAttemptsLeft()) {
            Backoff.RetryPlan plan = backoff.after(job.attempt());
            Instant retryAt = now.plus(plan.delay());
            log.info("Job {} attempt {} failed, retrying at {} via the {} tier: {}: {}", job.jobId(), job.attempt(),
                    retryAt, plan.tier(), failure.type(), failure.message());
            publications.retry(job.nextAttempt(), plan);
            publications.event(new JobEvent.Failed(job.jobId(), job.attempt(), workerId, startedAt, now, failure,
                    retryAt));
        }
        else {
            log.info("Job {} failed for good on attempt {} of {}: {}: {}", job.jobId(), job.attempt(),
                    job.maxAttempts(), failure.type(), failure.message());
            publications.event(new JobEvent.Failed(job.jobId(), job.attempt(), workerId, startedAt, now, failure,
                    null));
            // The API also learns of dead-lettered jobs from errand.dead; let it see this report first.
            awaitQuietly(publications);
            publications.dead((failure.retryable() ? "attempts exhausted" : "not retryable") + " after attempt "
                    + job.attempt() + " of " + job.maxAttempts() + ": " + failure.type() + ": " + failure.message());
        }
    }

    /** Waits for what was published so far to be confirmed, judging nothing; false if interrupted. */
    private boolean awaitQuietly(JobPublisher.Publications publications) {
        try {
            publications.awaitQuietly(confirmTimeout);
            return true;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private enum Settlement { ACK, REQUEUE, DEAD_LETTER }

    private void settle(Channel channel, long tag, Settlement settlement) {
        try {
            switch (settlement) {
                case ACK -> channel.basicAck(tag, false);
                case REQUEUE -> channel.basicReject(tag, true);
                case DEAD_LETTER -> channel.basicReject(tag, false);
            }
        }
        catch (IOException | RuntimeException ex) {
            // The channel is gone: the broker returns the delivery to the queue by itself.
            log.warn("Could not settle delivery {} ({}): {}; the broker will redeliver it", tag, settlement,
                    ex.toString());
        }
    }
}
