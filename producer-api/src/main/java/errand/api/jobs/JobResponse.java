package errand.api.jobs;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A job as the HTTP API shows it. The first eleven fields are the contract; {@code attemptHistory} is only filled
 * when one job is read.
 */
public record JobResponse(UUID id, String type, JobStatus status, JsonNode payload, @Nullable JsonNode result,
        @Nullable JsonNode error, int attempts, @Nullable JsonNode progress, Instant createdAt,
        @Nullable Instant startedAt, @Nullable Instant finishedAt, int maxAttempts, String timeout,
        @Nullable String traceId, @Nullable UUID batchId, @Nullable UUID scheduleId, @Nullable Instant scheduledFor,
        @Nullable UUID workflowId, @Nullable String stepId,
        @Nullable List<JobStore.AttemptRecord> attemptHistory) {

    public static JobResponse of(Job job) {
        return of(job, null);
    }

    static JobResponse of(Job job, @Nullable List<JobStore.AttemptRecord> attemptHistory) {
        return new JobResponse(job.id(), job.type(), job.status(), job.payload(), job.result(), job.error(),
                job.attempts(), job.progress(), job.createdAt(), job.startedAt(), job.finishedAt(),
                job.maxAttempts(), job.timeout().toString(), job.traceId(), job.batchId(), job.scheduleId(),
                job.scheduledFor(), job.workflowId(), job.stepId(), attemptHistory);
    }
}
