package errand.worker.tasks;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;

/**
 * {@code fail}: fails its first {@code failTimes} attempts, then returns the attempt that succeeded. With
 * {@code retryable} false (default true) the failure is a {@link NonRetryableException}, so the job fails at once.
 * For exercising retries, backoff and dead-lettering.
 */
@Task(name = "fail", description = "Fails the first failTimes attempts (retryably unless retryable is false), "
        + "then returns the attempt number.", kind = TaskKind.IO, timeout = "PT30S", maxAttempts = 5,
        example = "{\"failTimes\": 2, \"retryable\": true}")
final class Fail implements TaskHandler<Fail.Input, Fail.Output> {

    record Input(@PositiveOrZero @Max(100) int failTimes, @Nullable Boolean retryable) {
    }

    record Output(int attempt) {
    }

    @Override
    public Output handle(Input input, TaskContext context) {
        int attempt = context.attempt();
        if (attempt <= input.failTimes()) {
            String message = "planned failure on attempt " + attempt + " of " + input.failTimes();
            if (Boolean.FALSE.equals(input.retryable())) {
                throw new NonRetryableException(message);
            }
            throw new IllegalStateException(message);
        }
        return new Output(attempt);
    }
}
