package errand.amqp;

import java.nio.charset.StandardCharsets;

import errand.model.Headers;
import errand.model.JobMessage;
import errand.model.Topology;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.core.JacksonException;

/**
 * The job message as an AMQP message, per {@code docs/wire-contract.md}, for every sender: the API's new attempts
 * and the worker's retry and dead copies (which add their own headers to what {@link #toMessage} answers). Persistent,
 * {@code content_type=application/json}, {@code content_encoding=UTF-8}, {@code message_id} and
 * {@code correlation_id} = job id, {@code type} = task type, {@code reply_to} = the results exchange, the attempt
 * header and, when known, the W3C {@code traceparent}. Stateless and thread-safe.
 */
public final class JobMessages {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    /** A delivery that can never become a job: dead-letter it, never requeue. */
    public static final class PoisonMessageException extends Exception {

        PoisonMessageException(String message) {
            super(message);
        }
    }

    private JobMessages() {
    }

    /** A new message (properties of its own, so the caller may add headers) carrying the job. */
    public static Message toMessage(JobMessage job, @Nullable String traceparent) {
        String jobId = job.jobId().toString();
        MessageProperties properties = new MessageProperties();
        properties.setContentType(Headers.JSON);
        properties.setContentEncoding(UTF_8);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(jobId);
        properties.setCorrelationId(jobId);
        properties.setType(job.type());
        properties.setReplyTo(Topology.RESULTS_EXCHANGE);
        properties.setHeader(Headers.ATTEMPT, job.attempt());
        if (traceparent != null) {
            properties.setHeader(Headers.TRACEPARENT, traceparent);
        }
        return new Message(WireJson.write(job), properties);
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

    /** The {@code traceparent} header, or null when absent. */
    public static @Nullable String traceparent(MessageProperties properties) {
        Object value = properties.getHeaders().get(Headers.TRACEPARENT);
        return value == null ? null : value.toString();
    }

    /** The attempt header (an integer of any width), or null when absent or not a number. */
    public static @Nullable Integer attempt(MessageProperties properties) {
        Object attempt = properties.getHeaders().get(Headers.ATTEMPT);
        return attempt instanceof Number number ? number.intValue() : null;
    }

    private static void requirePresent(@Nullable Object value, String field) throws PoisonMessageException {
        if (value == null) {
            throw new PoisonMessageException("job message without " + field);
        }
    }
}
