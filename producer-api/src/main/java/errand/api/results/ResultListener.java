package errand.api.results;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Channel;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Consumes worker events from {@code errand.results} in batches and applies them to the job store.
 *
 * <p>Threading: called on a listener container consumer thread, one batch at a time per consumer. Ack mode is
 * manual: the batch is acknowledged only after its transaction committed, so a crash before the commit gets the
 * events redelivered (and re-applied harmlessly). While the database is unavailable the batch is retried with
 * back-off, holding its deliveries unacknowledged rather than bouncing them through the broker. An undecodable
 * event is logged and dropped: redelivering it could never succeed.
 */
@Component
class ResultListener implements ChannelAwareBatchMessageListener {

    private static final Logger log = LoggerFactory.getLogger(ResultListener.class);

    private final EventApplier applier;
    private final ResultsProperties properties;
    private final ResultMetrics metrics;
    private final CancelledJobs cancelledJobs;

    ResultListener(EventApplier applier, ResultsProperties properties, ResultMetrics metrics,
            CancelledJobs cancelledJobs) {
        this.applier = applier;
        this.properties = properties;
        this.metrics = metrics;
        this.cancelledJobs = cancelledJobs;
    }

    @Override
    public void onMessageBatch(List<Message> messages, Channel channel) {
        List<JobEvent> events = decode(messages);
        metrics.received(messages.size());
        applyUntilCommitted(events);
        long lastTag = messages.getLast().getMessageProperties().getDeliveryTag();
        try {
            channel.basicAck(lastTag, true);
        } catch (IOException e) {
            log.warn("Could not acknowledge {} applied events; they will be redelivered and ignored: {}",
                    messages.size(), e.getMessage());
        }
    }

    private static List<JobEvent> decode(List<Message> messages) {
        List<JobEvent> events = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                events.add(WireJson.read(message.getBody(), JobEvent.class));
            } catch (JacksonException e) {
                log.error("Dropping an undecodable job event (correlation id {}): {}",
                        message.getMessageProperties().getCorrelationId(), e.getOriginalMessage());
            }
        }
        return events;
    }

    private void applyUntilCommitted(List<JobEvent> events) {
        Duration pause = Duration.ofMillis(100);
        while (true) {
            try {
                List<JobEvent> applied = applier.applyAll(events);
                metrics.applied(applied);
                cancelledJobs.stopStartsOfCancelledJobs(events, applied);
                return;
            } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
                pause = pauseAfter(e, events.size(), pause);
            } catch (NonTransientDataAccessException e) {
                applyOneByOne(events, e);
                return;
            } catch (DataAccessException e) {
                pause = pauseAfter(e, events.size(), pause);
            }
        }
    }

    private Duration pauseAfter(DataAccessException e, int events, Duration pause) {
        log.warn("Could not apply {} job events, retrying in {}: {}", events, pause, e.getMessage());
        try {
            Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
        }
        return min(pause.multipliedBy(2), properties.retryDelay());
    }

    /** A batch the database refuses for good: apply what it accepts, log the rest as loudly as we can. */
    private void applyOneByOne(List<JobEvent> events, NonTransientDataAccessException batchError) {
        if (events.size() == 1) {
            log.error("The job store refuses event {}; it is dropped", events.getFirst(), batchError);
            return;
        }
        for (JobEvent event : events) {
            applyUntilCommitted(List.of(event));
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
