package errand.model;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * The body of a job delivery on {@code errand.jobs.<type>}. The AMQP properties repeat the essentials:
 * {@code message_id} and {@code correlation_id} are the job id, {@code type} is the task type,
 * {@code reply_to} names the results exchange, and the {@link Headers#ATTEMPT} header carries the attempt.
 *
 * @param attempt     1 for the first run; each retry or rescue is a new, higher attempt
 * @param maxAttempts how many attempts the job may use before it fails for good
 * @param timeout     how long one attempt may run
 */
public record JobMessage(UUID jobId, String type, int attempt, int maxAttempts, Duration timeout,
        JsonNode payload, Instant createdAt) {

    public JobMessage nextAttempt() {
        return new JobMessage(jobId, type, attempt + 1, maxAttempts, timeout, payload, createdAt);
    }

    public boolean hasAttemptsLeft() {
        return attempt < maxAttempts;
    }
}
