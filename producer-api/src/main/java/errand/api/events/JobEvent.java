package errand.api.events;

import java.time.Instant;
import java.util.UUID;

import errand.model.JobStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One status change of a job, as the outcome stream sends it: the event's {@code id:} is {@code seq}, its data the
 * rest. A terminal change carries the job's result or error as they were when it happened.
 */
public record JobEvent(long seq, UUID jobId, String type, JobStatus status, @Nullable UUID batchId,
        @Nullable UUID workflowId, int attempt, @Nullable JsonNode result, @Nullable JsonNode error,
        Instant changedAt) {

    /** The event's data: everything but its number, which is the SSE id. */
    public Data data() {
        return new Data(jobId, type, status, batchId, workflowId, attempt, result, error, changedAt);
    }

    public record Data(UUID jobId, String type, JobStatus status, @Nullable UUID batchId, @Nullable UUID workflowId,
            int attempt, @Nullable JsonNode result, @Nullable JsonNode error, Instant changedAt) {
    }
}
