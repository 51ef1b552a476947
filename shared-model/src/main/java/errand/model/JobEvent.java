package errand.model;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a worker reports about one attempt of a job, published to {@code errand.results} with
 * {@code correlation_id} = job id. The {@code event} property names the kind. Every event carries the job id and
 * the attempt it belongs to, so the API applies it only to that attempt, and duplicates are harmless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEvent.Started.class, name = "started"),
    @JsonSubTypes.Type(value = JobEvent.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = "succeeded"),
    @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "failed"),
    @JsonSubTypes.Type(value = JobEvent.Leased.class, name = "leased"),
})
public sealed interface JobEvent {

    UUID jobId();

    int attempt();

    String workerId();

    /** When the event happened, on the worker's clock. */
    Instant at();

    /** The attempt began to run. */
    record Started(UUID jobId, int attempt, String workerId, Instant at) implements JobEvent {
    }

    /**
     * The attempt runs longer than the worker may hold its delivery unacknowledged (the broker's consumer timeout
     * would requeue it): the worker acknowledged the delivery and holds a lease instead, renewed by its heartbeats
     * ({@link WorkerHeartbeat#leases()}). If the lease lapses, the API requeues the job as a new attempt.
     */
    record Leased(UUID jobId, int attempt, String workerId, Instant at, Instant leaseUntil) implements JobEvent {
    }

    /** The attempt made progress: {@code fraction} in [0, 1]. */
    record Progress(UUID jobId, int attempt, String workerId, Instant at, double fraction, @Nullable String message)
            implements JobEvent {
    }

    /** The attempt returned a result. {@code startedAt} lets the API record the run even if it missed Started. */
    record Succeeded(UUID jobId, int attempt, String workerId, Instant startedAt, Instant at, JsonNode result)
            implements JobEvent {
    }

    /**
     * The attempt failed. With {@code retryAt} set, the worker has parked the next attempt in a broker delay
     * queue and the job is RETRYING; without it, the job has failed for good.
     */
    record Failed(UUID jobId, int attempt, String workerId, Instant startedAt, Instant at, Failure failure,
            @Nullable Instant retryAt) implements JobEvent {

        public boolean willRetry() {
            return retryAt != null;
        }
    }
}
