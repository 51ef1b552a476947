package errand.worker.tasks;

import java.time.Duration;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

/** {@code sleep}: waits {@code millis} milliseconds, interruptibly, reporting progress as it goes. */
@Task(name = "sleep", description = "Waits the given number of milliseconds, reporting progress.",
        kind = TaskKind.IO, timeout = "PT10M", example = "{\"millis\": 1500}")
final class Sleep implements TaskHandler<Sleep.Input, Sleep.Output> {

    private static final long MAX_MILLIS = 86_400_000L;
    private static final Duration SLICE = Duration.ofMillis(250);

    record Input(@PositiveOrZero @Max(MAX_MILLIS) long millis) {
    }

    record Output(long sleptMillis) {
    }

    @Override
    public Output handle(Input input, TaskContext context) throws InterruptedException {
        long total = Duration.ofMillis(input.millis()).toNanos();
        long start = System.nanoTime();
        long elapsed;
        while ((elapsed = System.nanoTime() - start) < total) {
            context.checkCancelled();
            context.progress((double) elapsed / total, "sleeping");
            // Waiting is this task's whole job; an interrupt (cancel, timeout) ends it with InterruptedException.
            Thread.sleep(Duration.ofNanos(Math.min(SLICE.toNanos(), total - elapsed)));
        }
        return new Output(input.millis());
    }
}
