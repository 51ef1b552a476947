package errand.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;

import errand.model.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTests {

    @ParameterizedTest(name = "attempt {0} failed: backoff {1}")
    @CsvSource({
        "1, PT1S",
        "2, PT2S",
        "3, PT4S",
        "4, PT8S",
        "5, PT16S",
        "6, PT32S",
        "8, PT128S",
        "10, PT512S",
        "11, PT1024S",
        "12, PT2048S",
    })
    void doublesTheBackoffFromAOneSecondBaseAndParksItInTheTierOfExactlyThatLength(int failedAttempt,
            Duration backoff) {
        Backoff.RetryPlan plan = new Backoff(Duration.ofSeconds(1), fixed(0.0)).after(failedAttempt);

        assertThat(plan.delay()).isEqualTo(backoff);
        assertThat(plan.tier()).isEqualTo(backoff);
    }

    @ParameterizedTest(name = "base {0}, attempt {1} failed: backoff {2}, tier {3}")
    @CsvSource({
        "PT2S,   1, PT2S,   PT2S",
        "PT2S,   3, PT8S,   PT8S",
        "PT1.5S, 1, PT1.5S, PT2S",
        "PT1.5S, 2, PT3S,   PT4S",
        "PT1.5S, 3, PT6S,   PT8S",
        "PT5S,   4, PT40S,  PT64S",
        "PT45M,  1, PT45M,  PT1H",
    })
    void parksAnyOtherBackoffInTheShortestTierNotShorterThanItWithTheBackoffAsExpiration(Duration base,
            int failedAttempt, Duration backoff, Duration tier) {
        Backoff.RetryPlan plan = new Backoff(base, fixed(0.0)).after(failedAttempt);

        assertThat(plan.delay()).isEqualTo(backoff);
        assertThat(plan.tier()).isEqualTo(tier);
    }

    @Test
    void choosesATierAtLeastAsLongAsTheBackoffButLessThanTwiceAsLong() {
        for (long millis = 1000; millis <= Duration.ofHours(1).toMillis(); millis += 997) {
            Duration backoff = Duration.ofMillis(millis);
            Backoff.RetryPlan plan = new Backoff(backoff, fixed(0.0)).after(1);

            assertThat(plan.tier()).as("tier of %s", backoff).isGreaterThanOrEqualTo(backoff)
                    .isLessThan(backoff.multipliedBy(2));
            assertThat(Topology.RETRY_TIERS).contains(plan.tier());
        }
    }

    @Test
    void takesAtMostAFifthOffTheBackoffAsJitterAndNeverAddsAny() {
        Backoff.RetryPlan most = new Backoff(Duration.ofSeconds(1), fixed(0.999_999)).after(4);
        Backoff.RetryPlan half = new Backoff(Duration.ofSeconds(1), fixed(0.5)).after(4);
        Backoff.RetryPlan none = new Backoff(Duration.ofSeconds(1), fixed(0.0)).after(4);

        assertThat(most.tier()).isEqualTo(Duration.ofSeconds(8));
        assertThat(most.delay()).isGreaterThan(Duration.ofMillis(6400)).isLessThan(Duration.ofSeconds(8));
        assertThat(half.delay()).isEqualTo(Duration.ofMillis(7200));
        assertThat(none.delay()).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void keepsTheJitteredWaitsDoubling() {
        Backoff slowest = new Backoff(Duration.ofSeconds(1), fixed(0.0));
        Backoff fastest = new Backoff(Duration.ofSeconds(1), fixed(0.999_999));

        for (int attempt = 1; attempt < 12; attempt++) {
            assertThat(fastest.after(attempt + 1).delay()).as("after attempt %d", attempt + 1)
                    .isGreaterThan(slowest.after(attempt).delay());
        }
    }

    @Test
    void honoursABackoffShorterThanTheShortestTierThroughTheExpiration() {
        Backoff.RetryPlan plan = new Backoff(Duration.ofMillis(200), fixed(0.0)).after(1);

        assertThat(plan.tier()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plan.delay()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void capsTheBackoffAtAnHourAndNeverOverflowsForHugeBasesOrAttempts() {
        Backoff.RetryPlan capped = new Backoff(Duration.ofSeconds(1), fixed(0.0)).after(13);
        Backoff.RetryPlan huge = new Backoff(Duration.ofDays(365), fixed(0.0)).after(Integer.MAX_VALUE);

        assertThat(capped.tier()).isEqualTo(Duration.ofHours(1));
        assertThat(capped.delay()).isEqualTo(Duration.ofHours(1));
        assertThat(huge.tier()).isEqualTo(Duration.ofHours(1));
        assertThat(huge.delay()).isEqualTo(Duration.ofHours(1));
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
