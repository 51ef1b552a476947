package errand.worker.testkit;

import java.time.Duration;
import java.util.List;

import errand.model.Failure;
import errand.model.WireJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * How one {@link TaskTestKit} run of a handler ended, as the worker would report it, plus what a test wants to look
 * at: the progress reports, the exception thrown, the time taken. The accessors for one outcome ({@link #output()},
 * {@link #failure()}) throw an {@link AssertionError} describing the actual outcome when it is another, so a test can
 * call them directly.
 *
 * @param <O> the handler's output type
 */
public final class TaskRun<O> {

    /** How the attempt ended; what the worker would publish as its outcome event. */
    public sealed interface Outcome {

        /** The handler returned; {@code output} is its value encoded with the wire JSON mapping. */
        record Succeeded(JsonNode output) implements Outcome {
        }

        /**
         * The attempt failed, as the runtime reports it: an exception's simple name and message ({@code retryable}
         * false for a {@code NonRetryableException} anywhere in its causes), {@code invalid-input} for a payload the
         * input rejects, {@code timeout} for a passed deadline, {@code output-encoding} for an unencodable output.
         */
        record Failed(Failure failure) implements Outcome {
        }

        /** The attempt was cancelled while it ran (reported as a non-retryable {@code cancelled} failure). */
        record Cancelled() implements Outcome {
        }
    }

    /** One {@code context.progress(fraction, message)} call, as the handler made it. */
    public record Progress(double fraction, @Nullable String message) {
    }

    private final String taskName;
    private final Outcome outcome;
    private final @Nullable Throwable thrown;
    private final List<Progress> progress;
    private final Duration elapsed;
    private final boolean abandoned;
    private final JavaType outputType;

    TaskRun(String taskName, Outcome outcome, @Nullable Throwable thrown, List<Progress> progress, Duration elapsed,
            boolean abandoned, JavaType outputType) {
        this.taskName = taskName;
        this.outcome = outcome;
        this.thrown = thrown;
        this.progress = List.copyOf(progress);
        this.elapsed = elapsed;
        this.abandoned = abandoned;
        this.outputType = outputType;
    }

    public Outcome outcome() {
        return outcome;
    }

    /**
     * The output as the job's result: the JSON the worker would publish.
     *
     * @throws AssertionError if the run did not succeed
     */
    public JsonNode outputJson() {
        if (outcome instanceof Outcome.Succeeded succeeded) {
            return succeeded.output();
        }
        throw unexpected("succeed");
    }

    /**
     * The output read back from {@link #outputJson()} into the handler's output type, proving it survives the wire.
     *
     * @throws AssertionError if the run did not succeed
     */
    public O output() {
        return WireJson.mapper().readValue(WireJson.mapper().writeValueAsBytes(outputJson()), outputType);
    }

    /**
     * The failure the worker would report.
     *
     * @throws AssertionError if the run did not fail (a cancel is not a failure here: see {@link #isCancelled()})
     */
    public Failure failure() {
        if (outcome instanceof Outcome.Failed failed) {
            return failed.failure();
        }
        throw unexpected("fail");
    }

    public boolean isCancelled() {
        return outcome instanceof Outcome.Cancelled;
    }

    /** What the handler threw, if it threw; also after a cancel or a timeout. */
    public @Nullable Throwable thrown() {
        return thrown;
    }

    /** Every progress report, in order, none dropped: the runtime throttles them, the kit does not. */
    public List<Progress> progress() {
        return progress;
    }

    public List<Double> progressFractions() {
        return progress.stream().map(Progress::fraction).toList();
    }

    /** From the handler's start until it returned, or until the kit gave up on it. */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * True if the handler was stopped (cancel or timeout) and still had not returned {@link TaskTestKit#STOP_GRACE}
     * later: the runtime would abandon it and replace its thread. A handler should never do that.
     */
    public boolean abandoned() {
        return abandoned;
    }

    @Override
    public String toString() {
        return taskName + " run: " + describe() + ", " + progress.size() + " progress reports, " + elapsed;
    }

    private String describe() {
        String ended = switch (outcome) {
            case Outcome.Succeeded succeeded -> "succeeded with " + succeeded.output();
            case Outcome.Failed failed -> "failed with " + failed.failure();
            case Outcome.Cancelled _ -> "was cancelled";
        };
        return abandoned ? ended + " and was abandoned, ignoring its stop" : ended;
    }

    private AssertionError unexpected(String expected) {
        return new AssertionError("expected " + taskName + " to " + expected + ", but it " + describe(), thrown);
    }
}
