package errand.worker.runtime.reporting;

import java.util.Date;

import errand.model.Headers;
import errand.model.JobEvent;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WireJson;
import errand.model.WorkerHeartbeat;
import errand.worker.runtime.executing.AttemptTracing;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;

/**
 * Job messages and events as AMQP messages, per the contract: JSON bodies from {@link WireJson}, persistent,
 * {@code content_type=application/json}; job messages carry {@code message_id} and {@code correlation_id} = job id,
 * {@code type} = task type, {@code reply_to} = the results exchange and the attempt header; events carry
 * {@code correlation_id} = job id. Everything sent for a job carries a W3C {@code traceparent} in its trace: the
 * attempt span's ({@link AttemptTracing}).
 */
public final class JobMessageCodec {

    /** A delivery that can never become a job: dead-letter it, never requeue. */
    public static final class PoisonMessageException extends Exception {

        PoisonMessageException(String message) {
            super(message);
        }
    }

    private JobMessageCodec() {
    }

    /**
     * Decodes and checks a job delivery from the queue of {@code expectedType}.
     *
     * @throws PoisonMessageException when the body is not a job message of that type
     */
    public static JobMessage decode(Message message, String expectedType) throws PoisonMessageException {
        JobMessage job;
        try {
            job = WireJson.read(message.getBody(), JobMessage.class);
        } catch (JacksonException ex) {
            throw new PoisonMessageException("undecodable job message: " + ex.getOriginalMessage());
        }
        if (job == null) {
            throw new PoisonMessageException("empty job message");
        }
        requirePresent(job.jobId(), "jobId");
        requirePresent(job.type(), "type");
        requirePresent(job.payload(), "payload");
        if (!expectedType.equals(job.type())) {
            throw new PoisonMessageException("job of type '" + job.type() + "' on the queue of '" + expectedType + "'");
        }
        if (job.attempt() < 1 || job.maxAttempts() < 1) {
            throw new PoisonMessageException("attempt and maxAttempts must be at least 1");
        }
        return job;
    }

    public static @Nullable String traceparent(Message message) {
        Object value = message.getMessageProperties().getHeaders().get(Headers.TRACEPARENT);
        return value == null ? null : value.toString();
    }

    /**
     * A job message as the API publishes it. Public for the runtime's integration tests, which publish jobs the
     * same way ({@code BrokerClient}).
     */
    public static Message jobMessage(JobMessage job, @Nullable String traceparent) {
        MessageProperties properties = properties(job.jobId().toString(), traceparent);
        properties.setMessageId(job.jobId().toString());
        properties.setType(job.type());
        properties.setReplyTo(Topology.RESULTS_EXCHANGE);
        properties.setHeader(Headers.ATTEMPT, job.attempt());
        return new Message(WireJson.write(job), properties);
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

    private static void requirePresent(@Nullable Object value, String field) throws PoisonMessageException {
        if (value == null) {
            throw new PoisonMessageException("job message without " + field);
        }
    }
}
