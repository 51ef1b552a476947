package errand.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A job as the store holds it.
 *
 * @param attempt  the attempt that worker events must name to be applied (the fence)
 * @param attempts how many runs have started
 * @param batchId  the batch it was submitted in, null for a single submit
 * @param scheduleId   the schedule that enqueued it, null for a submitted job
 * @param scheduledFor the schedule's fire time it was enqueued for, null for a submitted job
 * @param workflowId the workflow it is a step of, null otherwise
 * @param stepId   its step's id in that workflow
 */
public record Job(UUID id, String type, JobStatus status, JsonNode payload, @Nullable JsonNode result,
        @Nullable JsonNode error, @Nullable JsonNode progress, int attempt, int attempts, int maxAttempts,
        Duration timeout, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt,
        Instant updatedAt, @Nullable String traceId, @Nullable UUID batchId, @Nullable UUID scheduleId,
        @Nullable Instant scheduledFor, @Nullable UUID workflowId, @Nullable String stepId) {
}
