package errand.worker.runtime.executing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import errand.model.ControlCommand;
import errand.model.WorkerHeartbeat;

/**
 * What this worker is doing right now: the jobs it runs per task type (each keeps its slot busy, whether its delivery
 * is still held or was converted to a lease), the attempts it runs (so a cancel can reach them), the attempts it runs
 * under a lease (listed in every heartbeat), the attempts recently cancelled (so a later delivery of one is dropped)
 * and whether it is stopping. A cancel fences attempts, not jobs: it is remembered as the highest attempt it stops, so
 * the attempt that {@code POST /retry} queues after it runs. Thread-safe: slot threads, the control listener and the
 * heartbeat read and change it
 * concurrently.
 */
public final class RunningJobs {

    /** How many cancelled jobs to remember; the least recently cancelled are forgotten first. */
    static final int REMEMBERED_CANCELS = 10_000;

    private final Set<Execution> executions = ConcurrentHashMap.newKeySet();
    /** Per job, the highest attempt cancelled: that attempt and older ones are dropped. */
    private final Map<UUID, Integer> cancelled = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Integer> eldest) {
            return size() > REMEMBERED_CANCELS;
        }
    };
    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private final Map<WorkerHeartbeat.Lease, String> leases = new ConcurrentHashMap<>();
    private int heldTotal;
    private volatile boolean stopping;

    /**
     * Records a cancel command and stops the attempts it fences that run here. A command without an attempt (from an
     * API that predates it) fences the highest attempt of the job running here, or the first.
     */
    public void cancel(ControlCommand.CancelJob command) {
        int runningHere = executions.stream().filter(execution -> execution.jobId().equals(command.jobId()))
                .mapToInt(Execution::attempt).max().orElse(0);
        cancel(command.jobId(), command.fencesUpTo(runningHere));
    }

    /** Records that the job's attempts up to {@code upToAttempt} are cancelled and stops those that run here. */
    void cancel(UUID jobId, int upToAttempt) {
        synchronized (cancelled) {
            // Removed and put again, so a job cancelled again (after a retry) counts as recent.
            Integer before = cancelled.remove(jobId);
            cancelled.put(jobId, before == null ? upToAttempt : Math.max(before, upToAttempt));
        }
        for (Execution execution : executions) {
            if (execution.jobId().equals(jobId) && execution.attempt() <= upToAttempt) {
                execution.stop(Execution.StopReason.CANCELLED);
            }
        }
    }

    /** Whether this attempt of the job was cancelled: a cancel of it, or of a later attempt, was heard. */
    public boolean isCancelled(UUID jobId, int attempt) {
        synchronized (cancelled) {
            Integer upTo = cancelled.get(jobId);
            return upTo != null && attempt <= upTo;
        }
    }

    /** Tracks a running attempt; one that was cancelled meanwhile is stopped at once. */
    void add(Execution execution) {
        executions.add(execution);
        if (isCancelled(execution.jobId(), execution.attempt())) {
            execution.stop(Execution.StopReason.CANCELLED);
        }
    }

    void remove(Execution execution) {
        executions.remove(execution);
    }

    public void stopAll(Execution.StopReason reason) {
        executions.forEach(execution -> execution.stop(reason));
    }

    /** The attempt runs under a lease from now on: heartbeats list it. */
    public void lease(String type, WorkerHeartbeat.Lease lease) {
        leases.put(lease, type);
    }

    /** The leased attempt ended (or its lease was not granted): heartbeats stop listing it. */
    public void endLease(WorkerHeartbeat.Lease lease) {
        leases.remove(lease);
    }

    /** The attempts running under a lease, for the next heartbeat. */
    public List<WorkerHeartbeat.Lease> leases() {
        return List.copyOf(leases.keySet());
    }

    /** How many attempts of {@code type} run under a lease. */
    public int leased(String type) {
        return (int) leases.values().stream().filter(type::equals).count();
    }

    /**
     * A slot took a delivery of {@code type}; the slot stays busy until the job is settled: acknowledged or given
     * back, or, under a lease, reported.
     */
    public synchronized void hold(String type) {
        held.merge(type, 1, Integer::sum);
        heldTotal++;
    }

    public synchronized void release(String type) {
        held.merge(type, -1, Integer::sum);
        heldTotal--;
        notifyAll();
    }

    public int held(String type) {
        return held.getOrDefault(type, 0);
    }

    public synchronized int heldTotal() {
        return heldTotal;
    }

    /** Waits until no delivery is held, at most {@code timeout}; true if none is. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long left;
        while (heldTotal > 0 && (left = end - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        return heldTotal == 0;
    }

    public void beginStopping() {
        stopping = true;
    }

    public boolean isStopping() {
        return stopping;
    }
}
