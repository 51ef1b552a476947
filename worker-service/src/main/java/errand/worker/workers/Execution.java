package errand.worker.workers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import errand.model.JobMessage;
import errand.worker.tasks.TaskContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One attempt of one job on a handler thread, and the waiting for it on the consumer thread. The handler thread
 * calls {@link #run()}; the consumer thread calls {@link #await(Duration)}; any thread may call
 * {@link #stop(StopReason)}. All state moves under one lock:
 * {@code QUEUED -> RUNNING -> FINISHED}, {@code QUEUED -> FINISHED} (stopped before it started) and
 * {@code RUNNING -> ABANDONED -> FINISHED} (a handler that ignored its interrupt).
 *
 * <p>The attempt's deadline starts when the handler starts, not when it was queued for a CPU thread.
 */
final class Execution implements Runnable {

    /** Why the runtime stopped an attempt. */
    enum StopReason { CANCELLED, TIMEOUT, SHUTDOWN }

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

    /** Where progress goes; called on the handler thread. */
    @FunctionalInterface
    interface ProgressSink {
        void progress(double fraction, @Nullable String message);
    }

    private enum State { QUEUED, RUNNING, FINISHED, ABANDONED }

    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final RegisteredTask task;
    private final JobMessage job;
    private final Object input;
    private final Duration timeout;
    private final ProgressSink progressSink;
    private final HandlerExecutors executors;
    private final Clock clock;
    private final Context context;

    private State state = State.QUEUED;
    private volatile @Nullable StopReason stopReason;
    private @Nullable Thread thread;
    private long deadlineNanos;
    private volatile @Nullable Instant deadline;
    private @Nullable Object value;
    private @Nullable Throwable error;

    Execution(RegisteredTask task, JobMessage job, Object input, Duration timeout, ProgressSink progressSink,
            HandlerExecutors executors, Clock clock) {
        this.task = task;
        this.job = job;
        this.input = input;
        this.timeout = timeout;
        this.progressSink = progressSink;
        this.executors = executors;
        this.clock = clock;
        this.context = new Context();
    }

    UUID jobId() {
        return job.jobId();
    }

    Duration timeout() {
        return timeout;
    }

    /** Runs the handler; on a handler thread. */
    @Override
    public void run() {
        lock.lock();
        try {
            if (state != State.QUEUED) {
                return;
            }
            state = State.RUNNING;
            thread = Thread.currentThread();
            deadlineNanos = System.nanoTime() + timeout.toNanos();
            deadline = clock.instant().plus(timeout);
            changed.signalAll();
        }
        finally {
            lock.unlock();
        }
        Object returned = null;
        Throwable thrown = null;
        MDC.put("jobId", job.jobId().toString());
        try {
            returned = task.handler().handle(input, context);
        }
        catch (Throwable ex) {
            thrown = ex;
        }
        finally {
            context.close();
            MDC.remove("jobId");
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
        }
        finally {
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
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Blocks the consumer thread until the attempt finished, passed its deadline (then stops it as a timeout) or was
     * stopped; after a stop, waits up to {@code stopGrace} for the handler to give up before abandoning it.
     *
     * @throws InterruptedException when the consumer thread is interrupted; the attempt is then left running
     */
    Completion await(Duration stopGrace) throws InterruptedException {
        lock.lock();
        try {
            while (state == State.QUEUED && stopReason == null) {
                changed.await();
            }
            if (state == State.QUEUED) {
                state = State.FINISHED;
                return new Completion.Stopped(reason(), false);
            }
            while (state == State.RUNNING && stopReason == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    stop(StopReason.TIMEOUT);
                }
                else {
                    changed.awaitNanos(left);
                }
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
        }
        finally {
            lock.unlock();
        }
    }

    /** Gives up on a handler that still runs: its result will be ignored and its progress dropped. */
    void abandonIfRunning() {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                abandon();
            }
            else if (state == State.QUEUED) {
                state = State.FINISHED;
            }
        }
        finally {
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

    /** The handler's view of the attempt. */
    private final class Context implements TaskContext {

        private final Logger logger = LoggerFactory.getLogger("errand.task." + task.name());
        private boolean closed;
        private long lastProgressNanos;
        private boolean sentProgress;

        @Override
        public UUID jobId() {
            return job.jobId();
        }

        @Override
        public int attempt() {
            return job.attempt();
        }

        @Override
        public Instant deadline() {
            Instant known = deadline;
            return known == null ? clock.instant().plus(timeout) : known;
        }

        @Override
        public boolean isCancelled() {
            return stopReason != null;
        }

        @Override
        public void checkCancelled() {
            StopReason reason = stopReason;
            if (reason != null) {
                throw new CancellationException("attempt stopped: " + reason.name().toLowerCase(Locale.ROOT));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("attempt interrupted");
            }
        }

        @Override
        public synchronized void progress(double fraction, @Nullable String message) {
            long now = System.nanoTime();
            boolean tooSoon = sentProgress && now - lastProgressNanos < PROGRESS_INTERVAL_NANOS;
            if (closed || tooSoon || Double.isNaN(fraction)) {
                return;
            }
            sentProgress = true;
            lastProgressNanos = now;
            try {
                progressSink.progress(Math.clamp(fraction, 0.0, 1.0), message);
            }
            catch (RuntimeException ex) {
                logger.debug("Progress of job {} not sent: {}", job.jobId(), ex.toString());
            }
        }

        @Override
        public Logger logger() {
            return logger;
        }

        /** No progress after this: the outcome is about to be reported. Waits for a progress report under way. */
        synchronized void close() {
            closed = true;
        }
    }
}
