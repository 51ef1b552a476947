package errand.api.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Channel;
import errand.model.EventBodies;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes worker events from {@code errand.results} in batches and applies them to the job store. A message holds
 * one event or a set of them ({@link EventBodies}); a batch's events are applied in transactions of at most
 * {@code errand.api.results.batch-size} events, and the batch is acknowledged once the last one committed.
 *
 * <p>Threading: called on a listener container consumer thread, one batch at a time per consumer. Ack mode is
 * manual: the batch is acknowledged only after its transaction committed, so a crash before the commit gets the
 * events redelivered (and re-applied harmlessly). While the database is unavailable the batch is retried with
 * back-off ({@link EventSink}). An undecodable event is logged and dropped: redelivering it could never succeed. A
 * result the store cannot keep exactly fails its attempt for good ({@link StorableEvents}), and an event the store
 * refuses anyway is applied alone ({@link EventSink}), so one bad event never holds up the rest of its batch.
 */
@Component
class ResultListener implements ChannelAwareBatchMessageListener {

    private static final Logger log = LoggerFactory.getLogger(ResultListener.class);

    /** The wire mapping, except that a repeated key keeps its last value. */
    private static final JsonMapper LENIENT = WireJson.mapper().rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final EventSink sink;
    private final ResultMetrics metrics;
    private final int eventsPerTransaction;

    ResultListener(EventSink sink, ResultMetrics metrics, ResultsProperties properties) {
        this.sink = sink;
        this.metrics = metrics;
        this.eventsPerTransaction = properties.batchSize();
    }

    @Override
    public void onMessageBatch(List<Message> messages, Channel channel) {
        long lastTag = messages.getLast().getMessageProperties().getDeliveryTag();
        try {
            List<JobEvent> events = decode(messages);
            metrics.received(events.size());
            // messages may carry sets of events: a transaction still holds no more than a batch's worth
            for (int from = 0; from < events.size(); from += eventsPerTransaction) {
                sink.applyUntilCommitted(events.subList(from, Math.min(events.size(), from + eventsPerTransaction)));
            }
        } catch (RuntimeException e) {
            // give the batch back explicitly: a later batch's multiple ack must not acknowledge it unapplied
            requeue(channel, lastTag);
            throw e;
        }
        try {
            channel.basicAck(lastTag, true);
        } catch (IOException e) {
            log.warn("Could not acknowledge {} messages of applied events; they will be redelivered and ignored: {}",
                    messages.size(), e.getMessage());
        }
    }

    private static void requeue(Channel channel, long lastTag) {
        try {
            channel.basicNack(lastTag, true, true);
        } catch (IOException e) {
            log.warn("Could not give back a batch of events; closing the channel will: {}", e.getMessage());
        }
    }

    /** Every event of the batch's messages, each a single event or a set ({@link EventBodies}), in order. */
    private static List<JobEvent> decode(List<Message> messages) {
        List<JobEvent> events = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                for (byte[] body : EventBodies.split(message.getBody())) {
                    decode(body, message, events);
                }
            } catch (JacksonException e) {
                log.error("Dropping a malformed set of job events: {}", e.getOriginalMessage());
            }
        }
        return events;
    }

    private static void decode(byte[] body, Message message, List<JobEvent> events) {
        try {
            events.add(StorableEvents.storable(WireJson.read(body, JobEvent.class)));
        } catch (JacksonException e) {
            JobEvent repeatedKeys = withRepeatedKeys(body, e);
            if (repeatedKeys != null) {
                events.add(repeatedKeys);
            } else {
                log.error("Dropping an undecodable job event (correlation id {}): {}",
                        message.getMessageProperties().getCorrelationId(), e.getOriginalMessage());
            }
        }
    }

    /**
     * An event that is only refused for naming a key twice (a worker in another language may write one) still
     * settles its attempt: a result fails it for good, since which value was meant cannot be known; any other event
     * is applied as read. Null when the body is no event even so. Only ever runs for such a rare body.
     */
    private static @Nullable JobEvent withRepeatedKeys(byte[] body, JacksonException refusal) {
        if (!(refusal instanceof StreamReadException) || refusal.getOriginalMessage() == null
                || !refusal.getOriginalMessage().startsWith("Duplicate Object property")) {
            return null;
        }
        try {
            JobEvent event = LENIENT.readValue(body, JobEvent.class);
            return event instanceof JobEvent.Succeeded result
                    ? StorableEvents.refused(result, refusal.getOriginalMessage())
                    : StorableEvents.storable(event);
        } catch (JacksonException e) {
            return null;
        }
    }
}
