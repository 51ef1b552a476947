package errand.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A worker's periodic announcement on the {@code errand.heartbeats} fanout. A worker that misses a few intervals is
 * presumed gone.
 *
 * @param interval  how often this worker sends heartbeats
 * @param inFlight  jobs it runs right now
 * @param stopping  true once it has begun a graceful shutdown
 * @param leases    the attempts it runs under a lease (see {@link JobEvent.Leased}); each heartbeat renews them
 */
public record WorkerHeartbeat(String workerId, String host, Instant at, Duration interval,
        List<TaskTypeDescriptor> taskTypes, int inFlight, boolean stopping, @Nullable List<Lease> leases) {

    /** A heartbeat of a worker that holds no lease. */
    public WorkerHeartbeat(String workerId, String host, Instant at, Duration interval,
            List<TaskTypeDescriptor> taskTypes, int inFlight, boolean stopping) {
        this(workerId, host, at, interval, taskTypes, inFlight, stopping, List.of());
    }

    /** Never null: a sender that predates leases sends none. */
    @Override
    public List<Lease> leases() {
        return leases == null ? List.of() : leases;
    }

    /** One leased attempt. */
    public record Lease(UUID jobId, int attempt) {
    }
}
