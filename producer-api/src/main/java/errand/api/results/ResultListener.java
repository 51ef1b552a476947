package errand.api.results;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.rabbitmq.client.Channel;
import errand.model.JobEvent;
import errand.model.WireJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Consumes worker events from {@code errand.results} in batches and applies them to the job store.
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

    private final EventSink sink;
    private final ResultMetrics metrics;

    ResultListener(EventSink sink, ResultMetrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    @Override
    public void onMessageBatch(List<Message> messages, Channel channel) {
        metrics.received(messages.size());
        long lastTag = messages.getLast().getMessageProperties().getDeliveryTag();
        try {
            sink.applyUntilCommitted(decode(messages));
        } catch (RuntimeException e) {
            // give the batch back explicitly: a later batch's multiple ack must not acknowledge it unapplied
            requeue(channel, lastTag);
            throw e;
        }
        try {
            channel.basicAck(lastTag, true);
        } catch (IOException e) {
            log.warn("Could not acknowledge {} applied events; they will be redelivered and ignored: {}",
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

    private static List<JobEvent> decode(List<Message> messages) {
        List<JobEvent> events = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                events.add(StorableEvents.storable(WireJson.read(message.getBody(), JobEvent.class)));
            } catch (JacksonException e) {
                log.error("Dropping an undecodable job event (correlation id {}): {}",
                        message.getMessageProperties().getCorrelationId(), e.getOriginalMessage());
            }
        }
        return events;
    }
}
