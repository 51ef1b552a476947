package errand.worker.runtime.reporting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import errand.amqp.Confirms;
import errand.amqp.JobMessages;
import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.worker.runtime.Backoff;
import errand.worker.runtime.executing.Execution;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Reports what becomes of a job's attempts: its events (started, progress, the outcome, leased) and the copies that
 * retry or dead-letter it, each published with a publisher-confirm correlation and published again while unconfirmed.
 * Everything published for a job goes through that job's {@link Publications}, so the job's delivery is acknowledged
 * only once all of it is confirmed and routed. Outcomes go out in sets with the other attempts' ({@link EventSets}).
 * The template publishes with {@code mandatory}: an unroutable message counts as unconfirmed. (Heartbeats, fire and
 * forget, go out through {@link HeartbeatPublisher}.)
 */
public final class AttemptReporter {

    /**
     * Correlation ids, unique in this process, which is all the template needs to match a returned message to its
     * publish: {@code CorrelationData()} draws a random UUID from {@code SecureRandom} for every message instead.
     */
    private static final AtomicLong CORRELATIONS = new AtomicLong();

    private static final Logger log = LoggerFactory.getLogger(AttemptReporter.class);

    private final RabbitTemplate template;
    private final EventSets sets;

    public AttemptReporter(RabbitTemplate template, EventSets sets) {
        this.template = template;
        this.sets = sets;
    }

    public Publications forJob(JobMessage job, @Nullable String traceparent) {
        return new Publications(job, traceparent);
    }

    /**
     * Runs {@code work} with everything it publishes on the calling thread going out on one channel, held until it
     * returns. Without it each publish borrows a cached channel and hands it back with its confirm pending, which
     * costs a pooled thread waiting for that confirm before the channel can be reused: a thread hand-off per event.
     * Publishes from other threads (a handler's progress) still borrow cached channels. A channel that dies meanwhile
     * fails the next publish on it, and the one after goes out on a new channel.
     */
    public <T> T onOneChannel(Supplier<T> work) {
        return template.invoke(operations -> work.get());
    }

    /**
     * Publishes one event on its own, outside any job's {@link Publications}, and waits for the broker to confirm it,
     * at most {@code timeout}.
     *
     * @throws UnconfirmedPublishException if the publish failed, was nacked, returned unroutable or not confirmed in
     *                                     time
     */
    public void eventConfirmed(JobEvent event, @Nullable String traceparent, Duration timeout)
            throws UnconfirmedPublishException, InterruptedException {
        Sent one = new Sent("event " + event.getClass().getSimpleName() + " to " + Topology.RESULTS_EXCHANGE,
                Topology.RESULTS_EXCHANGE, "", ReportMessages.event(event, traceparent), false);
        one.publish();
        String problem = one.awaitConfirm(System.nanoTime() + timeout.toNanos(), timeout);
        if (problem != null) {
            throw new UnconfirmedPublishException(problem);
        }
    }

    static CorrelationData nextCorrelation() {
        return new CorrelationData(Long.toString(CORRELATIONS.incrementAndGet()));
    }

    /** What was published for one job, and whether the broker took it. Thread-safe. */
    public final class Publications {

        private final JobMessage job;
        private final @Nullable String traceparent;
        private final List<Sent> sent = new ArrayList<>();

        private Publications(JobMessage job, @Nullable String traceparent) {
            this.job = job;
            this.traceparent = traceparent;
        }

        /** Publishes an event to the results exchange. */
        public void event(JobEvent event) {
            event(event, false);
        }

        /**
         * Publishes the attempt's outcome to the results exchange, in a set with the other outcomes ready at the same
         * moment ({@link EventSets}).
         */
        public void outcome(JobEvent outcome) {
            event(outcome, true);
        }

        private void event(JobEvent event, boolean inSet) {
            send("event " + event.getClass().getSimpleName(), Topology.RESULTS_EXCHANGE, "",
                    ReportMessages.event(event, traceparent), inSet);
        }

        /** For {@link Execution.ProgressSink}: a progress event of the job's attempt. */
        public void progress(JobEvent.Progress progress) {
            event(progress);
        }

        /** Parks the next attempt in the retry tier's delay queue; it comes back to the job queue when it expires. */
        public void retry(JobMessage next, Backoff.RetryPlan plan) {
            Message message = JobMessages.toMessage(next, traceparent);
            message.getMessageProperties().setHeader(Headers.RETRY_TIER, Topology.retryTierName(plan.tier()));
            message.getMessageProperties().setHeader(Headers.RETRY_TIER_ROUTE, Topology.retryTierName(plan.tier()));
            message.getMessageProperties().setExpiration(Long.toString(plan.delay().toMillis()));
            send("retry", Topology.RETRY_EXCHANGE, next.type(), message, false);
        }

        /** Copies the job to the dead-letter exchange, with why. */
        public void dead(String reason) {
            Message message = JobMessages.toMessage(job, traceparent);
            message.getMessageProperties().setHeader(Headers.DEAD_REASON, reason);
            send("dead-letter copy", Topology.DEAD_EXCHANGE, job.type(), message, false);
        }

        /**
         * Publishes and tracks the message. What the broker already confirmed is forgotten on the way, so a job that
         * runs for hours does not keep every progress event it ever sent.
         */
        private void send(String what, String exchange, String routingKey, Message message, boolean inSet) {
            Sent one = new Sent(what + " to " + exchange, exchange, routingKey, message, inSet);
            one.publish();
            synchronized (sent) {
                sent.removeIf(Sent::confirmedAlready);
                sent.add(one);
            }
        }

