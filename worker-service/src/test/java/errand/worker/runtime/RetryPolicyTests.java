package errand.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;

import errand.model.Failure;
import errand.model.JobMessage;
import errand.model.WireJson;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");

    private final RetryPolicy policy = new RetryPolicy(new Backoff(Duration.ofSeconds(1), noJitter()));

    @Test
    void retriesARetryableFailureWithAttemptsLeftInTheTierOfItsBackoff() {
        JobMessage job = anAttempt(2, 3);

        RetryPolicy.Decision decision = policy.after(job, new Failure("IOException", "reset", true), NOW);

        assertThat(decision).isInstanceOfSatisfying(RetryPolicy.Retry.class, retry -> {
            assertThat(retry.next()).isEqualTo(job.nextAttempt());
            assertThat(retry.plan()).isEqualTo(new Backoff.RetryPlan(Duration.ofSeconds(2), Duration.ofSeconds(2)));
            assertThat(retry.at()).isEqualTo(NOW.plusSeconds(2));
        });
    }

    @Test
    void deadLettersARetryableFailureOnTheLastAttemptAsExhausted() {
        RetryPolicy.Decision decision = policy.after(anAttempt(3, 3), new Failure("IOException", "reset", true), NOW);

        assertThat(decision).isEqualTo(new RetryPolicy.DeadLetter(
                "attempts exhausted after attempt 3 of 3: IOException: reset"));
    }

    @Test
    void deadLettersANonRetryableFailureAtOnceWhateverAttemptsAreLeft() {
        RetryPolicy.Decision decision = policy.after(anAttempt(1, 5), new Failure("invalid-input", "n: must be "
                + "positive", false), NOW);

        assertThat(decision).isEqualTo(new RetryPolicy.DeadLetter(
                "not retryable after attempt 1 of 5: invalid-input: n: must be positive"));
    }

    private static JobMessage anAttempt(int attempt, int maxAttempts) {
        return new JobMessage(UUID.randomUUID(), "echo", attempt, maxAttempts, Duration.ofSeconds(30),
                WireJson.mapper().readTree("{}"), Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static RandomGenerator noJitter() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.0;
            }
        };
    }
}
