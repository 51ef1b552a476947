package errand.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A validated submission, ready to be stored, in the tenant of the key that submitted it.
 *
 * @param batchId       the batch submit it came in (null for a single submit)
 * @param batchPosition its index in that batch's request
 * @param scheduleId    the schedule that fired it (null when a client submitted it)
 * @param scheduledFor  the fire time it was enqueued for, or the time of a schedule's trigger
 */
record NewJob(String tenant, UUID id, String type, JsonNode payload, int maxAttempts, Duration timeout,
        Instant createdAt, Instant publishAfter, @Nullable String idempotencyKey, @Nullable String requestHash,
        String traceparent, @Nullable UUID batchId, @Nullable Integer batchPosition, @Nullable UUID scheduleId,
        @Nullable Instant scheduledFor) {

    NewJob inBatch(UUID batch, int position) {
        return new NewJob(tenant, id, type, payload, maxAttempts, timeout, createdAt, publishAfter, idempotencyKey,
                requestHash, traceparent, batch, position, scheduleId, scheduledFor);
    }
}
