package errand.worker.tasks;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * What a handler knows about the attempt it runs, and how it reports back. Safe to use from the handler's thread;
 * valid only until the handler returns.
 */
public interface TaskContext {

    UUID jobId();

    /** 1 for the first run; each retry is a new, higher attempt. */
    int attempt();

    /** When the runtime interrupts this attempt and records a timeout. */
    Instant deadline();

    /**
     * True once the runtime wants this attempt to stop: the job was cancelled, its deadline passed, or the worker is
     * shutting down past its grace period.
     */
    boolean isCancelled();

    /**
     * Throws if the attempt should stop ({@link #isCancelled()}) or the thread was interrupted. Long computations
     * call this periodically.
     *
     * @throws CancellationException when the attempt should stop
     */
    void checkCancelled();

    /**
     * Reports progress as a {@code JobEvent.Progress}. Cheap to call often: the runtime sends at most about two
     * events a second per job, and none after the outcome.
     *
     * @param fraction done so far, in [0, 1]
     */
    void progress(double fraction, @Nullable String message);

    /**
     * A logger for the task type; its lines carry the job id, task type and trace ({@code jobId}, {@code taskType},
     * {@code traceId}, {@code spanId} in the MDC: fields of JSON log lines).
     */
    Logger logger();
}
