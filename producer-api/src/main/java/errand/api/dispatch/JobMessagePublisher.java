package errand.api.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import errand.amqp.Confirms;
import errand.amqp.JobMessages;
import errand.api.ErrandMetrics;
import errand.model.JobMessage;
import errand.model.Topology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes job messages with publisher confirms: a whole round is sent, then its confirms are awaited together,
 * so the broker's fsync is shared by the round instead of paid per job.
 */
@Component
class JobMessagePublisher {

    private static final Logger log = LoggerFactory.getLogger(JobMessagePublisher.class);

    private final RabbitTemplate rabbit;
    private final JobQueues queues;
    private final Timer confirmWait;

    JobMessagePublisher(RabbitTemplate rabbit, JobQueues queues, MeterRegistry registry) {
        this.rabbit = rabbit;
        this.queues = queues;
        this.confirmWait = Timer.builder(ErrandMetrics.OUTBOX_CONFIRM).publishPercentileHistogram().register(registry);
    }

    /**
     * Publishes the jobs and answers the ids the broker confirmed as routed to a queue. The whole round goes out on
     * one channel, held until its confirms are in: a channel handed back to the connection factory's cache with
     * confirms pending costs a thread that waits for them, and the next send a new channel (a round of 500 jobs
     * opened hundreds of channels that way, each an RPC and a broker process).
     */
    List<UUID> publishConfirmed(List<OutboxStore.OutboxEntry> jobs, Duration confirmTimeout) {
        try {
            List<UUID> confirmed = rabbit.invoke(operations -> publishOnOneChannel(jobs, confirmTimeout));
            return confirmed == null ? List.of() : confirmed;
        } catch (AmqpException e) {
            log.warn("No channel to publish {} jobs on, they stay in the outbox: {}", jobs.size(), e.getMessage());
            return List.of();
        }
    }

    private List<UUID> publishOnOneChannel(List<OutboxStore.OutboxEntry> jobs, Duration confirmTimeout) {
        List<CorrelationData> sent = new ArrayList<>(jobs.size());
        try {
            for (OutboxStore.OutboxEntry entry : jobs) {
                JobMessage job = entry.message();
                queues.ensureDeclared(job.type());
                CorrelationData correlation = new CorrelationData(job.jobId().toString());
                rabbit.send(Topology.JOBS_EXCHANGE, job.type(), JobMessages.toMessage(job, entry.traceparent()),
                        correlation);
                sent.add(correlation);
            }
        } catch (AmqpException e) {
            log.warn("Publishing stopped after {} of {} jobs, the rest stay in the outbox: {}", sent.size(),
                    jobs.size(), e.getMessage());
        }
        long started = System.nanoTime();
        List<UUID> confirmed = awaitConfirms(sent, confirmTimeout);
        confirmWait.record(Duration.ofNanos(System.nanoTime() - started));
        return confirmed;
    }

    private static List<UUID> awaitConfirms(List<CorrelationData> sent, Duration confirmTimeout) {
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        List<UUID> confirmed = new ArrayList<>(sent.size());
        for (CorrelationData correlation : sent) {
            try {
                Confirms.Outcome outcome = Confirms.await(correlation, deadline);
                if (outcome == Confirms.Outcome.CONFIRMED) {
                    confirmed.add(UUID.fromString(correlation.getId()));
                } else {
                    log.debug("Job {} {}; it stays in the outbox", correlation.getId(), outcome);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return confirmed;
    }
}
