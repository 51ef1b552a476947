package errand.worker.tasks;

import java.util.Arrays;

import errand.model.TaskKind;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code prime-count}: counts the primes up to and including {@code upTo} with a segmented sieve of Eratosthenes,
 * checking for cancellation and reporting progress after every segment. Memory stays at one segment plus the base
 * primes up to the square root, whatever the bound.
 */
@Task(name = "prime-count", description = "Counts the primes less than or equal to upTo.", kind = TaskKind.CPU,
        timeout = "PT10M", example = "{\"upTo\": 100000}")
final class PrimeCount implements TaskHandler<PrimeCount.Input, PrimeCount.Output> {

    private static final int SEGMENT = 1 << 20;

    record Input(@Min(1) @Max(2_000_000_000L) long upTo) {
    }

    record Output(long count) {
    }

    @Override
    public Output handle(Input input, TaskContext context) {
        long upTo = input.upTo();
        if (upTo < 2) {
            return new Output(0);
        }
        int[] basePrimes = primesUpTo((int) Math.sqrt((double) upTo));
        boolean[] composite = new boolean[SEGMENT];
        long count = 0;
        for (long low = 0; low <= upTo; low += SEGMENT) {
            context.checkCancelled();
            long high = Math.min(low + SEGMENT - 1, upTo);
            Arrays.fill(composite, false);
            for (int p : basePrimes) {
                long square = (long) p * p;
                if (square > high) {
                    break;
                }
                long first = Math.max(square, (low + p - 1) / p * p);
                for (long multiple = first; multiple <= high; multiple += p) {
                    composite[(int) (multiple - low)] = true;
                }
            }
            for (long n = Math.max(low, 2); n <= high; n++) {
                if (!composite[(int) (n - low)]) {
                    count++;
                }
            }
            context.progress((double) (high + 1) / (upTo + 1), "sieved up to " + high);
        }
        return new Output(count);
    }

    private static int[] primesUpTo(int limit) {
        boolean[] composite = new boolean[limit + 1];
        int[] primes = new int[limit + 1];
        int found = 0;
        for (int n = 2; n <= limit; n++) {
            if (!composite[n]) {
                primes[found++] = n;
                for (long multiple = (long) n * n; multiple <= limit; multiple += n) {
                    composite[(int) multiple] = true;
                }
            }
        }
        return Arrays.copyOf(primes, found);
    }
}
