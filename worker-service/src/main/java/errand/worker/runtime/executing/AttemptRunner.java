package errand.worker.runtime.executing;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

import errand.model.Failure;
import errand.model.JobMessage;
import errand.model.StorableJson;
import errand.worker.runtime.registry.InputDecoder;
import errand.worker.runtime.registry.InvalidInputException;
import errand.worker.runtime.registry.RegisteredTask;
import errand.worker.tasks.NonRetryableException;
import org.jspecify.annotations.Nullable;

/**
 * Runs one attempt of a job: decodes and validates its input, runs the handler on the executor of its kind, waits
 * for it on the calling consumer thread until its deadline, and turns what happened into an {@link AttemptResult}.
 *
 * <p><b>Deadline.</b> {@code JobMessage.timeout} (the type's timeout if the message has none), counted from the
 * moment the handler starts. At the deadline the handler's thread is interrupted and the attempt fails with a
 * retryable {@code timeout} failure.
 *
 * <p><b>Handlers that ignore interruption.</b> After a cancel or a timeout the runner waits {@link #STOP_GRACE}
 * (5 seconds) for the handler to return; if it does not, the handler is abandoned: the outcome is reported at once and
 * the slot
 * freed, the handler's eventual result and progress are dropped, and a CPU handler's thread is replaced in the pool
 * until it returns (see {@link HandlerExecutors}).
 */
public final class AttemptRunner {

    /** The failure type of an attempt that passed its deadline. */
    static final String TIMEOUT = "timeout";

    /** The failure type of a payload that cannot become the handler's input. */
    static final String INVALID_INPUT = "invalid-input";

    /** How long a stopped handler may take to give up before it is abandoned. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private static final int MAX_MESSAGE_LENGTH = 2_000;

    private final InputDecoder decoder;
    private final HandlerExecutors executors;
    private final RunningJobs running;
    private final Clock clock;
    private final Duration stopGrace;

    public AttemptRunner(InputDecoder decoder, HandlerExecutors executors, RunningJobs running, Clock clock) {
        this(decoder, executors, running, clock, STOP_GRACE);
    }

    AttemptRunner(InputDecoder decoder, HandlerExecutors executors, RunningJobs running, Clock clock,
            Duration stopGrace) {
        this.decoder = decoder;
        this.executors = executors;
        this.running = running;
        this.clock = clock;
        this.stopGrace = stopGrace;
    }

    /** Runs the attempt; blocks the calling thread until it ended or was given up on. */
    AttemptResult run(RegisteredTask task, JobMessage job, Execution.ProgressSink progress) {
        return run(task, job, progress, Execution.Alarm.NEVER);
    }

    /**
     * Runs the attempt; blocks the calling thread until it ended or was given up on, ringing {@code alarm} on it
     * whenever due while the attempt runs.
     */
    public AttemptResult run(RegisteredTask task, JobMessage job, Execution.ProgressSink progress,
            Execution.Alarm alarm) {
        Object input;
        try {
            input = decoder.decode(job.payload(), task.inputType());
        } catch (InvalidInputException ex) {
            return new AttemptResult.Failed(failure(INVALID_INPUT, ex.getMessage(), false));
        }
        Duration timeout = job.timeout() != null && job.timeout().isPositive() ? job.timeout() : task.timeout();
        Execution execution = new Execution(task, job, input, timeout, progress, executors, clock);
        running.add(execution);
        try {
            executors.execute(task.kind(), execution);
            return result(execution.await(stopGrace, alarm), timeout);
        } catch (RejectedExecutionException ex) {
            return new AttemptResult.GivenBack("the handler executors are shut down");
        } catch (InterruptedException ex) {
            execution.stop(Execution.StopReason.SHUTDOWN);
            execution.abandonIfRunning();
            Thread.currentThread().interrupt();
            return new AttemptResult.GivenBack("the consumer thread was interrupted");
        } finally {
            running.remove(execution);
        }
    }

    private static AttemptResult result(Execution.Completion completion, Duration timeout) {
        return switch (completion) {
            case Execution.Completion.Returned returned -> succeeded(returned.value());
            case Execution.Completion.Threw threw ->
                    new AttemptResult.Failed(failureOf(threw.error(), !isNonRetryable(threw.error())));
            case Execution.Completion.Stopped stopped -> switch (stopped.reason()) {
                case CANCELLED -> new AttemptResult.Cancelled();
                case TIMEOUT -> new AttemptResult.Failed(failure(TIMEOUT, "the attempt exceeded its timeout of "
                        + timeout + (stopped.abandoned() ? "; the handler ignored its interrupt and was abandoned"
                        : ""), true));
                case SHUTDOWN -> new AttemptResult.GivenBack("the worker is shutting down");
            };
        };
    }

    private static AttemptResult succeeded(@Nullable Object value) {
        try {
            return new AttemptResult.Succeeded(OutputEncoder.encode(value));
        } catch (OutputEncoder.UnencodableOutputException ex) {
            return new AttemptResult.Failed(failure(OutputEncoder.OUTPUT_ENCODING, ex.getMessage(), false));
        }
    }

    private static boolean isNonRetryable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof NonRetryableException) {
                return true;
            }
        }
        return false;
    }

    private static Failure failureOf(Throwable error, boolean retryable) {
        Failure failure = Failure.of(error, retryable);
        return failure(failure.type(), failure.message(), retryable);
    }

    /**
     * A failure as reported: the message cut to 2,000 characters, and type and message made
     * {@linkplain StorableJson#readable readable} (an exception message may hold a NUL or a lone surrogate, which
     * the event could not carry to the job store).
     */
    static Failure failure(String type, String message, boolean retryable) {
        message = StorableJson.readable(message);
        String shortened = message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) + "…"
                : message;
        return new Failure(StorableJson.readable(type), shortened, retryable);
    }
}
