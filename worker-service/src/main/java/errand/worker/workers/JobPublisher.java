package errand.worker.workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WorkerHeartbeat;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes what a worker reports. Everything published for a job goes through that job's {@link Publications}, with
 * a publisher-confirm correlation each, so the job's delivery is acknowledged only once all of it is confirmed and
 * routed. The template publishes with {@code mandatory}: an unroutable message counts as unconfirmed.
 */
final class JobPublisher {

    private final RabbitTemplate template;

    JobPublisher(RabbitTemplate template) {
        this.template = template;
    }

    Publications forJob(JobMessage job, @Nullable String traceparent) {
        return new Publications(job, traceparent);
    }

    /** Fire and forget: a lost heartbeat is covered by the next. */
    void heartbeat(WorkerHeartbeat heartbeat) {
        template.send(Topology.HEARTBEATS_EXCHANGE, "", JobMessageCodec.heartbeat(heartbeat));
    }

    /** What was published for one job, and whether the broker took it. Thread-safe. */
    final class Publications {

        private final JobMessage job;
        private final @Nullable String traceparent;
        private final List<Sent> sent = new ArrayList<>();

        private Publications(JobMessage job, @Nullable String traceparent) {
            this.job = job;
            this.traceparent = traceparent;
        }

        /** Publishes an event to the results exchange. */
        void event(JobEvent event) {
            send("event " + event.getClass().getSimpleName(), Topology.RESULTS_EXCHANGE, "",
                    JobMessageCodec.event(event, traceparent));
        }

        /** For {@link Execution.ProgressSink}: a progress event of the job's attempt. */
        void progress(JobEvent.Progress progress) {
            event(progress);
        }

        /** Parks the next attempt in the retry tier's delay queue; it comes back to the job queue when it expires. */
        void retry(JobMessage next, Backoff.RetryPlan plan) {
            Message message = JobMessageCodec.jobMessage(next, traceparent);
            message.getMessageProperties().setHeader(Headers.RETRY_TIER, Topology.retryTierName(plan.tier()));
            message.getMessageProperties().setHeader(Headers.RETRY_TIER_ROUTE, Topology.retryTierName(plan.tier()));
            message.getMessageProperties().setExpiration(Long.toString(plan.delay().toMillis()));
            send("retry", Topology.RETRY_EXCHANGE, next.type(), message);
        }

        /** Copies the job to the dead-letter exchange, with why. */
        void dead(String reason) {
            Message message = JobMessageCodec.jobMessage(job, traceparent);
            message.getMessageProperties().setHeader(Headers.DEAD_REASON, reason);
            send("dead-letter copy", Topology.DEAD_EXCHANGE, job.type(), message);
        }

        private void send(String what, String exchange, String routingKey, Message message) {
            CorrelationData correlation = new CorrelationData();
            AmqpException failure = null;
            try {
                template.send(exchange, routingKey, message, correlation);
            }
            catch (AmqpException ex) {
                failure = ex;
            }
            synchronized (sent) {
                sent.add(new Sent(what + " to " + exchange, correlation, failure));
            }
        }

        /**
         * Waits until the broker confirmed everything published so far, at most {@code timeout} in all.
         *
         * @throws UnconfirmedPublishException if a publish failed, was nacked, returned unroutable or not confirmed
         *                                     in time
         */
        void awaitConfirms(Duration timeout) throws UnconfirmedPublishException, InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            List<Sent> all;
            synchronized (sent) {
                all = List.copyOf(sent);
            }
            for (Sent one : all) {
                if (one.failure() != null) {
                    throw new UnconfirmedPublishException(one.what() + " failed: " + one.failure().getMessage());
                }
                CorrelationData.Confirm confirm;
                try {
                    confirm = one.correlation().getFuture().get(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
                catch (TimeoutException ex) {
                    throw new UnconfirmedPublishException(one.what() + " not confirmed within " + timeout);
                }
                catch (ExecutionException ex) {
                    throw new UnconfirmedPublishException(one.what() + " failed: " + ex.getCause());
                }
                if (!confirm.ack()) {
                    throw new UnconfirmedPublishException(one.what() + " nacked by the broker: " + confirm.reason());
                }
                ReturnedMessage returned = one.correlation().getReturned();
                if (returned != null) {
                    throw new UnconfirmedPublishException(one.what() + " unroutable: " + returned.getReplyText());
                }
            }
        }
    }

    private record Sent(String what, CorrelationData correlation, @Nullable AmqpException failure) {
    }
}
