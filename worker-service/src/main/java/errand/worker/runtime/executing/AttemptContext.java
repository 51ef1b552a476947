package errand.worker.runtime.executing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import errand.model.JobMessage;
import errand.worker.tasks.TaskContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler's view of one attempt ({@link Execution}). Progress goes to the sink at most every
 * {@value #PROGRESS_INTERVAL_MILLIS} ms, and never once {@link #close()}d: the runtime closes the context before it
 * reports the attempt's outcome, waiting for a progress report under way.
 */
final class AttemptContext implements TaskContext {

    static final long PROGRESS_INTERVAL_MILLIS = 500;

    private final JobMessage job;
    private final Duration timeout;
    private final Clock clock;
    private final Execution.ProgressSink sink;
    private final Supplier<Execution.@Nullable StopReason> stopReason;
    private final Logger logger;
    private volatile @Nullable Instant deadline;
    private boolean closed;
    private boolean sentProgress;
    private long lastProgressNanos;

    AttemptContext(String taskName, JobMessage job, Duration timeout, Clock clock, Execution.ProgressSink sink,
            Supplier<Execution.@Nullable StopReason> stopReason) {
        this.job = job;
        this.timeout = timeout;
        this.clock = clock;
        this.sink = sink;
        this.stopReason = stopReason;
        this.logger = LoggerFactory.getLogger("errand.task." + taskName);
    }

    /** The handler starts now: its deadline is one timeout away. */
    void startedNow() {
        deadline = clock.instant().plus(timeout);
    }

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
        return stopReason.get() != null;
    }

    @Override
    public void checkCancelled() {
        Execution.StopReason reason = stopReason.get();
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
        boolean tooSoon = sentProgress && now - lastProgressNanos < TimeUnit.MILLISECONDS.toNanos(
                PROGRESS_INTERVAL_MILLIS);
        if (closed || tooSoon || Double.isNaN(fraction)) {
            return;
        }
        sentProgress = true;
        lastProgressNanos = now;
        try {
            sink.progress(Math.clamp(fraction, 0.0, 1.0), message);
        } catch (RuntimeException ex) {
            logger.debug("Progress of job {} not sent: {}", job.jobId(), ex.toString());
        }
    }

    @Override
    public Logger logger() {
        return logger;
    }

    /** No progress after this. */
    synchronized void close() {
        closed = true;
    }
}
