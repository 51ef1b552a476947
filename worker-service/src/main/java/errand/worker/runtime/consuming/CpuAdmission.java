package errand.worker.runtime.consuming;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Shares the worker's cores among the CPU task types it serves, so one CPU type alone with work runs as many jobs at
 * once as there are cores, and with several busy the worker still holds few deliveries it cannot start.
 *
 * <p>Quorum queues have no global prefetch, so the cores cannot be shared on the broker: a job's delivery starts only
 * once it holds one of {@code cores} permits, handed out first come, first served, and a type never runs more than its
 * concurrency at once. Each CPU type has {@code concurrency + 1} slots, but at most one of them is its <i>scout</i>:
 * a slot consuming with no job started (idle, or holding a delivery that waits for a permit). When the scout's job
 * starts, a parked slot of the type becomes the scout; when a job ends and its type already has a scout, the slot parks
 * (cancels its consumer before settling). So one type alone keeps {@code cores} jobs running and one delivery waiting,
 * with no consume or cancel in the steady state; with every type busy the worker holds the running jobs' deliveries and
 * at most one more per CPU type, and that one starts as soon as a core frees.
 *
 * <p>A leased job keeps its permit: it still runs on a core. So a delivery may wait for a core as long as the jobs
 * on them run; it waits at most the hold limit (counted from its arrival, like a running job's), then goes back to
 * the queue unstarted and its slot parks until a core frees, so the broker neither hands it the same delivery again
 * at once nor sees a delivery held past its consumer timeout (which would close the type's channel). {@link #close()}
 * (the worker stopping) turns every waiting delivery back, unstarted.
 *
 * <p><b>Threads:</b> any attempt's thread; one monitor guards everything, held only for bookkeeping.
 */
public final class CpuAdmission {

    private final int cores;
    private final long holdLimitNanos;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    /** The wakes of slots that gave back a delivery that waited too long: run when a core frees. */
    private final Deque<Runnable> untilACoreFrees = new ArrayDeque<>();
    private int running;
    private boolean closed;

    public CpuAdmission(int cores, Duration holdLimit) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be positive, was " + cores);
        }
        this.cores = cores;
        this.holdLimitNanos = holdLimit.toNanos();
    }

    /** The gate of one CPU type, of which at most {@code concurrency} jobs run at once. */
    public SlotGate type(int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be positive, was " + concurrency);
        }
        return new Type(concurrency);
    }

    /** Refuses every delivery waiting for a permit, now and from now on: the worker is stopping. */
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Jobs holding a core now. */
    synchronized int running() {
        return running;
    }

    /** Deliveries waiting for a core now. */
    synchronized int waiting() {
        return waiting.size();
    }

    private synchronized SlotGate.Start admit(Type type, long receivedNanos, Runnable wake)
            throws InterruptedException {
        Waiter waiter = new Waiter(type);
        waiting.addLast(waiter);
        long deadline = receivedNanos + holdLimitNanos;
        try {
            while (!closed && nextToStart() != waiter) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    untilACoreFrees.addLast(wake);
                    return SlotGate.Start.HELD_TOO_LONG;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            if (closed) {
                return SlotGate.Start.STOPPING;
            }
            running++;
            type.started();
            return SlotGate.Start.STARTED;
        } finally {
            waiting.remove(waiter);
            notifyAll();
        }
    }

    private synchronized void release(Type type) {
        running--;
        type.running--;
        for (Runnable wake = untilACoreFrees.pollFirst(); wake != null; wake = untilACoreFrees.pollFirst()) {
            wake.run();
        }
        notifyAll();
    }

    /** The longest-waiting delivery that may start its job now, if a core is free. */
    private @Nullable Waiter nextToStart() {
        if (running >= cores) {
            return null;
        }
        for (Waiter waiter : waiting) {
            if (waiter.type.running < waiter.type.concurrency) {
                return waiter;
            }
        }
        return null;
    }

    /** A delivery waiting for a permit; compared by identity. */
    private static final class Waiter {

        private final Type type;

        Waiter(Type type) {
            this.type = type;
        }
    }

    /** The bookkeeping of one CPU type; every field is guarded by the admission's monitor. */
    private final class Type implements SlotGate {

        private final int concurrency;
        private final Deque<Runnable> parked = new ArrayDeque<>();
        private int running;
        private int scouts;

        Type(int concurrency) {
            this.concurrency = concurrency;
        }

        @Override
        public boolean consumeOrPark(Runnable wake) {
            synchronized (CpuAdmission.this) {
                if (scouts == 0) {
                    scouts++;
                    return true;
                }
                parked.addLast(wake);
                return false;
            }
        }

        @Override
        public Start awaitStart(long receivedNanos, Runnable wake) throws InterruptedException {
            return admit(this, receivedNanos, wake);
        }

        @Override
        public void ended() {
            release(this);
        }

        /** The scout's job starts: a parked slot, if any, becomes the scout. */
        private void started() {
            running++;
            scouts--;
            Runnable wake = scouts == 0 ? parked.pollFirst() : null;
            if (wake != null) {
                scouts++;
                wake.run();
            }
        }
    }
}
