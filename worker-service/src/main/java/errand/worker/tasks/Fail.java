package errand.worker.tasks;

import java.time.Duration;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/**
 * {@code fail}: a diagnostic type that misbehaves on request, for exercising retries, dead-lettering and the
 * runtime's defences against bad handlers.
 * <ul>
 *   <li>{@code failTimes} (default 0): fails the first {@code failTimes} attempts, then returns the attempt that
 *       succeeded. With {@code retryable} false (default true) the failure is a {@link NonRetryableException}, so the
 *       job fails at once.
 *   <li>{@code crash}: halts the worker's JVM on every attempt ({@link Runtime#halt}: no shutdown hooks, nothing
 *       acknowledged, like {@code kill -9}), a poison job that only the queue's delivery limit stops.
 *   <li>{@code hang}: ignores interruption (cancel, timeout, shutdown) for {@link #HANG_LIMIT}, then fails, so the
 *       runtime must abandon it to free its slot.
 * </ul>
 * {@code crash} wins over {@code hang}, and both over {@code failTimes}. Both are {@link Diagnostic} options: a
 * worker without {@code errand.worker.diagnostics.enabled=true} leaves them out of the schema it announces (so the
 * API refuses them) and refuses a payload naming them before this handler runs.
 */
@Task(name = "fail", description = "Fails the first failTimes attempts (retryably unless retryable is false), "
        + "then returns the attempt number. Diagnostics, only on workers that enable them: crash halts the worker "
        + "process on every attempt; hang ignores interrupts for 5 minutes.", kind = TaskKind.IO, timeout = "PT30S",
        maxAttempts = 5,
        example = "{\"failTimes\": 2, \"retryable\": true}")
final class Fail implements TaskHandler<Fail.Input, Fail.Output> {

    /** How long {@code hang} ignores interrupts; bounded, so a forgotten hanging handler ends by itself. */
    static final Duration HANG_LIMIT = Duration.ofMinutes(5);

    /** The exit status of a worker that {@code crash} halted. */
    static final int CRASH_STATUS = 70;

    /** Ends the process at once; the worker's is {@link Runtime#halt}. */
    @FunctionalInterface
    interface Halt {
        void halt(int status);
    }

    record Input(@Nullable @PositiveOrZero @Max(100) Integer failTimes, @Nullable Boolean retryable,
            @Diagnostic @Nullable Boolean crash, @Diagnostic @Nullable Boolean hang) {
    }

    record Output(int attempt) {
    }

    private final Halt halt;

    Fail() {
        this(Runtime.getRuntime()::halt);
    }

    Fail(Halt halt) {
        this.halt = halt;
    }

    @Override
    public Output handle(Input input, TaskContext context) {
        int attempt = context.attempt();
        if (Boolean.TRUE.equals(input.crash())) {
            context.logger().warn("Attempt {} asked to crash: halting the worker process", attempt);
            halt.halt(CRASH_STATUS);
            // reached only when halting did not end the process
            throw new IllegalStateException("attempt " + attempt + " asked to crash, but the process did not halt");
        }
        if (Boolean.TRUE.equals(input.hang())) {
            hangIgnoringInterrupts();
            throw new IllegalStateException("attempt " + attempt + " hung for " + HANG_LIMIT
                    + ", ignoring every interrupt");
        }
        int failTimes = input.failTimes() == null ? 0 : input.failTimes();
        if (attempt <= failTimes) {
            String message = "planned failure on attempt " + attempt + " of " + failTimes;
            if (Boolean.FALSE.equals(input.retryable())) {
                throw new NonRetryableException(message);
            }
            throw new IllegalStateException(message);
        }
        return new Output(attempt);
    }

    /** Sleeps out {@link #HANG_LIMIT}, swallowing every interrupt: what a badly written handler does. */
    private static void hangIgnoringInterrupts() {
        long end = System.nanoTime() + HANG_LIMIT.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException ignored) {
                // deliberately ignored: this option exists to show what the runtime does with such a handler
            }
        }
    }
}
