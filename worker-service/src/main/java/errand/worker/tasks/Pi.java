package errand.worker.tasks;

import java.util.SplittableRandom;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

/**
 * {@code pi}: estimates π by Monte Carlo, sampling points in the unit square with a {@link SplittableRandom} seeded
 * with {@code seed} (0 when absent), so the same input always gives the same estimate, on every attempt.
 */
@Task(name = "pi", description = "Estimates pi by Monte Carlo sampling; deterministic for a seed (default 0).",
        kind = TaskKind.CPU, timeout = "PT10M", example = "{\"samples\": 1000000, \"seed\": 42}")
final class Pi implements TaskHandler<Pi.Input, Pi.Output> {

    private static final long CHUNK = 1 << 20;

    record Input(@Min(1) @Max(100_000_000_000L) long samples, @Nullable Long seed) {
    }

    record Output(double estimate) {
    }

    @Override
    public Output handle(Input input, TaskContext context) {
        SplittableRandom random = new SplittableRandom(input.seed() == null ? 0 : input.seed());
        long samples = input.samples();
        long inside = 0;
        for (long done = 0; done < samples; ) {
            context.checkCancelled();
            long end = Math.min(done + CHUNK, samples);
            for (; done < end; done++) {
                double x = random.nextDouble();
                double y = random.nextDouble();
                if (x * x + y * y <= 1.0) {
                    inside++;
                }
            }
            context.progress((double) done / samples, done + " samples");
        }
        return new Output(4.0 * inside / samples);
    }
}
