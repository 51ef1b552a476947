package errand.worker.runtime.reporting;

import java.util.Date;

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

    static Message heartbeat(WorkerHeartbeat heartbeat) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setTimestamp(new Date());
        return new Message(WireJson.write(heartbeat), properties);
    }

    private static MessageProperties properties(String jobId, @Nullable String traceparent) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setCorrelationId(jobId);
        properties.setTimestamp(new Date());
        if (traceparent != null) {
            properties.setHeader(Headers.TRACEPARENT, traceparent);
        }
        return properties;
    }
}
