package errand.worker.workers;

import java.time.Duration;
import java.util.random.RandomGenerator;

import errand.model.Topology;

/**
 * The delay before a failed job's next attempt: {@code base × 2^(attempt−1)}, held in the broker's retry tiers.
 * The tier is {@link Topology#retryTierFor} of that backoff (the longest tier not longer, capped at the longest);
 * the message's own expiration then takes up to {@link #JITTER} off the wait, so jobs that failed together do not
 * all come back at once. A delay shorter than the shortest tier is honoured through the expiration.
 */
final class Backoff {

    /** The largest share of the wait taken off at random. */
    static final double JITTER = 0.2;

    private final Duration base;
    private final RandomGenerator random;

    Backoff(Duration base, RandomGenerator random) {
        this.base = base;
        this.random = random;
    }

    /**
     * Where to park the next attempt after {@code failedAttempt} failed.
     *
     * @param tier  the delay queue, by its TTL
     * @param delay the per-message expiration, never longer than the tier
     */
    record RetryPlan(Duration tier, Duration delay) {
    }

    RetryPlan after(int failedAttempt) {
        Duration longest = Topology.RETRY_TIERS.getLast();
        Duration backoff = base;
        for (int attempt = 1; attempt < failedAttempt && backoff.compareTo(longest) < 0; attempt++) {
            backoff = backoff.multipliedBy(2);
        }
        if (backoff.compareTo(longest) > 0) {
            backoff = longest;
        }
        Duration tier = Topology.retryTierFor(backoff);
        Duration wait = backoff.compareTo(tier) < 0 ? backoff : tier;
        long jitterMillis = (long) (wait.toMillis() * JITTER * random.nextDouble());
        Duration delay = wait.minusMillis(jitterMillis);
        return new RetryPlan(tier, delay.isPositive() ? delay : Duration.ofMillis(1));
    }
}