        /** How many publishes are tracked, not known to be confirmed yet (at most one more). */
        int tracked() {
            synchronized (sent) {
                return sent.size();
            }
        }

        /**
         * Waits until the broker confirmed everything published so far, at most {@code timeout} in all.
         *
         * @throws UnconfirmedPublishException if a publish failed, was nacked, returned unroutable or not confirmed
         *                                     in time; {@link #resendUnconfirmed()} tries those again
         */
        public void awaitConfirms(Duration timeout) throws UnconfirmedPublishException, InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            List<String> problems = new ArrayList<>();
            for (Sent one : snapshot()) {
                String problem = one.awaitConfirm(end, timeout);
                if (problem != null) {
                    problems.add(problem);
                }
            }
            if (!problems.isEmpty()) {
                throw new UnconfirmedPublishException(String.join("; ", problems));
            }
        }

        /**
         * Waits for the broker to confirm everything published for the job. What is not confirmed (nacked,
         * unroutable, timed out) is published again after each of {@code pauses} in turn, so a short broker hiccup
         * neither reruns the job nor burns its delivery limit.
         *
         * @throws UnconfirmedPublishException if something is still not confirmed after the last pause
         */
        public void awaitConfirmsResending(Duration timeout, List<Duration> pauses)
                throws UnconfirmedPublishException, InterruptedException {
            for (int round = 0; ; round++) {
                try {
                    awaitConfirms(timeout);
                    return;
                } catch (UnconfirmedPublishException ex) {
                    if (round == pauses.size()) {
                        throw ex;
                    }
                    Duration pause = pauses.get(round);
                    log.warn("Job {} attempt {}: {}; publishing it again in {}", job.jobId(), job.attempt(),
                            ex.getMessage(), pause);
                    Thread.sleep(pause);
                    resendUnconfirmed(timeout);
                }
            }
        }

        /**
         * Waits for the broker to confirm what was published so far, at most {@code timeout}, without judging the
         * outcome: {@link #awaitConfirms} does that later. Once confirmed, a message is queued before anything
         * published after it, even on another channel.
         */
        public void awaitQuietly(Duration timeout) throws InterruptedException {
            try {
                awaitConfirms(timeout);
            } catch (UnconfirmedPublishException ex) {
                // judged later
            }
        }

        /**
         * Publishes again what was not confirmed, one message at a time, each once the previous is confirmed (at
         * most {@code timeout} each), so they are queued in their original order. Duplicates are harmless: every
         * event names its attempt.
         */
        public void resendUnconfirmed(Duration timeout) throws InterruptedException {
            for (Sent one : snapshot()) {
                if (!one.confirmed) {
                    one.publish();
                    one.awaitConfirm(System.nanoTime() + timeout.toNanos(), timeout);
                }
            }
        }

        private List<Sent> snapshot() {
            synchronized (sent) {
                return List.copyOf(sent);
            }
        }
    }

    /** One message published for a job, and its latest publish. Used by one thread at a time after publishing. */
    private final class Sent {

        private final String what;
        private final String exchange;
        private final String routingKey;
        private final Message message;
        private final boolean inSet;
        private volatile CorrelationData correlation = nextCorrelation();
        private volatile @Nullable AmqpException failure;
        private volatile boolean confirmed;

        Sent(String what, String exchange, String routingKey, Message message, boolean inSet) {
            this.what = what;
            this.exchange = exchange;
            this.routingKey = routingKey;
            this.message = message;
            this.inSet = inSet;
        }

        void publish() {
            failure = null;
            if (inSet) {
                correlation = sets.gather(message);
                return;
            }
            CorrelationData fresh = nextCorrelation();
            correlation = fresh;
            try {
                template.send(exchange, routingKey, message, fresh);
            } catch (AmqpException ex) {
                failure = ex;
            }
        }

        /** Whether the broker confirmed and routed the latest publish already; never waits. */
        boolean confirmedAlready() {
            if (confirmed) {
                return true;
            }
            CompletableFuture<CorrelationData.Confirm> future = correlation.getFuture();
            // A return arrives before its confirm, so a confirmed publish without one was routed.
            return failure == null && future.state() == Future.State.SUCCESS && future.resultNow().ack()
                    && correlation.getReturned() == null;
        }

        /** Null once confirmed, else what went wrong; waits until {@code deadline} ({@link System#nanoTime()}). */
        @Nullable String awaitConfirm(long deadline, Duration timeout) throws InterruptedException {
            if (confirmed) {
                return null;
            }
            AmqpException failed = failure;
            if (failed != null) {
                return what + " failed: " + failed.getMessage();
            }
            CorrelationData latest = correlation;
            return switch (Confirms.await(latest, deadline)) {
                case CONFIRMED -> {
                    confirmed = true;
                    yield null;
                }
                case TIMED_OUT -> what + " not confirmed within " + timeout;
                case FAILED -> what + " failed: " + latest.getFuture().exceptionNow();
                case NACKED -> what + " nacked by the broker: " + latest.getFuture().resultNow().reason();
                case RETURNED -> what + " unroutable: " + Objects.requireNonNull(latest.getReturned()).getReplyText();
            };
        }
    }
}
