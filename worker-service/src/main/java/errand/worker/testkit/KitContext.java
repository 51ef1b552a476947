package errand.worker.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import errand.worker.tasks.TaskContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskContext} of one kit run. Behaves like the runtime's: a stop (cancel or timeout) sets
 * {@link #isCancelled()} and interrupts the handler's thread, {@link #checkCancelled()} throws
 * {@link CancellationException}, and nothing is recorded once the handler returned. Unlike the runtime it keeps every
 * progress report as given, neither throttled (the runtime sends about two a second) nor clamped to [0, 1].
 *
 * <p><b>Thread:</b> used by the handler's thread; {@link #stop} and the accessors from any thread.
 */
final class KitContext implements TaskContext {

    enum StopReason { CANCELLED, TIMEOUT }

    private final UUID jobId;
    private final int attempt;
    private final Instant deadline;
    private final double cancelAtFraction;
    private final Logger logger;
    private final List<TaskRun.Progress> progress = new CopyOnWriteArrayList<>();
    private final CompletableFuture<StopReason> stopped = new CompletableFuture<>();
    private @Nullable StopReason stopReason;
    private @Nullable Thread thread;
    private boolean closed;

    /** @param cancelAtFraction a progress report of at least this fraction cancels the attempt; NaN for never */
    KitContext(String taskName, UUID jobId, int attempt, Instant deadline, double cancelAtFraction) {
        this.jobId = jobId;
        this.attempt = attempt;
        this.deadline = deadline;
        this.cancelAtFraction = cancelAtFraction;
        this.logger = LoggerFactory.getLogger("errand.task." + taskName);
    }

    /** The handler runs on the calling thread from now on: stops interrupt it. */
    synchronized void runsOnCurrentThread() {
        thread = Thread.currentThread();
    }

    /** The first reason wins; a handler that already returned is not affected. */
    synchronized void stop(StopReason reason) {
        if (stopReason != null || closed) {
            return;
        }
        stopReason = reason;
        if (thread != null) {
            thread.interrupt();
        }
        stopped.complete(reason);
    }

    /** Completes when the attempt is stopped. */
    CompletableFuture<StopReason> stopped() {
        return stopped;
    }

    synchronized @Nullable StopReason stopReason() {
        return stopReason;
    }

    /** The handler returned: no more progress, no more interrupts. */
    synchronized void close() {
        closed = true;
        thread = null;
    }

    List<TaskRun.Progress> progressReports() {
        return List.copyOf(progress);
    }

    @Override
    public UUID jobId() {
        return jobId;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public synchronized boolean isCancelled() {
        return stopReason != null;
    }

    @Override
    public void checkCancelled() {
        StopReason reason = stopReason();
        if (reason != null) {
            throw new CancellationException("attempt stopped: " + reason.name().toLowerCase(Locale.ROOT));
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("attempt interrupted");
        }
    }

    @Override
    public void progress(double fraction, @Nullable String message) {
        synchronized (this) {
            if (closed) {
                return;
            }
            progress.add(new TaskRun.Progress(fraction, message));
        }
        if (fraction >= cancelAtFraction) {
            stop(StopReason.CANCELLED);
        }
    }

    @Override
    public Logger logger() {
        return logger;
    }
}
