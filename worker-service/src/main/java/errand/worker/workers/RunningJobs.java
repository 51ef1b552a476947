package errand.worker.workers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import errand.model.WorkerHeartbeat;

/**
 * What this worker is doing right now: the jobs it runs per task type (each keeps its slot busy, whether its delivery
 * is still held or was converted to a lease), the attempts it runs (so a cancel can reach them), the attempts it runs
 * under a lease (listed in every heartbeat), the jobs recently cancelled (so a later delivery of one is dropped) and
 * whether it is stopping. Thread-safe: slot threads, the control listener and the heartbeat read and change it
 * concurrently.
 */
final class RunningJobs {

    /** How many cancelled job ids to remember; the oldest are forgotten first. */
    static final int REMEMBERED_CANCELS = 10_000;

    private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Boolean> cancelled = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    };
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private final Map<WorkerHeartbeat.Lease, String> leases = new ConcurrentHashMap<>();
    private int heldTotal;
    private volatile boolean stopping;

    /** Records a cancel and stops the job's attempt if it runs here. */
    void cancel(UUID jobId) {
        synchronized (cancelled) {
            cancelled.put(jobId, Boolean.TRUE);
        }
        for (Execution execution : executions) {
            if (execution.jobId().equals(jobId)) {
                execution.stop(Execution.StopReason.CANCELLED);
            }
        }
    }

    boolean isCancelled(UUID jobId) {
        synchronized (cancelled) {
            return cancelled.containsKey(jobId);
        }
    }

    /** Tracks a running attempt; one whose job was cancelled meanwhile is stopped at once. */
    void add(Execution execution) {
        executions.add(execution);
        if (isCancelled(execution.jobId())) {
            execution.stop(Execution.StopReason.CANCELLED);
        }
    }

    void remove(Execution execution) {
        executions.remove(execution);
    }

    void stopAll(Execution.StopReason reason) {
        executions.forEach(execution -> execution.stop(reason));
    }

    /** The attempt runs under a lease from now on: heartbeats list it. */
    void lease(String type, WorkerHeartbeat.Lease lease) {
        leases.put(lease, type);
    }

    /** The leased attempt ended (or its lease was not granted): heartbeats stop listing it. */
    void endLease(WorkerHeartbeat.Lease lease) {
        leases.remove(lease);
    }

    /** The attempts running under a lease, for the next heartbeat. */
    List<WorkerHeartbeat.Lease> leases() {
        return List.copyOf(leases.keySet());
    }

    /** How many attempts of {@code type} run under a lease. */
    int leased(String type) {
        return (int) leases.values().stream().filter(type::equals).count();
    }

    /**
     * A slot took a delivery of {@code type}; the slot stays busy until the job is settled: acknowledged or given
     * back, or, under a lease, reported.
     */
    synchronized void hold(String type) {
        held.merge(type, 1, Integer::sum);
        heldTotal++;
    }

    synchronized void release(String type) {
        held.merge(type, -1, Integer::sum);
        heldTotal--;
        notifyAll();
    }

    int held(String type) {
        return held.getOrDefault(type, 0);
    }

    synchronized int heldTotal() {
        return heldTotal;
    }

    /** Waits until no delivery is held, at most {@code timeout}; true if none is. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long left;
        while (heldTotal > 0 && (left = end - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return heldTotal == 0;
    }

    void beginStopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }
}
