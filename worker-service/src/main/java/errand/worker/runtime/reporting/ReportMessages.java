package errand.worker.runtime.reporting;

import java.util.Date;
import java.util.List;

import errand.model.EventBodies;
import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import errand.worker.runtime.executing.AttemptTracing;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * Events and heartbeats as AMQP messages, per the contract: JSON bodies from {@link WireJson}, persistent,
 * {@code content_type=application/json}, a {@code timestamp}; events carry {@code correlation_id} = job id and a W3C
 * {@code traceparent} in the job's trace: the attempt span's ({@link AttemptTracing}). Job messages (retry and dead
 * copies) are {@code errand.amqp.JobMessages}'s, shared with the API.
 */
final class ReportMessages {

    private ReportMessages() {
    }

    static Message event(JobEvent event, @Nullable String traceparent) {
        return new Message(WireJson.write(event), properties(event.jobId().toString(), traceparent));
    }

    /** Several event messages as one set ({@link EventBodies}): it names no single job, so no correlation or trace. */
    static Message eventSet(List<Message> events) {
        return new Message(EventBodies.join(events.stream().map(Message::getBody).toList()), persistentJson());
    }

    static Message heartbeat(WorkerHeartbeat heartbeat) {
        return new Message(WireJson.write(heartbeat), persistentJson());
    }

    private static MessageProperties properties(String jobId, @Nullable String traceparent) {
        MessageProperties properties = persistentJson();
        properties.setCorrelationId(jobId);
        if (traceparent != null) {
            properties.setHeader(Headers.TRACEPARENT, traceparent);
        }
        return properties;
    }

    private static MessageProperties persistentJson() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setTimestamp(new Date());
        return properties;
    }
}
