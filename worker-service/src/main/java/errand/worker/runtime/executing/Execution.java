package errand.worker.runtime.executing;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import errand.model.JobLogContext;
import errand.model.JobMessage;
import errand.worker.runtime.leasing.Hold;
import errand.worker.runtime.registry.RegisteredTask;
import errand.worker.runtime.reporting.StartReport;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of one job on a handler thread, and the waiting for it on the consumer thread. The handler thread
 * calls {@link #run()}; the consumer thread calls {@link #await(Duration, Alarm)}; any thread may call
 * {@link #stop(StopReason)}. All state moves under one lock:
 * {@code QUEUED -> RUNNING -> FINISHED}, {@code QUEUED -> FINISHED} (stopped before it started) and
 * {@code RUNNING -> ABANDONED -> FINISHED} (a handler that ignored its interrupt).
 *
 * <p>The attempt's deadline starts when the handler starts, not when it was queued for a CPU thread.
 */
public final class Execution implements Runnable {

    /** Why the runtime stopped an attempt. */
    public enum StopReason { CANCELLED, TIMEOUT, SHUTDOWN }

    /** What the waiting thread learns. */
    sealed interface Completion {

        /** The handler returned {@code value} (possibly null). */
        record Returned(@Nullable Object value) implements Completion {
        }

        /** The handler threw. */
        record Threw(Throwable error) implements Completion {
        }

        /**
         * The runtime stopped the attempt; {@code abandoned} when the handler ignored the interrupt past the grace
         * period and still runs, its result to be ignored.
         */
        record Stopped(StopReason reason, boolean abandoned) implements Completion {
        }
    }

    /**
     * Work the waiting thread must do at some point while the attempt runs: reporting that it started
     * ({@link StartReport}), converting a held delivery to a lease when the hold limit passes ({@link Hold}). Called on
     * the waiting thread, without the execution's lock, so the handler can finish and be stopped meanwhile; it may
     * block.
     */
    public interface Alarm {

        /** Rings {@code first} and {@code second}, each when it is due. */
        static Alarm both(Alarm first, Alarm second) {
            return new Alarm() {
                @Override
                public long nanosUntilDue() {
                    return Math.min(first.nanosUntilDue(), second.nanosUntilDue());
                }

                @Override
                public void ring() {
                    if (first.nanosUntilDue() <= 0) {
                        first.ring();
                    }
                    if (second.nanosUntilDue() <= 0) {
                        second.ring();
                    }
                }
            };
        }

        /** An alarm that never rings. */
        Alarm NEVER = new Alarm() {
            @Override
            public long nanosUntilDue() {
                return Long.MAX_VALUE;
            }

            @Override
            public void ring() {
            }
        };

        /** Nanoseconds until {@link #ring()} is due: zero or less is now, {@link Long#MAX_VALUE} never. */
        long nanosUntilDue();

        void ring();
    }

    /** Where progress goes; called on the handler thread. */
    @FunctionalInterface
    public interface ProgressSink {
        void progress(double fraction, @Nullable String message);
    }

    private enum State { QUEUED, RUNNING, FINISHED, ABANDONED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final RegisteredTask task;
    private final JobMessage job;
    private final Object input;
    private final Duration timeout;
    private final HandlerExecutors executors;
    private final AttemptContext context;

    private State state = State.QUEUED;
    private volatile @Nullable StopReason stopReason;
    private @Nullable Thread thread;
    private long deadlineNanos;
    private @Nullable Object value;
    private @Nullable Throwable error;

    Execution(RegisteredTask task, JobMessage job, Object input, Duration timeout, ProgressSink progressSink,
            HandlerExecutors executors, Clock clock) {
        this.task = task;
        this.job = job;
        this.input = input;
        this.timeout = timeout;
        this.executors = executors;
        this.context = new AttemptContext(task.name(), job, timeout, clock, progressSink, () -> stopReason);
    }

    UUID jobId() {
        return job.jobId();
    }

    int attempt() {
        return job.attempt();
    }

    /** Runs the handler; on a handler thread. */
    @Override
    public void run() {
        lock.lock();
        try {
            if (state != State.QUEUED || stopReason != null) {
                // Stopped before it started: never run the handler.
                state = State.FINISHED;
                changed.signalAll();
                return;
            }
            state = State.RUNNING;
            thread = Thread.currentThread();
            deadlineNanos = System.nanoTime() + timeout.toNanos();
            context.startedNow();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Object returned = null;
        Throwable thrown = null;
        try (JobLogContext logContext = JobLogContext.of(job.jobId(), task.name())) {
            returned = task.handler().handle(input, context);
        } catch (Throwable ex) {
            thrown = ex;
        } finally {
            context.close();
        }
        boolean wasAbandoned;
        lock.lock();
        try {
            wasAbandoned = state == State.ABANDONED;
            state = State.FINISHED;
            thread = null;
            value = returned;
            error = thrown;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        // An interrupt meant for this attempt must not reach the next task of a pooled thread.
        Thread.interrupted();
        if (wasAbandoned) {
            executors.released(task.kind());
        }
    }

    /**
     * Asks the attempt to stop: marks it, interrupts its thread. The first reason wins; an attempt that already
     * finished is not affected.
     */
    void stop(StopReason reason) {
        lock.lock();
        try {
            if (stopReason == null && (state == State.QUEUED || state == State.RUNNING)) {
                stopReason = reason;
                if (thread != null) {
                    thread.interrupt();
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks the consumer thread until the attempt finished, passed its deadline (then stops it as a timeout) or was
     * stopped; after a stop, waits up to {@code stopGrace} for the handler to give up before abandoning it. Meanwhile
     * rings {@code alarm} whenever it is due, until the attempt ends or is stopped.
     *
     * @throws InterruptedException when the consumer thread is interrupted; the attempt is then left running
     */
    Completion await(Duration stopGrace, Alarm alarm) throws InterruptedException {
        lock.lock();
        try {
            while ((state == State.QUEUED || state == State.RUNNING) && stopReason == null) {
                long wait = Long.MAX_VALUE;
                if (state == State.RUNNING) {
                    wait = deadlineNanos - System.nanoTime();
                    if (wait <= 0) {
                        stop(StopReason.TIMEOUT);
                        continue;
                    }
                }
                long untilAlarm = alarm.nanosUntilDue();
                if (untilAlarm <= 0) {
                    ringUnlocked(alarm);
                } else {
                    changed.awaitNanos(Math.min(wait, untilAlarm));
                }
            }
            if (state == State.QUEUED) {
                state = State.FINISHED;
                return new Completion.Stopped(reason(), false);
            }
            if (state == State.FINISHED && stopReason == null) {
                return error == null ? new Completion.Returned(value) : new Completion.Threw(error);
            }
            long grace = stopGrace.toNanos();
            while (state == State.RUNNING && grace > 0) {
                grace = changed.awaitNanos(grace);
            }
            boolean abandoned = state == State.RUNNING;
            if (abandoned) {
                abandon();
            }
            return new Completion.Stopped(reason(), abandoned);
        } finally {
            lock.unlock();
        }
    }

    private void ringUnlocked(Alarm alarm) {
        lock.unlock();
        try {
            alarm.ring();
        } finally {
            lock.lock();
        }
    }

    /** Gives up on a handler that still runs: its result will be ignored and its progress dropped. */
    void abandonIfRunning() {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                abandon();
            } else if (state == State.QUEUED) {
                state = State.FINISHED;
            }
        } finally {
            lock.unlock();
        }
    }

    private void abandon() {
        state = State.ABANDONED;
        context.close();
        executors.abandoned(task.kind());
    }

    private StopReason reason() {
        StopReason reason = stopReason;
        return reason == null ? StopReason.SHUTDOWN : reason;
    }
}
