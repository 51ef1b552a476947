package errand.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker's periodic announcement on the {@code errand.heartbeats} fanout. A worker that misses a few intervals is
 * presumed gone.
 *
 * @param interval  how often this worker sends heartbeats
 * @param inFlight  jobs it runs right now
 * @param stopping  true once it has begun a graceful shutdown
 */
public record WorkerHeartbeat(String workerId, String host, Instant at, Duration interval,
        List<TaskTypeDescriptor> taskTypes, int inFlight, boolean stopping) {
}
