package errand.worker.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTests {

    @ParameterizedTest(name = "attempt {0} failed: backoff {1}, tier {2}")
    @CsvSource({
        "1, PT1S, PT1S",
        "2, PT2S, PT1S",
        "3, PT4S, PT1S",
        "4, PT8S, PT5S",
        "5, PT16S, PT5S",
        "6, PT32S, PT30S",
        "8, PT128S, PT2M",
        "10, PT512S, PT2M",
        "11, PT1024S, PT10M",
        "13, PT4096S, PT1H",
        "60, PT1H, PT1H",
    })
    void doublesTheBackoffAndParksItInTheLongestTierNotLongerThanIt(int failedAttempt, Duration backoff,
            Duration tier) {
        Backoff.RetryPlan plan = new Backoff(Duration.ofSeconds(1), fixed(0.0)).after(failedAttempt);

        assertThat(plan.tier()).isEqualTo(tier);
        assertThat(plan.delay()).isEqualTo(tier.compareTo(backoff) < 0 ? tier : backoff);
    }

    @Test
    void takesAtMostAFifthOffTheWaitAsJitter() {
        Backoff.RetryPlan most = new Backoff(Duration.ofSeconds(1), fixed(0.999_999)).after(4);
        Backoff.RetryPlan half = new Backoff(Duration.ofSeconds(1), fixed(0.5)).after(4);

        assertThat(most.tier()).isEqualTo(Duration.ofSeconds(5));
        assertThat(most.delay()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
        assertThat(half.delay()).isEqualTo(Duration.ofMillis(4500));
    }

    @Test
    void honoursABackoffShorterThanTheShortestTierThroughTheExpiration() {
        Backoff.RetryPlan plan = new Backoff(Duration.ofMillis(200), fixed(0.0)).after(1);

        assertThat(plan.tier()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plan.delay()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void neverOverflowsForHugeBasesOrAttempts() {
        Backoff.RetryPlan plan = new Backoff(Duration.ofDays(365), fixed(0.0)).after(Integer.MAX_VALUE);

        assertThat(plan.tier()).isEqualTo(Duration.ofHours(1));
        assertThat(plan.delay()).isEqualTo(Duration.ofHours(1));
    }

    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }
}
