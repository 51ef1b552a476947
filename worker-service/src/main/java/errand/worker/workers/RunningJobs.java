package errand.worker.workers;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this worker is doing right now: the deliveries it holds per task type, the attempts it runs (so a cancel can
 * reach them), the jobs recently cancelled (so a later delivery of one is dropped) and whether it is stopping.
 * Thread-safe: consumer threads, the control listener and the heartbeat read and change it concurrently.
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

    /** A consumer took a delivery of {@code type}; it holds it until acknowledged or given back. */
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
