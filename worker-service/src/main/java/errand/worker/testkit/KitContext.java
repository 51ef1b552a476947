package errand.worker.testkit;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import errand.worker.tasks.TaskContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The {@link TaskContext} a handler gets in a kit run: the runtime's own context of the attempt (deadline,
 * cancellation, logger), plus a record of every progress report as given, neither throttled (the runtime sends about
 * two a second) nor clamped to [0, 1]. Nothing is recorded once the handler returned. A report of at least
 * {@code cancelAtFraction} cancels the attempt.
 *
 * <p><b>Thread:</b> used by the handler's thread; {@link #progressReports()} from any thread.
 */
final class KitContext implements TaskContext {

    private final TaskContext attempt;
    private final double cancelAtFraction;
    private final Runnable cancel;
    private final List<TaskRun.Progress> progress = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** @param cancelAtFraction a progress report of at least this fraction runs {@code cancel}; NaN for never */
    KitContext(TaskContext attempt, double cancelAtFraction, Runnable cancel) {
        this.attempt = attempt;
        this.cancelAtFraction = cancelAtFraction;
        this.cancel = cancel;
    }

    /** The handler returned: no more progress. */
    synchronized void close() {
        closed = true;
    }

    List<TaskRun.Progress> progressReports() {
        return List.copyOf(progress);
    }

    @Override
    public UUID jobId() {
        return attempt.jobId();
    }

    @Override
    public int attempt() {
        return attempt.attempt();
    }

    @Override
    public Instant deadline() {
        return attempt.deadline();
    }

    @Override
    public boolean isCancelled() {
        return attempt.isCancelled();
    }

    @Override
    public void checkCancelled() {
        attempt.checkCancelled();
    }

    @Override
    public void progress(double fraction, @Nullable String message) {
        synchronized (this) {
            if (closed) {
                return;
            }
            progress.add(new TaskRun.Progress(fraction, message));
        }
        attempt.progress(fraction, message);
        if (fraction >= cancelAtFraction) {
            cancel.run();
        }
    }

    @Override
    public Logger logger() {
        return attempt.logger();
    }
}
