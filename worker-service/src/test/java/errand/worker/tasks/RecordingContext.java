package errand.worker.tasks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link TaskContext} for handler tests: a chosen attempt, a cancel switch, and every progress report kept. */
final class RecordingContext implements TaskContext {

    private final int attempt;
    private final List<Double> progress = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    private RecordingContext(int attempt) {
        this.attempt = attempt;
    }

    static RecordingContext attempt(int attempt) {
        return new RecordingContext(attempt);
    }

    static RecordingContext firstAttempt() {
        return attempt(1);
    }

    static RecordingContext cancelledAttempt() {
        RecordingContext context = firstAttempt();
        context.cancel();
        return context;
    }

    void cancel() {
        cancelled = true;
    }

    List<Double> progress() {
        return progress;
    }

    @Override
    public UUID jobId() {
        return UUID.fromString("00000000-0000-0000-0000-000000000001");
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusSeconds(60);
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void checkCancelled() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("cancelled");
        }
    }

    @Override
    public void progress(double fraction, @Nullable String message) {
        progress.add(fraction);
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("errand.task.test");
    }
}
